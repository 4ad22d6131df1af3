"""Tables for reading: declared columns, fixed decimals, both languages, no index, split when wide."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from lmp import summaries
from lmp.reference import load_reference
from lmp.report import numbers, sentences, tables
from tests.conftest import nb


def results_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "outcome": ["cost_total", "cost_total"],
            "design": ["population", "target"],
            "estimate": [81.8837, -1234.5678],
            "ci_ri_low": [11.6, -np.inf],
            "ci_ri_high": [152.1, 3.2],
            "p_ri": [2.97e-100, 0.5],
            "n_persons_proeftuin": [281090.0, 64656.0],
        }
    )


def cells(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<td class="([^"]*)" >([^<]*)</td>', html)


def test_numbers_follow_the_language():
    assert numbers.number(1234567.891, 2, "en") == "1,234,567.89"
    assert numbers.number(1234567.891, 2, "nl") == "1.234.567,89"
    assert numbers.euro(-3.4, "en") == "-€3" and numbers.euro(-3.4, "nl") == nb("€ -3")
    assert numbers.p_value(2.97e-100, "en") == "< 0.001"
    assert numbers.p_value(0.0213, "nl") == "0,021"
    assert numbers.number(-1e-13, 2) == "0.00"  # noise is zero, never -0.00
    assert numbers.interval(float("nan"), 3, "nl") == "onbegrensd"
    with pytest.raises(ValueError, match="unknown language"):
        numbers.number(1, 0, "de")


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_results_table_is_formatted_for_print(language):
    html = tables.format_table(
        results_frame(),
        ["outcome", "design", "estimate", "ci_ri", "p_ri", "n_persons_proeftuin"],
        language,
        "t",
        keys=2,
        ref=load_reference(),
    ).to_html()
    assert 'class="lmp-table"' in html
    assert "e-100" not in html and "e+" not in html
    assert "<th" in html and "Unnamed" not in html and "blank level0" not in html
    shown = dict((text, cls) for cls, text in cells(html))
    if language == "en":
        assert "Total health-care cost per insured-year" in shown
        assert shown["&lt; 0.001"].endswith("digits-3")
        assert "-1,235" in shown and "281,090" in shown and "12 to 152" in shown
        assert "-∞ to 3" in shown
    else:
        assert "Zorgkosten totaal per verzekerdenjaar" in shown
        assert "&lt; 0,001" in shown and "-1.235" in shown and "281.090" in shown
        assert "12 tot 152" in shown and "hele bevolking" in shown


def test_wide_tables_are_split_repeating_their_keys():
    frame = pd.DataFrame({"name": ["a"], **{c: [0.5] for c in ["p_value", "p_wcr", "p_ri"]}})
    parts = tables.format_table(
        frame, ["name", "p_value", "p_wcr", "p_ri"], "en", "w", max_columns=2
    ).parts
    assert len(parts) == 3
    assert all(">Proeftuin</th>" in part for part in parts)


def test_undeclared_columns_and_languages_are_refused():
    with pytest.raises(KeyError, match="not declared"):
        tables.format_table(pd.DataFrame({"x": [1]}), ["x"], "en", "x")
    with pytest.raises(KeyError, match="ci_ri_low"):
        tables.format_table(pd.DataFrame({"p_ri": [1]}), ["ci_ri"], "en", "x")
    with pytest.raises(ValueError, match="unknown language"):
        tables.format_table(results_frame(), ["estimate"], "fr", "x")


def test_same_table_same_bytes():
    make = lambda: tables.format_table(results_frame(), ["design", "estimate"], "nl", "s").to_html()  # noqa: E731
    assert make() == make()


def test_wcr_is_blanked_only_where_the_proeftuin_has_too_few_municipalities():
    frame = pd.DataFrame(
        {
            "n_treated_clusters": [1, 9],
            "ci_wcr_low": [-4526.0, 10.0],
            "ci_wcr_high": [26190.0, 147.0],
            "p_wcr": [0.9, 0.03],
        }
    )
    shown = tables.without_uninformative_wcr(frame)
    assert shown.iloc[0][["ci_wcr_low", "ci_wcr_high", "p_wcr"]].isna().all()
    assert shown.iloc[1]["ci_wcr_low"] == 10.0
    assert "WCR not shown" in tables.wcr_note(frame, "en")
    assert "WCR niet getoond" in tables.wcr_note(frame, "nl")
    assert tables.wcr_note(frame.iloc[[1]], "en") == ""


def test_one_unit_for_every_row_goes_into_the_headers():
    html = tables.format_table(
        results_frame(), ["outcome", "estimate"], "nl", "u", ref=load_reference()
    ).to_html()
    assert "Schatting (€ per verzekerdenjaar)" in html


@pytest.mark.parametrize(
    "language, header", [("en", "(share of persons (0/1))"), ("nl", "(aandeel personen (0/1))")]
)
def test_a_share_outcome_has_its_unit_in_the_headers_in_the_language(language, header):
    frame = results_frame().assign(outcome="good_health")
    html = tables.format_table(
        frame, ["outcome", "estimate"], language, "s", ref=load_reference()
    ).to_html()
    assert header in html
    assert tables.header("estimate", language, "share of persons (0/1)").endswith(header)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_designs_have_one_name_for_sentences_tables_and_figures(language):
    for code in ("population", "target", "triple"):
        words = sentences.design_words(code, language)
        assert tables.VALUES["design"][code][numbers.LANGUAGES.index(language)] == words
        assert tables.design_words(code, language) == words
        assert sentences.design_label(code, language) == words[0].upper() + words[1:]
    frame = pd.DataFrame({"design": ["triple"], "estimate": [1.0]})
    html = tables.format_table(frame, ["design", "estimate"], language, "d").to_html()
    assert f">{sentences.design_words('triple', language)}</td>" in html
    assert "(" in sentences.design_words("triple", language)  # target - non-target, in both


def test_html_cells_and_csv_tables_keep_plain_numbers(tmp_path):
    html = tables.format_table(results_frame(), ["design", "estimate"], "nl", "p").to_html()
    assert numbers.NBSP not in html and "€" not in html.split("<tbody>")[1]
    path = tmp_path / "results.csv"
    summaries.write_table(results_frame(), path)
    text = path.read_text(encoding="utf-8")
    assert "81.8837" in text and "€" not in text and numbers.NBSP not in text


@pytest.mark.parametrize("real", [True, False])
def test_figure_titles_say_what_is_drawn_in_both_languages(real):
    for make in (tables.summary_figure_title, tables.primary_across_title):
        english, dutch = make("Cost", real, "en"), make("Kosten", real, "nl")
        assert english.startswith("Cost\n") and dutch.startswith("Kosten\n")
        assert ("age-sex adjusted" in english) is real
        assert ("gecorrigeerd voor leeftijd en geslacht" in dutch) is real


def test_a_checksum_is_declared_an_identifier_not_a_number():
    frame = pd.DataFrame({"sha256": ["aa1c36a07e87"]})
    html = tables.format_table(frame, ["sha256"], "en", "c").to_html()
    assert re.search(r'<td class="[^"]*\bcode\b[^"]*" >aa1c36a07e87</td>', html)
