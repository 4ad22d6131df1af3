"""The words of the reports, apart from the numbers: every sentence that states a direction or a
significance is chosen by the numbers (a test per branch), in English and in Dutch."""

from __future__ import annotations

import math
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from lmp import summaries
from lmp.report import sentences
from tests.conftest import nb, robustness_rows

LANGUAGES = ("en", "nl")


def _check(text: str, present: list[str], absent: list[str] = ()) -> None:
    for word in present:
        assert word in text, f"{word!r} not in:\n{text}"
    for word in absent:
        assert word not in text, f"{word!r} in:\n{text}"


# --- the primary answer ---------------------------------------------------------------------


def _primary(estimate, p_ri, low, high, mde=50.0, placebos=999, adjust="agesex"):
    return pd.Series(
        {
            "ri_placebos": placebos,
            "estimate": estimate,
            "p_ri": p_ri,
            "ci_ri_low": low,
            "ci_ri_high": high,
            "mde_ri": mde,
            "alpha": 0.05,
            "first_year": 2011,
            "last_year": 2018,
            "start_year": 2014,
            "adjust": adjust,
        }
    )


RISE = _primary(81.9, 0.001, 35, 129)
FALL = _primary(-40.2, 0.05, -80, -1)  # p = alpha counts as detectable
NONE = _primary(12.0, 0.051, -30, 54)
UNBOUNDED = _primary(12.0, 0.4, -np.inf, np.inf, np.inf, placebos=18)


@pytest.mark.parametrize(
    "row, verdict",
    [(RISE, "detectable rise"), (FALL, "detectable fall"), (NONE, "not detectable")]
    + [(UNBOUNDED, "cannot decide")],
)
def test_the_answer_verdict_is_chosen_by_the_ri_numbers(row, verdict):
    assert sentences.answer_verdict(row) == verdict


@pytest.mark.parametrize(
    "row, language, present, absent",
    [
        (RISE, "en", ["rose by €82", "p = 0.001", "detectable difference", "€35 to €129"], ["No"]),
        (
            RISE,
            "nl",
            [
                "stegen",
                nb("met € 82 meer"),
                "p = 0,001",
                "aantoonbaar verschil",
                nb("€ 35 tot € 129"),
            ],
            ["niet aantoonbaar", "daalden"],
        ),
        (FALL, "en", ["fell by €40", "-€80 to -€1", "p = 0.050"], ["No detectable", "rose"]),
        (
            FALL,
            "nl",
            ["daalden", nb("met € 40 meer"), nb("€ -80 tot € -1"), "aantoonbaar"],
            ["niet aantoonbaar", "stegen"],
        ),
        (
            NONE,
            "en",
            ["No detectable effect", "about €50 per insured-year or larger", "includes zero"],
            ["rose", "fell"],
        ),
        (
            NONE,
            "nl",
            [
                "niet aantoonbaar",
                nb("ongeveer € 50 per verzekerdenjaar of groter"),
                "dat nul bevat",
            ],
            ["stegen", "daalden"],
        ),
        (
            UNBOUNDED,
            "en",
            [
                "could not have detected any effect",
                "no finite 95% randomization-inference interval: only 18 comparable placebo",
            ],
            ["includes zero", "smaller than"],
        ),
        (
            UNBOUNDED,
            "nl",
            ["geen enkel effect kunnen aantonen", "geen eindig 95%-betrouwbaarheidsinterval"],
            ["dat nul bevat"],
        ),
    ],
)
def test_the_answer_follows_the_randomization_inference_numbers(row, language, present, absent):
    _check(sentences.answer_text(row, "MijnZorg", language=language), present, absent)


@pytest.mark.parametrize("language, word", [("en", "**But**"), ("nl", "**Maar**")])
def test_the_answer_warns_when_the_pre_trend_test_rejects(language, word):
    assert word not in sentences.answer_text(RISE, "X", pretrend_p=0.051, language=language)
    assert word not in sentences.answer_text(RISE, "X", pretrend_p=float("nan"), language=language)
    warned = sentences.answer_text(RISE, "X", pretrend_p=0.05, language=language)
    before = "already moved differently before 2014" if language == "en" else "al vóór 2014"
    _check(warned, [word, before, "p = 0.050" if language == "en" else "p = 0,050"])


def test_a_p_value_below_the_floor_reads_as_less_than_never_as_scientific_notation():
    row = _primary(81.9, 2.97e-100, 35, 129)
    assert "p < 0.001" in sentences.answer_text(row, "X")
    assert "p < 0,001" in sentences.answer_text(row, "X", language="nl")


# --- the one-screen summary ------------------------------------------------------------------


PRIMARY_CHOICE = "primary: age-sex adjusted, whole country"
PROVINCE = "comparison within the province"
CRUDE = "crude (no age-sex adjustment)"


def _bullets(text: str) -> list[str]:
    lines = text.split("\n")
    assert all(line.startswith("- **") for line in lines), text
    return lines


@pytest.mark.parametrize(
    "row, en, nl, nl_absent",
    [
        (RISE, ["**detectable**", "rose by €82"], ["**aantoonbaar**", "stegen"], ["niet aantoonb"]),
        (
            FALL,
            ["**detectable**", "fell by €40"],
            ["**aantoonbaar**", "daalden"],
            ["niet aantoonb"],
        ),
        (NONE, ["**no detectable effect**", "includes zero"], ["**niet aantoonbaar**"], []),
        (
            UNBOUNDED,
            ["**cannot decide**", "only 18 comparable placebo regions", "no finite 95% interval"],
            ["**niet beslissen**", "maar 18 vergelijkbare placeboregio's"],
            ["**aantoonbaar**"],
        ),
    ],
)
def test_the_summary_opens_with_the_answer_chosen_by_the_numbers(row, en, nl, nl_absent):
    english = sentences.summary_text(row, "MijnZorg", "EUR per insured-year", 0.3)
    dutch = sentences.summary_text(row, "MijnZorg", "EUR per insured-year", 0.3, language="nl")
    _check(_bullets(english)[0], ["**Answer:**", *en])
    _check(_bullets(dutch)[0], ["**Antwoord:**", *nl], nl_absent)
    assert 4 <= len(_bullets(english)) == len(_bullets(dutch)) <= 6


