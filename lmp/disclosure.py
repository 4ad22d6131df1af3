"""Small-cell suppression: no published table or figure shows a cell of fewer than 10 persons.

This is the usual output rule for microdata (e.g. the CBS microdata output guidelines). Regression
estimates pool thousands of persons and are not cells; descriptive tables and plotted means are.

Blanking the small cells (primary suppression, :func:`suppress`) is not enough when the cells of a
group add up to a total that is published or can be derived: from shares (a published count divided
by its share), or from a published total row. The total minus the published parts then gives the
withheld part. :func:`suppress_with_complements` also withholds the next-smallest cells of such a
group (complementary, or secondary, suppression) until what is withheld adds up to at least
:data:`MIN_PERSONS` persons in at least two cells; :func:`assert_no_recoverable_cells` refuses a
table where subtraction still reveals fewer than :data:`MIN_PERSONS` persons.

:func:`scan_outputs` checks what was actually published: every ``tables/*.csv`` under an outputs
folder, read back from disk (see its docstring for the rules and the message format).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from lmp.errors import LmpError

MIN_PERSONS = 10


class DisclosureError(LmpError):
    """A table about to be published shows a cell below the minimum."""


def suppress(frame: pd.DataFrame, count_column: str, value_columns: list[str]) -> pd.DataFrame:
    """Blank the values and the count of every row whose count is below :data:`MIN_PERSONS`.

    Adds a boolean ``suppressed`` column so readers see where a value was withheld.
    """
    out = frame.copy()
    small = out[count_column] < MIN_PERSONS
    out["suppressed"] = small
    for column in [*value_columns, count_column]:
        out[column] = out[column].astype(float).where(~small, np.nan)
    return out


def assert_publishable(frame: pd.DataFrame, count_columns: list[str], name: str) -> None:
    """Refuse a table in which a non-missing count column holds a value below the minimum."""
    for column in count_columns:
        counts = frame[column]
        bad = counts.notna() & (counts < MIN_PERSONS)
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
            raise DisclosureError(
                f"{name}: column '{column}', row {row} shows {counts[bad].iloc[0]:g} persons; "
                f"cells under {MIN_PERSONS} must be suppressed before publishing"
            )


def publishable_part(part: float, total: float) -> bool:
    """Whether a part of a published total may be shown beside it: the part has at least
    :data:`MIN_PERSONS` persons, and so has the rest (``total - part``) unless it is empty."""
    rest = total - part
    return part >= MIN_PERSONS and (rest == 0 or rest >= MIN_PERSONS)


def _groups(frame: pd.DataFrame, group_columns: list[str]) -> list[tuple[tuple, np.ndarray]]:
    """(key, row positions) of each group; the whole frame is one group without group columns."""
    if not group_columns:
        return [((), np.arange(len(frame)))]
    indices = frame.groupby(group_columns, sort=False, dropna=False).indices
    return [(key if isinstance(key, tuple) else (key,), rows) for key, rows in indices.items()]


def _first_total(totals: np.ndarray | None, rows: np.ndarray) -> float:
    """A group's total: the first value given in its rows of a total column; NaN if none."""
    if totals is None:
        return np.nan
    given = totals[rows][~np.isnan(totals[rows])]
    return float(given[0]) if len(given) else np.nan


def _complement(counts: np.ndarray, hidden: np.ndarray, rows: np.ndarray, extra: float) -> bool:
    """Withhold the smallest cells still shown among ``rows`` until the withheld parts of the
    group (``hidden`` rows, plus ``extra`` persons in no row) hold at least :data:`MIN_PERSONS`
    persons, or nothing is left to withhold. Changes ``hidden`` in place; true if it did."""
    changed = False
    while True:
        withheld = hidden[rows]
        shown = rows[~withheld & ~np.isnan(counts[rows])]
        parts = int(withheld.sum()) + (extra > 0)
        if parts == 0 or counts[rows][withheld].sum() + extra >= MIN_PERSONS or not len(shown):
            return changed
        hidden[shown[np.argmin(counts[shown])]] = True
        changed = True


