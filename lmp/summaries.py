"""Descriptive tables, the dilution arithmetic and table output for the reports.

Functions here take a :class:`~lmp.contract.Dataset` (or results) and return small DataFrames
and verdicts (categories); the notebooks only display them, and :mod:`lmp.report.sentences` puts
them into words. Every table that leaves the package through :func:`write_table`
passes the disclosure check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from lmp.contract import Dataset
from lmp.disclosure import (
    assert_no_recoverable_cells,
    assert_publishable,
    publishable_part,
    suppress_with_complements,
)
from lmp.errors import LmpError
from lmp.inference import significant
from lmp.reference import Reference, load_reference

# Six significant digits: enough for every published number, and far coarser than the 1e-13
# relative differences that summation order on another processor can make, so the same inputs give
# the same CSV bytes on any machine (a digit flips only when a value sits within 1e-13 of a
# rounding boundary: about one number in ten million).
FLOAT_FORMAT = "%.6g"


def provenance_table(data: Dataset) -> pd.DataFrame:
    """The files behind imported data: name, year, SHA-256, classification, rows set aside."""
    rows = [
        {
            "file": f["file"],
            "year": f["year"],
            "sha256": f["sha256"],
            "checksum": f["checksum"],
            "names_of": f["classification"],
            "written_in": f["analysis_classification"],
            "rows_set_aside": sum(f["rows_set_aside"].values()),
            "cells_absent": f["cells_absent"],
        }
        for f in data.provenance.get("files", [])
    ]
    return pd.DataFrame(rows)


def _targets(data: Dataset, slug: str, ref: Reference) -> list[str]:
    """The target group's segments (by age on age-sex data, by segment otherwise)."""
    from lmp.did import DesignOptions, target_segments

    return target_segments(data.frame, slug, ref, DesignOptions())


def _segment_catalogue(data: Dataset, ref: Reference) -> pd.DataFrame:
    return ref.agesex if data.scheme == "agesex" else ref.segments


def members_table(slug: str, ref: Reference | None = None, language: str = "en") -> pd.DataFrame:
    """The proeftuin's municipalities with the confidence of each membership and its reason.

    ``note`` is in ``language``: the English of ``proeftuin_members.csv``, or for ``nl`` lmp's
    translation (``proeftuin_members_nl.csv``). Names and the codes ``confidence`` (``sourced``,
    ``inferred``) and ``partial`` (``yes``, ``no``) stay as in the catalogue in every language:
    the report translates them when it shows them (``lmp.report.tables.VALUES``).
    """
    ref = ref or load_reference()
    rows = ref.members_of(slug, language)
    return rows[["gemeente_code", "name", "confidence", "partial", "note"]].reset_index(drop=True)


def _confidence_words(confidence: str, language: str) -> str:
    """A proeftuin's status in the reference data, in ``language``."""
    if language == "en":
        return confidence
    from lmp.report.sentences import CONFIDENCE_NL  # the report's words (imports this module)

    return CONFIDENCE_NL.get(confidence, confidence)


# What the profile says when a proeftuin has no source at all.
NONE_FOUND = {"en": "none found", "nl": "geen gevonden"}


def profile(slug: str, ref: Reference | None = None, language: str = "en") -> pd.DataFrame:
    """The reference facts about one proeftuin, field by field, with its municipalities.

    The field names stay English (a report translates them). In ``language`` (``en`` or ``nl``):
    the segment names, the status, and the free text of the reference data (region, lead
    insurer, partners, interventions, notes, the basis of the target ages), which for ``nl`` is
    lmp's translation (``data/reference/proeftuinen_nl.csv``), not sourced text. Names,
    provinces, municipality names and the sources are the catalogue's own in both languages.
    """
    ref = ref or load_reference()
    row = ref.proeftuin(slug, language)
    names = ref.gemeenten.set_index("gemeente_code").loc[ref.municipalities(slug), "name"]
    segments = ref.segments.set_index("code")[f"label_{language}"]
    target_ages = row.get("target_ages", "")
    fields = {
        "Name": row["name"],
        "Region": row["region"],
        "Province": row["province"],
        "Municipalities (classification 2020)": ", ".join(names),
        "Lead insurer": row["lead_insurer"],
        "Partners": row["partners"],
        "First treated year": str(row["start_year"]),
        "Target group (segments)": ", ".join(segments[s] for s in ref.target_segments(slug)),
        "Target ages on the open data": f"{target_ages} ({row.get('target_ages_basis', '')})",
        "Interventions": row["interventions"],
        "Confidence in these facts": _confidence_words(row["confidence"], language),
        "Notes": row["notes"],
        "Sources": row["source"] or NONE_FOUND[language],
    }
    return pd.DataFrame({"field": list(fields), "value": list(fields.values())})