@pytest.mark.parametrize(
    "row, en, nl",
    [
        (NONE, "about €50 per insured-year or larger", nb("ongeveer € 50 per verzekerdenjaar")),
        (UNBOUNDED, "could not have detected any effect", "geen enkel effect kunnen aantonen"),
        (
            _primary(12.0, 0.3, -30, 54, mde=float("nan")),
            "was not computed",
            "niet berekend",
        ),
    ],
)
def test_the_summary_says_what_the_data_could_detect(row, en, nl):
    english = _bullets(sentences.summary_text(row, "X", "EUR per insured-year", None))
    dutch = _bullets(sentences.summary_text(row, "X", "EUR per insured-year", None, language="nl"))
    _check(english[1], ["**What the data could detect:**", en])
    _check(dutch[1], ["**Wat de gegevens konden aantonen:**", nl])


@pytest.mark.parametrize(
    "pretrend, placebos, verdict, en, nl",
    [
        (0.02, 999, "differed", "**in doubt**", "**staat ter discussie**"),
        (0.05, 999, "differed", "already moved differently before 2014", "al vóór 2014"),
        (0.3, 999, "no evidence", "no evidence that the trends differed", "geen aanwijzing"),
        (0.08, 999, "close", "**not secure**", "**niet zeker**"),
        (0.9, 18, "cannot decide", "cannot decide", "niet beslissen"),
        (None, 999, "not tested", "no pre-trend test", "geen toets op trendverschil"),
        (float("nan"), 999, "not tested", "no pre-trend test", "geen toets op trendverschil"),
    ],
)
def test_the_summary_states_the_pre_trend_verdict(pretrend, placebos, verdict, en, nl):
    assert sentences.pretrend_verdict(pretrend, placebos) == verdict
    row = _primary(12.0, 0.3, -30, 54, placebos=placebos)
    english = _bullets(sentences.summary_text(row, "X", "EUR per insured-year", pretrend))
    dutch = _bullets(
        sentences.summary_text(row, "X", "EUR per insured-year", pretrend, language="nl")
    )
    _check(english[2], ["**Trends before the start:**", en])
    _check(dutch[2], ["**Trends vóór de start:**", nl])


@pytest.mark.parametrize(
    "primary, rows, verdict, en, nl, absent",
    [
        (  # holds: a detectable rise stays detectable
            RISE,
            [(PRIMARY_CHOICE, 81.9, 0.001, ""), (CRUDE, 110.0, 0.01, "")],
            "holds",
            ["the verdict **holds** under all 1 other", "(estimate €110)"],
            ["het oordeel **blijft staan** onder alle 1 andere", nb("(schatting € 110)")],
            ["**changes**", "**verandert**"],
        ),
        (  # breaks: not detectable within the province
            RISE,
            [(PRIMARY_CHOICE, 81.9, 0.001, ""), (PROVINCE, 55.0, 0.11, "")],
            "changes",
            ["**changes** under 1 of 1", "not detectable with comparison within the province"],
            ["**verandert** bij 1 van de 1", "niet aantoonbaar bij vergelijking binnen de prov"],
            ["changes sign", "van teken"],
        ),
        (  # a non-detectable primary becomes detectable under a choice
            NONE,
            [(PRIMARY_CHOICE, 12.0, 0.4, ""), (CRUDE, 60.0, 0.01, "")],
            "changes",
            ["it is detectable with crude (no age-sex adjustment)"],
            ["het is wel aantoonbaar bij ongecorrigeerd"],
            ["changes sign", "van teken"],
        ),
        (  # changes sign, verdict holds
            NONE,
            [(PRIMARY_CHOICE, 44.3, 0.26, ""), (PROVINCE, -42.5, 0.31, "")],
            "holds",
            ["**holds**", "**changes sign** under: comparison within the province"],
            ["**blijft staan**", "**keert van teken** bij: vergelijking binnen de provincie"],
            [],
        ),
        (  # nothing changes the estimate
            NONE,
            [(PRIMARY_CHOICE, 44.3, 0.26, ""), ("neighbours out", 44.3, 0.26, "")],
            "no change",
            ["no other design choice changes the estimate"],
            ["geen andere ontwerpkeuze verandert de schatting"],
            [],
        ),
        (  # the primary cannot be judged
            UNBOUNDED,
            [(PRIMARY_CHOICE, 12.0, np.inf, ""), (CRUDE, 30.0, np.inf, "")],
            "cannot judge",
            ["cannot be judged"],
            ["niet te beoordelen"],
            [],
        ),
    ],
)
def test_the_summary_says_whether_the_verdict_survives_the_design_choices(
    primary, rows, verdict, en, nl, absent
):
    table = robustness_rows(rows)
    assert summaries.robustness_verdict(table).verdict == verdict
    english = sentences.summary_text(primary, "X", "EUR per insured-year", 0.3, table)
    dutch = sentences.summary_text(primary, "X", "EUR per insured-year", 0.3, table, language="nl")
    line_en = [b for b in _bullets(english) if b.startswith("- **Design choices:**")]
    line_nl = [b for b in _bullets(dutch) if b.startswith("- **Ontwerpkeuzes:**")]
    assert len(line_en) == len(line_nl) == 1
    _check(line_en[0], en, absent)
    _check(line_nl[0], nl, absent)


@pytest.mark.parametrize(
    "breakdown, verdict, en, nl",
    [
        (0.0, "nothing to overturn", "no conclusion to overturn", "geen conclusie om te keren"),
        (math.inf, "any", "no trend difference of this kind overturns", "geen trendverschil"),
        (0.45, "fragile", "**fragile**", "**kwetsbaar**"),
        (1.8, "robust", "up to 1.8 times the largest", "tot 1,8 keer de grootste"),
        (float("nan"), "not computed", "could not be computed", "kon niet worden berekend"),
    ],
)
def test_the_summary_says_how_large_a_trend_difference_would_overturn_it(
    breakdown, verdict, en, nl
):
    assert sentences.breakdown_verdict(breakdown) == verdict
    english = _bullets(
        sentences.summary_text(RISE, "X", "EUR per insured-year", 0.3, None, breakdown)
    )
    dutch = _bullets(
        sentences.summary_text(RISE, "X", "EUR per insured-year", 0.3, None, breakdown, "nl")
    )
    line_en = [b for b in english if b.startswith("- **Trend difference that would overturn it")]
    line_nl = [b for b in dutch if b.startswith("- **Trendverschil dat de conclusie zou omkeren")]
    assert len(line_en) == len(line_nl) == 1
    _check(line_en[0], ["(event study:", en])
    _check(line_nl[0], ["(event study:", nl])
    if verdict == "fragile":
        assert "**kwetsbaar**" not in line_en[0] and "**fragile**" not in line_nl[0]
    # answer, across the nine, how sure, detect, pre-trend, breakdown, primary analysis
    assert len(english) == len(dutch) == 7


