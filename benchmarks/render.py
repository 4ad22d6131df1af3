"""How long rendering all ten reports takes, and what the batch machinery costs (run by hand).

Every variant renders the same ten reports (nine proeftuinen, then the synthesis) from the bundled
synthetic data, each in a fresh copy of the project in a temporary folder (the committed outputs/
are never touched), all in one run of this script on the same machine:

- ``lmp render --all --force --jobs N``: the batch (worker processes, one kernel each, one BLAS
  thread per kernel), for N = 1 and N = 2;
- the same with two BLAS/OpenMP threads per kernel (``OPENBLAS_NUM_THREADS=2`` ...): the
  oversubscription check;
- a plain sequential papermill loop over the same notebooks and parameters (no normalisation, no
  HTML), in one process;
- the floor: the notebooks' code run as plain Python in one interpreter (cells exported with
  jupytext, parameters assigned after the parameters cell, ``display`` output discarded);
- ``lmp render --all`` with nothing changed (median of runs 2-6), and ``lmp check``.

The outputs of the batch variants are compared byte for byte. Writes benchmarks/results/render.md
and render.csv.

    .venv/bin/python benchmarks/render.py
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lmp import render

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "results"
LMP = [sys.executable, "-m", "lmp.cli"]
THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def project(base: Path, name: str) -> Path:
    """A copy of what the reports read: notebooks and the synthetic data."""
    root = base / name
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copytree(ROOT / "data" / "synthetic", root / "data" / "synthetic")
    return root


def timed(command: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    print(f"{seconds:8.2f} s  {' '.join(command[2:5])} {done.stdout.splitlines()[-1:]}", flush=True)
    return seconds


def digest(outputs: Path) -> str:
    # manifest.json records the lmp source hash: compare what the reports and the index show
    files = sorted(p for p in outputs.rglob("*") if p.is_file() and p.name != render.MANIFEST)
    lines = [
        f"{p.relative_to(outputs).as_posix()} {hashlib.sha256(p.read_bytes()).hexdigest()}"
        for p in files
    ]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def batch(base: Path, name: str, jobs: int, threads: str | None = None) -> tuple[float, str]:
    root = project(base, name)
    env = dict(os.environ)
    for variable in THREADS:
        env.pop(variable, None)
        if threads is not None:
            env[variable] = threads
    seconds = timed(
        [*LMP, "render", "--all", "--force", "--jobs", str(jobs), "--root", str(root)], env
    )
    return seconds, digest(root / "outputs")


PAPERMILL_LOOP = """
import json, sys, papermill
jobs, root, notebooks = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
for job in jobs:
    papermill.execute_notebook(
        f"{notebooks}/{job['notebook']}", f"{root}/{job['name']}.ipynb",
        parameters=job["parameters"], kernel_name="python3", cwd=root, progress_bar=False,
    )
"""

PLAIN_PYTHON = """
import contextlib, io, json, os, sys
import jupytext
jobs, root, notebooks = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
os.chdir(root)
os.environ["MPLBACKEND"] = "Agg"
for job in jobs:
    nb = jupytext.read(f"{notebooks}/{job['notebook']}")
    namespace = {"__name__": "__main__"}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        code = cell.source
        if "parameters" in cell.metadata.get("tags", []):
            code += "\\n" + "\\n".join(f"{k} = {v!r}" for k, v in job["parameters"].items())
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(code, job["name"], "exec"), namespace)
"""


def one_process(base: Path, name: str, script: str) -> float:
    root = project(base, name)
    jobs = json.dumps([job.to_dict() for job in render.all_jobs()])
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return timed([sys.executable, "-c", script, jobs, str(root), str(root / "notebooks")], env)


def main() -> None:
    rows: list[tuple[str, float, str]] = []
    current = False

    def record(name: str, seconds: float, digest_: str = "") -> None:
        rows.append((name, seconds, digest_))
        write(rows, current)  # after every variant, so an interrupted run still reports

    with tempfile.TemporaryDirectory(prefix="lmp-bench-") as tmp:
        base = Path(tmp)
        seconds, jobs2 = batch(base, "jobs2", 2)
        record("lmp render --all --force --jobs 2", seconds, jobs2)
        root = base / "jobs2"
        nochange = [timed([*LMP, "render", "--all", "--root", str(root)]) for _ in range(6)][1:]
        with contextlib.redirect_stdout(io.StringIO()):
            current = render.check_outputs(render.all_jobs(), root).ok
        record(
            "lmp render --all, nothing changed (median of runs 2-6)", statistics.median(nochange)
        )
        check = [timed([*LMP, "check", "--root", str(root)]) for _ in range(3)]
        record("lmp check (median of 3)", statistics.median(check))
        record("sequential papermill loop", one_process(base, "papermill", PAPERMILL_LOOP))
        record("plain Python, one interpreter", one_process(base, "plain", PLAIN_PYTHON))
        seconds, threads2 = batch(base, "threads2", 2, threads="2")
        record("--jobs 2, two BLAS threads per kernel", seconds, threads2)
        seconds, jobs1 = batch(base, "jobs1", 1)
        record("lmp render --all --force --jobs 1", seconds, jobs1)


def write(rows: list[tuple[str, float, str]], current: bool) -> None:
    OUT.mkdir(exist_ok=True)
    with open(OUT / "render.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["variant", "seconds", "outputs_digest"])
        writer.writerows((name, f"{seconds:.2f}", digest_) for name, seconds, digest_ in rows)
    digests = {d for _, _, d in rows if d}
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        "# Rendering all ten reports",
        "",
        f"Generated by `benchmarks/render.py` on {os.cpu_count()} cores ({platform.machine()}), "
        "bundled synthetic data, every variant in a fresh copy of the project. Load average "
        f"when this file was written: {load} (other work on the machine slows every variant).",
        "",
        "| variant | seconds |",
        "|---|---:|",
        *(f"| {name} | {seconds:.2f} |" for name, seconds, _ in rows),
        "",
        f"The {sum(1 for _, _, d in rows if d)} batch variant(s) wrote "
        + ("byte-identical outputs." if len(digests) == 1 else f"different outputs: {digests}."),
        f"`lmp check` on the rendered copy: {'current and clean' if current else 'NOT clean'}.",
        "",
    ]
    (OUT / "render.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