def _group(codes: pd.Series, slug: str, ref: Reference) -> pd.Series:
    treated = set(ref.municipalities(slug))
    pool = set(ref.comparison_pool())
    return codes.map(
        lambda c: "proeftuin" if c in treated else ("comparison" if c in pool else None)
    )


def segment_mix(data: Dataset, slug: str, year: int, ref: Reference | None = None) -> pd.DataFrame:
    """Persons per segment in the proeftuin and in the comparison pool in ``year`` (suppressed).

    Segments are those of the data's scheme: morbidity segments, or sex x age classes. In each
    area the shares give away the total, and :func:`trends` publishes the target group's persons,
    so the target and the other segments are each a group whose total is known: small cells and
    enough complementary ones are withheld (:func:`lmp.disclosure.suppress_with_complements`) that
    no withheld cell can be recovered by subtraction. ``suppressed`` is true where either area's
    cell is withheld.
    """
    ref = ref or load_reference()
    catalogue = _segment_catalogue(data, ref)
    frame = data.frame[(data.frame["outcome"] == "cost_total") & (data.frame["year"] == year)]
    frame = frame.assign(area=_group(frame["gemeente_code"], slug, ref)).dropna(subset=["area"])
    counts = frame.pivot_table(index="segment", columns="area", values="n_persons", aggfunc="sum")
    counts = counts.reindex(catalogue["code"]).fillna(0)
    table = pd.DataFrame(
        {
            "segment": catalogue["label_en"].to_numpy(),
            "target": catalogue["code"]
            .isin(_targets(data, slug, ref))
            .map({True: "yes", False: ""})
            .to_numpy(),
            "persons_proeftuin": counts["proeftuin"].to_numpy(),
            "share_proeftuin_pct": (
                100 * counts["proeftuin"] / counts["proeftuin"].sum()
            ).to_numpy(),
            "persons_comparison": counts["comparison"].to_numpy(),
            "share_comparison_pct": (
                100 * counts["comparison"] / counts["comparison"].sum()
            ).to_numpy(),
        }
    )
    withheld = pd.Series(False, index=table.index)
    for area in ["proeftuin", "comparison"]:
        count, share = f"persons_{area}", f"share_{area}_pct"
        subtotal = table.groupby("target")[count].transform("sum")
        # trends shows the target group's persons beside the population's when it may
        target = table.loc[table["target"] == "yes", count].sum()
        split = publishable_part(target, table[count].sum())
        groups = ["target"] if split else []
        table = suppress_with_complements(table, count, [share], groups, enclosing=[[]])
        withheld |= table.pop("suppressed")
        name = f"segment mix ({area})"
        assert_no_recoverable_cells(table, count, [], name, share_column=share)
        if split:
            assert_no_recoverable_cells(
                table.assign(subtotal=subtotal), count, ["target"], name, total_column="subtotal"
            )
    return table.assign(suppressed=withheld)


