"""Tables a journal would print: labelled columns with units, fixed decimals, no index, no
scientific notation, in English or Dutch.

Every column a report shows is declared once in :data:`COLUMNS`: its header in both languages, its
kind (how a value becomes text) and its number of decimals. :func:`format_table` turns a result
frame into a :class:`FormattedTable` (an HTML ``<table class="lmp-table">`` made by pandas'
Styler, which hides the index and writes captions and cell classes): each numeric cell carries
the class ``digits-N``, the decimals its column declares, so a test can check that no cell shows
more. Tables wider than ``max_columns`` are split into parts that repeat the key columns, so none
is cut off at the page edge. The CSV files under ``tables/`` stay the tidy, unformatted record;
these tables are only for reading.

Assumptions: values are floats, ints, bools or text; interval columns come in ``*_low``/``*_high``
pairs named in :data:`INTERVALS`; an ``outcome`` column, where present, decides the unit of
effect columns row by row (euros: no decimals; shares and rates: three).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from html import escape

import pandas as pd
from pandas.io.formats.style import Styler

from lmp.report import numbers, sentences

# Kinds: how a value becomes text.
#   text     as is (translated through VALUES when listed)
#   int      a count, thousands separators
#   number   fixed decimals (``digits``)
#   effect   an estimate in the row's unit: euros without decimals, other units three decimals
#   interval an estimate interval from two columns (see INTERVALS), the row's unit
#   p        a p-value, three decimals, ``< 0.001``
#   share    a share 0-1 shown as a percentage, one decimal
#   pct      a value already in percent, one decimal
#   bool     yes/no
#   year     a calendar year, no separators
#   code     an identifier such as a checksum prefix (class ``code``: not a number)


@dataclass(frozen=True)
class Column:
    """How one column is shown: headers in English and Dutch, kind and decimals."""

    en: str
    nl: str
    kind: str = "text"
    digits: int = 0


COLUMNS: dict[str, Column] = {
    # keys and labels
    "field": Column("Field", "Kenmerk"),
    "value": Column("Value", "Waarde"),
    "name": Column("Proeftuin", "Proeftuin"),
    "proeftuin": Column("Proeftuin", "Proeftuin"),
    "gemeente_code": Column("Code", "Code"),
    "municipality": Column("Municipality", "Gemeente"),
    "confidence": Column("Membership", "Aansluiting"),
    "partial": Column("Partial", "Gedeeltelijk"),
    "note": Column("Note (English)", "Toelichting (Engels)"),
    "member_note": Column("Note", "Toelichting (vertaald door lmp)"),
    "status": Column("Status as proeftuin", "Status als proeftuin"),
    "outcome": Column("Outcome", "Uitkomstmaat"),
    "design": Column("Design", "Opzet"),
    "adjust": Column("Adjustment", "Correctie"),
    "segment": Column("Segment", "Segment"),
    "target": Column("Target group", "Doelgroep"),
    "choice": Column("Design choice", "Keuze in de opzet"),
    "choice_label": Column("Design choice", "Keuze in de opzet"),
    "file": Column("File", "Bestand"),
    "year": Column("Year", "Jaar", "year"),
    "checksum": Column("Checksum", "Controlegetal"),
    "sha256": Column("SHA-256 (first 12)", "SHA-256 (eerste 12)", "code"),
    # counts
    "n_persons_proeftuin": Column("Persons in the proeftuin", "Personen in de proeftuin", "int"),
    "rows_set_aside": Column("Rows set aside", "Rijen apart gezet", "int"),
    "cells_absent": Column("Cells absent", "Ontbrekende cellen", "int"),
    "n_persons": Column("Persons", "Personen", "int"),
    "persons_proeftuin": Column("Persons, proeftuin", "Personen, proeftuin", "int"),
    "persons_comparison": Column("Persons, comparison", "Personen, vergelijking", "int"),
    "n_clusters": Column("Municipalities", "Gemeenten", "int"),
    "n_treated_clusters": Column("Treated municipalities", "Gemeenten in de proeftuin", "int"),
    "comparison_municipalities": Column(
        "Comparison municipalities", "Vergelijkingsgemeenten", "int"
    ),
    "treated_municipalities": Column(
        "Proeftuin municipalities", "Gemeenten in de proeftuin", "int"
    ),
    "ri_placebos": Column("Placebo regions", "Placeboregio's", "int"),
    "k": Column("Proeftuinen pooled", "Proeftuinen samengenomen", "int"),
    "proeftuinen": Column("Proeftuinen", "Proeftuinen", "int"),
    "significant_cr1": Column("p ≤ 0.05, CR1", "p ≤ 0,05, CR1", "int"),
    "significant_wcr": Column("p ≤ 0.05, WCR", "p ≤ 0,05, WCR", "int"),
    "significant_ri": Column("p ≤ 0.05, RI", "p ≤ 0,05, RI", "int"),
    "sc_donors_weighted": Column("Donors with weight", "Donoren met gewicht", "int"),
    # shares
    "share_proeftuin_pct": Column("Share, proeftuin (%)", "Aandeel, proeftuin (%)", "pct", 1),
    "share_comparison_pct": Column("Share, comparison (%)", "Aandeel, vergelijking (%)", "pct", 1),
    "target_share": Column("Target-group share", "Aandeel doelgroep", "share", 1),
    "i2": Column("I² (%)", "I² (%)", "pct", 1),
    # estimates (unit of the row's outcome)
    "estimate": Column("Estimate", "Schatting", "effect"),
    "true_value": Column("True effect (synthetic)", "Werkelijk effect (synthetisch)", "effect"),
    "mde_ri": Column("MDE, RI (80% power)", "MDE, RI (80% onderscheidend vermogen)", "effect"),
    "mde_cr1": Column("MDE, CR1", "MDE, CR1", "effect"),
    "target_effect": Column("Target-group effect", "Effect in de doelgroep", "effect"),
    "nontarget_effect": Column("Non-target effect", "Effect buiten de doelgroep", "effect"),
    "implied_population_effect": Column(
        "Implied population effect", "Verwacht effect in de bevolking", "effect"
    ),
    "population_estimate": Column("Population estimate", "Schatting hele bevolking", "effect"),
    "mde_population_ri": Column("Population MDE, RI", "MDE hele bevolking, RI", "effect"),
    "target_effect_needed": Column(
        "Target effect needed to be seen", "Nodig effect in de doelgroep", "effect"
    ),
    "sc_estimate": Column("Synthetic control", "Synthetische controle", "effect"),
    "did_estimate": Column("DiD estimate", "DiD-schatting", "effect"),
    "pre_rmspe": Column("Pre-start RMSPE", "RMSPE vóór de start", "effect"),
    "holdout_rmspe": Column("Held-out RMSPE", "RMSPE achtergehouden jaar", "effect"),
    "post_rmspe": Column("Post-start RMSPE", "RMSPE na de start", "effect"),
    "tau2": Column("τ²", "τ²", "number", 1),
    # intervals (see INTERVALS)
    "ci_cr1": Column("95% CI, CR1", "95%-BI, CR1", "interval"),
    "ci_wcr": Column("95% CI, WCR", "95%-BI, WCR", "interval"),
    "ci_ri": Column("95% CI, RI", "95%-BI, RI", "interval"),
    "ci_hk": Column("95% CI (Hartung-Knapp)", "95%-BI (Hartung-Knapp)", "interval"),
    "ci_did_ri": Column("DiD 95% CI, RI", "DiD 95%-BI, RI", "interval"),
    # p-values
    "p_value": Column("p, CR1", "p, CR1", "p"),
    "p_wcr": Column("p, WCR", "p, WCR", "p"),
    "p_ri": Column("p, RI", "p, RI", "p"),
    "p_ri_holm": Column("p, RI, Holm", "p, RI, Holm", "p"),
    "pretrend_p_ri": Column("Pre-trend p, RI", "p trendverschil vooraf, RI", "p"),
    "p_value_hk": Column("p (Hartung-Knapp)", "p (Hartung-Knapp)", "p"),
    "q_p_value": Column("p, heterogeneity", "p, heterogeniteit", "p"),
    "sc_p_gap": Column("Placebo p, gap", "Placebo-p, verschil", "p"),
    "did_p_ri": Column("DiD p, RI", "DiD p, RI", "p"),
    # flags
    "implied_visible": Column("Implied effect ≥ MDE?", "Verwacht effect ≥ MDE?", "bool"),
    "fit_flagged": Column("Fit flagged", "Fit gemarkeerd", "bool"),
    "sc_fit_flagged": Column("Fit flagged", "Fit gemarkeerd", "bool"),
    "suppressed": Column("Suppressed (< 10 persons)", "Onderdrukt (< 10 personen)", "bool"),
    "train_years": Column("Fitted on", "Geschat op"),
    "holdout_years": Column("Held out", "Achtergehouden"),
}

# Interval columns: shown column -> (low, high) source columns.
INTERVALS = {
    "ci_cr1": ("ci_low", "ci_high"),
    "ci_wcr": ("ci_wcr_low", "ci_wcr_high"),
    "ci_ri": ("ci_ri_low", "ci_ri_high"),
    "ci_hk": ("ci_low_hk", "ci_high_hk"),
    "ci_did_ri": ("did_ci_ri_low", "did_ci_ri_high"),
}

# Category values translated for display (the CSVs keep the English codes).
VALUES = {
    # the designs' words are those of the sentences (one source)
    "design": {code: (words["en"], words["nl"]) for code, words in sentences.DESIGNS.items()},
    "adjust": {"none": ("none (crude)", "geen (ruw)"), "agesex": ("age-sex", "leeftijd-geslacht")},
    "target": {"yes": ("yes", "ja")},
    "partial": {"yes": ("yes", "ja"), "no": ("no", "nee")},
    # a proeftuin's status in the reference data (the words the sentences use too)
    "status": {code: (code, dutch) for code, dutch in sentences.CONFIDENCE_NL.items()},
    "confidence": {
        "sourced": ("named by a source", "genoemd door een bron"),
        "inferred": ("inferred by lmp", "afgeleid door lmp"),
        "confirmed": ("confirmed", "bevestigd"),
        "probable": ("probable", "waarschijnlijk"),
        "uncertain": ("uncertain", "onzeker"),
    },
    "checksum": {"matches SHA256SUMS": ("matches SHA256SUMS", "klopt met SHA256SUMS")},
    "field": {
        "Name": ("Name", "Naam"),
        "Region": ("Region", "Regio"),
        "Province": ("Province", "Provincie"),
        "Municipalities (classification 2020)": (
            "Municipalities (classification 2020)",
            "Gemeenten (indeling 2020)",
        ),
        "Lead insurer": ("Lead insurer", "Trekkende zorgverzekeraar"),
        "Partners": ("Partners", "Partners"),
        "First treated year": ("First treated year", "Eerste jaar van de proeftuin"),
        "Target group (segments)": ("Target group (segments)", "Doelgroep (segmenten)"),
        "Target ages on the open data": (
            "Target ages on the open data",
            "Leeftijden van de doelgroep op de open data",
        ),
        "Interventions": ("Interventions", "Interventies"),
        "Confidence in these facts": ("Confidence in these facts", "Zekerheid over deze feiten"),
        "Notes": (
            "Notes (from the reference data)",
            "Toelichting (uit de referentiedata, vertaald door lmp)",
        ),
        "Sources": ("Sources", "Bronnen"),
    },
}

# Unnamed column headers that must never reach a reader.
_BAD_HEADER = re.compile(r"^(Unnamed: \d+|index|level_\d+)?$")


def _lang(language: str) -> int:
    return numbers.LANGUAGES.index(numbers.check_language(language))


def _is_euro(unit: str | None) -> bool:
    return unit is None or unit == sentences.EURO_UNIT


def _effect(value: object, unit: str | None, language: str) -> tuple[str, int]:
    if _is_euro(unit):
        return numbers.number(value, 0, language), 0
    return numbers.number(value, 3, language), 3


def _interval(low: object, high: object, unit: str | None, language: str) -> tuple[str, int]:
    if numbers.is_missing(low) and numbers.is_missing(high):
        return numbers.MISSING, 0
    digits = 0 if _is_euro(unit) else 3
    ends = []
    for end in (low, high):
        if numbers.is_missing(end) or math.isinf(float(end)):
            ends.append("-∞" if end is low else "∞")
        else:
            ends.append(numbers.number(end, digits, language))
    joiner = " to " if language == "en" else " tot "
    return joiner.join(ends), digits


def _cell(frame: pd.DataFrame, i: int, name: str, language: str, units) -> tuple[str, str]:
    """(text, css class) of one cell."""
    spec = COLUMNS[name]
    unit = units.iloc[i] if units is not None else None
    if spec.kind == "interval":
        low, high = INTERVALS[name]
        text, digits = _interval(frame[low].iloc[i], frame[high].iloc[i], unit, language)
        return text, f"num digits-{digits}"
    value = frame[name].iloc[i]
    if spec.kind == "text":
        if numbers.is_missing(value) and not isinstance(value, str):
            return "", "text"
        if name == "choice":  # the robustness table's design choices
            return sentences.choice_label(str(value), language), "text"
        words = VALUES.get(name, {}).get(str(value))
        return (words[_lang(language)] if words else str(value)), "text"
    if spec.kind == "code":  # an identifier (a checksum): text, never a number
        return str(value), "text code"
    if spec.kind == "bool":
        if numbers.is_missing(value) and not isinstance(value, bool):
            return numbers.MISSING, "text"
        yes = value is True or str(value).lower() in ("true", "yes", "1")
        return ("yes" if yes else "no") if language == "en" else ("ja" if yes else "nee"), "text"
    if spec.kind == "year":
        return numbers.number(value, 0, language, grouped=False), "num digits-0"
    if spec.kind == "int":
        return numbers.integer(value, language), "num digits-0"
    if spec.kind == "number":
        return numbers.number(value, spec.digits, language), f"num digits-{spec.digits}"
    if spec.kind == "pct":
        return numbers.number(value, spec.digits, language), f"num digits-{spec.digits}"
    if spec.kind == "share":
        return numbers.percent(value, language, spec.digits), f"num digits-{spec.digits}"
    if spec.kind == "p":
        return numbers.p_value(value, language), "num digits-3"
    if spec.kind == "effect":
        text, digits = _effect(value, unit, language)
        return text, f"num digits-{digits}"
    raise ValueError(f"column '{name}': unknown kind '{spec.kind}'")


def header(name: str, language: str, unit: str | None = None) -> str:
    """The header of a column, with the unit for estimate columns when the table has one unit
    (its short form: :func:`lmp.report.sentences.unit_text`)."""
    spec = COLUMNS[name]
    text = spec.en if language == "en" else spec.nl
    if unit is not None and spec.kind in ("effect", "interval"):
        text = f"{text} ({sentences.unit_text(unit, language, short=True)})"
    return text


@dataclass
class FormattedTable:
    """One or more HTML tables (a wide table split in parts), shown by Jupyter as HTML."""

    parts: list[str]

    def to_html(self) -> str:
        return "\n".join(self.parts)

    def _repr_html_(self) -> str:
        return self.to_html()


def _check_columns(frame: pd.DataFrame, columns: list[str]) -> None:
    for name in columns:
        if name not in COLUMNS:
            raise KeyError(f"column '{name}' is not declared in lmp.report.tables.COLUMNS")
        needed = INTERVALS.get(name, (name,)) if COLUMNS[name].kind == "interval" else (name,)
        missing = [c for c in needed if c not in frame]
        if missing:
            raise KeyError(f"column '{name}' needs {', '.join(missing)}, absent from the frame")


def format_table(
    frame: pd.DataFrame,
    columns: list[str],
    language: str,
    name: str,
    keys: int = 1,
    caption: str | None = None,
    units: pd.Series | None = None,
    unit: str | None = None,
    max_columns: int = 7,
    ref=None,
) -> FormattedTable:
    """Format ``columns`` of ``frame`` for reading (see the module docstring).

    ``keys``: how many leading columns identify a row; they are repeated in every part when the
    table is split. ``units``: the unit of each row (default: from a ``unit`` argument shared by
    all rows; effects in euros when neither is given). ``unit`` also goes into the headers.
    ``name`` makes the HTML ids unique and stable (no random ids). ``ref`` (a
    :class:`lmp.reference.Reference`): an ``outcome`` column shows the catalogue's label in the
    language, and gives each row its unit.
    """
    numbers.check_language(language)
    _check_columns(frame, columns)
    frame = frame.reset_index(drop=True)
    if ref is not None and "outcome" in frame:
        catalogue = ref.outcomes.set_index("code")
        if units is None and unit is None:
            units = frame["outcome"].map(catalogue["unit"])
        frame = frame.assign(outcome=frame["outcome"].map(catalogue[f"label_{language}"]))
    if units is None and unit is not None:
        units = pd.Series([unit] * len(frame))
    elif units is not None:
        units = units.reset_index(drop=True)
    if unit is None and units is not None and units.nunique() == 1:
        unit = units.iloc[0]  # one unit for every row: say it in the headers
    key_cols, value_cols = columns[:keys], columns[keys:]
    width = max(1, max_columns - keys)
    chunks = [value_cols[i : i + width] for i in range(0, len(value_cols), width)] or [[]]
    parts = []
    for number, chunk in enumerate(chunks, start=1):
        shown = key_cols + chunk
        texts, classes = {}, {}
        for column in shown:
            cells = [_cell(frame, i, column, language, units) for i in range(len(frame))]
            label = header(column, language, unit)
            if _BAD_HEADER.match(label):
                raise ValueError(f"column '{column}' has no header")
            texts[label] = [c[0] for c in cells]
            classes[label] = [c[1] for c in cells]
        display = pd.DataFrame(texts)
        styler = (
            Styler(display, uuid=f"{name}-{number}", cell_ids=False)
            .hide(axis="index")
            .format(escape="html")
            .set_table_attributes('class="lmp-table"')
            .set_td_classes(pd.DataFrame(classes))
        )
        title = caption
        if caption and len(chunks) > 1:
            title = f"{caption} ({number}/{len(chunks)})"
        if title:
            styler = styler.set_caption(escape(title))
        parts.append(styler.to_html())
    return FormattedTable(parts)


def design_words(design: str, language: str) -> str:
    """A design's name for a reader (``population`` -> ``whole population`` / ``hele bevolking``),
    as :func:`lmp.report.sentences.design_words` writes it."""
    return sentences.design_words(design, language)


def standardisation_words(standardise: bool, real: bool, language: str) -> str:
    """The suffix of a trend figure's title: age-sex standardised, crude, or nothing (synthetic)."""
    if standardise:
        return (
            ", age-sex standardised"
            if language == "en"
            else ", gestandaardiseerd naar leeftijd en geslacht"
        )
    if real:
        return ", crude" if language == "en" else ", ruw"
    return ""


