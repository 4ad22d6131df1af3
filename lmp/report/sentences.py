"""Every sentence of the reports, in English (``en``) and Dutch (``nl``), chosen by the numbers.

The estimators (:mod:`lmp.did`, :mod:`lmp.power`, :mod:`lmp.sensitivity`, :mod:`lmp.synthcontrol`,
:mod:`lmp.meta`) and :mod:`lmp.summaries` return numbers, tables and categories; this module turns
them into words. Each function takes the result (a result object, a row of a results table or a
table) first and ``language`` as a keyword. Where a sentence states a direction or a significance,
the branch is chosen by a small pure function of the numbers (``answer_verdict``,
``pretrend_verdict``, ``breakdown_verdict``, :func:`lmp.summaries.agreement`,
:func:`lmp.summaries.robustness_verdict`), so wording and statistics can be reviewed apart.

Numbers go through :mod:`lmp.report.numbers` (the language's decimal mark and thousands
separator, ``€ 82`` in Dutch with a no-break space, p-values as ``< 0.001``, never scientific
notation, never floating-point noise). Dutch follows the terms of the Dutch sources: zorgkosten per
verzekerdenjaar, doelgroep, proeftuin, vergelijkingsgemeenten, randomisatie-inferentie,
95%-betrouwbaarheidsinterval, synthetische controle, trendverschil.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from lmp import summaries
from lmp.inference import significant
from lmp.report.numbers import (
    MISSING,
    NBSP,
    NOISE,
    check_language,
    euro,
    integer,
    interval,
    is_missing,
    number,
    p_value,
    percent,
)

# --- words that several sentences share ------------------------------------------------------

EURO_UNIT = "EUR per insured-year"  # the unit of the cost outcomes

# Every outcome unit of data/reference/outcomes.csv (and the short forms tests and notebooks
# pass), in words: ``prose`` for sentences, ``short`` for table headers and figure axes, each in
# English and Dutch. The one dictionary of units: :func:`unit_text` reads it for both.
UNITS = {
    EURO_UNIT: {
        "prose": {"en": "euros per insured-year", "nl": "euro per verzekerdenjaar"},
        "short": {"en": "€ per insured-year", "nl": "€ per verzekerdenjaar"},
    },
    "share of persons (0/1)": {
        "prose": {"en": "share of persons (0/1)", "nl": "aandeel personen (0/1)"},
        "short": {"en": "share of persons (0/1)", "nl": "aandeel personen (0/1)"},
    },
    "share of persons": {
        "prose": {"en": "share of persons", "nl": "aandeel personen"},
        "short": {"en": "share of persons", "nl": "aandeel personen"},
    },
    "EUR": {
        "prose": {"en": "euros", "nl": "euro"},
        "short": {"en": "€", "nl": "€"},
    },
    "euro": {
        "prose": {"en": "euros", "nl": "euro"},
        "short": {"en": "€", "nl": "€"},
    },
    "insured-years": {
        "prose": {"en": "insured-years", "nl": "verzekerdenjaren"},
        "short": {"en": "insured-years", "nl": "verzekerdenjaren"},
    },
    "persons": {
        "prose": {"en": "persons", "nl": "personen"},
        "short": {"en": "persons", "nl": "personen"},
    },
}

# The three designs in words (lower case; :func:`design_label` capitalises): the one source for
# sentences, table cells (:data:`lmp.report.tables.VALUES`) and figure titles.
DESIGNS = {
    "population": {"en": "whole population", "nl": "hele bevolking"},
    "target": {"en": "target group", "nl": "doelgroep"},
    "triple": {
        "en": "triple difference (target - non-target)",
        "nl": "drievoudig verschil (doelgroep - niet-doelgroep)",
    },
}

# What the placebo regions of each match have in common with the proeftuin.
MATCH_WORDS = {
    "en": {
        "municipalities": "as many municipalities",
        "persons": "as many municipalities and about as many persons",
        "contiguous": "as many neighbouring municipalities and about as many persons",
    },
    "nl": {
        "municipalities": "evenveel gemeenten",
        "persons": "evenveel gemeenten en ongeveer evenveel personen",
        "contiguous": "evenveel aangrenzende gemeenten en ongeveer evenveel personen",
    },
}

# The design choices of lmp.summaries.ROBUSTNESS_VARIANTS in Dutch.
CHOICES_NL = {
    "primary: age-sex adjusted, whole country": (
        "primair: gecorrigeerd voor leeftijd en geslacht, heel Nederland"
    ),
    "crude (no age-sex adjustment)": "ongecorrigeerd (geen correctie voor leeftijd en geslacht)",
    "comparison within the province": "vergelijking binnen de provincie",
    "comparison within the COROP region": "vergelijking binnen de COROP-regio",
    "neighbouring municipalities left out": "aangrenzende gemeenten weggelaten",
    "sourced members only": "alleen gemeenten die een bron noemt",
    "start in 2013 (designation year)": "start in 2013 (jaar van aanwijzing)",
    "2011-2016 only (eerstelijnsverblijf in other costs in 2017)": (
        "alleen 2011-2016 (eerstelijnsverblijf in 2017 in overige kosten)"
    ),
}

# The status of a proeftuin in data/reference/proeftuinen.csv.
CONFIDENCE_NL = {
    "confirmed": "bevestigd",
    "probable": "waarschijnlijk",
    "uncertain": "onzeker",
    "inferred": "afgeleid",
}

# How each real-data outcome is built from the Vektis columns (the English text is the
# ``vektis_definition`` column of data/reference/outcomes.csv).
DEFINITIONS_NL = {
    "cost_total": (
        "som van alle KOSTEN_-kolommen behalve die van zorg die in de periode naar de Zvw is "
        "overgeheveld (GERIATRISCHE_REVALIDATIEZORG, LANGDURIGE_GGZ, VERPLEGING_EN_VERZORGING, "
        "EERSTELIJNSVERBLIJF, GZSP): vergelijkbaar over 2011-2019; zie vektis_columns.csv"
    ),
    "cost_gp": (
        "HUISARTS_INSCHRIJFTARIEF + HUISARTS_CONSULT + HUISARTS_OVERIG + HUISARTS_MDZ; MDZ is pas "
        "vanaf 2015 een aparte kolom (een breuk een jaar na de start): lees naast cost_gp_excl_mdz"
    ),
    "cost_gp_excl_mdz": (
        "HUISARTS_INSCHRIJFTARIEF + HUISARTS_CONSULT + HUISARTS_OVERIG: de huisartsenreeks zonder "
        "de MDZ-breuk van 2015"
    ),
    "cost_hospital": "MEDISCH_SPECIALISTISCHE_ZORG",
    "cost_pharmacy": "FARMACIE",
    "cost_nursing": (
        "VERPLEGING_EN_VERZORGING; pas vanaf 2015 in de Zvw, dus geen DiD met eerdere jaren"
    ),
    "cost_mental": (
        "TWEEDELIJNS_GGZ of SPECIALISTISCHE_GGZ, plus EERSTELIJNS_PSYCHOLOGISCHE_ZORG of "
        "GENERALISTISCHE_BASIS_GGZ; de ggz-hervorming van 2014 valt in het startjaar en de "
        "herindeling van 2022 beëindigt de reeks"
    ),
}


def _en(language: str) -> bool:
    return check_language(language) == "en"


def unit_text(unit: str, language: str = "en", short: bool = False) -> str:
    """An outcome's unit in words in the language: for prose (``"EUR per insured-year"`` is
    ``"euros per insured-year"``, Dutch ``"euro per verzekerdenjaar"``) or, with ``short``, for a
    table header or a figure axis (``"€ per verzekerdenjaar"``). A unit not in :data:`UNITS` is
    returned as it is."""
    words = UNITS.get(unit)
    if words is None:
        check_language(language)
        return unit
    return words["short" if short else "prose"][check_language(language)]


def design_words(design: str, language: str = "en") -> str:
    """A design (``population``, ``target``, ``triple``) in words, lower case (``whole
    population``, ``hele bevolking``); another name is returned as it is."""
    words = DESIGNS.get(design)
    return words[check_language(language)] if words else design


def design_label(design: str, language: str = "en") -> str:
    """A design in words as a label, its first letter upper case (``Whole population``); another
    name is returned as it is."""
    words = design_words(design, language)
    return words[:1].upper() + words[1:] if design in DESIGNS else design


def choice_label(choice: str, language: str = "en") -> str:
    """A design choice of the robustness table in the language."""
    return choice if _en(language) else CHOICES_NL.get(choice, choice)


def _kind(unit: str) -> str:
    """``money`` (euros), ``share`` (a 0/1 outcome) or ``other``."""
    lowered = unit.lower()
    if lowered.startswith("eur") or "euro" in lowered:
        return "money"
    if lowered.startswith("share"):
        return "share"
    return "other"


def _digits(value: float) -> int:
    """Decimals a sentence shows for an amount: none from 10 on, one from 1, else two."""
    if is_missing(value) or math.isinf(float(value)):
        return 0
    size = abs(float(value))
    if size < NOISE:
        return 0
    return 0 if size >= 10 else 1 if size >= 1 else 2


def _sig(value: float, digits: int = 4, language: str = "en") -> str:
    """``value`` with about ``digits`` significant digits in fixed-point notation (trailing zeros
    dropped), never in scientific notation; noise within ``NOISE`` of zero is 0."""
    if is_missing(value):
        return MISSING
    value = float(value)
    if math.isinf(value) or abs(value) < NOISE:
        return number(value, 0, language)
    decimals = min(15, max(0, digits - 1 - math.floor(math.log10(abs(value)))))
    text = number(value, decimals, language)
    mark = "." if language == "en" else ","
    if decimals and mark in text:
        text = text.rstrip("0").rstrip(mark)
    return text


def _amount(
    value: float, unit: str, language: str, digits: int | None = None, per: bool = True
) -> str:
    """An amount of the outcome: ``€82 per insured-year`` (``€ 82 per verzekerdenjaar``), a
    share as percentage points, anything else as a number with its unit; the number and the
    sign or unit right after it are joined by a no-break space (:data:`NBSP`)."""
    kind = _kind(unit)
    if kind == "share":
        shown = number(100 * float(value), 1 if digits is None else digits, language)
        return f"{shown}{NBSP}{'percentage points' if _en(language) else 'procentpunt'}"
    digits = _digits(value) if digits is None else digits
    if kind == "money":
        text = euro(value, language, digits)
        if per and "per insured-year" in unit:
            text += " per insured-year" if _en(language) else " per verzekerdenjaar"
        return text
    return f"{number(value, digits, language)}{NBSP}{unit_text(unit, language)}"


def _range(low: float, high: float, unit: str, language: str, digits: int | None = None) -> str:
    """A 95% interval of the outcome; "unbounded" (``onbegrensd``) when an end does not exist."""
    if any(is_missing(v) or math.isinf(float(v)) for v in (low, high)):
        return interval(low, high, language)
    if digits is None:
        # the decimals of the larger end: "-€80 to -€1", not "-€80.0 to -€1.0"
        digits = _digits(max(abs(float(low)), abs(float(high)))) if _kind(unit) == "money" else None
    if _kind(unit) == "money":
        return interval(low, high, language, digits)
    joiner = " to " if _en(language) else " tot "
    return joiner.join(_amount(v, unit, language, digits) for v in (low, high))


def _p(p: float, language: str) -> str:
    """``p = 0.012`` or ``p < 0.001`` (Dutch ``p = 0,012``)."""
    shown = p_value(p, language)
    return f"p {shown}" if shown.startswith("<") else f"p = {shown}"


def _level(alpha: float, language: str) -> str:
    """The confidence level as ``95%``."""
    return percent(1 - float(alpha), language, 0)


def _alpha(alpha: float, language: str) -> str:
    """The significance level as ``5%``."""
    return percent(float(alpha), language, 0)


def _join(items: list[str], language: str) -> str:
    """``a, b and c`` (``a, b en c``)."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    word = " and " if _en(language) else " en "
    return ", ".join(items[:-1]) + word + items[-1]


def _finite(low: float, high: float) -> bool:
    return not any(is_missing(v) or math.isinf(float(v)) for v in (low, high))


# --- data notes ----------------------------------------------------------------------------------


def synthetic_note(language: str = "en") -> str:
    """The warning that the data are synthetic (Markdown)."""
    if _en(language):
        return (
            "**Synthetic data.** Every number and figure in this report comes from data generated "
            "by `lmp synth`, with effects injected on purpose. They say nothing about the real "
            "proeftuinen."
        )
    return (
        "**Synthetische gegevens.** Elk getal en elke figuur in dit rapport komt uit gegevens die "
        "`lmp synth` heeft gemaakt, met opzet ingebrachte effecten. Ze zeggen niets over de echte "
        "proeftuinen."
    )