def test_a_not_detectable_answer_has_no_trend_difference_to_overturn():
    row = _primary(12.0, 0.3, -30, 54)
    english = sentences.summary_text(row, "X", "EUR per insured-year", 0.3, None, 0.05)
    dutch = sentences.summary_text(row, "X", "EUR per insured-year", 0.3, None, 0.05, "nl")
    assert "overturn" not in english and "omkeren" not in dutch
    assert "Across the nine" not in english and "Over de negen" not in dutch


@pytest.mark.parametrize(
    "p, en, nl",
    [
        (
            0.021,
            ["9 × p = 0.189", "it is **not** detectable", "see the synthesis"],
            ["9 × p = 0,189", "is het **niet** aantoonbaar"],
        ),
        (0.004, ["stays detectable", "9 × p = 0.036"], ["blijft aantoonbaar", "9 × p = 0,036"]),
    ],
)
def test_a_detectable_answer_says_whether_it_survives_a_correction_for_nine(p, en, nl):
    row = _primary(82.0, p, 12, 152)
    english = _bullets(sentences.summary_text(row, "X", "EUR per insured-year", 0.3))
    dutch = _bullets(sentences.summary_text(row, "X", "EUR per insured-year", 0.3, language="nl"))
    _check(english[1], ["**Across the nine:**", *en])
    _check(dutch[1], ["**Over de negen:**", *nl])
    _check(english[2], ["**How sure:**", "not 5%"])  # age-sex adjusted: the real data
    _check(dutch[2], ["**Hoe zeker:**", "niet bij 5%"])


def _event_study(pre: dict[int, float], post: dict[int, float], reference: int = -1):
    """An event study's coefficients by relative year, the reference year at 0."""
    rows = [*pre.items(), (reference, 0.0), *post.items()]
    table = pd.DataFrame(rows, columns=["rel_year", "estimate"])
    return SimpleNamespace(table=table, reference_year=reference)


def test_the_largest_pre_start_coefficient_is_read_from_the_event_study():
    study = _event_study({-3: 20.0, -2: -95.5}, {0: 70.0, 1: 120.0})
    assert sentences.largest_pre_coefficient(study) == 95.5
    assert sentences.largest_pre_coefficient(_event_study({}, {0: 70.0})) is None
    assert sentences.largest_pre_coefficient(None) is None


@pytest.mark.parametrize(
    "largest, estimate, verdict",
    [
        (95.5, 81.9, "as large"),
        (81.9, 81.9, "as large"),
        (45.0, -40.2, "as large"),
        (20.0, 81.9, "smaller"),
        (30.0, -40.2, "smaller"),
        (None, 81.9, "not available"),
        (float("nan"), 81.9, "not available"),
        (20.0, float("nan"), "not available"),
    ],
)
def test_the_pre_start_size_verdict_compares_absolute_values(largest, estimate, verdict):
    assert sentences.pre_size_verdict(largest, estimate) == verdict


@pytest.mark.parametrize(
    "row, largest, en, nl, absent",
    [
        (  # larger than the estimate
            RISE,
            95.5,
            [
                "already as large as the estimate",
                "(largest |coefficient| before 2014: €96, against an estimate of €82)",
                "may reflect differences that were there before",
            ],
            [
                "al minstens even groot als de schatting",
                nb("(grootste |coëfficiënt| vóór 2014: € 96, tegenover een schatting van € 82)"),
                "kan verschillen weerspiegelen",
            ],
            ["smaller than", "kleiner dan"],
        ),
        (  # as large as the estimate
            RISE,
            81.9,
            ["already as large as the estimate", "€82, against an estimate of €82"],
            ["al minstens even groot", nb("€ 82, tegenover een schatting van € 82")],
            ["smaller than", "kleiner dan"],
        ),
        (  # a fall: compared in absolute value
            FALL,
            45.0,
            ["already as large as the estimate", "€45, against an estimate of -€40"],
            ["al minstens even groot", nb("€ 45, tegenover een schatting van € -40")],
            ["smaller than", "kleiner dan"],
        ),
        (  # smaller than the estimate
            RISE,
            20.0,
            ["smaller than the estimate", "before 2014: €20, against an estimate of €82)."],
            ["kleiner dan de schatting", nb("vóór 2014: € 20, tegenover een schatting van € 82).")],
            ["already as large", "may reflect", "minstens even groot", "weerspiegelen"],
        ),
        (  # no event study
            RISE,
            None,
            [],
            [],
            ["|coefficient|", "|coëfficiënt|", "yearly differences", "verschillen per jaar"],
        ),
    ],
)
def test_the_summary_says_whether_the_years_before_the_start_were_as_large_as_the_estimate(
    row, largest, en, nl, absent
):
    unit = "EUR per insured-year"
    english = _bullets(sentences.summary_text(row, "X", unit, 0.3, largest_pre=largest))
    dutch = _bullets(
        sentences.summary_text(row, "X", unit, 0.3, language="nl", largest_pre=largest)
    )
    without = _bullets(sentences.summary_text(row, "X", unit, 0.3))
    assert len(english) == len(dutch) == len(without)  # said in the pre-trend bullet
    line_en = [b for b in english if b.startswith("- **Trends before the start:**")]
    line_nl = [b for b in dutch if b.startswith("- **Trends vóór de start:**")]
    assert len(line_en) == len(line_nl) == 1
    _check(line_en[0], ["no evidence that the trends differed", *en], absent)
    _check(line_nl[0], ["geen aanwijzing", *nl], absent)


def test_a_share_outcome_is_told_in_percentage_points_not_euros():
    row = _primary(0.012, 0.01, 0.004, 0.02, mde=0.006, adjust="none")
    unit = "share of persons (0/1)"
    english = sentences.summary_text(row, "X", unit, 0.4, largest_pre=0.02)
    dutch = sentences.summary_text(row, "X", unit, 0.4, language="nl", largest_pre=0.02)
    _check(
        english, [nb("1.2 percentage points"), nb("0.4 percentage points to 2.0 percentage points")]
    )
    _check(english, [nb("before 2014: 2.0 percentage points, against an estimate of 1.2")])
    _check(dutch, [nb("1,2 procentpunt"), "aandeel personen (0/1)"], ["€"])
    _check(dutch, [nb("vóór 2014: 2,0 procentpunt, tegenover een schatting van 1,2 procentpunt")])


