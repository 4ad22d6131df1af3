"""Figures with fixed metadata. They take results and tables, never estimate anything.

Every figure made from synthetic data carries a visible "SYNTHETIC DATA" label. :func:`save`
writes PNG files without the 'Software' key and with a fixed DPI, so the same figure gives the
same bytes on every run with the pinned matplotlib.

Every figure function takes ``language`` (``"en"``, the default, or ``"nl"``): its fixed words
(axis labels, legend entries, panel titles, the synthetic-data stamp) come from :data:`WORDS`,
design and area names are translated where they are shown (the data keep their English values),
and numbers use the language's decimal mark (:mod:`lmp.report.numbers`). Titles and units come
from the caller, already in the report's language.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from lmp.did import EventStudyResult  # noqa: E402
from lmp.report.numbers import check_language, number, p_value  # noqa: E402

# Every fixed word a figure shows, in English and Dutch (terms of the Dutch sources). Fields in
# braces are filled in by :func:`_w`.
WORDS: dict[str, dict[str, str]] = {
    # the stamp on figures of generated data
    "synthetic_stamp": {
        "en": "SYNTHETIC DATA - not real results",
        "nl": "SYNTHETISCHE DATA - geen echte resultaten",
    },
    # areas and designs, as shown in legends, ticks and panel titles
    "area_proeftuin": {"en": "proeftuin", "nl": "proeftuin"},
    "area_comparison": {"en": "comparison", "nl": "vergelijkingsgemeenten"},
    "design_target": {"en": "target", "nl": "doelgroep"},
    "design_population": {"en": "population", "nl": "hele bevolking"},
    "design_triple": {"en": "triple", "nl": "drievoudig verschil"},
    "panel_population": {"en": "Whole population", "nl": "Hele bevolking"},
    "panel_target": {"en": "Target group", "nl": "Doelgroep"},
    # axes
    "year": {"en": "year", "nl": "jaar"},
    "relative_years": {
        "en": "years relative to start (reference: year before start)",
        "nl": "jaren t.o.v. de start (referentie: jaar vóór de start)",
    },
    "start": {"en": "start", "nl": "start"},
    "no_interval": {"en": "no finite interval", "nl": "geen eindig interval"},
    "adjusted": {
        "en": "{design}, age-sex adjusted",
        "nl": "{design}, gecorrigeerd voor leeftijd en geslacht",
    },
    # event study
    "pretrend": {
        "en": "{design} (pre-trend p: CR1 {p}{ri})",
        "nl": "{design} (p trendverschil vooraf: CR1 {p}{ri})",
    },
    "intervals_95": {"en": "{kind} 95% intervals", "nl": "{kind} 95%-intervallen"},
    # inference comparison
    "inference_cr1": {"en": "CR1", "nl": "CR1"},
    "inference_wcr": {"en": "wild bootstrap (WCR)", "nl": "wilde bootstrap (WCR)"},
    "inference_ri": {"en": "randomization (RI)", "nl": "randomisatie-inferentie (RI)"},
    "inference_axis": {
        "en": "{unit} (95% intervals; arrows: interval continues beyond the plot)",
        "nl": "{unit} (95%-intervallen; pijlen: interval loopt door buiten de figuur)",
    },
    # dilution
    "target_effect": {"en": "target-group effect", "nl": "effect in de doelgroep"},
    "implied_effect_share": {
        "en": "implied population effect\n(share x target)",
        "nl": "verwacht effect in de hele bevolking\n(aandeel x doelgroep)",
    },
    "with_spillover": {
        "en": "... with estimated spillover",
        "nl": "... met geschat overloopeffect",
    },
    "population_estimate": {"en": "population estimate", "nl": "schatting hele bevolking"},
    "effect_needed": {
        "en": "target-group effect needed\nto be visible",
        "nl": "effect in de doelgroep nodig\nom zichtbaar te zijn",
    },
    "none_because": {"en": "  none: {why}", "nl": "  geen: {why}"},
    "too_few_placebos": {
        "en": "too few placebo regions to detect any effect",
        "nl": "te weinig placeboregio's om een effect aan te tonen",
    },
    "not_finite": {"en": "not finite", "nl": "niet eindig"},
    "grey_band": {
        "en": "{unit}\ngrey band: population effects too small to detect (80% power, RI)",
        "nl": "{unit}\ngrijze band: effecten in de hele bevolking te klein om aan te tonen\n"
        "(80% onderscheidend vermogen, RI)",
    },
    "population_mde": {
        "en": "population MDE (+/-)",
        "nl": "minimaal aantoonbaar effect\n(MDE) hele bevolking (+/-)",
    },
    "no_finite_mde": {
        "en": "  no finite MDE (too few placebo regions)",
        "nl": "  geen eindig MDE (te weinig placeboregio's)",
    },
    "implied_effect": {
        "en": "implied population effect",
        "nl": "verwacht effect in de hele bevolking",
    },
    # sensitivity
    "robust_interval": {"en": "robust 95% interval", "nl": "robuust 95%-interval"},
    "identified_set": {"en": "identified set", "nl": "geïdentificeerde verzameling"},
    "mbar_axis": {
        "en": "M-bar (post / largest pre-period trend change)",
        "nl": "M-bar (na de start /\ngrootste trendverandering vóór de start)",
    },
    # meta-analysis
    "pooled": {
        "en": "pooled (random effects,\nHartung-Knapp 95% CI)",
        "nl": "samengenomen (random effects,\nHartung-Knapp 95%-BI)",
    },
    # synthetic control
    "synthetic_control": {"en": "synthetic control", "nl": "synthetische controle"},
    "paths": {"en": "{design}: paths", "nl": "{design}: verloop"},
    "placebo_gap": {
        "en": "{design}: average post gap vs {n} placebo regions (p = {p})",
        "nl": "{design}: gemiddeld verschil na de start\nvs. {n} placeboregio's (p = {p})",
    },
    "held_out": {"en": "held out: {years}", "nl": "achtergehouden: {years}"},
    "fitted_on": {"en": "fitted on {years} only", "nl": "alleen geschat op {years}"},
    "no_years": {"en": "none", "nl": "geen"},
    "exact_fit": {"en": "0 (exact fit)", "nl": "0 (exacte fit)"},
    "not_available": {"en": "n/a", "nl": "n.v.t."},
    "fit_no_holdout": {
        "en": "pre-RMSPE {pre}, no holdout check: placebo p not evidence",
        "nl": "RMSPE vooraf {pre}, geen controle op achtergehouden jaren:\n"
        "placebo-p is geen bewijs",
    },
    "fit_overfit": {
        "en": "pre-RMSPE {pre}, holdout RMSPE {holdout}: overfit, placebo p not evidence",
        "nl": "RMSPE vooraf {pre}, RMSPE achtergehouden jaren {holdout}:\n"
        "overfit, placebo-p is geen bewijs",
    },
    "fit_carries_over": {
        "en": "pre-RMSPE {pre}, holdout RMSPE {holdout}: fit carries over",
        "nl": "RMSPE vooraf {pre}, RMSPE achtergehouden jaren {holdout}: fit houdt stand",
    },
    # map
    "map_title": {
        "en": "The nine proeftuinen (municipalities of 2020)",
        "nl": "De negen proeftuinen (gemeenten van 2020)",
    },
    "probable": {"en": " (probable)", "nl": " (waarschijnlijk)"},
    "membership_inferred": {"en": "membership inferred", "nl": "lidmaatschap afgeleid"},
}


def _w(key: str, language: str, **fields) -> str:
    """The words ``key`` of :data:`WORDS` in ``language``, with ``fields`` filled in."""
    text = WORDS[key][check_language(language)]
    return text.format(**fields) if fields else text


def _design(design: str, language: str) -> str:
    """A design (``target``, ``population``, ``triple``) as shown; other names as they are."""
    key = f"design_{design}"
    return _w(key, language) if key in WORDS else design


def _area(area: str, language: str) -> str:
    """An area (``proeftuin``, ``comparison``) as shown; other names as they are."""
    key = f"area_{area}"
    return _w(key, language) if key in WORDS else area


def _decimal_mark(text: str, language: str) -> str:
    """English number text (``1,234.5``) with the separators of ``language`` (``1.234,5``)."""
    if check_language(language) == "en":
        return text
    return text.translate(str.maketrans(",.", ".,"))


def _fixed(value: float, language: str) -> str:
    """:func:`lmp.synthcontrol.fixed` in ``language``: four significant digits, never scientific
    notation, NaN as "n/a" ("n.v.t.")."""
    from lmp.synthcontrol import fixed

    if np.isnan(value):
        return _w("not_available", language)
    return _decimal_mark(fixed(value), language)


def _span(years: tuple[int, ...], language: str) -> str:
    """:func:`lmp.synthcontrol.span` in ``language``: "2010-2013", "2013", or "none" ("geen")."""
    from lmp.synthcontrol import span

    return span(years) if years else _w("no_years", language)


def _significant(value: float, language: str) -> str:
    """Four significant digits (``:.4g``) in ``language``; where that would be scientific notation,
    fixed-point notation instead (:func:`_fixed`)."""
    text = f"{value:.4g}"
    if "e" in text:
        return _fixed(value, language)
    return _decimal_mark(text, language)


DPI = 100
COLORS = {
    "proeftuin": "#c0392b",
    "comparison": "#2c3e50",
    "target": "#c0392b",
    "population": "#2980b9",
}
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "svg.hashsalt": "lmp",
    "path.simplify": False,
}


def _figure(width: float, height: float, ncols: int = 1):
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, ncols, figsize=(width, height), squeeze=False)
    return fig, axes[0]


def label_synthetic(fig, synthetic: bool, language: str = "en") -> None:
    """Stamp the figure so nobody mistakes generated data for real results."""
    check_language(language)
    if synthetic:
        fig.text(
            0.99,
            0.01,
            _w("synthetic_stamp", language),
            ha="right",
            va="bottom",
            fontsize=8,
            color="#c0392b",
            fontweight="bold",
        )


def save(fig, output_dir: str | Path, name: str) -> Path:
    """Write ``<output_dir>/figures/<name>.png`` with fixed metadata and close the figure."""
    path = Path(output_dir) / "figures" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    with plt.rc_context(STYLE):
        fig.savefig(path, dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return path


def trend_figure(
    table: pd.DataFrame,
    title: str,
    unit: str,
    start_year: int,
    synthetic: bool,
    language: str = "en",
):
    """Yearly means, proeftuin vs comparison; one panel for the population, one for the target group."""
    check_language(language)
    fig, axes = _figure(9, 3.4, ncols=2)
    for ax, group in zip(axes, ["population", "target"], strict=True):
        part = table[table["group"] == group]
        for area in ["proeftuin", "comparison"]:
            line = part[part["area"] == area]
            ax.plot(
                line["year"],
                line["mean"],
                marker="o",
                ms=3,
                color=COLORS[area],
                label=_area(area, language),
            )
        ax.axvline(start_year - 0.5, color="grey", ls="--", lw=1)
        ax.set_title(_w(f"panel_{group}", language), fontsize=9)
        ax.set_xlabel(_w("year", language))
        ax.set_ylabel(unit)
        ax.legend(frameon=False, fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    label_synthetic(fig, synthetic, language)
    return fig


def _pretrend_label(res: EventStudyResult, language: str = "en") -> str:
    """Legend entry: the design and its pre-trend p-values (CR1, and RI when it was run)."""
    ri = f", RI {p_value(res.pretrend_p_ri, language)}" if res.pretrend_ri_placebos else ""
    p = p_value(res.pretrend_p, language)
    design = _design(res.design, language)
    if getattr(res, "adjust", "none") == "agesex":
        design = _w("adjusted", language, design=design)
    return _w("pretrend", language, design=design, p=p, ri=ri)


def _event_bands(table: pd.DataFrame) -> tuple[pd.Series, pd.Series, str]:
    """The interval columns an event-study figure draws: randomization inference when the event
    study ran it (the inference the reports trust), else CR1; and the legend's name for them."""
    if "ci_ri_low" in table.columns:
        return table["ci_ri_low"], table["ci_ri_high"], "RI"
    return table["ci_low"], table["ci_high"], "CR1"