def banner(data, language: str = "en") -> str:
    """Markdown that states plainly where the data come from (``data``: a Dataset)."""
    en = _en(language)
    if data.synthetic:
        return f"> ⚠️ {synthetic_note(language)}"
    source = data.provenance.get("source")
    if source:
        years = f"{data.years[0]}-{data.years[-1]}"
        classification = data.provenance.get("classification")
        if en:
            return (
                f"> **Real data.** {source.replace('<year>', years)}; municipalities of the "
                f"{classification} classification. Files, checksums and definitions: section "
                "*Methods* near the end."
            )
        return (
            f"> **Echte gegevens.** {source.replace('<year>', years)}; gemeenten volgens de "
            f"gemeentelijke indeling {classification}. Bestanden, controlegetallen en definities: "
            "paragraaf *Methoden* aan het eind."
        )
    name = Path(data.path).name
    if en:
        return f"> Data: `{name}` (not marked synthetic)."
    return f"> Gegevens: `{name}` (niet als synthetisch gemarkeerd)."


def limits_real(language: str = "en") -> str:
    """What the open data cannot see (Markdown list)."""
    if _en(language):
        return """**What these data cannot see.**

- Costs under the Zorgverzekeringswet only: no Wmo (municipal support), Wlz (long-term care) or
  youth care, where part of the proeftuinen's work took place.
- Municipality level: a proeftuin that is a GP list or a neighbourhood (see *partial* above) is
  diluted by everyone else in its municipalities; the comparison municipalities include other
  regional initiatives that were not proeftuinen.
- Age and sex only: the target groups are age approximations of the programmes' groups, fixed in
  advance, not the chronically ill or frail persons the interventions reached.
- No health or quality outcomes: the open data hold costs only.
- Categories change over the period: MDZ (multidisciplinary chronic care) is a GP column only from
  2015, the 2014 GGZ reform falls in the start year, and benefits moved into the Zvw are left out of
  total cost. 2020 (COVID) is outside the default window.
"""
    return """**Wat deze gegevens niet kunnen zien.**

- Alleen kosten onder de Zorgverzekeringswet: geen Wmo (gemeentelijke ondersteuning), Wlz
  (langdurige zorg) of jeugdzorg, waar een deel van het werk van de proeftuinen plaatsvond.
- Gemeenteniveau: een proeftuin die een huisartsenpopulatie of een wijk is (zie *gedeeltelijk*
  hierboven), wordt verdund door alle andere inwoners van zijn gemeenten; onder de
  vergelijkingsgemeenten zijn andere regionale initiatieven die geen proeftuin waren.
- Alleen leeftijd en geslacht: de doelgroepen zijn vooraf vastgelegde benaderingen naar leeftijd van
  de doelgroepen van de programma's, niet de chronisch zieke of kwetsbare personen die de
  interventies bereikten.
- Geen uitkomsten voor gezondheid of kwaliteit: de open data bevatten alleen kosten.
- Categorieën veranderen in de periode: MDZ (multidisciplinaire zorg voor chronisch zieken) is pas
  vanaf 2015 een huisartsenkolom, de ggz-hervorming van 2014 valt in het startjaar, en zorg die naar
  de Zvw is overgeheveld, telt niet mee in de totale kosten. 2020 (covid) valt buiten het
  standaardvenster.
"""


def definitions_text(outcomes: list[str], ref=None, language: str = "en") -> str:
    """Markdown: how each real-data outcome is built from the Vektis columns, with its caveats."""
    from lmp.reference import load_reference

    en = _en(language)
    ref = ref or load_reference()
    table = ref.outcomes.set_index("code")
    head = (
        "**Outcomes** (euros per insured-year; `data/reference/vektis_columns.csv`):"
        if en
        else "**Uitkomsten** (euro per verzekerdenjaar; `data/reference/vektis_columns.csv`):"
    )
    lines = [head, ""]
    for code in outcomes:
        row = table.loc[code]
        definition = row.get("vektis_definition", "")
        if not en:
            definition = DEFINITIONS_NL.get(code, definition)
        label = row.get("label_en" if en else "label_nl", "")
        label = f" ({label})" if isinstance(label, str) and label else ""
        lines.append(f"- `{code}`{label}: {definition}")
    lines += [
        "",
        "Weights are insured-years; municipalities are those of the classification of the data; "
        "cells absent from the files (fewer than 10 insured persons) are absent here too."
        if en
        else "Gewichten zijn verzekerdenjaren; gemeenten zijn die van de gemeentelijke indeling "
        "van de gegevens; cellen die in de bestanden ontbreken (minder dan 10 verzekerden), "
        "ontbreken hier ook.",
    ]
    return "\n".join(lines)


# --- inference ------------------------------------------------------------------------------------


def bootstrap_p_text(p: float, draws: int, enumerated: bool, language: str = "en") -> float | str:
    """A wild-bootstrap p-value for display: ``"< 1/B"`` (e.g. ``"< 1/9999"``) when no draw
    reached ``|t|``.

    With ``B`` random draws the p-value is the share of draws with ``|t*| >= |t|``; 0 means only
    that it is below ``1/B``, not that it is 0. Under full enumeration the draw that reproduces
    the data always counts, so p is never 0 there. Any other p is returned unchanged (a number,
    for a table to format).
    """
    check_language(language)
    if p == 0 and draws > 0 and not enumerated:
        return f"< 1/{int(draws)}"
    return p


def ri_size_text(language: str = "en") -> str:
    """How often randomization inference rejected a true null on the real data (lmp's study)."""
    c, s = summaries.RI_SIZE_CONTIGUOUS, summaries.RI_SIZE_SCATTERED

    def span(pair: tuple[float, float]) -> str:
        return f"{_sig(pair[0], 3, language)}-{_sig(pair[1], 3, language)}%"

    if _en(language):
        return (
            f"on the real data RI rejected a true null at 5% in {span(c[3])} of pseudo "
            f"proeftuinen of 3 neighbouring municipalities and {span(c[8])} of 8 (with placebo "
            f"regions scattered over the country: {span(s[3])} and {span(s[8])}; "
            "`benchmarks/results/ri_contiguous.md`): a p-value just under 5% is weaker evidence "
            "than it reads."
        )
    return (
        f"op de echte gegevens verwierp RI bij 5% een nulhypothese die waar was (geen effect) in "
        f"{span(c[3])} van de schijnproeftuinen van 3 aangrenzende gemeenten en in {span(c[8])} "
        f"van die van 8 (met placeboregio's verspreid over het land: {span(s[3])} en {span(s[8])}; "
        "`benchmarks/results/ri_contiguous.md`): een p-waarde net onder 5% is zwakker bewijs dan "
        "ze lijkt."
    )


def _matched(result, language: str) -> str:
    """What else the placebo regions match, in words: persons (within a factor 1.5), and whether
    they are made of neighbouring municipalities as the proeftuin is."""
    en = _en(language)
    match = result.get("ri_match")
    if match == "persons":
        return (
            " with about as many persons (within a factor 1.5)"
            if en
            else " met ongeveer evenveel personen (binnen een factor 1,5)"
        )
    if match == "contiguous":
        return (
            ", each of neighbouring municipalities as the proeftuin is, with about as many "
            "persons (within a factor 1.5)"
            if en
            else ", elk van aangrenzende gemeenten zoals de proeftuin, met ongeveer evenveel "
            "personen (binnen een factor 1,5)"
        )
    return ""


def inference_guide(result: pd.Series, alpha: float = 0.05, language: str = "en") -> str:
    """Which inference to trust for this proeftuin, and why, in plain words (Markdown).

    ``result`` is one row of the results table (the counts are the same for every design; the
    standard errors are those of that row). The reasoning follows MacKinnon & Webb (2017),
    Conley & Taber (2011) and lmp's own size study (``benchmarks/results/size.md``).
    """
    en = _en(language)
    k, g = int(result["n_treated_clusters"]), int(result["n_clusters"])
    placebos = int(result["ri_placebos"])
    shown = integer(placebos, language)
    if bool(result["ri_enumerated"]):
        regions = f"all {shown} possible" if en else f"alle {shown} mogelijke"
    else:
        regions = f"{shown} randomly drawn" if en else f"{shown} willekeurig getrokken"
    if en:
        municipalities = "municipality" if k == 1 else "municipalities"
        lines = [
            f"**Which inference to trust.** This proeftuin has **{k} treated {municipalities}** "
            f"among {integer(g, language)}. With so few treated clusters:",
            "",
        ]
    else:
        municipalities = "gemeente" if k == 1 else "gemeenten"
        lines = [
            f"**Welke inferentie is te vertrouwen?** Deze proeftuin telt **{k} {municipalities}** "
            f"van de {integer(g, language)} gemeenten in de analyse. Met zo weinig gemeenten in de "
            "proeftuin:",
            "",
        ]
    level = _sig(alpha, 3, language)
    if (1 + placebos) * alpha < 1:
        lines.append(
            f"- **Randomization inference (RI) cannot decide here**: with only {shown} placebo "
            f"regions no estimate can reach p ≤ {level}, so its intervals are unbounded. Treat "
            "every estimate as inconclusive."
            if en
            else f"- **Randomisatie-inferentie (RI) kan hier niet beslissen**: met maar {shown} "
            f"placeboregio's kan geen schatting p ≤ {level} bereiken, dus zijn haar intervallen "
            "onbegrensd. Beschouw elke schatting als onbeslist."
        )
    elif en:
        lines.append(
            f"- **Randomization inference (RI) is the one to trust.** It re-estimates the same DiD "
            f"with the treatment moved to {regions} placebo regions of {k} comparison "
            f"{municipalities}{_matched(result, language)} and asks how unusual the proeftuin's "
            "estimate is among them. It needs no large-sample approximation, only that the "
            "proeftuin could have been any of those regions as far as noise goes (comparable size "
            "and volatility); its interval assumes a constant additive effect. In lmp's size study "
            "its rejection rate under no effect stayed close to 5% for 1 to 10 treated "
            "municipalities (`benchmarks/results/size.md`); matching on persons keeps it near 5% "
            "also for regions of unusually small or large municipalities, where matching on the "
            "number alone rejects far too often or too rarely "
            "(`benchmarks/results/ri_region_size.md`). Neighbouring municipalities share "
            "regional shocks, so placebo regions are drawn from neighbouring municipalities as "
            "the proeftuinen are; even so, " + ri_size_text(language)
        )
    else:
        lines.append(
            f"- **Randomisatie-inferentie (RI) is hier het betrouwbaarst.** Zij schat "
            f"dezelfde DiD opnieuw met de behandeling verplaatst naar {regions} placeboregio's "
            f"van {k} vergelijkings{municipalities}{_matched(result, language)} en vraagt hoe "
            "ongewoon de schatting van de proeftuin daartussen is. Zij heeft geen benadering voor "
            "grote steekproeven nodig, alleen dat de proeftuin wat toeval betreft elk van die "
            "regio's had kunnen zijn (vergelijkbare omvang en beweeglijkheid); haar interval "
            "veronderstelt een constant, additief effect. In de omvangsstudie van lmp bleef haar "
            "kans om zonder effect te verwerpen dicht bij 5% voor 1 tot 10 gemeenten in de "
            "proeftuin (`benchmarks/results/size.md`); koppelen op het aantal personen houdt die "
            "kans ook dicht bij 5% voor regio's van ongewoon kleine of grote gemeenten, waar "
            "koppelen op alleen het aantal gemeenten veel te vaak of te zelden verwerpt "
            "(`benchmarks/results/ri_region_size.md`). Aangrenzende gemeenten delen regionale "
            "schokken, dus worden placeboregio's uit aangrenzende gemeenten gevormd, zoals de "
            "proeftuinen; toch geldt: " + ri_size_text(language)
        )
    if k <= summaries.WCR_UNINFORMATIVE_UP_TO:
        lines.append(
            "- **The wild cluster bootstrap (WCR) is not informative here.** With three or fewer "
            "treated municipalities its bootstrap distribution is dominated by the treated "
            "municipalities' own residuals: it almost never rejects (lmp's size study: well "
            "below 5% under no effect) and its intervals are very wide or unbounded (MacKinnon & "
            "Webb 2017). It is shown for completeness."
            if en
            else "- **De wild cluster bootstrap (WCR) is hier niet informatief.** Met drie of "
            "minder gemeenten in de proeftuin wordt haar bootstrapverdeling beheerst door de eigen "
            "residuen van die gemeenten: zij verwerpt bijna nooit (omvangsstudie van lmp: ruim "
            "onder 5% zonder effect) en haar intervallen zijn zeer breed of onbegrensd (MacKinnon "
            "& Webb 2017). Zij staat er alleen voor de volledigheid."
        )
    else:
        lines.append(
            "- **The wild cluster bootstrap (WCR) is a second opinion, not a check of RI.** It "
            "imposes the null and resamples whole municipalities with Webb weights; lmp's size "
            "study on synthetic data found it a little conservative with four treated "
            "municipalities and close to 5% from about five on, but on the real data it rejected "
            "a true null in 15-33% of contiguous pseudo proeftuinen of 8 municipalities "
            "(`benchmarks/results/size_real.md`): it shares RI's weakness with regional shocks, "
            "so agreement of the two is not independent confirmation."
            if en
            else "- **De wild cluster bootstrap (WCR) is een tweede mening, geen controle van "
            "RI.** Zij legt de nulhypothese op en trekt hele gemeenten opnieuw met Webb-gewichten; "
            "de omvangsstudie van lmp op synthetische gegevens vond haar iets te voorzichtig met "
            "vier gemeenten in de proeftuin en dicht bij 5% vanaf ongeveer vijf, maar op de echte "
            "gegevens verwierp zij een nulhypothese die waar was in 15-33% van de aaneengesloten "
            "schijnproeftuinen van 8 gemeenten (`benchmarks/results/size_real.md`): zij deelt de "
            "zwakte van RI bij regionale schokken, dus is overeenstemming van beide geen "
            "onafhankelijke bevestiging."
        )
    if en:
        cr1 = (
            "- **Conventional cluster-robust (CR1) results are shown for reference only.** Its t "
            "test leans on many treated clusters; with few it over-rejects (Conley & Taber 2011), "
            "and lmp's size study found it rejecting a true null far more often than 5% for every "
            "region size from 1 to 10 municipalities. "
        )
    else:
        cr1 = (
            "- **Gewone clusterrobuuste (CR1) resultaten staan er alleen ter vergelijking.** De "
            "t-toets leunt op veel behandelde clusters; met weinig verwerpt hij te vaak (Conley & "
            "Taber 2011), en de omvangsstudie van lmp vond dat hij een nulhypothese die waar was "
            "veel vaker dan bij 5% verwierp, voor elke regio van 1 tot 10 gemeenten. "
        )
    sd = result.get("sd_ri")
    if not is_missing(sd) and result["se"] < sd:
        se_text, sd_text = _sig(result["se"], 4, language), _sig(sd, 4, language)
        cr1 += (
            f"Here its standard error ({se_text}) is also smaller than the spread of the placebo "
            f"estimates ({sd_text}). "
            if en
            else f"Hier is de standaardfout ({se_text}) bovendien kleiner dan de spreiding van de "
            f"placeboschattingen ({sd_text}). "
        )
    lines.append(
        cr1
        + (
            "A CR1 p-value below 0.05 on its own is not evidence of an effect here."
            if en
            else "Een CR1-p-waarde onder 0,05 is hier op zichzelf geen bewijs voor een effect."
        )
    )
    return "\n".join(lines)


