"""Small-cell suppression: no published table or figure shows a cell of fewer than 10 persons.

This is the usual output rule for microdata (e.g. the CBS microdata output guidelines). Regression
estimates pool thousands of persons and are not cells; descriptive tables and plotted means are.
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