def trends(
    data: Dataset, slug: str, outcome: str, ref: Reference | None = None, standardise: bool = False
) -> pd.DataFrame:
    """Yearly means per person-year, proeftuin vs comparison, for the population and target group.

    ``standardise`` (age-sex data): direct age-sex standardisation, each stratum's mean weighted
    by its share of all person-years in the data (every municipality, every year); strata absent
    in an area-year (suppressed cells) are left out and the weights of the others rescaled.

    Suppression: a row of fewer than 10 persons is withheld, and so is a target-group row whose
    complement (its area-year's population minus the target group) holds fewer than 10 persons,
    which subtraction would otherwise reveal (:func:`lmp.disclosure.suppress_with_complements`).
    """
    ref = ref or load_reference()
    frame = data.frame[data.frame["outcome"] == outcome]
    frame = frame.assign(area=_group(frame["gemeente_code"], slug, ref)).dropna(subset=["area"])
    targets = set(_targets(data, slug, ref))
    if standardise:  # each stratum's share of all person-years of this outcome
        everyone = data.frame[data.frame["outcome"] == outcome]
        standard_weights = everyone.groupby("segment")["person_years"].sum()
    parts = []
    for group, part in [("population", frame), ("target", frame[frame["segment"].isin(targets)])]:
        keys = ["area", "year", "segment"] if standardise else ["area", "year"]
        sums = part.groupby(keys, as_index=False)[["n_persons", "person_years", "value_sum"]].sum()
        sums["mean"] = sums["value_sum"] / sums["person_years"]
        if standardise:
            sums["w"] = sums["segment"].map(standard_weights)
            sums["wm"] = sums["w"] * sums["mean"]
            sums = sums.groupby(["area", "year"], as_index=False)[
                ["n_persons", "person_years", "w", "wm"]
            ].sum()
            sums["mean"] = sums["wm"] / sums["w"]
        sums["group"] = group
        parts.append(sums)
    table = pd.concat(parts, ignore_index=True)
    table = table[["group", "area", "year", "n_persons", "mean"]].sort_values(
        ["group", "area", "year"]
    )
    table = table.reset_index(drop=True)
    keys = ["group", "area", "year"]

    def population(frame: pd.DataFrame) -> pd.Series:
        """The population's persons of each target row's area and year (NaN elsewhere)."""
        persons = frame[frame["group"] == "population"].set_index(["area", "year"])["n_persons"]
        above = persons.reindex(pd.MultiIndex.from_frame(frame[["area", "year"]])).to_numpy()
        return pd.Series(np.where(frame["group"] == "target", above, np.nan), index=frame.index)

    table = suppress_with_complements(
        table.assign(population=population(table)), "n_persons", ["mean"], keys, "population"
    )
    published = table.assign(population=population(table))
    assert_no_recoverable_cells(published, "n_persons", keys, "trends", total_column="population")
    return table.drop(columns="population")


def target_share(data: Dataset, slug: str, outcome: str, ref: Reference | None = None) -> float:
    """Share of the proeftuin's person-years (from its start year on) in the target group.

    NaN (suppressed) when a year's target group has fewer than 10 persons, or its complement
    between 1 and 9: the share would be derived from counts that :func:`trends` withholds.
    """
    ref = ref or load_reference()
    start = int(ref.proeftuin(slug)["start_year"])
    frame = data.frame
    rows = frame[
        (frame["outcome"] == outcome)
        & frame["gemeente_code"].isin(ref.municipalities(slug))
        & (frame["year"] >= start)
    ]
    in_target = rows["segment"].isin(_targets(data, slug, ref))
    persons = rows.groupby([rows["year"], in_target.rename("target")])["n_persons"].sum()
    persons = persons.unstack("target").reindex(columns=[True, False]).fillna(0)
    shown = [publishable_part(t, t + r) for t, r in zip(persons[True], persons[False], strict=True)]
    if not all(shown):
        return float("nan")
    return float(rows.loc[in_target, "person_years"].sum() / rows["person_years"].sum())


def analysable_outcomes(data: Dataset, slug: str, ref: Reference | None = None) -> list[str]:
    """The catalogue's outcomes that the data hold in years before and after the start."""
    ref = ref or load_reference()
    start = int(ref.proeftuin(slug)["start_year"])
    spans = data.frame.groupby("outcome")["year"].agg(["min", "max"])
    return [
        code
        for code in ref.outcomes["code"]
        if code in spans.index and spans.loc[code, "min"] < start <= spans.loc[code, "max"]
    ]


INFERENCE_COLUMNS = {
    "outcome": "outcome",
    "design": "design",
    "estimate": "estimate",
    "se": "SE (CR1)",
    "p_value": "p (CR1)",
    "ci_low": "CI low (CR1)",
    "ci_high": "CI high (CR1)",
    "p_wcr": "p (WCR)",
    "ci_wcr_low": "CI low (WCR)",
    "ci_wcr_high": "CI high (WCR)",
    "p_ri": "p (RI)",
    "ci_ri_low": "CI low (RI)",
    "ci_ri_high": "CI high (RI)",
    "true_value": "true value",
}


def readable(frame: pd.DataFrame, digits: int = 4) -> pd.DataFrame:
    """Floats rounded to ``digits`` significant digits, for display (0/1 outcomes stay visible)."""

    def rounded(value):
        if isinstance(value, float) and np.isfinite(value) and value != 0:
            return float(f"{value:.{digits}g}")
        return value

    return frame.map(rounded)


