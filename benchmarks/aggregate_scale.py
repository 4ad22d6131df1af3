"""National-scale person-year rows into the contract: rows per second and peak memory.

For each ``--rows`` size this script

1. generates realistic person-year rows (:func:`write_rows`) to a Parquet file under a temporary
   folder, in chunks of ``CHUNK`` rows (never the whole file in memory), and deletes it at the end;
2. times ``lmp.aggregate.aggregate`` (DuckDB, age-sex scheme, 2 threads, default memory limit)
   on that file, warm cache (the file was just written, and the best of ``--repeat`` runs counts);
3. times a DiD on the result (``load_data`` + ``did.estimate``, population design, MijnZorg, CR1);
4. where it fits in memory (up to ``--pandas-max-rows``), times a plain pandas group-by of the same
   file (read whole, float sums, ``nunique`` persons) as a yardstick;
5. with ``--spark`` (pyspark installed, Java on the path), times the same query on Spark in local
   mode on the same two cores (``aggregate(..., engine="spark")``, session start-up excluded; peak
   RSS is the Python process plus Spark's JVM). ``--only spark`` measures just that row and keeps
   the others of the size as they were.

Each measurement runs in a child process that reports its own time and peak RSS (``VmHWM`` of
``/proc/self/status``, Linux; ``ru_maxrss`` would carry the parent's peak over the exec), so peaks
do not mix. Results accumulate, per size, in
``benchmarks/results/aggregate_scale.csv``; ``aggregate_scale.md`` is written from all of them.

Targets (the issue): at least 20 million rows per second for the aggregation from Parquet on disk
(warm cache) on two cores; peak memory flat in the number of rows (within 1.5x from 5M to 50M).

    nice .venv/bin/python benchmarks/aggregate_scale.py --rows 5000000 [--rows 20000000 ...]

Generated rows: municipality x year x sex-age cell sizes in proportion to the insured-years of the
Vektis open data (``data/open/vektis_zvw_2011_2018.parquet``, 2011-2018); age uniform within the
class (90+ tailing off to 105); 5% of rows insured part of the year; 1% of persons with a second
spell (row) in the same cell, sharing their insured time; chronic, mental-health, pregnancy and
frailty flags rising or falling with age; five cost outcomes from a hurdle model (zero with an
outcome-specific probability, else lognormal with sigma 1.3) whose mean per insured-year is the
open data's for the cell; 0.2% negative corrections of cost_total. Rows are shuffled within each
chunk.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from common import table_md

ROOT = Path(__file__).resolve().parent.parent
OPEN_DATA = ROOT / "data" / "open" / "vektis_zvw_2011_2018.parquet"
RESULTS = ROOT / "benchmarks" / "results"
CHUNK = 1_000_000
# outcome -> share of zero costs in a year (the hurdle)
OUTCOMES = {
    "cost_total": 0.10,
    "cost_gp": 0.25,
    "cost_hospital": 0.60,
    "cost_pharmacy": 0.35,
    "cost_mental": 0.92,
}
SIGMA = 1.3
TARGET_ROWS_PER_SECOND = 20e6
TARGET_MEMORY_RATIO = 1.5
PROEFTUIN = "mijnzorg"
AGGREGATE = "lmp aggregate (DuckDB, 2 threads)"
SPARK = "the same SQL on Spark (local mode, 2 cores)"
IMPORTS = "imports only (the floor under every peak)"
# the rows of the results table, in this order
CEILING = "ceiling: DuckDB reading the same columns"
FLOOR_SUMS = "floor: float sums per raw cell (no checks, no cents, no distinct)"
FLOOR_PERSONS = "floor: grouping by person and raw cell only (exact distinct)"
WHAT = [
    AGGREGATE,
    SPARK,
    CEILING,
    FLOOR_SUMS,
    FLOOR_PERSONS,
    "DiD after it (load_data + estimate, CR1)",
    "plain pandas group-by",
    IMPORTS,
]


# --- generating the rows --------------------------------------------------------------------------


def cell_frame() -> pd.DataFrame:
    """Cells of the open data: municipality, year, sex, age class, insured-years and the mean cost
    per insured-year of each outcome."""
    data = pd.read_parquet(OPEN_DATA)
    data = data[data["outcome"].isin(OUTCOMES)]
    cells = data.pivot_table(
        index=["gemeente_code", "year", "segment"],
        columns="outcome",
        values="value_sum",
        aggfunc="sum",
    )
    years = data[data["outcome"] == "cost_total"].set_index(["gemeente_code", "year", "segment"])
    cells = cells.join(years["person_years"]).reset_index()
    for outcome in OUTCOMES:
        cells[outcome] = (cells[outcome] / cells["person_years"]).clip(lower=1.0)
    parts = cells["segment"].str.split("_", expand=True)
    cells["sex"] = parts[0]
    cells["age_low"] = parts[1].astype(int)
    cells["age_high"] = np.where(parts[2] == "plus", 105, pd.to_numeric(parts[2], errors="coerce"))
    return cells[cells["person_years"] > 0].reset_index(drop=True)


def _ages(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Uniform whole ages within each class; the open top class (90+) thins out towards 105."""
    age = low + np.floor(rng.random(len(low)) * (high - low + 1)).astype(int)
    top = low == 90
    age[top] = 90 + np.minimum(rng.exponential(4.0, top.sum()), 15).astype(int)
    return age