def test_a_language_lmp_does_not_write_is_refused():
    with pytest.raises(ValueError, match="unknown language"):
        sentences.summary_text(RISE, "X", "EUR per insured-year", 0.3, language="de")
    with pytest.raises(ValueError, match="unknown language"):
        sentences.limits_real("fr")


def test_units_have_a_prose_and_a_short_form_in_both_languages():
    unit = "EUR per insured-year"
    assert sentences.unit_text(unit) == "euros per insured-year"
    assert sentences.unit_text(unit, "nl") == "euro per verzekerdenjaar"
    assert sentences.unit_text(unit, short=True) == "€ per insured-year"
    assert sentences.unit_text(unit, "nl", short=True) == "€ per verzekerdenjaar"
    assert sentences.unit_text("share of persons (0/1)", "nl") == "aandeel personen (0/1)"
    assert sentences.unit_text("km", "nl") == "km"  # a unit lmp has no words for: as it is
    with pytest.raises(ValueError, match="unknown language"):
        sentences.unit_text(unit, "de")


def test_every_catalogue_unit_has_both_forms_in_both_languages():
    from lmp.reference import load_reference

    for unit in sorted(set(load_reference().outcomes["unit"])):
        assert unit in sentences.UNITS, f"{unit!r} of outcomes.csv has no words"
        for short in (False, True):
            english = sentences.unit_text(unit, "en", short=short)
            dutch = sentences.unit_text(unit, "nl", short=short)
            assert english and dutch and dutch != english, (unit, short)


# --- the synthesis ------------------------------------------------------------------------------


def _across(p_ri, estimates=None, unbounded=()):
    n = len(p_ri)
    estimates = estimates or [80.0] * n
    table = pd.DataFrame(
        {
            "name": [f"R{i}" for i in range(n)],
            "estimate": estimates,
            "ci_ri_low": [e - 40 for e in estimates],
            "ci_ri_high": [e + 40 for e in estimates],
            "p_ri": p_ri,
            "alpha": 0.05,
        }
    )
    for i in unbounded:
        table.loc[i, ["ci_ri_low", "ci_ri_high"]] = [-np.inf, np.inf]
    return table.assign(p_ri_holm=summaries.holm(table["p_ri"]))


@pytest.mark.parametrize(
    "p_ri, en, nl",
    [
        ([0.2, 0.5, 0.9], "None of the 3", "Geen van de 3"),
        ([0.001, 0.5, 0.9], "All of them remain", "Ze blijven alle over"),
        ([0.02, 0.5, 0.9], "**none** remains", "blijft er **geen** over"),
        ([0.001, 0.03, 0.9], "1 remains: R0", "blijft er 1 over: R0"),
    ],
)
def test_primary_words_follow_raw_and_holm_p_values(p_ri, en, nl):
    assert en in sentences.primary_across_text(_across(p_ri))
    assert nl in sentences.primary_across_text(_across(p_ri), language="nl")


@pytest.mark.parametrize(
    "p_ri, estimates, unbounded, en, nl",
    [
        (
            [0.2, 0.5, 0.9],
            None,
            (),
            ["none of the 3 proeftuinen", "nothing to correct"],
            ["bij geen van de 3 proeftuinen", "niets te corrigeren"],
        ),
        (
            [0.001, 0.002, 0.9],
            [80.0, -30.0, 5.0],
            (),
            ["2 of 3", "all 2 remain", "1 is a rise and 1 is a fall", "R0 (€80; €40 to €120)"],
            ["2 van de 3", "ze blijven alle 2 over", "1 een stijging en 1 een daling"],
        ),
        (
            [0.02, 0.5, 0.9],
            None,
            (),
            ["1 of 3", "**none** remains"],
            ["1 van de 3", "er blijft **geen** over"],
        ),
        (
            [0.001, 0.03, 0.9],
            None,
            (),
            ["2 of 3", "1 remains: R0"],
            ["2 van de 3", "er blijft 1 over: R0"],
        ),
        (
            [0.3, 0.5, 1.0],
            None,
            (2,),
            ["**Cannot be judged:** R2"],
            ["**Niet te beoordelen:** R2"],
        ),
    ],
)
def test_the_synthesis_summary_follows_raw_and_holm_p_values(p_ri, estimates, unbounded, en, nl):
    table = _across(p_ri, estimates, unbounded)
    english = _bullets(sentences.synthesis_summary_text(table))
    dutch = _bullets(sentences.synthesis_summary_text(table, "nl"))
    assert 4 <= len(english) == len(dutch) <= 6
    _check("\n".join(english), en)
    _check("\n".join(dutch), nl)


@pytest.mark.parametrize(
    "p_ri, unbounded, en, nl, absent",
    [
        (  # every one judged: counted over all
            [0.001, 0.5, 0.9],
            (),
            ["**Answer:** 1 of 3 proeftuinen shows"],
            ["**Antwoord:** bij 1 van de 3 proeftuinen is"],
            ["could judge", "kon "],
        ),
        (  # one cannot be judged, none detectable among the others
            [0.3, 0.5, 1.0],
            (2,),
            [
                "could judge 2 of the 3 proeftuinen (the other 1: see *Cannot be judged* below)",
                "none of those 2 proeftuinen shows a detectable change",
            ],
            [
                "kon 2 van de 3 proeftuinen beoordelen (de andere 1: zie *Niet te beoordelen*",
                "bij geen van die 2 proeftuinen is",
            ],
            ["none of the 3", "geen van de 3"],
        ),
        (  # two cannot be judged, one of the judged detectable
            [0.001, 0.5, 1.0, 1.0],
            (2, 3),
            ["could judge 2 of the 4 proeftuinen", "1 of those 2 proeftuinen shows", "R0 (€80"],
            ["kon 2 van de 4 proeftuinen beoordelen", "bij 1 van die 2 proeftuinen is vóór"],
            ["1 of 4", "1 van de 4"],
        ),
        (  # a detectable change counts as judged, whatever its interval
            [0.001, 0.5, 1.0],
            (0, 2),
            ["could judge 2 of the 3 proeftuinen", "1 of those 2 proeftuinen shows"],
            ["kon 2 van de 3 proeftuinen beoordelen", "bij 1 van die 2 proeftuinen"],
            ["**Cannot be judged:** R0", "**Niet te beoordelen:** R0"],
        ),
        (  # none can be judged
            [1.0, 1.0],
            (0, 1),
            ["could judge none of the 2 proeftuinen", "no change in the primary outcome"],
            ["kon geen van de 2 proeftuinen beoordelen", "geen verandering in de primaire"],
            ["even before", "zelfs zonder"],
        ),
    ],
)
def test_the_synthesis_summary_counts_among_the_proeftuinen_inference_could_judge(
    p_ri, unbounded, en, nl, absent
):
    table = _across(p_ri, None, unbounded)
    english = _bullets(sentences.synthesis_summary_text(table))
    dutch = _bullets(sentences.synthesis_summary_text(table, "nl"))
    assert 4 <= len(english) == len(dutch) <= 6
    _check(english[0], en, absent)
    _check(dutch[0], nl, absent)


