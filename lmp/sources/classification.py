"""Municipal classifications and reorganisations: which municipalities existed on a date.

The Netherlands merges (and once in a while splits) municipalities, so a file of municipality
names belongs to one dated *classification*. Two reference tables describe them:

- ``data/reference/gemeenten.csv``: the 355 municipalities of 1 January 2020 (the base);
- ``data/reference/gemeente_changes.csv``: every reorganisation from 2011 on, one row per
  municipality that ceased to exist (``old_code``) and the municipality it went to
  (``new_code``); ``new_code_created`` says whether that code was new on that date. A split
  municipality has one row per successor, with its ``share`` of the inhabitants where a source
  gives it and ``largest = yes`` for the successor that received the largest part. A ``rename``
  is a new code (and name) for the same territory.

The classification on any date is the base with the later changes applied, or the earlier ones
undone. Data in an older classification are *aggregated forward* into a newer one: every
municipality goes whole to its successor, and a split municipality goes whole to the successor
that received the largest share, so no count becomes fractional. Data cannot be moved backward
(that would need the split of a merged municipality).

Names are matched after :func:`normalise_name` (upper case, no diacritics or punctuation) and
through ``data/reference/gemeente_aliases.csv`` for the few abbreviations data publishers use.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from lmp.errors import CatalogueError, ParameterError
from lmp.reference import REFERENCE_DIR

BASE_DATE = date(2020, 1, 1)
KINDS = ("merger", "split", "rename")
CHANGE_COLUMNS = [
    "date",
    "old_code",
    "old_name",
    "new_code",
    "new_name",
    "kind",
    "share",
    "largest",
    "new_code_created",
    "source",
]


def normalise_name(name: str) -> str:
    """A municipality name as publishers write it: upper case, ASCII, words split by one blank.

    ``'s-Hertogenbosch`` -> ``S HERTOGENBOSCH``; ``Súdwest-Fryslân`` -> ``SUDWEST FRYSLAN``.
    Hyphens, apostrophes, dots, commas and brackets all become word breaks.
    """
    ascii_name = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    words = re.split(r"[^A-Za-z0-9]+", ascii_name.upper())
    return " ".join(w for w in words if w)


def parse_classification(text: str | int | date) -> date:
    """``2022`` (1 January of that year) or ``2022-03-24``: the date of a classification."""
    if isinstance(text, date):
        return text
    value = str(text).strip()
    if re.fullmatch(r"\d{4}", value):
        return date(int(value), 1, 1)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ParameterError(
            f"classification '{value}' is neither a year (e.g. 2022) nor a date (e.g. 2022-03-24)"
        ) from None


@dataclass(frozen=True)
class Classification:
    """The municipalities on ``valid_from`` (and until the next reorganisation): code -> name."""

    valid_from: date
    names: dict[str, str]

    @property
    def label(self) -> str:
        day = self.valid_from
        return str(day.year) if (day.month, day.day) == (1, 1) else day.isoformat()

    @property
    def codes(self) -> set[str]:
        return set(self.names)


@lru_cache(maxsize=2)
def load_changes(reference_dir: Path = REFERENCE_DIR) -> pd.DataFrame:
    """The reorganisation table, checked: known columns, codes, kinds and one largest successor."""
    path = Path(reference_dir) / "gemeente_changes.csv"
    if not path.exists():
        raise CatalogueError(f"{path}: reference catalogue is missing")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in CHANGE_COLUMNS if c not in frame.columns]
    if missing:
        raise CatalogueError(f"{path}: missing column(s) {', '.join(missing)}")
    for row, values in enumerate(frame.itertuples(index=False), start=1):
        for column in ("old_code", "new_code"):
            if not re.fullmatch(r"GM\d{4}", getattr(values, column)):
                raise CatalogueError(
                    f"{path}, row {row}: malformed {column} '{getattr(values, column)}'"
                )
        if values.kind not in KINDS:
            raise CatalogueError(
                f"{path}, row {row}: kind must be one of {', '.join(KINDS)}, not '{values.kind}'"
            )
        if values.new_code_created not in ("yes", "no"):
            raise CatalogueError(f"{path}, row {row}: new_code_created must be yes or no")
    frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d").dt.date
    frame["share"] = pd.to_numeric(frame["share"].replace("", None))
    for (day, old), rows in frame[frame["kind"] == "split"].groupby(["date", "old_code"]):
        if (rows["largest"] == "yes").sum() != 1:
            raise CatalogueError(
                f"{path}: split of {old} on {day} needs exactly one successor with largest = yes"
            )
    return frame.sort_values(["date", "new_code", "old_code"], kind="mergesort").reset_index(
        drop=True
    )


def successor_of_split(rows: pd.DataFrame) -> pd.Series:
    """The row of a split municipality's successor that received the largest share."""
    return rows[rows["largest"] == "yes"].iloc[0]


def _base(reference_dir: Path) -> dict[str, str]:
    gemeenten = pd.read_csv(Path(reference_dir) / "gemeenten.csv", dtype=str, keep_default_na=False)
    return dict(zip(gemeenten["gemeente_code"], gemeenten["name"], strict=True))


