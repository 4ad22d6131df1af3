"""Helpers shared by the simulation studies in this folder (run them from the repository root as
``.venv/bin/python benchmarks/<study>.py``; this folder is then first on the import path)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
from scipy import stats


def interval(hits: int, n: int) -> tuple[float, float]:
    """Clopper-Pearson 95% interval for a binomial proportion."""
    low = stats.beta.ppf(0.025, hits, n - hits + 1) if hits > 0 else 0.0
    high = stats.beta.ppf(0.975, hits + 1, n - hits) if hits < n else 1.0
    return float(low), float(high)


def table_md(frame: pd.DataFrame) -> str:
    """A DataFrame as a Markdown table, values as they are."""
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.to_numpy()]
    return "\n".join(lines)


def replicate(one: Callable[[int], list[dict]], reps: int, every: int, path: Path) -> pd.DataFrame:
    """Rows of ``one(rep)`` for every replication, with progress every ``every``; saved as CSV."""
    rows = []
    for rep in range(reps):
        rows += one(rep)
        if (rep + 1) % every == 0:
            print(f"{rep + 1}/{reps}", flush=True)
    raw = pd.DataFrame(rows)
    path.parent.mkdir(exist_ok=True)
    raw.to_csv(path, index=False, float_format="%.6g")
    return raw
