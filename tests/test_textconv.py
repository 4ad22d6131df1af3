"""Reviewable diffs: notebooks as text for git, and the repository set-up that uses it."""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from lmp import cli
from lmp.render.textconv import notebook_text

ROOT = Path(__file__).resolve().parent.parent
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 20).decode()


def _executed(tmp_path: Path) -> Path:
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Title"),
            new_code_cell(
                "x = 1\nprint(x)",
                outputs=[
                    new_output("stream", name="stdout", text="1\n"),
                    new_output(
                        "display_data",
                        data={
                            "image/png": PNG,
                            "text/plain": "<IPython.core.display.Image object>",
                        },
                    ),
                    new_output(
                        "execute_result",
                        data={"text/html": "<table>...</table>", "text/plain": "   a\n0  1"},
                        execution_count=1,
                    ),
                ],
            ),
        ],
        metadata={"lmp": {"parameters": {"proeftuin": "mijnzorg"}}},
    )
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"
    path = tmp_path / "executed.ipynb"
    nbformat.write(nb, path)
    return path


def test_textconv_shows_sources_text_outputs_and_image_fingerprints(tmp_path):
    text = notebook_text(_executed(tmp_path))
    assert text.splitlines()[0] == '# parameters: {"proeftuin": "mijnzorg"}'
    assert "# %% [markdown] cell-0\n# Title" in text
    assert "# %% [code] cell-1\nx = 1\nprint(x)\n# >>> [stdout]\n# >>> 1" in text
    assert "# >>> [image/png] 28 bytes, sha256 " in text and "IPython.core.display" not in text
    assert "# >>>    a\n# >>> 0  1" in text and "<table>" not in text


def test_lmp_textconv_is_a_git_textconv_filter(tmp_path, capsys):
    path = _executed(tmp_path)
    assert cli.main(["textconv", str(path)]) == 0
    assert capsys.readouterr().out == notebook_text(path) + "\n"
    done = subprocess.run(
        [sys.executable, "-m", "lmp.cli", "textconv", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "[image/png]" in done.stdout


def test_the_repository_routes_notebook_diffs_and_ci_runs_lmp_check():
    attributes = (ROOT / ".gitattributes").read_text().splitlines()
    assert "*.ipynb diff=ipynb" in attributes
    makefile = (ROOT / "Makefile").read_text()
    assert 'git config diff.ipynb.textconv "$(BIN)/lmp textconv"' in makefile
    test_target = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "$(CHROMIUM)" in test_target.splitlines()[0], "make test installs Chromium if missing"
    steps = [line.strip() for line in test_target.splitlines()[1:]]
    assert steps[-2:] == ["$(BIN)/python -m pytest", "$(BIN)/lmp check"]