def _chunk(rng: np.random.Generator, cells: pd.DataFrame, counts: np.ndarray, first_id: int):
    """One chunk of rows for ``cells`` with ``counts`` rows each, shuffled."""
    index = np.repeat(np.arange(len(cells)), counts)
    n = len(index)
    cell = cells.iloc[index]
    age = _ages(rng, cell["age_low"].to_numpy(), cell["age_high"].to_numpy())
    person = first_id + np.arange(n)
    fraction = np.where(rng.random(n) < 0.05, np.round(rng.integers(1, 365, n) / 365, 6), 1.0)
    # a second spell (row) of the person before, in the same cell: the two share that person's
    # insured time (no chains: a spell never follows a spell)
    again = (rng.random(n) < 0.01) & (np.r_[-1, index[:-1]] == index)
    again[1:] &= ~again[:-1]
    first = np.flatnonzero(again) - 1
    person[again] = person[first]
    fraction[first] = np.maximum(np.round(fraction[first] / 2, 6), 1e-6)
    fraction[again] = fraction[first]
    sex = cell["sex"].to_numpy()
    columns = {
        "person_id": person,
        "gemeente_code": pa.array(cell["gemeente_code"].to_numpy(), pa.string()),
        "year": cell["year"].to_numpy().astype(np.int16),
        "insured_fraction": fraction,
        "sex": pa.array(sex, pa.string()),
        "age": age.astype(np.int16),
        "chronic_count": rng.poisson(np.clip(age / 40, 0.05, 3)).astype(np.int8),
        "mental_health_care": (rng.random(n) < np.where(age < 65, 0.08, 0.04)).astype(np.int8),
        "pregnant_postpartum": (
            (sex == "V") & (age >= 18) & (age <= 44) & (rng.random(n) < 0.06)
        ).astype(np.int8),
        "frail": ((age >= 65) & (rng.random(n) < np.clip((age - 60) / 60, 0, 0.6))).astype(np.int8),
    }
    for outcome, zero in OUTCOMES.items():
        mean = cell[outcome].to_numpy() / (1 - zero)
        positive = rng.lognormal(np.log(mean) - SIGMA**2 / 2, SIGMA)
        cost = np.where(rng.random(n) < zero, 0.0, positive) * fraction
        if outcome == "cost_total":
            correction = rng.random(n) < 0.002
            cost[correction] = -rng.uniform(1, 500, correction.sum())
        columns[outcome] = np.round(cost, 2)
    table = pa.table(columns)
    return table.take(rng.permutation(n))


def write_rows(path: Path, rows: int, seed: int = 0) -> int:
    """Write ``rows`` person-year rows to Parquet at ``path``, one chunk at a time; returns the
    number written (exactly ``rows``)."""
    rng = np.random.default_rng(seed)
    cells = cell_frame()
    counts = rng.multinomial(rows, cells["person_years"] / cells["person_years"].sum())
    # chunks of whole cells, each ending at the cell where the running count passes a multiple
    # of CHUNK
    ends = np.searchsorted(np.cumsum(counts), np.arange(CHUNK, rows, CHUNK)) + 1
    writer, start, written = None, 0, 0
    for end in np.unique(np.r_[ends, len(cells)]):
        table = _chunk(rng, cells.iloc[start:end], counts[start:end], written)
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
        written += table.num_rows
        start = end
    writer.close()
    return written


