"""``<outputs>/index.html``: one page that links every report and shows the headline numbers.

For each proeftuin: the effect on the headline outcome (total cost) in the target group, the whole
population and the triple difference, each with its 95% interval, read from the report's
``tables/results.csv``. When that table has randomization-inference intervals (``ci_ri_low``,
``ci_ri_high``) they are shown, labelled as such; otherwise the CR1 (cluster-robust) interval is
shown, labelled as such. The synthesis is linked with its forest plot embedded. The page says in a
banner when the data are synthetic, needs no server, scripts or network, and is byte-identical for
the same inputs (no dates, fixed number format).

Only the standard library is used, so ``lmp render`` can rebuild and compare the index in
milliseconds even when no report needs rendering.
"""

from __future__ import annotations

import base64
import csv
import json
import math
from html import escape
from pathlib import Path

from lmp.render.jobs import REFERENCE_DIR, SYNTHESIS, Job

INDEX = "index.html"
HEADLINE = "cost_total"
DESIGNS = [
    ("target", "Target group"),
    ("population", "Whole population"),
    ("triple", "Triple difference"),
]
RI_LABEL = "95% CI, randomization inference"
CR1_LABEL = "95% CI, CR1 (cluster-robust)"

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; color: #222; }
.synthetic { background: #fff3cd; border: 2px solid #d39e00; padding: 0.8rem 1rem; font-weight: 600; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border-bottom: 1px solid #ccc; padding: 0.35rem 0.7rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.ci { color: #555; }
img { max-width: 100%; }
"""


def _number(text: str | None) -> float | None:
    try:
        value = float(text) if text not in (None, "") else None
    except ValueError:
        return None
    return None if value is None or math.isnan(value) else value


def _fmt(value: float | None) -> str:
    if value is None:
        return "&ndash;"
    return f"{value:.1f}" if abs(value) >= 1 else f"{value:.4f}"


def _headline_rows(path: Path) -> dict[str, dict[str, str]]:
    """design -> row of the headline outcome in a report's results table."""
    with open(path, encoding="utf-8", newline="") as handle:
        return {r["design"]: r for r in csv.DictReader(handle) if r.get("outcome") == HEADLINE}


def _interval(row: dict[str, str]) -> tuple[float | None, float | None, str]:
    low, high = _number(row.get("ci_ri_low")), _number(row.get("ci_ri_high"))
    if low is not None and high is not None:
        return low, high, RI_LABEL
    return _number(row.get("ci_low")), _number(row.get("ci_high")), CR1_LABEL


def _outcome(code: str) -> dict[str, str]:
    with open(REFERENCE_DIR / "outcomes.csv", encoding="utf-8", newline="") as handle:
        return next((r for r in csv.DictReader(handle) if r["code"] == code), {"label_en": code})


def _synthetic(jobs: list[Job], root: Path) -> bool:
    """True when a report's data file has a ground-truth sidecar that says it was generated."""
    for job in jobs:
        data = Path(job.parameters.get("data_path", ""))
        sidecar = root / data.with_name(f"{data.name.split('.')[0]}.truth.json")
        if data.name and sidecar.exists():
            if json.loads(sidecar.read_text(encoding="utf-8")).get("synthetic"):
                return True
    return False


def _proeftuin_table(jobs: list[Job], root: Path, outputs: Path) -> list[str]:
    head = "".join(f"<th>{label}</th>" for _, label in DESIGNS)
    lines = ["<table>", f"<tr><th>Proeftuin</th>{head}<th>Interval</th></tr>"]
    for job in jobs:
        folder = Path(job.output_dir).name
        title = escape(job.title.split(" - ")[0])
        results = outputs / folder / "tables" / "results.csv"
        if not results.exists():
            lines.append(f"<tr><td>{title}</td><td colspan='4'>not rendered yet</td></tr>")
            continue
        rows = _headline_rows(results)
        cells, labels = [], []
        for design, _ in DESIGNS:
            row = rows.get(design)
            if row is None:
                cells.append("<td class='num'>&ndash;</td>")
                continue
            low, high, label = _interval(row)
            labels.append(label)
            cells.append(
                f"<td class='num'>{_fmt(_number(row.get('estimate')))} "
                f"<span class='ci'>[{_fmt(low)}, {_fmt(high)}]</span></td>"
            )
        kinds = sorted(set(labels))
        label = kinds[0] if len(kinds) == 1 else "; ".join(kinds)
        link = f"<a href='{escape(folder)}/report.html'>{title}</a>"
        lines.append(f"<tr><td>{link}</td>{''.join(cells)}<td>{escape(label)}</td></tr>")
    lines.append("</table>")
    return lines


def _figure(path: Path, alt: str) -> str:
    if not path.exists():
        return "<p>(figure not rendered yet)</p>"
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"<img src='data:image/png;base64,{data}' alt='{escape(alt)}'>"


def build_index(jobs: list[Job], root: Path) -> str:
    """The index page for ``jobs`` (proeftuin reports and the synthesis) under ``root``."""
    root = Path(root)
    outputs = root / jobs[0].outputs_root
    outcome = _outcome(HEADLINE)
    unit = escape(outcome.get("unit", ""))
    label = escape(outcome.get("label_en", HEADLINE))
    proeftuinen = [j for j in jobs if j.name != SYNTHESIS]
    synthesis = next((j for j in jobs if j.name == SYNTHESIS), None)
    lines = [
        "<!DOCTYPE html>",
        "<html lang='en'>",
        "<head><meta charset='utf-8'><title>lmp reports</title>",
        f"<style>{_STYLE}</style></head>",
        "<body>",
        "<h1>lmp: the proeftuinen populatiemanagement, report index</h1>",
    ]
    if _synthetic(jobs, root):
        lines.append(
            "<p class='synthetic'>SYNTHETIC DATA. Every number on this page and in the reports "
            "comes from data generated by <code>lmp synth</code>, with effects injected on "
            "purpose. They say nothing about the real proeftuinen.</p>"
        )
    lines += [
        f"<h2>Headline: {label} ({unit})</h2>",
        "<p>Difference-in-differences estimates with their 95% interval in brackets: "
        f"<em>{RI_LABEL}</em> where the report has one, else <em>{CR1_LABEL}</em>; the last "
        "column says which. Follow a name for the full report.</p>",
        *_proeftuin_table(proeftuinen, root, outputs),
    ]
    if synthesis is not None:
        folder = escape(Path(synthesis.output_dir).name)
        lines += [
            "<h2>Across the proeftuinen</h2>",
            f"<p><a href='{folder}/report.html'>The synthesis report</a>: every proeftuin side "
            "by side, target group against whole population, for every outcome.</p>",
            _figure(
                outputs / folder / "figures" / f"forest_{HEADLINE}.png", f"Forest plot: {label}"
            ),
        ]
    lines += ["</body>", "</html>", ""]
    return "\n".join(lines)
