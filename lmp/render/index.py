"""``<outputs>/index.html``: one page that lists every report, in every language, with its headline.

For each proeftuin: the primary estimate (the primary analysis of ``tables/primary.csv``: total
cost per insured-year, judged by randomization inference) with its randomization-inference
interval and p-value, the Holm-adjusted p-value across the proeftuinen when the synthesis' own
``tables/primary.csv`` has it, a link to the report in each language (``report.en.html``,
``report.nl.html``) and a thumbnail of the report's main figure (``figures/summary.en.png``) that
links to the report. The synthesis is listed the same way. The page is in English with Dutch
column headers beside the English ones and Dutch link labels; it says in a banner when the data
are synthetic, needs no server, scripts or network (the thumbnails are relative links to the
figures, not embedded), and is byte-identical for the same inputs (no dates, fixed number format).

Only the standard library is used, so ``lmp render`` can rebuild and compare the index in
milliseconds even when no report needs rendering.
"""

from __future__ import annotations

import csv
import json
import math
from html import escape
from pathlib import Path

from lmp.render.jobs import LANGUAGE_NAMES, REFERENCE_DIR, SYNTHESIS, Job, report_name

INDEX = "index.html"
PRIMARY = "tables/primary.csv"
SUMMARY_FIGURE = "figures/summary.{language}.png"
THUMBNAIL_WIDTH = 160  # pixels
NO_INTERVAL = "no finite interval"
DESIGNS = {
    "population": "whole population",
    "target": "target group",
    "triple": "triple difference",
}
ADJUSTMENTS = {"agesex": "age-sex adjusted", "none": "not adjusted"}

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; color: #222;
       padding: 0 1rem; }
.synthetic { background: #fff3cd; border: 2px solid #d39e00; padding: 0.8rem 1rem; font-weight: 600; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border-bottom: 1px solid #ccc; padding: 0.4rem 0.7rem; text-align: left;
         vertical-align: middle; }
