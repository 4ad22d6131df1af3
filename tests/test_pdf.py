"""`lmp pdf`: a report printed by headless Chromium, its first page checked as an image.

The page printed is the committed ``outputs/mijnzorg/report.en.html`` when it exists, else a
small report exported with the lmp_report template from a hand-made executed notebook. The first
page must be A4, not blank, with the title (dark pixels) near the top, and with blank margin
strips at the top and bottom (no header or footer); the PDF must carry no dates and be the same
bytes when printed again.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from lmp import cli, render
from lmp.render import pdf

ROOT = Path(__file__).resolve().parent.parent
REAL_REPORT = ROOT / "outputs" / "mijnzorg" / "report.en.html"
A4 = (595.28, 841.89)  # points
MM = 72 / 25.4  # points per millimetre

needs_chromium = pytest.mark.skipif(
    pdf.find_chromium() is None and not os.environ.get("CI"),
    reason="no Chromium (make test installs it on Debian: apt-get install chromium)",
)


def _needs(module: str):
    """A test-only dependency: skipped where it is missing, except under CI."""
    if os.environ.get("CI"):
        return __import__(module)
    return pytest.importorskip(module)


def _small_report(folder: Path) -> Path:
    """A report page from a hand-made executed notebook: a title, text and a wide table."""
    wide = "".join(f"<th>column number {i} with a long name</th>" for i in range(14))
    row = "".join(f"<td class='digits-1'>{1000 + i}.5</td>" for i in range(14))
    table = f"<table class='lmp-table'><thead><tr>{wide}</tr></thead><tbody><tr>{row}</tr>"
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Proeftuin report: did the Triple Aim move?"),
            new_markdown_cell("A paragraph of text. " * 40),
            new_code_cell(
                "table",
                outputs=[
                    new_output("display_data", data={"text/html": table + "</tbody></table>"})
                ],
            ),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )
    page = folder / "report.en.html"
    page.write_text(render.to_html(nb, "Small - lmp proeftuin report", "en"), encoding="utf-8")
    return page


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> tuple[Path, Path]:
    """(page, pdf) of one printed report."""
    folder = tmp_path_factory.mktemp("pdf")
    page = REAL_REPORT if REAL_REPORT.is_file() else _small_report(folder)
    return page, pdf.print_pdf(page, folder / "report.en.pdf")


@needs_chromium
def test_the_pdf_is_a4_without_dates_and_the_same_when_printed_again(printed, tmp_path):
    pypdf = _needs("pypdf")
    page, path = printed
    reader = pypdf.PdfReader(path)
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert abs(width - A4[0]) < 1 and abs(height - A4[1]) < 1, (width, height)
    metadata = dict(reader.metadata or {})
    assert not {"/CreationDate", "/ModDate", "/Creator", "/Producer"} & set(metadata), metadata
    assert b"CreationDate" not in path.read_bytes() and b"ModDate" not in path.read_bytes()
    assert "/Metadata" not in reader.trailer["/Root"]
    again = pdf.print_pdf(page, tmp_path / "again.pdf")
    assert again.read_bytes() == path.read_bytes(), "the same bytes from the same Chromium"


@needs_chromium
def test_the_first_page_has_its_title_at_the_top_and_no_header_or_footer(printed):
    pdfium = _needs("pypdfium2")
    numpy = _needs("numpy")
    _, path = printed
    document = pdfium.PdfDocument(str(path))
    try:
        scale = 2  # pixels per point
        image = document[0].render(scale=scale, grayscale=True).to_numpy()
    finally:
        document.close()
    pixels = numpy.asarray(image, dtype=float)
    pixels = pixels.mean(axis=2) if pixels.ndim == 3 else pixels
    height = pixels.shape[0]
    dark = pixels < 128
    assert dark.mean() > 0.002, "the page is not blank"
    top = dark[: int(0.2 * height)]
    assert top.any(axis=1).sum() > 10, "the title: dark pixels in the top fifth of the page"
    margin = int(12 * MM * scale)  # Chromium prints its header and footer 5-10 mm from the edge
    assert (pixels[:margin] > 240).all(), "no header: the top margin strip is blank"
    assert (pixels[-margin:] > 240).all(), "no footer: the bottom margin strip is blank"


@needs_chromium
def test_lmp_pdf_prints_a_set_into_the_build_folder(tmp_path, monkeypatch, capsys):
    _needs("pypdf")
    root = tmp_path / "project"
    folder = root / "outputs" / "mijnzorg"
    folder.mkdir(parents=True)
    _small_report(folder)
    job = render.proeftuin_job("mijnzorg", languages=("en",))
    monkeypatch.setattr(render, "all_jobs", lambda data, outputs: [job])
    argv = ["pdf", "mijnzorg", "--set", "real", "--root", str(root), "--language", "en"]
    assert cli.main(argv) == 0
    assert (root / "build" / "pdf" / "real" / "mijnzorg.en.pdf").is_file()
    assert "outputs/mijnzorg/report.en.html -> build/pdf/real/mijnzorg.en.pdf" in (
        capsys.readouterr().out
    )
    assert cli.main([*argv[:-2], "--language", "nl"]) == 1
    assert "mijnzorg (nl): outputs/mijnzorg/report.nl.html does not exist" in (
        capsys.readouterr().err
    )


def test_lmp_pdf_without_chromium_says_so_in_one_line(monkeypatch, capsys):
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    assert cli.main(["pdf", "--set", "real"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no Chromium at /usr/bin/chromium" in err


def test_the_pdf_folder_is_not_committed():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "/build/pdf/" in ignored
