"""Do the pre-trend test and the sensitivity intervals keep their promises on the real data?

Pseudo-treated regions of three comparison municipalities of the Vektis open data (2011-2018,
cost_total per insured-year, population design, no age-sex adjustment, start 2014) hold no
proeftuin, so their true effect is zero. Regions are drawn two ways: at random, or *contiguous*
(a municipality and two of its neighbours, as real proeftuinen are, so they share regional
shocks). For each region the event study runs once with 199 placebo regions matched on persons,
and once with 199 placebo regions that are also contiguous (``did.contiguous_placebo_regions``);
the placebo coefficients do not depend on the treated region's outcome, so every scenario below
reuses them and only the treated region's cells change:

- ``null``: the data as they are (true effect 0);
- ``pretrend 10`` / ``pretrend 20``: a differential linear trend of 10 or 20 euro per year over
  all years (before and after the start; the true proeftuin effect is 0, the post-start average
  coefficient is 3 x slope);
- ``shock 50``: 50 euro more in the region *and its neighbours* from the start on (a regional
  shock the proeftuin did not cause; the neighbours are comparison municipalities).

Reported per scenario and region kind: how often the joint pre-trend test rejects at 5% (CR1 F
and RI), and how often the robust interval of the average post-start effect excludes zero at
M-bar = 0, 1 and 2, with the interval widened by the randomization-inference half-width (what the
reports do) and, for comparison, by the CR1 t quantile (what they did before). Under ``null``
exclusions are false positives and should be at most 5%. Writes
``results/sensitivity_size.md`` and ``.csv``. About 30 minutes on one core::

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/sensitivity_size.py --reps 150
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
from common import interval, replicate, table_md

from lmp import did, geo, sensitivity
from lmp.contract import load_data
from lmp.power import placebo_p_value
from lmp.reference import load_reference

K, PLACEBOS, ALPHA, START = 3, 199, 0.05, 2014
MATCHES = ("persons", "contiguous")  # placebo regions: persons-matched, or also contiguous
DATA = Path(__file__).resolve().parent.parent / "data" / "open" / "vektis_zvw_2011_2018.parquet"
OUT = Path(__file__).parent / "results"
MBARS = (0.0, 1.0, 2.0)
SCENARIOS = {
    "null": (0.0, 0.0),
    "pretrend 10": (10.0, 0.0),
    "pretrend 20": (20.0, 0.0),
    "shock 50": (0.0, 50.0),
}


def _region(
    pool: list[str], kind: str, borders: dict[str, set[str]], rng: np.random.Generator
) -> list[str]:
    """K pool municipalities: at random, or one and K - 1 of its neighbours in the pool."""
    if kind == "random":
        return sorted(rng.choice(pool, K, replace=False))
    inside = set(pool)
    while True:
        seed = str(rng.choice(pool))
        near = sorted(borders.get(seed, set()) & inside)
        if len(near) >= K - 1:
            return sorted([seed, *rng.choice(near, K - 1, replace=False)])


def _inject(
    base: pd.DataFrame, region: list[str], near: set[str], slope: float, shock: float
) -> pd.DataFrame:
    """The cells with the region treated and the scenario's deviations added to the means."""
    cells = base.assign(treated=base["gemeente_code"].isin(region).astype(int))
    cells["D"] = cells["treated"] * cells["post"]
    mean = cells["mean"].to_numpy(copy=True)
    mean += slope * (cells["year"] - START).to_numpy() * cells["treated"].to_numpy()
    hit = cells["gemeente_code"].isin(set(region) | near).to_numpy() & (cells["post"] == 1)
    mean += shock * hit
    cells["mean"] = mean
    cells["value_sum"] = mean * cells["person_years"]
    return cells


def _excludes_zero(study: did.EventStudyResult, critical: float) -> dict[float, bool]:
    table = sensitivity.relative_magnitude_bounds(study, MBARS, critical_value=critical)
    return {float(m): not bool(c) for m, c in zip(table["mbar"], table["covers_zero"], strict=True)}


