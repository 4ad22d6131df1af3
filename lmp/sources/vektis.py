"""Vektis open data (Zvw costs per municipality, sex and age class) -> lmp's data contract.

One published file per year (``Open databestand Zorgverzekeringswet <year> - gemeente``):
``;``-separated, one row per municipality x sex x age class with ``AANTAL_BSN`` (distinct insured
persons), ``AANTAL_VERZEKERDEJAREN`` (insured-years) and one ``KOSTEN_*`` column of euros per
care category. What this module assumes of a file, and checks:

- headers in any case; a cost column is matched by its known name in
  ``data/reference/vektis_columns.csv`` or, when a publisher truncated it, as the unique known name
  it is a prefix of. A ``KOSTEN_`` column the catalogue does not know is an error until the
  catalogue classifies it (in cost_total or excluded), so nothing is ignored silently;
- ``.`` or ``,`` as the decimal mark (one per column), no thousands separators, a BOM allowed;
  money and insured-years are kept in whole cents (values are published with two decimals; any
  value with more is rounded to cents and counted in the import report), so every sum is exact
  and the same on every processor;
- the year comes from ``year=`` or a four-digit year in the file name;
- the municipality names of a file are matched to one dated classification (the one whose names
  they are, exactly; see :mod:`lmp.sources.classification`) and aggregated forward to the
  analysis classification;
- the row with no municipality (insured persons not placed in any) is set aside and reported;
  cells absent from a file (suppressed: fewer than 10 persons) are reported, not invented;
  negative costs (claims corrections) are kept and counted.

The import report (:class:`FileReport`) balances, per cost column, the euros of the file with
those written, excluded and set aside, and the insured-years likewise; the import fails if a
balance does not hold.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from lmp.errors import CatalogueError, ContractError, ParameterError
from lmp.files import atomic_write
from lmp.reference import REFERENCE_DIR
from lmp.sources.classification import (
    BASE_DATE,
    Classification,
    classification_at,
    classification_dates,
    forward_map,
    load_aliases,
    match_names,
    parse_classification,
)

VEKTIS_DIR = REFERENCE_DIR.parent / "vektis"
IDENTITY = {
    "GESLACHT": "sex",
    "LEEFTIJDSKLASSE": "age_class",
    "GEMEENTENAAM": "name",
    "AANTAL_BSN": "n_persons",
    "AANTAL_VERZEKERDEJAREN": "person_years",
}
SEXES = {"M": "M", "MAN": "M", "V": "V", "VROUW": "V"}
SCHEME = "agesex"


@dataclass(frozen=True)
class CostCatalogue:
    """The known KOSTEN_ columns and how each outcome is built from them."""

    in_total: dict[str, bool]  # column -> counted in cost_total
    terms: dict[str, list[tuple[list[str], bool]]]  # outcome -> [(alternatives, required)]

    @property
    def columns(self) -> list[str]:
        return list(self.in_total)


def load_cost_catalogue(reference_dir: Path = REFERENCE_DIR) -> CostCatalogue:
    """``vektis_columns.csv`` and ``vektis_outcomes.csv``, checked against each other."""
    columns = pd.read_csv(
        Path(reference_dir) / "vektis_columns.csv", dtype=str, keep_default_na=False
    )
    bad = columns[~columns["in_total"].isin(["yes", "no"])]
    if not bad.empty:
        raise CatalogueError(
            f"vektis_columns.csv: in_total must be yes or no (column {bad.iloc[0]['column']})"
        )
    in_total = dict(zip(columns["column"], columns["in_total"] == "yes", strict=True))
    outcomes = pd.read_csv(
        Path(reference_dir) / "vektis_outcomes.csv", dtype=str, keep_default_na=False
    )
    terms: dict[str, list[tuple[list[str], bool]]] = {}
    for row in outcomes.itertuples(index=False):
        alternatives = (
            [c for c, counted in in_total.items() if counted]
            if row.columns == "*"
            else row.columns.split("|")
        )
        unknown = [c for c in alternatives if c not in in_total]
        if unknown:
            raise CatalogueError(
                f"vektis_outcomes.csv: outcome {row.outcome} names unknown column(s) "
                f"{', '.join(unknown)} (not in vektis_columns.csv)"
            )
        terms.setdefault(row.outcome, []).append((alternatives, row.required == "yes"))
    return CostCatalogue(in_total=in_total, terms=terms)


def year_from_name(path: Path) -> int:
    """The one four-digit year (19xx or 20xx) in a file name."""
    years = set(re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", Path(path).name))
    if len(years) != 1:
        found = "no year" if not years else f"years {', '.join(sorted(years))}"
        raise ParameterError(f"{path}: found {found} in the file name; give the year (--year)")
    return int(years.pop())


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise ContractError(str(path), "file not found")
    raw = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        try:
            raw = gzip.decompress(raw)
        except OSError as exc:
            raise ContractError(str(path), f"cannot be read as gzip: {exc}") from exc
    return raw


def published_checksums(folder: Path = VEKTIS_DIR) -> dict[str, str]:
    """File name -> SHA-256 as published, from ``SHA256SUMS`` in ``folder`` (if there is one)."""
    sums = Path(folder) / "SHA256SUMS"
    if not sums.exists():
        return {}
    pairs = (line.split() for line in sums.read_text(encoding="utf-8").splitlines() if line.strip())
    return {name: digest for digest, name in pairs}


def _parse_age(label: str) -> tuple[int, int | None] | None:
    """``' 5 t/m  9 jaar'`` -> (5, 9); ``'90+'`` or ``'90 jaar en ouder'`` -> (90, None)."""
    text = label.strip().lower()
    span = re.fullmatch(r"(\d+)\s*(?:t/m|-|tot en met)\s*(\d+)(?:\s*jaar)?", text)
    if span:
        return int(span.group(1)), int(span.group(2))
    top = re.fullmatch(r"(\d+)\s*(?:\+|jaar en ouder|\+\s*jaar)", text)
    if top:
        return int(top.group(1)), None
    return None


def segment_code(sex: str, low: int, high: int | None) -> str:
    """The contract's age-sex segment code: ``M_05_09``, ``V_90_plus``."""
    return f"{sex}_{low:02d}_plus" if high is None else f"{sex}_{low:02d}_{high:02d}"