# --- the measurements (each in its own process) -----------------------------------------------------


def _child_aggregate(path: str, out: str) -> dict:
    from lmp import aggregate

    start, cpu = time.perf_counter(), time.process_time()
    result = aggregate.aggregate(path, "agesex", threads=2)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    aggregate.write_aggregate(result, out)
    return {"seconds": seconds, "cpu": cpu, "rows": result.report.rows_in}


def _child_spark(path: str, out: str) -> dict:
    import warnings

    from lmp import aggregate

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # pyspark on pandas 3
        from pyspark.sql import SparkSession

        spark = (
            SparkSession.builder.master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        jvm = spark.sparkContext._gateway.proc.pid  # the JVM does the work: its CPU and memory
        start, cpu, jvm_cpu = time.perf_counter(), time.process_time(), _cpu_seconds(jvm)
        result = aggregate.aggregate(path, "agesex", engine="spark", spark=spark)
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu + _cpu_seconds(jvm) - jvm_cpu
    aggregate.write_aggregate(result, out)
    return {
        "seconds": seconds,
        "cpu": cpu,
        "rows": result.report.rows_in,
        "other_peak_rss_mb": _peak_of(jvm),
    }


def _cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) the process ``pid`` has used so far (Linux), else 0."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return 0.0
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_of(pid: int) -> float:
    """Peak RSS (VmHWM) of the process ``pid`` in MB (Linux), else 0."""
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _child_scan(path: str, out: str) -> dict:
    """The ceiling: DuckDB reading the columns the aggregation reads, with no grouping at all."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SET enable_progress_bar = false")
    sums = ", ".join(
        f"SUM({c})" for c in ["person_id", "year", "insured_fraction", "age", *OUTCOMES]
    )
    query = f"SELECT COUNT(*), MAX(gemeente_code), MAX(sex), {sums} FROM read_parquet('{path}')"
    start, cpu = time.perf_counter(), time.process_time()
    rows = con.execute(query).fetchone()[0]
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "rows": rows}


def _duckdb_seconds(query: str) -> dict:
    """Time one DuckDB query (2 threads) in this process: seconds, CPU seconds and its first value."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SET enable_progress_bar = false")
    start, cpu = time.perf_counter(), time.process_time()
    first = con.execute(query).fetchall()[0][0]
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "first": first}


def _child_floor_sums(path: str, out: str) -> dict:
    """A floor: the cells' sums as floats, grouped by the raw keys, with none of lmp's work (no
    checks, no code map or segment join, no exact cents or squares, no distinct persons)."""
    sums = ", ".join(f"SUM({c})" for c in ["insured_fraction", *OUTCOMES])
    grouped = (
        f"SELECT gemeente_code, year, sex, age, COUNT(*) AS n, {sums} "
        f"FROM read_parquet('{path}') GROUP BY gemeente_code, year, sex, age"
    )
    run = _duckdb_seconds(f"SELECT SUM(n) FROM ({grouped})")
    return {"seconds": run["seconds"], "cpu": run["cpu"], "rows": int(run["first"])}


def _child_floor_persons(path: str, out: str) -> dict:
    """A floor: only the grouping an exact distinct count of persons per cell needs at least (one
    hash-table entry per person and raw cell), nothing summed."""
    grouped = (
        "SELECT person_id, gemeente_code, year, sex, age, COUNT(*) AS n "
        f"FROM read_parquet('{path}') GROUP BY person_id, gemeente_code, year, sex, age"
    )
    run = _duckdb_seconds(f"SELECT SUM(n) FROM ({grouped})")
    return {"seconds": run["seconds"], "cpu": run["cpu"], "rows": int(run["first"])}


def _child_did(path: str, out: str) -> dict:
    from lmp import did
    from lmp.contract import load_data

    start, cpu = time.perf_counter(), time.process_time()
    result = did.estimate(load_data(out), PROEFTUIN, "cost_total", "population")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "estimate": result.estimate}


