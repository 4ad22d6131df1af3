"""Words and numbers that must not lie: one significance rule, refusals of degenerate inference,
placebo regions without an estimate, the agreement of synthetic control and DiD, pre-trend words."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from lmp import did, summaries
from lmp.contract import WHOLE_YEAR_COLUMNS
from lmp.errors import DesignError
from lmp.inference import significant, t_test
from lmp.reference import load_reference
from tests.conftest import PROEFTUIN


def test_one_significance_rule_p_at_alpha_counts():
    assert significant(0.05, 0.05) and significant(0.0001)
    assert not significant(0.0500001) and not significant(float("nan")) and not significant(None)


@pytest.mark.parametrize("se", [0.0, -1.0, float("nan"), float("inf")])
def test_a_t_test_without_a_usable_standard_error_fails_loudly(se):
    with pytest.raises(DesignError, match="standard error"):
        t_test(12.0, se, 10)


def test_a_degenerate_design_is_refused_instead_of_printing_noise():
    ref = load_reference()
    treated, other = ref.municipalities(PROEFTUIN)[0], ref.comparison_pool()[0]
    rng = np.random.default_rng(5)
    rows = [
        (g, t, s, "cost_total", 20, float(rng.uniform(1e4, 3e4)), 1e9)
        for g in [treated, other]
        for t in [2013, 2014]
        for s in ["maternal_child", "healthy"]
    ]
    two = pd.DataFrame(rows, columns=WHOLE_YEAR_COLUMNS)
    # one treated and one comparison municipality, two years: the triple design's residual
    # scores are zero up to rounding, so CR1 gives about 1e-13, which must not be printed
    with pytest.raises(DesignError, match="floating-point noise.*degenerate"):
        did.estimate(two, PROEFTUIN, "cost_total", "triple")


def test_placebo_regions_without_an_estimate_are_dropped_and_counted(cells, monkeypatch):
    real = did.placebo_regions
    found = []

    def with_an_empty_region(*args, **kwargs):
        sets, enumerated = real(*args, **kwargs)
        found.append(len(sets))
        return [*sets, []], enumerated  # a region with no municipality gives 0/0

    monkeypatch.setattr(did, "placebo_regions", with_an_empty_region)
    ri = did.randomization_inference(cells, PROEFTUIN, "cost_total", "target", reps=49, seed=1)
    assert ri.dropped == 1
    assert np.isfinite(ri.placebo_estimates).all() and len(ri.placebo_estimates) == found[0]


def _sc(sc, p_gap, did_estimate, p_ri, low, high):
    return SimpleNamespace(
        design="target",
        sc_estimate=sc,
        sc_p_gap=p_gap,
        did_estimate=did_estimate,
        did_p_ri=p_ri,
        did_ci_ri_low=low,
        did_ci_ri_high=high,
    )


@pytest.mark.parametrize(
    "row, verdict",
    [
        (_sc(-20.0, 0.40, -18.7, 0.50, -60, 25), "agree"),  # same verdict, inside
        (_sc(-65.6, 0.40, -18.7, 0.50, -60, 25), "differ in size"),  # same verdict, outside
        (_sc(-65.6, 0.01, -18.7, 0.50, -60, 25), "disagree"),  # different verdicts
        (_sc(65.6, 0.01, -70.0, 0.01, -120, -20), "disagree"),  # both significant, opposite sign
        (_sc(-90.0, 0.05, -70.0, 0.05, -120, -20), "agree"),  # p = alpha is significant for both
    ],
)
def test_synthetic_control_agreement_is_defined_by_verdict_and_interval(row, verdict):
    assert summaries.agreement(row) == verdict
    text = summaries.agreement_text(row)
    assert f"**{verdict}**" in text
    assert ("**agree**" in text) == (verdict == "agree")


def test_pre_trend_words_follow_the_trusted_test(cells):
    study = did.event_study(cells, PROEFTUIN, "cost_total", "target", ri_reps=49, seed=3)
    rejected = dataclasses.replace(study, pretrend_p_ri=0.02)
    accepted = dataclasses.replace(study, pretrend_p_ri=0.30, pretrend_p=0.001)
    assert "trends **differed before the start**" in rejected.pretrend_text()
    assert "no evidence that the trends differed" in accepted.pretrend_text()
    assert "By randomization inference" in accepted.pretrend_text()
    no_ri = dataclasses.replace(study, pretrend_ri_placebos=0, pretrend_p=0.001)
    assert "By CR1 the trends **differed" in no_ri.pretrend_text()


def test_significance_counts_use_the_same_rule():
    results = pd.DataFrame(
        {
            "outcome": ["cost_total"] * 3,
            "design": ["target"] * 3,
            "proeftuin": ["a", "b", "c"],
            "p_value": [0.05, 0.051, float("nan")],
            "p_wcr": [0.05, 0.2, 0.2],
            "p_ri": [0.049, 0.05, 0.5],
        }
    )
    counts = summaries.significance_counts(results)
    row = counts.iloc[0]
    assert (row["significant_cr1"], row["significant_wcr"], row["significant_ri"]) == (1, 1, 2)


def test_the_meta_analysis_pools_confirmed_proeftuinen_and_says_which():
    ref = load_reference()
    rows = pd.DataFrame(
        {
            "proeftuin": list(ref.proeftuinen["slug"]),
            "name": list(ref.proeftuinen["name"]),
        }
    )
    pooled, apart = summaries.pooling_groups(rows, ["confirmed"], ref)
    status = ref.proeftuinen.set_index("slug")["confidence"]
    assert set(pooled["proeftuin"]) == set(status[status == "confirmed"].index)
    assert set(apart["proeftuin"]) == set(status[status != "confirmed"].index) != set()
    text = summaries.pooling_text(pooled, apart, ["confirmed"])
    assert f"Pooled: the {len(pooled)} proeftuinen" in text and "Shown apart, not pooled" in text
    everyone = summaries.pooling_text(rows, rows.iloc[0:0], ["confirmed", "probable"])
    assert "Shown apart" not in everyone


def _robust(rows):
    return pd.DataFrame([{"choice": c, "estimate": e, "p_ri": p, "note": n} for c, e, p, n in rows])


@pytest.mark.parametrize(
    "rows, words",
    [
        (
            [
                ("primary", 80.0, 0.001, ""),
                ("crude", 110.0, 0.01, ""),
                ("province", 55.0, 0.11, ""),
            ],
            ["a detectable difference, **changes** under 1 of 2", "(province)", "€55 to €110"],
        ),
        (
            [
                ("primary", 20.0, 0.4, ""),
                ("crude", 30.0, 0.3, ""),
                ("province", float("nan"), float("nan"), "not identified"),
            ],
            ["no detectable effect, holds under all 1 other", "Not estimable: province"],
        ),
        (
            [("primary", 20.0, 0.05, ""), ("crude", 30.0, 0.05, "")],
            ["a detectable difference, holds under all 1 other"],
        ),
    ],
)
def test_robustness_words_follow_the_verdicts(rows, words):
    text = summaries.robustness_text(_robust(rows))
    for word in words:
        assert word in text, text


def test_unbounded_intervals_are_said_to_decide_nothing(cells):
    row = _sc(4.7, 0.5, -82.8, 0.26, -np.inf, np.inf)
    assert summaries.agreement(row) == "cannot compare"
    assert "**cannot be compared**" in summaries.agreement_text(row)
    table = pd.DataFrame(
        [
            {
                "choice": "primary",
                "estimate": -57.0,
                "ci_ri_low": -np.inf,
                "ci_ri_high": np.inf,
                "p_ri": 0.26,
                "note": "",
            },
            {
                "choice": "crude",
                "estimate": -80.0,
                "ci_ri_low": -np.inf,
                "ci_ri_high": np.inf,
                "p_ri": 0.3,
                "note": "",
            },
        ]
    )
    assert "cannot judge the primary estimate" in summaries.robustness_text(table)
    study = did.event_study(cells, PROEFTUIN, "cost_total", "target", ri_reps=49, seed=3)
    few = dataclasses.replace(study, pretrend_ri_placebos=18, pretrend_p_ri=0.895)
    assert "cannot decide whether the trends were parallel" in few.pretrend_text()
    assert "smallest possible p is 0.053" in few.pretrend_text()


def test_choices_that_change_nothing_are_not_counted_as_confirmations():
    table = _robust(
        [
            ("primary", 44.25, 0.23, ""),
            ("neighbours out", 44.25, 0.23, ""),
            ("province", -42.5, 0.31, ""),
        ]
    )
    text = summaries.robustness_text(table)
    assert "holds under all 1 other" in text
    assert "Identical to the primary (no change in the design): neighbours out" in text
    only_same = _robust([("primary", 44.25, 0.23, ""), ("neighbours out", 44.25, 0.23, "")])
    assert "No other design choice changes the estimate" in summaries.robustness_text(only_same)