def one(rep: int, data, ref, base, borders) -> list[dict]:
    rows = []
    pool = sorted(base["gemeente_code"].unique())
    for k, kind in enumerate(["random", "contiguous"]):
        rng = np.random.default_rng([rep, k])
        region = _region(pool, kind, borders, rng)
        near = set().union(*(borders.get(code, set()) for code in region)) - set(region)
        first = _inject(base, region, near, 0.0, 0.0)
        periods = sorted(int(p) for p in (first["year"] - START).unique() if p != -1)
        leads = [j for j, p in enumerate(periods) if p < -1]
        for match in MATCHES:
            placebos = did.placebo_event_studies(
                first, "population", START, periods, leads, PLACEBOS, rep, match
            )
            rows += _scenarios(
                rep,
                kind,
                match,
                data,
                ref,
                base,
                region,
                near,
                periods,
                placebos.f_stats,
                placebos.coefs,
            )
    return rows


def _scenarios(rep, kind, match, data, ref, base, region, near, periods, placebo_f, coefs):
    """One row per scenario for one pseudo region and one set of placebo regions."""
    rows = []
    for name, (slope, shock) in SCENARIOS.items():
        cells = _inject(base, region, near, slope, shock)
        study = did.event_study(data, "mijnzorg", "cost_total", "population", ref=ref, cells=cells)
        study = dataclasses.replace(study, placebo_coefs=pd.DataFrame(coefs, columns=periods))
        ri = _excludes_zero(study, sensitivity.ri_critical_value(study))
        cr1 = _excludes_zero(study, None)
        theta, _ = sensitivity.theta_estimate(study)
        rows.append(
            {
                "rep": rep,
                "kind": kind,
                "placebos": match,
                "scenario": name,
                "theta": theta,
                "pretrend_cr1": study.pretrend_p,
                "pretrend_ri": placebo_p_value(study.pretrend_f, placebo_f),
                **{f"ri_excl_{m:g}": v for m, v in ri.items()},
                **{f"cr1_excl_{m:g}": v for m, v in cr1.items()},
            }
        )
    return rows


def _rate(flags: pd.Series) -> str:
    hits, n = int(flags.sum()), len(flags)
    low, high = interval(hits, n)
    return f"{hits / n:.3f} [{low:.2f}, {high:.2f}]"


def summarise(raw: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (scenario, kind, match), part in raw.groupby(["scenario", "kind", "placebos"], sort=False):
        row = {
            "scenario": scenario,
            "regions": kind,
            "placebo regions": match,
            "reps": len(part),
            "mean theta": f"{part['theta'].mean():.1f}",
            "pre-trend rejects (CR1)": _rate(part["pretrend_cr1"] <= ALPHA),
            "pre-trend rejects (RI)": _rate(part["pretrend_ri"] <= ALPHA),
        }
        for m in MBARS:
            row[f"excludes 0, RI, M={m:g}"] = _rate(part[f"ri_excl_{m:g}"].astype(bool))
        for m in MBARS:
            row[f"excludes 0, CR1, M={m:g}"] = _rate(part[f"cr1_excl_{m:g}"].astype(bool))
        rows.append(row)
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=150)
    args = parser.parse_args()
    ref = load_reference()
    data = load_data(DATA, ref)
    base = did.study_cells(data, "mijnzorg", "cost_total", "population", ref)
    base = base[base["treated"] == 0].reset_index(drop=True)
    borders = geo.neighbours()
    raw = replicate(
        lambda rep: one(rep, data, ref, base, borders),
        args.reps,
        10,
        OUT / "sensitivity_size.csv",
    )
    table = summarise(raw)
    text = "\n".join(
        [
            "# Pre-trend test and sensitivity intervals on the real data, without an effect",
            "",
            "Generated by `benchmarks/sensitivity_size.py`:"
            f" `OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/sensitivity_size.py --reps"
            f" {args.reps}`. Design and scenarios: see the script's docstring. Rates with"
            " Clopper-Pearson 95% intervals; 'excludes 0' is the robust interval of the average"
            " post-start effect at M-bar = M, widened by the randomization-inference half-width"
            " (RI, what the reports use) or by the CR1 t quantile (CR1, for comparison).",
            "",
            table_md(table),
            "",
        ]
    )
    (OUT / "sensitivity_size.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
