"""lmp's Dutch translation of the reference text: complete, faithful in what can be checked by
machine (uncertainty markers, URLs, numbers, file references, codes), shown in the Dutch reports
only, and refused by the loader when it no longer matches the English catalogues."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from lmp import summaries
from lmp.errors import CatalogueError
from lmp.reference import REFERENCE_DIR, TRANSLATED, load_reference

# Each uncertainty marker of the English text and the Dutch word that must stand for it.
MARKERS = {
    "uncertain": "onzeker",
    "assumption": "aanname",
    "inferred": "afgeleid",
    "contested": "betwist",
    "partial": "gedeeltelijk",
    "probable": "waarschijnlijk",
    "unconfirmed": "onbevestigd",
    "unknown": "onbekend",
}
# Words the English writes in capitals for emphasis: the Dutch keeps the emphasis.
CAPITALS = {
    "UNCERTAIN": "ONZEKER",
    "ASSUMPTION": "AANNAME",
    "CONTESTED": "BETWIST",
    "UNCONFIRMED": "ONBEVESTIGD",
    "NOT": "NIET",
}
URL = re.compile(r"https?://[^\s;,)]+")
DIGITS = re.compile(r"\d+")
# File references and web domains (NOTES.md, proeftuin_members.csv, goedleven.nl) and the
# catalogue's codes (frail_elderly, target_ages): identifiers, never translated.
IDENTIFIER = re.compile(r"[\w.-]+\.(?:md|csv|nl)\b|\b[a-z]+(?:_[a-z]+)+\b")


def _read(name: str, reference_dir: Path = REFERENCE_DIR) -> pd.DataFrame:
    return pd.read_csv(
        reference_dir / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8"
    )


def _pairs():
    """(catalogue, key, column, English cell, Dutch cell) of every translated cell."""
    for name, spec in TRANSLATED.items():
        english = _read(name).set_index(list(spec.key))
        dutch = _read(f"{name}_nl").set_index(list(spec.key)).reindex(english.index)
        for column in spec.columns:
            for key in english.index:
                yield name, key, column, english.loc[key, column], dutch.loc[key, f"{column}_nl"]


PAIRS = list(_pairs())


def _id(pair) -> str:
    name, key, column = pair[:3]
    return f"{name}:{'/'.join(key) if isinstance(key, tuple) else key}:{column}"


@pytest.mark.parametrize("name", list(TRANSLATED))
def test_every_key_and_column_is_translated_and_nothing_else(name):
    spec = TRANSLATED[name]
    english, dutch = _read(name), _read(f"{name}_nl")
    assert list(dutch.columns) == [*spec.key, *(f"{c}_nl" for c in spec.columns)]
    keys = list(spec.key)
    assert not dutch.duplicated(keys).any()
    assert sorted(map(tuple, dutch[keys].to_numpy())) == sorted(
        map(tuple, english[keys].to_numpy())
    )


def test_a_translation_stands_exactly_where_the_english_holds_text():
    assert len(PAIRS) == 9 * 6 + 52
    for pair in PAIRS:
        *_, en, nl = pair
        assert bool(en.strip()) == bool(nl.strip()), _id(pair)


@pytest.mark.parametrize("name", list(TRANSLATED))
def test_the_files_are_written_like_the_english_ones(name):
    """UTF-8 without BOM, '\\n' line ends, quoted only where needed (csv's minimal quoting)."""
    raw = (REFERENCE_DIR / f"{name}_nl.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw and raw.endswith(b"\n")
    text = raw.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert len({len(row) for row in rows}) == 1
    again = io.StringIO()
    csv.writer(again, lineterminator="\n").writerows(rows)
    assert again.getvalue() == text


@pytest.mark.parametrize("pair", PAIRS, ids=_id)
def test_uncertainty_markers_survive_translation(pair):
    *_, en, nl = pair
    for word, dutch in MARKERS.items():
        if word in en.lower():
            assert dutch in nl.lower(), f"{word!r} -> {dutch!r}"
    for word, dutch in CAPITALS.items():
        if re.search(rf"\b{word}\b", en):
            assert re.search(rf"\b{dutch}\b", nl), f"{word!r} -> {dutch!r}"


@pytest.mark.parametrize("pair", PAIRS, ids=_id)
def test_urls_numbers_files_and_codes_survive_translation(pair):
    *_, en, nl = pair
    for url in URL.findall(en):
        assert url in nl
    assert set(DIGITS.findall(en)) <= set(DIGITS.findall(nl))
    for identifier in IDENTIFIER.findall(en):
        assert identifier in nl


def test_the_dutch_profile_shows_the_dutch_text_and_the_english_one_the_catalogue():
    english_row = _read("proeftuinen").set_index("slug").loc["blauwe-zorg"]
    dutch_row = _read("proeftuinen_nl").set_index("slug").loc["blauwe-zorg"]
    english = summaries.profile("blauwe-zorg").set_index("field")["value"]
    dutch = summaries.profile("blauwe-zorg", language="nl").set_index("field")["value"]
    for field, column in [
        ("Region", "region"),
        ("Lead insurer", "lead_insurer"),
        ("Partners", "partners"),
        ("Interventions", "interventions"),
        ("Notes", "notes"),
    ]:
        assert english[field] == english_row[column]
        assert dutch[field] == dutch_row[f"{column}_nl"]
    assert (
        english["Target ages on the open data"] == "65+ (assumption (no sourced target segments))"
    )
    assert dutch["Target ages on the open data"] == "65+ (aanname (geen doelsegmenten met bron))"
    assert "Onzeker: trekkende zorgverzekeraar" in dutch["Notes"]
    # what is not free text is the catalogue's own in both languages
    for field in ["Name", "Province", "Municipalities (classification 2020)", "Sources"]:
        assert dutch[field] == english[field]


def test_the_catalogue_row_in_english_is_unchanged():
    ref = load_reference()
    row = ref.proeftuin("de-friesland")
    assert row.equals(ref.proeftuinen.set_index("slug", drop=False).loc["de-friesland"])
    assert ref.proeftuin("de-friesland", "nl")["region"] == "Fryslân (hele provincie: afgeleid)"
    assert ref.proeftuin("de-friesland", "nl")["source"] == row["source"]
    with pytest.raises(ValueError, match="unknown language 'de'"):
        ref.proeftuin("de-friesland", "de")


def test_the_members_table_notes_follow_the_language():
    english = summaries.members_table("mijnzorg")
    dutch = summaries.members_table("mijnzorg", language="nl")
    catalogue = _read("proeftuin_members")
    catalogue = catalogue[catalogue["proeftuin"] == "mijnzorg"].reset_index(drop=True)
    assert english["note"].tolist() == catalogue["note"].tolist()
    assert english.drop(columns="note").equals(dutch.drop(columns="note"))
    translated = _read("proeftuin_members_nl").set_index(["proeftuin", "gemeente_code"])
    assert dutch["note"].tolist() == [
        translated.loc[("mijnzorg", code), "note_nl"] for code in dutch["gemeente_code"]
    ]
    vaals = dutch.set_index("gemeente_code").loc["GM0981", "note"]
    assert vaals.startswith("BETWIST (Blauwe Zorg vs MijnZorg)")


# ---- the loader refuses a translation that does not match -----------------------------------


@pytest.fixture()
def reference(tmp_path) -> Path:
    """A copy of the reference folder to break."""
    return Path(shutil.copytree(REFERENCE_DIR, tmp_path / "reference"))


def _edit(reference: Path, name: str, change) -> None:
    path = reference / f"{name}.csv"
    frame = change(_read(name, reference))
    frame.to_csv(path, index=False, lineterminator="\n")


def _set(frame: pd.DataFrame, where: pd.Series, column: str, value: str) -> pd.DataFrame:
    frame.loc[where, column] = value
    return frame


def test_the_translations_are_required(reference):
    (reference / "proeftuinen_nl.csv").unlink()
    with pytest.raises(CatalogueError, match=r"proeftuinen_nl\.csv: translation of proeftuinen"):
        load_reference(reference)


def test_a_missing_member_translation_file_is_refused(reference):
    (reference / "proeftuin_members_nl.csv").unlink()
    with pytest.raises(CatalogueError, match=r"proeftuin_members_nl\.csv: translation of"):
        load_reference(reference)


def test_a_missing_slug_is_refused(reference):
    _edit(reference, "proeftuinen_nl", lambda f: f[f["slug"] != "pelgrim"])
    with pytest.raises(
        CatalogueError, match=r"proeftuinen_nl\.csv: column slug: no row for slug 'pelgrim'"
    ):
        load_reference(reference)


def test_an_extra_slug_is_refused(reference):
    def extra(frame):
        row = frame.iloc[[0]].assign(slug="nergens")
        return pd.concat([frame, row], ignore_index=True)

    _edit(reference, "proeftuinen_nl", extra)
    with pytest.raises(
        CatalogueError, match=r"column slug, row 10: slug 'nergens' is not in the English"
    ):
        load_reference(reference)


def test_a_slug_twice_is_refused(reference):
    _edit(reference, "proeftuinen_nl", lambda f: pd.concat([f, f.iloc[[2]]], ignore_index=True))
    with pytest.raises(CatalogueError, match=r"row 10: slug 'vitaal-vechtdal' twice"):
        load_reference(reference)


def test_a_missing_member_is_refused(reference):
    members = "proeftuin_members_nl"
    _edit(reference, members, lambda f: f[f["gemeente_code"] != "GM0981"])
    with pytest.raises(
        CatalogueError,
        match=r"proeftuin_members_nl\.csv: column proeftuin, gemeente_code: no row for "
        r"proeftuin 'mijnzorg', gemeente_code 'GM0981'",
    ):
        load_reference(reference)


def test_a_member_under_the_wrong_proeftuin_is_refused(reference):
    _edit(
        reference,
        "proeftuin_members_nl",
        lambda f: _set(f, f["gemeente_code"] == "GM0981", "proeftuin", "blauwe-zorg"),
    )
    with pytest.raises(
        CatalogueError,
        match=r"row 9: proeftuin 'blauwe-zorg', gemeente_code 'GM0981' is not in the English",
    ):
        load_reference(reference)


def test_an_empty_translation_is_refused(reference):
    _edit(reference, "proeftuinen_nl", lambda f: _set(f, f["slug"] == "goedleven", "notes_nl", ""))
    with pytest.raises(
        CatalogueError,
        match=r"proeftuinen_nl\.csv: column notes_nl, row 5 \(slug 'goedleven'\): empty, but "
        "the English notes is not",
    ):
        load_reference(reference)


def test_a_translation_of_an_empty_english_cell_is_refused(reference):
    _edit(
        reference,
        "proeftuin_members",
        lambda f: _set(f, f["gemeente_code"] == "GM0060", "note", ""),
    )
    with pytest.raises(
        CatalogueError,
        match=r"proeftuin_members_nl\.csv: column note_nl, row 35 \(proeftuin 'de-friesland', "
        r"gemeente_code 'GM0060'\): a translation of an empty English note",
    ):
        load_reference(reference)


def test_a_missing_column_is_refused(reference):
    _edit(reference, "proeftuinen_nl", lambda f: f.drop(columns="partners_nl"))
    with pytest.raises(
        CatalogueError, match=r"proeftuinen_nl\.csv: missing column\(s\) partners_nl"
    ):
        load_reference(reference)


def test_an_unexpected_column_is_refused(reference):
    _edit(reference, "proeftuinen_nl", lambda f: f.assign(name_nl=f["slug"]))
    with pytest.raises(CatalogueError, match=r"unexpected column\(s\) name_nl"):
        load_reference(reference)
