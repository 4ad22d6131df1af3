"""The reference catalogues: facts about the proeftuinen and the classifications lmp uses.

All catalogues live as CSV files in ``data/reference/`` and each fact carries its source there.
This module only reads and checks them; it knows nothing of models, notebooks or the command line.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
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

# The languages the reference text can be read in: English (the catalogues themselves) and Dutch.
LANGUAGES = ("en", "nl")


@dataclass(frozen=True)
class Translated:
    """The free-text columns of one catalogue that lmp translates, and how a row is keyed.

    The translation of catalogue ``name`` lives in ``<name>_<language>.csv`` with the key columns
    and one column ``<column>_<language>`` per translated column, nothing else.
    """

    key: tuple[str, ...]
    columns: tuple[str, ...]


# Free text shown in the reports; names, codes, numbers and sources are not translated.
TRANSLATED = {
    "proeftuinen": Translated(
        key=("slug",),
        columns=(
            "region",
            "lead_insurer",
            "partners",
            "interventions",
            "notes",
            "target_ages_basis",
        ),
    ),
    "proeftuin_members": Translated(key=("proeftuin", "gemeente_code"), columns=("note",)),
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
    """The catalogues, checked against each other, and lmp's Dutch translation of their free text.

    Attributes are pandas DataFrames with string columns, except ``proeftuinen.start_year`` (int)
    and the numeric bounds of ``outcomes``. The DataFrames hold the English catalogues as they
    are; :meth:`proeftuin` and :meth:`members_of` give a row in another language
    (``translations``, read from ``proeftuinen_nl.csv`` and ``proeftuin_members_nl.csv``).
    """

    proeftuinen: pd.DataFrame
    gemeenten: pd.DataFrame  # also ``proeftuin`` ('' = none), ``corop`` (CRxx), ``corop_name``
    segments: pd.DataFrame
    outcomes: pd.DataFrame
    agesex: pd.DataFrame  # sex x age class segments of the open data (segments_agesex.csv)
    members: pd.DataFrame = None  # proeftuin_members.csv: membership, confidence, partial, source
    ancestors: dict = None  # code -> every earlier code it was formed from (gemeente_changes.csv)
    # language -> catalogue name -> its translated columns (English names), indexed by the key
    translations: dict = None

    @property
    def known_codes(self) -> set[str]:
        """Every municipality code of any classification lmp knows (2020 and the reorganisations)."""
        codes = set(self.gemeenten["gemeente_code"]) | set(self.ancestors or {})
        return codes.union(*(self.ancestors or {}).values())

    def proeftuin(self, slug: str, language: str = "en") -> pd.Series:
        """The row of one proeftuin; raises :class:`CatalogueError` for an unknown slug.

        ``language`` ``nl``: the free-text columns (``TRANSLATED["proeftuinen"]``) hold lmp's
        Dutch translation (``proeftuinen_nl.csv``); every other column, names and sources
        included, is the catalogue's own. ``en`` (default): the catalogue row unchanged.
        """
        rows = self.proeftuinen[self.proeftuinen["slug"] == slug]
        if rows.empty:
            known = ", ".join(self.proeftuinen["slug"])
            raise CatalogueError(f"unknown proeftuin '{slug}'; known: {known}")
        return self._in_language(rows, "proeftuinen", language).iloc[0]

    def members_of(self, slug: str, language: str = "en") -> pd.DataFrame:
        """The rows of ``proeftuin_members.csv`` of one proeftuin, in catalogue order, with the
        ``note`` in ``language`` (``nl``: lmp's translation, ``proeftuin_members_nl.csv``)."""
        self.proeftuin(slug)
        rows = self.members[self.members["proeftuin"] == slug]
        return self._in_language(rows, "proeftuin_members", language).reset_index(drop=True)

    def _in_language(self, rows: pd.DataFrame, name: str, language: str) -> pd.DataFrame:
        """``rows`` of catalogue ``name`` with its translated columns in ``language``.

        Assumes the translations were checked on loading (every key present), so a lookup
        cannot miss; a Reference built without translations has English only."""
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}; lmp writes {', '.join(LANGUAGES)}")
        if language == "en":
            return rows
        if not self.translations or name not in self.translations.get(language, {}):
            raise CatalogueError(f"no {language} translation of {name}.csv was loaded")
        spec = TRANSLATED[name]
        text = self.translations[language][name].reindex(_key_index(rows, spec.key))
        return rows.assign(**{c: text[c].to_numpy() for c in spec.columns})

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