# --- the primary answer -------------------------------------------------------------------------


def answer_verdict(row, alpha: float | None = None) -> str:
    """The verdict of a primary analysis by randomization inference: ``"detectable rise"``,
    ``"detectable fall"``, ``"not detectable"`` or ``"cannot decide"`` (not significant and no
    finite interval: too few placebo regions). Significant means ``p_ri <= alpha``."""
    alpha = float(row["alpha"]) if alpha is None else alpha
    if significant(float(row["p_ri"]), alpha):
        return "detectable rise" if float(row["estimate"]) > 0 else "detectable fall"
    if not _finite(row["ci_ri_low"], row["ci_ri_high"]):
        return "cannot decide"
    return "not detectable"


def _outcome_words(unit: str, adjusted: bool, language: str) -> str:
    """The primary outcome in words: age-sex adjusted cost per insured-year."""
    en = _en(language)
    if _kind(unit) == "money":
        if en:
            return ("age-sex adjusted " if adjusted else "") + "cost per insured-year"
        return "zorgkosten per verzekerdenjaar" + (
            " (gecorrigeerd voor leeftijd en geslacht)" if adjusted else ""
        )
    words = unit_text(unit, language)
    return f"the outcome ({words})" if en else f"de uitkomst ({words})"


def _ri_interval(row, unit: str, language: str) -> str:
    """``95% randomization-inference interval €35 to €129`` or why there is none."""
    en = _en(language)
    level = _level(float(row["alpha"]), language)
    if _finite(row["ci_ri_low"], row["ci_ri_high"]):
        shown = _range(row["ci_ri_low"], row["ci_ri_high"], unit, language)
        if en:
            return f"{level} randomization-inference interval {shown}"
        return f"randomisatie-inferentie: {level}-betrouwbaarheidsinterval {shown}"
    placebos = integer(row["ri_placebos"], language)
    if en:
        return (
            f"no finite {level} randomization-inference interval: only {placebos} comparable "
            "placebo regions"
        )
    return (
        f"randomisatie-inferentie: geen eindig {level}-betrouwbaarheidsinterval, want maar "
        f"{placebos} vergelijkbare placeboregio's"
    )


def _mde_words(row, unit: str, language: str) -> str:
    """What the data could have detected: the RI minimum detectable effect at 80% power."""
    en = _en(language)
    mde = row.get("mde_ri")
    if is_missing(mde):
        return (
            "the smallest detectable effect was not computed"
            if en
            else "het kleinste aantoonbare effect is niet berekend"
        )
    if math.isinf(float(mde)):
        return (
            "these data could not have detected any effect"
            if en
            else "deze gegevens hadden geen enkel effect kunnen aantonen"
        )
    shown = _amount(mde, unit, language)
    if en:
        return (
            f"an effect would have had to be about {shown} or larger, either way, to be "
            "detected with 80% power (smaller ones less often, not never)"
        )
    return (
        f"een effect had ongeveer {shown} of groter moeten zijn, in welke richting ook, om met "
        "80% onderscheidend vermogen te worden aangetoond (kleinere minder vaak, niet nooit)"
    )


def answer_text(
    row: pd.Series,
    name: str,
    unit: str = "EUR per insured-year",
    pretrend_p: float | None = None,
    language: str = "en",
) -> str:
    """The plain answer of the primary analysis, chosen by its randomization-inference numbers.

    ``row`` is one result (``lmp.did.estimate(..., inference="all")``): the estimate, ``p_ri``, the
    RI interval, ``ri_placebos`` and ``mde_ri``. Significant means ``p_ri <= alpha``. Without
    significance the sentence says what the data could have detected (the MDE at 80% power), or
    that they could detect nothing when there are too few placebo regions for a finite interval.
    ``pretrend_p`` (the RI p-value of the same design's joint pre-trend test) adds a warning when
    the trends already differed before the start (``<= alpha``).
    """
    en = _en(language)
    alpha = float(row["alpha"])
    window = f"{int(row['first_year'])}-{int(row['last_year'])}"
    start = int(row["start_year"])
    ri = _ri_interval(row, unit, language)
    p = _p(row["p_ri"], language)
    verdict = answer_verdict(row, alpha)
    adjusted = row.get("adjust", "agesex") == "agesex"
    outcome = _outcome_words(unit, adjusted, language)
    if verdict.startswith("detectable"):
        size = _amount(abs(float(row["estimate"])), unit, language, per=False)
        if en:
            direction = "rose" if verdict == "detectable rise" else "fell"
            text = (
                f"**Answer.** On average over the years from {start} on, {outcome} in {name} "
                f"{direction} by {size} more than in the comparison municipalities ({ri}; {p}; "
                f"{window}). This is a detectable difference at population level; whether the "
                "proeftuin caused it depends on when it opened (event study), on the pre-trends "
                "and on the comparison group (below). Its test is less sure than its p-value "
                "says: " + ri_size_text(language)
            )
        else:
            direction = "stegen" if verdict == "detectable rise" else "daalden"
            text = (
                f"**Antwoord.** Gemiddeld over de jaren vanaf {start} {direction} de "
                f"{outcome} in {name} met {size} meer dan in de vergelijkingsgemeenten ({ri}; "
                f"{p}; {window}). Dit is een aantoonbaar verschil op bevolkingsniveau; of de "
                "proeftuin het veroorzaakte, hangt af van wanneer hij begon (event study), van de "
                "trends vóór de start en van de vergelijkingsgroep (hieronder). De toets is minder "
                "zeker dan de p-waarde zegt: " + ri_size_text(language)
            )
    else:
        estimate = _amount(row["estimate"], unit, language, per=False)
        could = _mde_words(row, unit, language)
        if en:
            includes = ", which includes zero" if verdict == "not detectable" else ""
            text = (
                f"**Answer.** No detectable effect of {name} on {outcome} at population level: "
                f"the estimate is {estimate} ({ri}{includes}; {p}; {window}), and {could}."
            )
        else:
            includes = ", dat nul bevat" if verdict == "not detectable" else ""
            text = (
                f"**Antwoord.** Een effect van {name} op de {outcome} is op bevolkingsniveau niet "
                f"aantoonbaar: de schatting is {estimate} ({ri}{includes}; {p}; {window}), en "
                f"{could}."
            )
    if pretrend_p is not None and not is_missing(pretrend_p) and significant(pretrend_p, alpha):
        if en:
            text += (
                f" **But** the costs of {name} and the comparison municipalities already moved "
                f"differently before {start} (joint pre-trend test, randomization inference "
                f"{_p(pretrend_p, language)}): the parallel-trends assumption behind this "
                "estimate is in doubt, and a difference after the start may continue a trend that "
                "began before it."
            )
        else:
            text += (
                f" **Maar** de kosten van {name} en de vergelijkingsgemeenten ontwikkelden zich al "
                f"vóór {start} verschillend (gezamenlijke toets op trendverschil, "
                f"randomisatie-inferentie {_p(pretrend_p, language)}): de aanname van parallelle "
                "trends achter deze schatting staat ter discussie, en een verschil na de start kan "
                "een trend voortzetten die al eerder begon."
            )
    return text


# --- pre-trends ---------------------------------------------------------------------------------


def pretrend_verdict(p: float | None, placebos: int | None = None, alpha: float = 0.05) -> str:
    """The joint pre-trend test's verdict: ``"not tested"`` (no p), ``"cannot decide"`` (with
    ``placebos`` placebo regions the smallest possible RI p exceeds ``alpha``), ``"differed"``
    (p <= alpha), ``"close"`` (alpha < p <= 2 alpha: not significant, but no reassurance either)
    or ``"no evidence"``."""
    if p is None or is_missing(p):
        return "not tested"
    if placebos and 1 / (1 + placebos) > alpha:
        return "cannot decide"
    if significant(float(p), alpha):
        return "differed"
    return "close" if float(p) <= 2 * alpha else "no evidence"


def _ri_words(study, language: str) -> str:
    """The RI part of the pre-trend line: against how many placebo regions, and its p."""
    if not study.pretrend_ri_placebos:
        return ""
    en = _en(language)
    n = integer(study.pretrend_ri_placebos, language)
    if study.pretrend_ri_enumerated:
        which = f"all {n}" if en else f"alle {n}"
    else:
        which = f"{n} randomly drawn" if en else f"{n} willekeurig getrokken"
    match = MATCH_WORDS[language].get(study.pretrend_ri_match, study.pretrend_ri_match)
    left_out = ""
    if study.pretrend_ri_excluded:
        excluded = integer(study.pretrend_ri_excluded, language)
        left_out = (
            f" ({excluded} comparison municipalities missing a year not drawn)"
            if en
            else f" ({excluded} vergelijkingsgemeente{'' if study.pretrend_ri_excluded == 1 else 'n'}"
            " zonder gegevens in een jaar niet getrokken)"
        )
    p = _p(study.pretrend_p_ri, language)
    if en:
        return f"; against {which} placebo regions of {match}{left_out} (RI) {p}"
    return f"; tegen {which} placeboregio's van {match}{left_out} (RI) {p}"