def event_study_figure(
    results: list[EventStudyResult], title: str, unit: str, synthetic: bool, language: str = "en"
):
    """Leads and lags with 95% intervals; one series per design (target group, whole population).

    The intervals are the randomization-inference ones when the event studies ran RI (else CR1,
    said in the legend). An interval without a finite end (too few placebo regions) is drawn to
    the edge of the plotted range and marked with an arrow.
    """
    check_language(language)
    fig, axes = _figure(8, 4.4)
    ax = axes[0]
    offsets = np.linspace(-0.12, 0.12, len(results)) if len(results) > 1 else [0.0]
    ends = pd.concat([pd.concat(_event_bands(res.table)[:2]) for res in results])
    ends = pd.concat([ends, *[res.table["estimate"] for res in results]])
    ends = ends[np.isfinite(ends)]
    span = max(float(ends.max() - ends.min()), 1e-12)
    ymin, ymax = float(ends.min()) - 0.08 * span, float(ends.max()) + 0.08 * span
    for res, offset in zip(results, offsets, strict=True):
        tab = res.table
        low, high, kind = _event_bands(tab)
        color = COLORS[res.design]
        x = tab["rel_year"] + offset
        shown_low, shown_high = low.clip(lower=ymin), high.clip(upper=ymax)
        ax.errorbar(
            x,
            tab["estimate"],
            yerr=[tab["estimate"] - shown_low, shown_high - tab["estimate"]],
            fmt="o",
            ms=4,
            capsize=2,
            color=color,
            label=f"{_pretrend_label(res, language)}; {_w('intervals_95', language, kind=kind)}",
        )
        for xs, cut in [(x[~np.isfinite(low)], ymin), (x[~np.isfinite(high)], ymax)]:
            marker = "v" if cut == ymin else "^"
            ax.plot(xs, [cut] * len(xs), marker, color=color, ms=6, ls="none")
    ax.set_ylim(ymin, ymax)
    ax.axhline(0, color="black", lw=0.8)
    ax.axvline(-0.5, color="grey", ls="--", lw=1)
    ax.set_xlabel(_w("relative_years", language))
    ax.set_ylabel(unit)
    ax.set_title(title, fontsize=10)
    # below the plot, so a long legend never covers an estimate
    ax.legend(frameon=False, fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.16))
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    label_synthetic(fig, synthetic, language)
    return fig


