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
"""

from __future__ import annotations

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