def inference_table(results: pd.DataFrame) -> pd.DataFrame:
    """The results with CR1, WCR and RI side by side, columns named for a reader.

    A WCR p-value of 0 from random draws is shown as ``"< 1/B"``
    (:func:`lmp.report.sentences.bootstrap_p_text`).
    """
    from lmp.report.sentences import bootstrap_p_text

    columns = [c for c in INFERENCE_COLUMNS if c in results]
    if "true_value" in columns and results["true_value"].isna().all():
        columns.remove("true_value")  # real data: there is no truth to show
    table = results[columns].copy()
    if {"p_wcr", "wcr_draws", "wcr_enumerated"} <= set(results.columns):
        table["p_wcr"] = [
            bootstrap_p_text(p, int(b), bool(e)) if pd.notna(b) else p  # NaN: WCR not run
            for p, b, e in zip(
                results["p_wcr"], results["wcr_draws"], results["wcr_enumerated"], strict=True
            )
        ]
    return table.rename(columns=INFERENCE_COLUMNS)


# With this many treated municipalities or fewer, lmp's size study found the WCR all but never
# rejecting a true null (benchmarks/results/size.md: 0-1.6% at k <= 3 in every design, 3.3-3.6% at
# k = 4, about 5% from k = 5 on).
WCR_UNINFORMATIVE_UP_TO = 3


# The level of randomization inference for regions of neighbouring municipalities on the real
# data (benchmarks/results/ri_contiguous.md: 300 pseudo proeftuinen without an effect per row;
# tests/test_honesty.py checks these figures against the committed results). Percentages of true
# nulls rejected at 5%, lowest and highest over total, hospital and mental-health cost.
RI_SIZE_CONTIGUOUS = {3: (6.7, 7.0), 8: (5.7, 12.3)}  # contiguous placebo regions (the reports)
RI_SIZE_SCATTERED = {3: (10.3, 12.7), 8: (13.3, 25.0)}  # placebo regions anywhere in the country


def synthetic_control_table(controls: list, results: pd.DataFrame) -> pd.DataFrame:
    """Synthetic-control estimates (lmp.synthcontrol results) beside the DiD with RI, per design."""
    rows = []
    for sc in controls:
        did_row = results[(results["outcome"] == sc.outcome) & (results["design"] == sc.design)]
        did_row = did_row.iloc[0]
        row = {
            "outcome": sc.outcome,
            "design": sc.design,
            "sc_estimate": sc.estimate,
            "sc_p_gap": sc.p_value_gap,
            "sc_p_rmspe_ratio": sc.p_value_ratio,
            "sc_pre_rmspe": sc.pre_rmspe,
            "sc_placebos": sc.n_placebos,
            "sc_placebo_mean": float(sc.placebos["estimate"].mean()),
            "sc_placebo_sd": float(sc.placebos["estimate"].std(ddof=1)),
            "sc_donors_weighted": sc.n_donors_weighted,
            "sc_holdout_rmspe": sc.holdout_rmspe,
            "sc_fit_flagged": sc.fit_flagged,
            "sc_fit_flag_reason": sc.fit_flag_reason,
            "did_estimate": did_row["estimate"],
            "did_p_ri": did_row["p_ri"],
            "did_ci_ri_low": did_row["ci_ri_low"],
            "did_ci_ri_high": did_row["ci_ri_high"],
        }
        if "true_value" in did_row and pd.notna(did_row["true_value"]):
            row["true_value"] = did_row["true_value"]
        rows.append(row)
    return pd.DataFrame(rows)


SC_FIT_COLUMNS = [
    "design",
    "pre_rmspe",
    "train_years",
    "train_rmspe",
    "holdout_years",
    "holdout_rmspe",
    "post_rmspe",
    "overfit",
    "fit_flagged",
    "n_placebos_overfit",
    "n_placebos",
]


def synthetic_control_fit_table(controls: list) -> pd.DataFrame:
    """One row per synthetic control: its in-sample and held-out pre-period fit and the flag."""
    return pd.concat([sc.tidy() for sc in controls], ignore_index=True)[SC_FIT_COLUMNS]