def suppress_with_complements(
    frame: pd.DataFrame,
    count_column: str,
    value_columns: list[str],
    group_columns: list[str],
    total_column: str | None = None,
    enclosing: list[list[str]] | None = None,
) -> pd.DataFrame:
    """Blank small cells and enough others that no withheld cell can be recovered by subtraction.

    Assumptions: the rows of one group (``group_columns``; none: the whole table is one group) are
    disjoint parts of one total that a reader knows or can derive (shares of the group, a
    published total row, another table). ``total_column``, when given, holds that total on the
    rows of a group whose total is larger than the sum of its rows (e.g. a population row above a
    target-group row); the persons in no row then count as one more withheld part, never shown.
    ``enclosing`` lists coarser groupings whose totals are known too (``[[]]``: the whole table
    above its target and non-target groups); each of their groups is protected the same way.

    Primary: every row with fewer than :data:`MIN_PERSONS` persons. Complementary: while a group's
    withheld parts hold fewer than :data:`MIN_PERSONS` persons (one withheld cell always does),
    the smallest cell still shown is withheld too; repeated over all groupings until none changes.
    Withheld rows have their count and ``value_columns`` (means, shares derived from the counts)
    blanked and ``suppressed`` true.
    """
    out = frame.copy()
    counts = out[count_column].to_numpy(dtype=float)
    totals = None if total_column is None else out[total_column].to_numpy(dtype=float)
    hidden = counts < MIN_PERSONS
    levels = [(group_columns, totals)] + [(columns, None) for columns in enclosing or []]
    changed = True
    while changed:
        changed = False
        for columns, level_totals in levels:
            for _, rows in _groups(out, columns):
                total = _first_total(level_totals, rows)
                extra = max(0.0, total - counts[rows].sum()) if not np.isnan(total) else 0.0
                changed = _complement(counts, hidden, rows, extra) or changed
    out["suppressed"] = hidden
    for column in [*value_columns, count_column]:
        out[column] = out[column].astype(float).where(~hidden, np.nan)
    return out


def recoverable_cells(
    frame: pd.DataFrame,
    count_column: str,
    group_columns: list[str],
    share_column: str | None = None,
    share_scale: float = 100.0,
    total_column: str | None = None,
) -> pd.DataFrame:
    """The groups of a published table whose withheld persons a reader can recover, one row each.

    A group's total is taken from ``total_column`` (its first value given in the group), else
    derived from a row showing both its count and its share (``count / share * share_scale``; 100
    for percentages). Withheld cells are rows whose count is blank. A group is recoverable when its
    total minus the counts shown leaves fewer than :data:`MIN_PERSONS` persons while something is
    withheld (a blank row, or persons in no row), or when a blank count shows its share. Returns
    the group columns with ``total``, ``withheld`` (persons) and ``reason``; empty when safe.
    """
    counts = frame[count_column].to_numpy(dtype=float)
    shares = None if share_column is None else frame[share_column].to_numpy(dtype=float)
    totals = None if total_column is None else frame[total_column].to_numpy(dtype=float)
    found = []
    for key, rows in _groups(frame, group_columns):
        where = dict(zip(group_columns, key, strict=True))
        shown = ~np.isnan(counts[rows])
        if shares is not None and (~np.isnan(shares[rows][~shown])).any():
            reason = f"a blank count shows its share in '{share_column}'"
            found.append({**where, "total": np.nan, "withheld": np.nan, "reason": reason})
            continue
        total = _first_total(totals, rows)
        if np.isnan(total) and shares is not None:
            usable = rows[shown & (shares[rows] > 0)]
            if len(usable):
                total = counts[usable[0]] / shares[usable[0]] * share_scale
        if np.isnan(total):
            continue  # no total to subtract from
        withheld = round(total - counts[rows][shown].sum())
        if (withheld > 0 or not shown.all()) and withheld < MIN_PERSONS:
            reason = "the total minus the counts shown"
            found.append({**where, "total": total, "withheld": withheld, "reason": reason})
    return pd.DataFrame(found, columns=[*group_columns, "total", "withheld", "reason"])