def pretrend_text(study, language: str = "en", alpha: float = 0.05) -> str:
    """The joint pre-trend test of an event study (:class:`lmp.did.EventStudyResult`) as one
    Markdown bullet (CR1 F test, and RI when run), with what the test that this report trusts (RI
    when run, else CR1) means for the DiD estimate."""
    en = _en(language)
    label = design_label(study.design, language)
    if is_missing(study.pretrend_p):
        if en:
            return f"- **{label}**: no year before the reference year, so no pre-trend test"
        return f"- **{label}**: geen jaar vóór het referentiejaar, dus geen toets op trendverschil"
    num, den = study.pretrend_df
    placebos = study.pretrend_ri_placebos
    trusted = study.pretrend_p_ri if placebos else study.pretrend_p
    verdict = pretrend_verdict(trusted, placebos, alpha)
    if en:
        kind = "randomization inference" if placebos else "CR1"
    else:
        kind = "randomisatie-inferentie" if placebos else "CR1"
    if verdict == "cannot decide":
        smallest = p_value(1 / (1 + placebos), language)
        meaning = (
            f"With only {integer(placebos, language)} placebo regions randomization inference "
            f"cannot reject at {_alpha(alpha, language)} (its smallest possible p is {smallest}), "
            "so it cannot decide whether the trends were parallel."
            if en
            else f"Met maar {integer(placebos, language)} placeboregio's kan "
            f"randomisatie-inferentie bij {_alpha(alpha, language)} niet verwerpen (de kleinst "
            f"mogelijke p is {smallest}), dus kan zij niet beslissen of de trends parallel liepen."
        )
    elif verdict == "differed":
        meaning = (
            f"By {kind} the trends **differed before the start**: the parallel-trends "
            "assumption is in doubt for this design, and its DiD estimate may continue a "
            "difference that began before the proeftuin."
            if en
            else f"Volgens {kind} **verschilden de trends al vóór de start**: de aanname van "
            "parallelle trends staat voor dit ontwerp ter discussie, en de DiD-schatting kan een "
            "verschil voortzetten dat vóór de proeftuin begon."
        )
    elif verdict == "close":
        meaning = (
            f"By {kind} the difference in trends before the start is not significant at "
            f"{_alpha(alpha, language)}, but close: the parallel-trends assumption is not secure "
            "for this design (see the sensitivity analysis below)."
            if en
            else f"Volgens {kind} is het trendverschil vóór de start niet significant bij "
            f"{_alpha(alpha, language)}, maar het scheelt weinig: de aanname van parallelle "
            "trends is voor dit ontwerp niet zeker (zie de gevoeligheidsanalyse hieronder)."
        )
    else:
        meaning = (
            f"By {kind} no evidence that the trends differed before the start; with few "
            "treated municipalities that is weak evidence that they were parallel (see the "
            "sensitivity analysis below)."
            if en
            else f"Volgens {kind} geen aanwijzing dat de trends vóór de start verschilden; met "
            "weinig gemeenten in de proeftuin is dat zwak bewijs dat ze parallel liepen (zie de "
            "gevoeligheidsanalyse hieronder)."
        )
    f_stat = number(study.pretrend_f, 2, language)
    cr1 = _p(study.pretrend_p, language)
    what = "joint pre-trend test" if en else "gezamenlijke toets op trendverschil vóór de start"
    return (
        f"- **{label}**: {what} F({num}, {den}) = {f_stat}, CR1 {cr1}"
        f"{_ri_words(study, language)}. {meaning}"
    )


def reconciliation_text(
    numbers: dict[str, float], unit: str, tolerance: float, language: str = "en"
) -> str:
    """One design's DiD against its event study's post-start average, in words.

    ``numbers`` is :func:`lmp.did.reconcile`'s output. A difference between the DiD and the
    post-start average is called *small* when it is at most ``tolerance`` (pass, e.g., a tenth of
    the DiD's trusted interval half-width); the pre-period part and the weighting part are named
    whichever is larger.
    """
    en = _en(language)
    did_value, post = numbers["did"], numbers["post_mean"]
    pre, weighting = numbers["pre_mean"], numbers["weighting"]

    def amount(value: float) -> str:
        return _amount(value, unit, language, 1)

    if en:
        head = (
            f"The DiD estimate ({amount(did_value)}) and the average of the event-study "
            f"coefficients from the start on ({amount(post)}) "
        )
    else:
        head = (
            f"De DiD-schatting ({amount(did_value)}) en het gemiddelde van de "
            f"event-study-coëfficiënten vanaf de start ({amount(post)}) "
        )
    pre_text = number(pre, 1, language)
    if abs(did_value - post) <= tolerance:
        return head + (
            "agree: the years before the start differ little from the reference year "
            f"(their average coefficient is {pre_text})."
            if en
            else "komen overeen: de jaren vóór de start verschillen weinig van het referentiejaar "
            f"(hun gemiddelde coëfficiënt is {pre_text})."
        )
    pre_larger = abs(pre) >= abs(weighting)
    diff = number(post - did_value, 1, language)
    both = number(numbers["post_minus_pre"], 1, language)
    rest = number(weighting, 1, language)
    if en:
        explained = "the pre-start years" if pre_larger else "the weighting of years"
        return head + (
            f"differ by {diff}. The event study measures every year against the year before the "
            "start; the DiD against the average of all years before it. The pre-start "
            f"coefficients average {pre_text}, so the post-start average minus the pre-start "
            f"average is {both}; the remaining {rest} comes from weighting the years by their "
            f"insured persons. Most of the difference comes from {explained}."
        )
    explained = "de jaren vóór de start" if pre_larger else "de weging van de jaren"
    return head + (
        f"verschillen {diff}. De event study meet elk jaar tegen het jaar vóór de start, de DiD "
        "tegen het gemiddelde van alle jaren daarvoor. De coëfficiënten vóór de start zijn "
        f"gemiddeld {pre_text}, dus het gemiddelde na de start min het gemiddelde vóór de start is "
        f"{both}; de overige {rest} komt van het wegen van de jaren naar hun aantal verzekerden. "
        f"Het grootste deel van het verschil komt van {explained}."
    )


# --- sensitivity to trend differences -----------------------------------------------------------


def breakdown_verdict(breakdown: float | None) -> str:
    """What the breakdown M̄ of :func:`lmp.sensitivity.breakdown_mbar` says: ``"not computed"``
    (None/NaN), ``"nothing to overturn"`` (0: the interval already holds zero), ``"any"``
    (infinite: no such trend difference overturns it), ``"fragile"`` (below 1: a trend change
    smaller than the largest one before the start would overturn it) or ``"robust"``."""
    if breakdown is None or is_missing(breakdown):
        return "not computed"
    if breakdown == 0:
        return "nothing to overturn"
    if math.isinf(breakdown):
        return "any"
    return "fragile" if breakdown < 1 else "robust"


def _mbar(value: float, language: str) -> str:
    return number(value, 0, language) if abs(value) >= 100 else _sig(value, 3, language)


def _what(target, language: str) -> str:
    en = _en(language)
    if target == "average":
        return (
            "the average effect over the years from the start on"
            if en
            else "het gemiddelde effect over de jaren vanaf de start"
        )
    if target is None:
        return "the effect" if en else "het effect"
    return (
        f"the effect in relative year {target}" if en else f"het effect in relatief jaar {target}"
    )


def too_few_placebos_text(design: str, language: str = "en") -> str:
    """Why a design's sensitivity analysis is skipped: with too few placebo regions the
    randomization-inference critical value is infinite, so no bound excludes anything."""
    label = design_label(design, language)
    if _en(language):
        return (
            f"**{label}**: too few placebo regions for randomization inference to reject "
            "anything, so the sensitivity analysis is skipped."
        )
    return (
        f"**{label}**: te weinig placeboregio's om met randomisatie-inferentie iets te "
        "verwerpen, dus de gevoeligheidsanalyse vervalt."
    )


def sensitivity_text(table: pd.DataFrame, breakdown: float, language: str = "en") -> str:
    """The result of the sensitivity analysis in one or two plain Markdown sentences.

    ``table`` is the output of :func:`lmp.sensitivity.relative_magnitude_bounds` (its ``attrs``
    name the target and level, when present) and ``breakdown`` the output of
    :func:`lmp.sensitivity.breakdown_mbar`.
    """
    en = _en(language)
    what = _what(table.attrs.get("target"), language)
    alpha = table.attrs.get("alpha")
    if alpha:
        level = _level(alpha, language)
        interval_words = f"{level} interval" if en else f"{level}-interval"
    else:
        interval_words = "robust interval" if en else "robuuste interval"
    verdict = breakdown_verdict(breakdown)
    if verdict == "not computed":
        return (
            "The sensitivity to trend deviations could not be computed."
            if en
            else "De gevoeligheid voor trendafwijkingen kon niet worden berekend."
        )
    if verdict == "nothing to overturn":
        at_zero = table[table["mbar"] == 0]
        bounds = ""
        if not at_zero.empty:
            row = at_zero.iloc[0]
            bounds = f" [{_mbar(row['ci_low'], language)}, {_mbar(row['ci_high'], language)}]"
        if en:
            return (
                f"Already at M̄ = 0 (parallel trends hold exactly after the start) the "
                f"{interval_words}{bounds} for {what} includes zero: the event study does not "
                "show an effect different from zero, so there is no conclusion for a trend "
                "deviation to overturn."
            )
        return (
            f"Al bij M̄ = 0 (na de start lopen de trends precies parallel) bevat het "
            f"{interval_words}{bounds} voor {what} de nul: de event study toont geen effect dat "
            "van nul verschilt, dus is er geen conclusie die een trendafwijking kan omverwerpen."
        )
    if verdict == "any":
        if en:
            return (
                f"The conclusion ({what} is different from zero) survives any post-period trend "
                "deviation of this kind: the pre-period estimates do not change at all, so M̄ "
                "times the largest pre-period deviation is zero and the interval does not widen."
            )
        return (
            f"De conclusie ({what} verschilt van nul) blijft staan bij elke trendafwijking van "
            "deze soort na de start: de schattingen vóór de start veranderen helemaal niet, dus "
            "M̄ keer de grootste afwijking vóór de start is nul en het interval wordt niet breder."
        )
    m = _mbar(breakdown, language)
    if en:
        return (
            f"The conclusion ({what} is different from zero) survives post-period trend "
            f"deviations up to {m} times the largest pre-period deviation (breakdown M̄ = {m}); "
            f"larger year-on-year deviations after the start would bring zero into the "
            f"{interval_words}."
        )
    return (
        f"De conclusie ({what} verschilt van nul) blijft staan bij trendafwijkingen na de start "
        f"tot {m} keer de grootste afwijking vóór de start (omslagpunt M̄ = {m}); grotere "
        f"afwijkingen van jaar op jaar na de start zouden de nul binnen het {interval_words} "
        "brengen."
    )


# --- dilution and power -------------------------------------------------------------------------


def dilution_text(row: pd.Series, unit: str, language: str = "en") -> str:
    """One outcome's dilution and power (a row of :func:`lmp.power.dilution_table`) in plain
    words for a policy reader."""
    en = _en(language)
    cr1, ri = row["mde_population_cr1"], row["mde_population_ri"]

    def amount(value: float) -> str:
        return _amount(value, unit, language)

    share = percent(row["target_share"], language)
    if en:
        implied = (
            f"The target group is **{share}** of the proeftuin's persons. Its estimated effect "
            f"of {amount(row['target_effect'])} would move the population mean by "
            f"{amount(row['implied_population_effect'])} "
            f"({amount(row['implied_population_effect_with_spillover'])} adding the "
            "non-target-group difference, target minus triple: spillover, or anything else that "
            "moved the rest of the population). "
        )
    else:
        implied = (
            f"De doelgroep is **{share}** van de personen in de proeftuin. Het geschatte effect in "
            f"de doelgroep van {amount(row['target_effect'])} zou het gemiddelde van de hele "
            f"bevolking met {amount(row['implied_population_effect'])} verschuiven "
            f"({amount(row['implied_population_effect_with_spillover'])} als ook het verschil "
            "buiten de doelgroep meetelt, doelgroep min drievoudig verschil: een overloopeffect, "
            "of iets anders dat de rest van de bevolking veranderde). "
        )
    if not np.isfinite(ri):
        if en:
            return implied + (
                "With so few placebo regions, randomization inference cannot reject at 5% "
                "whatever the estimate, so the population design could **not** see an effect of "
                "any size here (the conventional CR1 calculation gives a population MDE of "
                f"{amount(cr1)}, which the few-cluster problem makes meaningless)."
            )
        return implied + (
            "Met zo weinig placeboregio's kan randomisatie-inferentie bij 5% niet verwerpen, wat "
            "de schatting ook is, dus kon het ontwerp voor de hele bevolking hier **geen** effect "
            "van welke omvang ook zien (de gewone CR1-berekening geeft een kleinste aantoonbaar "
            f"effect voor de bevolking van {amount(cr1)}, wat het probleem van weinig gemeenten "
            "betekenisloos maakt)."
        )
    visible = bool(row["implied_visible"])
    if en:
        compare = (
            "smaller: too optimistic, as CR1 is with few treated municipalities"
            if cr1 < ri
            else "not smaller here, but CR1's test itself over-rejects with few treated "
            "municipalities"
        )
        return implied + (
            "The smallest population effect this design detects with 80% power (randomization "
            f"inference, 5% two-sided) is **{amount(ri)}**, so the population design "
            f"{'would' if visible else 'would **not**'} see it. To be visible at population "
            "level, the target-group effect would have to be about "
            f"**{amount(row['target_effect_needed'])}** (the conventional CR1 calculation gives "
            f"a population MDE of {amount(cr1)}, {compare})."
        )
    compare = (
        "kleiner: te optimistisch, zoals CR1 is met weinig gemeenten in de proeftuin"
        if cr1 < ri
        else "hier niet kleiner, maar de CR1-toets zelf verwerpt te vaak met weinig gemeenten in "
        "de proeftuin"
    )
    return implied + (
        "Het kleinste effect op de hele bevolking dat dit ontwerp met 80% onderscheidend vermogen "
        f"aantoont (randomisatie-inferentie, 5% tweezijdig), is **{amount(ri)}**, dus het ontwerp "
        f"voor de hele bevolking zou het {'wel' if visible else '**niet**'} zien. Om op "
        "bevolkingsniveau zichtbaar te zijn, zou het effect in de doelgroep ongeveer "
        f"**{amount(row['target_effect_needed'])}** moeten zijn (de gewone CR1-berekening geeft "
        f"een kleinste aantoonbaar effect voor de bevolking van {amount(cr1)}, {compare})."
    )


