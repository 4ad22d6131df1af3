"""Figures that must stay drawable (and warning-free) at the edges: no finite MDE; and every figure
in English and Dutch, deterministic in both."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from lmp import plots  # noqa: E402
from lmp.reference import load_reference  # noqa: E402


def _texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_dilution_figures_say_so_when_no_effect_is_detectable():
    """Too few placebo regions: the RI minimum detectable effect is infinite. The figures leave
    out the band and the bar, say why, and draw without NaN/inf warnings."""
    row = pd.Series(
        {
            "target_effect": -60.0,
            "implied_population_effect": -12.0,
            "implied_population_effect_with_spillover": -15.0,
            "population_estimate": -20.0,
            "target_effect_needed": np.inf,
            "mde_population_ri": np.inf,
        }
    )
    table = pd.DataFrame(
        {
            "name": ["A", "B"],
            "target_effect": [-60.0, -80.0],
            "implied_population_effect": [-12.0, -16.0],
            "mde_population_ri": [np.inf, 25.0],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        one = plots.dilution_figure(row, "t", "euro", synthetic=True)
        across = plots.dilution_across_figure(table, "t", "euro", synthetic=True)
        one.canvas.draw()
        across.canvas.draw()
    assert any("too few placebo regions" in text for text in _texts(one))
    assert sum("no finite MDE" in text for text in _texts(across)) == 1
    bars = [p for p in across.axes[0].patches if p.get_width() > 0]
    assert len(bars) == 1 and bars[0].get_width() == 50.0


# --- language: every figure in English and Dutch --------------------------------------------------

FIELD = re.compile(r"\{[^}]*\}")
UNIT_NL = "€ per verzekerdenjaar"
TITLE_NL = "Zorgkosten per verzekerdenjaar"


def _event_results() -> list[SimpleNamespace]:
    rel = np.arange(-3, 5)
    results = []
    for k, design in enumerate(["target", "population"]):
        est = 10.0 * rel * (rel >= 0) - 5.0 * k
        table = pd.DataFrame(
            {
                "rel_year": rel,
                "estimate": est,
                "ci_low": est - 30,
                "ci_high": est + 30,
                "ci_ri_low": np.where(rel == 4, -np.inf, est - 40),
                "ci_ri_high": est + 40,
            }
        )
        results.append(
            SimpleNamespace(
                design=design,
                table=table,
                pretrend_p=0.4123,
                pretrend_p_ri=0.5678,
                pretrend_ri_placebos=50 if k == 0 else 0,
            )
        )
    return results


def _inference() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "design": ["target", "population", "triple"],
            "estimate": [-60.0, -12.0, -45.0],
            "ci_low": [-100.0, -30.0, -80.0],
            "ci_high": [-20.0, 6.0, -10.0],
            "ci_wcr_low": [-900.0, -40.0, -90.0],
            "ci_wcr_high": [700.0, 16.0, 0.0],
            "ci_ri_low": [-110.0, -35.0, -85.0],
            "ci_ri_high": [-10.0, 11.0, -5.0],
        }
    )


def _dilution_row(mde: float, estimate: float) -> pd.Series:
    return pd.Series(
        {
            "target_effect": -60.0,
            "implied_population_effect": -12.0,
            "implied_population_effect_with_spillover": -15.0,
            "population_estimate": estimate,
            "target_effect_needed": 90.0 if np.isfinite(mde) else np.inf,
            "mde_population_ri": mde,
        }
    )


def _dilution_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["Noord", "Zuid"],
            "target_effect": [-60.0, -80.0],
            "implied_population_effect": [-12.0, -16.0],
            "mde_population_ri": [np.inf, 25.0],
        }
    )


def _sensitivity() -> dict[str, pd.DataFrame]:
    mbar = np.linspace(0, 2, 5)
    table = pd.DataFrame(
        {
            "mbar": mbar,
            "ci_low": -50 - 30 * mbar,
            "ci_high": -10 + 30 * mbar,
            "id_low": -35 - 10 * mbar,
            "id_high": -25 + 10 * mbar,
        }
    )
    return {"target": table, "population": table / 4, "triple": table / 2}


def _forest() -> pd.DataFrame:
    rows = [
        {
            "name": name,
            "design": design,
            "estimate": est,
            "ci_ri_low": est - 30,
            "ci_ri_high": est + 30,
        }
        for name in ["Noord", "Zuid", "Oost"]
        for design, est in [("target", -50.0), ("population", -10.0)]
    ]
    return pd.DataFrame(rows)


def _meta() -> tuple[pd.DataFrame, pd.Series]:
    table = pd.DataFrame(
        {
            "name": ["Noord", "Zuid", "Oost"],
            "estimate": [-50.0, -20.0, 5.0],
            "meta_se": [20.0, 15.0, 25.0],
        }
    )
    pooled = pd.Series(
        {"estimate": -22.5, "ci_low_hk": -70.25, "ci_high_hk": 25.5, "tau2": 123.456, "i2": 41.7}
    )
    return table, pooled


def _gaps(holdout: bool) -> pd.DataFrame:
    years = np.arange(2011, 2019)
    treated = 1000 + 20 * (years - 2011.0)
    synthetic = treated + np.where(years >= 2015, 15.0, 2.0)
    return pd.DataFrame(
        {
            "year": years,
            "post": (years >= 2015).astype(int),
            "holdout": ((years == 2013) | (years == 2014)).astype(int) if holdout else 0,
            "treated": treated,
            "synthetic": synthetic,
            "holdout_synthetic": synthetic + 5 if holdout else np.nan,
        }
    )


def _synth_results() -> list[SimpleNamespace]:
    rng = np.random.default_rng(3)
    return [
        SimpleNamespace(
            design=design,
            gaps=_gaps(holdout=True),
            placebos=pd.DataFrame({"estimate": rng.normal(0, 10, 40)}),
            estimate=-15.0,
            n_placebos=40,
            p_value_gap=0.1234,
        )
        for design in ["target", "population"]
    ]


def _synth_fit(case: str) -> SimpleNamespace:
    """An lmp.synthcontrol result as the fit figure reads it: ``ok`` (the fit carries over),
    ``flagged`` (overfit), ``none`` (no holdout check) or ``exact`` (exact pre-period fit)."""
    return SimpleNamespace(
        design="target",
        gaps=_gaps(holdout=case != "none"),
        holdout_years=() if case == "none" else (2013, 2014),
        train_years=(2011, 2012, 2013, 2014) if case == "none" else (2011, 2012),
        exact_pre_fit=case == "exact",
        pre_rmspe=2.345678,
        holdout_rmspe=5.4321,
        fit_flagged=case in ("flagged", "none"),
    )


# figure -> (draw it in a language, the WORDS it must show)
STAMP = ["synthetic_stamp"]
DESIGNS = ["design_target", "design_population"]
FIGURES = {
    "trend": (
        lambda lang: plots.trend_figure(_trend(), TITLE_NL, UNIT_NL, 2015, True, language=lang),
        [*STAMP, "area_proeftuin", "area_comparison", "panel_population", "panel_target", "year"],
    ),
    "event_study": (
        lambda lang: plots.event_study_figure(_event_results(), TITLE_NL, UNIT_NL, True, lang),
        [*STAMP, *DESIGNS, "relative_years", "pretrend", "intervals_95"],
    ),
    "inference": (
        lambda lang: plots.inference_figure(_inference(), TITLE_NL, UNIT_NL, True, language=lang),
        [*STAMP, *DESIGNS, "design_triple", "inference_axis"]
        + ["inference_cr1", "inference_wcr", "inference_ri"],
    ),
    "dilution": (
        lambda lang: plots.dilution_figure(
            _dilution_row(np.inf, -20.0), TITLE_NL, UNIT_NL, True, language=lang
        ),
        [*STAMP, "target_effect", "implied_effect_share", "with_spillover", "population_estimate"]
        + ["effect_needed", "none_because", "too_few_placebos", "grey_band"],
    ),
    "dilution_not_finite": (
        lambda lang: plots.dilution_figure(
            _dilution_row(25.0, np.nan), TITLE_NL, UNIT_NL, True, language=lang
        ),
        [*STAMP, "none_because", "not_finite", "grey_band"],
    ),
    "dilution_across": (
        lambda lang: plots.dilution_across_figure(
            _dilution_table(), TITLE_NL, UNIT_NL, True, language=lang
        ),
        [*STAMP, "population_mde", "no_finite_mde", "target_effect", "implied_effect"],
    ),
    "sensitivity": (
        lambda lang: plots.sensitivity_figure(
            _sensitivity(), TITLE_NL, UNIT_NL, True, language=lang
        ),
        [*STAMP, *DESIGNS, "design_triple", "robust_interval", "identified_set", "mbar_axis"],
    ),
    "forest": (
        lambda lang: plots.forest_figure(_forest(), TITLE_NL, UNIT_NL, True, language=lang),
        [*STAMP, *DESIGNS],
    ),
    "meta_forest": (
        lambda lang: plots.meta_forest_figure(*_meta(), TITLE_NL, UNIT_NL, True, language=lang),
        [*STAMP, "pooled"],
    ),
    "synthetic_control": (
        lambda lang: plots.synthetic_control_figure(
            _synth_results(), TITLE_NL, UNIT_NL, True, language=lang
        ),
        [*STAMP, *DESIGNS, "area_proeftuin", "synthetic_control", "paths", "placebo_gap"],
    ),
    "synthcontrol_fit": (
        lambda lang: plots.synthcontrol_fit_figure(
            _synth_fit("ok"), TITLE_NL, UNIT_NL, True, language=lang
        ),
        [*STAMP, "area_proeftuin", "synthetic_control", "held_out", "fitted_on", "start", "year"]
        + ["fit_carries_over"],
    ),
    "synthcontrol_fit_flagged": (
        lambda lang: plots.synthcontrol_fit_figure(
            _synth_fit("flagged"), TITLE_NL, UNIT_NL, True, language=lang
        ),
        [*STAMP, "fit_overfit"],
    ),
    "synthcontrol_fit_no_holdout": (
        lambda lang: plots.synthcontrol_fit_figure(
            _synth_fit("none"), TITLE_NL, UNIT_NL, True, language=lang
        ),
        [*STAMP, "fit_no_holdout"],
    ),
    "synthcontrol_fit_exact": (
        lambda lang: plots.synthcontrol_fit_figure(
            _synth_fit("exact"), TITLE_NL, UNIT_NL, True, language=lang
        ),
        [*STAMP, "exact_fit", "fit_carries_over"],
    ),
    "proeftuin_map": (
        lambda lang: plots.proeftuin_map(load_reference(), language=lang),
        ["map_title", "probable", "membership_inferred"],
    ),
}
# words only an edge case shows, tested on their helpers below
EDGE_WORDS = {"no_years", "not_available", "no_interval", "adjusted"}


def _trend() -> pd.DataFrame:
    rows = [
        {"group": group, "area": area, "year": year, "mean": base + 20 * i}
        for group in ["population", "target"]
        for area, base in [("proeftuin", 1000.0), ("comparison", 1050.0)]
        for i, year in enumerate(range(2011, 2019))
    ]
    return pd.DataFrame(rows)


def _all_texts(fig) -> str:
    """Every text the figure shows: titles, axis and tick labels, legend entries, stamps."""
    return "\n".join(t.get_text() for t in fig.findobj(Text) if t.get_text())


def _pieces(template: str) -> list[str]:
    """The literal parts of a WORDS template (fields left out) long enough to be telling."""
    return [part.strip() for part in FIELD.split(template) if len(part.strip()) >= 3]


def _png(fig, tmp_path: Path, name: str) -> bytes:
    return plots.save(fig, tmp_path, name).read_bytes()


def test_words_have_both_languages_and_every_one_is_shown_somewhere():
    assert all(set(words) == {"en", "nl"} for words in plots.WORDS.values())
    same = {key for key, words in plots.WORDS.items() if words["en"] == words["nl"]}
    assert same == {"area_proeftuin", "start", "inference_cr1"}  # the same word in Dutch
    shown = {key for _, keys in FIGURES.values() for key in keys}
    assert shown | EDGE_WORDS == set(plots.WORDS)
    assert plots._w("pretrend", "nl", design="doelgroep", p="0,41", ri="") == (
        "doelgroep (p trendverschil vooraf: CR1 0,41)"
    )


def test_edge_words_in_dutch():
    assert plots._span((), "nl") == "geen" and plots._span((), "en") == "none"
    assert plots._span((2013, 2014), "nl") == "2013-2014"
    assert plots._fixed(float("nan"), "nl") == "n.v.t."
    assert plots._fixed(1234.5678, "nl") == "1.235" and plots._fixed(1234.5678, "en") == "1,235"
    assert plots._significant(0.5, "nl") == "0,5" and plots._significant(0.5, "en") == "0.5"
    assert "e" not in plots._significant(123456.0, "en")


@pytest.mark.parametrize("name", list(FIGURES))
def test_figure_in_dutch_shows_dutch_words_and_no_english_ones(name, tmp_path):
    draw, keys = FIGURES[name]
    english = draw("en")
    english_text = _all_texts(english)
    dutch = draw("nl")
    dutch_text = _all_texts(dutch)
    for key in keys:  # the figure's words, in the language asked for
        assert all(piece in dutch_text for piece in _pieces(plots.WORDS[key]["nl"])), key
        assert all(piece in english_text for piece in _pieces(plots.WORDS[key]["en"])), key
    for key, words in plots.WORDS.items():  # no English word of any figure in a Dutch one
        for piece in _pieces(words["en"]):
            if piece not in words["nl"]:
                assert piece not in dutch_text, (key, piece)
    english_png = _png(english, tmp_path, "en")
    dutch_png = _png(dutch, tmp_path, "nl")
    assert english_png != dutch_png
    assert _png(draw("nl"), tmp_path, "nl_again") == dutch_png


@pytest.mark.parametrize("name", list(FIGURES))
def test_unknown_language_raises(name):
    draw, _ = FIGURES[name]
    with pytest.raises(ValueError, match="unknown language 'xx'"):
        draw("xx")


def test_numbers_in_figures_use_the_languages_decimal_mark():
    event = {lang: _all_texts(FIGURES["event_study"][0](lang)) for lang in ["en", "nl"]}
    assert "CR1 0.412, RI 0.568" in event["en"] and "CR1 0,412, RI 0,568" in event["nl"]
    meta = {lang: _all_texts(FIGURES["meta_forest"][0](lang)) for lang in ["en", "nl"]}
    assert "tau² = 123.5, I² = 42%" in meta["en"] and "tau² = 123,5, I² = 42%" in meta["nl"]
    fit = {lang: _all_texts(FIGURES["synthcontrol_fit"][0](lang)) for lang in ["en", "nl"]}
    assert "2.346" in fit["en"] and "5.432" in fit["en"]
    assert "2,346" in fit["nl"] and "5,432" in fit["nl"]
    synth = _all_texts(FIGURES["synthetic_control"][0]("nl"))
    assert "(p = 0,12)" in synth
    plt.close("all")


def test_map_keeps_a_title_given_by_the_caller():
    fig = plots.proeftuin_map(load_reference(), title="Eigen titel", language="nl")
    assert fig.axes[0].get_title() == "Eigen titel"
    plt.close(fig)


@pytest.mark.parametrize(
    "language, words", [("en", "no finite interval"), ("nl", "geen eindig interval")]
)
def test_a_forest_plot_marks_an_estimate_without_a_finite_interval(language, words):
    table = pd.DataFrame(
        {
            "name": ["A", "B"],
            "design": "population",
            "estimate": [10.0, -5.0],
            "ci_ri_low": [0.0, -np.inf],
            "ci_ri_high": [20.0, np.inf],
        }
    )
    fig = plots.forest_figure(table, "t", "u", False, language=language)
    texts = _all_texts(fig)
    assert texts.count(words) == 1
    legend = fig.axes[0].get_legend().get_texts()
    assert len(legend) == 1  # only the design that is drawn


def test_an_age_sex_adjusted_event_study_says_so_in_its_legend():
    study = SimpleNamespace(
        design="population",
        adjust="agesex",
        pretrend_p=0.048,
        pretrend_p_ri=0.661,
        pretrend_ri_placebos=999,
    )
    assert plots._pretrend_label(study, "nl") == (
        "hele bevolking, gecorrigeerd voor leeftijd en geslacht "
        "(p trendverschil vooraf: CR1 0,048, RI 0,661)"
    )
    assert "age-sex adjusted" in plots._pretrend_label(study, "en")
    study.adjust = "none"
    assert "adjusted" not in plots._pretrend_label(study, "en")