def assert_no_recoverable_cells(
    frame: pd.DataFrame,
    count_column: str,
    group_columns: list[str],
    name: str,
    share_column: str | None = None,
    share_scale: float = 100.0,
    total_column: str | None = None,
) -> None:
    """Refuse a table in which subtraction reveals fewer than :data:`MIN_PERSONS` withheld persons
    (arguments as :func:`recoverable_cells`)."""
    found = recoverable_cells(
        frame, count_column, group_columns, share_column, share_scale, total_column
    )
    if found.empty:
        return
    first = found.iloc[0]
    group = ", ".join(f"{c}={first[c]}" for c in group_columns) or "the whole table"
    shows = (
        f"{first['reason']}, which gives the count away"
        if np.isnan(first["withheld"])
        else f"{first['reason']} reveal {first['withheld']:g} withheld persons, fewer than "
        f"{MIN_PERSONS}"
    )
    raise DisclosureError(
        f"{name}: column '{count_column}', group ({group}): {shows} ({len(found)} group(s) in "
        "all). Suppress with disclosure.suppress_with_complements before publishing"
    )


# --- the output scanner: the published tables as written -------------------------------------------

COUNT_NAME = "n_persons"
COUNT_PREFIXES = ("n_persons_", "persons_")
# Labels of a row that holds the total of the other rows of its group (compared in lower case).
TOTAL_LABELS = frozenset({"all", "total", "totaal", "totals", "overall", "population", "everyone"})
YEAR_NAME = re.compile(r"(^|_)year($|_)")


def is_count_column(name: str) -> bool:
    """A column of persons: ``n_persons``, or a name starting ``n_persons_`` or ``persons_``."""
    return name == COUNT_NAME or name.startswith(COUNT_PREFIXES)


def scan_outputs(outputs_root: str | Path, min_persons: int = MIN_PERSONS) -> list[str]:
    """Problems of the published tables under ``outputs_root``: every ``**/tables/*.csv``.

    Returns one message per problem, empty when all is well. A table fails when

    1. it has no person count at all (no column ``n_persons``, ``n_persons_*`` or ``persons_*``),
       so nothing shows that its statistics rest on enough persons;
    2. a count shown is below ``min_persons`` (or is not a number);
    3. a withheld (blank) or unpublished part of a total can be recovered by subtraction: the
       total minus the parts shown leaves fewer than ``min_persons`` persons while something is
       withheld. Totals are found in two ways: a row labelled as a total (a text column holding
       one of :data:`TOTAL_LABELS`, e.g. ``population`` above ``target`` in the trends tables;
       the groups are the rows with equal values in the other text columns and ``year`` columns),
       or derived from shares beside a count (``persons_X`` with ``share_X_pct`` or ``share_X``;
       ``n_persons`` with ``share_pct`` or ``share``: count / share, rows giving the same total
       form one group). A blank count whose share is shown is a problem too. As a reader would,
       the scanner takes numbers as written: a count written with fewer digits than it has (e.g.
       ``1.44399e+07``) is known only to within half its last digit, and a subtraction is reported
       only when the rest is below ``min_persons`` however those digits are filled in.

    Message format, one line each, the file relative to ``outputs_root``'s parent (e.g.
    ``outputs/pelgrim/tables/trends_cost_total.csv``), rows numbered from 1 after the header,
    the row's key (its text and year columns) in parentheses when it has one::

        <file>: no person count: ...
        <file>: small cell: column '<column>', row <n> (<key>): <count> persons, fewer than <min>
        <file>: recoverable by subtraction: column '<column>', row <n> (<key>): ...
        <file>: unreadable: ...

    Tables combined across files (a total in one table, its parts in another) are not checked
    here; :func:`suppress_with_complements` protects them when they are made.
    """
    root = Path(outputs_root)
    problems = []
    for path in sorted(root.glob("**/tables/*.csv")):
        problems += scan_table(path, path.relative_to(root.parent).as_posix(), min_persons)
    return problems


