"""Notebook sources: the .ipynb files are in step with their reviewable percent-format scripts."""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
SCRIPTS = sorted(NOTEBOOKS.glob("*.py"))


def _cells(nb) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(c.cell_type, c.source, tuple(c.metadata.get("tags", []))) for c in nb.cells]


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_ipynb_is_in_sync_with_its_script(script):
    paired = script.with_suffix(".ipynb")
    assert paired.exists(), f"{paired.name} missing: run make notebooks"
    notebook = nbformat.read(paired, as_version=4)
    assert _cells(notebook) == _cells(jupytext.read(script)), f"run make notebooks ({script.name})"
    assert [c["id"] for c in notebook.cells] == [f"cell-{i}" for i in range(len(notebook.cells))]
    assert not any(c.get("outputs") for c in notebook.cells), (
        "sources are committed without outputs"
    )


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_each_notebook_has_one_tagged_parameters_cell(script):
    cells = jupytext.read(script).cells
    tagged = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert "output_dir" in tagged[0].source and "data_path" in tagged[0].source
