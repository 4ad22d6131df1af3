"""Shared fixtures: small person-level panels whose contract aggregates lmp must reproduce."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from lmp.contract import WHOLE_YEAR_COLUMNS
from lmp.reference import load_reference
from lmp.report.numbers import NBSP

PROEFTUIN = "vitaal-vechtdal"  # two municipalities, start year 2014


def person_rows(seed: int = 1, n_comparison: int = 9, years=range(2011, 2017)) -> pd.DataFrame:
    """Individual rows (one per person-year) for the treated proeftuin and some comparison towns.

    Independent of lmp.synth on purpose: a plain data-generating process with a municipality
    effect, a year effect, a municipality-year shock, a target-group effect and person noise.
    """
    rng = np.random.default_rng(seed)
    ref = load_reference()
    treated = ref.municipalities(PROEFTUIN)
    pool = ref.comparison_pool()
    comparison = [pool[i] for i in rng.choice(len(pool), n_comparison, replace=False)]
    targets = set(ref.target_segments(PROEFTUIN))
    rows = []
    for g in sorted(treated + comparison):
        level = rng.normal(0, 50)
        for t in years:
            shock = rng.normal(0, 20)
            for s in ref.segments["code"]:
                n = int(rng.integers(1, 7))
                effect = -60.0 if (g in treated and t >= 2014 and s in targets) else 0.0
                y = 1000 + level + 25 * (t - 2011) + shock + effect + rng.normal(0, 200, n)
                rows.append(pd.DataFrame({"gemeente_code": g, "year": t, "segment": s, "y": y}))
    persons = pd.concat(rows, ignore_index=True)
    persons["outcome"] = "cost_total"
    return persons


def aggregate(persons: pd.DataFrame) -> pd.DataFrame:
    """The contract table of a person-level frame (what a data holder would publish)."""
    grouped = persons.assign(y2=persons["y"] ** 2).groupby(
        ["gemeente_code", "year", "segment", "outcome"], as_index=False
    )
    cells = grouped.agg(n_persons=("y", "size"), value_sum=("y", "sum"), value_sumsq=("y2", "sum"))
    return cells[WHOLE_YEAR_COLUMNS]


@pytest.fixture(scope="session")
def persons() -> pd.DataFrame:
    return person_rows()


@pytest.fixture(scope="session")
def cells(persons) -> pd.DataFrame:
    return aggregate(persons)


def robustness_rows(rows) -> pd.DataFrame:
    """Robustness rows (choice, estimate, p, note) with a finite RI interval, unless p is inf
    (then an unbounded interval: too few placebo regions, and p = 1)."""
    return pd.DataFrame(
        [
            {
                "choice": c,
                "estimate": e,
                "ci_ri_low": e - 50 if np.isfinite(p) else -np.inf,
                "ci_ri_high": e + 50 if np.isfinite(p) else np.inf,
                "p_ri": p if np.isfinite(p) else 1.0,
                "note": n,
            }
            for c, e, p, n in rows
        ]
    )


def nb(text: str) -> str:
    """``text`` with the no-break spaces lmp writes, so a test can spell them as plain spaces:
    after ``€`` (``"€ 82"``) and between a number and the unit after it (``"1,2 procentpunt"``)."""
    text = text.replace("€ ", "€" + NBSP)
    return re.sub(r"(\d) (?=percentage point|procentpunt)", r"\1" + NBSP, text)