# inference -> its WORDS key (the legend entry), interval columns and colour
INFERENCE_STYLES = {
    "CR1": ("inference_cr1", "ci_low", "ci_high", "#7f8c8d"),
    "WCR": ("inference_wcr", "ci_wcr_low", "ci_wcr_high", "#8e44ad"),
    "RI": ("inference_ri", "ci_ri_low", "ci_ri_high", "#27ae60"),
}


def inference_figure(
    results: pd.DataFrame, title: str, unit: str, synthetic: bool, language: str = "en"
):
    """One outcome's estimate per design with its CR1, WCR and RI 95% intervals side by side.

    Intervals wider than the plotted range (WCR ones can be, with one or two treated
    municipalities) are cut at the edge and marked with an arrow.
    """
    check_language(language)
    designs = [d for d in ["target", "population", "triple"] if d in set(results["design"])]
    rows = results.set_index("design").loc[designs]
    finite = pd.concat([rows["ci_low"], rows["ci_high"], rows["ci_ri_low"], rows["ci_ri_high"]])
    finite = finite[np.isfinite(finite)]
    span = max(float(finite.max() - finite.min()), 1e-12)
    xmin, xmax = float(finite.min()) - 0.6 * span, float(finite.max()) + 0.6 * span
    fig, axes = _figure(7.5, 0.9 * len(designs) + 1.5)
    ax = axes[0]
    for j, (key, low_col, high_col, color) in enumerate(INFERENCE_STYLES.values()):
        label = _w(key, language)
        offset = (j - 1) * 0.22
        for i, design in enumerate(designs):
            low, high = float(rows.loc[design, low_col]), float(rows.loc[design, high_col])
            shown = (max(low, xmin), min(high, xmax))
            ax.plot(shown, [i + offset] * 2, color=color, lw=2.5, label=label if i == 0 else None)
            for end, cut, marker in [(low, xmin, "<"), (high, xmax, ">")]:
                if (marker == "<" and end < cut) or (marker == ">" and end > cut):
                    ax.plot([cut], [i + offset], marker=marker, color=color, ms=6)
            ax.plot([rows.loc[design, "estimate"]], [i + offset], "o", color="black", ms=3)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlim(xmin, xmax)
    ax.set_yticks(np.arange(len(designs)), [_design(d, language) for d in designs])
    ax.invert_yaxis()
    ax.set_xlabel(_w("inference_axis", language, unit=unit))
    ax.set_title(title, fontsize=10)
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    label_synthetic(fig, synthetic, language)
    return fig


