"""Person-year microdata -> the data contract, aggregated with DuckDB in one streaming pass.

A data holder (an insurer, Vektis, CBS) has one row per person per year. This module turns such a
file, Parquet or CSV, into lmp's contract (:mod:`lmp.contract`) without ever holding it in memory:
DuckDB reads the file itself and keeps running totals per cell (and, for the distinct count, the
persons seen per cell), spilling to a temporary folder beyond its memory limit.

Input schema (one row per person per year; names are matched case-insensitively)::

    person_id            any type: who the row belongs to (only compared for equality)
    gemeente_code        'GM' + 4 digits, a municipality of any classification in
                         data/reference/gemeente_changes.csv up to the analysis classification
    year                 calendar year, a whole number in 1990-2100
    insured_fraction     fraction of the year insured, in (0, 1]
    sex                  'M' or 'V' (exactly)
    age                  age in completed years, a whole number in 0-120 (as the data holder
                         defines it, e.g. on 1 January; the same age serves both schemes)
    chronic_count        morbidity scheme only: number of chronic somatic conditions, a whole
                         number >= 0 (a mental disorder is not counted here)
    mental_health_care   morbidity scheme only: 1 if in mental health care (ggz) that year, else 0
    pregnant_postpartum  morbidity scheme only: 1 if pregnant or post-partum that year, else 0
    frail                morbidity scheme only: 1 if frail, else 0
    <outcome>            one column per outcome of data/reference/outcomes.csv, named by its code
                         (cost_total, cost_gp, ...): the person's euros in the year (while
                         insured; negative values are claims corrections and are kept), or 0/1
                         for a binary outcome

Any other column is refused, so nothing is ignored silently. Parquet columns must have these types
(text for ``gemeente_code`` and ``sex``, numbers for the rest; 0/1 flags may be booleans). CSV is
read as text ('.' as decimal mark, the separator detected) and numbers are parsed per value; a
value that is not a number counts as missing.

Each row goes to one cell municipality x year x segment, and from the cells come, per outcome::

    n_persons     distinct person_id in the cell (a person with two rows in a cell, e.g. two
                  insurance spells, counts once; their rows are summed, and the report counts
                  such rows and the cells where insured-years exceed persons)
    person_years  sum of insured_fraction (cost outcomes); for a binary outcome, which is a share
                  of persons (outcomes.csv), the number of rows in the cell, so that
                  value_sum / person_years is that share
    value_sum     sum of the outcome
    value_sumsq   sum over rows of insured_fraction * (outcome / insured_fraction)**2: the squared
                  cost per insured-year, weighted by insured time as the person-weighted
                  regression weights it (so cell variances are those of the individual rows);
                  for a binary outcome the sum of squares (= value_sum)

Every municipality x year in the output has every segment of the scheme (a segment without persons
is a cell with zeros, as the contract asks: a missing cell is not a zero).

Segment schemes (``scheme``):

``agesex``     the 38 classes of data/reference/segments_agesex.csv: ``sex`` and the class whose
               ``age_low`` <= age <= ``age_high`` (no ``age_high``: open upwards, 90+).
``morbidity``  the six segments of data/reference/segments.csv. Each person is in the first
               segment of :data:`MORBIDITY_RULES` whose rule holds (the ``rule`` column of
               segments.csv), i.e. the later segment of segments.csv takes precedence, as its
               definitions say ("not in a later segment"). Where the prose left a choice:

               - "children under 4": age <= 3, both sexes; "pregnant or post-partum women": the
                 flag decides, whatever the registered sex;
               - "exactly one chronic condition" and "two or more": ``chronic_count`` = 1 and >= 2,
                 counting somatic conditions only (mental health care is its own flag);
               - "frail elderly": age >= 75 and ``frail`` = 1. ``frail`` is used at 75 and over
                 only: a frail person under 75 falls under the other rules, and is *healthy* if
                 none holds. "Not frail" in *healthy*'s definition is read as "not frail
                 elderly", since the segments must cover everyone.

Municipality codes of any classification are moved forward to the analysis classification (2020
unless ``classification`` says otherwise) by :func:`lmp.sources.classification.forward_moves`, as
the Vektis importer moves them: a merged municipality goes whole to the municipality it merged into; a
split municipality (Winsum 2019, Haaren 2021) goes whole to the successor that received the
largest share. A code is mapped whatever the row's year (data holders often deliver every year in
one later classification). A code of a classification newer than the analysis one cannot be moved
back and is set aside, as is a code in no classification.

Bad rows are set aside and counted by reason in the import report (the first reason that applies,
in the order of :func:`set_aside_reasons`), never dropped silently: missing keys, a year outside
1990-2100, an unknown code, ``insured_fraction`` outside (0, 1], an age that is not a whole number
in 0-120, a sex other than 'M' or 'V', a bad flag, a missing outcome value, a cost that is not a
finite number within +-1e12 euros, a binary outcome other than 0 or 1. Negative costs are kept and
counted. The rows in equal the rows aggregated plus those set aside; for Parquet this is checked
against the file's own row count.

Exact arithmetic: money is summed in whole cents (64-bit integers, 128-bit sums; values with more
than two decimals are rounded to cents and counted), insured time in whole micro-years (so an
``insured_fraction`` under one micro-year, 31 seconds, is set aside), squares in whole cents
squared as DECIMAL(38, 0) (each row's term rounded to whole cents squared first, :func:`_square`).
Sums of integers do not depend on the order of addition, so the contract is the same, bit for bit,
whatever the number of threads or the processor.

One definition, two engines: :func:`aggregation_sql` returns the one query, in plain SQL (CASE,
CAST, ROUND, FLOOR, ABS, COUNT(DISTINCT), SUM, LEFT JOIN; no engine's own functions), reading the
tables ``person_year_rows``, ``municipality_codes`` and (age-sex scheme) ``agesex_classes``. The
same text runs on DuckDB (:func:`aggregate`, the default, one machine) and on Spark SQL
(:func:`aggregate_spark`, or ``aggregate(..., engine="spark")``: local mode or a cluster, for files
beyond one machine, e.g. on HDFS or S3); a test runs both on one file and finds the same contract,
and another keeps DuckDB-only syntax out of the query. What differs between the engines -- how the
file becomes a table, how CSV text is parsed into numbers, how identifiers are quoted -- sits in
one dialect map per engine, :data:`DUCKDB_READERS` and :data:`SPARK_READERS`, used only by
:func:`source_sql` (the view ``person_year_rows`` over the file), never by the shared query.

Spark is an optional extra (``pip install 'lmp[spark]'``, pyspark 4 with Java 17 or newer),
imported only when the Spark engine is asked for. Integer sums are exact on both engines (DuckDB
sums BIGINT into 128 bits, Spark into 64 bits, which holds any cell below 9e16 euros); the squares
are DECIMAL(38, 0) on both. So the two engines give the same contract, bit for bit.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal, localcontext
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lmp.contract import COLUMNS, KEY, YEAR_RANGE
from lmp.errors import CatalogueError, ContractError, ParameterError
from lmp.files import atomic_write, file_sha256
from lmp.reference import REFERENCE_DIR, Reference, load_reference
from lmp.sources.classification import (
    Classification,
    classification_at,
    forward_moves,
    parse_classification,
)

SCHEMES = ("agesex", "morbidity")
KEY_COLUMNS = ("person_id", "gemeente_code", "year", "insured_fraction", "sex", "age")
FLAG_COLUMNS = ("chronic_count", "mental_health_care", "pregnant_postpartum", "frail")
TEXT_COLUMNS = ("gemeente_code", "sex")  # person_id may be of any type
AGE_RANGE = (0, 120)
CENTS = 100  # money is summed in whole cents
MICRO_YEARS = 1_000_000  # insured time is summed in whole micro-years
VALUE_BOUND = 1e12  # euros per person-year row; beyond it (or NaN, infinite) a value is impossible
CHRONIC_BOUND = 1000  # more chronic conditions than this is not a count
DEFAULT_CLASSIFICATION = "2020"
DEFAULT_MEMORY_LIMIT = "512MB"

# The morbidity segments, in order of precedence: a person is in the first one whose rule holds.
# Conditions in plain SQL on the input columns; data/reference/segments.csv's ``rule`` column
# holds the same text (tests/test_aggregate.py keeps them equal).
MORBIDITY_RULES = (
    ("frail_elderly", "age >= 75 AND frail = 1"),
    ("multimorbid", "chronic_count >= 2"),
    ("mental_health", "mental_health_care = 1"),
    ("chronic", "chronic_count = 1"),
    ("maternal_child", "pregnant_postpartum = 1 OR age < 4"),
    ("healthy", "otherwise"),
)

# The only DuckDB-specific SQL: how the input file becomes the table ``person_year_rows``. On Spark
# SQL: parquet.`{path}`; a CSV through spark.read.csv(path, header=True); try_cast(... AS DOUBLE);
# identifiers quoted with backticks. "number" parses CSV text; it is not TRY_CAST because DuckDB
# 2.0 pushes TRY_CAST into the CSV reader as a hard cast that fails on the first non-number
# (duckdb/duckdb issue 23818), so the text is matched against a number pattern first. Parquet is
# read with can_have_nan: otherwise DuckDB trusts min/max statistics that leave NaN out and folds
# the checks of a NaN away (duckdb/duckdb issue 25521).
NUMBER_PATTERN = " *[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)? *"
DUCKDB_READERS = {
    "parquet": "read_parquet('{path}', can_have_nan = true)",
    "csv": "read_csv('{path}', header = true, all_varchar = true)",
    "number": (
        f"CASE WHEN regexp_full_match({{column}}, '{NUMBER_PATTERN}') "
        "THEN CAST({column} AS DOUBLE) END"
    ),
    "identifier": '"{name}"',
}

# The same for Spark SQL. The file is read by Spark's own reader (spark.read.parquet, or
# spark.read.csv with a header and every column as text) into the temporary view
# ``person_year_input``, which person_year_rows then selects from; RLIKE finds a match anywhere,
# hence the anchors. Spark casts a number's text as DuckDB does (surrounding spaces allowed).
SPARK_INPUT_VIEW = "person_year_input"
SPARK_READERS = {
    "parquet": SPARK_INPUT_VIEW,
    "csv": SPARK_INPUT_VIEW,
    "number": (
        f"CASE WHEN {{column}} RLIKE '^({NUMBER_PATTERN})$' THEN CAST({{column}} AS DOUBLE) END"
    ),
    "identifier": "`{name}`",
}
DIALECTS = {"duckdb": DUCKDB_READERS, "spark": SPARK_READERS}
ENGINES = tuple(DIALECTS)

NUMERIC_TYPES = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "FLOAT",
    "DOUBLE",
    "DECIMAL",
)


@dataclass(frozen=True)
class InputLayout:
    """What the input file holds: its format, the outcomes to aggregate, and how to read it.

    ``columns`` maps each schema name to the file's own spelling; ``types`` gives the file's
    DuckDB type per schema name (all VARCHAR for CSV).
    """

    path: Path
    kind: str  # "parquet" or "csv"
    scheme: str
    outcomes: tuple[str, ...]
    binary: frozenset[str]
    columns: dict[str, str]
    types: dict[str, str]

    @property
    def needed(self) -> tuple[str, ...]:
        """The schema columns the scheme reads, outcomes last."""
        flags = FLAG_COLUMNS if self.scheme == "morbidity" else ()
        return (*KEY_COLUMNS, *flags, *self.outcomes)


@dataclass
class ColumnBalance:
    """One summed column: what was aggregated and what was set aside with bad rows.

    Units are those of the output: euros (or 0/1 counts) for outcomes, years for
    ``insured_fraction``. Set-aside sums count the bad rows' values that are finite numbers.
    """

    column: str
    aggregated: float
    set_aside: float
    negative_values: int = 0


@dataclass
class AggregationReport:
    """What happened to one input file: rows in, rows aggregated, rows set aside and why."""

    file: str
    sha256: str
    format: str
    scheme: str
    analysis_classification: str
    rows_in: int
    rows_aggregated: int
    rows_set_aside: dict[str, int]
    rows_of_persons_already_in_cell: int
    # cells whose insured-years exceed their persons: someone insured for more than the year
    # (overlapping spells, or a row delivered twice); the contract's checks may refuse them
    cells_insured_beyond_persons: int
    cells_insured_beyond_persons_first: list[str]
    values_rounded: int  # to whole cents (outcomes) or micro-years (insured_fraction)
    years: list[int]
    municipalities: int
    cells_per_outcome: int
    cells_without_persons: int
    outcomes_written: list[str]
    reorganised: list[str]
    balances: list[ColumnBalance] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class AggregationResult:
    """The contract table and the report of how it was made."""

    frame: pd.DataFrame
    report: AggregationReport
    classification: Classification


# --- the reference tables the query joins --------------------------------------------------------


def municipality_codes(
    classification: Classification, reference_dir: Path = REFERENCE_DIR
) -> pd.DataFrame:
    """Every municipality code lmp knows -> its municipality in ``classification``.

    Columns: ``source_code``; ``gemeente_id`` (position of the target code in the sorted codes of
    ``classification``; missing for a code of a newer classification, which cannot be moved
    back); ``recoded`` (1 when the code is not itself in ``classification``); ``note`` (how it got
    there, :func:`lmp.sources.classification.forward_moves`).
    """
    targets = sorted(classification.codes)
    position = {code: i for i, code in enumerate(targets)}
    moves = forward_moves(classification, reference_dir)
    known = load_reference(reference_dir).known_codes | set(moves)
    rows = [
        {
            "source_code": code,
            "gemeente_id": position[moves[code][0]] if code in moves else None,
            "recoded": int(code in moves and moves[code][0] != code),
            "note": moves[code][1] if code in moves else "",
        }
        for code in sorted(known)
    ]
    frame = pd.DataFrame(rows)
    frame["gemeente_id"] = frame["gemeente_id"].astype("Int64")
    return frame


def agesex_classes(ref: Reference) -> pd.DataFrame:
    """Every sex x whole age 0-120 -> its class of segments_agesex.csv (``segment_id`` = order)."""
    rows = []
    low, high = AGE_RANGE
    for segment in ref.agesex.itertuples(index=False):
        top = high if np.isnan(segment.age_high) else int(segment.age_high)
        for age in range(int(segment.age_low), top + 1):
            rows.append({"class_sex": segment.sex, "class_age": age, "segment_id": segment.order})
    frame = pd.DataFrame(rows)
    if frame.duplicated(["class_sex", "class_age"]).any() or len(frame) != 2 * (high - low + 1):
        raise CatalogueError(
            "segments_agesex.csv: the classes of each sex must cover ages 0-120 once each"
        )
    return frame


def segment_codes(scheme: str, ref: Reference) -> dict[int, str]:
    """``segment_id`` (as :func:`aggregation_sql` computes it) -> segment code, in output order."""
    if scheme == "agesex":
        return dict(zip(ref.agesex["order"], ref.agesex["code"], strict=True))
    order = dict(zip(ref.segments["code"], ref.segments["order"], strict=True))
    missing = [code for code, _ in MORBIDITY_RULES if code not in order]
    if missing or len(order) != len(MORBIDITY_RULES):
        raise CatalogueError(
            "segments.csv: the morbidity rules of lmp.aggregate cover "
            f"{', '.join(c for c, _ in MORBIDITY_RULES)}; the catalogue has {', '.join(order)}"
        )
    return {
        int(order[code]): code for code, _ in sorted(MORBIDITY_RULES, key=lambda r: order[r[0]])
    }


# --- the SQL ---------------------------------------------------------------------------------------


def _outside(column: str, low: float, high: float, whole: bool = False) -> str:
    """SQL: true when ``column`` is not a number in [low, high] (and whole). Written so that NaN
    and infinities fail too (NaN compares greater than every number in DuckDB and Spark)."""
    test = f"{column} >= {low:.0f} AND {column} <= {high:.0f}"
    if whole:
        test += f" AND {column} = FLOOR({column})"
    return f"NOT ({test})"


def set_aside_reasons(
    scheme: str, outcomes: list[str], binary: set[str], classification: str, kind: str = "parquet"
) -> list[tuple[str, str]]:
    """(SQL condition, reason) for every way a row can be set aside, first match wins.

    The reason's number in the query is its position in this list, plus one (0 = aggregated).
    """
    missing = "missing or not a number" if kind == "csv" else "missing"
    flags = FLAG_COLUMNS if scheme == "morbidity" else ()
    reasons = [(f"{c} IS NULL", f"{c} {missing}") for c in (*KEY_COLUMNS, *flags)]
    low_year, high_year = YEAR_RANGE
    low_age, high_age = AGE_RANGE
    reasons += [
        (
            _outside("year", low_year, high_year, whole=True),
            f"year not a whole number in {low_year}-{high_year}",
        ),
        ("source_code IS NULL", "gemeente_code in no classification of gemeente_changes.csv"),
        (
            "gemeente_id IS NULL",
            f"gemeente_code of a classification newer than {classification} (cannot be moved back)",
        ),
        (
            f"NOT (insured_fraction >= {1 / MICRO_YEARS:.6f} AND insured_fraction <= 1)",
            "insured_fraction outside (0, 1] (or under one micro-year)",
        ),
        ("NOT (sex = 'M' OR sex = 'V')", "sex not 'M' or 'V'"),
        (
            _outside("age", low_age, high_age, whole=True),
            f"age not a whole number in {low_age}-{high_age}",
        ),
    ]
    if scheme == "morbidity":
        reasons.append(
            (
                _outside("chronic_count", 0, CHRONIC_BOUND, whole=True),
                f"chronic_count not a whole number in 0-{CHRONIC_BOUND}",
            )
        )
        reasons += [(f"NOT ({f} = 0 OR {f} = 1)", f"{f} not 0 or 1") for f in FLAG_COLUMNS[1:]]
    reasons += [(f"{o} IS NULL", f"{o} {missing}") for o in outcomes]
    for outcome in outcomes:
        if outcome in binary:
            reasons.append((f"NOT ({outcome} = 0 OR {outcome} = 1)", f"{outcome} not 0 or 1"))
        else:
            reasons.append(
                (
                    _outside(outcome, -VALUE_BOUND, VALUE_BOUND),
                    f"{outcome} not a finite number within +-{VALUE_BOUND:.0e} euros",
                )
            )
    return reasons


def _segment_sql(scheme: str, ref: Reference) -> str:
    """SQL for the row's ``segment_id``: the age-sex class joined in, or the morbidity rules."""
    if scheme == "agesex":
        return "segment_id"  # joined from agesex_classes
    order = dict(zip(ref.segments["code"], ref.segments["order"], strict=True))
    whens = [
        f"            WHEN {rule} THEN {order[code]}  -- {code}"
        for code, rule in MORBIDITY_RULES
        if rule != "otherwise"
    ]
    last = MORBIDITY_RULES[-1][0]
    ending = [f"            ELSE {order[last]}  -- {last}", "        END AS segment_id"]
    return "\n".join(["CASE", *whens, *ending])