def _cents(text: pd.Series, column: str, path: Path) -> tuple[np.ndarray, int]:
    """Whole cents from published numbers, and how many values had to be rounded to cents."""
    values = text.str.strip()
    empty = values == ""
    if empty.any():
        row = int(np.flatnonzero(empty)[0]) + 1
        raise ContractError(str(path), "empty value", column=column, row=row, line=row + 1)
    has_comma, has_point = (
        values.str.contains(",", regex=False),
        values.str.contains(".", regex=False),
    )
    if has_comma.any() and has_point.any():
        row = int(np.flatnonzero(has_comma)[0]) + 1
        raise ContractError(
            str(path),
            "both ',' and '.' occur in this column: the decimal mark is ambiguous",
            column=column,
            row=row,
            line=row + 1,
        )
    if has_comma.any():
        values = values.str.replace(",", ".", regex=False)
    ok = values.str.fullmatch(r"[+-]?(?:\d+\.?\d*|\.\d+)")
    if not ok.all():
        row = int(np.flatnonzero(~ok)[0]) + 1
        raise ContractError(
            str(path),
            f"'{text.iloc[row - 1]}' is not a number",
            column=column,
            row=row,
            line=row + 1,
        )
    numbers = values.astype(float).to_numpy() * 100.0
    cents = np.round(numbers)
    rounded = int((np.abs(numbers - cents) > 1e-6).sum())
    return cents.astype(np.int64), rounded


@dataclass
class ColumnBalance:
    """Euros (or insured-years) of one column: in the file = written + excluded + set aside."""

    column: str
    in_file: float
    written: float
    excluded: float
    set_aside: float
    negative_values: int = 0


@dataclass
class FileReport:
    """What happened to one file: what came in, what was written, what was set aside and why."""

    file: str
    sha256: str
    checksum: str  # 'matches SHA256SUMS', 'not listed in SHA256SUMS'
    year: int
    classification: str
    analysis_classification: str
    rows_in: int
    rows_municipality: int
    rows_set_aside: dict[str, int]
    cells_written: int
    cells_absent: int
    values_rounded_to_cents: int
    header: dict[str, str]  # file header -> canonical column
    reorganised: list[str]
    outcomes_written: list[str]
    outcomes_not_available: dict[str, str]
    balances: list[ColumnBalance] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class ParsedFile:
    """One file, read and checked: municipality rows in cents, the set-aside rows, the header map."""

    path: Path
    year: int
    sha256: str
    checksum: str
    rows: (
        pd.DataFrame
    )  # name, sex, age_low, age_high, n_persons, person_years_c, cost columns (cents)
    set_aside: pd.DataFrame
    header: dict[str, str]
    costs: list[str]
    rounded: int
    rows_in: int


