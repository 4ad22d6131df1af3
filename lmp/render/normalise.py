"""Byte-deterministic outputs: strip run-specific values, export HTML, and find what is left.

:func:`normalise` removes everything that differs from run to run (papermill metadata, timestamps,
durations, kernel and random cell ids, interpreter versions, the staging path the kernel saw);
:func:`to_html` exports a self-contained page; :func:`unclean` is the check that ``lmp check`` runs
on every committed output, so a value that slips past the normaliser is caught in CI.

papermill, nbformat and nbconvert are imported inside the functions that need them, so that
importing this module (``lmp check`` with nothing to do) stays cheap.
"""

from __future__ import annotations

import copy
import json
import re
import struct
from pathlib import Path

from lmp.render.jobs import KERNEL, LANGUAGES

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
_VOLATILE_CELL_METADATA = ("papermill", "execution", "ExecuteTime", "collapsed", "scrolled")

# A date with a time of day (ISO 8601 or "2024-01-31 12:00"), as papermill and Jupyter write them.
_TIMESTAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?")
# Kernel, session and message ids are UUIDs.
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
# An absolute path on a machine (not the path part of a URL: no letter, dot or slash before it).
_ABSOLUTE_PATH = re.compile(
    r"(?<![\w./:+%-])(/(home|root|tmp|Users|var|private|work|mnt|opt|srv|usr)/[^\s\"'<>]*"
    r"|[A-Za-z]:\\\\?[A-Za-z][^\s\"'<>]*)"
)
# Literal-led parts every match of the patterns above contains: Python's re scans for these ten
# times faster, so a file is searched with a full pattern only when its part occurs (``lmp check``
# reads some 40 MB of reports).
_NEEDS = {
    _TIMESTAMP: re.compile(r"-\d{2}-\d{2}[T ]\d{2}:"),
    _UUID: re.compile(r"-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"),
    _ABSOLUTE_PATH: re.compile(r"/(home|root|tmp|Users|var|private|work|mnt|opt|srv|usr)/|:\\"),
}
_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s\\n]+")
_PNG_VOLATILE_KEYS = {b"Creation Time", b"date:create", b"date:modify", b"date:timestamp"}


def sync_notebook(script: Path) -> Path:
    """Write ``<script>.ipynb`` from the percent-format script, with cell ids ``cell-<n>``."""
    import jupytext
    import nbformat

    nb = jupytext.read(script)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"
    target = script.with_suffix(".ipynb")
    nbformat.write(nb, target)
    return target


def normalise(nb, parameters: dict):
    """Strip every run-specific value from an executed notebook (an ``nbformat.NotebookNode``).

    The injected-parameters cell is rewritten with ``parameters`` as the user gave them (the kernel
    saw a staging output folder and a results cache in it); the notebook keeps them under
    ``metadata.lmp.parameters``. When ``parameters`` has a ``language``, markdown cells tagged
    with another language (a tag ``en`` or ``nl``) are removed; untagged cells stay.
    """
    from papermill.translators import translate_parameters

    nb = copy.deepcopy(nb)
    language = parameters.get("language")
    if language is not None:
        others = set(LANGUAGES) - {language}
        nb.cells = [
            cell
            for cell in nb.cells
            if cell.cell_type != "markdown" or not others & set(cell.metadata.get("tags", []))
        ]
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    info = nb.metadata.get("language_info", {})
    nb.metadata["language_info"] = {"name": info.get("name", "python")}
    nb.metadata["lmp"] = {"parameters": dict(sorted(parameters.items()))}
    for index, cell in enumerate(nb.cells):
        for key in _VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        cell["id"] = f"cell-{index}"
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.source = translate_parameters(KERNEL, "python", parameters).strip()
    return nb


def to_html(nb, title: str, language: str = "en") -> str:
    """Self-contained HTML of an executed notebook: images embedded, no CDN scripts, code hidden
    (the .ipynb keeps the code); ``<html lang>`` is ``language``, ``<title>`` is ``title``. The
    template's print styles fit the page to A4 (``lmp pdf``)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        extra_template_basedirs=[str(TEMPLATES)],
        template_name="lmp_report",
        language_code=language,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


def _search(pattern: re.Pattern, text: str) -> re.Match | None:
    """``pattern.search(text)``, skipped when the part every match contains (``_NEEDS``) is absent."""
    return pattern.search(text) if _NEEDS[pattern].search(text) else None


def _text_problems(text: str, where: str, forbidden: list[str]) -> list[str]:
    text = _DATA_URI.sub("data:", text)
    found = []
    for pattern, what in [(_TIMESTAMP, "timestamp"), (_UUID, "kernel or session id")]:
        match = _search(pattern, text)
        if match:
            found.append(f"{where}: {what} '{match.group(0)}'")
    match = _search(_ABSOLUTE_PATH, text)
    if match:
        found.append(f"{where}: absolute path '{match.group(0)[:60]}'")
    for value in forbidden:
        if value and value in text:
            found.append(f"{where}: machine-specific path '{value}'")
    return found


def _notebook_problems(path: Path, name: str) -> list[str]:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        return [f"{name}: not a readable notebook ({exc})"]
    found = []
    if "papermill" in nb.get("metadata", {}):
        found.append(f"{name}: papermill metadata (timestamps, durations) in the notebook")
    if set(nb.get("metadata", {}).get("language_info", {})) - {"name"}:
        found.append(f"{name}: interpreter version in language_info")
    for index, cell in enumerate(nb.get("cells", [])):
        volatile = set(cell.get("metadata", {})) & set(_VOLATILE_CELL_METADATA)
        if volatile:
            found.append(f"{name}: cell {index} has run metadata {', '.join(sorted(volatile))}")
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append(
                    f"{name}: cell {index} has an error output "
                    f"({output.get('ename')}: {str(output.get('evalue'))[:80]})"
                )
    return found


def _png_problems(path: Path, name: str) -> list[str]:
    data = path.read_bytes()
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return [f"{name}: not a PNG file"]
    found, offset = [], 8
    while offset + 8 <= len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        if kind == b"tIME":
            found.append(f"{name}: PNG modification time (tIME chunk)")
        key = body.split(b"\0")[0]
        if kind in (b"tEXt", b"iTXt", b"zTXt") and key in _PNG_VOLATILE_KEYS:
            found.append(f"{name}: PNG text '{key.decode('latin-1')}'")
        offset += 12 + length
    return found


def unclean(path: Path, name: str, root: Path | None = None) -> list[str]:
    """Why an output file is not clean (empty list: it is).

    Clean means: no timestamps, durations, kernel or session ids, absolute paths (the project root,
    or anything under /home, /root, /tmp, ... or a drive letter), interpreter versions, or error outputs;
    PNG files carry no time. ``name`` is how the file is named in messages.
    """
    forbidden = [str(root)] if root is not None and str(root) != "/" else []
    if path.suffix == ".png":
        return _png_problems(path, name)
    if path.suffix not in {".ipynb", ".html", ".csv", ".json", ".md", ".txt"}:
        return []
    found = _notebook_problems(path, name) if path.suffix == ".ipynb" else []
    return found + _text_problems(path.read_text(encoding="utf-8"), name, forbidden)