def _exact(value: str, scale: int, bound: float) -> str:
    """SQL: ``value`` in whole units of 1/scale (BIGINT), or NULL when it is not a number within
    +-bound. The test sits inside the cast, so a bad row's NaN never reaches it."""
    inside = f"CASE WHEN {value} >= {-bound:.0f} AND {value} <= {bound:.0f} THEN {value} END"
    return f"CAST(ROUND({inside} * {scale}) AS BIGINT)"


def _rounded(value: str, scale: int) -> str:
    """SQL: 1 when ``value`` has more digits than whole units of 1/scale keep, else 0."""
    return (
        f"CASE WHEN ABS({value} * {scale} - ROUND({value} * {scale})) > 0.000001 THEN 1 ELSE 0 END"
    )


def _square(outcome: str, binary: bool) -> str:
    """SQL: the row's contribution to ``value_sumsq`` in whole cents squared, for aggregated rows.

    A cost row adds ``insured_fraction * (cost / insured_fraction)**2``, i.e. the squared cost per
    insured-year weighted by the insured time, as the person-weighted regression sees it (the
    contract's value_sumsq). That quotient is computed in floating point (one correctly rounded
    operation at a time, so the same everywhere) and rounded to whole cents squared before the
    exact sum. A binary row adds its square (weight 1, module docstring).
    """
    cents = f"cents_{outcome}"
    weighted = "" if binary else f" * {MICRO_YEARS} / micro_years"
    term = f"CASE WHEN reason = 0 THEN CAST({cents} AS DOUBLE) * {cents}{weighted} END"
    return f"CAST(ROUND({term}) AS DECIMAL(38, 0))"


