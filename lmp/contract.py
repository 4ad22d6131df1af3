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
commas (with '.' thousands grouping), a UTF-8 byte-order mark. A value of '1.234' without any decimal
comma in its column is read as one point two three four.

Every problem raises :class:`~lmp.errors.ContractError` naming the file, column and first offending
row; rows are never dropped silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from lmp.errors import ContractError
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

_PLAIN = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_COMMA = r"[+-]?\d+,\d*"
_GROUPED = r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d*)?"


@dataclass
class Dataset:
    """A validated contract table and what is known about where it came from.

    ``synthetic`` is true when a ground-truth sidecar (``<stem>.truth.json``) beside the data file
    says the data were generated; reports then label every figure and table as synthetic.
    """

    frame: pd.DataFrame
    path: str
    synthetic: bool = False
    truth: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)

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
                return pd.read_csv(
                    self.path,
                    sep=self._separator(),
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


def _parse_numbers(values: pd.Series, column: str, reader: _Reader) -> pd.Series:
    """Numbers from text in either convention; one error for the first value that is neither."""
    if pd.api.types.is_bool_dtype(values):
        raise reader.error("expected numbers, found true/false values", column)
    if pd.api.types.is_numeric_dtype(values):
        parsed = values.astype(float)
        missing = parsed.isna()
        if missing.any():
            raise reader.error("empty value", column, np.flatnonzero(missing)[0])
        return parsed
    text = values.astype(str).str.strip().str.replace("\u00a0", "", regex=False)
    empty = text == ""
    if empty.any():
        raise reader.error("empty value", column, np.flatnonzero(empty)[0])
    plain = text.str.fullmatch(_PLAIN)
    comma = text.str.fullmatch(_COMMA)
    grouped = text.str.fullmatch(_GROUPED)
    if (comma | grouped & text.str.contains(",")).any():
        # Dutch convention in this column: ',' is the decimal mark, '.' groups thousands.
        mixed = plain & ~grouped
        if (mixed & text.str.contains(r"\.", regex=True)).any():
            first = np.flatnonzero(mixed & text.str.contains(r"\.", regex=True))[0]
            raise reader.error(
                f"'{text.iloc[first]}' uses a decimal point while other values in this column "
                "use a decimal comma",
                column,
                first,
            )
        text = text.where(~grouped, text.str.replace(".", "", regex=False))
        text = text.str.replace(",", ".", regex=False)
        ok = text.str.fullmatch(_PLAIN)
    else:
        ok = plain
    if not ok.all():
        first = np.flatnonzero(~ok)[0]
        raise reader.error(f"'{values.iloc[first]}' is not a number", column, first)
    return text.astype(float)


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


def validate(raw: pd.DataFrame, path: str | Path, ref: Reference | None = None) -> pd.DataFrame:
    """Check a raw table against the contract and return it typed and sorted by key.

    ``raw`` may hold strings (as read from CSV) or typed columns (Parquet, or a frame built in code).
    """
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
    for column in ["year", "n_persons"]:
        frame[column] = _whole(_parse_numbers(frame[column], column, reader), column, reader)
    for column in ["person_years", "value_sum", "value_sumsq"]:
        if column in frame:
            frame[column] = _parse_numbers(frame[column], column, reader)
    if "person_years" not in frame:
        frame["person_years"] = frame["n_persons"].astype(float)
    if "value_sumsq" not in frame:
        frame["value_sumsq"] = np.nan
    frame = frame[COLUMNS]
    _check_codes(frame, reader, ref)
    _check_values(frame, reader, ref)
    _check_duplicates(frame, reader)
    return frame.sort_values(KEY, kind="mergesort").reset_index(drop=True)


def load_data(path: str | Path, ref: Reference | None = None) -> Dataset:
    """Read, validate and return the contract table at ``path`` with its provenance."""
    path = Path(path)
    reader = _Reader(path)
    frame = validate(reader.read(), path, ref)
    truth: dict = {}
    sidecar = truth_path(path)
    if sidecar.exists():
        truth = json.loads(sidecar.read_text(encoding="utf-8"))
    provenance: dict = {}
    imported = import_report_path(path)
    if imported.exists():
        provenance = json.loads(imported.read_text(encoding="utf-8"))
    return Dataset(
        frame=frame,
        path=str(path),
        synthetic=bool(truth.get("synthetic")),
        truth=truth,
        provenance=provenance,
    )
