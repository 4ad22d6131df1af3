"""A tiny project for the batch tests: two notebooks that run in a second, two data files.

``proeftuin.ipynb`` reads its data file's bytes and writes a results table and a primary table
derived from them (so a changed data file changes the report), and a small main figure per
language (``figures/summary.<lang>.png``); like the real notebooks it takes ``language`` and
``results_cache`` (its "estimate" is read from the cache when it exists, and the notebook prints
whether it computed or read it) and has markdown cells tagged ``en`` and ``nl``. Parameters
``fail`` (or ``fail_language``: only in that language), ``sleep`` and ``pid_file`` make it fail,
take its time, or say which process its kernel is; ``kill_worker`` (a marker file's path, or
``"always"``) makes its kernel kill the worker process rendering it, once or every time;
``table_by_language`` makes it write a table that differs between languages (which the render
refuses). ``cross_proeftuin.ipynb`` stacks the proeftuin tables, like the real synthesis.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from lmp import render

REPORTS = ["alpha", "beta"]

# Both notebooks write their main figure as figures/summary.<lang>.png: a small PNG, one colour
# per language.
FIGURE_CODE = """\
import struct, zlib
from pathlib import Path


def summary_figure(output_dir, language):
    def chunk(kind, body):
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    red = 40 if language == "en" else 200
    header = struct.pack(">IIBBBBB", 8, 4, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\\0" + bytes([red, 90, 160]) * 8 for _ in range(4)))
    png = b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
    Path(output_dir, "figures").mkdir(parents=True, exist_ok=True)
    Path(output_dir, "figures", f"summary.{language}.png").write_bytes(png + chunk(b"IEND", b""))
"""

PROEFTUIN_PARAMETERS = """\
proeftuin = "alpha"
data_path = "data/alpha.csv"
output_dir = "outputs/alpha"
language = "en"
results_cache = \"\"
fail = False
fail_language = ""
sleep = 0.0
pid_file = \"\"
kill_worker = \"\"
table_by_language = False
"""

PROEFTUIN_CODE = """\
import hashlib, os, pickle, time
from pathlib import Path

if pid_file:
    Path(pid_file).write_text(str(os.getpid()))
time.sleep(sleep)
if kill_worker == "always" or (kill_worker and not Path(kill_worker).exists()):
    if kill_worker != "always":
        Path(kill_worker).write_text("the worker was killed once")
    os.kill(os.getppid(), 9)  # the kernel's parent: the worker process rendering this report
    time.sleep(60)
if fail or fail_language == language:
    raise ValueError(f"deliberate failure in {proeftuin}")
cache = Path(results_cache) if results_cache else None
if cache is not None and cache.exists():
    effect, how = pickle.loads(cache.read_bytes()), "read from the cache"
else:
    effect = -1.5 - int(hashlib.sha256(Path(data_path).read_bytes()).hexdigest()[:4], 16) % 100
    how = "computed"
    if cache is not None:
        cache.write_bytes(pickle.dumps(effect))
tables = Path(output_dir, "tables")
tables.mkdir(parents=True, exist_ok=True)
rows = ["proeftuin,outcome,design,estimate,se,ci_low,ci_high,p_value,n_persons"]
for design, scale in [("target", 1.0), ("population", 0.25), ("triple", 0.5)]:
    e = effect * scale
    rows.append(f"{proeftuin},cost_total,{design},{e:.6g},1,{e - 2:.6g},{e + 2:.6g},0.01,1000")
(tables / "results.csv").write_text("\\n".join(rows) + "\\n")
e = effect * 0.25
primary = [
    "proeftuin,outcome,design,adjust,estimate,ci_ri_low,ci_ri_high,p_ri,ri_placebos,mde_ri,n_persons",
    f"{proeftuin},cost_total,population,agesex,{e:.6g},{e - 3:.6g},{e + 3:.6g},0.02,999,5,1000",
]
primary = "\\n".join(primary) + "\\n"
(tables / "primary.csv").write_text(primary)
if table_by_language:
    (tables / "words.csv").write_text(f"language,n_persons\\n{language},1000\\n")
summary_figure(output_dir, language)
print(f"{proeftuin} ({language}): effect {effect:.6g}, {how}")
"""

SYNTHESIS_PARAMETERS = """\
outputs_root = "outputs"
proeftuinen = None
data_path = "data/alpha.csv"
output_dir = "outputs/cross_proeftuin"
language = "en"
results_cache = \"\"
"""

SYNTHESIS_CODE = """\
from pathlib import Path

lines = []
for slug in proeftuinen:
    rows = Path(outputs_root, slug, "tables", "results.csv").read_text().splitlines()
    lines += rows[1:] if lines else rows
Path(output_dir, "tables").mkdir(parents=True, exist_ok=True)
Path(output_dir, "tables", "all_results.csv").write_text("\\n".join(lines) + "\\n")
primary = ["proeftuin,outcome,design,adjust,estimate,ci_ri_low,ci_ri_high,p_ri,p_ri_holm,n_persons"]
for slug in proeftuinen:
    row = Path(outputs_root, slug, "tables", "primary.csv").read_text().splitlines()[1]
    primary.append(",".join(row.split(",")[:8]) + ",0.04,1000")
Path(output_dir, "tables", "primary.csv").write_text("\\n".join(primary) + "\\n")
summary_figure(output_dir, language)
print(len(lines) - 1, "results")
"""


def _notebook(title: str, parameters: str, code: str) -> nbformat.NotebookNode:
    nb = new_notebook(
        cells=[
            new_markdown_cell(f"# {title}"),
            new_code_cell(parameters, metadata={"tags": ["parameters"]}),
            new_code_cell(FIGURE_CODE + "\n\n" + code),
            new_markdown_cell("## Summary\n\nIn English.", metadata={"tags": ["en"]}),
            new_markdown_cell("## Samenvatting\n\nIn het Nederlands.", metadata={"tags": ["nl"]}),
            new_markdown_cell("Untagged: in every language."),
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


def jobs(languages: tuple[str, ...] = ("en",), **extra: dict) -> list[render.Job]:
    """The two reports (each reads its own data file) and the synthesis of both, in
    ``languages`` (default: English only, which keeps the batch tests fast).
    ``extra`` maps a report name to parameters to add."""
    result = [
        render.Job(
            name=name,
            notebook="proeftuin.ipynb",
            title=f"{name.title()} - tiny report",
            titles={"nl": f"{name.title()} - klein rapport"},
            parameters={
                "proeftuin": name,
                "data_path": f"data/{name}.csv",
                "output_dir": f"outputs/{name}",
                **extra.get(name, {}),
            },
            languages=languages,
        )
        for name in REPORTS
    ]
    synthesis = render.synthesis_job("data/alpha.csv", "outputs", proeftuinen=REPORTS)
    return [*result, dataclasses.replace(synthesis, languages=languages)]
