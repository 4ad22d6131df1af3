"""Disclosure control: nothing under 10 persons is published, in code and in the committed outputs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lmp.disclosure import MIN_PERSONS, DisclosureError, suppress
from lmp.summaries import write_table

OUTPUTS = Path(__file__).resolve().parent.parent / "outputs"


def test_suppress_blanks_small_cells_and_flags_them():
    frame = pd.DataFrame({"n_persons": [9, 10, 250], "mean": [1.0, 2.0, 3.0]})
    out = suppress(frame, "n_persons", ["mean"])
    assert out["suppressed"].tolist() == [True, False, False]
    assert out["mean"].isna().tolist() == [True, False, False]
    assert out["n_persons"].isna().tolist() == [True, False, False]


def test_write_table_refuses_a_small_cell(tmp_path):
    frame = pd.DataFrame({"n_persons": [12, 3], "mean": [1.0, 2.0]})
    with pytest.raises(DisclosureError, match="row 2 shows 3 persons"):
        write_table(frame, tmp_path / "t.csv")
    assert not (tmp_path / "t.csv").exists()


def test_committed_tables_show_no_cell_under_the_minimum():
    tables = sorted(OUTPUTS.glob("*/tables/*.csv"))
    assert tables, "outputs are committed"
    for path in tables:
        frame = pd.read_csv(path)
        for column in [c for c in frame if c.startswith(("n_persons", "persons_"))]:
            shown = frame[column].dropna()
            assert (shown >= MIN_PERSONS).all(), f"{path}: {column}"
