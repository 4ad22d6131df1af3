"""How fast `lmp did` answers on the real contract, start-up included, for every design.

Each command is the whole `lmp did --json` process (interpreter start, imports, reading and
validating the 700,878-row contract, the fit and the inference), run ``--runs`` times in turn;
the table gives the minimum, median and maximum wall time. Beside it, in the same run, the same
population design fitted by statsmodels WLS with explicit municipality and year dummies (also a
whole process, reading the same file), as a yardstick.

Targets (the real-data issue): the population design, crude and age-sex adjusted, under 2 s with
CR1 and under 5 s with ``--inference all`` (9,999 WCR draws and 999 placebo regions).

    .venv/bin/python benchmarks/did_real_speed.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
from common import table_md

ROOT = Path(__file__).resolve().parent.parent
DATA = "data/open/vektis_zvw_2011_2018.parquet"
LMP = [
    str(ROOT / ".venv" / "bin" / "lmp"),
    "did",
    "--data",
    DATA,
    "--proeftuin",
    "mijnzorg",
    "--outcome",
    "cost_total",
]
CASES = [
    ("population", "crude", ["--design", "population"]),
    ("population", "age-sex adjusted", ["--design", "population", "--adjust", "agesex"]),
    ("target 65+", "crude", ["--design", "target", "--target-ages", "65+"]),
    (
        "target 65+",
        "age-sex adjusted",
        ["--design", "target", "--target-ages", "65+", "--adjust", "agesex"],
    ),
    ("triple 65+", "crude", ["--design", "triple", "--target-ages", "65+"]),
]
STATSMODELS = """
import numpy as np, pandas as pd, statsmodels.api as sm
from lmp.reference import load_reference
ref = load_reference()
f = pd.read_parquet("{data}")
f = f[(f.outcome == "cost_total") & f.gemeente_code.isin(ref.municipalities("mijnzorg") + ref.comparison_pool())]
c = f.groupby(["gemeente_code", "year"], as_index=False)[["person_years", "value_sum"]].sum()
c["y"] = c.value_sum / c.person_years
c["D"] = (c.gemeente_code.isin(ref.municipalities("mijnzorg")) & (c.year >= 2014)).astype(float)
x = pd.concat([c[["D"]], pd.get_dummies(c.gemeente_code, dtype=float),
               pd.get_dummies(c.year, drop_first=True, dtype=float)], axis=1)
fit = sm.WLS(c.y, x, weights=c.person_years).fit(cov_type="cluster",
      cov_kwds={{"groups": pd.factorize(c.gemeente_code)[0]}})
print(fit.params["D"], fit.bse["D"])
"""


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    commands = []
    for design, adjust, extra in CASES:
        for inference in ("cr1", "all"):
            commands.append(
                (design, adjust, inference, [*LMP, *extra, "--inference", inference, "--json"])
            )
    python = str(ROOT / ".venv" / "bin" / "python")
    commands.append(
        (
            "population",
            "crude",
            "statsmodels WLS, CR1",
            [python, "-c", STATSMODELS.format(data=DATA)],
        )
    )
    times: dict[int, list[float]] = {i: [] for i in range(len(commands))}
    for _ in range(args.runs):  # interleaved, so a busy moment hits every command alike
        for i, (*_, command) in enumerate(commands):
            times[i].append(timed(command))
    rows = []
    for i, (design, adjust, inference, _) in enumerate(commands):
        t = times[i]
        rows.append(
            {
                "design": design,
                "cells": adjust,
                "inference": inference,
                "min s": f"{min(t):.2f}",
                "median s": f"{statistics.median(t):.2f}",
                "max s": f"{max(t):.2f}",
            }
        )
    text = (
        "# `lmp did` on the real contract, start-up included\n\n"
        f"`benchmarks/did_real_speed.py --runs {args.runs}`: whole processes, interleaved, on the "
        f"bundled 2011-2018 contract (MijnZorg, cost_total; `all` = 9,999 WCR draws + 999 placebo "
        f"regions). Python {sys.version.split()[0]}, {os.cpu_count()} cores, one BLAS thread.\n\n"
        + table_md(pd.DataFrame(rows))
        + "\n"
    )
    out = ROOT / "benchmarks" / "results" / "did_real_speed.md"
    out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
