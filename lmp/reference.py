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
        "target_ages",
        "target_ages_basis",
    ],
    "gemeenten": ["gemeente_code", "name", "province"],
    "corop": ["gemeente_code", "corop_code", "corop_name"],
    "proeftuin_members": [
        "proeftuin",
        "gemeente_code",
        "name",
        "confidence",
        "partial",
        "source",
        "note",
    ],
    "segments": ["code", "order", "label_nl", "label_en", "definition", "source"],
    "segments_agesex": [
        "code",
        "order",
        "sex",
        "age_low",
        "age_high",
        "vektis_label",
        "label_nl",
        "label_en",
        "source",
    ],
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
    gemeenten: pd.DataFrame  # also ``proeftuin`` ('' = none), ``corop`` (CRxx), ``corop_name``
    segments: pd.DataFrame
    outcomes: pd.DataFrame
    agesex: pd.DataFrame  # sex x age class segments of the open data (segments_agesex.csv)
    members: pd.DataFrame = None  # proeftuin_members.csv: membership, confidence, partial, source
    ancestors: dict = None  # code -> every earlier code it was formed from (gemeente_changes.csv)

    @property
    def known_codes(self) -> set[str]:
        """Every municipality code of any classification lmp knows (2020 and the reorganisations)."""
        codes = set(self.gemeenten["gemeente_code"]) | set(self.ancestors or {})
        return codes.union(*(self.ancestors or {}).values())

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

    def municipalities(self, slug: str, sourced_only: bool = False) -> list[str]:
        """CBS codes of the municipalities that belong to a proeftuin (``sourced_only``: only
        those a source names; the inferred ones then belong to neither side of a design)."""
        self.proeftuin(slug)
        rows = self.members[self.members["proeftuin"] == slug]
        if sourced_only:
            rows = rows[rows["confidence"] == "sourced"]
        return sorted(rows["gemeente_code"])

    def comparison_pool(self, codes: list[str] | None = None) -> list[str]:
        """CBS codes of the municipalities that belong to no proeftuin.

        Membership is defined on the 2020 classification. Data in a later classification hold
        codes of municipalities formed after 2020 (``codes``): such a municipality is in the
        comparison pool when every 2020 municipality it was formed from is; one formed partly from
        a proeftuin's municipality raises :class:`CatalogueError` (it is neither treated nor a
        clean comparison), so no municipality leaves the design unnoticed.
        """
        pool = set(self.gemeenten.loc[self.gemeenten["proeftuin"] == "", "gemeente_code"])
        base = set(self.gemeenten["gemeente_code"])
        members = base - pool
        for code in sorted(set(codes or []) - base):
            ancestors = self.ancestors.get(code, set()) & base
            if not ancestors:
                continue  # a code of an older classification: not in data of the 2020 one
            mixed = sorted(ancestors & members)
            if mixed:
                raise CatalogueError(
                    f"municipality {code} was formed after 2020 from proeftuin member(s) "
                    f"{', '.join(mixed)} and others: it can be neither treated nor a comparison; "
                    "analyse the data in the 2020 classification"
                )
            pool.add(code)
        return sorted(pool)

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
        if not (ref.members["proeftuin"] == row["slug"]).any():
            raise CatalogueError(
                f"proeftuin_members.csv: no municipality belongs to '{row['slug']}'"
            )
    members = ref.members
    twice = members["gemeente_code"][members["gemeente_code"].duplicated()]
    if not twice.empty:
        raise CatalogueError(
            f"proeftuin_members.csv: {twice.iloc[0]} belongs to more than one proeftuin "
            "(a municipality belongs to at most one)"
        )
    stray = set(members["proeftuin"]) - slugs
    if stray:
        raise CatalogueError(
            f"proeftuin_members.csv: unknown proeftuin slug(s) {', '.join(sorted(stray))}"
        )
    unknown_codes = set(members["gemeente_code"]) - set(ref.gemeenten["gemeente_code"])
    if unknown_codes:
        raise CatalogueError(
            f"proeftuin_members.csv: code(s) {', '.join(sorted(unknown_codes))} not in gemeenten.csv"
        )
    for column, allowed in [("confidence", {"sourced", "inferred"}), ("partial", {"yes", "no"})]:
        bad = members[~members[column].isin(allowed)]
        if not bad.empty:
            raise CatalogueError(
                f"proeftuin_members.csv: {column} of {bad.iloc[0]['gemeente_code']} must be one "
                f"of {', '.join(sorted(allowed))}"
            )