def visibility_text(headline: pd.DataFrame, everything: pd.DataFrame, language: str = "en") -> str:
    """How often the implied population effect reaches the population MDE, in plain words.

    ``headline`` holds one dilution row per proeftuin for the headline outcome, ``everything`` the
    rows of all outcomes (see :func:`lmp.power.dilution_table`).
    """
    en = _en(language)
    seen, total = int(headline["implied_visible"].sum()), len(headline)
    seen_all, total_all = int(everything["implied_visible"].sum()), len(everything)
    if en:
        text = (
            f"In **{seen} of {total}** proeftuinen the population effect implied by the "
            "estimated target-group effect reaches the population design's minimum detectable "
            f"effect; across all outcomes, {seen_all} of {total_all}. "
        )
    else:
        text = (
            f"In **{seen} van de {total}** proeftuinen bereikt het effect op de hele bevolking "
            "dat volgt uit het geschatte effect in de doelgroep het kleinste aantoonbare effect "
            f"van het ontwerp voor de hele bevolking; over alle uitkomsten {seen_all} van de "
            f"{total_all}. "
        )
    if seen_all == 0:
        text += (
            "None of the target-group effects, diluted by the target group's share, reaches the "
            "population design's minimum detectable effect (80% power) with one treated region: "
            "a population analysis that finds nothing says little about the target groups."
            if en
            else "Geen enkel effect in de doelgroep bereikt, verdund door het aandeel van de "
            "doelgroep, het kleinste aantoonbare effect van het ontwerp voor de hele bevolking "
            "(80% onderscheidend vermogen) met één proeftuinregio: een analyse van de hele "
            "bevolking die niets vindt, zegt weinig over de doelgroepen."
        )
    elif seen_all < total_all / 2:
        text += (
            "Most target-group effects, diluted by the target group's share, are below the "
            "population design's minimum detectable effect (80% power) with one treated region: "
            "a population analysis that finds nothing says little about the target groups."
            if en
            else "De meeste effecten in de doelgroep blijven, verdund door het aandeel van de "
            "doelgroep, onder het kleinste aantoonbare effect van het ontwerp voor de hele "
            "bevolking (80% onderscheidend vermogen) met één proeftuinregio: een analyse van de "
            "hele bevolking die niets vindt, zegt weinig over de doelgroepen."
        )
    elif seen_all > total_all / 2:
        text += (
            "Most implied population effects reach the population design's minimum detectable "
            "effect: where the population estimate still shows nothing, dilution alone does not "
            "explain it."
            if en
            else "De meeste afgeleide effecten op de hele bevolking bereiken het kleinste "
            "aantoonbare effect van het ontwerp voor de hele bevolking: waar de schatting voor de "
            "hele bevolking toch niets laat zien, verklaart verdunning dat niet alleen."
        )
    else:
        text += (
            "Half of the implied population effects reach it: dilution explains some, not all."
            if en
            else "De helft van de afgeleide effecten op de hele bevolking bereikt het: verdunning "
            "verklaart een deel, niet alles."
        )
    return text


# --- synthetic control --------------------------------------------------------------------------


def _years(years: tuple[int, ...], language: str) -> str:
    if not years:
        return "none" if _en(language) else "geen"
    return str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"


def flag_reason_text(control, language: str = "en") -> str:
    """Why a synthetic control's fit (:class:`lmp.synthcontrol.SynthResult`) is flagged, in one
    sentence ("" when it is not), from its years and RMSPEs."""
    from lmp.synthcontrol import OVERFIT_RATIO

    en = _en(language)
    if not control.fit_flagged:
        return ""
    pre, train, held = control.pre_years, control.train_years, control.holdout_years
    if not held:
        return (
            f"not checked: with {len(pre)} pre-period year(s), no year is left to fit the weights "
            "on once the last ones are held out"
            if en
            else f"niet gecontroleerd: met {len(pre)} jaar vóór de start blijft er geen jaar over "
            "om de gewichten op te schatten als de laatste jaren worden achtergehouden"
        )
    miss = _sig(control.holdout_rmspe, 4, language)
    if control.train_rmspe == 0:
        return (
            f"overfit: fitted on {_years(train, language)} the weights match those years exactly "
            f"but miss {_years(held, language)} by {miss}; an exact pre-period fit shows only "
            "that enough donors can match a few years, not that the synthetic control tracks the "
            "region"
            if en
            else f"overfit: geschat op {_years(train, language)} treffen de gewichten die jaren "
            f"precies, maar missen ze {_years(held, language)} met {miss}; een exacte fit vóór de "
            "start laat alleen zien dat genoeg donorgemeenten een paar jaren kunnen nabootsen, "
            "niet dat de synthetische controle de regio volgt"
        )
    times = number(control.holdout_rmspe / control.train_rmspe, 1, language)
    train_rmspe = _sig(control.train_rmspe, 4, language)
    limit = _sig(OVERFIT_RATIO, 3, language)
    return (
        f"overfit: fitted on {_years(train, language)} the weights miss {_years(held, language)} "
        f"by {miss}, {times} times their in-sample RMSPE {train_rmspe} (more than {limit} times)"
        if en
        else f"overfit: geschat op {_years(train, language)} missen de gewichten "
        f"{_years(held, language)} met {miss}, {times} keer hun RMSPE binnen de schattingsjaren "
        f"{train_rmspe} (meer dan {limit} keer)"
    )


def _flag_words(category: str, language: str) -> str:
    """A flag category of :func:`lmp.synthcontrol.SynthResult` (``"overfit"``, ``"not
    checked"``) in words, when only the category is at hand (a row of a table)."""
    en = _en(language)
    if category == "not checked":
        return "not checked" if en else "niet gecontroleerd"
    if category == "overfit":
        return (
            "overfit: it misses the held-out pre-period year(s)"
            if en
            else "overfit: de fit mist de achtergehouden jaren vóór de start"
        )
    return str(category)


def fit_text(control, language: str = "en") -> str:
    """One Markdown paragraph for a report on a synthetic control
    (:class:`lmp.synthcontrol.SynthResult`): the pre-period fit, the holdout check, the flag,
    and whether the placebo p-values count as evidence."""
    from lmp.synthcontrol import OVERFIT_RATIO

    en = _en(language)
    label = design_label(control.design, language)
    pre_years = _years(control.pre_years, language)
    if control.exact_pre_fit:
        pre = (
            f"pre-RMSPE 0 (exact fit on {pre_years})"
            if en
            else f"RMSPE vóór de start 0 (exacte fit op {pre_years})"
        )
        ratio = (
            "RMSPE ratio: none, undefined at pre-RMSPE 0"
            if en
            else "RMSPE-verhouding: geen, niet gedefinieerd bij RMSPE 0"
        )
    else:
        rmspe = _sig(control.pre_rmspe, 4, language)
        pre = (
            f"pre-RMSPE {rmspe} ({pre_years})"
            if en
            else f"RMSPE vóór de start {rmspe} ({pre_years})"
        )
        shown = p_value(control.p_value_ratio, language)
        ratio = f"RMSPE ratio {shown}" if en else f"RMSPE-verhouding {shown}"
    if not control.holdout_years:
        holdout = (
            "no holdout check: no pre-period year left to fit on"
            if en
            else "geen controle buiten de schattingsjaren: geen jaar vóór de start over om op te "
            "schatten"
        )
    else:
        train, held = _years(control.train_years, language), _years(control.holdout_years, language)
        train_rmspe = _sig(control.train_rmspe, 4, language)
        miss = _sig(control.holdout_rmspe, 4, language)
        holdout = (
            f"fitted on {train} only (RMSPE {train_rmspe}), the weights miss {held} by {miss} "
            "(holdout RMSPE)"
            if en
            else f"alleen op {train} geschat (RMSPE {train_rmspe}) missen de gewichten {held} "
            f"met {miss} (RMSPE buiten de schattingsjaren)"
        )
    gap = p_value(control.p_value_gap, language)
    p_values = f"|gap| {gap}, {ratio}" if en else f"|kloof| {gap}, {ratio}"
    n, total = integer(control.n_placebos_overfit, language), integer(control.n_placebos, language)
    limit = _sig(OVERFIT_RATIO, 3, language)
    if control.fit_flagged:
        reason = flag_reason_text(control, language)
        verdict = (
            f"**Fit flagged** ({reason}). The placebo p-values ({p_values}) are **not evidence** "
            f"of an effect; {n} of {total} placebo fits are overfit by the same rule."
            if en
            else f"**Fit afgekeurd** ({reason}). De placebo-p-waarden ({p_values}) zijn **geen "
            f"bewijs** voor een effect; {n} van de {total} placebofits zijn volgens dezelfde regel "
            "overfit."
        )
    else:
        verdict = (
            f"The fit carries over to the held-out year(s) (within {limit} times the in-sample "
            f"RMSPE), so the placebo p-values ({p_values}) can be read."
            if en
            else f"De fit houdt stand in de achtergehouden jaren (binnen {limit} keer de RMSPE "
            f"binnen de schattingsjaren), dus de placebo-p-waarden ({p_values}) zijn bruikbaar."
        )
    return f"**{label}**: {pre}; {holdout}. {verdict}"


def agreement_text(row, alpha: float = 0.05, language: str = "en") -> str:
    """One sentence comparing the synthetic control and the DiD (a row of
    :func:`lmp.summaries.synthetic_control_table`), chosen by :func:`lmp.summaries.agreement`."""
    en = _en(language)
    verdict = summaries.agreement(row, alpha)
    sc, did_value = _sig(row.sc_estimate, 3, language), _sig(row.did_estimate, 3, language)
    low, high = _sig(row.did_ci_ri_low, 3, language), _sig(row.did_ci_ri_high, 3, language)
    sc_p, did_p = _p(row.sc_p_gap, language), _p(row.did_p_ri, language)
    level = _alpha(alpha, language)
    if en:
        numbers = (
            f"synthetic control {sc} (placebo {sc_p}) against DiD {did_value} (RI {did_p}, "
            f"interval [{low}, {high}])"
        )
    else:
        numbers = (
            f"synthetische controle {sc} (placebo-{sc_p}) tegenover DiD {did_value} (RI-{did_p}, "
            f"interval [{low}, {high}])"
        )
    flagged = bool(getattr(row, "sc_fit_flagged", False))
    if verdict == "agree":
        return numbers + (
            f": they **agree**: the same verdict at {level} and the synthetic control's estimate "
            "inside the DiD's interval."
            if en
            else f": ze **komen overeen**: hetzelfde oordeel bij {level} en de schatting van de "
            "synthetische controle ligt binnen het interval van de DiD."
        )
    if verdict == "cannot compare" and flagged:
        reason = _flag_words(getattr(row, "sc_fit_flag_reason", ""), language)
        return numbers + (
            f": they **cannot be compared**: the synthetic control's fit is not trustworthy "
            f"({reason}), so its placebo p is no evidence."
            if en
            else f": ze zijn **niet te vergelijken**: de fit van de synthetische controle is niet "
            f"betrouwbaar ({reason}), dus haar placebo-p is geen bewijs."
        )
    if verdict == "cannot compare":
        return numbers + (
            ": they **cannot be compared**: with too few placebo regions the DiD's interval is "
            "unbounded."
            if en
            else ": ze zijn **niet te vergelijken**: met te weinig placeboregio's is het interval "
            "van de DiD onbegrensd."
        )
    if verdict == "differ in size":
        return numbers + (
            f": the same verdict at {level}, but they **differ in size**: the synthetic "
            "control's estimate lies outside the DiD's interval."
            if en
            else f": hetzelfde oordeel bij {level}, maar ze **verschillen in grootte**: de "
            "schatting van de synthetische controle ligt buiten het interval van de DiD."
        )
    return numbers + (
        f": they **disagree** on whether there is an effect at {level}."
        if en
        else f": ze **spreken elkaar tegen** over de vraag of er bij {level} een effect is."
    )