def dilution_figure(row: pd.Series, title: str, unit: str, synthetic: bool, language: str = "en"):
    """Target-group effect, the population effect it implies, and what the design could see.

    ``row`` is one row of :func:`lmp.power.dilution_table`. The grey band is the range of
    population effects smaller than the minimum detectable effect (80% power, randomization
    inference): an implied population effect inside it could not have been seen.
    """
    check_language(language)
    keys = [
        "target_effect",
        "implied_effect_share",
        "with_spillover",
        "population_estimate",
        "effect_needed",
    ]
    labels = [_w(key, language) for key in keys]
    values = [
        row["target_effect"],
        row["implied_population_effect"],
        row["implied_population_effect_with_spillover"],
        row["population_estimate"],
        -abs(row["target_effect_needed"])
        if row["target_effect"] < 0
        else row["target_effect_needed"],
    ]
    colors = [COLORS["target"], "#95a5a6", "#95a5a6", COLORS["population"], "#e67e22"]
    fig, axes = _figure(7.5, 3.4)
    ax = axes[0]
    mde = row["mde_population_ri"]
    if np.isfinite(mde):
        ax.axvspan(-mde, mde, color="#dfe6e9", zorder=0)
    y = np.arange(len(labels))
    finite = np.isfinite(np.asarray(values, dtype=float))
    ax.barh(
        y[finite],
        np.asarray(values, dtype=float)[finite],
        color=np.array(colors)[finite],
        height=0.6,
        zorder=2,
    )
    why = _w("too_few_placebos" if not np.isfinite(mde) else "not_finite", language)
    for i in np.flatnonzero(~finite):
        ax.text(0, i, _w("none_because", language, why=why), va="center", fontsize=8)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel(_w("grey_band", language, unit=unit))
    ax.set_title(title, fontsize=10)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    label_synthetic(fig, synthetic, language)
    return fig