def _with_corop(gemeenten: pd.DataFrame, reference_dir: Path) -> pd.DataFrame:
    """``gemeenten`` with the COROP region of each municipality (``corop``, ``corop_name``) from
    ``corop.csv``, checked: every municipality exactly once, codes ``CRxx``, one name per code,
    and no COROP region across a province border."""
    corop = _read("corop", reference_dir)
    where = "corop.csv"
    twice = corop["gemeente_code"][corop["gemeente_code"].duplicated()]
    if not twice.empty:
        raise CatalogueError(f"{where}: {twice.iloc[0]} occurs more than once")
    codes, mapped = set(gemeenten["gemeente_code"]), set(corop["gemeente_code"])
    if codes != mapped:
        missing, stray = sorted(codes - mapped), sorted(mapped - codes)
        raise CatalogueError(
            f"{where}: not the municipalities of gemeenten.csv "
            f"(missing {', '.join(missing) or 'none'}; unknown {', '.join(stray) or 'none'})"
        )
    bad = corop[~corop["corop_code"].str.fullmatch(r"CR\d{2}")]
    if not bad.empty:
        raise CatalogueError(f"{where}: malformed COROP code '{bad.iloc[0]['corop_code']}'")
    names = corop.groupby("corop_code")["corop_name"].nunique()
    if (names != 1).any():
        raise CatalogueError(f"{where}: {names[names != 1].index[0]} has more than one name")
    frame = gemeenten.merge(
        corop.rename(columns={"corop_code": "corop"}), on="gemeente_code", how="left"
    )
    provinces = frame.groupby("corop")["province"].nunique()
    if (provinces > 1).any():
        raise CatalogueError(
            f"{where}: COROP region {provinces[provinces > 1].index[0]} crosses a province border"
        )
    return frame


def _ancestors(reference_dir: Path) -> dict[str, set[str]]:
    """Each code of ``gemeente_changes.csv`` -> every code it was formed from, transitively (a
    split municipality counts as an ancestor of each successor)."""
    path = Path(reference_dir) / "gemeente_changes.csv"
    if not path.exists():
        return {}
    changes = pd.read_csv(path, dtype=str, keep_default_na=False, usecols=["old_code", "new_code"])
    parents: dict[str, set[str]] = {}
    for old, new in zip(changes["old_code"], changes["new_code"], strict=True):
        parents.setdefault(new, set()).add(old)
    result: dict[str, set[str]] = {}

    def walk(code: str, seen: set[str]) -> set[str]:
        found = set()
        for parent in parents.get(code, set()) - seen:
            found |= {parent} | walk(parent, seen | {parent})
        return found

    for code in parents:
        result[code] = walk(code, {code})
    return result


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
    agesex = _read("segments_agesex", reference_dir)
    agesex = agesex.assign(
        order=agesex["order"].astype(int),
        age_low=agesex["age_low"].astype(int),
        age_high=pd.to_numeric(agesex["age_high"].replace("", None)).astype(float),
    ).sort_values("order")
    members = _read("proeftuin_members", reference_dir)
    gemeenten = _read("gemeenten", reference_dir)
    # one source of truth for membership: proeftuin_members.csv ('' = comparison pool)
    owner = dict(zip(members["gemeente_code"], members["proeftuin"], strict=True))
    gemeenten["proeftuin"] = gemeenten["gemeente_code"].map(owner).fillna("")
    gemeenten = _with_corop(gemeenten, reference_dir)
    ref = Reference(
        proeftuinen=proeftuinen,
        gemeenten=gemeenten,
        members=members,
        segments=segments.reset_index(drop=True),
        outcomes=outcomes,
        agesex=agesex.reset_index(drop=True),
        ancestors=_ancestors(reference_dir),
    )
    _check(ref)
    return ref