def _lines(items: list[str], indent: int) -> str:
    """SQL select items, one a line, comma-separated."""
    return ",\n".join(" " * indent + item for item in items)


def aggregation_sql(
    scheme: str,
    outcomes: list[str],
    binary: set[str] | frozenset[str] = frozenset(),
    classification: str = DEFAULT_CLASSIFICATION,
    kind: str = "parquet",
    ref: Reference | None = None,
) -> str:
    """The one aggregation query, in portable SQL (see the module docstring).

    Reads ``person_year_rows`` (the input, with the schema's column names and number types),
    ``municipality_codes`` (:func:`municipality_codes`) and, for the age-sex scheme,
    ``agesex_classes`` (:func:`agesex_classes`). Returns one row per aggregated cell
    (``reason`` 0, with ``gemeente_id``, ``year``, ``segment_id``) and rows for the rows set aside
    (``reason`` > 0, grouped by whatever keys they have), with ``n_rows``, ``n_persons``, ``rows_recoded``,
    ``micro_years``, ``rounded`` (values with more digits than whole cents or micro-years keep,
    all columns together), and per outcome ``cents_<o>``, ``squares_<o>`` (whole cents squared,
    :func:`_square`) and ``negative_<o>``.
    """
    if scheme not in SCHEMES:
        raise ParameterError(f"unknown scheme '{scheme}'; choose one of {', '.join(SCHEMES)}")
    ref = ref or load_reference()
    reasons = set_aside_reasons(scheme, outcomes, set(binary), classification, kind)
    reason_sql = "\n".join(
        f"            WHEN {condition} THEN {i}" for i, (condition, _) in enumerate(reasons, 1)
    )
    rounded = [_rounded("insured_fraction", MICRO_YEARS)] + [_rounded(o, CENTS) for o in outcomes]
    values = [
        f"{_exact('insured_fraction', MICRO_YEARS, MICRO_YEARS)} AS micro_years",
        f"{' + '.join(rounded)} AS rounded",
    ]
    sums = ["SUM(micro_years) AS micro_years", "SUM(rounded) AS rounded"]
    for o in outcomes:
        values.append(f"{_exact(o, CENTS, VALUE_BOUND)} AS cents_{o}")
        sums += [
            f"SUM(cents_{o}) AS cents_{o}",
            f"SUM({_square(o, o in binary)}) AS squares_{o}",
            f"COUNT(CASE WHEN cents_{o} < 0 THEN 1 END) AS negative_{o}",
        ]
    join = (
        "\n    LEFT JOIN agesex_classes ON sex = class_sex AND age = class_age"
        if scheme == "agesex"
        else ""
    )
    return f"""-- lmp.aggregate: person-year rows -> contract cells, one pass ({scheme} scheme)
WITH checked AS (
    SELECT
        person_id,
        year,
        gemeente_id,
        recoded,
        {_segment_sql(scheme, ref)},
        CASE
{reason_sql}
            ELSE 0
        END AS reason,
{_lines(values, 8)}
    FROM person_year_rows
    LEFT JOIN municipality_codes ON gemeente_code = source_code{join}
)
SELECT
    reason,
    gemeente_id,
    year,
    segment_id,
    COUNT(*) AS n_rows,
    COUNT(DISTINCT person_id) AS n_persons,
    SUM(recoded) AS rows_recoded,
{_lines(sums, 4)}
FROM checked
GROUP BY reason, gemeente_id, year, segment_id
"""