def agreement(row, alpha: float = 0.05) -> str:
    """How a synthetic control and the DiD compare: ``"agree"``, ``"differ in size"`` or
    ``"disagree"``.

    They *agree* when they reach the same verdict on whether there is an effect (both significant
    with the same sign, or both not; :func:`lmp.inference.significant`) **and** the synthetic
    control's estimate lies inside the DiD's randomization-inference interval. Same verdict but
    an estimate outside that interval: they *differ in size*. Different verdicts, or significant
    effects of opposite sign: they *disagree*. When the DiD's RI interval is unbounded (too few
    placebo regions) there is nothing to compare with: *cannot compare*; so too when the
    synthetic control's fit is flagged (``sc_fit_flagged``: overfit on the pre-period, see
    :mod:`lmp.synthcontrol`), whose placebo p is then no evidence.
    """
    if getattr(row, "sc_fit_flagged", False):
        return "cannot compare"
    if not (np.isfinite(row.did_ci_ri_low) and np.isfinite(row.did_ci_ri_high)):
        return "cannot compare"
    sc_sig, did_sig = significant(row.sc_p_gap, alpha), significant(row.did_p_ri, alpha)
    opposite = sc_sig and did_sig and np.sign(row.sc_estimate) != np.sign(row.did_estimate)
    if sc_sig != did_sig or opposite:
        return "disagree"
    inside = row.did_ci_ri_low <= row.sc_estimate <= row.did_ci_ri_high
    return "agree" if inside else "differ in size"


def with_truth(results: pd.DataFrame, data: Dataset) -> pd.DataFrame:
    """Add the injected (true) estimand to each result row when the data are synthetic."""
    if not data.synthetic:
        return results.assign(true_value=float("nan"))
    implied = pd.DataFrame(data.truth["implied"])
    truth = implied.melt(
        id_vars=["proeftuin", "outcome"],
        value_vars=["population", "target", "triple"],
        var_name="design",
        value_name="true_value",
    )
    return results.merge(truth, on=["proeftuin", "outcome", "design"], how="left")