# --- pre-trends, sensitivity, reconciliation ------------------------------------------------------


def _study(p, p_ri=float("nan"), placebos=0, design="target", excluded=0):
    return SimpleNamespace(
        design=design,
        pretrend_p=p,
        pretrend_df=(3, 20),
        pretrend_f=2.3456,
        pretrend_p_ri=p_ri,
        pretrend_ri_placebos=placebos,
        pretrend_ri_enumerated=False,
        pretrend_ri_match="contiguous",
        pretrend_ri_excluded=excluded,
    )


@pytest.mark.parametrize(
    "study, en, nl",
    [
        (
            _study(0.3, 0.02, 999),
            ["**Target group**", "By randomization inference the trends **differed"],
            ["**Doelgroep**", "Volgens randomisatie-inferentie **verschilden de trends al"],
        ),
        (
            _study(0.0004, 0.3, 999),
            ["By randomization inference no evidence", "(RI) p = 0.300", "CR1 p < 0.001"],
            ["Volgens randomisatie-inferentie geen aanwijzing", "(RI) p = 0,300"],
        ),
        (
            _study(0.001),
            ["By CR1 the trends **differed"],
            ["Volgens CR1 **verschilden de trends"],
        ),
        (
            _study(0.4, 0.895, 18),
            ["cannot decide whether the trends were parallel", "smallest possible p is 0.053"],
            ["niet beslissen of de trends parallel liepen", "kleinst mogelijke p is 0,053"],
        ),
        (
            _study(float("nan"), design="population"),
            ["**Whole population**: no year before the reference year"],
            ["**Hele bevolking**: geen jaar vóór het referentiejaar"],
        ),
        (
            _study(0.3, 0.4, 999, excluded=2),
            ["(2 comparison municipalities missing a year not drawn)", "F(3, 20) = 2.35"],
            ["(2 vergelijkingsgemeenten zonder gegevens in een jaar", "F(3, 20) = 2,35"],
        ),
    ],
)
def test_pre_trend_words_follow_the_trusted_test(study, en, nl):
    _check(sentences.pretrend_text(study), en)
    _check(sentences.pretrend_text(study, "nl"), nl)


def _bounds(low=-3.0, high=12.0, target="average", alpha=0.05):
    table = pd.DataFrame({"mbar": [0.0, 1.0], "ci_low": [low, low - 5], "ci_high": [high, high]})
    table.attrs.update(target=target, alpha=alpha)
    return table


@pytest.mark.parametrize(
    "breakdown, target, en, nl",
    [
        (0.0, "average", ["Already at M̄ = 0", "[-3, 12]", "95% interval"], ["Al bij M̄ = 0"]),
        (math.inf, "average", ["survives any"], ["bij elke trendafwijking"]),
        (1.234, 1, ["up to 1.23 times", "relative year 1"], ["tot 1,23 keer", "relatief jaar 1"]),
        (float("nan"), "average", ["could not be computed"], ["kon niet worden berekend"]),
    ],
)
def test_sensitivity_words_follow_the_breakdown_value(breakdown, target, en, nl):
    _check(sentences.sensitivity_text(_bounds(target=target), breakdown), en)
    _check(sentences.sensitivity_text(_bounds(target=target), breakdown, "nl"), nl)


def test_a_skipped_sensitivity_analysis_says_why():
    _check(sentences.too_few_placebos_text("target"), ["**Target group**", "too few placebo"])
    _check(sentences.too_few_placebos_text("population", "nl"), ["**Hele bevolking**", "te weinig"])


@pytest.mark.parametrize(
    "numbers, en, nl",
    [
        ({"did": 10.0, "post_mean": 10.5, "pre_mean": 0.4, "weighting": 0.1}, "agree", "komen"),
        (
            {"did": -27.2, "post_mean": -70.7, "pre_mean": -40.0, "weighting": -3.5},
            "comes from the pre-start years",
            "komt van de jaren vóór de start",
        ),
        (
            {"did": -27.2, "post_mean": -30.7, "pre_mean": -0.5, "weighting": -3.0},
            "comes from the weighting of years",
            "komt van de weging van de jaren",
        ),
    ],
)
def test_reconciliation_words_follow_the_numbers(numbers, en, nl):
    numbers = numbers | {"post_minus_pre": numbers["post_mean"] - numbers["pre_mean"]}
    english = sentences.reconciliation_text(numbers, "EUR per insured-year", 1.0)
    dutch = sentences.reconciliation_text(numbers, "EUR per insured-year", 1.0, "nl")
    _check(english, [en])
    _check(dutch, [nl, nb("€ ")])
    assert ("differ by" in english) == (en != "agree")
    assert ("komen overeen" in dutch) == (en == "agree")


# --- dilution and visibility ---------------------------------------------------------------------


def _dilution(visible=True, ri=20.0, cr1=10.0):
    return pd.Series(
        {
            "target_share": 0.2,
            "target_effect": -100.0,
            "implied_population_effect": -20.0,
            "implied_population_effect_with_spillover": -25.0,
            "mde_population_ri": ri,
            "mde_population_cr1": cr1,
            "implied_visible": visible,
            "target_effect_needed": ri / 0.2,
        }
    )