# --- reading the input -----------------------------------------------------------------------------


def _kind(path: Path) -> str:
    """'parquet' for ``*.parquet``, 'csv' for ``*.csv`` and ``*.csv.gz``."""
    name = path.name.lower()
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith((".csv", ".csv.gz")):
        return "csv"
    raise ContractError(str(path), "person-year rows are read from .parquet, .csv or .csv.gz")


def _reader(path: Path, kind: str, dialect: dict[str, str] = DUCKDB_READERS) -> str:
    return dialect[kind].format(path=str(path).replace("'", "''"))


def _quote(name: str, dialect: dict[str, str] = DUCKDB_READERS) -> str:
    mark = dialect["identifier"][0]  # the quote character, doubled inside a name
    return dialect["identifier"].format(name=name.replace(mark, mark * 2))


def _duckdb_type_ok(name: str, found: str) -> bool:
    """Whether a Parquet column's DuckDB type fits the schema column ``name``."""
    base = found.split("(")[0].upper()
    if name == "person_id":
        return True
    if name in TEXT_COLUMNS:
        return base == "VARCHAR"
    if name in FLAG_COLUMNS[1:]:
        return base in NUMERIC_TYPES or base == "BOOLEAN"
    return base in NUMERIC_TYPES


def inspect_input(
    con, path: Path, scheme: str, outcomes: list[str] | None, ref: Reference
) -> InputLayout:
    """The layout of the input file, checked against the schema (module docstring).

    Raises ContractError for a missing, unknown, duplicated or mistyped column.
    """
    kind = _kind(path)
    try:
        described = con.sql(f"DESCRIBE SELECT * FROM {_reader(path, kind)}").fetchall()
    except Exception as exc:  # duckdb.Error: unreadable file
        raise ContractError(str(path), f"cannot be read as {kind}: {exc}") from exc
    return layout_from_columns(path, kind, [(d[0], d[1]) for d in described], scheme, outcomes, ref)