def _map_header(columns: list[str], catalogue: CostCatalogue, path: Path) -> dict[str, str]:
    """File header -> canonical name: identity columns exactly, cost columns by name or prefix."""
    mapping: dict[str, str] = {}
    for original in columns:
        name = str(original).strip().upper()
        if name in IDENTITY:
            mapping[original] = name
        elif name.startswith("KOSTEN_"):
            if name in catalogue.in_total:
                mapping[original] = name
                continue
            fits = [known for known in catalogue.columns if known.startswith(name)]
            if len(fits) == 1:
                mapping[original] = fits[0]
            elif len(fits) > 1:
                raise ContractError(
                    str(path),
                    f"truncated cost column fits {len(fits)} known columns ({', '.join(fits)})",
                    column=str(original),
                )
            else:
                raise ContractError(
                    str(path),
                    "unknown cost column: classify it in data/reference/vektis_columns.csv "
                    "(in cost_total or excluded) before importing",
                    column=str(original),
                )
        else:
            raise ContractError(
                str(path),
                f"unexpected column; a Vektis gemeente file has {', '.join(IDENTITY)} and KOSTEN_*",
                column=str(original),
            )
    missing = [c for c in IDENTITY if c not in mapping.values()]
    if missing:
        raise ContractError(str(path), f"missing column(s) {', '.join(missing)}")
    seen: dict[str, str] = {}
    for original, canonical in mapping.items():
        if canonical in seen:
            raise ContractError(
                str(path),
                f"columns '{seen[canonical]}' and '{original}' are both {canonical}",
                column=str(original),
            )
        seen[canonical] = original
    return mapping


def read_file(
    path: str | Path,
    year: int | None = None,
    catalogue: CostCatalogue | None = None,
    checksums: dict[str, str] | None = None,
) -> ParsedFile:
    """Read and check one published gemeente file (CSV, optionally gzipped).

    When a ``SHA256SUMS`` beside the file (or ``checksums``) lists its name (without ``.gz``), the
    SHA-256 of its uncompressed bytes must match it.
    """
    path = Path(path)
    catalogue = catalogue or load_cost_catalogue()
    year = year if year is not None else year_from_name(path)
    raw = _read_bytes(path)
    digest = hashlib.sha256(raw).hexdigest()
    published = (published_checksums(path.parent) if checksums is None else checksums).get(
        re.sub(r"\.gz$", "", path.name, flags=re.IGNORECASE)
    )
    if published is not None and published != digest:
        raise ContractError(
            str(path), f"SHA-256 {digest} differs from the published {published} (SHA256SUMS)"
        )
    checksum = "matches SHA256SUMS" if published else "not listed in SHA256SUMS"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    header_line = text.split("\n", 1)[0]
    sep = max([";", ",", "\t"], key=header_line.count)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise ContractError(str(path), f"cannot be read as CSV: {exc}") from exc
    header = _map_header(list(frame.columns), catalogue, path)
    frame = frame.rename(columns=header)
    costs = [c for c in catalogue.columns if c in frame.columns]
    rounded = 0
    cents = {}
    for column in ["AANTAL_BSN", "AANTAL_VERZEKERDEJAREN", *costs]:
        cents[column], n = _cents(frame[column], column, path)
        rounded += n
    persons = cents["AANTAL_BSN"]
    for column, bad, what in [
        ("AANTAL_BSN", persons % 100 != 0, "is not a whole number of persons"),
        ("AANTAL_BSN", persons < 0, "is a negative count"),
        ("AANTAL_VERZEKERDEJAREN", cents["AANTAL_VERZEKERDEJAREN"] < 0, "is negative"),
    ]:
        if bad.any():
            row = int(np.flatnonzero(bad)[0]) + 1
            value = frame[column].iloc[row - 1]
            raise ContractError(
                str(path), f"'{value}' {what}", column=column, row=row, line=row + 1
            )
    names = frame["GEMEENTENAAM"].str.strip()
    placed = names != ""
    rows = pd.DataFrame({"name": names})
    rows["n_persons"] = persons // 100
    rows["person_years_c"] = cents["AANTAL_VERZEKERDEJAREN"]
    for column in costs:
        rows[column] = cents[column]
    sex = frame["GESLACHT"].str.strip().str.upper().map(SEXES)
    ages = frame["LEEFTIJDSKLASSE"].map(_parse_age)
    for column, bad, what in [
        ("GESLACHT", placed & sex.isna(), "is not a sex (M or V)"),
        (
            "LEEFTIJDSKLASSE",
            placed & ages.isna(),
            "is not an age class (e.g. ' 5 t/m  9 jaar', '90+')",
        ),
    ]:
        if bad.any():
            row = int(np.flatnonzero(bad)[0]) + 1
            value = frame[column].iloc[row - 1]
            raise ContractError(
                str(path), f"'{value}' {what}", column=column, row=row, line=row + 1
            )
    rows["sex"] = sex
    rows["age_low"] = [a[0] if a else -1 for a in ages]
    rows["age_high"] = [a[1] if a and a[1] is not None else -1 for a in ages]
    municipal = rows[placed].copy()
    municipal["row"] = np.flatnonzero(placed) + 1
    dup = municipal.duplicated(["name", "sex", "age_low"], keep=False)
    if dup.any():
        first, second = municipal.loc[dup, "row"].iloc[:2]
        raise ContractError(
            str(path),
            f"duplicate cell ({municipal.loc[dup, 'name'].iloc[0]}, "
            f"{municipal.loc[dup, 'sex'].iloc[0]}, age {municipal.loc[dup, 'age_low'].iloc[0]}), "
            f"also at row {first}",
            column="GEMEENTENAAM",
            row=int(second),
            line=int(second) + 1,
        )
    return ParsedFile(
        path=path,
        year=int(year),
        sha256=digest,
        checksum=checksum,
        rows=municipal.drop(columns="row").reset_index(drop=True),
        set_aside=rows[~placed].reset_index(drop=True),
        header={str(k): v for k, v in header.items()},
        costs=costs,
        rounded=rounded,
        rows_in=len(frame),
    )


