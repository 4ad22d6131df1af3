"""The report helpers that turn results into tables and plain words."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from lmp import did, summaries
from lmp.reference import load_reference
from tests.conftest import PROEFTUIN


def _row(k: int) -> pd.Series:
    return pd.Series(
        {"n_treated_clusters": k, "n_clusters": 300, "ri_placebos": 999, "ri_enumerated": False}
    )


def test_inference_guide_depends_on_the_number_of_treated_municipalities():
    one = summaries.inference_guide(_row(1))
    many = summaries.inference_guide(_row(7))
    assert "1 treated municipality**" in one and "not informative" in one
    assert "7 treated municipalities**" in many and "second opinion" in many
    for text in (one, many):
        assert "Randomization inference (RI) is the one to trust" in text
        assert "999 randomly drawn placebo regions" in text


def test_significance_counts_count_each_kind_of_inference(cells):
    results = did.estimate_all(
        cells, PROEFTUIN, ["cost_total"], inference="all", wcr_reps=199, ri_reps=99
    )
    stacked = pd.concat([results, results.assign(p_value=1.0, p_wcr=0.01, p_ri=0.5)])
    counts = summaries.significance_counts(stacked).set_index("design")
    for design in did.DESIGNS:
        row = results.set_index("design").loc[design]
        assert counts.loc[design, "proeftuinen"] == 2
        assert counts.loc[design, "significant_cr1"] == int(row["p_value"] < 0.05)
        assert counts.loc[design, "significant_wcr"] == int(row["p_wcr"] < 0.05) + 1
        assert counts.loc[design, "significant_ri"] == int(row["p_ri"] < 0.05)


def test_visibility_text_follows_the_counts():
    few = pd.DataFrame({"implied_visible": [True, False, False]})
    most = pd.DataFrame({"implied_visible": [True, True, False]})
    assert "1 of 3" in summaries.visibility_text(few, few)
    assert "below the population design's minimum detectable" in summaries.visibility_text(few, few)
    assert "dilution alone does not explain" in summaries.visibility_text(most, most)


def test_readable_keeps_small_probabilities_visible():
    frame = pd.DataFrame({"x": [0.000123456, 12345.678, 0.0], "name": ["a", "b", "c"]})
    out = summaries.readable(frame)
    assert list(out["x"]) == [0.0001235, 12350.0, 0.0] and list(out["name"]) == ["a", "b", "c"]


def test_synthetic_control_text_warns_when_placebos_are_not_centred():
    base = {
        "outcome": "cost_total",
        "design": "target",
        "sc_estimate": -50.0,
        "sc_p_gap": 0.3,
        "sc_placebo_sd": 40.0,
        "did_estimate": -60.0,
        "did_p_ri": 0.2,
        "did_ci_ri_low": -150.0,
        "did_ci_ri_high": 30.0,
    }
    centred = summaries.synthetic_control_text(pd.DataFrame([{**base, "sc_placebo_mean": 5.0}]))
    shifted = summaries.synthetic_control_text(pd.DataFrame([{**base, "sc_placebo_mean": 45.0}]))
    assert "**agree**" in centred and "Caution" not in centred
    assert "Caution" in shifted and "biased for this design" in shifted


def test_significance_counts_count_p_equal_to_alpha_as_significant():
    """A placebo test rejects (its interval excludes zero) at p <= alpha, so p = 0.05 counts."""
    row = {"outcome": "cost_total", "design": "target", "p_value": 0.2, "p_wcr": 0.2}
    counts = summaries.significance_counts(pd.DataFrame([{**row, "p_ri": 0.05}]))
    assert counts.loc[0, "significant_ri"] == 1
    counts = summaries.significance_counts(pd.DataFrame([{**row, "p_ri": 0.051}]))
    assert counts.loc[0, "significant_ri"] == 0


def test_synthetic_control_text_says_when_the_methods_disagree():
    row = {
        "outcome": "cost_total",
        "design": "population",
        "sc_estimate": 80.0,
        "sc_p_gap": 0.01,
        "sc_placebo_mean": 0.0,
        "sc_placebo_sd": 30.0,
        "did_estimate": -10.0,
        "did_p_ri": 0.6,
        "did_ci_ri_low": -60.0,
        "did_ci_ri_high": 40.0,
    }
    text = summaries.synthetic_control_text(pd.DataFrame([row]))
    assert "**disagree**" in text and "**agree**" not in text
    assert "interval [-60, 40]" in text  # the DiD interval the verdict is read against


def test_a_wild_bootstrap_p_of_zero_from_random_draws_reads_as_below_one_over_b(cells):
    results = pd.DataFrame(
        {
            "estimate": [1.0, 2.0, 3.0],
            "p_wcr": [0.0, 0.03, 0.0],
            "wcr_draws": [199, 199, 0],
            "wcr_enumerated": [False, False, False],
        }
    )
    shown = summaries.inference_table(results)["p (WCR)"].tolist()
    assert shown == ["< 1/199", 0.03, 0.0]  # no draws: nothing to bound, left as it is
    cr1_only = did.estimate_all(cells, PROEFTUIN, ["cost_total"], inference="cr1")
    assert summaries.inference_table(cr1_only)["p (WCR)"].isna().all()  # WCR not run
    result = did.estimate(cells, PROEFTUIN, "cost_total", "target", inference="wcr", wcr_reps=199)
    assert not result.wcr_enumerated
    text = dataclasses.replace(result, p_wcr=0.0).summary()
    assert "(WCR, webb): p < 1/199, " in text
    assert f"p = {result.p_wcr:.4f}, " in result.summary()


def test_inference_guide_says_how_the_placebo_regions_were_matched():
    persons = summaries.inference_guide(pd.concat([_row(3), pd.Series({"ri_match": "persons"})]))
    count = summaries.inference_guide(_row(3))
    assert "with about as many persons (within a factor 1.5)" in persons
    assert "with about as many persons" not in count


def _primary(estimate, p_ri, low, high, mde=50.0):
    return pd.Series(
        {
            "ri_placebos": 18,
            "estimate": estimate,
            "p_ri": p_ri,
            "ci_ri_low": low,
            "ci_ri_high": high,
            "mde_ri": mde,
            "alpha": 0.05,
            "first_year": 2011,
            "last_year": 2018,
            "start_year": 2014,
        }
    )


@pytest.mark.parametrize(
    "row, words, absent",
    [
        (
            _primary(81.9, 0.001, 35, 129),
            ["rose by €82", "p = 0.001", "detectable difference"],
            "No detectable",
        ),
        (
            _primary(-40.2, 0.05, -80, -1),
            ["fell by €40", "-€80 to -€1"],
            "No detectable",
        ),
        (
            _primary(12.0, 0.051, -30, 54),
            ["No detectable effect", "about €50 per insured-year or larger", "includes zero"],
            "rose",
        ),
        (
            _primary(12.0, 0.4, -np.inf, np.inf, np.inf),
            [
                "could not have detected any effect",
                "no finite 95% randomization-inference interval: only 18 comparable placebo",
            ],
            "smaller than",
        ),
    ],
)
def test_the_answer_follows_the_randomization_inference_numbers(row, words, absent):
    text = summaries.answer_text(row, "MijnZorg")
    for word in words:
        assert word in text, text
    assert absent not in text


def test_target_share_and_trends_on_age_sex_data_use_insured_years():
    from pathlib import Path

    from lmp.contract import load_data

    data = load_data(
        Path(__file__).resolve().parent.parent / "data" / "open" / "vektis_zvw_2011_2018.parquet"
    )
    frame = data.frame
    ref = load_reference()
    members = ref.municipalities("goedleven")
    rows = frame[
        (frame["outcome"] == "cost_total")
        & frame["gemeente_code"].isin(members)
        & (frame["year"] >= 2014)
    ]
    old = (
        rows["segment"].str.slice(2).isin(["65_69", "70_74", "75_79", "80_84", "85_89", "90_plus"])
    )
    expected = rows.loc[old, "person_years"].sum() / rows["person_years"].sum()
    assert summaries.target_share(data, "goedleven", "cost_total", ref) == pytest.approx(expected)
    crude = summaries.trends(data, "goedleven", "cost_total", ref)
    one = crude[
        (crude["group"] == "population") & (crude["area"] == "proeftuin") & (crude["year"] == 2016)
    ]
    cells = frame[
        (frame["outcome"] == "cost_total")
        & frame["gemeente_code"].isin(members)
        & (frame["year"] == 2016)
    ]
    assert one["mean"].iloc[0] == pytest.approx(
        cells["value_sum"].sum() / cells["person_years"].sum()
    )
    standard = summaries.trends(data, "goedleven", "cost_total", ref, standardise=True)
    assert len(standard) == len(crude)
    assert summaries.analysable_outcomes(data, "goedleven", ref) == [
        "cost_total",
        "cost_gp",
        "cost_gp_excl_mdz",
        "cost_hospital",
        "cost_pharmacy",
        "cost_mental",
    ]


def test_the_answer_warns_when_the_pre_trend_test_rejects():
    row = _primary(81.9, 0.001, 35, 129)
    assert "**But**" not in summaries.answer_text(row, "X", pretrend_p=0.051)
    assert "**But**" not in summaries.answer_text(row, "X", pretrend_p=float("nan"))
    warned = summaries.answer_text(row, "X", pretrend_p=0.05)
    assert "already moved differently before 2014" in warned and "p = 0.050" in warned