@pytest.mark.parametrize(
    "row, en, nl, absent",
    [
        (
            _dilution(True),
            ["would see it", "**€20 per insured-year**", "20.0%"],
            ["wel zien", nb("**€ 20 per verzekerdenjaar**"), "20,0%"],
            ["**not**"],
        ),
        (_dilution(False), ["would **not** see it"], ["zou het **niet** zien"], []),
        (
            _dilution(False, ri=np.inf),
            ["could **not** see an effect of any size"],
            ["**geen** effect van welke omvang ook"],
            ["€inf", "€ inf", nb("€ inf")],
        ),
        (_dilution(True, cr1=5.0), ["too optimistic"], ["te optimistisch"], []),
        (_dilution(True, cr1=30.0), ["not smaller here"], ["hier niet kleiner"], []),
    ],
)
def test_dilution_words_follow_the_flag_and_the_mdes(row, en, nl, absent):
    _check(sentences.dilution_text(row, "EUR per insured-year"), en, absent)
    _check(sentences.dilution_text(row, "EUR per insured-year", "nl"), nl, absent)


def test_visibility_text_follows_the_counts():
    few = pd.DataFrame({"implied_visible": [True, False, False]})
    most = pd.DataFrame({"implied_visible": [True, True, False]})
    half = pd.DataFrame({"implied_visible": [True, False]})
    _check(sentences.visibility_text(few, few), ["1 of 3", "below the population design's"])
    _check(sentences.visibility_text(few, few, "nl"), ["1 van de 3", "onder het kleinste"])
    _check(sentences.visibility_text(most, most), ["dilution alone does not explain"])
    _check(sentences.visibility_text(most, most, "nl"), ["verklaart verdunning dat niet alleen"])
    _check(sentences.visibility_text(half, half), ["Half of"])
    _check(sentences.visibility_text(half, half, "nl"), ["De helft"])


# --- inference guide ------------------------------------------------------------------------------


def _row(k: int, placebos: int = 999, **extra) -> pd.Series:
    return pd.Series(
        {
            "n_treated_clusters": k,
            "n_clusters": 300,
            "ri_placebos": placebos,
            "ri_enumerated": False,
            **extra,
        }
    )


@pytest.mark.parametrize(
    "row, en, nl",
    [
        (
            _row(1),
            ["1 treated municipality**", "not informative", "is the one to trust"],
            ["**1 gemeente**", "niet informatief", "hier het betrouwbaarst"],
        ),
        (
            _row(7),
            ["7 treated municipalities**", "second opinion", "999 randomly drawn placebo"],
            ["**7 gemeenten**", "tweede mening", "999 willekeurig getrokken placeboregio's"],
        ),
        (
            _row(3, placebos=10),
            ["cannot decide here", "inconclusive"],
            ["kan hier niet beslissen", "onbeslist"],
        ),
        (
            _row(3, ri_match="persons"),
            ["with about as many persons (within a factor 1.5)"],
            ["met ongeveer evenveel personen (binnen een factor 1,5)"],
        ),
        (
            _row(3, se=12.5, sd_ri=40.25),
            ["standard error (12.5) is also smaller than the spread", "(40.25)"],
            ["standaardfout (12,5) bovendien kleiner", "(40,25)"],
        ),
    ],
)
def test_the_inference_guide_follows_the_counts(row, en, nl):
    _check(sentences.inference_guide(row), en)
    _check(sentences.inference_guide(row, language="nl"), nl)


def test_the_inference_guide_says_nothing_of_persons_without_a_persons_match():
    assert "about as many persons" not in sentences.inference_guide(_row(3))
    assert "evenveel personen" not in sentences.inference_guide(_row(3), language="nl")


# --- synthetic control ---------------------------------------------------------------------------


def _sc(sc, p_gap, did_estimate, p_ri, low, high, **extra):
    return SimpleNamespace(
        design="target",
        sc_estimate=sc,
        sc_p_gap=p_gap,
        did_estimate=did_estimate,
        did_p_ri=p_ri,
        did_ci_ri_low=low,
        did_ci_ri_high=high,
        sc_placebo_mean=0.0,
        sc_placebo_sd=30.0,
        **extra,
    )


@pytest.mark.parametrize(
    "row, en, nl",
    [
        (_sc(-20.0, 0.40, -18.7, 0.50, -60, 25), "**agree**", "**komen overeen**"),
        (_sc(-65.6, 0.40, -18.7, 0.50, -60, 25), "**differ in size**", "**verschillen in groot"),
        (_sc(-65.6, 0.01, -18.7, 0.50, -60, 25), "**disagree**", "**spreken elkaar tegen**"),
        (_sc(4.7, 0.5, -82.8, 0.26, -np.inf, np.inf), "interval is unbounded", "onbegrensd"),
        (
            _sc(-20.0, 0.4, -18.7, 0.5, -60, 25, sc_fit_flagged=True, sc_fit_flag_reason="overfit"),
            "fit is not trustworthy (overfit",
            "niet betrouwbaar (overfit",
        ),
    ],
)
def test_agreement_words_follow_the_verdict(row, en, nl):
    english, dutch = sentences.agreement_text(row), sentences.agreement_text(row, language="nl")
    _check(english, [en, "interval ["])
    _check(dutch, [nl, "synthetische controle"])
    assert ("**agree**" in english) == (summaries.agreement(row) == "agree")


def test_synthetic_control_text_warns_when_placebos_are_not_centred():
    base = vars(_sc(-50.0, 0.3, -60.0, 0.2, -150.0, 30.0)) | {"sc_placebo_sd": 40.0}
    centred = pd.DataFrame([{**base, "sc_placebo_mean": 5.0}])
    shifted = pd.DataFrame([{**base, "sc_placebo_mean": 45.0}])
    _check(
        sentences.synthetic_control_text(centred), ["**agree**", "**Target group**"], ["Caution"]
    )
    _check(sentences.synthetic_control_text(shifted), ["Caution", "biased for this design"])
    _check(sentences.synthetic_control_text(shifted, language="nl"), ["*Let op*", "vertekend"])
    _check(sentences.synthetic_control_text(centred, language="nl"), ["**Doelgroep**"], ["Let op"])


def test_synthetic_control_text_names_the_interval_of_a_disagreement():
    row = _sc(80.0, 0.01, -10.0, 0.6, -60.0, 40.0)
    english = sentences.synthetic_control_text(pd.DataFrame([vars(row)]))
    _check(english, ["**disagree**", "interval [-60, 40]"], ["**agree**"])


