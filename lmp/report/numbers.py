"""Numbers as a reader sees them, in English or Dutch: one place for every format the reports use.

English writes ``1,234.5`` and Dutch ``1.234,5`` (thousands separator and decimal mark swapped).
Every function takes ``language`` (``"en"`` or ``"nl"``) and returns text. Missing values (None,
NaN) become an en dash; values within :data:`NOISE` of zero print as zero, so floating-point
noise (``1e-13``) never shows as a number; p-values below 0.001 print as ``< 0.001`` (never in
scientific notation). Only ASCII hyphen-minus is used for negative numbers, so what a reader
copies from a report parses as a number. A sign or unit written apart from its number (the Dutch
``€ 82``) is joined to it by :data:`NBSP`, so a line never ends between them.
"""

from __future__ import annotations

import math

LANGUAGES = ("en", "nl")
MISSING = "\u2013"  # en dash
NOISE = 1e-9
P_FLOOR = 0.001
NBSP = "\u00a0"  # no-break space: between a number and the sign or unit written apart from it


def check_language(language: str) -> str:
    """Return ``language`` when it is one lmp writes, else raise ValueError naming the valid ones."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; lmp writes {', '.join(LANGUAGES)}")
    return language


def is_missing(value: object) -> bool:
    """None, NaN and the empty string are missing; so is anything that is not a number."""
    if value is None or value == "":
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def _swap(text: str, language: str) -> str:
    """English separators to the language's: ``1,234.5`` stays or becomes ``1.234,5``."""
    if check_language(language) == "en":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def number(value: float | None, digits: int = 0, language: str = "en", grouped: bool = True) -> str:
    """``value`` with ``digits`` decimals and thousands separators (``grouped``).

    Infinite values print as ``∞``/``-∞`` (an unbounded interval end, or an effect no design
    could detect; reports say so in words); noise within :data:`NOISE` of zero prints as zero, never as ``-0``.
    """
    if is_missing(value):
        return MISSING
    value = float(value)
    if math.isinf(value):
        return "-∞" if value < 0 else "∞"
    if abs(value) < NOISE:
        value = 0.0
    text = f"{value:,.{digits}f}" if grouped else f"{value:.{digits}f}"
    if float(text.replace(",", "")) == 0:  # -0.0 after rounding
        text = text.lstrip("-")
    return _swap(text, language)


def integer(value: float | None, language: str = "en") -> str:
    """A count: no decimals, thousands separators."""
    return number(value, 0, language)


def euro(value: float | None, language: str = "en", digits: int = 0) -> str:
    """An amount in euros: ``€82`` and ``-€3`` in English, ``€ 82`` and ``€ -3`` in Dutch, the
    Dutch space a :data:`NBSP` (the sign never ends a line without its number)."""
    if is_missing(value):
        return MISSING
    if check_language(language) == "nl":
        return f"€{NBSP}{number(value, digits, language)}"
    text = number(abs(float(value)), digits, language)
    negative = float(value) < 0 and text != number(0, digits, language)
    return f"-€{text}" if negative else f"€{text}"


def percent(share: float | None, language: str = "en", digits: int = 1) -> str:
    """A share (0.25) as a percentage (``25.0%``; Dutch ``25,0%``)."""
    if is_missing(share):
        return MISSING
    return f"{number(100 * float(share), digits, language)}%"


def p_value(p: float | None, language: str = "en", digits: int = 3) -> str:
    """A p-value with ``digits`` decimals; below :data:`P_FLOOR` as ``< 0.001`` (``< 0,001``)."""
    if is_missing(p):
        return MISSING
    if float(p) < P_FLOOR:
        return f"< {number(P_FLOOR, 3, language)}"
    return number(p, digits, language)


def interval(
    low: float | None, high: float | None, language: str = "en", digits: int = 0, money: bool = True
) -> str:
    """A 95% interval ``€12 to €152`` (Dutch ``€ 12 tot € 152``, each amount as :func:`euro`
    writes it); an end that does not exist (missing or infinite) makes the whole interval
    "unbounded" in words."""
    ends = [low, high]
    if any(is_missing(end) or math.isinf(float(end)) for end in ends):
        return "unbounded" if language == "en" else "onbegrensd"
    shown = [euro(e, language, digits) if money else number(e, digits, language) for e in ends]
    joiner = " to " if check_language(language) == "en" else " tot "
    return joiner.join(shown)