def layout_from_columns(
    path: Path,
    kind: str,
    described: list[tuple[str, str]],
    scheme: str,
    outcomes: list[str] | None,
    ref: Reference,
) -> InputLayout:
    """The layout from the file's (column name, DuckDB type name) pairs, whichever engine read
    them (:func:`inspect_input`, :func:`_spark_columns`); checks as :func:`inspect_input`."""
    known_outcomes = list(ref.outcomes["code"])
    columns: dict[str, str] = {}
    types: dict[str, str] = {}
    unknown = []
    for original, found in described:
        name = original.strip().lower()
        if name not in (*KEY_COLUMNS, *FLAG_COLUMNS, *known_outcomes):
            unknown.append(original)
        elif name in columns:
            raise ContractError(
                str(path), f"columns '{columns[name]}' and '{original}' are both {name}", original
            )
        else:
            columns[name], types[name] = original, found
    in_file = [o for o in known_outcomes if o in columns]
    chosen = list(outcomes) if outcomes else in_file
    wrong = [o for o in chosen if o not in known_outcomes]
    if wrong:
        raise ParameterError(
            f"unknown outcome(s) {', '.join(wrong)}; known: {', '.join(known_outcomes)}"
        )
    schema = f"the schema has {', '.join(KEY_COLUMNS)}, the morbidity flags " + (
        f"{', '.join(FLAG_COLUMNS)} and one column per outcome code of outcomes.csv"
    )
    if unknown:
        raise ContractError(str(path), f"unexpected column(s) {', '.join(unknown)}; {schema}")
    flags = FLAG_COLUMNS if scheme == "morbidity" else ()
    missing = [c for c in (*KEY_COLUMNS, *flags, *chosen) if c not in columns]
    if missing:
        raise ContractError(str(path), f"missing column(s) {', '.join(missing)}; {schema}")
    if not chosen:
        raise ContractError(str(path), f"no outcome column; {schema}")
    kinds = ref.outcomes.set_index("code")["kind"]
    layout = InputLayout(
        path=path,
        kind=kind,
        scheme=scheme,
        outcomes=tuple(chosen),
        binary=frozenset(o for o in chosen if kinds[o] == "binary"),
        columns=columns,
        types=types,
    )
    if kind == "parquet":
        for name in layout.needed:
            if not _duckdb_type_ok(name, types[name]):
                raise ContractError(
                    str(path),
                    f"type {types[name]} does not fit {name} (text for gemeente_code and sex, "
                    "numbers for the others)",
                    columns[name],
                )
    return layout


def source_sql(layout: InputLayout, engine: str = "duckdb") -> str:
    """SQL of ``engine`` for ``person_year_rows``: the needed columns under their schema names,
    numbers parsed from CSV text (NULL when not a number), booleans as 0/1. The only SQL that
    differs between the engines (:data:`DIALECTS`)."""
    dialect = DIALECTS[engine]
    parts = []
    for name in layout.needed:
        column = _quote(layout.columns[name], dialect)
        if layout.kind == "csv" and name != "person_id" and name not in TEXT_COLUMNS:
            column = dialect["number"].format(column=column)
        elif layout.types[name].upper() == "BOOLEAN":
            column = f"CAST({column} AS INTEGER)"
        parts.append(f"{column} AS {name}")
    return f"SELECT {', '.join(parts)} FROM {_reader(layout.path, layout.kind, dialect)}"


# --- running it ------------------------------------------------------------------------------------


def _connect(memory_limit: str, threads: int | None, temp_directory: str):
    """A DuckDB connection that spills to ``temp_directory`` beyond ``memory_limit``."""
    import duckdb

    if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", str(memory_limit)):
        raise ParameterError(f"memory limit '{memory_limit}' is not a size such as 512MB or 2GB")
    if threads is not None and int(threads) < 1:
        raise ParameterError(f"threads must be at least 1, got {threads}")

    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(f"SET temp_directory = '{temp_directory}'")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    return con


def run_aggregation(
    con, layout: InputLayout, codes: pd.DataFrame, classification: str, ref: Reference
) -> pa.Table:
    """Register the tables, run :func:`aggregation_sql` and return its (small) result."""
    con.register("municipality_codes", codes[["source_code", "gemeente_id", "recoded"]])
    if layout.scheme == "agesex":
        con.register("agesex_classes", agesex_classes(ref))
    con.execute(f"CREATE OR REPLACE TEMPORARY VIEW person_year_rows AS {source_sql(layout)}")
    query = aggregation_sql(
        layout.scheme, list(layout.outcomes), layout.binary, classification, layout.kind, ref
    )
    try:
        return con.sql(query).to_arrow_table()
    except Exception as exc:  # duckdb.Error while streaming the file
        raise ContractError(str(layout.path), f"cannot be aggregated: {exc}") from exc


def _to_float(values: pa.ChunkedArray | pa.Array, scale: int) -> np.ndarray:
    """Exact integer sums divided by ``scale``, as the nearest float64 (NULL -> 0).

    Sums below 2**53 convert to float exactly and the division rounds once; wider ones (sums of
    squared cents) are divided as decimals, exactly, then rounded once. Either way the result
    depends only on the integer, not on the machine.
    """
    values = pc.fill_null(values, 0)
    try:
        whole = pc.cast(values, pa.int64()).to_numpy(zero_copy_only=False)
        if np.abs(whole).max(initial=0) < 2**53:
            return whole.astype(np.float64) / scale
    except pa.ArrowInvalid:
        pass
    with localcontext() as context:
        context.prec = 80
        return np.array([float(Decimal(v) / scale) for v in values.to_pylist()])


