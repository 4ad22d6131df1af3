"""The committed reports and index, opened in a real browser (headless Chromium).

A report in each language (``outputs/<proeftuin>/report.en.html`` and ``report.nl.html``) must
show its summary (an element with id ``summary``, or a heading "Summary" / "Samenvatting"), at
least one formatted table (``<table class="lmp-table">``), its references (a heading "References"
/ "Literatuur") and figures that decode; ``outputs/index.html`` must show a thumbnail for every
report that decodes and links to the report, and links to every report in both languages.

The same checks run on small hand-made pages first, a good one and broken ones, so that the
checks themselves are tested where the committed outputs pass them.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from lmp import render
from lmp.render.pdf import chromium_command, find_chromium
from tests import tiny_project

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = ROOT / render.DEFAULT_OUTPUTS
PROEFTUIN = "mijnzorg"  # the committed report the browser opens, in each language
SUMMARY = {"en": "Summary", "nl": "Samenvatting"}
REFERENCES = {"en": "References", "nl": "Literatuur"}
CHROMIUM = find_chromium()

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="no Chromium (make test installs it on Debian: apt-get install chromium)",
)

PROBE = """
<script>
window.addEventListener("load", function () {
  var probe = document.createElement("pre");
  probe.id = "lmp-probe";
  function heading(h) { return h.textContent.replace(/\\u00b6/g, "").trim(); }
  probe.textContent = JSON.stringify({
    lang: document.documentElement.lang,
    title: document.title,
    images: Array.from(document.images).map(function (i) { return i.naturalWidth; }),
    tables: document.querySelectorAll("table").length,
    lmpTables: document.querySelectorAll("table.lmp-table").length,
    summaryId: document.getElementById("summary") !== null,
    headings: Array.from(document.querySelectorAll("h1, h2, h3, h4")).map(heading),
    links: Array.from(document.links).map(function (a) { return a.getAttribute("href"); }),
    thumbnails: Array.from(document.querySelectorAll("a img")).map(function (i) {
      return {
        src: i.getAttribute("src"),
        href: i.closest("a").getAttribute("href"),
        natural: i.naturalWidth,
        shown: Math.round(i.getBoundingClientRect().width)
      };
    }),
    text: document.body.innerText.slice(0, 4000)
  });
  document.body.appendChild(probe);
});
</script>
"""


def browse(page: Path, tmp_path: Path) -> dict:
    """Open ``page`` in headless Chromium and return what a probe script saw in it.

    The probe is added to a copy in ``tmp_path`` whose ``<base>`` points at the page's folder, so
    relative links (the index's thumbnails) resolve as they do for the page itself and nothing
    is written beside the page.
    """
    text = page.read_text(encoding="utf-8")
    base = f"<base href='{page.resolve().parent.as_uri()}/'>"
    text = re.sub(r"<head[^>]*>", lambda m: m.group(0) + base, text, count=1)
    copy = tmp_path / f"probe-{page.parent.name}-{page.name}"
    copy.write_text(text + PROBE, encoding="utf-8")
    done = subprocess.run(
        chromium_command(
            CHROMIUM or "chromium",
            tmp_path / "chromium",
            "--virtual-time-budget=10000",
            "--dump-dom",
            copy.as_uri(),
        ),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    probe = re.search(r'<pre id="lmp-probe">(.*?)</pre>', done.stdout, re.S)
    assert probe, "the page loaded and ran the probe"
    return json.loads(html.unescape(probe.group(1)))


def _has_heading(facts: dict, words: str) -> bool:
    pattern = re.compile(rf"^(\d+(\.\d+)*\.?\s+)?{words}\b", re.I)
    return any(pattern.match(h) for h in facts["headings"])


def report_problems(facts: dict, language: str) -> list[str]:
    """What a report page in ``language`` lacks (empty: nothing)."""
    problems = []
    if facts["lang"] != language:
        problems.append(f"<html lang> is {facts['lang']!r}, not {language!r}")
    if not (facts["summaryId"] or _has_heading(facts, SUMMARY[language])):
        problems.append(f"no summary (id 'summary' or a heading '{SUMMARY[language]}')")
    if facts["lmpTables"] < 1:
        problems.append("no formatted table (table.lmp-table)")
    if not _has_heading(facts, REFERENCES[language]):
        problems.append(f"no references (a heading '{REFERENCES[language]}')")
    if not facts["images"]:
        problems.append("no figure")
    elif not all(width > 0 for width in facts["images"]):
        problems.append("a figure that does not decode")
    return problems


def index_problems(facts: dict) -> list[str]:
    """What the index page lacks: links to every report in both languages, and for each report
    a thumbnail that decodes, is shown small, and links to the report."""
    problems = []
    pages: dict[str, set[str]] = {}
    for href in facts["links"]:
        match = re.fullmatch(r"(.+)/report\.(\w+)\.html", href or "")
        if match:
            pages.setdefault(match.group(1), set()).add(match.group(2))
    if not pages:
        problems.append("no links to reports")
    for folder, languages in sorted(pages.items()):
        if languages != set(render.LANGUAGES):
            problems.append(f"{folder}: links to {sorted(languages)}, not to every language")
        thumbnails = [t for t in facts["thumbnails"] if t["src"].startswith(f"{folder}/figures/")]
        if not thumbnails:
            problems.append(f"{folder}: no thumbnail")
        for thumb in thumbnails:
            if thumb["natural"] <= 0:
                problems.append(f"{folder}: thumbnail {thumb['src']} does not decode")
            if not 40 <= thumb["shown"] <= 400:
                problems.append(f"{folder}: thumbnail shown {thumb['shown']} px wide")
            if not re.fullmatch(rf"{re.escape(folder)}/report\.\w+\.html", thumb["href"] or ""):
                problems.append(f"{folder}: thumbnail links to {thumb['href']}")
    return problems


def png(width: int = 24, height: int = 16) -> bytes:
    """A small valid PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\0" + b"\x30\x60\xa0" * width for _ in range(height)))
    body = chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def report_page(language: str, summary="heading", references=True, table=True) -> str:
    """A hand-made report page like the lead's notebooks render (for the checks' own tests)."""
    image = base64.b64encode(png()).decode()
    head = {"en": "Summary", "nl": "Samenvatting"}[language]
    refs = {"en": "References", "nl": "Literatuur"}[language]
    parts = [f"<!DOCTYPE html><html lang='{language}'><head><title>x</title></head><body>"]
    parts.append("<h1>Proeftuin report<a class='anchor-link' href='#x'>\u00b6</a></h1>")
    if summary == "id":
        parts.append("<section id='summary'><p>The answer.</p></section>")
    elif summary == "heading":
        parts.append(f"<h2>1. {head}<a class='anchor-link' href='#s'>\u00b6</a></h2><p>x</p>")
    if table:
        parts.append(
            "<table class='lmp-table'><thead><tr><th>design</th><th>estimate</th></tr></thead>"
            "<tbody><tr><td>population</td><td class='digits-1'>81.9</td></tr></tbody></table>"
        )
    parts.append(f"<img src='data:image/png;base64,{image}' alt='figure'>")
    if references:
        parts.append(f"<h2>{refs}</h2><p>MacKinnon and Webb (2017).</p>")
    return "".join(parts) + "</body></html>"


@needs_chromium
def test_the_report_checks_find_what_a_page_lacks(tmp_path):
    pages = {
        "good-en": (report_page("en", summary="id"), "en", []),
        "good-nl": (report_page("nl"), "nl", []),
        "no-references": (report_page("en", references=False), "en", ["no references"]),
        "no-summary": (report_page("nl", summary=None), "nl", ["no summary"]),
        "no-table": (report_page("en", table=False), "en", ["no formatted table"]),
        "wrong-language": (report_page("en"), "nl", ["<html lang>", "no summary", "no ref"]),
    }
    for name, (text, language, expected) in pages.items():
        page = tmp_path / name / f"report.{language}.html"
        page.parent.mkdir()
        page.write_text(text, encoding="utf-8")
        problems = report_problems(browse(page, tmp_path), language)
        assert len(problems) == len(expected), (name, problems)
        for problem, words in zip(problems, expected, strict=True):
            assert problem.startswith(words), (name, problems)


@needs_chromium
def test_the_index_checks_pass_on_a_built_index_and_find_a_broken_thumbnail(tmp_path):
    root = tiny_project.make_project(tmp_path / "project")
    for job in tiny_project.jobs(languages=render.LANGUAGES):
        folder = root / job.output_dir
        (folder / "figures").mkdir(parents=True)
        (folder / "tables").mkdir()
        (folder / "figures" / "summary.en.png").write_bytes(png(320, 200))
        (folder / "tables" / "primary.csv").write_text(
            "proeftuin,outcome,design,adjust,estimate,ci_ri_low,ci_ri_high,p_ri\n"
            f"{job.name},cost_total,population,agesex,-12.5,-30,5,0.21\n"
        )
        for language in render.LANGUAGES:
            (folder / f"report.{language}.html").write_text(report_page(language))
    index = root / "outputs" / render.INDEX
    index.write_text(render.build_index(tiny_project.jobs(languages=render.LANGUAGES), root))
    facts = browse(index, tmp_path)
    assert index_problems(facts) == []
    assert len(facts["thumbnails"]) == 3 and {t["shown"] for t in facts["thumbnails"]} == {160}

    (root / "outputs" / "beta" / "figures" / "summary.en.png").write_bytes(b"not a png")
    (root / "outputs" / "alpha" / "report.nl.html").unlink()
    index.write_text(render.build_index(tiny_project.jobs(languages=render.LANGUAGES), root))
    problems = index_problems(browse(index, tmp_path))
    assert problems == [
        "alpha: links to ['en'], not to every language",
        "beta: thumbnail beta/figures/summary.en.png does not decode",
    ]


@needs_chromium
@pytest.mark.parametrize("language", render.LANGUAGES)
def test_a_committed_report_shows_its_summary_a_formatted_table_and_references(language, tmp_path):
    page = OUTPUTS / PROEFTUIN / render.report_name(language)
    assert page.is_file(), f"{page.relative_to(ROOT)} is missing: render the reports (make reports)"
    assert report_problems(browse(page, tmp_path), language) == []


@needs_chromium
def test_the_committed_index_shows_every_report_in_both_languages_with_a_thumbnail(tmp_path):
    facts = browse(OUTPUTS / render.INDEX, tmp_path)
    assert index_problems(facts) == []
    folders = {re.sub(r"/report\.\w+\.html$", "", h) for h in facts["links"] if "report." in h}
    assert folders == {job.name for job in render.all_jobs()}, "every report is listed"