def scan_table(
    path: str | Path, name: str | None = None, min_persons: int = MIN_PERSONS
) -> list[str]:
    """The problems of one published CSV table (rules and messages of :func:`scan_outputs`;
    ``name``, default the path, starts each message)."""
    path = Path(path)
    name = name or str(path)
    try:
        frame = pd.read_csv(path)
        text = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        return [f"{name}: unreadable: {exc}".splitlines()[0]]
    counts = [c for c in frame.columns if is_count_column(str(c))]
    if not counts:
        return [
            f"{name}: no person count: no column {COUNT_NAME}, {COUNT_PREFIXES[0]}* or "
            f"{COUNT_PREFIXES[1]}*, so nothing shows that its statistics rest on at least "
            f"{min_persons} persons"
        ]
    shares = {c: _share_column(c, frame) for c in counts}
    keys = _key_columns(frame, counts, [s for s in shares.values() if s])
    problems = []
    for column in counts:
        values = pd.to_numeric(text[column].str.strip().replace("", np.nan), errors="coerce")
        written = text[column].str.strip()
        for i in np.flatnonzero(values.isna().to_numpy() & (written != "").to_numpy()):
            problems.append(
                f"{name}: small cell: column '{column}', row {_row(frame, keys, i)}: "
                f"'{written.iloc[i]}' is not a number of persons"
            )
        small = values.notna() & (values < min_persons)
        for i in np.flatnonzero(small.to_numpy()):
            problems.append(
                f"{name}: small cell: column '{column}', row {_row(frame, keys, i)}: "
                f"{values.iloc[i]:g} persons, fewer than {min_persons}"
            )
        known = values.to_numpy(dtype=float)
        slack = np.array([_half_unit(t, whole=True) for t in text[column]])
        for message in _total_rows(frame, column, known, slack, keys, min_persons):
            problems.append(f"{name}: recoverable by subtraction: {message}")
        if shares[column]:
            share_text = text[shares[column]]
            for message in _share_totals(
                frame, column, known, slack, shares[column], share_text, keys, min_persons
            ):
                problems.append(f"{name}: recoverable by subtraction: {message}")
    return problems


def _half_unit(text: str, whole: bool = False) -> float:
    """Half the place of the last digit of a number as written (``1.44399e+07``: 50); for a count
    (``whole``) 0 when written to the unit or finer, since persons are whole. NaN if not a number."""
    written = str(text).strip().lower()
    mantissa, _, exponent = written.partition("e")
    try:
        float(written)
        power = int(exponent) if exponent else 0
    except ValueError:
        return np.nan
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    place = 10.0 ** (power - decimals)
    return 0.0 if whole and place <= 1 else place / 2


def _share_column(count: str, frame: pd.DataFrame) -> str | None:
    """The column of shares beside a count column, if the table has one."""
    if count == COUNT_NAME:
        candidates = ["share_pct", "share"]
    else:
        rest = count.removeprefix(COUNT_PREFIXES[0]).removeprefix(COUNT_PREFIXES[1])
        candidates = [f"share_{rest}_pct", f"share_{rest}", f"{rest}_share_pct", f"{rest}_share"]
    return next((c for c in candidates if c in frame.columns), None)


def _key_columns(frame: pd.DataFrame, counts: list[str], shares: list[str]) -> list[str]:
    """The columns that say what a row is: text columns and whole-number ``year`` columns."""
    keys = []
    for column in frame.columns:
        series = frame[column]
        if column in counts or column in shares or pd.api.types.is_bool_dtype(series):
            continue
        if pd.api.types.is_string_dtype(series) or pd.api.types.is_object_dtype(series):
            keys.append(column)
        elif pd.api.types.is_integer_dtype(series) and YEAR_NAME.search(str(column)):
            keys.append(column)
    return keys


def _row(frame: pd.DataFrame, keys: list[str], i: int) -> str:
    """'<n> (<key>=<value>, ...)': row ``i`` (from 0) numbered from 1 after the header, with the
    values of its first four key columns that are given."""
    given = [
        f"{k}={frame[k].iloc[i]}"
        for k in keys
        if not pd.isna(frame[k].iloc[i]) and str(frame[k].iloc[i]).strip()
    ][:4]
    return f"{i + 1} ({', '.join(given)})" if given else str(i + 1)