def identify_classification(parsed: ParsedFile) -> tuple[Classification, dict[str, str]]:
    """The dated classification whose municipality names the file holds, exactly.

    Raises ContractError listing every name that fits no classification, or, when all names are
    known but no classification fits exactly, the differences with the closest one.
    """
    names = sorted(parsed.rows["name"].unique())
    aliases = load_aliases()
    # the 2020 classification first (that of data/reference/gemeenten.csv; the same municipalities
    # as on 1 January 2019), then every date on which the classification changed
    dates = [BASE_DATE] + [d for d in classification_dates() if d != BASE_DATE]
    candidates = [classification_at(d) for d in dates]
    best = None
    for candidate in candidates:
        found, unknown = match_names(names, candidate, aliases)
        codes = list(found.values())
        if not unknown and len(set(codes)) == len(codes) and set(codes) == candidate.codes:
            return candidate, found
        missing = candidate.codes - set(codes)
        score = len(unknown) + len(missing)
        if best is None or score < best[0]:
            best = (score, candidate, unknown, missing)
    everywhere = [n for n in names if all(match_names([n], c, aliases)[1] for c in candidates)]
    if everywhere:
        raise ContractError(
            str(parsed.path),
            f"{len(everywhere)} municipality name(s) match no municipality of any known "
            f"classification: {', '.join(everywhere)}. Add a spelling to "
            "data/reference/gemeente_aliases.csv or a reorganisation to gemeente_changes.csv",
            column="GEMEENTENAAM",
        )
    _, closest, unknown, missing = best
    closest_names = [closest.names[c] for c in sorted(missing)]
    raise ContractError(
        str(parsed.path),
        f"its municipality names fit no dated classification exactly; closest is {closest.label}: "
        f"not in it {', '.join(unknown) or 'none'}; missing from the file "
        f"{', '.join(closest_names) or 'none'}",
        column="GEMEENTENAAM",
    )


def _outcome_cents(
    rows: pd.DataFrame, costs: list[str], catalogue: CostCatalogue
) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Each outcome's cents per row, and the outcomes this file cannot give (with the reason)."""
    values, missing = {}, {}
    for outcome, terms in catalogue.terms.items():
        total = np.zeros(len(rows), dtype=np.int64)
        for alternatives, required in terms:
            present = [c for c in alternatives if c in costs]
            if required and not present:
                missing[outcome] = f"no column {' or '.join(alternatives)} in this file"
                break
            for column in present:
                total += rows[column].to_numpy()
        else:
            values[outcome] = total
    return values, missing