def synthetic_control_text(table: pd.DataFrame, alpha: float = 0.05, language: str = "en") -> str:
    """Whether the synthetic control and the DiD tell the same story, per design, in words.

    Warns when the placebo gaps are not centred on zero (mean beyond half their spread): then the
    synthetic control is biased in this design and its verdict is not to be relied on.
    """
    en = _en(language)
    lines = []
    for row in table.itertuples(index=False):
        label = design_label(row.design, language)
        lines.append(f"- **{label}**: " + agreement_text(row, alpha, language))
        if abs(row.sc_placebo_mean) > 0.5 * row.sc_placebo_sd:
            mean, sd = _sig(row.sc_placebo_mean, 4, language), _sig(row.sc_placebo_sd, 4, language)
            lines.append(
                f"  *Caution*: the placebo regions' average gaps are centred at {mean}, not at "
                f"zero (spread {sd}): the municipalities the synthetic control weights move "
                "differently after the start than the regions they stand in for, so it is biased "
                "for this design and its estimate should not be read as an effect."
                if en
                else f"  *Let op*: de gemiddelde kloof van de placeboregio's ligt rond {mean}, niet "
                f"rond nul (spreiding {sd}): de gemeenten die de synthetische controle weegt, "
                "bewegen na de start anders dan de regio's waarvoor ze staan, dus is zij voor dit "
                "ontwerp vertekend en is haar schatting niet als effect te lezen."
            )
    return "\n".join(lines)


# --- robustness to the design choices ----------------------------------------------------------


def robustness_text(table: pd.DataFrame, alpha: float = 0.05, language: str = "en") -> str:
    """Whether the primary verdict (detectable or not, by RI) holds under every design choice
    (:func:`lmp.summaries.robustness_table`; the verdict is :func:`lmp.summaries.robustness_verdict`).

    Choices that leave the estimate unchanged (e.g. no bordering municipality on land, or every
    member sourced) are not counted as confirmations. With an unbounded primary RI interval (too
    few placebo regions) nothing can be judged.
    """
    en = _en(language)
    v = summaries.robustness_verdict(table, alpha)
    if v.verdict == "cannot judge":
        return (
            "With too few placebo regions, randomization inference cannot judge the primary "
            "estimate, so how it moves with the design choices cannot be judged either."
            if en
            else "Met te weinig placeboregio's kan randomisatie-inferentie de primaire schatting "
            "niet beoordelen, dus ook niet hoe die met de ontwerpkeuzes verschuift."
        )

    def names(choices: list[str]) -> str:
        return "; ".join(choice_label(c, language) for c in choices)

    if en:
        what = "a detectable difference" if v.detectable else "no detectable effect"
    else:
        what = "een aantoonbaar verschil" if v.detectable else "geen aantoonbaar effect"
    n_done = len(v.judged)
    if v.verdict == "no change":
        text = (
            f"No other design choice changes the estimate; the primary verdict is {what}."
            if en
            else f"Geen andere ontwerpkeuze verandert de schatting; het primaire oordeel is {what}."
        )
    elif v.verdict == "holds":
        text = (
            f"The primary verdict, {what}, holds under all {n_done} other design choices."
            if en
            else f"Het primaire oordeel, {what}, blijft staan onder alle {n_done} andere "
            "ontwerpkeuzes."
        )
    else:
        text = (
            f"The primary verdict, {what}, **changes** under {len(v.changed)} of {n_done} other "
            f"design choices ({names(v.changed)}): it depends on the design choices."
            if en
            else f"Het primaire oordeel, {what}, **verandert** onder {len(v.changed)} van de "
            f"{n_done} andere ontwerpkeuzes ({names(v.changed)}): het hangt af van de "
            "ontwerpkeuzes."
        )
    if n_done:
        low, high = euro(v.low, language), euro(v.high, language)
        text += (
            f" The estimate ranges from {low} to {high} across them."
            if en
            else f" De schatting ligt daarbij tussen {low} en {high}."
        )
        if v.flipped:
            text += (
                f" It changes sign under: {names(v.flipped)}."
                if en
                else f" Het teken keert om onder: {names(v.flipped)}."
            )
    if v.same:
        text += (
            f" Identical to the primary (no change in the design): {names(v.same)}."
            if en
            else f" Gelijk aan de primaire analyse (het ontwerp verandert niet): {names(v.same)}."
        )
    if v.unbounded:
        text += (
            f" Too few placebo regions to judge (no finite interval): {names(v.unbounded)}."
            if en
            else f" Te weinig placeboregio's om te beoordelen (geen eindig interval): "
            f"{names(v.unbounded)}."
        )
    if v.skipped:
        text += (
            f" Not estimable: {names(v.skipped)} (see the note column)."
            if en
            else f" Niet te schatten: {names(v.skipped)} (zie de toelichting in de tabel)."
        )
    return text


# --- across the proeftuinen ---------------------------------------------------------------------


def _listing(rows: pd.DataFrame, language: str, with_interval: bool = False) -> str:
    parts = []
    for r in rows.itertuples():
        inside = euro(r.estimate, language)
        if with_interval and hasattr(r, "ci_ri_low"):
            inside += "; " + _range(r.ci_ri_low, r.ci_ri_high, "EUR", language)
        parts.append(f"{r.name} ({inside})")
    return ", ".join(parts)


def _caution_across(language: str) -> str:
    if _en(language):
        return (
            "Each test is less sure than its p-value says: regions of neighbouring "
            "municipalities share regional shocks, and on the real data RI rejected a true null "
            "more often than 5% for them; see the reports' inference sections."
        )
    return (
        "Elke toets is minder zeker dan zijn p-waarde zegt: regio's van aangrenzende gemeenten "
        "delen regionale schokken, en op de echte gegevens verwierp RI voor zulke regio's vaker "
        "dan bij 5% een nulhypothese die waar was; zie de paragrafen over inferentie in de "
        "rapporten."
    )


def primary_across_text(table: pd.DataFrame, language: str = "en") -> str:
    """The primary analysis across the proeftuinen in words: how many show a detectable effect
    by randomization inference, unadjusted and after Holm's correction across the family.

    ``table`` has ``name, estimate, p_ri, p_ri_holm, alpha`` (as
    :func:`lmp.summaries.collect_table` gives).
    """
    en = _en(language)
    alpha = float(table["alpha"].iloc[0]) if "alpha" in table else 0.05
    raw = table[[significant(p, alpha) for p in table["p_ri"]]]
    held = table[[significant(p, alpha) for p in table["p_ri_holm"]]]
    total = len(table)
    level = _alpha(alpha, language)
    if raw.empty:
        return (
            f"None of the {total} proeftuinen shows a detectable change in the primary outcome "
            f"by randomization inference at {level}, before any correction for testing "
            f"{total} regions."
            if en
            else f"Geen van de {total} proeftuinen laat met randomisatie-inferentie bij {level} "
            "een aantoonbare verandering in de primaire uitkomst zien, zelfs zonder correctie "
            f"voor het toetsen van {total} regio's."
        )
    if en:
        text = (
            f"**{len(raw)} of {total}** proeftuinen {'shows' if len(raw) == 1 else 'show'} a detectable change in the primary "
            f"outcome by randomization inference at {level} before correction: "
            f"{_listing(raw, language)}. ({_caution_across(language)}) "
        )
    else:
        text = (
            f"**{len(raw)} van de {total}** proeftuinen {'laat' if len(raw) == 1 else 'laten'} vóór correctie met "
            f"randomisatie-inferentie bij {level} een aantoonbare verandering in de primaire "
            f"uitkomst zien: {_listing(raw, language)}. ({_caution_across(language)}) "
        )
    if held.empty:
        return text + (
            f"After Holm's correction for testing {total} regions, **none** remains: read the "
            "unadjusted results as leads, not findings."
            if en
            else f"Na de correctie van Holm voor het toetsen van {total} regio's blijft er "
            "**geen** over: lees de ongecorrigeerde resultaten als aanwijzingen, niet als "
            "bevindingen."
        )
    if len(held) == len(raw):
        return text + (
            f"All of them remain after Holm's correction for testing {total} regions."
            if en
            else f"Ze blijven alle over na de correctie van Holm voor het toetsen van {total} "
            "regio's."
        )
    if en:
        verb = "remains" if len(held) == 1 else "remain"
        return text + (
            f"After Holm's correction for testing {total} regions, {len(held)} {verb}: "
            f"{_listing(held, language)}."
        )
    verb = "blijft" if len(held) == 1 else "blijven"
    return text + (
        f"Na de correctie van Holm voor het toetsen van {total} regio's {verb} er {len(held)} "
        f"over: {_listing(held, language)}."
    )


def synthesis_summary_text(primary_table: pd.DataFrame, language: str = "en") -> str:
    """The one-screen summary that opens the synthesis report (Markdown, 4-6 bullets).

    ``primary_table`` has one row per proeftuin with ``name, estimate, ci_ri_low, ci_ri_high,
    p_ri, p_ri_holm`` (and ``alpha``; 0.05 when absent): how many proeftuinen randomization
    inference could judge (a finite interval, or a detectable change), how many of those show a
    detectable primary effect before and after Holm's correction across them, in which
    direction, which cannot be judged, and the range of the estimates.
    """
    en = _en(language)
    table = primary_table.reset_index(drop=True)
    alpha = float(table["alpha"].iloc[0]) if "alpha" in table else 0.05
    total = len(table)
    level = _alpha(alpha, language)
    raw = table[[significant(p, alpha) for p in table["p_ri"]]]
    held = table[[significant(p, alpha) for p in table["p_ri_holm"]]]
    finite = [
        _finite(lo, hi) for lo, hi in zip(table["ci_ri_low"], table["ci_ri_high"], strict=True)
    ]
    undecided = table[[not f for f in finite]]
    undecided = undecided[~undecided.index.isin(raw.index)]
    bullets = []
    # (1) before correction, among those randomization inference could judge
    bullets.append(_synthesis_answer(raw, total - len(undecided), total, level, language))
    # (2) after Holm
    if raw.empty:
        after = (
            "nothing to correct: no proeftuin is detectable before it either"
            if en
            else "niets te corrigeren: ook zonder correctie is bij geen proeftuin iets aantoonbaar"
        )
    elif held.empty:
        after = (
            "**none** remains: read the unadjusted results as leads, not findings"
            if en
            else "er blijft **geen** over: lees de ongecorrigeerde resultaten als aanwijzingen, "
            "niet als bevindingen"
        )
    elif len(held) == len(raw) and len(held) > 1:
        after = (
            f"all {len(held)} remain: {_listing(held, language)}"
            if en
            else f"ze blijven alle {len(held)} over: {_listing(held, language)}"
        )
    elif len(held) == len(raw):
        after = (
            f"it remains: {_listing(held, language)}"
            if en
            else f"die blijft over: {_listing(held, language)}"
        )
    elif en:
        after = (
            f"{len(held)} {'remains' if len(held) == 1 else 'remain'}: {_listing(held, language)}"
        )
    else:
        verb = "blijft" if len(held) == 1 else "blijven"
        after = f"er {verb} {len(held)} over: {_listing(held, language)}"
    bullets.append(
        f"**After Holm's correction across the {total}:** {after}."
        if en
        else f"**Na de correctie van Holm over de {total}:** {after}."
    )
    # (3) direction of the detectable changes
    if len(raw) == 1:
        rise = float(raw["estimate"].iloc[0]) > 0
        bullets.append(
            f"**Direction:** the one detectable change is a {'rise' if rise else 'fall'} in cost "
            "compared with the comparison municipalities; a detectable difference is not yet an "
            "effect of the proeftuin (see the report's pre-trend test and design choices)."
            if en
            else f"**Richting:** de ene aantoonbare verandering is een "
            f"{'stijging' if rise else 'daling'} van de kosten ten opzichte van de "
            "vergelijkingsgemeenten; een aantoonbaar verschil is nog geen effect van de proeftuin "
            "(zie in het rapport de toets op trendverschil en de ontwerpkeuzes)."
        )
    elif not raw.empty:
        rises, falls = int((raw["estimate"] > 0).sum()), int((raw["estimate"] < 0).sum())
        bullets.append(
            f"**Direction:** of the {len(raw)} detectable changes, {rises} "
            f"{'is a rise' if rises == 1 else 'are rises'} and {falls} "
            f"{'is a fall' if falls == 1 else 'are falls'} in cost compared with the comparison "
            "municipalities; a detectable difference is not yet an effect of the proeftuin (see "
            "each report's pre-trend test and design choices)."
            if en
            else f"**Richting:** van de {len(raw)} aantoonbare veranderingen "
            f"{'is' if rises == 1 else 'zijn'} er {rises} een stijging en {falls} een daling van "
            "de kosten ten opzichte van de vergelijkingsgemeenten; een aantoonbaar verschil is "
            "nog geen effect van de proeftuin (zie in elk rapport de toets op trendverschil en de "
            "ontwerpkeuzes)."
        )
    # (4) the range of the estimates
    if total:
        low, high = table.loc[table["estimate"].idxmin()], table.loc[table["estimate"].idxmax()]
        bullets.append(
            f"**Estimates:** from {euro(low['estimate'], language)} ({low['name']}) to "
            f"{euro(high['estimate'], language)} ({high['name']}) per insured-year; not "
            "detectable does not mean no effect: each report says how large an effect its data "
            "could have detected."
            if en
            else f"**Schattingen:** van {euro(low['estimate'], language)} ({low['name']}) tot "
            f"{euro(high['estimate'], language)} ({high['name']}) per verzekerdenjaar; niet "
            "aantoonbaar betekent niet dat er geen effect is: elk rapport zegt hoe groot een "
            "effect had moeten zijn om het met zijn gegevens aan te tonen."
        )
    # (5) which cannot be judged
    if len(undecided):
        names = _join(list(undecided["name"]), language)
        bullets.append(
            f"**Cannot be judged:** {names}: too few comparable placebo regions for a finite "
            "randomization-inference interval."
            if en
            else f"**Niet te beoordelen:** {names}: te weinig vergelijkbare placeboregio's voor "
            "een eindig betrouwbaarheidsinterval (randomisatie-inferentie)."
        )
    # (6) how sure each test is
    label = "Caution" if en else "Let op"
    bullets.append(f"**{label}:** {_caution_across(language)}")
    return "\n".join(f"- {b}" for b in bullets)