def _control(flagged=False, exact=False, train_rmspe=10.0, holdout=(2013,)):
    return SimpleNamespace(
        design="population",
        exact_pre_fit=exact,
        pre_rmspe=0.0 if exact else 12.3456,
        pre_years=(2010, 2011, 2012, 2013),
        train_years=(2010, 2011, 2012) if holdout else (),
        holdout_years=holdout,
        train_rmspe=train_rmspe,
        holdout_rmspe=45.678 if holdout else float("nan"),
        p_value_ratio=float("nan") if exact else 0.25,
        p_value_gap=0.0004,
        n_placebos=30,
        n_placebos_overfit=27,
        fit_flagged=flagged,
    )


@pytest.mark.parametrize(
    "control, en, nl",
    [
        (_control(), ["can be read", "|gap| < 0.001"], ["bruikbaar", "|kloof| < 0,001"]),
        (
            _control(True),
            ["**Fit flagged** (overfit", "4.6 times", "**not evidence**"],
            ["**Fit afgekeurd** (overfit", "4,6 keer", "**geen bewijs**"],
        ),
        (
            _control(True, exact=True, train_rmspe=0.0),
            ["exact fit on 2010-2013", "match those years exactly", "undefined at pre-RMSPE 0"],
            ["exacte fit op 2010-2013", "treffen de gewichten die jaren precies"],
        ),
        (
            _control(True, holdout=()),
            ["not checked", "no holdout check"],
            ["niet gecontroleerd", "geen controle buiten de schattingsjaren"],
        ),
    ],
)
def test_fit_words_follow_the_flag(control, en, nl):
    _check(sentences.fit_text(control), en)
    _check(sentences.fit_text(control, "nl"), nl)


# --- pooling, robustness, meta ----------------------------------------------------------------------


def test_pooling_words_in_both_languages():
    pooled = pd.DataFrame({"name": ["A", "B"], "confidence": "confirmed"})
    apart = pd.DataFrame(
        {
            "name": ["C", "D"],
            "confidence": ["probable", "confirmed"],
            "ci_ri_low": [-1.0, -np.inf],
            "ci_ri_high": [1.0, np.inf],
        }
    )
    english = sentences.pooling_text(pooled, apart, ["confirmed"])
    dutch = sentences.pooling_text(pooled, apart, ["confirmed"], "nl")
    _check(english, ["Pooled: the 2 proeftuinen", "Shown apart, not pooled: C", "interval): D"])
    _check(dutch, ["Samengenomen: de 2 proeftuinen", "status bevestigd", "Apart getoond", "D."])


@pytest.mark.parametrize(
    "rows, en, nl",
    [
        (
            [(PRIMARY_CHOICE, 80.0, 0.001, ""), (CRUDE, 110.0, 0.01, ""), (PROVINCE, 55, 0.11, "")],
            ["a detectable difference, **changes** under 1 of 2", "€55 to €110"],
            ["een aantoonbaar verschil, **verandert** onder 1 van de 2", nb("€ 55 en € 110")],
        ),
        (
            [
                (PRIMARY_CHOICE, 20.0, 0.4, ""),
                (CRUDE, 30.0, 0.3, ""),
                (PROVINCE, np.nan, np.nan, "x"),
            ],
            ["no detectable effect, holds under all 1 other", "Not estimable: comparison within"],
            ["geen aantoonbaar effect, blijft staan", "Niet te schatten: vergelijking binnen"],
        ),
        (
            [(PRIMARY_CHOICE, 44.3, 0.26, ""), (PROVINCE, -42.5, 0.31, "")],
            ["It changes sign under: comparison within the province"],
            ["Het teken keert om onder: vergelijking binnen de provincie"],
        ),
        (
            [
                (PRIMARY_CHOICE, 80.0, 0.001, ""),
                (CRUDE, 110.0, 0.01, ""),
                ("COROP", 60.0, np.inf, ""),
            ],
            ["Too few placebo regions to judge", "COROP"],
            ["Te weinig placeboregio's om te beoordelen", "COROP"],
        ),
        (
            [(PRIMARY_CHOICE, 44.25, 0.23, ""), ("neighbours out", 44.25, 0.23, "")],
            ["No other design choice changes the estimate", "Identical to the primary"],
            ["Geen andere ontwerpkeuze verandert de schatting", "Gelijk aan de primaire"],
        ),
        (
            [(PRIMARY_CHOICE, 12.0, np.inf, ""), (CRUDE, 30.0, np.inf, "")],
            ["cannot judge the primary estimate"],
            ["de primaire schatting niet beoordelen"],
        ),
    ],
)
def test_robustness_words_follow_the_verdicts(rows, en, nl):
    table = robustness_rows(rows)
    _check(sentences.robustness_text(table), en)
    _check(sentences.robustness_text(table, language="nl"), nl)


def test_left_out_studies_are_named_with_their_reason():
    result = SimpleNamespace(
        left_out=pd.DataFrame(
            {"label": ["a", "b"], "estimate": [np.nan, 1.0], "se": [1.0, np.inf], "reason": ""}
        )
    )
    assert sentences.left_out_text(result) == "a (estimate missing); b (standard error infinite)"
    assert (
        sentences.left_out_text(result, "nl")
        == "a (schatting ontbreekt); b (standaardfout oneindig)"
    )


def test_a_wild_bootstrap_p_of_zero_from_random_draws_reads_as_below_one_over_b():
    assert sentences.bootstrap_p_text(0.0, 9999, False) == "< 1/9999"
    assert sentences.bootstrap_p_text(0.0, 9999, False, "nl") == "< 1/9999"
    assert sentences.bootstrap_p_text(0.0, 64, True) == 0.0
    assert sentences.bootstrap_p_text(0.03, 9999, False) == 0.03


def test_notes_and_definitions_in_both_languages():
    _check(sentences.synthetic_note(), ["**Synthetic data.**"])
    _check(sentences.synthetic_note("nl"), ["**Synthetische gegevens.**"])
    _check(sentences.limits_real(), ["**What these data cannot see.**"])
    _check(sentences.limits_real("nl"), ["**Wat deze gegevens niet kunnen zien.**", "Wmo"])
    _check(sentences.definitions_text(["cost_total"]), ["**Outcomes**", "`cost_total`"])
    dutch = sentences.definitions_text(["cost_total", "cost_gp"], language="nl")
    _check(dutch, ["**Uitkomsten**", "Zorgkosten totaal per verzekerdenjaar", "som van alle"])
    synthetic = SimpleNamespace(synthetic=True)
    _check(sentences.banner(synthetic, "nl"), ["Synthetische gegevens"])
    real = SimpleNamespace(
        synthetic=False,
        provenance={"source": "Vektis <year>", "classification": 2020},
        years=[2011, 2018],
        path="x.csv",
    )
    _check(sentences.banner(real), ["**Real data.** Vektis 2011-2018", "2020 classification"])
    _check(sentences.banner(real, "nl"), ["**Echte gegevens.** Vektis 2011-2018", "indeling 2020"])