@dataclass
class ImportResult:
    """The contract table of all files and one report per file."""

    frame: pd.DataFrame
    reports: list[FileReport]
    classification: Classification


def import_files(
    paths: list[str | Path],
    classification: str | date | None = None,
    year: int | None = None,
    reference_dir: Path = REFERENCE_DIR,
) -> ImportResult:
    """Import published gemeente files into one contract table in one classification.

    ``classification`` (a year or a date) defaults to the newest classification among the files.
    ``year`` may be given only for a single file.
    """
    if year is not None and len(paths) != 1:
        raise ParameterError("--year can only be given with a single file")
    catalogue = load_cost_catalogue(reference_dir)
    parsed = [read_file(p, year, catalogue) for p in paths]
    years = [p.year for p in parsed]
    twice = sorted({y for y in years if years.count(y) > 1})
    if twice:
        raise ParameterError(f"more than one file for year(s) {', '.join(map(str, twice))}")
    identified = [identify_classification(p) for p in parsed]
    if classification is None:
        target = max((c for c, _ in identified), key=lambda c: c.valid_from)
    else:
        target = classification_at(parse_classification(classification))
    frames, reports = [], []
    for file, (source, codes) in zip(parsed, identified, strict=True):
        frame, report = _convert(file, source, codes, target, catalogue)
        frames.append(frame)
        reports.append(report)
    frame = pd.concat(frames, ignore_index=True)
    frame = frame.sort_values(["gemeente_code", "year", "segment", "outcome"], kind="mergesort")
    return ImportResult(frame.reset_index(drop=True), reports, target)


def _convert(
    file: ParsedFile,
    source: Classification,
    codes: dict[str, str],
    target: Classification,
    catalogue: CostCatalogue,
) -> tuple[pd.DataFrame, FileReport]:
    moves = forward_map(source, target)
    rows = file.rows.copy()
    rows["source_code"] = rows["name"].map(codes)
    rows["gemeente_code"] = rows["source_code"].map(lambda c: moves[c][0])
    rows["segment"] = [
        segment_code(s, lo, None if hi < 0 else hi)
        for s, lo, hi in zip(rows["sex"], rows["age_low"], rows["age_high"], strict=True)
    ]
    present = rows.groupby("source_code").size()
    cells_absent = int(len(source.codes) * _cells_per_municipality(rows) - present.sum())
    money = ["person_years_c", "n_persons", *file.costs]
    cells = rows.groupby(["gemeente_code", "segment"], sort=True)[money].sum().reset_index()
    outcomes, missing = _outcome_cents(cells, file.costs, catalogue)
    out = []
    for outcome, cents in outcomes.items():
        out.append(
            pd.DataFrame(
                {
                    "gemeente_code": cells["gemeente_code"],
                    "year": file.year,
                    "segment": cells["segment"],
                    "outcome": outcome,
                    "n_persons": cells["n_persons"].astype("int64"),
                    "person_years": cells["person_years_c"].to_numpy() / 100.0,
                    "value_sum": cents / 100.0,
                }
            )
        )
    frame = pd.concat(out, ignore_index=True)
    balances = _balances(file, cells, outcomes, catalogue)
    report = FileReport(
        file=file.path.name,
        sha256=file.sha256,
        checksum=file.checksum,
        year=file.year,
        classification=source.label,
        analysis_classification=target.label,
        rows_in=file.rows_in,
        rows_municipality=len(file.rows),
        rows_set_aside={"no municipality (insured persons not placed in one)": len(file.set_aside)},
        cells_written=len(cells),
        cells_absent=cells_absent,
        values_rounded_to_cents=file.rounded,
        header=file.header,
        reorganised=sorted({note for _, note in moves.values() if note}),
        outcomes_written=sorted(outcomes),
        outcomes_not_available=dict(sorted(missing.items())),
        balances=balances,
    )
    return frame, report


def _cells_per_municipality(rows: pd.DataFrame) -> int:
    """Sex x age classes the file publishes (those seen anywhere in it)."""
    return int(rows[["sex", "age_low"]].drop_duplicates().shape[0])