def dilution_across_figure(
    table: pd.DataFrame, title: str, unit: str, synthetic: bool, language: str = "en"
):
    """Per proeftuin: the target-group effect next to the smallest population effect detectable.

    ``table`` has one row per proeftuin with ``name``, ``target_effect``,
    ``implied_population_effect`` and ``mde_population_ri``.
    """
    check_language(language)
    fig, axes = _figure(7.5, 0.45 * len(table) + 1.6)
    ax = axes[0]
    y = np.arange(len(table))
    mde = table["mde_population_ri"].to_numpy(float)
    finite = np.isfinite(mde)
    ax.barh(
        y[finite],
        2 * mde[finite],
        left=-mde[finite],
        color="#dfe6e9",
        height=0.7,
        label=_w("population_mde", language),
    )
    for i in np.flatnonzero(~finite):  # no finite MDE: randomization inference cannot reject
        ax.text(0, i, _w("no_finite_mde", language), va="center", fontsize=7)
    ax.plot(
        table["target_effect"],
        y,
        "o",
        color=COLORS["target"],
        label=_w("target_effect", language),
    )
    ax.plot(
        table["implied_population_effect"],
        y,
        "D",
        color=COLORS["population"],
        ms=4,
        label=_w("implied_effect", language),
    )
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, table["name"])
    ax.invert_yaxis()
    ax.set_xlabel(unit)
    ax.set_title(title, fontsize=10)
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    label_synthetic(fig, synthetic, language)
    return fig