def _synthesis_answer(raw: pd.DataFrame, judged: int, total: int, level: str, language: str) -> str:
    """The first bullet of :func:`synthesis_summary_text`: how many of the ``judged`` proeftuinen
    (those with a finite randomization-inference interval, or a detectable change) of ``total``
    show a detectable change (``raw``) before any correction; when not every one could be
    judged, it says so and counts among the judged only."""
    en = _en(language)
    outcome = (
        "the primary outcome (cost per insured-year, whole population)"
        if en
        else "de primaire uitkomst (zorgkosten per verzekerdenjaar, hele bevolking)"
    )
    if judged == 0:
        return (
            f"**Answer:** randomization inference could judge none of the {total} proeftuinen: "
            "none has enough comparable placebo regions for a finite interval, so no change in "
            f"{outcome} could be detectable."
            if en
            else f"**Antwoord:** randomisatie-inferentie kon geen van de {total} proeftuinen "
            "beoordelen: geen heeft genoeg vergelijkbare placeboregio's voor een eindig "
            f"betrouwbaarheidsinterval, dus kon geen verandering in {outcome} aantoonbaar zijn."
        )
    n = len(raw)
    if judged == total:
        among = f"{n} of {total}" if en else f"{n} van de {total}"
        none = f"none of the {total}" if en else f"geen van de {total}"
        could = ""
    else:
        among = f"{n} of those {judged}" if en else f"{n} van die {judged}"
        none = f"none of those {judged}" if en else f"geen van die {judged}"
        rest = total - judged
        could = (
            f"randomization inference could judge {judged} of the {total} proeftuinen (the "
            f"other {rest}: see *Cannot be judged* below); "
            if en
            else f"randomisatie-inferentie kon {judged} van de {total} proeftuinen beoordelen "
            f"(de andere {rest}: zie *Niet te beoordelen* hieronder); "
        )
    if raw.empty:
        return (
            f"**Answer:** {could}{none} proeftuinen shows a detectable change in {outcome} by "
            f"randomization inference at {level}, even before any correction for testing "
            f"{total} regions."
            if en
            else f"**Antwoord:** {could}bij {none} proeftuinen is met randomisatie-inferentie "
            f"bij {level} een verandering in {outcome} aantoonbaar, zelfs zonder correctie voor "
            f"het toetsen van {total} regio's."
        )
    listing = _listing(raw, language, True)
    return (
        f"**Answer:** {could}{among} proeftuinen {'shows' if n == 1 else 'show'} a detectable "
        f"change in {outcome} by randomization inference at {level} before correction: "
        f"{listing}."
        if en
        else f"**Antwoord:** {could}bij {among} proeftuinen is vóór correctie met "
        f"randomisatie-inferentie bij {level} een verandering in {outcome} aantoonbaar: "
        f"{listing}."
    )


def pooling_text(
    pooled: pd.DataFrame, apart: pd.DataFrame, confidence: list[str], language: str = "en"
) -> str:
    """Which proeftuinen the meta-analysis pools and which it leaves out, and why."""
    en = _en(language)
    names = list(dict.fromkeys(pooled["name"]))
    # pooled in some designs, not in others (an unbounded interval in one design only)
    partly = [n for n in names if n in set(apart["name"])]
    unbounded = ~(np.isfinite(apart["ci_ri_low"]) & np.isfinite(apart["ci_ri_high"]))
    unconfirmed = apart.loc[~apart["confidence"].isin(confidence), "name"]
    undecided = apart.loc[apart["confidence"].isin(confidence) & unbounded, "name"]
    others, undecided = list(dict.fromkeys(unconfirmed)), list(dict.fromkeys(undecided))
    if en:
        text = (
            f"Pooled: the {len(names)} proeftuinen whose status is {' or '.join(confidence)} in "
            f"the reference data ({', '.join(names)})"
            + (f", {', '.join(partly)} only where its interval is finite." if partly else ".")
        )
    else:
        status = " of ".join(CONFIDENCE_NL.get(c, c) for c in confidence)
        text = (
            f"Samengenomen: de {len(names)} proeftuinen met de status {status} in de "
            f"referentiegegevens ({', '.join(names)})"
            + (f", {', '.join(partly)} alleen waar het interval eindig is." if partly else ".")
        )
    if others:
        text += (
            f" Shown apart, not pooled: {', '.join(others)}, whose status as one of the nine is "
            "not confirmed by a source."
            if en
            else f" Apart getoond, niet samengenomen: {', '.join(others)}; geen bron bevestigt "
            "dat zij tot de negen behoren."
        )
    if undecided:
        text += (
            " Not pooled where randomization inference cannot decide (too few placebo regions, "
            f"no finite interval): {', '.join(undecided)}."
            if en
            else " Niet samengenomen waar randomisatie-inferentie niet kan beslissen (te weinig "
            f"placeboregio's, geen eindig interval): {', '.join(undecided)}."
        )
    return text


def left_out_text(result, language: str = "en") -> str:
    """The studies a meta-analysis (:class:`lmp.meta.MetaResult`) left out, as ``"label (why);
    ..."``, the reason read from their estimate and standard error; empty when none was."""
    en = _en(language)

    def why(value: float, what_en: str, what_nl: str) -> str | None:
        if is_missing(value):
            return f"{what_en} missing" if en else f"{what_nl} ontbreekt"
        if math.isinf(float(value)):
            return f"{what_en} infinite" if en else f"{what_nl} oneindig"
        return None

    parts = []
    for r in result.left_out.itertuples():
        reasons = [
            w
            for w in (
                why(r.estimate, "estimate", "schatting"),
                why(r.se, "standard error", "standaardfout"),
            )
            if w
        ]
        parts.append(f"{r.label} ({_join(reasons, language)})")
    return "; ".join(parts)


# --- the one-screen summary of a proeftuin report -----------------------------------------------


def summary_text(
    primary: pd.Series,
    name: str,
    unit: str,
    pretrend_p: float | None,
    robustness: pd.DataFrame | None = None,
    breakdown: float | None = None,
    language: str = "en",
    pretrend_placebos: int | None = None,
    largest_pre: float | None = None,
) -> str:
    """The one-screen summary that opens a proeftuin report: a Markdown list of 4-8 bullets.

    (a) the answer: detectable or not by randomization inference, with the size and its RI 95%
    interval, or that no finite interval exists; (b) what the data could detect (the RI minimum
    detectable effect at 80% power); (c) the pre-trend test (``pretrend_p``: its RI p-value);
    (d) with ``robustness`` (:func:`lmp.summaries.robustness_table`) whether the verdict holds
    under the design choices, which make it (not) detectable and which change its sign; (e) with
    ``breakdown`` (:func:`lmp.sensitivity.breakdown_mbar`) how large a trend difference would
    overturn it; and what the primary analysis is. Every branch is chosen by the numbers.
    ``pretrend_placebos``: the placebo regions behind ``pretrend_p`` (the event study's; default
    the DiD's ``ri_placebos``), which decide whether the pre-trend test can reject at all.
    ``largest_pre``: the largest absolute event-study coefficient before the start
    (:func:`largest_pre_coefficient`); the pre-trend bullet then says whether the yearly
    differences before the start were already as large as the estimate
    (:func:`pre_size_verdict`). None: no event study, nothing said.
    """
    en = _en(language)
    alpha = float(primary["alpha"]) if "alpha" in primary else 0.05
    row = primary.copy()
    row["alpha"] = alpha
    verdict = answer_verdict(row, alpha)
    start = int(row["start_year"]) if not is_missing(row.get("start_year")) else None
    adjusted = row.get("adjust", "agesex") == "agesex"
    outcome = _outcome_words(unit, adjusted, language)
    ri = _ri_interval(row, unit, language)
    p = _p(row["p_ri"], language)
    since = ""
    if start is not None:
        since = f" over the years from {start} on" if en else f" over de jaren vanaf {start}"
    bullets = []
    # (a) the answer
    if verdict.startswith("detectable"):
        size = _amount(abs(float(row["estimate"])), unit, language, per=False)
        if en:
            direction = "rose" if verdict == "detectable rise" else "fell"
            bullets.append(
                f"**Answer:** on average{since}, {outcome} in {name} {direction} by {size} more "
                f"than in the comparison municipalities ({ri}; {p}): a **detectable** difference "
                "at population level. Whether the proeftuin caused it is a further question "
                "(pre-trends and design choices below)."
            )
        else:
            direction = "stegen" if verdict == "detectable rise" else "daalden"
            bullets.append(
                f"**Antwoord:** gemiddeld{since} {direction} de {outcome} in {name} met {size} "
                f"meer dan in de vergelijkingsgemeenten ({ri}; {p}): een **aantoonbaar** "
                "verschil op bevolkingsniveau. Of de proeftuin het veroorzaakte, is een volgende "
                "vraag (trends vóór de start en ontwerpkeuzes hieronder)."
            )
    elif verdict == "not detectable":
        estimate = _amount(row["estimate"], unit, language, per=False)
        bullets.append(
            f"**Answer:** **no detectable effect** of {name} on {outcome} at population level: "
            f"the estimate is {estimate} ({ri}, which includes zero; {p})."
            if en
            else f"**Antwoord:** een effect van {name} op de {outcome} is op bevolkingsniveau "
            f"**niet aantoonbaar**: de schatting is {estimate} ({ri}, dat nul bevat; {p})."
        )
    else:
        estimate = _amount(row["estimate"], unit, language, per=False)
        placebos = integer(row["ri_placebos"], language)
        bullets.append(
            f"**Answer:** randomization inference **cannot decide** for {name}: with only "
            f"{placebos} comparable placebo regions there is no finite "
            f"{_level(alpha, language)} interval, so no estimate could be detectable (the "
            f"estimate is {estimate}; {p})."
            if en
            else f"**Antwoord:** randomisatie-inferentie **kan** voor {name} **niet beslissen**: "
            f"met maar {placebos} vergelijkbare placeboregio's bestaat er geen eindig "
            f"{_level(alpha, language)}-betrouwbaarheidsinterval, dus kon geen enkele schatting "
            f"aantoonbaar zijn (de schatting is {estimate}; {p})."
        )
    if verdict.startswith("detectable"):
        bullets.append(_multiplicity_bullet(float(row["p_ri"]), alpha, language))
        if adjusted:  # the real data: how often this test rejects a true null there
            bullets.append(_ri_size_bullet(language))
    # (b) what the data could detect
    head = "What the data could detect" if en else "Wat de gegevens konden aantonen"
    bullets.append(f"**{head}:** {_mde_words(row, unit, language)}.")
    # (c) the pre-trend test
    placebos = None if is_missing(row.get("ri_placebos")) else int(row["ri_placebos"])
    if pretrend_placebos is not None:
        placebos = int(pretrend_placebos)
    trend = pretrend_verdict(pretrend_p, placebos, alpha)
    before = (f" before {start}" if en else f" vóór {start}") if start is not None else ""
    head = "Trends before the start" if en else "Trends vóór de start"
    if trend == "differed":
        words = (
            f"the costs of {name} and the comparison municipalities already moved differently"
            f"{before} (joint pre-trend test, randomization inference "
            f"{_p(pretrend_p, language)}): the parallel-trends assumption is **in doubt**, and a "
            "difference after the start may continue an earlier trend."
            if en
            else f"de kosten van {name} en de vergelijkingsgemeenten ontwikkelden zich al{before} "
            "verschillend (gezamenlijke toets op trendverschil, randomisatie-inferentie "
            f"{_p(pretrend_p, language)}): de aanname van parallelle trends **staat ter "
            "discussie**, en een verschil na de start kan een eerdere trend voortzetten."
        )
    elif trend == "close":
        words = (
            f"the difference in trends before {start or 'the start'} is not significant, but "
            f"close (joint pre-trend test, randomization inference "
            f"{_p(pretrend_p, language)}): the parallel-trends assumption is **not secure**."
            if en
            else f"de trends verschilden vóór {start or 'de start'} niet significant, maar het "
            "scheelt weinig (gezamenlijke toets op trendverschil, randomisatie-inferentie "
            f"{_p(pretrend_p, language)}): de aanname van parallelle trends is **niet zeker**."
        )
    elif trend == "no evidence":
        words = (
            f"no evidence that the trends differed{before} (joint pre-trend test, randomization "
            f"inference {_p(pretrend_p, language)}); with few treated municipalities that is "
            "weak evidence that they were parallel."
            if en
            else f"geen aanwijzing dat de trends{before} verschilden (gezamenlijke toets op "
            f"trendverschil, randomisatie-inferentie {_p(pretrend_p, language)}); met weinig "
            "gemeenten in de proeftuin is dat zwak bewijs dat ze parallel liepen."
        )
    elif trend == "cannot decide":
        words = (
            f"with only {integer(placebos, language)} placebo regions the pre-trend test cannot "
            "decide whether the trends were parallel."
            if en
            else f"met maar {integer(placebos, language)} placeboregio's kan de toets op "
            "trendverschil niet beslissen of de trends parallel liepen."
        )
    else:
        words = (
            "no pre-trend test (not run, or no year before the reference year)."
            if en
            else "geen toets op trendverschil (niet uitgevoerd, of geen jaar vóór het "
            "referentiejaar)."
        )
    words += _pre_size_words(largest_pre, row["estimate"], unit, start, language)
    bullets.append(f"**{head}:** {words}")
    # (d) robustness to the design choices
    if robustness is not None and len(robustness):
        bullets.append(_robustness_bullet(robustness, alpha, language))
    # (e) how large a trend difference would overturn it
    if breakdown is not None and verdict.startswith("detectable"):
        bullets.append(_breakdown_bullet(breakdown, language))
    # what the primary analysis is
    window = ""
    if not is_missing(row.get("first_year")) and not is_missing(row.get("last_year")):
        window = f", {int(row['first_year'])}-{int(row['last_year'])}"
    head = "Primary analysis" if en else "Primaire analyse"
    bullets.append(
        f"**{head}:** {outcome}, whole population of the proeftuin against the comparison "
        f"municipalities{window}, judged by randomization inference; fixed before the real-data "
        "reports were made (not a registered pre-analysis plan)."
        if en
        else f"**{head}:** {outcome}, hele bevolking van de proeftuin tegenover de "
        f"vergelijkingsgemeenten{window}, beoordeeld met randomisatie-inferentie; vastgelegd "
        "voordat de rapporten met echte gegevens werden gemaakt (geen geregistreerd analyseplan)."
    )
    return "\n".join(f"- {b}" for b in bullets)