def _leaks(
    total: float,
    total_slack: float,
    parts: np.ndarray,
    slacks: np.ndarray,
    blank: int,
    min_persons: int,
) -> tuple[bool, float]:
    """Whether ``total`` minus the ``parts`` shown reveals a rest below ``min_persons`` (whatever
    the digits not written), while something is withheld (``blank`` parts, or a rest above 0)."""
    rest = total - parts.sum()
    slack = total_slack + slacks.sum()
    revealed = rest + slack < min_persons and (blank > 0 or rest - slack > 0)
    return revealed, rest


def _total_rows(frame, column, counts, slack, keys, min_persons) -> list[str]:
    """Groups with a row labelled as their total whose parts give a small rest away."""
    found = []
    for label in keys:
        values = frame[label].astype(str).str.strip().str.lower()
        is_total = values.isin(TOTAL_LABELS).to_numpy()
        if not is_total.any() or is_total.all():
            continue
        # group by the other keys, leaving out those that only describe the label
        labelled = frame[label].astype(str)
        others = [
            k
            for k in keys
            if k != label and frame.groupby(labelled)[k].nunique(dropna=False).max() > 1
        ]
        for _, rows in _groups(frame, others):
            totals = rows[is_total[rows] & ~np.isnan(counts[rows])]
            parts = rows[~is_total[rows]]
            if not len(totals) or not len(parts):
                continue
            shown = parts[~np.isnan(counts[parts])]
            blank = len(parts) - len(shown)
            first = totals[0]
            revealed, rest = _leaks(
                counts[first], slack[first], counts[shown], slack[shown], blank, min_persons
            )
            if revealed:
                found.append(
                    f"column '{column}', row {_row(frame, keys, first)}: the total "
                    f"{counts[first]:g} minus the {len(shown)} part(s) shown "
                    f"(rows {', '.join(str(r + 1) for r in shown) or 'none'}) leaves {rest:g} "
                    f"persons in {_what_is_withheld(blank)}, fewer than {min_persons}"
                )
    return found


def _what_is_withheld(blank: int) -> str:
    return f"{blank} withheld row(s)" if blank else "the parts not published"


def _share_totals(frame, column, counts, slack, share, share_text, keys, min_persons) -> list[str]:
    """Totals derived from the shares (count / share) whose shown parts give a small rest away,
    and blank counts whose share is shown."""
    shares = pd.to_numeric(share_text.str.strip().replace("", np.nan), errors="coerce")
    shares = shares.to_numpy(dtype=float)
    found = []
    for i in np.flatnonzero(np.isnan(counts) & ~np.isnan(shares)):
        found.append(
            f"column '{column}', row {_row(frame, keys, i)}: the count is withheld but its share "
            f"'{share}' ({shares[i]:g}) is shown, which with the total the shares give away "
            "reveals it"
        )
    scale = 100.0 if "pct" in share or np.nanmax(shares, initial=0) > 1 + 1e-9 else 1.0
    usable = np.flatnonzero(~np.isnan(counts) & (shares > 0) & (counts > 0))
    if not len(usable):
        return found
    share_slack = np.array([_half_unit(t) for t in share_text])
    derived = counts[usable] / shares[usable] * scale
    error = derived * (slack[usable] / counts[usable] + share_slack[usable] / shares[usable])
    order = np.argsort(derived)
    clusters, current = [], [order[0]]
    for a, b in zip(order[:-1], order[1:], strict=True):
        if derived[b] - derived[a] <= error[a] + error[b] + 1:
            current.append(b)
        else:
            clusters.append(current)
            current = [b]
    clusters.append(current)
    blank_rows = np.flatnonzero(np.isnan(counts))
    for members in clusters:
        members = np.array(members)
        best = members[np.argmin(error[members])]
        total = round(derived[best]) if error[best] < 0.5 else derived[best]
        rows = usable[members]
        blank = len(blank_rows) if len(clusters) == 1 else 0  # blank rows' group is known
        revealed, rest = _leaks(total, error[best], counts[rows], slack[rows], blank, min_persons)
        if revealed:
            found.append(
                f"column '{column}', rows {', '.join(str(r + 1) for r in sorted(rows))}: their "
                f"shares in '{share}' give a total of {total:g} persons; minus the counts shown "
                f"that leaves {rest:g} in {_what_is_withheld(blank)}, fewer than {min_persons}"
            )
    return found