def sensitivity_figure(
    tables: dict[str, pd.DataFrame], title: str, unit: str, synthetic: bool, language: str = "en"
):
    """Robust intervals against M-bar, one panel per design (lmp.sensitivity tables)."""
    check_language(language)
    fig, axes = _figure(4 * len(tables), 3.2, ncols=len(tables))
    for ax, (design, table) in zip(axes, tables.items(), strict=True):
        color = COLORS.get(design, "black")
        ax.fill_between(
            table["mbar"],
            table["ci_low"],
            table["ci_high"],
            color=color,
            alpha=0.2,
            label=_w("robust_interval", language),
        )
        ax.fill_between(
            table["mbar"],
            table["id_low"],
            table["id_high"],
            color=color,
            alpha=0.5,
            label=_w("identified_set", language),
        )
        ax.axhline(0, color="black", lw=0.8)
        ax.set_xlabel(_w("mbar_axis", language))
        ax.set_ylabel(unit)
        ax.set_title(_design(design, language), fontsize=9)
        ax.legend(frameon=False, fontsize=7, loc="upper left")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    label_synthetic(fig, synthetic, language)
    return fig


def forest_figure(
    table: pd.DataFrame,
    title: str,
    unit: str,
    synthetic: bool,
    ci: tuple[str, str] = ("ci_ri_low", "ci_ri_high"),
    language: str = "en",
):
    """Target-group and population estimates with CIs (by default RI), one row per proeftuin."""
    check_language(language)
    names = list(dict.fromkeys(table["name"]))
    fig, axes = _figure(7.5, 0.45 * len(names) + 1.4)
    ax = axes[0]
    designs = [d for d in ("target", "population") if (table["design"] == d).any()]
    for design in designs:
        offset = {"target": -0.15, "population": 0.15}[design] if len(designs) > 1 else 0.0
        part = table[table["design"] == design].set_index("name").reindex(names)
        y = np.arange(len(names)) + offset
        ax.errorbar(
            part["estimate"],
            y,
            xerr=[part["estimate"] - part[ci[0]], part[ci[1]] - part["estimate"]],
            fmt="o",
            ms=4,
            capsize=2,
            color=COLORS[design],
            label=_design(design, language),
        )
        unbounded = (
            ~(np.isfinite(part[ci[0]]) & np.isfinite(part[ci[1]])) & part["estimate"].notna()
        )
        for row, estimate in zip(
            y[unbounded.to_numpy()], part.loc[unbounded, "estimate"], strict=True
        ):
            ax.annotate(
                _w("no_interval", language),
                (estimate, row),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
                color=COLORS[design],
            )
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(np.arange(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlabel(unit)
    ax.set_title(title, fontsize=10)
    ax.legend(  # below the plot, clear of every row
        frameon=False,
        fontsize=8,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.1 - 0.6 / (0.45 * len(names) + 1.4)),
        ncol=len(designs),
    )
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    label_synthetic(fig, synthetic, language)
    return fig


def meta_forest_figure(
    table: pd.DataFrame,
    pooled: pd.Series,
    title: str,
    unit: str,
    synthetic: bool,
    language: str = "en",
):
    """One design's per-proeftuin estimates (+/- 1.96 x the SE the meta-analysis used) and the
    pooled random-effects estimate as a diamond with its Hartung-Knapp interval.

    ``table`` has ``name``, ``estimate`` and ``meta_se``; ``pooled`` is one row of
    :func:`lmp.meta.meta_analysis`.
    """
    check_language(language)
    n = len(table)
    fig, axes = _figure(7.5, 0.42 * (n + 2) + 1.4)
    ax = axes[0]
    y = np.arange(n)
    half = 1.959963984540054 * table["meta_se"].to_numpy(float)
    ax.errorbar(table["estimate"], y, xerr=half, fmt="s", ms=4, capsize=2, color="#2c3e50")
    centre, low, high = pooled["estimate"], pooled["ci_low_hk"], pooled["ci_high_hk"]
    diamond_y = n + 0.6
    ax.fill(
        [low, centre, high, centre],
        [diamond_y, diamond_y - 0.3, diamond_y, diamond_y + 0.3],
        color="#c0392b",
    )
    ax.axvline(0, color="black", lw=0.8)
    labels = [*table["name"], ""]
    ax.set_yticks([*y, diamond_y], [*labels[:-1], _w("pooled", language)])
    ax.invert_yaxis()
    ax.set_xlabel(unit)
    tau2 = _significant(pooled["tau2"], language)
    i2 = number(pooled["i2"], 0, language, grouped=False)
    ax.set_title(f"{title}\ntau\u00b2 = {tau2}, I\u00b2 = {i2}%", fontsize=10)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    label_synthetic(fig, synthetic, language)
    return fig


def synthetic_control_figure(
    results: list, title: str, unit: str, synthetic: bool, language: str = "en"
):
    """Per design: the proeftuin's path against its synthetic control, and the average post-start
    gap among the placebo regions' (lmp.synthcontrol results)."""
    check_language(language)
    with plt.rc_context(STYLE):
        fig, grid = plt.subplots(len(results), 2, figsize=(9, 3.0 * len(results)), squeeze=False)
    for (left, right), res in zip(grid, results, strict=True):
        gaps = res.gaps
        start = gaps.loc[gaps["post"] == 1, "year"].min()
        design = _design(res.design, language)
        left.plot(
            gaps["year"],
            gaps["treated"],
            "o-",
            ms=3,
            color=COLORS[res.design],
            label=_area("proeftuin", language),
        )
        left.plot(
            gaps["year"],
            gaps["synthetic"],
            "s--",
            ms=3,
            color="#2c3e50",
            label=_w("synthetic_control", language),
        )
        left.axvline(start - 0.5, color="grey", ls="--", lw=1)
        left.set_title(_w("paths", language, design=design), fontsize=9)
        left.set_ylabel(unit)
        left.legend(frameon=False, fontsize=7)
        right.hist(res.placebos["estimate"], bins=30, color="#bdc3c7")
        right.axvline(
            res.estimate, color=COLORS[res.design], lw=2, label=_area("proeftuin", language)
        )
        right.axvline(0, color="black", lw=0.8)
        p = number(res.p_value_gap, 2, language)
        right.set_title(
            _w("placebo_gap", language, design=design, n=res.n_placebos, p=p), fontsize=9
        )
        right.set_xlabel(unit)
        right.legend(frameon=False, fontsize=7)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    label_synthetic(fig, synthetic, language)
    return fig


# One colour per proeftuin, in catalogue order (colour-blind-safe tab10 without grey).
REGION_COLOURS = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#17becf",
]