def _translation(name: str, english: pd.DataFrame, language: str, reference_dir: Path):
    """lmp's translation of catalogue ``name`` into ``language``: its free-text columns under
    their English names, indexed by the catalogue's key.

    The file ``<name>_<language>.csv`` is required and must match ``english`` exactly: the key
    columns plus ``<column>_<language>`` for each translated column; every key of the catalogue
    once and no other; a translation wherever the English cell holds text, and none where it is
    empty. Anything else raises :class:`CatalogueError` naming the file, column and row (rows
    count from 1, the first after the header; the editor's line is one more).
    """
    spec = TRANSLATED[name]
    path = Path(reference_dir) / f"{name}_{language}.csv"
    if not path.exists():
        raise CatalogueError(f"{path}: translation of {name}.csv is missing")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    wanted = [*spec.key, *(f"{c}_{language}" for c in spec.columns)]
    _check_translation_columns(path, list(frame.columns), wanted)
    frame = frame.set_index(_key_index(frame, spec.key))
    english = english.set_index(_key_index(english, spec.key))
    _check_translation_keys(path, frame.index, english.index, spec.key)
    source = english.reindex(frame.index)
    for column in spec.columns:
        _check_translation_cells(path, frame[f"{column}_{language}"], source[column], column)
    frame = frame[[f"{c}_{language}" for c in spec.columns]]
    frame.columns = list(spec.columns)
    return frame


def _key_index(frame: pd.DataFrame, key: tuple[str, ...]) -> pd.Index:
    """The rows' keys: a plain index for one key column, a MultiIndex for several."""
    if len(key) == 1:
        return pd.Index(frame[key[0]], name=key[0])
    return pd.MultiIndex.from_frame(frame[list(key)])


def _translations(ref: Reference, reference_dir: Path) -> dict[str, dict[str, pd.DataFrame]]:
    """language -> catalogue -> lmp's translation of its free text (:func:`_translation`).

    Only Dutch is translated. Assumes ``ref`` passed :func:`_check` (unique keys)."""
    english = {"proeftuinen": ref.proeftuinen, "proeftuin_members": ref.members}
    return {
        "nl": {name: _translation(name, english[name], "nl", reference_dir) for name in TRANSLATED}
    }


def _check_translation_columns(path: Path, found: list[str], wanted: list[str]) -> None:
    """The columns of a translation file are exactly ``wanted``."""
    missing = [c for c in wanted if c not in found]
    if missing:
        raise CatalogueError(f"{path}: missing column(s) {', '.join(missing)}")
    extra = [c for c in found if c not in wanted]
    if extra:
        raise CatalogueError(
            f"{path}: unexpected column(s) {', '.join(extra)}; expected {', '.join(wanted)}"
        )


def _key_text(key: object, names: tuple[str, ...]) -> str:
    """A row key for a message: ``slug 'x'`` or ``proeftuin 'x', gemeente_code 'GM0001'``."""
    values = key if isinstance(key, tuple) else (key,)
    return ", ".join(f"{n} '{v}'" for n, v in zip(names, values, strict=True))


def _check_translation_keys(
    path: Path, found: pd.Index, wanted: pd.Index, names: tuple[str, ...]
) -> None:
    """Every key of the catalogue exactly once in the translation, and no other key."""
    column = ", ".join(names)
    for row, key in enumerate(found, start=1):
        if found[: row - 1].isin([key]).any():
            raise CatalogueError(
                f"{path}: column {column}, row {row}: {_key_text(key, names)} twice"
            )
        if not wanted.isin([key]).any():
            raise CatalogueError(
                f"{path}: column {column}, row {row}: {_key_text(key, names)} is not in the "
                "English catalogue"
            )
    absent = [key for key in wanted if not found.isin([key]).any()]
    if absent:
        raise CatalogueError(
            f"{path}: column {column}: no row for {_key_text(absent[0], names)}"
            + (f" (and {len(absent) - 1} more)" if len(absent) > 1 else "")
        )


def _check_translation_cells(
    path: Path, translated: pd.Series, english: pd.Series, column: str
) -> None:
    """A translation exactly where the English cell (``column``) holds text."""
    names = tuple(translated.index.names)
    header = translated.name
    for row, (key, text) in enumerate(translated.items(), start=1):
        has_text, has_english = bool(text.strip()), bool(english.loc[key].strip())
        if has_english and not has_text:
            raise CatalogueError(
                f"{path}: column {header}, row {row} ({_key_text(key, names)}): empty, but "
                f"the English {column} is not"
            )
        if has_text and not has_english:
            raise CatalogueError(
                f"{path}: column {header}, row {row} ({_key_text(key, names)}): a translation "
                f"of an empty English {column}"
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
    """Read and cross-check the catalogues in ``reference_dir`` (cached per directory), and
    lmp's Dutch translations of their free text, which are required and must match them."""
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
    return replace(ref, translations=_translations(ref, reference_dir))