# --- no scientific notation, no English in the Dutch ----------------------------------------------

SCIENTIFIC = re.compile(r"\d(?:[.,]\d+)?e[+-]?\d", re.IGNORECASE)
ENGLISH = [" the ", " and ", " with ", " which ", " would ", " could ", " than ", " from "]


def _sample(language: str) -> list[str]:
    """One text of every sentence builder, fed with awkward numbers (tiny, huge, noise)."""
    tiny = _primary(1e-13, 1e-12, -3e-7, 2.5e9, mde=1e-11)
    across = _across([1e-30, 0.03, 0.9], [1e-14, -2.5e7, 3.0])
    table = robustness_rows([(PRIMARY_CHOICE, 1e-12, 1e-20, ""), (PROVINCE, -2e-9, 0.3, "")])
    numbers = {"did": 1e-13, "post_mean": 3e-11, "pre_mean": 2e-12, "weighting": -1e-14}
    numbers |= {"post_minus_pre": 2.8e-11}
    control = _control(True)
    control.holdout_rmspe, control.train_rmspe = 1.234e-7, 1e-8
    return [
        sentences.answer_text(tiny, "X", pretrend_p=1e-9, language=language),
        sentences.summary_text(tiny, "X", "EUR per insured-year", 1e-9, table, 1e-8, language),
        sentences.summary_text(NONE, "X", "EUR per insured-year", 0.3, table, 2.5, language),
        sentences.summary_text(UNBOUNDED, "X", "EUR per insured-year", 0.9, None, 0.0, language),
        sentences.summary_text(tiny, "X", "EUR", 0.3, language=language, largest_pre=2e-12),
        sentences.summary_text(RISE, "X", "EUR", 0.3, language=language, largest_pre=3e-9),
        sentences.synthesis_summary_text(across, language),
        sentences.synthesis_summary_text(_across([1e-30, 0.9, 1.0], None, (2,)), language),
        sentences.synthesis_summary_text(_across([1.0], None, (0,)), language),
        sentences.primary_across_text(across, language),
        sentences.robustness_text(table, language=language),
        sentences.reconciliation_text(numbers, "EUR per insured-year", 1e-15, language),
        sentences.dilution_text(_dilution(False, ri=1e-10, cr1=2e-12), "EUR", language),
        sentences.inference_guide(_row(2, se=1e-12, sd_ri=3e-7), language=language),
        sentences.inference_guide(_row(8, placebos=10), language=language),
        sentences.pretrend_text(_study(1e-15, 2e-4, 999, excluded=1), language),
        sentences.sensitivity_text(_bounds(-1e-12, 3e8), 0.0, language),
        sentences.sensitivity_text(_bounds(), 1.5e-9, language),
        sentences.fit_text(control, language),
        sentences.agreement_text(_sc(1e-13, 1e-10, 2e9, 1e-8, -1e-9, 3e12), language=language),
        sentences.visibility_text(
            pd.DataFrame({"implied_visible": [True]}),
            pd.DataFrame({"implied_visible": [False, False]}),
            language,
        ),
        sentences.limits_real(language),
        sentences.ri_size_text(language),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_sentence_prints_scientific_notation(language):
    for text in _sample(language):
        assert not SCIENTIFIC.search(text), text


def test_no_english_leaks_into_the_dutch():
    for text in _sample("nl"):
        for word in ENGLISH:
            assert word not in text, f"{word!r} in:\n{text}"
        assert not re.search(r"\d\.\d{1,2}(?!\d)", text), text  # decimal point


def test_no_dutch_leaks_into_the_english():
    for text in _sample("en"):
        for word in [" de ", " het ", " een ", " niet ", " met "]:
            assert word not in text, f"{word!r} in:\n{text}"


def test_the_flagged_synthetic_control_note_exists_in_both_languages():
    english = sentences.all_fits_flagged_text("en")
    dutch = sentences.all_fits_flagged_text("nl")
    assert "no evidence" in english and "geen bewijs" in dutch and " the " not in dutch


def test_a_proeftuin_pooled_in_some_designs_only_is_said_to_be():
    pooled = pd.DataFrame({"name": ["A", "B"], "confidence": "confirmed"})
    apart = pd.DataFrame(
        {"name": ["B"], "confidence": ["confirmed"], "ci_ri_low": [-np.inf], "ci_ri_high": [1.0]}
    )
    english = sentences.pooling_text(pooled, apart, ["confirmed"])
    dutch = sentences.pooling_text(pooled, apart, ["confirmed"], "nl")
    _check(english, ["(A, B), B only where its interval is finite."])
    _check(dutch, ["(A, B), B alleen waar het interval eindig is."])


def test_visibility_text_says_none_when_no_implied_effect_is_visible():
    none = pd.DataFrame({"implied_visible": [False, False]})
    _check(sentences.visibility_text(none, none), ["0 of 2", "None of the target-group effects"])
    _check(sentences.visibility_text(none, none, "nl"), ["0 van de 2", "Geen enkel effect"])


def test_the_synthesis_summary_speaks_of_one_detectable_change_in_the_singular():
    table = _across([0.01, 0.5, 0.6], [80.0, 10.0, -5.0])
    english = sentences.synthesis_summary_text(table)
    dutch = sentences.synthesis_summary_text(table, "nl")
    _check(english, ["the one detectable change is a rise"], ["of the 1 detectable"])
    _check(dutch, ["de ene aantoonbare verandering is een stijging"])
    table["p_ri_holm"] = table["p_ri"] * 3
    _check(sentences.primary_across_text(table, "nl"), ["laat vóór"], ["laten vóór"])


def test_the_summary_judges_the_pre_trend_test_by_its_own_placebo_regions():
    row = _primary(12.0, 0.3, -30, 54, placebos=999)  # the DiD had plenty of placebo regions
    english = sentences.summary_text(row, "X", "EUR per insured-year", 0.9, pretrend_placebos=12)
    dutch = sentences.summary_text(
        row, "X", "EUR per insured-year", 0.9, language="nl", pretrend_placebos=12
    )
    _check(english, ["cannot decide"], ["no evidence"])
    _check(dutch, ["niet beslissen"], ["geen aanwijzing"])
