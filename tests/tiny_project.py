"""A tiny project for the batch tests: two notebooks that run in a second, two data files.

``proeftuin.ipynb`` reads its data file's bytes and writes a results table derived from them (so a
changed data file changes the report); parameters ``fail``, ``sleep`` and ``pid_file`` make it
fail, take its time, or say which process its kernel is; ``kill_worker`` (a marker file's path,
or ``"always"``) makes its kernel kill the worker process rendering it, once or every time. ``cross_proeftuin.ipynb`` stacks the
proeftuin tables, like the real synthesis.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from lmp import render

REPORTS = ["alpha", "beta"]

PROEFTUIN_PARAMETERS = """\
proeftuin = "alpha"
data_path = "data/alpha.csv"
output_dir = "outputs/alpha"
fail = False
sleep = 0.0
pid_file = \"\"
kill_worker = \"\"
"""

PROEFTUIN_CODE = """\
import hashlib, os, time
from pathlib import Path

if pid_file:
    Path(pid_file).write_text(str(os.getpid()))
time.sleep(sleep)
if kill_worker == "always" or (kill_worker and not Path(kill_worker).exists()):
    if kill_worker != "always":
        Path(kill_worker).write_text("the worker was killed once")
    os.kill(os.getppid(), 9)  # the kernel's parent: the worker process rendering this report
    time.sleep(60)
if fail:
    raise ValueError(f"deliberate failure in {proeftuin}")
effect = -1.5 - int(hashlib.sha256(Path(data_path).read_bytes()).hexdigest()[:4], 16) % 100
tables = Path(output_dir, "tables")
tables.mkdir(parents=True, exist_ok=True)
rows = ["proeftuin,outcome,design,estimate,se,ci_low,ci_high,p_value"]
for design, scale in [("target", 1.0), ("population", 0.25), ("triple", 0.5)]:
    e = effect * scale
    rows.append(f"{proeftuin},cost_total,{design},{e:.6g},1,{e - 2:.6g},{e + 2:.6g},0.01")
(tables / "results.csv").write_text("\\n".join(rows) + "\\n")
print(f"{proeftuin}: effect {effect:.6g}")
"""

SYNTHESIS_PARAMETERS = """\
outputs_root = "outputs"
proeftuinen = None
data_path = "data/alpha.csv"
output_dir = "outputs/cross_proeftuin"
"""

SYNTHESIS_CODE = """\
from pathlib import Path

lines = []
for slug in proeftuinen:
    rows = Path(outputs_root, slug, "tables", "results.csv").read_text().splitlines()
    lines += rows[1:] if lines else rows
Path(output_dir, "tables").mkdir(parents=True, exist_ok=True)
Path(output_dir, "tables", "all_results.csv").write_text("\\n".join(lines) + "\\n")
print(len(lines) - 1, "results")
"""


def _notebook(title: str, parameters: str, code: str) -> nbformat.NotebookNode:
    nb = new_notebook(
        cells=[
            new_markdown_cell(f"# {title}"),
            new_code_cell(parameters, metadata={"tags": ["parameters"]}),
            new_code_cell(code),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"
    return nb


def make_project(root: Path) -> Path:
    """Write the notebooks and one data file (with a synthetic-truth sidecar) per report."""
    (root / "notebooks").mkdir(parents=True)
    (root / "data").mkdir()
    nbformat.write(
        _notebook("Tiny report", PROEFTUIN_PARAMETERS, PROEFTUIN_CODE),
        root / "notebooks" / "proeftuin.ipynb",
    )
    nbformat.write(
        _notebook("Tiny synthesis", SYNTHESIS_PARAMETERS, SYNTHESIS_CODE),
        root / "notebooks" / "cross_proeftuin.ipynb",
    )
    for name in REPORTS:
        (root / "data" / f"{name}.csv").write_text(f"x\n{name}\n", encoding="utf-8")
        (root / "data" / f"{name}.truth.json").write_text(json.dumps({"synthetic": True}))
    return root


def jobs(**extra: dict) -> list[render.Job]:
    """The two reports (each reads its own data file) and the synthesis of both.
    ``extra`` maps a report name to parameters to add."""
    result = [
        render.Job(
            name=name,
            notebook="proeftuin.ipynb",
            title=f"{name.title()} - tiny report",
            parameters={
                "proeftuin": name,
                "data_path": f"data/{name}.csv",
                "output_dir": f"outputs/{name}",
                **extra.get(name, {}),
            },
        )
        for name in REPORTS
    ]
    synthesis = render.synthesis_job("data/alpha.csv", "outputs", proeftuinen=REPORTS)
    return [*result, synthesis]
