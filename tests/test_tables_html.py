"""Every rendered report table (HTML) in outputs/ is one a journal would print.

For every ``report.<lang>.html`` under ``outputs/`` (both report sets), every
``<table class="lmp-table">`` is read, and the test fails on:

- scientific notation in any cell (``2.97e-100``, ``1e+07``);
- an unnamed index column: a header cell that is empty or ``Unnamed: 0``, or body rows that
  start with a ``<th>`` (the row index pandas writes);
- cut-off text: ``...`` or ``…`` as a whole cell, or a pandas truncation marker (a word cut off
  with ``...``), or pandas' ``[n rows x m columns]`` footer;
- a number with more decimal digits than its cell declares: the report's table formatter marks
  each ``<td>`` with a class ``digits-N``; the decimal mark is ``.`` (thousands ``,``) in English
  and ``,`` (thousands ``.``) in Dutch, as the page's ``<html lang>`` says; a number with the
  other language's decimal mark fails too, as does a cell holding just a number with decimals
  that declares no digits (cells of text, such as a label or "2011-2018", are not read for
  digits);
- a report without any lmp-table.

The checks are tested on hand-made tables first: a clean one passes, each planted defect fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = ROOT / "outputs"
TABLE_CLASS = "lmp-table"
MARKS = {"en": (".", ","), "nl": (",", ".")}  # language -> (decimal mark, thousands separator)

SCIENTIFIC = re.compile(r"\d(?:[.,]\d+)?\s*[eE][+\-−]?\d+\b|\d\s*[x×]\s*10\^?[+\-−]?\d")
UNNAMED = re.compile(r"^(Unnamed: \d+(_level_\d+)?|index|level_\d+)$")
TRUNCATED_WORD = re.compile(r"\w(\.\.\.|…)$")
ROWS_FOOTER = re.compile(r"\[\d+ rows x \d+ columns\]")
NUMBER = re.compile(r"\d[\d.,]*\d|\d")
# A cell that is one number (with a sign, comparison, currency or percent): it must declare digits.
PURE_NUMBER = re.compile(r"^[<>≤≥~]?\s*[-−+]?\s*€?\s*\d[\d.,]*\s*%?$")


@dataclass
class Cell:
    tag: str  # th or td
    classes: list[str]
    text: str = ""


@dataclass
class Table:
    head: list[list[Cell]] = field(default_factory=list)
    body: list[list[Cell]] = field(default_factory=list)


class _Tables(HTMLParser):
    """The lmp-tables of a page (cells as text) and the page's language."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.language = ""
        self.tables: list[Table] = []
        self._depth = 0  # nesting of <table> inside an lmp-table
        self._section = "body"
        self._row: list[Cell] | None = None
        self._cell: Cell | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "html":
            self.language = (attrs.get("lang") or "").split("-")[0].lower()
        elif tag == "table":
            if self._depth:
                self._depth += 1
            elif TABLE_CLASS in classes:
                self._depth = 1
                self._section = "body"
                self.tables.append(Table())
        elif not self._depth:
            return
        elif tag == "thead":
            self._section = "head"
        elif tag == "tbody":
            self._section = "body"
        elif tag == "tr":
            self._row = []
            rows = self.tables[-1].head if self._section == "head" else self.tables[-1].body
            rows.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = Cell(tag, classes)
            self._row.append(self._cell)
        elif tag == "br" and self._cell is not None:
            self._cell.text += " "

    def handle_endtag(self, tag):
        if not self._depth:
            return
        if tag == "table":
            self._depth -= 1
        elif tag in ("td", "th"):
            self._cell = None
        elif tag == "thead":
            self._section = "body"

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.text += data


def read_tables(text: str) -> tuple[str, list[Table]]:
    parser = _Tables()
    parser.feed(text)
    parser.close()
    return parser.language, parser.tables


def _declared_digits(cell: Cell) -> int | None:
    for name in cell.classes:
        match = re.fullmatch(r"digits-(\d+)", name)
        if match:
            return int(match.group(1))
    return None


