"""A notebook as plain text for ``git diff`` (a git "textconv" filter): ``lmp textconv FILE``.

Each cell is printed as its source followed by its outputs as text: streams and ``text/plain`` as
they are (``text/markdown`` when there is no plain text), and images as their type, size and a
short SHA-256, so a changed figure shows as one changed line instead of a screen of base64. Set up
by ``make git-diff`` (see the README); ``.gitattributes`` maps ``*.ipynb`` to this filter.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

_TEXT_TYPES = ("text/plain", "text/markdown")


def _text(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def _output(output: dict) -> list[str]:
    kind = output.get("output_type")
    if kind == "stream":
        return [f"[{output.get('name', 'stream')}]", _text(output.get("text", "")).rstrip("\n")]
    if kind == "error":
        return [f"[error] {output.get('ename')}: {output.get('evalue')}"]
    lines = []
    data = output.get("data", {})
    for mime in sorted(data):
        if mime.startswith("image/"):
            raw = _text(data[mime])
            payload = base64.b64decode(raw) if mime != "image/svg+xml" else raw.encode()
            digest = hashlib.sha256(payload).hexdigest()[:12]
            lines.append(f"[{mime}] {len(payload)} bytes, sha256 {digest}")
    text = next((m for m in _TEXT_TYPES if m in data), None)
    if text and not lines:  # an image's text/plain is only "<IPython...Image object>"
        lines.append(_text(data[text]).rstrip("\n"))
    elif "text/html" in data and not lines:
        lines.append(f"[text/html] {len(_text(data['text/html']))} characters")
    return lines


def notebook_text(path: Path) -> str:
    """The readable form of the notebook at ``path``."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    parameters = nb.get("metadata", {}).get("lmp", {}).get("parameters")
    lines = []
    if parameters is not None:
        lines.append(f"# parameters: {json.dumps(parameters, sort_keys=True)}")
    for index, cell in enumerate(nb.get("cells", [])):
        tags = cell.get("metadata", {}).get("tags", [])
        lines.append(f"# %% [{cell.get('cell_type')}] {cell.get('id', index)}")
        if tags:
            lines[-1] += f" tags={','.join(tags)}"
        lines.append(_text(cell.get("source", "")).rstrip("\n"))
        for output in cell.get("outputs", []):
            lines += [
                f"# >>> {line}" if line else "# >>>"
                for line in "\n".join(_output(output)).splitlines()
            ]
        lines.append("")
    return "\n".join(lines)
