"""What the second language of a report costs: the results file the English run writes and the
Dutch run reads.

Runs the proeftuin notebook with papermill, side by side in one process, on one real report
(MijnZorg, the bundled Vektis open data): the English run computing every estimate (an empty
results file), the Dutch run reading that results file, and the Dutch run computing everything
again (no results file), which is what a second language would cost without it. Each run is a
fresh kernel, as in ``lmp render``; wall-clock seconds of the whole papermill call (kernel start
included). Writes ``benchmarks/results/language_cache.{csv,md}``.

Run from the repository root: ``.venv/bin/python benchmarks/language_cache.py``.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pandas as pd
import papermill
from common import table_md

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
PROEFTUIN = "mijnzorg"
DATA = "data/open/vektis_zvw_2011_2018.parquet"


def run(folder: Path, language: str, cache: str) -> float:
    """Seconds of one papermill run of the report in ``language`` with results file ``cache``."""
    start = time.perf_counter()
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "proeftuin.ipynb"),
        str(folder / f"proeftuin.{language}.ipynb"),
        parameters={
            "proeftuin": PROEFTUIN,
            "data_path": DATA,
            "language": language,
            "results_cache": cache,
            "output_dir": str(folder / "out"),
        },
        cwd=str(ROOT),
        progress_bar=False,
        log_output=False,
    )
    return time.perf_counter() - start


def main() -> None:
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")  # one BLAS thread per kernel, as `lmp render` gives it
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cache = str(folder / "results.pkl")
        rows = [
            ("en, computes the estimates (writes the results file)", run(folder, "en", cache)),
            ("nl, reads the results file", run(folder, "nl", cache)),
            ("nl, computes everything again (no results file)", run(folder, "nl", "")),
        ]
    frame = pd.DataFrame(rows, columns=["run", "seconds"]).round({"seconds": 1})
    RESULTS.mkdir(exist_ok=True)
    frame.to_csv(RESULTS / "language_cache.csv", index=False)
    computed, cached, again = frame["seconds"]
    text = [
        "# The second language of a report: with and without the results file",
        "",
        f"`benchmarks/language_cache.py`: the proeftuin notebook for {PROEFTUIN} on the bundled "
        "open data, three papermill runs side by side in one process, each a fresh kernel "
        "with one BLAS thread, as `lmp render` runs it (two cores, nothing else running).",
        "",
        table_md(frame),
        "",
        f"Both languages cost {computed + cached:.0f} s with the results file against "
        f"{computed + again:.0f} s without it ({(computed + again) / (computed + cached):.2f}x); "
        f"the Dutch run alone {again / cached:.1f}x faster.",
        "",
    ]
    (RESULTS / "language_cache.md").write_text("\n".join(text), encoding="utf-8")
    print("\n".join(text))


if __name__ == "__main__":
    main()