def proeftuin_map(ref, title: str | None = None, language: str = "en"):
    """The nine regions on the CBS 2020 municipalities, one colour each; inferred memberships
    hatched, proeftuinen whose status is only probable outlined in the legend as such.
    ``title`` defaults to "The nine proeftuinen (municipalities of 2020)" in ``language``."""
    check_language(language)
    from matplotlib.patches import Patch

    from lmp.geo import draw_region_map

    slugs = list(ref.proeftuinen["slug"])
    members = ref.members
    regions = {s: list(members.loc[members["proeftuin"] == s, "gemeente_code"]) for s in slugs}
    colours = dict(zip(slugs, REGION_COLOURS, strict=False))
    inferred = set(members.loc[members["confidence"] == "inferred", "gemeente_code"])
    fig, axes = _figure(7.0, 8.0)
    ax = axes[0]
    draw_region_map(ax, regions, colours, hatch_members=inferred)
    for spine in ax.spines.values():
        spine.set_visible(False)
    names = ref.proeftuinen.set_index("slug")
    handles = [
        Patch(
            facecolor=colours[s],
            label=f"{names.loc[s, 'name']}"
            + (_w("probable", language) if names.loc[s, "confidence"] != "confirmed" else ""),
        )
        for s in slugs
    ]
    handles.append(
        Patch(
            facecolor="white",
            hatch="////",
            edgecolor="#555555",
            label=_w("membership_inferred", language),
        )
    )
    ax.legend(handles=handles, loc="upper left", fontsize=7, frameon=True)
    ax.set_title(_w("map_title", language) if title is None else title)
    return fig