def _int(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Whole counts (NULL -> 0) as int64."""
    return pc.cast(pc.fill_null(values, 0), pa.int64()).to_numpy(zero_copy_only=False)


def _cells(table: pa.Table, layout: InputLayout) -> pd.DataFrame:
    """The aggregated cells (reason 0) as a frame of plain numbers, one column per statistic."""
    good = table.filter(pc.equal(table["reason"], 0))
    frame = pd.DataFrame(
        {
            "gemeente_id": _int(good["gemeente_id"]),
            "year": _int(good["year"]),
            "segment_id": _int(good["segment_id"]),
            "n_rows": _int(good["n_rows"]),
            "n_persons": _int(good["n_persons"]),
            "rows_recoded": _int(good["rows_recoded"]),
            "micro_years": _int(good["micro_years"]),
            "person_years": _to_float(good["micro_years"], MICRO_YEARS),
        }
    )
    for o in layout.outcomes:
        frame[f"sum_{o}"] = _to_float(good[f"cents_{o}"], CENTS)
        frame[f"sumsq_{o}"] = _to_float(good[f"squares_{o}"], CENTS * CENTS)
    return frame


def contract_frame(
    cells: pd.DataFrame, layout: InputLayout, targets: list[str], segments: dict[int, str]
) -> pd.DataFrame:
    """The contract table: every segment for every municipality x year with rows, per outcome.

    A segment without persons gets a cell of zeros. Binary outcomes take the number of rows as
    ``person_years`` (module docstring). Sorted by the contract's key.
    """
    pairs = cells[["gemeente_id", "year"]].drop_duplicates()
    grid = pairs.merge(pd.DataFrame({"segment_id": list(segments)}), how="cross")
    full = grid.merge(cells, on=["gemeente_id", "year", "segment_id"], how="left").fillna(0)
    base = pd.DataFrame(
        {
            "gemeente_code": np.asarray(targets, dtype=object)[full["gemeente_id"].to_numpy()],
            "year": full["year"].astype("int64").to_numpy(),
            "segment": full["segment_id"].map(segments).to_numpy(),
        }
    )
    parts = []
    for o in layout.outcomes:
        weight = full["n_rows"] if o in layout.binary else full["person_years"]
        parts.append(
            base.assign(
                outcome=o,
                n_persons=full["n_persons"].astype("int64").to_numpy(),
                person_years=weight.astype("float64").to_numpy(),
                value_sum=full[f"sum_{o}"].to_numpy(),
                value_sumsq=full[f"sumsq_{o}"].to_numpy(),
            )
        )
    frame = pd.concat(parts, ignore_index=True)[COLUMNS]
    return frame.sort_values(KEY, kind="mergesort").reset_index(drop=True)


def _balances(table: pa.Table, layout: InputLayout) -> list[ColumnBalance]:
    """Per summed column: aggregated, set aside (finite values of bad rows), negatives."""
    bad = table.filter(pc.not_equal(table["reason"], 0))
    good = table.filter(pc.equal(table["reason"], 0))
    balances = [
        ColumnBalance(
            column="insured_fraction",
            aggregated=_exact_total(good["micro_years"], MICRO_YEARS),
            set_aside=_exact_total(bad["micro_years"], MICRO_YEARS),
        )
    ]
    for o in layout.outcomes:
        balances.append(
            ColumnBalance(
                column=o,
                aggregated=_exact_total(good[f"cents_{o}"], CENTS),
                set_aside=_exact_total(bad[f"cents_{o}"], CENTS),
                negative_values=int(_int(good[f"negative_{o}"]).sum()),
            )
        )
    return balances


def _exact_total(values: pa.ChunkedArray, scale: int) -> float:
    """The exact total of integer sums (128-bit), divided by ``scale`` and rounded once."""
    total = pc.sum(values).as_py() or 0  # Arrow sums decimals exactly
    with localcontext() as context:
        context.prec = 80
        return float(Decimal(total) / scale)


def _reorganised(cells: pd.DataFrame, codes: pd.DataFrame, targets: list[str]) -> list[str]:
    """One line per municipality that received rows under codes of older classifications, with
    every reorganisation that leads to it (the query counts rows per municipality, not per old
    code, so the line lists the codes that may have occurred)."""
    moved = cells.groupby("gemeente_id")["rows_recoded"].sum()
    lines = []
    for gemeente_id, rows in moved[moved > 0].items():
        notes = codes.loc[(codes["gemeente_id"] == gemeente_id) & (codes["recoded"] == 1), "note"]
        lines.append(
            f"{targets[gemeente_id]}: {int(rows):,} row(s) under codes of older classifications, "
            f"of: {'; '.join(sorted(set(notes)))}"
        )
    return lines


def _rows_in_parquet(con, layout: InputLayout) -> int:
    """The row count the Parquet file itself states."""
    return int(
        con.execute(f"SELECT COUNT(*) FROM {_reader(layout.path, layout.kind)}").fetchone()[0]
    )


def aggregate(
    path: str | Path,
    scheme: str,
    classification: str | int | date = DEFAULT_CLASSIFICATION,
    outcomes: list[str] | None = None,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    threads: int | None = None,
    ref: Reference | None = None,
    engine: str = "duckdb",
    spark=None,
) -> AggregationResult:
    """Aggregate a file of person-year rows into the contract (see the module docstring).

    ``outcomes``: the outcome columns to aggregate (default: every outcome column of the file).
    ``memory_limit`` bounds DuckDB's memory (it spills to a temporary folder beyond it);
    ``threads`` defaults to DuckDB's choice (all cores). ``engine="spark"`` runs the same query on
    Spark instead (:func:`aggregate_spark`, with ``spark`` as its session; ``memory_limit`` and
    ``threads`` are then Spark's own configuration). Raises ContractError for a file that does
    not fit the schema, ParameterError for a bad scheme, outcome, classification or engine.
    """
    if engine not in ENGINES:
        raise ParameterError(f"unknown engine '{engine}'; choose one of {', '.join(ENGINES)}")
    if engine == "spark":
        return aggregate_spark(path, scheme, classification, outcomes, spark=spark, ref=ref)
    if scheme not in SCHEMES:
        raise ParameterError(f"unknown scheme '{scheme}'; choose one of {', '.join(SCHEMES)}")
    path = Path(path)
    if not path.exists():
        raise ContractError(str(path), "file not found")
    ref = ref or load_reference()
    target = classification_at(parse_classification(classification))
    codes = municipality_codes(target)
    with tempfile.TemporaryDirectory(prefix="lmp-aggregate-") as spill:
        con = _connect(memory_limit, threads, spill)
        try:
            layout = inspect_input(con, path, scheme, outcomes, ref)
            table = run_aggregation(con, layout, codes, target.label, ref)
            stated = _rows_in_parquet(con, layout) if layout.kind == "parquet" else None
        finally:
            con.close()
    return _result(table, layout, codes, target, ref, stated)


def _result(
    table: pa.Table,
    layout: InputLayout,
    codes: pd.DataFrame,
    target: Classification,
    ref: Reference,
    stated: int | None,
) -> AggregationResult:
    """The contract and its report from the query's result, whichever engine ran it."""
    targets = sorted(target.codes)
    segments = segment_codes(layout.scheme, ref)
    cells = _cells(table, layout)
    if cells.empty:
        raise ContractError(
            str(layout.path),
            f"no row could be aggregated: {_reasons_text(table, layout, target)}",
        )
    frame = contract_frame(cells, layout, targets, segments)
    report = _report(table, layout, cells, codes, targets, target, segments, stated)
    return AggregationResult(frame=frame, report=report, classification=target)


# --- the same query on Spark -----------------------------------------------------------------------

# Spark's type names (DataType.typeName()) as the DuckDB names the schema checks use.
SPARK_TYPES = {
    "string": "VARCHAR",
    "byte": "TINYINT",
    "short": "SMALLINT",
    "integer": "INTEGER",
    "long": "BIGINT",
    "float": "FLOAT",
    "double": "DOUBLE",
    "decimal": "DECIMAL",
    "boolean": "BOOLEAN",
}


def _spark_session(spark=None):
    """The given session, else the active one, else a new one: local mode (all cores) when run by
    plain Python, the cluster's when run by spark-submit. Imports pyspark only here."""
    if spark is not None:
        return spark
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ParameterError(
            "the Spark engine needs pyspark: pip install 'lmp[spark]' (and Java 17 or newer)"
        ) from exc
    return SparkSession.getActiveSession() or (
        SparkSession.builder.appName("lmp aggregate").getOrCreate()
    )


def _spark_columns(frame) -> list[tuple[str, str]]:
    """(column, DuckDB type name) of a Spark DataFrame, for :func:`layout_from_columns`."""
    pairs = []
    for field_ in frame.schema.fields:
        name = field_.dataType.typeName().split("(")[0]
        pairs.append((field_.name, SPARK_TYPES.get(name, name.upper())))
    return pairs


def _spark_view(spark, name: str, frame: pd.DataFrame, schema: str) -> None:
    """A small pandas frame as a Spark temporary view (missing values as NULL)."""
    rows = [
        tuple(None if pd.isna(v) else v.item() if hasattr(v, "item") else v for v in row)
        for row in frame.itertuples(index=False)
    ]
    spark.createDataFrame(rows, schema).createOrReplaceTempView(name)


def _spark_arrow(result) -> pa.Table:
    """A (small) Spark result as an Arrow table."""
    if hasattr(result, "toArrow"):  # pyspark 4
        return result.toArrow()
    return pa.Table.from_pandas(result.toPandas(), preserve_index=False)


def aggregate_spark(
    path: str | Path,
    scheme: str,
    classification: str | int | date = DEFAULT_CLASSIFICATION,
    outcomes: list[str] | None = None,
    spark=None,
    ref: Reference | None = None,
) -> AggregationResult:
    """:func:`aggregate` on Spark: the same query (:func:`aggregation_sql`), the same contract.

    ``path``: a local file or any location Spark reads (``hdfs://...``, ``s3a://...``; a folder of
    Parquet parts named ``*.parquet`` too). Parquet, or comma-separated CSV with a header (``.csv``,
    ``.csv.gz``). ``spark``: a SparkSession (default: the active one, else a new one, which is
    local mode under plain Python and the cluster's under spark-submit). Spark reads the file into
    the view ``person_year_input``; :func:`source_sql` with :data:`SPARK_READERS` makes
    ``person_year_rows`` of it, and the reference tables become views as on DuckDB. Only the small
    result (one row per cell) comes back to the driver. The report's SHA-256 is left empty for a
    file that is not on the local disk.
    """
    if scheme not in SCHEMES:
        raise ParameterError(f"unknown scheme '{scheme}'; choose one of {', '.join(SCHEMES)}")
    location = str(path)
    remote = "://" in location
    local = Path(location)
    if not remote and not local.exists():
        raise ContractError(location, "file not found")
    name = Path(location.split("://", 1)[-1])  # for the format and the report only
    kind = _kind(name)
    ref = ref or load_reference()
    target = classification_at(parse_classification(classification))
    codes = municipality_codes(target)
    spark = _spark_session(spark)
    reader = spark.read
    try:
        if kind == "parquet":
            frame = reader.parquet(location)
        else:
            frame = reader.csv(location, header=True, inferSchema=False)
    except Exception as exc:  # pyspark AnalysisException: unreadable file
        raise ContractError(location, f"cannot be read as {kind}: {exc}") from exc
    layout = layout_from_columns(
        name if remote else local, kind, _spark_columns(frame), scheme, outcomes, ref
    )
    frame.createOrReplaceTempView(SPARK_INPUT_VIEW)
    _spark_view(
        spark,
        "municipality_codes",
        codes[["source_code", "gemeente_id", "recoded"]],
        "source_code STRING, gemeente_id BIGINT, recoded INT",
    )
    if scheme == "agesex":
        _spark_view(
            spark,
            "agesex_classes",
            agesex_classes(ref),
            "class_sex STRING, class_age INT, segment_id INT",
        )
    spark.sql(source_sql(layout, "spark")).createOrReplaceTempView("person_year_rows")
    query = aggregation_sql(
        scheme, list(layout.outcomes), layout.binary, target.label, layout.kind, ref
    )
    try:
        table = _spark_arrow(spark.sql(query))
        stated = frame.count() if kind == "parquet" else None
    except Exception as exc:  # Spark error while reading the file
        raise ContractError(location, f"cannot be aggregated: {exc}") from exc
    return _result(table, layout, codes, target, ref, stated)


def _set_aside(table: pa.Table, layout: InputLayout, label: str) -> dict[str, int]:
    """Rows set aside, by reason (in the order of :func:`set_aside_reasons`), reasons with none
    left out."""
    reasons = [
        text
        for _, text in set_aside_reasons(
            layout.scheme, list(layout.outcomes), set(layout.binary), label, layout.kind
        )
    ]
    bad = table.filter(pc.not_equal(table["reason"], 0))
    counts = dict.fromkeys(reasons, 0)
    for reason, rows in zip(_int(bad["reason"]), _int(bad["n_rows"]), strict=True):
        counts[reasons[reason - 1]] += int(rows)
    return {reason: rows for reason, rows in counts.items() if rows}


def _reasons_text(table: pa.Table, layout: InputLayout, target: Classification) -> str:
    """The reasons rows were set aside, with their counts, for a message."""
    counts = _set_aside(table, layout, target.label)
    return "; ".join(f"{rows:,} row(s) {reason}" for reason, rows in counts.items()) or "no rows"


def _report(
    table: pa.Table,
    layout: InputLayout,
    cells: pd.DataFrame,
    codes: pd.DataFrame,
    targets: list[str],
    target: Classification,
    segments: dict[int, str],
    stated_rows: int | None,
) -> AggregationReport:
    """The import report; raises ContractError if rows in != rows aggregated + set aside."""
    set_aside = _set_aside(table, layout, target.label)
    aggregated = int(cells["n_rows"].sum())
    rows_in = aggregated + sum(set_aside.values())
    if stated_rows is not None and stated_rows != rows_in:
        raise ContractError(
            str(layout.path),
            f"the file states {stated_rows:,} rows but {rows_in:,} were counted: a bug",
        )
    pairs = cells[["gemeente_id", "year"]].drop_duplicates()
    beyond = cells[cells["micro_years"] > cells["n_persons"] * MICRO_YEARS]
    return AggregationReport(
        file=layout.path.name,
        sha256=file_sha256(layout.path) if layout.path.is_file() else "",
        format=layout.kind,
        scheme=layout.scheme,
        analysis_classification=target.label,
        rows_in=rows_in,
        rows_aggregated=aggregated,
        rows_set_aside=set_aside,
        rows_of_persons_already_in_cell=int((cells["n_rows"] - cells["n_persons"]).sum()),
        cells_insured_beyond_persons=len(beyond),
        cells_insured_beyond_persons_first=[
            f"{targets[g]} {y} {segments[s]}"
            for g, y, s in beyond[["gemeente_id", "year", "segment_id"]].head(5).to_numpy()
        ],
        values_rounded=int(_int(table.filter(pc.equal(table["reason"], 0))["rounded"]).sum()),
        years=sorted(int(y) for y in pairs["year"].unique()),
        municipalities=int(pairs["gemeente_id"].nunique()),
        cells_per_outcome=len(pairs) * len(segments),
        cells_without_persons=len(pairs) * len(segments) - len(cells),
        outcomes_written=list(layout.outcomes),
        reorganised=_reorganised(cells, codes, targets),
        balances=_balances(table, layout),
    )


# --- writing it ------------------------------------------------------------------------------------


def write_aggregate(result: AggregationResult, out: str | Path) -> list[Path]:
    """Write the contract (Parquet or CSV) and, beside it, the import report (JSON and Markdown),
    as :func:`lmp.sources.vektis.write_import` does."""
    out = Path(out)
    frame = result.frame
    if out.name.lower().endswith(".parquet"):
        atomic_write(out, lambda tmp: frame.to_parquet(tmp, index=False, compression="zstd"))
    else:
        atomic_write(out, lambda tmp: frame.to_csv(tmp, index=False, lineterminator="\n"))
    stem = out.name.split(".")[0]
    report = result.report
    provenance = {
        "source": f"person-year microdata ({report.file}), aggregated by lmp aggregate",
        "segment_scheme": report.scheme,
        "classification": result.classification.label,
        "synthetic": False,
        "aggregation": report.to_dict(),
    }
    json_path = out.with_name(f"{stem}.import.json")
    text = json.dumps(provenance, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    atomic_write(json_path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    md_path = out.with_name(f"{stem}.import.md")
    markdown = report_markdown(result, out.name)
    atomic_write(md_path, lambda tmp: tmp.write_text(markdown, encoding="utf-8"))
    return [out, json_path, md_path]


def _number(value: float) -> str:
    return f"{value:,.2f}"


def report_markdown(result: AggregationResult, out_name: str) -> str:
    """The import report for people."""
    r = result.report
    years = f"{r.years[0]}-{r.years[-1]}" if r.years else "none"
    lines = [
        f"# Import report: {out_name}",
        "",
        f"Source: person-year microdata `{r.file}` ({r.format}), aggregated by `lmp aggregate`.",
        f"Analysis classification: municipalities of {r.analysis_classification} "
        f"({len(result.classification.codes)}). Segment scheme: {r.scheme}.",
        "",
        f"- SHA-256 `{r.sha256}`",
        f"- rows in: {r.rows_in:,}; aggregated: {r.rows_aggregated:,}; set aside: "
        f"{sum(r.rows_set_aside.values()):,}",
    ]
    for reason, count in r.rows_set_aside.items():
        lines.append(f"- set aside: {count:,} row(s), {reason}")
    lines += [
        f"- rows of a person already counted in the same cell (summed, counted once in "
        f"n_persons): {r.rows_of_persons_already_in_cell:,}",
        f"- cells with more insured-years than persons (overlapping spells or rows delivered "
        f"twice): {r.cells_insured_beyond_persons:,}"
        + (
            f", first {', '.join(r.cells_insured_beyond_persons_first)}"
            if r.cells_insured_beyond_persons
            else ""
        ),
        f"- years {years}; {r.municipalities} municipalities; {r.cells_per_outcome:,} cells per "
        f"outcome, of which {r.cells_without_persons:,} without persons (written as zeros)",
    ]
    for note in r.reorganised:
        lines.append(f"- reorganisation: {note}")
    lines += [
        f"- outcomes written: {', '.join(r.outcomes_written)}",
        "",
        "| column | aggregated | set aside | negative values |",
        "|---|---:|---:|---:|",
    ]
    for b in r.balances:
        lines.append(
            f"| {b.column} | {_number(b.aggregated)} | {_number(b.set_aside)} "
            f"| {b.negative_values:,} |"
        )
    lines += [
        "",
        f"Money is summed in whole cents and insured time in whole micro-years; "
        f"{r.values_rounded:,} value(s) had more digits and were rounded to them. Set-aside sums "
        "count the finite values of the rows set aside.",
        "",
    ]
    return "\n".join(lines)


# --- a driver for spark-submit ---------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """``python -m lmp.aggregate`` / ``spark-submit .../lmp/aggregate.py``: one file into the
    contract, on DuckDB or (``--engine spark``) on the Spark session spark-submit provides. The
    contract and its report are written on the driver (they are small). Arguments as
    ``lmp aggregate``; returns the exit code."""
    import argparse

    parser = argparse.ArgumentParser(prog="lmp.aggregate", description=main.__doc__)
    parser.add_argument("input", help="person-year rows: local path, hdfs://..., s3a://...")
    parser.add_argument("--out", required=True, help="a .parquet or .csv path on the driver")
    parser.add_argument("--scheme", required=True, choices=SCHEMES)
    parser.add_argument("--classification", default=DEFAULT_CLASSIFICATION)
    parser.add_argument("--outcomes", nargs="+")
    parser.add_argument("--engine", choices=ENGINES, default="duckdb")
    args = parser.parse_args(argv)
    try:
        result = aggregate(
            args.input, args.scheme, args.classification, args.outcomes, engine=args.engine
        )
        written = write_aggregate(result, args.out)
    except (ContractError, ParameterError, CatalogueError) as exc:
        print(f"error: {exc}")
        return 2
    r = result.report
    print(
        f"rows in {r.rows_in:,}, aggregated {r.rows_aggregated:,}, set aside "
        f"{sum(r.rows_set_aside.values()):,}; wrote {', '.join(str(w) for w in written)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
