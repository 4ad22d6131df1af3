"""The reference catalogues: facts about the proeftuinen and the classifications lmp uses.

All catalogues live as CSV files in ``data/reference/`` and each fact carries its source there.
This module only reads and checks them; it knows nothing of models, notebooks or the command line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from lmp.errors import CatalogueError

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"

_REQUIRED = {
    "proeftuinen": [
        "slug",
        "name",
        "region",
        "province",
        "lead_insurer",
        "partners",
        "start_year",
        "target_segments",
        "interventions",
        "confidence",
        "notes",
        "source",
    ],
    "gemeenten": ["gemeente_code", "name", "province", "proeftuin"],
    "segments": ["code", "order", "label_nl", "label_en", "definition", "source"],
    "outcomes": [
        "code",
        "label_nl",
        "label_en",
        "unit",
        "dimension",
        "kind",
        "min_value",
        "max_value",
        "source",
    ],
}


def _read(name: str, reference_dir: Path) -> pd.DataFrame:
    path = Path(reference_dir) / f"{name}.csv"
    if not path.exists():
        raise CatalogueError(f"{path}: reference catalogue is missing")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in _REQUIRED[name] if c not in frame.columns]
    if missing:
        raise CatalogueError(f"{path}: missing column(s) {', '.join(missing)}")
    return frame


@dataclass(frozen=True)
class Reference:
    """The four catalogues, checked against each other.

    Attributes are pandas DataFrames with string columns, except ``proeftuinen.start_year`` (int)
    and the numeric bounds of ``outcomes``.
    """

    proeftuinen: pd.DataFrame
    gemeenten: pd.DataFrame
    segments: pd.DataFrame
    outcomes: pd.DataFrame

    def proeftuin(self, slug: str) -> pd.Series:
        """The row of one proeftuin; raises :class:`CatalogueError` for an unknown slug."""
        rows = self.proeftuinen[self.proeftuinen["slug"] == slug]
        if rows.empty:
            known = ", ".join(self.proeftuinen["slug"])
            raise CatalogueError(f"unknown proeftuin '{slug}'; known: {known}")
        return rows.iloc[0]

    def target_segments(self, slug: str) -> list[str]:
        """The segment codes that make up a proeftuin's target group."""
        return self.proeftuin(slug)["target_segments"].split(";")

    def municipalities(self, slug: str) -> list[str]:
        """CBS codes of the municipalities that belong to a proeftuin."""
        return sorted(self.gemeenten.loc[self.gemeenten["proeftuin"] == slug, "gemeente_code"])

    def comparison_pool(self) -> list[str]:
        """CBS codes of the municipalities that belong to no proeftuin."""
        return sorted(self.gemeenten.loc[self.gemeenten["proeftuin"] == "", "gemeente_code"])

    def outcome(self, code: str) -> pd.Series:
        """The catalogue row of one outcome; raises :class:`CatalogueError` for an unknown code."""
        rows = self.outcomes[self.outcomes["code"] == code]
        if rows.empty:
            known = ", ".join(self.outcomes["code"])
            raise CatalogueError(f"unknown outcome '{code}'; known: {known}")
        return rows.iloc[0]


def _check(ref: Reference) -> None:
    """Cross-checks between catalogues: unique keys, known segments, proeftuinen with municipalities."""
    for name, frame, key in [
        ("proeftuinen", ref.proeftuinen, "slug"),
        ("gemeenten", ref.gemeenten, "gemeente_code"),
        ("segments", ref.segments, "code"),
        ("outcomes", ref.outcomes, "code"),
    ]:
        dup = frame[key][frame[key].duplicated()]
        if not dup.empty:
            raise CatalogueError(f"{name}.csv: duplicate {key} '{dup.iloc[0]}'")
    bad_codes = ref.gemeenten.loc[~ref.gemeenten["gemeente_code"].str.fullmatch(r"GM\d{4}")]
    if not bad_codes.empty:
        raise CatalogueError(
            f"gemeenten.csv: malformed code '{bad_codes.iloc[0]['gemeente_code']}'"
        )
    segments = set(ref.segments["code"])
    slugs = set(ref.proeftuinen["slug"])
    for _, row in ref.proeftuinen.iterrows():
        unknown = set(row["target_segments"].split(";")) - segments
        if unknown:
            raise CatalogueError(
                f"proeftuinen.csv: proeftuin '{row['slug']}' names unknown segment(s) "
                f"{', '.join(sorted(unknown))}"
            )
        if not (ref.gemeenten["proeftuin"] == row["slug"]).any():
            raise CatalogueError(f"gemeenten.csv: no municipality belongs to '{row['slug']}'")
    stray = set(ref.gemeenten["proeftuin"]) - slugs - {""}
    if stray:
        raise CatalogueError(f"gemeenten.csv: unknown proeftuin slug(s) {', '.join(sorted(stray))}")


@lru_cache(maxsize=4)
def load_reference(reference_dir: Path = REFERENCE_DIR) -> Reference:
    """Read and cross-check the catalogues in ``reference_dir`` (cached per directory)."""
    proeftuinen = _read("proeftuinen", reference_dir)
    proeftuinen["start_year"] = proeftuinen["start_year"].astype(int)
    outcomes = _read("outcomes", reference_dir)
    for col in ["min_value", "max_value"]:
        outcomes[col] = pd.to_numeric(outcomes[col].replace("", None)).astype(float)
    segments = _read("segments", reference_dir)
    segments = segments.assign(order=segments["order"].astype(int)).sort_values("order")
    ref = Reference(
        proeftuinen=proeftuinen,
        gemeenten=_read("gemeenten", reference_dir),
        segments=segments.reset_index(drop=True),
        outcomes=outcomes,
    )
    _check(ref)
    return ref