def _decimals(number: str, language: str) -> tuple[int | None, str]:
    """Decimal digits of a number written in ``language`` and what is wrong with how it is
    written ("" if nothing)."""
    decimal, thousands = MARKS[language]
    if decimal in number:
        whole, _, fraction = number.rpartition(decimal)
        if not fraction.isdigit() or decimal in whole:
            return None, f"'{number}' has more than one decimal mark '{decimal}'"
    else:
        whole, fraction = number, ""
    if thousands in whole:
        groups = whole.split(thousands)
        if not 1 <= len(groups[0]) <= 3 or groups[0] == "0" or any(len(g) != 3 for g in groups[1:]):
            return (
                None,
                f"'{number}' is not written with the decimal mark '{decimal}' of {language}",
            )
    return len(fraction), ""


def cell_problems(cell: Cell, language: str) -> list[str]:
    text = " ".join(cell.text.split())
    found = []
    # a cell declared `code` (an identifier such as a checksum prefix) holds no number
    if SCIENTIFIC.search(text) and "code" not in cell.classes:
        found.append(f"scientific notation '{text}'")
    if text in ("...", "…") or TRUNCATED_WORD.search(text) or ROWS_FOOTER.search(text):
        found.append(f"cut-off text '{text}'")
    if cell.tag != "td":
        return found
    declared = _declared_digits(cell)
    if declared is None and not PURE_NUMBER.match(text):
        return found  # text (a label, a period such as 2011-2018): no digits to check
    for number in NUMBER.findall(text):
        digits, wrong = _decimals(number, language)
        if wrong:
            found.append(wrong)
        elif declared is None and digits:
            found.append(f"'{text}': a number with decimals in a cell that declares no digits-N")
        elif declared is not None and digits > declared:
            found.append(f"'{number}' has {digits} decimals, its cell declares {declared}")
    return found


def table_problems(table: Table, language: str) -> list[str]:
    found = []
    for row in table.head:
        for cell in row:
            label = " ".join(cell.text.split())
            if not label or UNNAMED.match(label):
                found.append(f"unnamed column header '{label}'")
    if table.body and all(row and row[0].tag == "th" for row in table.body):
        found.append("an index column (each body row starts with a <th>)")
    for row in [*table.head, *table.body]:
        for cell in row:
            found += cell_problems(cell, language)
    return found


def page_problems(text: str) -> list[str]:
    """Everything wrong with the lmp-tables of one report page."""
    language, tables = read_tables(text)
    if language not in MARKS:
        return [f"<html lang='{language}'>: not a report language ({', '.join(MARKS)})"]
    if not tables:
        return [f"no <table class='{TABLE_CLASS}'>"]
    found = []
    for index, table in enumerate(tables, 1):
        found += [f"table {index}: {problem}" for problem in table_problems(table, language)]
    return found


REPORTS = sorted(OUTPUTS.rglob("report.*.html"))


@pytest.mark.parametrize(
    "page",
    REPORTS or [None],
    ids=[p.relative_to(ROOT).as_posix() for p in REPORTS] or ["no reports"],
)
def test_every_rendered_table_is_fit_to_print(page):
    assert page is not None, "no report.<lang>.html under outputs/: render the reports"
    problems = page_problems(page.read_text(encoding="utf-8"))
    assert not problems, "\n".join(problems[:20])


# The checks themselves, on hand-made pages.

CLEAN_EN = """<!DOCTYPE html><html lang="en"><body>
<table class="dataframe lmp-table">
<thead><tr><th>Outcome</th><th>Estimate (EUR per insured-year)</th><th>p (RI)</th>
<th>Insured-years</th></tr></thead>
<tbody>
<tr><td>Total cost</td><td class="digits-1">-1,234.5</td><td class="digits-3">&lt; 0.001</td>
<td class="digits-0">1,234,567</td></tr>
<tr><td>GP care, 2011-2018</td><td class="digits-1">81.9 [11.6, 152.1]</td>
<td class="digits-3">0.021</td><td class="digits-0">987</td></tr>
<tr><td>Hospital</td><td class="digits-1">&ndash;</td><td class="digits-3">no finite interval</td>
<td class="digits-0">12</td></tr>
<tr><td>Version 1.25 of the ICD-10 I10.9 list</td><td>12</td><td>n/a</td><td>2014</td></tr>
</tbody></table>
<table class="plain"><tr><td>2.97e-100</td></tr></table>
</body></html>"""