def translated_segments(frame: pd.DataFrame, ref, language: str) -> pd.DataFrame:
    """``frame`` with its ``segment`` labels (English, as in the CSV) in ``language``."""
    if numbers.check_language(language) == "en":
        return frame
    catalogue = pd.concat([ref.segments, ref.agesex])[["label_en", "label_nl"]]
    labels = dict(zip(catalogue["label_en"], catalogue["label_nl"], strict=True))
    return frame.assign(segment=frame["segment"].map(lambda s: labels.get(s, s)))


def study_label(study, language: str) -> str:
    """An event study's design for a reader, with whether it is age-sex adjusted or crude."""
    adjusted = getattr(study, "adjust", "none") == "agesex"
    if language == "en":
        how = "age-sex adjusted" if adjusted else "crude"
    else:
        how = "gecorrigeerd voor leeftijd en geslacht" if adjusted else "ruw"
    return f"{sentences.design_label(study.design, language)} ({how})"


def without_uninformative_wcr(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without the wild-bootstrap interval and p where the proeftuin has too few
    municipalities for it to mean anything (:data:`lmp.summaries.WCR_UNINFORMATIVE_UP_TO`)."""
    from lmp.summaries import WCR_UNINFORMATIVE_UP_TO

    few = frame["n_treated_clusters"] <= WCR_UNINFORMATIVE_UP_TO
    columns = [c for c in ("ci_wcr_low", "ci_wcr_high", "p_wcr") if c in frame]
    out = frame.copy()
    out.loc[few, columns] = float("nan")
    return out


def wcr_note(frame: pd.DataFrame, language: str) -> str:
    """The caption's note when :func:`without_uninformative_wcr` blanked the WCR columns."""
    from lmp.summaries import WCR_UNINFORMATIVE_UP_TO

    if not (frame["n_treated_clusters"] <= WCR_UNINFORMATIVE_UP_TO).any():
        return ""
    if language == "en":
        return (
            f" (WCR not shown: with {WCR_UNINFORMATIVE_UP_TO} or fewer proeftuin municipalities "
            "it all but never rejects, whatever the effect)"
        )
    return (
        f" (WCR niet getoond: met {WCR_UNINFORMATIVE_UP_TO} of minder gemeenten in de proeftuin "
        "verwerpt zij vrijwel nooit, hoe groot het effect ook is)"
    )


def summary_figure_title(label: str, real: bool, language: str) -> str:
    """The title of a report's main figure: what its lines are a difference of."""
    if language == "en":
        how = ", age-sex adjusted" if real else ""
        return f"{label}\nproeftuin minus comparison by year{how}"
    how = ", gecorrigeerd voor leeftijd en geslacht" if real else ""
    return f"{label}\nproeftuin min vergelijking per jaar{how}"


def primary_across_title(label: str, real: bool, language: str) -> str:
    """The title of the synthesis' main figure: the primary analysis of every proeftuin."""
    if language == "en":
        how = ", age-sex adjusted" if real else ""
        return f"{label}\nprimary analysis{how}; randomization-inference 95% intervals"
    how = ", gecorrigeerd voor leeftijd en geslacht" if real else ""
    return f"{label}\nprimaire analyse{how}; 95%-intervallen uit randomisatie-inferentie"


def provenance_caption(language: str) -> str:
    """What the provenance table's columns mean (the rows set aside are Vektis' own rows of
    insured persons it could not place in a municipality)."""
    if language == "en":
        return (
            "The Vektis files read, with the first 12 characters of their SHA-256 (checked "
            "against the shipped SHA256SUMS). Rows set aside: insured persons Vektis could not "
            "place in a municipality. Cells absent: suppressed by Vektis (fewer than 10 persons)."
        )
    return (
        "De gelezen bestanden van Vektis, met de eerste 12 tekens van hun SHA-256 (gecontroleerd "
        "met de meegeleverde SHA256SUMS). Rijen apart gezet: verzekerden die Vektis niet in een "
        "gemeente kon plaatsen. Ontbrekende cellen: door Vektis weggelaten (minder dan 10 personen)."
    )