def _child_pandas(path: str, out: str) -> dict:
    start, cpu = time.perf_counter(), time.process_time()
    frame = pd.read_parquet(
        path,
        columns=["person_id", "gemeente_code", "year", "sex", "age", "insured_fraction", *OUTCOMES],
    )
    frame["segment"] = (frame["sex"] == "V").astype(int) * 19 + np.minimum(frame["age"] // 5, 18)
    sums = {"person_years": ("insured_fraction", "sum")}
    for outcome in OUTCOMES:
        frame[f"{outcome}_sq"] = frame[outcome] ** 2 / frame["insured_fraction"]
        sums[outcome] = (outcome, "sum")
        sums[f"{outcome}_sq"] = (f"{outcome}_sq", "sum")
    cells = frame.groupby(["gemeente_code", "year", "segment"], observed=True).agg(
        n_persons=("person_id", "nunique"), **sums
    )
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "rows": len(frame), "cells": len(cells)}


def _child_baseline(path: str, out: str) -> dict:
    import lmp.aggregate  # noqa: F401  (imports only: the floor under every peak)
    import lmp.did  # noqa: F401

    return {"seconds": 0.0, "cpu": 0.0}


CHILDREN = {
    "aggregate": _child_aggregate,
    "spark": _child_spark,
    "scan": _child_scan,
    "floor_sums": _child_floor_sums,
    "floor_persons": _child_floor_persons,
    "did": _child_did,
    "pandas": _child_pandas,
    "baseline": _child_baseline,
}


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB, since it started (not since its parent did)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(task: str, path: Path, out: Path) -> dict:
    """Run one task in a fresh process; its own time, CPU time and peak RSS (MB)."""
    load = os.getloadavg()[0]
    done = subprocess.run(
        [sys.executable, __file__, "--child", task, str(path), str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"{task} failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["load"] = load
    return result


def run_size(
    rows: int,
    repeat: int,
    pandas_max_rows: int,
    folder: Path,
    spark: bool = False,
    only: str | None = None,
) -> list[dict]:
    """Generate one size, measure everything on it (``only="spark"``: the Spark row only),
    delete the file."""
    path, out = folder / f"rows_{rows}.parquet", folder / f"contract_{rows}.parquet"
    start = time.perf_counter()
    written = write_rows(path, rows)
    print(f"{rows:,} rows written in {time.perf_counter() - start:.0f} s", flush=True)
    size_mb = path.stat().st_size / 2**20
    found = []
    if spark or only == "spark":
        runs = [measure("spark", path, out) for _ in range(repeat)]
        best = min(runs, key=lambda r: r["seconds"])
        found.append(_row(written, size_mb, SPARK, best, runs))
    if only == "spark":
        path.unlink()
        return found
    runs = [measure("aggregate", path, out) for _ in range(repeat)]
    best = min(runs, key=lambda r: r["seconds"])
    found.append(_row(written, size_mb, AGGREGATE, best, runs))
    scans = [measure("scan", path, out) for _ in range(repeat)]
    scan = min(scans, key=lambda r: r["seconds"])
    found.append(_row(written, size_mb, CEILING, scan, scans))
    for task, what in [("floor_sums", FLOOR_SUMS), ("floor_persons", FLOOR_PERSONS)]:
        runs = [measure(task, path, out) for _ in range(repeat)]
        found.append(_row(written, size_mb, what, min(runs, key=lambda r: r["seconds"]), runs))
    did_run = measure("did", path, out)
    found.append(_row(written, size_mb, "DiD after it (load_data + estimate, CR1)", did_run))
    if rows <= pandas_max_rows:
        found.append(_row(written, size_mb, "plain pandas group-by", measure("pandas", path, out)))
    found.append(_row(written, size_mb, IMPORTS, measure("baseline", path, out)))
    for row in found:
        print(row, flush=True)
    path.unlink()
    return found


def _row(rows: int, size_mb: float, what: str, run: dict, runs: list[dict] | None = None) -> dict:
    return {
        "rows": rows,
        "file_mb": round(size_mb, 1),
        "what": what,
        "seconds": round(run["seconds"], 2),
        "runs_seconds": " / ".join(f"{r['seconds']:.2f}" for r in (runs or [run])),
        "m_rows_per_s": round(rows / run["seconds"] / 1e6, 2) if "rows" in run else "",
        "m_rows_per_cpu_s": round(rows / run["cpu"] / 1e6, 2) if "rows" in run else "",
        "cpu_s": round(run["cpu"], 2),
        "peak_rss_mb": round(run["peak_rss_mb"]),
        "load_avg": round(run["load"], 1),
    }


# --- the report -------------------------------------------------------------------------------------


def _verdicts(table: pd.DataFrame) -> list[str]:
    """One line per target: met, not met, or not measured yet."""
    agg = table[table["what"] == AGGREGATE].sort_values("rows")
    lines = []
    for row in agg.itertuples():
        speed = row.rows / row.seconds
        lines.append(
            f"- Speed at {row.rows:,} rows: {speed / 1e6:.1f} M rows/s against the target of "
            f"{TARGET_ROWS_PER_SECOND / 1e6:.0f} M: **{'met' if speed >= TARGET_ROWS_PER_SECOND else 'not met'}**"
            f" (CPU {row.cpu_s} s for {row.seconds} s wall, load average {row.load_avg} on "
            f"{os.cpu_count()} cores at the start; {row.rows / row.cpu_s / 1e6:.1f} M rows per "
            f"CPU second, so at best {2 * row.rows / row.cpu_s / 1e6:.1f} M rows/s on two idle "
            "cores)."
        )
    lines += _reach(table)
    small, large = agg[agg["rows"] == 5_000_000], agg[agg["rows"] == 50_000_000]
    if len(small) and len(large):
        ratio = large["peak_rss_mb"].iloc[0] / small["peak_rss_mb"].iloc[0]
        verdict = "met" if ratio <= TARGET_MEMORY_RATIO else "not met"
        lines.append(
            f"- Peak memory 50M / 5M rows: {ratio:.2f}x against at most "
            f"{TARGET_MEMORY_RATIO}x: **{verdict}**."
        )
    else:
        lines.append(
            "- Peak memory flat from 5M to 50M rows: **not measured yet** (run with "
            "`--rows 5000000 --rows 20000000 --rows 50000000`)."
        )
    return lines


def _reach(table: pd.DataFrame) -> list[str]:
    """Per size: whether the speed target is within reach of any exact aggregation here, judged
    by the slower of the two floors (reading the columns; grouping by person and cell)."""
    lines = []
    for rows, group in table.groupby("rows"):
        speeds = {
            what: rows / group.loc[group["what"] == what, "seconds"].iloc[0]
            for what in (CEILING, FLOOR_PERSONS)
            if (group["what"] == what).any()
        }
        if len(speeds) < 2:
            continue
        bound = min(speeds.values())
        reach = "within" if bound >= TARGET_ROWS_PER_SECOND else "beyond"
        lines.append(
            f"- Reach at {rows:,} rows: reading the columns runs at "
            f"{speeds[CEILING] / 1e6:.1f} M rows/s and grouping by person and cell alone at "
            f"{speeds[FLOOR_PERSONS] / 1e6:.1f} M rows/s, so {TARGET_ROWS_PER_SECOND / 1e6:.0f} M "
            f"rows/s is **{reach} reach** of any aggregation with an exact count of persons on "
            "this machine."
        )
    return lines


def _spark_note(table: pd.DataFrame) -> list[str]:
    """What the Spark row is, when there is one."""
    if not (table["what"] == SPARK).any():
        return []
    try:
        from importlib.metadata import version

        spark_version = f"pyspark {version('pyspark')}"
    except Exception:  # not installed any more
        spark_version = "pyspark"
    return [
        f"The Spark row runs the same query ({spark_version}, Java "
        f"{_java_version()}) in local mode on the same two cores: what the second engine costs "
        "on one machine, not what a cluster does; there the work is spread over the executors. "
        "Its CPU seconds and peak RSS include Spark's JVM; the session's start-up is excluded.",
        "",
    ]


def _java_version() -> str:
    try:
        done = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)
    except OSError:
        return "?"
    first = (done.stderr or done.stdout).splitlines()[:1]
    return first[0].split('"')[1] if first and '"' in first[0] else "?"


def write_report(table: pd.DataFrame) -> None:
    import duckdb

    order = table["what"].map({what: i for i, what in enumerate(WHAT)})
    table = table.assign(order=order).sort_values(["rows", "order"], kind="mergesort")
    shown = (
        table.drop(columns="order")
        .assign(rows=table["rows"].map("{:,}".format))
        .rename(
            columns={
                "file_mb": "Parquet MB",
                "seconds": "best s",
                "runs_seconds": "runs s",
                "m_rows_per_s": "M rows/s",
                "m_rows_per_cpu_s": "M rows per CPU s",
                "cpu_s": "CPU s",
                "peak_rss_mb": "peak RSS MB",
                "load_avg": "load avg",
            }
        )
    )
    lines = [
        "# Person-year rows into the contract: speed and memory",
        "",
        f"`benchmarks/aggregate_scale.py`: generated person-year rows (module docstring), "
        f"Parquet (snappy) on disk, warm cache; `lmp aggregate` with the age-sex scheme and 5 cost "
        f"outcomes, DuckDB {duckdb.__version__}, 2 threads, default memory limit; pandas "
        f"{pd.__version__}; Python {platform.python_version()}, {os.cpu_count()} cores shared "
        "with other work (load average when each measurement started). Each measurement is a "
        "fresh process: seconds and CPU seconds of the work itself (no start-up), peak RSS of the "
        "whole process (the aggregation's includes writing the contract and its report).",
        "",
        table_md(shown),
        "",
        "Targets (the issue):",
        "",
        *_verdicts(table),
        "",
        "The ceiling row is DuckDB reading and decoding the same columns with no grouping, no "
        "checks and no distinct count: no aggregation of this file can be faster on this machine "
        "under the same load. The two floor rows are parts of the work on their own: the cells' "
        "sums as floats grouped by the raw keys (what a careless aggregation does), and the "
        "grouping by person and cell that an exact count of distinct persons needs at least "
        "(one hash-table entry per person and cell). An aggregation that counts persons exactly "
        "cannot be faster than the slower of the ceiling and that floor.",
        "",
        "The aggregation does, in one pass: the checks of every row (reasons for setting it "
        "aside), the municipality code map, the segment, distinct persons per cell "
        "(COUNT(DISTINCT)), exact integer sums in cents and micro-years and the weighted squares "
        "in DECIMAL(38, 0); the pandas yardstick does float sums and `nunique` only and reads "
        "the whole file into memory.",
        "",
        *_spark_note(table),
    ]
    (RESULTS / "aggregate_scale.md").write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, action="append", help="rows to generate (repeatable)")
    parser.add_argument("--repeat", type=int, default=2, help="aggregation runs per size")
    parser.add_argument("--pandas-max-rows", type=int, default=20_000_000)
    parser.add_argument("--spark", action="store_true", help="also time the Spark engine")
    parser.add_argument("--only", choices=["spark"], help="time only this; keep the other rows")
    parser.add_argument("--child", nargs=3, metavar=("TASK", "PATH", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        task, path, out = args.child
        result = CHILDREN[task](path, out)
        result["peak_rss_mb"] = peak_rss_mb() + result.pop("other_peak_rss_mb", 0.0)
        print(json.dumps(result))
        return
    sizes = args.rows or [5_000_000]
    csv_path = RESULTS / "aggregate_scale.csv"
    earlier = (
        pd.read_csv(csv_path, dtype={"runs_seconds": str}, keep_default_na=False)
        if csv_path.exists()
        else pd.DataFrame()
    )
    found = []
    with tempfile.TemporaryDirectory(prefix="lmp-aggregate-scale-") as folder:
        for rows in sizes:
            found += run_size(
                rows, args.repeat, args.pandas_max_rows, Path(folder), args.spark, args.only
            )
    new = pd.DataFrame(found)
    if len(earlier):
        measured = set(zip(new["rows"], new["what"], strict=True))
        replaced = [
            (r, w) in measured or (args.only is None and r in set(new["rows"]))
            for r, w in zip(earlier["rows"], earlier["what"], strict=True)
        ]
        earlier = earlier[~pd.Series(replaced, index=earlier.index)]
    table = pd.concat([earlier, new], ignore_index=True)
    RESULTS.mkdir(exist_ok=True)
    table.to_csv(csv_path, index=False)
    write_report(table)
    print(f"wrote {csv_path.relative_to(ROOT)} and aggregate_scale.md")


if __name__ == "__main__":
    main()