def largest_pre_coefficient(study) -> float | None:
    """The largest absolute coefficient of an event study (:class:`lmp.did.EventStudyResult`)
    in the years before its reference year (the reference year itself is 0 by construction);
    None without an event study or without such a year."""
    if study is None:
        return None
    table = study.table
    before = table["rel_year"] < study.reference_year
    pre = table.loc[before, "estimate"].astype(float).dropna()
    return float(pre.abs().max()) if len(pre) else None


def pre_size_verdict(largest_pre: float | None, estimate: float | None) -> str:
    """How the event study's years before the start compare with the estimate: ``"as large"``
    (the largest absolute pre-start coefficient is at least the absolute estimate: the estimate
    is no larger than differences already there before), ``"smaller"``, or ``"not available"``
    (no event study, or a missing number)."""
    if largest_pre is None or is_missing(largest_pre) or is_missing(estimate):
        return "not available"
    return "as large" if float(largest_pre) >= abs(float(estimate)) else "smaller"


def _pre_size_words(
    largest_pre: float | None, estimate: float, unit: str, start: int | None, language: str
) -> str:
    """The sentence :func:`pre_size_verdict` chooses, with a leading space ("" when there is
    nothing to compare)."""
    verdict = pre_size_verdict(largest_pre, estimate)
    if verdict == "not available":
        return ""
    en = _en(language)
    largest = _amount(largest_pre, unit, language, per=False)
    shown = _amount(estimate, unit, language, per=False)
    if en:
        before = f"before {start}" if start is not None else "before the start"
        compared = f"(largest |coefficient| {before}: {largest}, against an estimate of {shown})"
        if verdict == "as large":
            return (
                f" Before the start the yearly differences were already as large as the "
                f"estimate {compared}: the estimate may reflect differences that were there before."
            )
        return (
            f" The yearly differences before the start were smaller than the estimate {compared}."
        )
    before = f"vóór {start}" if start is not None else "vóór de start"
    compared = f"(grootste |coëfficiënt| {before}: {largest}, tegenover een schatting van {shown})"
    if verdict == "as large":
        return (
            f" Vóór de start waren de verschillen per jaar al minstens even groot als de schatting "
            f"{compared}: de schatting kan verschillen weerspiegelen die er vóór de start al waren."
        )
    return f" De verschillen per jaar vóór de start waren kleiner dan de schatting {compared}."


def _robustness_bullet(table: pd.DataFrame, alpha: float, language: str) -> str:
    en = _en(language)
    head = "Design choices" if en else "Ontwerpkeuzes"
    v = summaries.robustness_verdict(table, alpha)

    def names(choices: list[str]) -> str:
        labels = [choice_label(c, language) for c in choices]
        word = "with" if en else "bij"
        middle = "".join(f", {word} {label}" for label in labels[1:-1])
        last = f" {'or' if en else 'of'} {word} {labels[-1]}" if len(labels) > 1 else ""
        return labels[0] + middle + last

    if v.verdict == "cannot judge":
        words = (
            "with too few placebo regions, how the verdict moves with the design choices cannot "
            "be judged."
            if en
            else "met te weinig placeboregio's is niet te beoordelen hoe het oordeel met de "
            "ontwerpkeuzes verschuift."
        )
    elif v.verdict == "no change":
        words = (
            "no other design choice changes the estimate."
            if en
            else "geen andere ontwerpkeuze verandert de schatting."
        )
    elif v.verdict == "holds":
        words = (
            f"the verdict **holds** under all {len(v.judged)} other design choices"
            if en
            else f"het oordeel **blijft staan** onder alle {len(v.judged)} andere ontwerpkeuzes"
        )
        low, high = euro(v.low, language), euro(v.high, language)
        if low == high:
            words += f" (estimate {low})." if en else f" (schatting {low})."
        else:
            words += f" (estimates {low} to {high})." if en else f" (schattingen {low} tot {high})."
    else:
        if v.detectable:
            which = (
                f"it is not detectable with {names(v.changed)}"
                if en
                else f"het is niet aantoonbaar bij {names(v.changed)}"
            )
        else:
            which = (
                f"it is detectable with {names(v.changed)}"
                if en
                else f"het is wel aantoonbaar bij {names(v.changed)}"
            )
        words = (
            f"the verdict **changes** under {len(v.changed)} of {len(v.judged)} other design "
            f"choices; {which}."
            if en
            else f"het oordeel **verandert** bij {len(v.changed)} van de {len(v.judged)} andere "
            f"ontwerpkeuzes; {which}."
        )
    if v.verdict in ("holds", "changes") and v.flipped:
        words += (
            f" The estimate **changes sign** under: {names(v.flipped)}."
            if en
            else f" De schatting **keert van teken** bij: {names(v.flipped)}."
        )
    return f"**{head}:** {words}"


PROEFTUINEN = 9  # the tests of the primary analysis across the programme


def _multiplicity_bullet(p: float, alpha: float, language: str) -> str:
    """A detectable primary result is one of nine tests: does it survive Bonferroni's bound?

    Holm's adjusted p of any of the nine lies between p and ``9 p`` (Bonferroni), so ``9 p <=
    alpha`` means it survives Holm too; otherwise only the synthesis, which sees all nine, can
    say (Holm is less strict than Bonferroni)."""
    en = _en(language)
    head = "Across the nine" if en else "Over de negen"
    bound = min(1.0, PROEFTUINEN * p)
    shown = number(bound, 3, language)
    if significant(bound, alpha):
        words = (
            f"it stays detectable after a correction for testing nine proeftuinen (Bonferroni: "
            f"{PROEFTUINEN} × p = {shown}; Holm's correction in the synthesis is no stricter)."
            if en
            else f"het blijft aantoonbaar na een correctie voor het toetsen van negen proeftuinen "
            f"(Bonferroni: {PROEFTUINEN} × p = {shown}; de correctie van Holm in het "
            "overzichtsrapport is niet strenger)."
        )
    else:
        words = (
            f"this is one of nine tests; with Bonferroni's correction for nine ({PROEFTUINEN} × "
            f"p = {shown}) it is **not** detectable. Holm's correction, less strict, needs all "
            "nine p-values: see the synthesis."
            if en
            else f"dit is één van negen toetsen; met de correctie van Bonferroni voor negen "
            f"({PROEFTUINEN} × p = {shown}) is het **niet** aantoonbaar. De minder strenge "
            "correctie van Holm vraagt alle negen p-waarden: zie het overzichtsrapport."
        )
    return f"**{head}:** {words}"


def _ri_size_bullet(language: str) -> str:
    """How often randomization inference rejected a true null on the real data."""
    low, high = summaries.RI_SIZE_CONTIGUOUS[8]
    en = _en(language)
    head = "How sure" if en else "Hoe zeker"
    span = f"{number(low, 1, language)}-{number(high, 1, language)}%"
    return (
        f"**{head}:** on the real data this test rejected a true null (no effect) for {span} of "
        "pseudo proeftuinen of 8 neighbouring municipalities, not 5%: a p-value near 0.05 is "
        "weaker evidence than it reads (`benchmarks/results/ri_contiguous.md`)."
        if en
        else f"**{head}:** op de echte gegevens verwierp deze toets een ware nulhypothese (geen "
        f"effect) bij {span} van de schijnproeftuinen van 8 aangrenzende gemeenten, niet bij 5%: "
        "een p-waarde rond 0,05 is zwakker bewijs dan ze lijkt "
        "(`benchmarks/results/ri_contiguous.md`)."
    )


def _breakdown_bullet(breakdown: float, language: str) -> str:
    en = _en(language)
    head = (
        "Trend difference that would overturn it (event study: the years from the start against "
        "the year before it, section 5)"
        if en
        else "Trendverschil dat de conclusie zou omkeren (event study: de jaren vanaf de start "
        "tegenover het jaar ervoor, sectie 5)"
    )
    verdict = breakdown_verdict(breakdown)
    if verdict == "not computed":
        words = (
            "the sensitivity to trend differences could not be computed."
            if en
            else "de gevoeligheid voor trendverschillen kon niet worden berekend."
        )
    elif verdict == "nothing to overturn":
        words = (
            "even with trends exactly parallel after the start, the interval of the event "
            "study's average effect after the start includes zero: the event study alone has no "
            "conclusion to overturn."
            if en
            else "zelfs met precies parallelle trends na de start bevat het interval van het "
            "gemiddelde effect na de start in de event study de nul: de event study alleen heeft "
            "geen conclusie om te keren."
        )
    elif verdict == "any":
        words = (
            "no trend difference of this kind overturns it: the years before the start show no "
            "change at all."
            if en
            else "geen trendverschil van deze soort keert het: de jaren vóór de start laten "
            "helemaal geen verandering zien."
        )
    else:
        m = _mbar(breakdown, language)
        if verdict == "fragile":
            words = (
                f"**fragile**: a change in the trend difference after the start of {m} times the "
                f"largest one before it (M̄ = {m}), smaller than changes already seen, would "
                "bring zero into the interval."
                if en
                else f"**kwetsbaar**: een verandering van het trendverschil na de start van {m} "
                f"keer de grootste ervoor (M̄ = {m}), kleiner dan al eerder gezien, zou de nul "
                "binnen het interval brengen."
            )
        else:
            words = (
                f"it survives changes in the trend difference after the start up to {m} times the "
                f"largest one before it (M̄ = {m}); larger ones would bring zero into the interval."
                if en
                else f"het blijft staan bij veranderingen van het trendverschil na de start tot "
                f"{m} keer de grootste ervoor (M̄ = {m}); grotere zouden de nul binnen het "
                "interval brengen."
            )
    return f"**{head}:** {words}"


def all_fits_flagged_text(language: str = "en") -> str:
    """Said before the synthetic-control results when every fit failed its holdout check."""
    if _en(language):
        return (
            "*With so few years before the start, no synthetic control of this report passes its "
            "holdout check: its numbers are shown for completeness only, and its placebo "
            "p-values are no evidence for or against an effect.*"
        )
    return (
        "*Met zo weinig jaren vóór de start doorstaat geen synthetische controle in dit rapport "
        "de controle op het achtergehouden jaar: de getallen staan er alleen volledigheidshalve, "
        "en de placebo-p-waarden zijn geen bewijs voor of tegen een effect.*"
    )