def _balances(
    file: ParsedFile, cells: pd.DataFrame, outcomes: dict[str, np.ndarray], catalogue: CostCatalogue
) -> list[ColumnBalance]:
    """Per column: file = written + excluded + set aside, checked in whole cents, else an error.

    ``written`` is what reached cost_total; ``excluded`` the municipality rows of a column left out
    of cost_total (it may still be written as a sector outcome, e.g. cost_nursing). The cost_total
    written must equal the sum of the written columns, and every outcome the sum of its columns.
    """
    balances = []
    for column in ["AANTAL_VERZEKERDEJAREN", *file.costs]:
        source = "person_years_c" if column == "AANTAL_VERZEKERDEJAREN" else column
        in_rows = int(file.rows[source].sum())
        aside = int(file.set_aside[source].sum())
        in_cells = int(cells[source].sum())
        counted = column == "AANTAL_VERZEKERDEJAREN" or catalogue.in_total[column]
        if in_cells != in_rows:
            raise ContractError(
                str(file.path), f"forward aggregation changed the sum of {column}: a bug"
            )
        balances.append(
            ColumnBalance(
                column=column,
                in_file=(in_rows + aside) / 100,
                written=in_cells / 100 if counted else 0.0,
                excluded=0.0 if counted else in_cells / 100,
                set_aside=aside / 100,
                negative_values=int(
                    (file.rows[source] < 0).sum() + (file.set_aside[source] < 0).sum()
                ),
            )
        )
    if "cost_total" in outcomes:
        total = int(outcomes["cost_total"].sum())
        expected = sum(int(cells[c].sum()) for c in file.costs if catalogue.in_total[c])
        if total != expected:
            raise ContractError(str(file.path), "cost_total does not add up to its columns: a bug")
    return balances


def write_import(result: ImportResult, out: str | Path) -> list[Path]:
    """Write the contract (Parquet or CSV) and, beside it, the import report (JSON and Markdown)."""
    out = Path(out)
    frame = result.frame
    if out.name.lower().endswith(".parquet"):
        atomic_write(out, lambda tmp: frame.to_parquet(tmp, index=False, compression="zstd"))
    else:
        atomic_write(out, lambda tmp: frame.to_csv(tmp, index=False, lineterminator="\n"))
    stem = out.name.split(".")[0]
    provenance = {
        "source": "Vektis, Open databestand Zorgverzekeringswet <year> - gemeente, https://www.vektis.nl/open-data",
        "segment_scheme": SCHEME,
        "classification": result.classification.label,
        "synthetic": False,
        "files": [r.to_dict() for r in result.reports],
    }
    json_path = out.with_name(f"{stem}.import.json")
    text = json.dumps(provenance, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    atomic_write(json_path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    md_path = out.with_name(f"{stem}.import.md")
    markdown = report_markdown(result, out.name)
    atomic_write(md_path, lambda tmp: tmp.write_text(markdown, encoding="utf-8"))
    return [out, json_path, md_path]


def _money(value: float) -> str:
    return f"{value:,.2f}"


def report_markdown(result: ImportResult, out_name: str) -> str:
    """The import report for people: one section per file."""
    lines = [
        f"# Import report: {out_name}",
        "",
        "Source: Vektis, *Open databestand Zorgverzekeringswet <year> – gemeente*, "
        "https://www.vektis.nl/open-data",
        f"Analysis classification: municipalities of {result.classification.label} "
        f"({len(result.classification.codes)}).",
        "",
    ]
    for r in result.reports:
        lines += [
            f"## {r.file} (year {r.year})",
            "",
            f"- SHA-256 `{r.sha256}` ({r.checksum})",
            f"- classification of its names: {r.classification}; written in {r.analysis_classification}",
            f"- rows in: {r.rows_in:,}; municipality rows: {r.rows_municipality:,}; "
            f"cells written: {r.cells_written:,} per outcome",
        ]
        for reason, count in r.rows_set_aside.items():
            lines.append(f"- set aside: {count} row(s), {reason}")
        lines.append(
            f"- cells absent from the file (suppressed, fewer than 10 persons; not invented): "
            f"{r.cells_absent}"
        )
        lines.append(f"- values rounded to whole cents: {r.values_rounded_to_cents}")
        for note in r.reorganised:
            lines.append(f"- reorganisation: {note}")
        lines.append(f"- outcomes written: {', '.join(r.outcomes_written)}")
        for outcome, why in r.outcomes_not_available.items():
            lines.append(f"- not available: {outcome} ({why})")
        lines += [
            "",
            "| column | in file | written (cost_total) | excluded | set aside | negative values |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for b in r.balances:
            lines.append(
                f"| {b.column} | {_money(b.in_file)} | {_money(b.written)} | {_money(b.excluded)} "
                f"| {_money(b.set_aside)} | {b.negative_values} |"
            )
        lines.append("")
    return "\n".join(lines)