def write_table(
    frame: pd.DataFrame, path: str | Path, count_columns: list[str] | None = None
) -> None:
    """Write a published table as CSV with a fixed float format, after the disclosure check.

    Counts of persons (columns ``n_persons*`` and ``persons_*``, or ``count_columns``) that hold
    whole numbers are written as integers, every digit shown: the float format would round
    14,439,912 to ``1.44399e+07``.
    """
    path = Path(path)
    counts = (
        count_columns
        if count_columns is not None
        else [c for c in frame if c.startswith(("n_persons", "persons_"))]
    )
    assert_publishable(frame, counts, path.name)
    whole = {
        column: frame[column].astype("Int64")
        for column in counts
        if pd.api.types.is_numeric_dtype(frame[column])
        and frame[column].dropna().mod(1).eq(0).all()
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.assign(**whole).to_csv(path, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")


def collect_table(
    outputs_root: str | Path,
    table: str,
    proeftuinen: list[str] | None = None,
    ref: Reference | None = None,
) -> pd.DataFrame:
    """Stack ``tables/<table>.csv`` of the proeftuin reports (default: all), in reference order.

    Adds the proeftuin's ``proeftuin`` slug (if absent), ``name`` and ``confidence``.
    """
    ref = ref or load_reference()
    wanted = (
        ref.proeftuinen
        if proeftuinen is None
        else ref.proeftuinen[ref.proeftuinen["slug"].isin(proeftuinen)]
    )
    parts = []
    for _, row in wanted.iterrows():
        path = Path(outputs_root) / row["slug"] / "tables" / f"{table}.csv"
        if not path.exists():
            raise LmpError(f"{path}: missing; render the proeftuin reports before the synthesis")
        part = pd.read_csv(path)
        if "proeftuin" not in part:
            part.insert(0, "proeftuin", row["slug"])
        parts.append(part.assign(name=row["name"], confidence=row["confidence"]))
    return pd.concat(parts, ignore_index=True)


def collect_results(
    outputs_root: str | Path, proeftuinen: list[str] | None = None, ref: Reference | None = None
) -> pd.DataFrame:
    """Stack the ``tables/results.csv`` of the proeftuin reports (see :func:`collect_table`)."""
    return collect_table(outputs_root, "results", proeftuinen, ref)


def side_by_side(results: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """One row per proeftuin: estimate, RI interval and p for each design (and the truth if synthetic)."""
    part = results[results["outcome"] == outcome]
    stats = ["estimate", "ci_ri_low", "ci_ri_high", "p_ri", "true_value"]
    wide = part.pivot(index="name", columns="design", values=[s for s in stats if s in part])
    wide.columns = [f"{design}_{stat}" for stat, design in wide.columns]
    order = [f"{d}_{s}" for d in ["target", "population", "triple"] for s in stats]
    wide = wide[[c for c in order if c in wide and wide[c].notna().any()]]
    names = list(dict.fromkeys(part["name"]))
    return wide.reindex(names).reset_index()


def significance_counts(results: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Per outcome and design: proeftuinen with p <= alpha by CR1, WCR and RI, out of all.

    ``<=``, as the tests are: a placebo test rejects (its interval excludes zero) when p <= alpha.
    """
    flags = results.assign(
        cr1=results["p_value"].map(lambda p: significant(p, alpha)),
        wcr=results["p_wcr"].map(lambda p: significant(p, alpha)),
        ri=results["p_ri"].map(lambda p: significant(p, alpha)),
    )
    counts = flags.groupby(["outcome", "design"], sort=True).agg(
        significant_cr1=("cr1", "sum"),
        significant_wcr=("wcr", "sum"),
        significant_ri=("ri", "sum"),
        proeftuinen=("cr1", "size"),
    )
    return counts.reset_index()


PRIMARY_COLUMNS = [
    "proeftuin",
    "outcome",
    "design",
    "adjust",
    "estimate",
    "ci_ri_low",
    "ci_ri_high",
    "p_ri",
    "ri_placebos",
    "mde_ri",
    "pretrend_p_ri",
    "alpha",
]


def primary_row(row: pd.Series, proeftuin: str, pretrend_p_ri: float) -> pd.DataFrame:
    """The primary analysis of one report as a one-row table (``tables/primary.csv``), read by
    the synthesis: the estimate, its randomization-inference interval, p and MDE, and the RI
    p-value of the same design's pre-trend test (NaN when not run)."""
    values = {column: row.get(column) for column in PRIMARY_COLUMNS}
    values["outcome"], values["design"] = row.name  # a row of results indexed by both
    values.update(proeftuin=proeftuin, pretrend_p_ri=pretrend_p_ri)
    return pd.DataFrame([values], columns=PRIMARY_COLUMNS)


def holm(p_values: pd.Series) -> pd.Series:
    """Holm's step-down adjustment of a family of p-values (statsmodels' ``multipletests``);
    missing p-values stay missing and do not count in the family."""
    out = pd.Series(np.nan, index=p_values.index, dtype=float)
    present = p_values.notna()
    if present.any():
        out[present] = multipletests(p_values[present].astype(float), method="holm")[1]
    return out


def pooling_groups(
    results: pd.DataFrame, confidence: list[str], ref: Reference | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of proeftuinen whose status (``confidence`` in ``proeftuinen.csv``) is in
    ``confidence`` - pooled in the meta-analysis - and the rows of the others, shown apart.

    Rows whose randomization-inference interval is unbounded (too few placebo regions: the
    report says RI cannot decide) are not pooled either: their placebo spread is no standard
    error a report trusts.
    """
    ref = ref or load_reference()
    status = ref.proeftuinen.set_index("slug")["confidence"]
    inside = results["proeftuin"].map(status).isin(confidence)
    if "ci_ri_low" in results:
        inside &= np.isfinite(results["ci_ri_low"]) & np.isfinite(results["ci_ri_high"])
    return results[inside].reset_index(drop=True), results[~inside].reset_index(drop=True)


# The design choices a referee asks about, each against the primary analysis (README: Methods).
ROBUSTNESS_VARIANTS = [
    ("primary: age-sex adjusted, whole country", {}),
    ("crude (no age-sex adjustment)", {"adjust": "none"}),
    ("comparison within the province", {"comparison": "province"}),
    ("comparison within the COROP region", {"comparison": "corop"}),
    ("neighbouring municipalities left out", {"exclude_neighbours": True}),
    ("sourced members only", {"sourced_only": True}),
    ("start in 2013 (designation year)", {"start_year": 2013}),
    ("2011-2016 only (eerstelijnsverblijf in other costs in 2017)", {"years": (2011, 2016)}),
]


def robustness_table(
    data: Dataset,
    proeftuin: str,
    outcome: str = "cost_total",
    ref: Reference | None = None,
    **inference,
) -> pd.DataFrame:
    """The primary population estimate under each design choice of ``ROBUSTNESS_VARIANTS``.

    One row per choice: estimate, RI interval and p, comparison municipalities, and ``note`` when
    the choice cannot be estimated (e.g. a province that is wholly the proeftuin). Keyword
    arguments (``seed``, ``ri_match``, ``ri_reps``) go to :func:`lmp.did.estimate`.
    """
    from lmp.did import DesignOptions, estimate

    ref = ref or load_reference()
    rows = []
    for label, change in ROBUSTNESS_VARIANTS:
        options = DesignOptions(**{"adjust": "agesex", **change})
        try:
            result = estimate(
                data,
                proeftuin,
                outcome,
                "population",
                ref=ref,
                inference="ri",
                options=options,
                **inference,
            )
        except LmpError as exc:
            rows.append({"choice": label, "note": str(exc)})
            continue
        rows.append(
            {
                "choice": label,
                "estimate": result.estimate,
                "ci_ri_low": result.ci_ri_low,
                "ci_ri_high": result.ci_ri_high,
                "p_ri": result.p_ri,
                "comparison_municipalities": result.n_clusters - result.n_treated_clusters,
                "treated_municipalities": result.n_treated_clusters,
                "note": "",
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class RobustnessVerdict:
    """Whether the primary verdict holds under the design choices of a robustness table.

    ``verdict``: ``"cannot judge"`` (the primary RI interval is unbounded), ``"no change"`` (no
    other choice changes the estimate), ``"holds"`` or ``"changes"``. ``detectable``: the primary
    verdict (``p_ri <= alpha``). The lists hold choices: ``judged`` (estimate changed, finite
    interval), ``changed`` (their verdict differs from the primary's), ``flipped`` (their estimate
    has the other sign), ``same`` (estimate identical to the primary: no change in the design),
    ``unbounded`` (no finite interval) and ``skipped`` (not estimable). ``low``/``high``: the
    range of the judged estimates (NaN when none).
    """

    verdict: str
    detectable: bool
    judged: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    flipped: list[str] = field(default_factory=list)
    same: list[str] = field(default_factory=list)
    unbounded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    low: float = float("nan")
    high: float = float("nan")


def robustness_verdict(table: pd.DataFrame, alpha: float = 0.05) -> RobustnessVerdict:
    """The verdict of :func:`robustness_table`'s first row (the primary analysis) against the
    other design choices, by randomization inference (significant: ``p_ri <= alpha``).

    Choices that leave the estimate unchanged (e.g. no bordering municipality on land, or every
    member sourced) are not counted as confirmations; choices without a finite RI interval are
    not judged. With an unbounded primary RI interval (too few placebo regions) nothing can be.
    """
    primary = table.iloc[0]
    detectable = bool(significant(primary["p_ri"], alpha))
    if "ci_ri_low" in table and not (
        np.isfinite(primary["ci_ri_low"]) and np.isfinite(primary["ci_ri_high"])
    ):
        return RobustnessVerdict("cannot judge", detectable)
    rest = table.iloc[1:]
    notes = rest["note"].fillna("") if "note" in rest else pd.Series("", index=rest.index)
    estimable = rest[notes == ""]
    same = estimable[np.isclose(estimable["estimate"], primary["estimate"], rtol=1e-9, atol=1e-9)]
    bounded = np.isfinite(estimable["ci_ri_low"]) & np.isfinite(estimable["ci_ri_high"])
    unbounded = estimable[~bounded & ~estimable.index.isin(same.index)]
    done = estimable.drop(index=same.index.union(unbounded.index))
    changed = [
        r["choice"] for _, r in done.iterrows() if significant(r["p_ri"], alpha) != detectable
    ]
    flipped = done[np.sign(done["estimate"]) != np.sign(primary["estimate"])]
    if done.empty:
        verdict = "no change"
    else:
        verdict = "changes" if changed else "holds"
    return RobustnessVerdict(
        verdict=verdict,
        detectable=detectable,
        judged=list(done["choice"]),
        changed=changed,
        flipped=list(flipped["choice"]),
        same=list(same["choice"]),
        unbounded=list(unbounded["choice"]),
        skipped=list(rest.loc[notes != "", "choice"]),
        low=float(done["estimate"].min()) if len(done) else float("nan"),
        high=float(done["estimate"].max()) if len(done) else float("nan"),
    )
