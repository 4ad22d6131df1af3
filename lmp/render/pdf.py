"""PDFs of the rendered reports, printed by headless Chromium: ``lmp pdf`` and ``make pdf``.

Each ``report.<lang>.html`` is printed with Debian's Chromium package (``/usr/bin/chromium``;
nothing is downloaded at run time) on A4 (the report template's print styles), without the
header and footer Chromium would add (date, title, file URL, page numbers). The PDF then loses
its creation and modification dates and the browser's name and version (pypdf rewrites it with
the title alone), so one Chromium gives the same bytes on every run. PDFs depend on the Chromium
version, so they are built, not committed: ``build/pdf/<set>/<report>.<lang>.pdf``.

Only the standard library is imported here; pypdf when a PDF is written.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from lmp.errors import LmpError, RenderError
from lmp.render.jobs import Job, report_name

CHROMIUM = "/usr/bin/chromium"  # Debian's package
PDF_ROOT = "build/pdf"
TIMEOUT = 300  # seconds for one page
# Known to work as root in a container: no sandbox (it needs user namespaces), no GPU, no
# network or background services, no first-run dialogs; a fresh profile is added per run.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
# The document information entries a printed report keeps: its title. Chromium also writes
# /Creator (its user agent), /Producer (Skia and its version), /CreationDate and /ModDate.
KEEP_METADATA = ("/Title",)


class ChromiumMissing(LmpError):
    """No Chromium to print with."""


def find_chromium() -> str | None:
    """The Chromium to print with: ``/usr/bin/chromium``, else one on the PATH, else None."""
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser")


def require_chromium() -> str:
    chromium = find_chromium()
    if chromium is None:
        raise ChromiumMissing(
            f"no Chromium at {CHROMIUM} to print PDFs with: install Debian's package "
            "(apt-get install chromium) and run this again"
        )
    return chromium


def require_pypdf() -> None:
    try:
        import pypdf  # noqa: F401
    except ImportError:
        raise LmpError(
            "pypdf is not installed: it strips the dates from the printed PDFs (make setup)"
        ) from None


def chromium_command(chromium: str, profile: Path, *extra: str) -> list[str]:
    """A headless Chromium command line with a fresh profile folder ``profile``."""
    return [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra]


def strip_metadata(data: bytes) -> bytes:
    """The PDF ``data`` rewritten without run-dependent metadata: only ``KEEP_METADATA`` of the
    document information stays, and no XMP metadata stream."""
    from pypdf import PdfReader, PdfWriter

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # Skia's trailer /Size: harmless warnings
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter(clone_from=reader)
    info = reader.metadata or {}
    writer.metadata = {key: info[key] for key in KEEP_METADATA if key in info}
    root = writer.root_object
    if "/Metadata" in root:
        del root["/Metadata"]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def print_pdf(html: Path, pdf: Path, chromium: str | None = None) -> Path:
    """Print the page ``html`` to ``pdf`` (A4 from the page's CSS, no header or footer, no
    dates); written atomically. Raises :class:`RenderError` when Chromium fails."""
    chromium = chromium or require_chromium()
    html, pdf = Path(html).resolve(), Path(pdf)
    with tempfile.TemporaryDirectory(prefix="lmp-pdf-") as tmp:
        raw = Path(tmp) / "raw.pdf"
        command = chromium_command(
            chromium,
            Path(tmp) / "profile",
            "--no-pdf-header-footer",
            f"--print-to-pdf={raw}",
            html.as_uri(),
        )
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise RenderError(f"{html.name}: Chromium did not print it in {TIMEOUT} s") from exc
        if done.returncode != 0 or not raw.exists() or raw.stat().st_size == 0:
            tail = " ".join(done.stderr.strip().splitlines()[-3:])
            raise RenderError(
                f"{html.name}: Chromium did not print it (exit {done.returncode}): {tail}"
            )
        data = strip_metadata(raw.read_bytes())
    pdf.parent.mkdir(parents=True, exist_ok=True)
    partial = pdf.with_name(f".{pdf.name}.tmp")
    partial.write_bytes(data)
    os.replace(partial, pdf)
    return pdf


@dataclass(frozen=True)
class PdfTask:
    """One PDF to print: a report page and where its PDF goes (both relative to the root)."""

    report: str
    language: str
    html: str
    pdf: str


def pdf_tasks(jobs: list[Job], pdf_dir: str) -> Iterator[PdfTask]:
    """One task per report and language: ``<output_dir>/report.<lang>.html`` ->
    ``<pdf_dir>/<report>.<lang>.pdf``."""
    for job in jobs:
        for language in job.languages:
            yield PdfTask(
                job.name,
                language,
                f"{job.output_dir}/{report_name(language)}",
                f"{pdf_dir}/{job.name}.{language}.pdf",
            )


def build_pdfs(
    tasks: list[PdfTask], root: Path, workers: int | None = None
) -> tuple[list[PdfTask], list[tuple[PdfTask, str]]]:
    """Print ``tasks`` under ``root``, ``workers`` Chromiums at a time (default: one per core).

    Returns the tasks printed and the ones that could not be, each with why (a report page not
    rendered yet, or Chromium failing on it). Raises :class:`ChromiumMissing` first if there is
    no Chromium.
    """
    chromium = require_chromium()
    require_pypdf()
    root = Path(root)
    missing = [(t, f"{t.html} does not exist: render the report first") for t in tasks]
    missing = [(t, why) for t, why in missing if not (root / t.html).exists()]
    ready = [t for t in tasks if (root / t.html).exists()]

    def one(task: PdfTask) -> str:
        try:
            print_pdf(root / task.html, root / task.pdf, chromium)
        except RenderError as exc:
            return str(exc)
        return ""

    size = max(1, min(workers or os.cpu_count() or 1, len(ready) or 1))
    with ThreadPoolExecutor(max_workers=size) as pool:
        problems = list(pool.map(one, ready))
    printed = [t for t, problem in zip(ready, problems, strict=True) if not problem]
    failed = [(t, problem) for t, problem in zip(ready, problems, strict=True) if problem]
    return printed, missing + failed
