"""The data contract: good files in both conventions are read, bad ones refused with one clear line."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from lmp.contract import WHOLE_YEAR_COLUMNS, load_data, validate
from lmp.errors import ContractError, ParameterError

ROOT = Path(__file__).resolve().parent.parent
# Every municipality x year x outcome has the file's one segment: no segment cell is missing.
GOOD = [
    ("GM0160", 2013, "healthy", "cost_total", 120, 108000.5, 2.5e8),
    ("GM0160", 2013, "healthy", "good_health", 40, 33, 33),
    ("GM0175", 2013, "healthy", "cost_total", 15, 180000.25, 6.0e9),
    ("GM0363", 2014, "healthy", "ed_visit", 0, 0, 0),
]


def _frame(rows=GOOD) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=WHOLE_YEAR_COLUMNS)


def _csv(tmp_path, text: str, name="data.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_and_parquet_round_trip(tmp_path):
    frame = _frame()
    frame.to_csv(tmp_path / "d.csv", index=False)
    frame.to_parquet(tmp_path / "d.parquet", index=False)
    from_csv = load_data(tmp_path / "d.csv").frame
    from_parquet = load_data(tmp_path / "d.parquet").frame
    pd.testing.assert_frame_equal(from_csv, from_parquet)
    assert len(from_csv) == len(frame)
    assert from_csv["value_sum"].sum() == pytest.approx(frame["value_sum"].sum())


def test_dutch_conventions_semicolons_decimal_commas_bom_and_upper_case(tmp_path):
    text = (
        "GEMEENTE_CODE;YEAR;SEGMENT;OUTCOME;N_PERSONS;VALUE_SUM;VALUE_SUMSQ\n"
        "GM0160;2013;healthy;cost_total;120;108000,5;250.000.000,0\n"
        "gm0175;2013;healthy;cost_total;15;180.000,25;6000000000\n"
    )
    path = _csv(tmp_path, text, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = load_data(path).frame
    assert list(frame["value_sum"]) == [108000.5, 180000.25]
    assert list(frame["value_sumsq"]) == [2.5e8, 6.0e9]
    assert list(frame["gemeente_code"]) == ["GM0160", "GM0175"]


def test_gzipped_csv_is_read(tmp_path):
    path = tmp_path / "d.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        _frame().to_csv(handle, index=False)
    assert len(load_data(path).frame) == len(GOOD)


def _error(tmp_path, rows=None, text=None) -> ContractError:
    path = _csv(tmp_path, text) if text is not None else tmp_path / "bad.csv"
    if text is None:
        _frame(rows).to_csv(path, index=False)
    with pytest.raises(ContractError) as info:
        load_data(path)
    return info.value


def _with(index: int, **changes):
    rows = [list(r) for r in GOOD]
    for column, value in changes.items():
        rows[index][WHOLE_YEAR_COLUMNS.index(column)] = value
    return [tuple(r) for r in rows]


@pytest.mark.parametrize(
    ("rows", "column", "row", "words"),
    [
        (_with(2, n_persons=-3), "n_persons", 3, "negative count"),
        (_with(1, gemeente_code="GM9999"), "gemeente_code", 2, "unknown code 'GM9999'"),
        (_with(1, segment="elderly"), "segment", 2, "unknown code 'elderly'"),
        (_with(0, outcome="happiness"), "outcome", 1, "unknown code 'happiness'"),
        (_with(0, n_persons=12.5), "n_persons", 1, "not a whole number"),
        (_with(0, year="twenty"), "year", 1, "'twenty' is not a number"),
        (_with(0, value_sumsq=10.0), "value_sumsq", 1, "too small for sum"),
        (_with(1, value_sum=41, value_sumsq=41), "value_sum", 2, "above the outcome's maximum"),
        (_with(1, value_sumsq=30), "value_sumsq", 2, "must equal value_sum"),
        (_with(1, value_sum=-1, value_sumsq=-1), "value_sum", 2, "below the outcome's minimum"),
        (_with(3, value_sum=2, value_sumsq=2), "value_sum", 4, "0 persons"),
        (_with(0, year=1850), "year", 1, "outside"),
        ([*GOOD, GOOD[1]], "gemeente_code", 5, "duplicate key"),
    ],
)
def test_bad_values_are_refused_naming_file_column_and_row(tmp_path, rows, column, row, words):
    error = _error(tmp_path, rows=rows)
    assert error.column == column
    assert error.row == row
    assert error.line == row + 1
    message = str(error)
    assert message.startswith(str(tmp_path / "bad.csv"))
    assert f"column '{column}'" in message and f"row {row} (line {row + 1})" in message
    assert words in message


def test_missing_and_unexpected_columns_are_listed(tmp_path):
    text = "gemeente_code,year,segment,outcome,persons,value_sum,value_sumsq\nGM0160,2013,healthy,cost_total,1,1,1\n"
    message = str(_error(tmp_path, text=text))
    assert "missing column(s) n_persons" in message
    assert "unexpected column(s) persons" in message


def test_empty_values_and_mixed_decimal_marks_are_refused(tmp_path):
    text = "gemeente_code;year;segment;outcome;n_persons;value_sum;value_sumsq\nGM0160;2013;healthy;cost_total;;1;1\n"
    error = _error(tmp_path, text=text)
    assert (error.column, error.row, error.reason) == ("n_persons", 1, "empty value")
    text = (
        "gemeente_code;year;segment;outcome;n_persons;value_sum;value_sumsq\n"
        "GM0160;2013;healthy;cost_total;2;1,5;10\n"
        "GM0175;2013;healthy;cost_total;2;1.5;10\n"
    )
    error = _error(tmp_path, text=text)
    assert (error.column, error.row) == ("value_sum", 2)
    assert "decimal point" in error.reason


def test_unreadable_and_missing_files(tmp_path):
    with pytest.raises(ContractError, match="file not found"):
        load_data(tmp_path / "nope.csv")
    path = tmp_path / "x.parquet"
    path.write_text("not parquet")
    with pytest.raises(ContractError, match="cannot be read as Parquet"):
        load_data(path)


def test_validate_keeps_every_row_and_sorts_by_key():
    frame = _frame()[::-1]
    checked = validate(frame, "in-memory.csv")
    assert len(checked) == len(frame)
    assert list(checked["gemeente_code"]) == sorted(checked["gemeente_code"])


SEMICOLONS = "gemeente_code;year;segment;outcome;n_persons;value_sum\n"
AMBIGUOUS = (
    SEMICOLONS
    + "GM0160;2013;healthy;cost_total;120;312.345\nGM0175;2013;healthy;cost_total;15;1.234\n"
)


def test_an_ambiguous_decimal_mark_is_refused_naming_file_column_and_row(tmp_path):
    path = _csv(tmp_path, AMBIGUOUS)
    with pytest.raises(ContractError) as info:
        load_data(path)
    error = info.value
    assert (error.column, error.row, error.line) == ("value_sum", 1, 2)
    message = str(error)
    assert message.startswith(f"{path}, column 'value_sum', row 1 (line 2)")
    assert "'312.345' is ambiguous" in message
    assert "312345 with a decimal comma or 312.345 with a decimal point" in message
    assert "decimal=','" in message and "--decimal" in message


def test_a_declared_decimal_mark_reads_the_ambiguous_file(tmp_path):
    path = _csv(tmp_path, AMBIGUOUS)
    comma = load_data(path, decimal=",").frame.set_index("gemeente_code")["value_sum"]
    assert comma.to_dict() == {"GM0160": 312345.0, "GM0175": 1234.0}  # '.' groups thousands
    point = load_data(path, decimal=".").frame.set_index("gemeente_code")["value_sum"]
    assert point.to_dict() == {"GM0160": 312.345, "GM0175": 1.234}
    with pytest.raises(ParameterError, match="decimal must be"):
        load_data(path, decimal=";")


@pytest.mark.parametrize(
    ("settling", "expected"),
    [
        ("1.234,5", [312345.0, 1234.0, 1234.5]),  # both marks: the last one is the decimal mark
        ("0,5", [312345.0, 1234.0, 0.5]),  # a comma not followed by three digits
        ("250.000.000", [312345.0, 1234.0, 2.5e8]),  # two dot groups: '.' groups thousands
        ("1,234.5", [312.345, 1.234, 1234.5]),
        ("0.5", [312.345, 1.234, 0.5]),
        ("7.25", [312.345, 1.234, 7.25]),  # a dot not followed by three digits
    ],
)
def test_one_settling_value_decides_the_whole_file(tmp_path, settling, expected):
    path = _csv(tmp_path, AMBIGUOUS + f"GM0363;2013;healthy;cost_total;2000;{settling}\n")
    frame = load_data(path).frame
    assert frame["value_sum"].tolist() == pytest.approx(expected, rel=1e-15)


def test_comma_separated_files_use_the_decimal_point(tmp_path):
    text = AMBIGUOUS.replace(";", ",")
    frame = load_data(_csv(tmp_path, text)).frame
    assert frame["value_sum"].tolist() == [312.345, 1.234]


def test_decimal_marks_that_contradict_each_other_across_columns_are_refused(tmp_path):
    text = (
        "gemeente_code;year;segment;outcome;n_persons;person_years;value_sum\n"
        "GM0160;2013;healthy;cost_total;2;1,5;10\n"
        "GM0175;2013;healthy;cost_total;2;2;10.5\n"
    )
    error = _error(tmp_path, text=text)
    assert (error.column, error.row) == ("value_sum", 2)
    assert "'10.5' uses a decimal point while row 1 of column 'person_years'" in error.reason


MISSING = (
    SEMICOLONS + "GM0160;2013;healthy;cost_total;120;1000\n"
    "GM0160;2013;chronic;cost_total;30;900\n"
    "GM0175;2013;healthy;cost_total;15;150\n"
)


def test_a_missing_segment_cell_is_refused_naming_municipality_year_outcome_segment(tmp_path):
    path = _csv(tmp_path, MISSING)
    with pytest.raises(ContractError) as info:
        load_data(path)
    error = info.value
    assert error.column == "segment" and str(error).startswith(str(path))
    assert "municipality GM0175, year 2013, outcome cost_total lacks segment(s) chronic" in (
        error.reason
    )
    assert "1 missing cell(s) in 1 municipality x year x outcome group(s)" in error.reason
    assert "missing_segments='allow'" in error.reason
    with pytest.raises(ContractError, match="lacks segment"):
        validate(pd.read_csv(path, sep=";"), path)


def test_missing_segment_cells_can_be_allowed_and_are_then_counted(tmp_path):
    data = load_data(_csv(tmp_path, MISSING), missing_segments="allow")
    assert len(data.frame) == 3
    assert data.missing_cells.to_dict("records") == [
        {"gemeente_code": "GM0175", "year": 2013, "segment": "chronic", "outcome": "cost_total"}
    ]
    assert load_data(_csv(tmp_path, AMBIGUOUS), decimal=",").missing_cells.empty
    with pytest.raises(ParameterError, match="missing_segments must be"):
        load_data(_csv(tmp_path, MISSING), missing_segments="ignore")


@pytest.mark.parametrize(("absent", "loads"), [(1, True), (2, False), (0, False)])
def test_missing_cells_the_import_report_documents_are_accepted(tmp_path, absent, loads):
    path = _csv(tmp_path, MISSING)
    report = {"files": [{"year": 2013, "cells_absent": absent}]}
    (tmp_path / "data.import.json").write_text(json.dumps(report), encoding="utf-8")
    if loads:
        assert len(load_data(path).missing_cells) == 1
    else:
        with pytest.raises(ContractError, match="lacks segment"):
            load_data(path)
    with pytest.raises(ContractError, match="lacks segment"):
        load_data(path, missing_segments="error")


@pytest.mark.parametrize(
    ("name", "missing"),
    [
        ("synthetic/lmp_synthetic.parquet", 0),
        ("open/vektis_zvw_2011_2018.parquet", 602),
        ("open/vektis_zvw_2011_2020.parquet", 728),
    ],
)
def test_bundled_data_load_with_their_missing_cells_counted(name, missing):
    """The Vektis open data lack the cells Vektis suppressed (fewer than 10 persons); their import
    reports document them, file by file, so they load by default and are counted."""
    data = load_data(ROOT / "data" / name)
    assert len(data.missing_cells) == missing
    absent = sum(f["cells_absent"] for f in data.provenance.get("files", []))
    assert (data.missing_cells["outcome"] == "cost_total").sum() == absent  # one outcome, all years
    if missing:
        with pytest.raises(ContractError, match="lacks segment"):
            load_data(ROOT / "data" / name, missing_segments="error")