def synthcontrol_fit_figure(result, title: str, unit: str, synthetic: bool, language: str = "en"):
    """One synthetic control's pre-period fit and its holdout check (an lmp.synthcontrol result).

    Draws the proeftuin's path and its synthetic control over every year, shades the held-out
    pre-period years, draws dotted the synthetic path of the weights fitted without them (how far
    it misses the shaded years is the holdout RMSPE), and marks the start. The title's second line
    gives the pre-period and holdout RMSPE and says when the fit is flagged, in which case its
    placebo p-values are not evidence. A result without a holdout check has no shading.
    """
    check_language(language)
    gaps = result.gaps
    start = gaps.loc[gaps["post"] == 1, "year"].min()
    held = gaps.loc[gaps["holdout"] == 1, "year"]
    fig, axes = _figure(7, 3.6)
    ax = axes[0]
    if len(held):
        ax.axvspan(
            held.min() - 0.5,
            held.max() + 0.5,
            color="#f5cba7",
            alpha=0.6,
            zorder=0,
            label=_w("held_out", language, years=_span(result.holdout_years, language)),
        )
    ax.plot(
        gaps["year"],
        gaps["treated"],
        "o-",
        ms=3,
        color=COLORS[result.design],
        label=_area("proeftuin", language),
    )
    ax.plot(
        gaps["year"],
        gaps["synthetic"],
        "s--",
        ms=3,
        color="#2c3e50",
        label=_w("synthetic_control", language),
    )
    if len(held):
        ax.plot(
            gaps["year"],
            gaps["holdout_synthetic"],
            ":",
            marker="x",
            ms=4,
            color="#7f8c8d",
            label=_w("fitted_on", language, years=_span(result.train_years, language)),
        )
    ax.axvline(start - 0.5, color="grey", ls="--", lw=1)
    ax.text(
        start - 0.4,
        0.98,
        _w("start", language),
        transform=ax.get_xaxis_transform(),
        va="top",
        fontsize=8,
    )
    pre = _w("exact_fit", language) if result.exact_pre_fit else _fixed(result.pre_rmspe, language)
    if not result.holdout_years:
        status = _w("fit_no_holdout", language, pre=pre)
    else:
        key = "fit_overfit" if result.fit_flagged else "fit_carries_over"
        status = _w(key, language, pre=pre, holdout=_fixed(result.holdout_rmspe, language))
    ax.set_title(f"{title}\n{status}", fontsize=10)
    ax.set_xlabel(_w("year", language))
    ax.set_ylabel(unit)
    ax.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    label_synthetic(fig, synthetic, language)
    return fig
