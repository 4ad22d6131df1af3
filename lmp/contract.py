"""The data contract: one long table of sufficient statistics, the only input the analysis reads.

Columns (names are matched case-insensitively, surrounding blanks ignored)::

    gemeente_code  CBS municipality code, 'GM' + 4 digits, present in data/reference/gemeenten.csv
    year           calendar year (integer)
    segment        population segment code, all from one scheme: the morbidity segments of
                   data/reference/segments.csv, or sex x age class of segments_agesex.csv
    outcome        outcome code from data/reference/outcomes.csv
    n_persons      number of distinct persons in the cell, a whole number >= 0 (disclosure
                   counts; the persons-match of placebo regions)
    person_years   optional: person-time in the cell (insured-years), fractional; the
                   regression weight. Where absent it equals n_persons
    value_sum      sum over those persons of the person-level outcome (per person-year of cover)
    value_sumsq    optional: sum of the squared person-level outcome (the open data have none;
                   what needs it says so when it is missing)

Cell means are ``value_sum / person_years``. With ``value_sumsq`` cell variances, and so every
person-weighted regression on cell-level regressors, are exact as if run on the individual rows.

CSV (also gzipped) and Parquet are read. CSV may follow Dutch conventions: ';' separators, decimal
commas (with '.' thousands grouping), a UTF-8 byte-order mark. The decimal mark is one per file:

* declared: ``load_data(path, decimal=",")`` (the other mark then groups thousands: '312.345' is
  312345) or ``decimal="."`` ('1,234.5' is 1234.5);
* comma-separated files: '.' (a comma inside a value would have to be quoted);
* otherwise inferred, and only from values that settle it: '1.234,5', '0,5', '108000,5' or
  '250.000.000' mean a decimal comma; '1,234.5', '0.5', '1.5e8' or '1,000,000' a decimal point.
  A value such as '312.345' or '1,234' (one mark followed by exactly three digits) reads either way;
  if no value settles the mark the file is refused, naming the first such value.

Every segment a file holds must be there for every municipality x year x outcome it holds: a
missing cell is not a zero, and leaving it out silently moves every mean and estimate that sums over
segments. :func:`load_data` refuses a missing cell unless ``missing_segments="allow"``, or the file's
import report accounts for it (the publisher suppressed the cell: ``cells_absent``, as in the Vektis
open data); the cells missing are then listed in :attr:`Dataset.missing_cells`.

Every problem raises :class:`~lmp.errors.ContractError` naming the file, column and first offending
row; rows are never dropped silently.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from lmp.errors import ContractError, ParameterError
from lmp.reference import Reference, load_reference

COLUMNS = [
    "gemeente_code",
    "year",
    "segment",
    "outcome",
    "n_persons",
    "person_years",
    "value_sum",
    "value_sumsq",
]
OPTIONAL = ("person_years", "value_sumsq")
# The columns of data whose persons are all covered the whole year (synthetic data, microdata
# aggregates without person-time): person_years is then n_persons.
WHOLE_YEAR_COLUMNS = [c for c in COLUMNS if c != "person_years"]
KEY = ["gemeente_code", "year", "segment", "outcome"]
YEAR_RANGE = (1990, 2100)
# Relative tolerance for identities that hold exactly on person-level data but pass through floats.
_RTOL = 1e-9

NUMERIC_COLUMNS = ["year", "n_persons", "person_years", "value_sum", "value_sumsq"]
DECIMAL_MARKS = (".", ",")
MARK_NAMES = {".": "decimal point", ",": "decimal comma"}
# What load_data does with a municipality x year x outcome that lacks a segment others have.
MISSING_SEGMENTS = ("error", "allow")
GROUP = ["gemeente_code", "year", "outcome"]  # the cells of one group are its segments
# How many groups and segments an error message lists before it only counts.
_SHOWN = 3


def _number_pattern(decimal: str) -> str:
    """A regular expression for a number written with ``decimal`` as its decimal mark.

    The other mark may group thousands: groups of exactly three digits after a first group of one
    to three digits that does not start with 0 ('250.000.000,5' with a decimal comma). Ungrouped
    numbers may have an exponent ('1.5e8'); a lone mark may start or end them ('.5', '5.').
    """
    mark = re.escape(decimal)
    group = re.escape(_other_mark(decimal))
    ungrouped = rf"(?:\d+(?:{mark}\d*)?|{mark}\d+)(?:[eE][+-]?\d+)?"
    grouped = rf"[1-9]\d{{0,2}}(?:{group}\d{{3}})+(?:{mark}\d*)?"
    return rf"[+-]?(?:{ungrouped}|{grouped})"


def _other_mark(decimal: str) -> str:
    """The thousands separator that goes with decimal mark ``decimal``."""
    return "," if decimal == "." else "."


_NUMBER = {mark: _number_pattern(mark) for mark in DECIMAL_MARKS}


@dataclass
class Dataset:
    """A validated contract table and what is known about where it came from.

    ``synthetic`` is true when a ground-truth sidecar (``<stem>.truth.json``) beside the data file
    says the data were generated; reports then label every figure and table as synthetic.
    ``missing_cells`` lists the segment cells the table lacks (columns ``gemeente_code``, ``year``,
    ``segment``, ``outcome``; see :func:`missing_segment_cells`), empty when every municipality x
    year x outcome has every segment; a report can state ``len(data.missing_cells)``.
    """

    frame: pd.DataFrame
    path: str
    synthetic: bool = False
    truth: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    missing_cells: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=KEY))

    @property
    def scheme(self) -> str:
        """``'agesex'`` when segments are sex x age classes, else ``'morbidity'``."""
        return segment_scheme(self.frame)

    @property
    def has_sumsq(self) -> bool:
        """Whether ``value_sumsq`` was given (cell variances are known)."""
        return not self.frame["value_sumsq"].isna().all()

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.frame["year"].unique())


def segment_scheme(frame: pd.DataFrame) -> str:
    """``'agesex'`` when a contract table's segments are sex x age classes (``M_``/``V_`` codes;
    the contract holds one scheme per file), else ``'morbidity'``."""
    return "agesex" if str(frame["segment"].iloc[0])[:2] in ("M_", "V_") else "morbidity"


def truth_path(data_path: str | Path) -> Path:
    """Where the ground-truth sidecar of a data file lives: same folder, ``<stem>.truth.json``."""
    path = Path(data_path)
    stem = path.name.split(".")[0]
    return path.with_name(f"{stem}.truth.json")


def import_report_path(data_path: str | Path) -> Path:
    """Where an imported file's provenance lives: same folder, ``<stem>.import.json``."""
    path = Path(data_path)
    return path.with_name(f"{path.name.split('.')[0]}.import.json")


