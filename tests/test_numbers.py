"""Amounts never break between a sign or unit and their number at a line end."""

from __future__ import annotations

import re

import numpy as np
import pytest

from lmp.report import numbers, sentences
from tests.conftest import nb

# Every space a browser or PDF printer may break a line at (everything ``\s`` matches but the
# no-break spaces U+00A0, U+202F and U+2007).
BREAKABLE = re.compile(r"[^\S\u00a0\u202f\u2007]")
AMOUNTS = [0, 1e-13, -1e-13, 0.4, -0.4, 3.4, -3.4, 82, -82, 152.1, 1234567.891, -9876.5, np.inf]


@pytest.mark.parametrize("language", numbers.LANGUAGES)
@pytest.mark.parametrize("digits", [0, 1, 2])
def test_no_euro_amount_has_a_breakable_space(language, digits):
    for value in AMOUNTS:
        text = numbers.euro(value, language, digits)
        assert text.count("€") == 1 and not BREAKABLE.search(text), repr(text)


def test_the_dutch_euro_sign_is_joined_to_its_number_by_a_no_break_space():
    assert numbers.euro(82, "nl") == "€\u00a082" == nb("€ 82")
    assert numbers.euro(-3.4, "nl") == "€\u00a0-3"
    assert numbers.euro(82, "en") == "€82" and numbers.euro(-3.4, "en") == "-€3"
    assert numbers.euro(float("nan"), "nl") == numbers.MISSING


@pytest.mark.parametrize("language", numbers.LANGUAGES)
def test_an_interval_breaks_only_between_its_ends(language):
    text = numbers.interval(12, 152.1, language)
    joiner = " to " if language == "en" else " tot "
    low, high = text.split(joiner)
    assert low == numbers.euro(12, language) and high == numbers.euro(152.1, language)
    assert not BREAKABLE.search(low) and not BREAKABLE.search(high)


@pytest.mark.parametrize("language", numbers.LANGUAGES)
@pytest.mark.parametrize(
    "unit, value",
    [("share of persons (0/1)", 0.012), ("persons", 12.0), ("EUR per insured-year", -82.0)],
)
def test_a_sentence_amount_keeps_its_number_with_its_sign_and_unit(language, unit, value):
    # per=False: "per insured-year" after a euro amount is a phrase that may start a new line
    text = sentences._amount(value, unit, language, per=False)
    assert not re.search("€" + BREAKABLE.pattern, text), repr(text)
    assert not re.search(r"\d" + BREAKABLE.pattern, text), repr(text)
    assert numbers.NBSP in text or (language == "en" and "€" in text)  # English: "€82"