CLEAN_NL = (
    CLEAN_EN.replace('lang="en"', 'lang="nl"')
    .replace("-1,234.5", "-1.234,5")
    .replace("0.001", "0,001")
    .replace("1,234,567", "1.234.567")
    .replace("81.9 [11.6, 152.1]", "81,9 [11,6; 152,1]")
    .replace("0.021", "0,021")
)


def test_clean_tables_pass_in_both_languages():
    assert page_problems(CLEAN_EN) == []
    assert page_problems(CLEAN_NL) == []
    language, tables = read_tables(CLEAN_EN)
    assert language == "en" and len(tables) == 1, "only the lmp-tables are read"
    assert [c.text for c in tables[0].body[0]][0] == "Total cost"


@pytest.mark.parametrize(
    ("page", "words"),
    [
        (CLEAN_EN.replace("0.021", "2.97e-100"), "scientific notation '2.97e-100'"),
        (CLEAN_EN.replace(">987<", ">1e+07<"), "scientific notation '1e+07'"),
        (CLEAN_NL.replace("0,021", "2,97E-100"), "scientific notation"),
        (CLEAN_EN.replace("<th>Outcome</th>", "<th></th>"), "unnamed column header ''"),
        (CLEAN_EN.replace("<th>Outcome</th>", "<th>Unnamed: 0</th>"), "unnamed column header"),
        (
            CLEAN_EN.replace("<tr><td>", "<tr><th>0</th><td>").replace(
                "<tr><th>Outcome", "<tr><th>row</th><th>Outcome"
            ),
            "an index column",
        ),
        (CLEAN_EN.replace(">GP care, 2011-2018<", ">...<"), "cut-off text '...'"),
        (CLEAN_EN.replace(">GP care, 2011-2018<", ">…<"), "cut-off text '…'"),
        (CLEAN_EN.replace(">Hospital<", ">Landgraaf, Brunssum, Heerl...<"), "cut-off text"),
        (CLEAN_EN.replace(">0.021<", ">0.0213<"), "'0.0213' has 4 decimals, its cell declares 3"),
        (CLEAN_EN.replace(">987<", ">987.25<"), "'987.25' has 2 decimals, its cell declares 0"),
        (CLEAN_NL.replace(">0,021<", ">0,02134<"), "'0,02134' has 5 decimals"),
        (CLEAN_NL.replace("81,9 [", "81.9 ["), "'81.9' is not written with the decimal mark ','"),
        (CLEAN_NL.replace(">0,021<", ">0.021<"), "'0.021' is not written with the decimal mark"),
        (CLEAN_EN.replace(">0.021<", ">0,021<"), "'0,021' is not written with the decimal mark"),
        (
            CLEAN_EN.replace('<td class="digits-0">12</td>', "<td>12.75</td>"),
            "declares no digits-N",
        ),
        (CLEAN_EN.replace('<td class="digits-0">12</td>', "<td>1e+07</td>"), "scientific"),
        (CLEAN_EN.replace('class="dataframe lmp-table"', 'class="dataframe"'), "no <table"),
        (CLEAN_EN.replace('lang="en"', ""), "not a report language"),
    ],
)
def test_each_planted_defect_fails(page, words):
    problems = page_problems(page)
    assert any(words in problem for problem in problems), problems


def test_only_a_declared_identifier_may_look_like_scientific_notation():
    looks = Cell("td", ["text"])
    looks.text = "aa1c36a07e87"
    assert cell_problems(looks, "en") == ["scientific notation 'aa1c36a07e87'"]
    declared = Cell("td", ["text", "code"])
    declared.text = "aa1c36a07e87"
    assert cell_problems(declared, "en") == []
