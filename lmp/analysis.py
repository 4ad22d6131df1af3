"""Every estimate of one proeftuin report, computed once and kept in a results file.

A report is rendered in two languages from the same numbers: the first run computes
:class:`ProeftuinResults` (:func:`analyse_proeftuin`) and writes it to a results file; the second
reads it (:func:`cached`). The file records the arguments it was computed with and is recomputed
when they differ, so a stale file can never be read for other inputs. It is a pickle, meant for
one render (``lmp render`` deletes it before publishing), never for exchange.

Also here: the persons behind each published estimate (:func:`persons_behind`, for the output
scanner) and the Holm correction of a report's secondary tests (:func:`holm_within`).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pandas as pd

from lmp import did, summaries, synthcontrol
from lmp.contract import Dataset
from lmp.reference import Reference

T = TypeVar("T")
PRIMARY_OUTCOME = "cost_total"
PRIMARY_DESIGN = "population"


def cached(path: str | Path | None, key: dict, compute: Callable[[], T]) -> T:
    """``compute()``, or its value from the results file ``path`` when that was written for the
    same ``key`` (plain values: parameters and the data file's hash). No ``path``: no file."""
    if not path:
        return compute()
    path = Path(path)
    if path.exists():
        with open(path, "rb") as handle:
            stored = pickle.load(handle)
        if stored.get("key") == key:
            return stored["value"]
    value = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with open(partial, "wb") as handle:
        pickle.dump({"key": key, "value": value}, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, path)  # a reader never sees half a file
    return value


@dataclass
class ProeftuinResults:
    """The numbers of one proeftuin report (no text): DiD tables, the primary analysis, event
    studies, robustness choices and synthetic controls. ``adjusted``, ``primary_study`` and
    ``robustness`` are None on data without sex x age classes (the synthetic demonstration)."""

    outcomes: list[str]
    results: pd.DataFrame  # crude designs, every outcome, CR1 + WCR + RI
    adjusted: pd.DataFrame | None  # age-sex adjusted population and target designs
    primary: pd.Series  # the primary analysis' row
    primary_study: did.EventStudyResult | None  # its event study (age-sex adjusted)
    studies: list[did.EventStudyResult]  # crude event studies, target and population
    robustness: pd.DataFrame | None  # the primary estimate under each design choice
    breakdown: float  # M-bar at which the primary's robust interval first covers zero
    controls: list  # synthetic controls, target and population
    shares: dict[str, float] = field(default_factory=dict)  # target-group share per outcome


def analyse_proeftuin(
    data: Dataset,
    proeftuin: str,
    ref: Reference,
    outcomes: list[str],
    headline_outcome: str = PRIMARY_OUTCOME,
    seed: int = 20130,
    ri_match: str = did.REPORT_RI_MATCH,
) -> ProeftuinResults:
    """Every estimate of a proeftuin report. Slow (minutes): randomization inference and the
    wild bootstrap for each outcome and design, event studies with placebo regions."""
    from lmp import sensitivity

    real = data.scheme == "agesex"
    inference = {"seed": seed, "ri_match": ri_match}
    results = did.estimate_all(data, proeftuin, outcomes, ref=ref, inference="all", **inference)
    results = summaries.with_truth(results, data)
    adjusted = primary_study = robustness = None
    breakdown = float("nan")
    if real:
        agesex = did.DesignOptions(adjust="agesex")
        adjusted = did.estimate_all(
            data,
            proeftuin,
            outcomes,
            designs=("population", "target"),
            ref=ref,
            inference="all",
            options=agesex,
            **inference,
        )
        primary = adjusted.set_index(["outcome", "design"]).loc[(headline_outcome, PRIMARY_DESIGN)]
        primary_study = did.event_study(
            data,
            proeftuin,
            headline_outcome,
            PRIMARY_DESIGN,
            ref=ref,
            ri_reps=999,
            options=agesex,
            **inference,
        )
        robustness = summaries.robustness_table(data, proeftuin, headline_outcome, ref, **inference)
        critical = sensitivity.ri_critical_value(primary_study)
        if critical != float("inf"):
            breakdown = sensitivity.breakdown_mbar(primary_study, critical_value=critical)
    else:  # no sex x age classes: the primary design is the crude one
        primary = results.set_index(["outcome", "design"]).loc[(headline_outcome, PRIMARY_DESIGN)]
    studies = [
        did.event_study(
            data, proeftuin, headline_outcome, design, ref=ref, ri_reps=999, **inference
        )
        for design in ["target", "population"]
    ]
    controls = [
        synthcontrol.synthetic_control(
            data, proeftuin, headline_outcome, design, seed=seed, ref=ref
        )
        for design in ["target", "population"]
    ]
    shares = {code: summaries.target_share(data, proeftuin, code, ref) for code in outcomes}
    primary = primary.copy()
    primary["outcome"], primary["design"] = headline_outcome, PRIMARY_DESIGN
    return ProeftuinResults(
        outcomes=list(outcomes),
        results=results,
        adjusted=adjusted,
        primary=primary,
        primary_study=primary_study,
        studies=studies,
        robustness=robustness,
        breakdown=breakdown,
        controls=controls,
        shares=shares,
    )


def persons_behind(data: Dataset, proeftuin: str, ref: Reference, year: int) -> dict[str, float]:
    """Persons in the proeftuin in ``year`` that a design's estimate rests on: the whole
    population (``population``), and the target group (``target``, ``triple``).

    Published beside every estimate so the output scanner can check that none rests on fewer
    than the minimum of persons. Counted on ``cost_total`` cells (every person has one)."""
    frame = data.frame
    rows = frame[
        (frame["outcome"] == PRIMARY_OUTCOME)
        & (frame["year"] == year)
        & frame["gemeente_code"].isin(ref.municipalities(proeftuin))
    ]
    segments = did.target_segments(data.frame, proeftuin, ref, did.DesignOptions())
    target = rows["segment"].isin(segments)
    population = float(rows["n_persons"].sum())
    in_target = float(rows.loc[target, "n_persons"].sum())
    return {"population": population, "target": in_target, "triple": in_target}


def with_persons(frame: pd.DataFrame, persons: dict[str, float], design: str | None = None):
    """``frame`` with ``n_persons_proeftuin``: the persons behind each row's estimate, by its
    ``design`` column (or the one ``design`` given for every row)."""
    designs = frame["design"] if design is None else pd.Series(design, index=frame.index)
    return frame.assign(n_persons_proeftuin=designs.map(persons).astype(float))


def holm_within(tables: dict[str, pd.DataFrame], primary: tuple[str, str, str]) -> None:
    """Holm-adjust the randomization-inference p-values of a report's secondary tests, in place.

    ``tables``: name -> frame with ``p_ri`` (and ``outcome``, ``design``, ``adjust`` where they
    apply). Every row with a p-value is one test of the family except the primary analysis
    (``primary`` = outcome, design, adjust; in the ``robustness`` table the row whose choice is
    the primary one), which is judged alone; each frame gets ``p_ri_holm``
    (NaN for the primary and for rows without a p-value)."""
    family = []
    for name, frame in tables.items():
        for index, row in frame.iterrows():
            key = (row.get("outcome"), row.get("design"), row.get("adjust"))
            is_primary = (
                str(row.get("choice", "")).startswith("primary")
                if name == "robustness"
                else key == primary
            )
            if pd.notna(row.get("p_ri")) and not is_primary:
                family.append((name, index, float(row["p_ri"])))
    adjusted = summaries.holm(pd.Series([p for _, _, p in family], dtype=float))
    for frame in tables.values():
        frame["p_ri_holm"] = float("nan")
    for (name, index, _), value in zip(family, adjusted, strict=True):
        tables[name].loc[index, "p_ri_holm"] = value
