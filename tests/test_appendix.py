"""The appendix texts (methods, limitations, references) and the reference list behind them."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from lmp.errors import CatalogueError
from lmp.report import appendix

LANGUAGES = ("en", "nl")


def texts(language: str) -> dict[str, str]:
    return appendix.all_texts(language)


def headings(text: str) -> list[str]:
    return re.findall(r"^(#+) ", text, flags=re.M)


def test_reference_list_is_valid():
    refs = appendix.load_references()
    assert refs["key"].is_unique
    assert ((refs["doi"] != "") | (refs["url"] != "")).all()
    dois = refs.loc[refs["doi"] != "", "doi"]
    assert dois.str.match(r"^10\.\d{4,9}/\S+$").all()
    assert not dois.str.contains("doi.org").any()
    assert dois.str.lower().is_unique
    assert (refs["verified"].str.strip() != "").all()
    assert set(refs["topic"]) <= set(appendix.TOPICS)


@pytest.mark.parametrize(
    "key",
    [
        "cameron2008",
        "conley2011",
        "mackinnon2017",
        "mackinnon2018",
        "mackinnon2020",
        "webb2023",
        "roodman2019",
        "abadie2010",
        "abadie2015",
        "rambachan2023",
        "roth2022",
        "dersimonian1986",
        "hartung2001",
        "holm1979",
        "lynn2007",
        "berwick2008",
        "bertrand2004",
        "vektis2011",
        "cbs2020",
        "rivm2018",
    ],
)
def test_required_works_are_listed(key):
    assert key in appendix.load_references().index


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_citation_resolves(language):
    keys = set(appendix.load_references().index)
    for name, text in texts(language).items():
        cited = appendix.cited_keys(text)
        assert cited, name
        assert set(cited) <= keys, (name, set(cited) - keys)
        assert "[@" not in text, name  # no citation marker left unrendered
        # every parenthesised citation link points into the reference list
        links = re.findall(r"\]\((#[^)]*)\)", text)
        assert all(link.startswith("#ref-") for link in links), name


def test_every_reference_is_cited():
    keys = set(appendix.load_references().index)
    for language in LANGUAGES:
        cited = set()
        for text in texts(language).values():
            cited |= set(appendix.cited_keys(text))
        assert cited == keys, (language, keys - cited)


def test_languages_cite_the_same_works_under_the_same_headings():
    english, dutch = texts("en"), texts("nl")
    for name in english:
        assert appendix.cited_keys(english[name]) == appendix.cited_keys(dutch[name]), name
        assert headings(english[name]) == headings(dutch[name]), name


@pytest.mark.parametrize(
    "name",
    [
        "methods_real",
        "methods_synthetic",
        "synthesis_methods",
        "limitations_real",
        "limitations_synthetic",
    ],
)
def test_dutch_text_has_no_english_left(name):
    text = " ".join(texts("nl")[name].split())
    for word in [" the ", " and ", " with ", " of the ", " is not ", " which ", " are ", " for "]:
        assert word not in text.lower(), word


def test_dutch_texts_use_the_terms_of_the_dutch_sources():
    methods = texts("nl")["methods_real"]
    for term in [
        "zorgkosten per verzekerdenjaar",
        "doelgroep",
        "proeftuin",
        "vergelijkingsgemeenten",
        "randomisatie-inferentie",
        "95%-betrouwbaarheidsinterval",
        "synthetische controle",
    ]:
        assert term in methods.lower(), term
    assert "verzekerdenjaar" in texts("nl")["limitations_real"] or "verzekerden" in methods


def test_methods_state_what_the_code_does():
    text = " ".join(texts("en")["methods_real"].split())
    for fact in [
        "G/(G − 1) · (N − 1)/(N − K)",
        "9,999 draws",
        "999",
        "1/1.5 and 1.5",
        "80%",
        "20 comparison municipalities",
        "not a registered pre-analysis plan",
    ]:
        assert fact in text, fact
    dutch = texts("nl")["methods_real"]
    assert "9.999 trekkingen" in dutch and "1/1,5 en 1,5" in dutch


def test_references_text_links_and_sorting():
    full = appendix.references_text(language="en")
    entries = [line for line in full.splitlines() if line.startswith("- ")]
    refs = appendix.load_references()
    assert len(entries) == len(refs)
    for key, row in refs.iterrows():
        link = f"https://doi.org/{row['doi']}" if row["doi"] else row["url"]
        entry = next(line for line in entries if f'id="ref-{key}"' in line)
        assert f"]({link})" in entry
    surnames = [
        re.sub(r"^- <a [^>]*></a>", "", line).split(",")[0].split(" (")[0] for line in entries
    ]
    assert surnames == sorted(surnames, key=str.lower)
    assert not re.search(r"^#", full, flags=re.M)  # the heading is the notebook's
    assert appendix.references_text(language="nl") == full


def test_references_text_for_given_keys():
    text = appendix.references_text(["mackinnon2020", "abadie2010"], "nl")
    assert text.index("ref-abadie2010") < text.index("ref-mackinnon2020")
    assert text.count("\n- ") + text.startswith("- ") == 2
    with pytest.raises(ValueError, match="nosuch1999"):
        appendix.references_text(["nosuch1999"], "en")


def test_cite_formats_author_year():
    assert appendix.cite("x [@abadie2021]") == "x ([Abadie 2021](#ref-abadie2021))"
    assert "[MacKinnon & Webb 2020](#ref-mackinnon2020)" in appendix.cite("[@mackinnon2020]")
    assert "[Abadie et al. 2010]" in appendix.cite("[@abadie2010; @abadie2015]")
    assert appendix.cited_keys(appendix.cite("[@abadie2010; @abadie2015] [@abadie2010]")) == [
        "abadie2010",
        "abadie2015",
    ]
    with pytest.raises(ValueError, match="nosuch1999"):
        appendix.cite("[@nosuch1999]")


@pytest.mark.parametrize(
    "call",
    [
        lambda: appendix.methods_text("de"),
        lambda: appendix.methods_text("EN", real=False),
        lambda: appendix.synthesis_methods_text("fr"),
        lambda: appendix.limitations_text(""),
        lambda: appendix.references_text(None, "english"),
    ],
)
def test_unknown_language_is_refused(call):
    with pytest.raises(ValueError, match="unknown language"):
        call()


def test_real_and_synthetic_texts_differ():
    for language in LANGUAGES:
        assert appendix.methods_text(language) != appendix.methods_text(language, real=False)
        assert appendix.limitations_text(language) != appendix.limitations_text(language, False)
    assert "synthetic data" in appendix.methods_text("en", real=False).lower()


def test_no_machine_paths_in_texts():
    for language in LANGUAGES:
        for text in texts(language).values():
            assert "/work/" not in text and "/home/" not in text and "/tmp/" not in text


def write_csv(tmp_path, rows):
    path = tmp_path / "references.csv"
    pd.DataFrame(rows, columns=appendix.COLUMNS).to_csv(path, index=False)
    return path


GOOD = {
    "key": "holm1979",
    "authors": "Holm, S.",
    "year": "1979",
    "title": "A simple sequentially rejective multiple test procedure",
    "venue": "Scandinavian Journal of Statistics 6(2), 65-70",
    "doi": "",
    "url": "https://www.jstor.org/stable/4615733",
    "topic": "multiple testing",
    "verified": "yes",
}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"doi": "", "url": ""}, "needs a doi or a url"),
        ({"doi": "https://doi.org/10.1/x"}, "not a bare DOI"),
        ({"doi": "11.1234/x"}, "not a bare DOI"),
        ({"verified": ""}, "verified"),
        ({"topic": "astrology"}, "unknown topic"),
        ({"year": "1979a"}, "not a year"),
    ],
)
def test_load_references_refuses_bad_rows(tmp_path, change, message):
    path = write_csv(tmp_path, [GOOD | change])
    with pytest.raises(CatalogueError, match=message):
        appendix.load_references(path)


def test_load_references_refuses_duplicates(tmp_path):
    other = GOOD | {"key": "holm1979b", "year": "1980", "doi": "10.1000/a", "url": ""}
    path = write_csv(tmp_path, [GOOD, GOOD])
    with pytest.raises(CatalogueError, match="twice"):
        appendix.load_references(path)
    path = write_csv(tmp_path, [other, other | {"key": "holm1979c", "year": "1981"}])
    with pytest.raises(CatalogueError, match="doi '10.1000/a' twice"):
        appendix.load_references(path)