class _Reader:
    """Reads one file into a frame of strings (CSV) or typed columns (Parquet), keeping row numbers."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.is_text = not path.name.lower().endswith(".parquet")
        self.separator: str | None = None  # known once a text file has been read

    def error(self, message: str, column: str | None = None, index: int | None = None):
        """A ContractError at 0-based data row ``index``."""
        row = None if index is None else int(index) + 1
        line = row + 1 if (row is not None and self.is_text) else None
        return ContractError(str(self.path), message, column=column, row=row, line=line)

    def read(self) -> pd.DataFrame:
        if not self.path.exists():
            raise ContractError(str(self.path), "file not found")
        try:
            if self.is_text:
                self.separator = self._separator()
                return pd.read_csv(
                    self.path,
                    sep=self.separator,
                    dtype=str,
                    keep_default_na=False,
                    encoding="utf-8-sig",
                    skipinitialspace=True,
                )
            return pd.read_parquet(self.path)
        except (UnicodeDecodeError, pd.errors.ParserError, OSError, ValueError) as exc:
            kind = "CSV" if self.is_text else "Parquet"
            raise ContractError(str(self.path), f"cannot be read as {kind}: {exc}") from exc

    def _separator(self) -> str:
        """';', ',' or tab: whichever occurs most often in the header line."""
        import gzip

        opener = gzip.open if self.path.name.lower().endswith(".gz") else open
        with opener(self.path, "rt", encoding="utf-8-sig", errors="replace") as handle:
            header = handle.readline()
        counts = {sep: header.count(sep) for sep in [";", ",", "\t"]}
        return max(counts, key=lambda sep: counts[sep])


def _number_text(values: pd.Series) -> pd.Series:
    """Text values with surrounding blanks and non-breaking spaces (a thousands grouping) removed."""
    return values.astype(str).str.strip().str.replace("\u00a0", "", regex=False)


def _first(masks: dict[str, pd.Series]) -> tuple[int, str] | None:
    """The (0-based row, column) of the first true value, row by row, columns in the given order."""
    best: tuple[int, str] | None = None
    for column, mask in masks.items():
        hits = np.flatnonzero(mask.to_numpy())
        if len(hits) and (best is None or hits[0] < best[0]):
            best = (int(hits[0]), column)
    return best


def _infer_decimal(texts: dict[str, pd.Series], reader: _Reader) -> str | None:
    """The decimal mark of a file's numeric text columns, from the values that settle it.

    A value settles the mark when it is a number in one convention only ('1.234,5', '0,5',
    '250.000.000' for a decimal comma; '1,234.5', '0.5', '1.5e8' for a decimal point). A value that
    is a number in both and has a mark ('312.345', '1,234') is ambiguous. Returns ``None`` when no
    value has a mark. Raises when values settle both marks, or none settles it and one is ambiguous.
    """
    point = {c: t.str.fullmatch(_NUMBER["."]) for c, t in texts.items()}
    comma = {c: t.str.fullmatch(_NUMBER[","]) for c, t in texts.items()}
    settles = {
        ".": _first({c: point[c] & ~comma[c] for c in texts}),
        ",": _first({c: comma[c] & ~point[c] for c in texts}),
    }
    if settles["."] and settles[","]:
        earlier, later = sorted(settles, key=lambda mark: settles[mark])
        row, column = settles[later]
        first_row, first_column = settles[earlier]
        raise reader.error(
            f"'{texts[column].iloc[row]}' uses a {MARK_NAMES[later]} while row {first_row + 1} "
            f"of column '{first_column}' ('{texts[first_column].iloc[first_row]}') uses a "
            f"{MARK_NAMES[earlier]}; one file has one decimal mark",
            column,
            row,
        )
    for mark in DECIMAL_MARKS:
        if settles[mark]:
            return mark
    marked = {c: point[c] & comma[c] & texts[c].str.contains(r"[.,]") for c in texts}
    ambiguous = _first(marked)
    if ambiguous is None:
        return None
    row, column = ambiguous
    value = texts[column].iloc[row]
    as_comma = float(value.replace(".", "").replace(",", "."))
    as_point = float(value.replace(",", ""))
    raise reader.error(
        f"the decimal mark of '{value}' is ambiguous: it is {as_comma:g} with a decimal comma "
        f"or {as_point:g} with a decimal point, and no value in the "
        "file settles which. Declare it: load_data(path, decimal=',') or decimal='.' "
        "(on the command line --decimal)",
        column,
        row,
    )


def _parse_numbers(
    values: pd.Series, column: str, reader: _Reader, decimal: str | None = None
) -> pd.Series:
    """Numbers from a column, text written with decimal mark ``decimal`` (``None``: no value of
    the file has a mark, '.' is used); one error for the first value that is not a number."""
    if pd.api.types.is_bool_dtype(values):
        raise reader.error("expected numbers, found true/false values", column)
    if pd.api.types.is_numeric_dtype(values):
        parsed = values.astype(float)
        missing = parsed.isna()
        if missing.any():
            raise reader.error("empty value", column, np.flatnonzero(missing)[0])
        return parsed
    text = _number_text(values)
    empty = text == ""
    if empty.any():
        raise reader.error("empty value", column, np.flatnonzero(empty)[0])
    mark = decimal or "."
    ok = text.str.fullmatch(_NUMBER[mark])
    if not ok.all():
        first = np.flatnonzero(~ok)[0]
        value = values.iloc[first]
        marked = decimal is not None and any(m in str(value) for m in DECIMAL_MARKS)
        detail = f" with a {MARK_NAMES[mark]} (the file's decimal mark)" if marked else ""
        raise reader.error(f"'{value}' is not a number{detail}", column, first)
    text = text.str.replace(_other_mark(mark), "", regex=False)
    return text.str.replace(mark, ".", regex=False).astype(float)


def _whole(values: pd.Series, column: str, reader: _Reader) -> pd.Series:
    fractional = (values - values.round()).abs() > 0
    if fractional.any():
        first = np.flatnonzero(fractional)[0]
        raise reader.error(f"{values.iloc[first]} is not a whole number", column, first)
    return values.astype("int64")


def _normalise_columns(frame: pd.DataFrame, reader: _Reader) -> pd.DataFrame:
    names = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in COLUMNS if c not in names and c not in OPTIONAL]
    unexpected = [c for c, n in zip(frame.columns, names, strict=True) if n not in COLUMNS]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if missing or unexpected or duplicated:
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        if unexpected:
            parts.append(f"unexpected column(s) {', '.join(map(str, unexpected))}")
        if duplicated:
            parts.append(f"duplicated column(s) {', '.join(duplicated)}")
        raise ContractError(
            str(reader.path),
            "; ".join(parts)
            + f". The contract has: {', '.join(COLUMNS)} ({' and '.join(OPTIONAL)} optional)",
        )
    frame = frame.copy()
    frame.columns = names
    return frame[[c for c in COLUMNS if c in names]]


def _check_codes(frame: pd.DataFrame, reader: _Reader, ref: Reference) -> None:
    catalogues = {
        "gemeente_code": (
            ref.known_codes,
            "data/reference/gemeenten.csv or any classification in gemeente_changes.csv",
        ),
        "segment": (
            set(ref.segments["code"]) | set(ref.agesex["code"]),
            "data/reference/segments.csv or segments_agesex.csv",
        ),
        "outcome": (set(ref.outcomes["code"]), "data/reference/outcomes.csv"),
    }
    for column, (known, where) in catalogues.items():
        unknown = ~frame[column].isin(known)
        if unknown.any():
            first = np.flatnonzero(unknown)[0]
            raise reader.error(
                f"unknown code '{frame[column].iloc[first]}' (not in {where})", column, first
            )
    morbidity = frame["segment"].isin(set(ref.segments["code"]))
    if morbidity.any() and not morbidity.all():
        first = np.flatnonzero(~morbidity)[0]
        raise reader.error(
            f"segment '{frame['segment'].iloc[first]}' is a sex x age class, but row "
            f"{np.flatnonzero(morbidity)[0] + 1} has a morbidity segment: use one scheme per file",
            "segment",
            first,
        )
    low, high = YEAR_RANGE
    bad_year = ~frame["year"].between(low, high)
    if bad_year.any():
        first = np.flatnonzero(bad_year)[0]
        raise reader.error(f"year {frame['year'].iloc[first]} outside {low}-{high}", "year", first)


def _check_values(frame: pd.DataFrame, reader: _Reader, ref: Reference) -> None:
    """Impossible values: negative counts, sums that no set of persons could produce.

    Bounds come from the outcome catalogue (``min_value``/``max_value`` per person-year; cost
    outcomes have no lower bound, as claims corrections can make a cell's sum negative).
    ``person_years`` is not negative, and 0 where there are no persons. It is *not* bounded by
    ``n_persons``: in the Vektis files insured-years exceed distinct persons in some cells (leap
    years, overlapping policies), by up to a few percent. The last check, when ``value_sumsq`` is given, is Cauchy-Schwarz: for any
    persons, ``n * sum(y**2) >= sum(y)**2``.
    """
    n = frame["n_persons"].to_numpy(dtype=float)
    py = frame["person_years"].to_numpy(dtype=float)
    s = frame["value_sum"].to_numpy()
    ss = frame["value_sumsq"].to_numpy()
    has_sq = not frame["value_sumsq"].isna().all()  # the optional column was given
    sum_tol = _RTOL * np.maximum(np.abs(s), py) + 1e-9
    square_tol = _RTOL * np.maximum(np.abs(ss) * np.maximum(n, 1), s * s) + 1e-9
    outcomes = ref.outcomes.set_index("code")
    codes, names = pd.factorize(frame["outcome"])  # a few outcomes, many rows: look up once each
    lower = outcomes["min_value"].reindex(names).to_numpy(dtype=float)[codes]
    upper = outcomes["max_value"].reindex(names).to_numpy(dtype=float)[codes]
    binary = (outcomes["kind"].reindex(names) == "binary").to_numpy()[codes]
    with np.errstate(invalid="ignore"):
        below = np.isfinite(lower) & (s < py * lower - sum_tol)
        above = np.isfinite(upper) & (s > py * upper + sum_tol)
    checks = [
        ("n_persons", n < 0, "negative count {n:g}"),
        ("person_years", ~np.isfinite(py), "value {py} is not finite"),
        ("person_years", py < 0, "negative person-time {py}"),
        ("person_years", (n == 0) & (py != 0), "person-time {py} in a cell with 0 persons"),
        ("value_sum", ~np.isfinite(s), "value {s} is not finite"),
        ("value_sum", (n == 0) & (s != 0), "non-zero sum {s} in a cell with 0 persons"),
        ("value_sum", below, "sum {s} below the outcome's minimum of {lo:g} per person"),
        ("value_sum", above, "sum {s} above the outcome's maximum of {hi:g} per person"),
        (
            "value_sum",
            binary & (np.abs(s - np.round(s)) > 1e-6),
            "a 0/1 outcome must have a whole-number sum, found {s}",
        ),
    ]
    if has_sq:
        checks += [
            ("value_sumsq", ~np.isfinite(ss), "value {ss} is not finite"),
            ("value_sumsq", ss < 0, "negative sum of squares {ss}"),
            (
                "value_sumsq",
                (n == 0) & (ss != 0),
                "non-zero sum of squares {ss} in a 0-person cell",
            ),
            (
                "value_sumsq",
                binary & (np.abs(ss - s) > 1e-6),
                "for a 0/1 outcome value_sumsq must equal value_sum ({s}), found {ss}",
            ),
            (
                "value_sumsq",
                n * ss < s * s - square_tol,
                "sum of squares {ss} is too small for sum {s} over {n:g} persons "
                "(n_persons * value_sumsq must be >= value_sum**2)",
            ),
        ]
    for column, bad, template in checks:
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            message = template.format(n=n[i], py=py[i], s=s[i], ss=ss[i], lo=lower[i], hi=upper[i])
            raise reader.error(message, column, i)


def _check_duplicates(frame: pd.DataFrame, reader: _Reader) -> None:
    dup = frame.duplicated(KEY, keep=False)
    if dup.any():
        rows = np.flatnonzero(dup)
        first = rows[0]
        key = frame.iloc[first][KEY]
        twin = next(r for r in rows[1:] if (frame.iloc[r][KEY] == key).all())
        raise reader.error(
            "duplicate key ("
            + ", ".join(f"{k}={key[k]}" for k in KEY)
            + f"), also at row {twin + 1}",
            "gemeente_code",
            twin,
        )


def missing_segment_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """The segment cells a validated contract table lacks, sorted by key (columns :data:`KEY`).

    A cell is missing when its municipality x year x outcome has rows but none for a segment that
    occurs elsewhere in the table. Assumes the key is unique (checked by :func:`validate`), so a
    group with as many rows as there are segments is complete. Groups are numbered with integer
    codes (the real files have close to a million rows).
    """
    codes, names = zip(*(pd.factorize(frame[c]) for c in [*GROUP, "segment"]), strict=True)
    n_years, n_outcomes, n_segments = len(names[1]), len(names[2]), len(names[3])
    group = (codes[0] * n_years + codes[1]) * n_outcomes + codes[2]
    sizes = np.bincount(group) if len(group) else np.zeros(0, dtype=int)
    short = np.flatnonzero((sizes > 0) & (sizes < n_segments))
    if not len(short):
        return pd.DataFrame(columns=KEY)
    expected = np.repeat(short, n_segments) * n_segments + np.tile(
        np.arange(n_segments), len(short)
    )
    present = group * n_segments + codes[3]
    cells = expected[~np.isin(expected, present)]
    cells, segment = np.divmod(cells, n_segments)
    rest, outcome = np.divmod(cells, n_outcomes)
    gemeente, year = np.divmod(rest, n_years)
    missing = pd.DataFrame(
        {
            "gemeente_code": np.asarray(names[0])[gemeente],
            "year": np.asarray(names[1])[year],
            "segment": np.asarray(names[3])[segment],
            "outcome": np.asarray(names[2])[outcome],
        }
    )
    return missing.sort_values(KEY).reset_index(drop=True)


def _missing_segments_error(path: str | Path, missing: pd.DataFrame) -> ContractError:
    """One error naming the first groups that lack segments, with the counts of all of them."""
    groups = missing.groupby(GROUP, sort=True)["segment"].agg(list)

    def listed(segments: list[str]) -> str:
        shown = ", ".join(segments[:_SHOWN])
        return shown + (f" and {len(segments) - _SHOWN} more" if len(segments) > _SHOWN else "")

    (gemeente, year, outcome), segments = next(iter(groups.items()))
    others = [f"{g} {y} {o} ({listed(s)})" for (g, y, o), s in list(groups.items())[1:_SHOWN]]
    return ContractError(
        str(path),
        f"municipality {gemeente}, year {year}, outcome {outcome} lacks segment(s) "
        f"{listed(segments)} that other rows of the file have"
        + (f"; so do {', '.join(others)}" if others else "")
        + f" ({len(missing)} missing cell(s) in {len(groups)} municipality x year x outcome "
        "group(s)). A missing cell is not a zero: it silently moves every mean and estimate "
        "summed over segments. Add the rows (n_persons 0 for an empty cell) or, if the source "
        "suppressed small cells, load with missing_segments='allow' (the command line's "
        "--missing-segments allow)",
        column="segment",
    )


def _documented_as_absent(missing: pd.DataFrame, provenance: dict) -> bool:
    """Whether a file's import report accounts for each of its missing cells.

    The import report (:func:`import_report_path`) gives, per published file and so per year, the
    number of cells absent from it (``cells_absent``: the publisher suppressed them). Every outcome
    of a year is imported from the same rows, so each must lack exactly that many cells.
    """
    absent: dict[int, int] = {}
    for report in provenance.get("files", []):
        year = int(report["year"])
        absent[year] = absent.get(year, 0) + int(report.get("cells_absent", 0))
    counts = missing.groupby(["year", "outcome"]).size()
    return bool(absent) and all(absent.get(int(y), 0) == n for (y, _), n in counts.items())


def validate(
    raw: pd.DataFrame,
    path: str | Path,
    ref: Reference | None = None,
    decimal: str | None = None,
    missing_segments: str = "error",
) -> pd.DataFrame:
    """Check a raw table against the contract and return it typed and sorted by key.

    ``raw`` may hold strings (as read from CSV) or typed columns (Parquet, or a frame built in code).
    ``decimal`` is the decimal mark of text numbers ('.' or ','); ``None`` infers it from the
    values that settle it and refuses the table if some value is ambiguous (module docstring).
    ``missing_segments``: ``"error"`` refuses a municipality x year x outcome that lacks a segment
    other rows have (:func:`missing_segment_cells`), ``"allow"`` accepts it.
    """
    if decimal not in (None, *DECIMAL_MARKS):
        raise ParameterError(f"decimal must be '.' or ',' (or None to infer it), got {decimal!r}")
    if missing_segments not in MISSING_SEGMENTS:
        raise ParameterError(
            f"missing_segments must be {' or '.join(map(repr, MISSING_SEGMENTS))}, "
            f"got {missing_segments!r}"
        )
    ref = ref or load_reference()
    reader = _Reader(Path(path))
    frame = _normalise_columns(raw.reset_index(drop=True), reader)
    for column in ["gemeente_code", "segment", "outcome"]:
        text = frame[column].astype(str).str.strip()
        empty = text == ""
        if empty.any():
            raise reader.error("empty value", column, np.flatnonzero(empty)[0])
        frame[column] = text
    frame["gemeente_code"] = frame["gemeente_code"].str.upper()
    numeric = [c for c in NUMERIC_COLUMNS if c in frame]
    if decimal is None:
        texts = {
            c: _number_text(frame[c])
            for c in numeric
            if not pd.api.types.is_numeric_dtype(frame[c])
            and not pd.api.types.is_bool_dtype(frame[c])
        }
        decimal = _infer_decimal(texts, reader)
    for column in numeric:
        frame[column] = _parse_numbers(frame[column], column, reader, decimal)
    for column in ["year", "n_persons"]:
        frame[column] = _whole(frame[column], column, reader)
    if "person_years" not in frame:
        frame["person_years"] = frame["n_persons"].astype(float)
    if "value_sumsq" not in frame:
        frame["value_sumsq"] = np.nan
    frame = frame[COLUMNS]
    _check_codes(frame, reader, ref)
    _check_values(frame, reader, ref)
    _check_duplicates(frame, reader)
    frame = frame.sort_values(KEY, kind="mergesort").reset_index(drop=True)
    if missing_segments == "error":
        missing = missing_segment_cells(frame)
        if not missing.empty:
            raise _missing_segments_error(path, missing)
    return frame


def load_data(
    path: str | Path,
    ref: Reference | None = None,
    decimal: str | None = None,
    missing_segments: str | None = None,
) -> Dataset:
    """Read, validate and return the contract table at ``path`` with its provenance.

    ``decimal``: the decimal mark of a text file, '.' or ','; ``None`` takes '.' for a
    comma-separated file and otherwise infers it, refusing a file where it is ambiguous.
    ``missing_segments``: ``"error"`` refuses a municipality x year x outcome that lacks a segment
    other rows have, ``"allow"`` accepts it; ``None`` accepts it only when the file's import report
    accounts for every missing cell as suppressed by the publisher (:func:`_documented_as_absent`).
    Accepted missing cells are listed in :attr:`Dataset.missing_cells`.
    """
    if missing_segments not in (None, *MISSING_SEGMENTS):
        raise ParameterError(
            f"missing_segments must be {' or '.join(map(repr, MISSING_SEGMENTS))} "
            f"(or None: as the import report documents), got {missing_segments!r}"
        )
    path = Path(path)
    reader = _Reader(path)
    raw = reader.read()
    if decimal is None and reader.separator == ",":
        decimal = "."
    frame = validate(raw, path, ref, decimal, missing_segments="allow")
    truth: dict = {}
    sidecar = truth_path(path)
    if sidecar.exists():
        truth = json.loads(sidecar.read_text(encoding="utf-8"))
    provenance: dict = {}
    imported = import_report_path(path)
    if imported.exists():
        provenance = json.loads(imported.read_text(encoding="utf-8"))
    missing = missing_segment_cells(frame)
    accepted = missing_segments == "allow" or (
        missing_segments is None and _documented_as_absent(missing, provenance)
    )
    if not missing.empty and not accepted:
        raise _missing_segments_error(path, missing)
    return Dataset(
        frame=frame,
        path=str(path),
        synthetic=bool(truth.get("synthetic")),
        truth=truth,
        provenance=provenance,
        missing_cells=missing,
    )