@lru_cache(maxsize=64)
def classification_at(day: date, reference_dir: Path = REFERENCE_DIR) -> Classification:
    """The municipalities on ``day``: the 2020 base with later changes applied or earlier undone."""
    changes = load_changes(reference_dir)
    names = _base(reference_dir)
    if day >= BASE_DATE:
        for _, rows in changes[(changes["date"] > BASE_DATE) & (changes["date"] <= day)].groupby(
            "date", sort=True
        ):
            for code in rows["old_code"].unique():
                names.pop(code, None)
            for code, name in zip(rows["new_code"], rows["new_name"], strict=True):
                names[code] = name
    else:
        undo = changes[(changes["date"] > day) & (changes["date"] <= BASE_DATE)]
        for _, rows in sorted(undo.groupby("date"), key=lambda item: item[0], reverse=True):
            for code in rows.loc[rows["new_code_created"] == "yes", "new_code"].unique():
                names.pop(code, None)
            for code, name in zip(rows["old_code"], rows["old_name"], strict=True):
                names[code] = name
    return Classification(valid_from=day, names=dict(sorted(names.items())))


def classification_dates(reference_dir: Path = REFERENCE_DIR) -> list[date]:
    """Every date on which the classification changed (each starts a new classification)."""
    return sorted(load_changes(reference_dir)["date"].unique())


def load_aliases(reference_dir: Path = REFERENCE_DIR) -> dict[str, str]:
    """Publisher spellings (normalised) -> CBS code."""
    frame = pd.read_csv(
        Path(reference_dir) / "gemeente_aliases.csv", dtype=str, keep_default_na=False
    )
    return {
        normalise_name(a): c for a, c in zip(frame["alias"], frame["gemeente_code"], strict=True)
    }


def match_names(
    names: list[str], classification: Classification, aliases: dict[str, str]
) -> tuple[dict[str, str], list[str]]:
    """Names -> codes in one classification; also the names that match no municipality of it."""
    lookup = {normalise_name(n): c for c, n in classification.names.items()}
    lookup.update({a: c for a, c in aliases.items() if c in classification.names})
    found, unknown = {}, []
    for name in names:
        code = lookup.get(normalise_name(name))
        if code is None:
            unknown.append(name)
        else:
            found[name] = code
    return found, unknown


def _steps(until: date, reference_dir: Path) -> dict[str, tuple[date, str, str]]:
    """Each code that ceased on or before ``until`` -> (date, where it went, how): whole into the
    municipality it merged into (or was renamed to); a split one whole to its successor with the
    largest share."""
    changes = load_changes(reference_dir)
    steps = {}
    for (day, old), rows in changes[changes["date"] <= until].groupby(["date", "old_code"]):
        if (rows["kind"] == "split").any():
            best = successor_of_split(rows)
            note = (
                f"{best['old_name']} split on {day.isoformat()}: counted whole in "
                f"{best['new_name']} (largest share)"
            )
        else:
            best = rows.iloc[0]
            note = f"{best['old_name']} merged into {best['new_name']} on {day.isoformat()}"
        steps[old] = (day, best["new_code"], note)
    return steps


def forward_moves(
    classification: Classification, reference_dir: Path = REFERENCE_DIR
) -> dict[str, tuple[str, str]]:
    """Every code of ``classification`` or an older one -> (its code in ``classification``, how).

    How is ``''`` for an unchanged municipality, else one note per reorganisation it went through
    (``'... merged into ... on ...'``, ``'... split on ...: counted whole in ... (largest
    share)'``), joined by ``'; '``. One walk over the changes serves every older classification: a
    code follows its reorganisations in date order. Assumes codes are never reused (CBS does not),
    so a code means the same municipality in every classification it occurs in. Codes of newer
    classifications, which cannot be moved back, are absent.
    """
    steps = _steps(classification.valid_from, reference_dir)
    codes = set(steps) | {new for _, new, _ in steps.values()} | classification.codes
    moves = {}
    for code in sorted(codes):
        current, notes, last = code, [], date.min
        while current in steps and steps[current][0] > last:
            last, current, note = steps[current]
            notes.append(note)
        if current in classification.codes:
            moves[code] = (current, "; ".join(notes))
    return moves


def forward_map(
    source: Classification, target: Classification, reference_dir: Path = REFERENCE_DIR
) -> dict[str, tuple[str, str]]:
    """Each code of ``source`` -> (its code in ``target``, how it got there), as
    :func:`forward_moves` moves it.

    Raises ParameterError when ``target`` is older than ``source``, CatalogueError when a code of
    ``source`` does not end in a municipality of ``target`` (a gap in gemeente_changes.csv).
    """
    if target.valid_from < source.valid_from:
        raise ParameterError(
            f"cannot move data of the {source.label} classification back to {target.label}: "
            "choose a classification at least as new as the newest file"
        )
    moves = forward_moves(target, reference_dir)
    lost = [code for code in source.names if code not in moves]
    if lost:
        raise CatalogueError(
            f"gemeente_changes.csv: {', '.join(lost)} of {source.label} end(s) in no "
            f"municipality of {target.label}"
        )
    return {code: moves[code] for code in source.names}