th .nl, .nl-label { color: #555; font-weight: normal; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.ci { color: #555; }
img.thumb { width: 160px; height: auto; border: 1px solid #ddd; box-sizing: border-box;
            display: block; }
.missing { color: #777; font-style: italic; }
"""


def _number(text: str | None) -> float | None:
    """A table cell as a number: None when empty, not a number, or NaN (infinity is kept)."""
    try:
        value = float(text) if text not in (None, "") else None
    except ValueError:
        return None
    return None if value is None or math.isnan(value) else value


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _fmt(value: float | None, digits: int = 1) -> str:
    """A number with thousands separators and ``digits`` decimals; a dash when missing."""
    if not _finite(value):
        return "&ndash;"
    text = f"{value:,.{digits}f}"
    return "&minus;" + text[1:] if text.startswith("-") else text


def _fmt_p(value: float | None) -> str:
    if not _finite(value):
        return "&ndash;"
    return "&lt; 0.001" if value < 0.001 else f"{value:.3f}"


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


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


def _name(job: Job) -> str:
    return escape(job.title.split(" - ")[0])


def _headline(row: dict[str, str]) -> str:
    """The primary estimate with its interval in whole euros, as the reports write it:
    ``82 [12, 152]`` (or no finite interval)."""
    estimate = _number(row.get("estimate"))
    low, high = _number(row.get("ci_ri_low")), _number(row.get("ci_ri_high"))
    interval = (
        f"[{_fmt(low, 0)}, {_fmt(high, 0)}]"
        if _finite(low) and _finite(high)
        else f"({NO_INTERVAL})"
    )
    return f"{_fmt(estimate, 0)} <span class='ci'>{interval}</span>"


def _links(job: Job, outputs: Path) -> str:
    """A link to the report in each of the job's languages (plain text when not rendered)."""
    folder = Path(job.output_dir).name
    links = []
    for language in job.languages:
        label = LANGUAGE_NAMES[language]
        page = report_name(language)
        if (outputs / folder / page).exists():
            links.append(
                f"<a href='{escape(folder)}/{page}' hreflang='{language}' "
                f"lang='{language}'>{label}</a>"
            )
        else:
            links.append(f"<span class='missing' lang='{language}'>{label}: not rendered</span>")
    return " &middot; ".join(links)


def _thumbnail(job: Job, outputs: Path) -> str:
    """The report's main figure, small, in each language that has it, linking to the report in
    that language."""
    folder = Path(job.output_dir).name
    shown = []
    for language in job.languages:
        figure = SUMMARY_FIGURE.format(language=language)
        if (outputs / folder / figure).exists() and (
            outputs / folder / report_name(language)
        ).exists():
            lang = "" if language == job.languages[0] else f" lang='{language}'"
            shown.append(
                f"<a href='{escape(folder)}/{report_name(language)}'{lang}>"
                f"<img class='thumb' src='{escape(folder)}/{figure}' width='{THUMBNAIL_WIDTH}' "
                f"alt='{_name(job)}: main figure ({LANGUAGE_NAMES[language]})'></a>"
            )
    return " ".join(shown) or "<span class='missing'>no figure yet</span>"


def _analyses(rows: list[dict[str, str]]) -> str:
    """What the primary analysis is, in words, from the rows of the primary tables."""
    described = []
    for outcome, design, adjust in sorted(
        {(r.get("outcome", ""), r.get("design", ""), r.get("adjust", "")) for r in rows}
    ):
        label = _outcome(outcome).get("label_en", outcome)
        words = [label, f"{DESIGNS.get(design, design)} design", ADJUSTMENTS.get(adjust, adjust)]
        described.append(escape(", ".join(w for w in words if w)))
    return "; ".join(described)


def _holm(synthesis: Job | None, outputs: Path) -> dict[str, float | None]:
    """proeftuin slug -> the Holm-adjusted randomization-inference p across the proeftuinen."""
    if synthesis is None:
        return {}
    path = outputs / Path(synthesis.output_dir).name / PRIMARY
    if not path.exists():
        return {}
    return {r["proeftuin"]: _number(r.get("p_ri_holm")) for r in _read(path) if "proeftuin" in r}


def _header(*columns: tuple[str, str]) -> str:
    """A header row: each column's English label, with the Dutch one below where it differs."""
    dutch = {
        en: "" if nl == en else f"<br><span class='nl' lang='nl'>{nl}</span>" for en, nl in columns
    }
    cells = "".join(f"<th>{en}{dutch[en]}</th>" for en, _ in columns)
    return f"<tr>{cells}</tr>"


def _proeftuin_table(
    jobs: list[Job], outputs: Path, holm: dict[str, float | None]
) -> tuple[list[str], list[dict[str, str]]]:
    """The table of proeftuin reports, and the primary rows it showed."""
    lines = [
        "<table class='reports'>",
        _header(
            ("Proeftuin", "Proeftuin"),
            (
                "Primary estimate, &euro; per insured-year [95% RI interval]",
                "Primaire schatting, &euro; per verzekerdenjaar [95%-interval]",
            ),
            ("p (RI)", "p (RI)"),
            ("p, Holm across the proeftuinen", "p, Holm over de proeftuinen"),
            ("Report", "Rapport"),
            ("Main figure", "Hoofdfiguur"),
        ),
    ]
    shown = []
    for job in jobs:
        folder = Path(job.output_dir).name
        primary = outputs / folder / PRIMARY
        rows = _read(primary) if primary.exists() else []
        if rows:
            row = rows[0]
            shown.append(row)
            cells = (
                f"<td class='num'>{_headline(row)}</td>"
                f"<td class='num'>{_fmt_p(_number(row.get('p_ri')))}</td>"
                f"<td class='num'>{_fmt_p(holm.get(job.name))}</td>"
            )
        else:
            cells = "<td colspan='3' class='missing'>not rendered yet</td>"
        lines.append(
            f"<tr><td>{_name(job)}</td>{cells}<td>{_links(job, outputs)}</td>"
            f"<td>{_thumbnail(job, outputs)}</td></tr>"
        )
    lines.append("</table>")
    return lines, shown


def build_index(jobs: list[Job], root: Path) -> str:
    """The index page for ``jobs`` (proeftuin reports and the synthesis) under ``root``."""
    root = Path(root)
    outputs = root / jobs[0].outputs_root
    proeftuinen = [j for j in jobs if j.name != SYNTHESIS]
    synthesis = next((j for j in jobs if j.name == SYNTHESIS), None)
    table, shown = _proeftuin_table(proeftuinen, outputs, _holm(synthesis, outputs))
    lines = [
        "<!DOCTYPE html>",
        "<html lang='en'>",
        "<head><meta charset='utf-8'><title>lmp reports / rapporten</title>",
        f"<style>{_STYLE}</style></head>",
        "<body>",
        "<h1>lmp: the proeftuinen populatiemanagement, report index</h1>",
        "<p class='nl-label' lang='nl'>lmp: de proeftuinen populatiemanagement, overzicht van de "
        "rapporten (elk rapport in het Engels en in het Nederlands)</p>",
    ]
    if _synthetic(jobs, root):
        lines.append(
            "<p class='synthetic'>SYNTHETIC DATA. Every number on this page and in the reports "
            "comes from data generated by <code>lmp synth</code>, with effects injected on "
            "purpose. They say nothing about the real proeftuinen. "
            "<span lang='nl'>SYNTHETISCHE DATA: deze cijfers zeggen niets over de echte "
            "proeftuinen.</span></p>"
        )
    analysis = _analyses(shown)
    lines += [
        "<h2>Proeftuinen</h2>",
        "<p>The primary analysis of each report"
        + (f" ({analysis})" if analysis else "")
        + ": the difference-in-differences estimate in euros per insured-year with its 95% "
        "interval and p-value from randomization inference (RI) over placebo regions; "
        f"&ldquo;{NO_INTERVAL}&rdquo; where too few placebo regions exist for one. "
        "Follow a language for the full report, or the figure.</p>",
        *table,
    ]
    if synthesis is not None:
        lines += [
            "<h2>Across the proeftuinen <span class='nl-label' lang='nl'>/ Over de proeftuinen "
            "heen</span></h2>",
            "<table class='reports'>",
            _header(("Report", "Rapport"), ("Main figure", "Hoofdfiguur")),
            f"<tr><td>{_name(synthesis)}: every proeftuin side by side, with the primary "
            f"estimate of each<br>{_links(synthesis, outputs)}</td>"
            f"<td>{_thumbnail(synthesis, outputs)}</td></tr>",
            "</table>",
        ]
    lines += ["</body>", "</html>", ""]
    return "\n".join(lines)
