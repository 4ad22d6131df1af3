"""The report helpers that turn results into tables (their words: tests/test_sentences.py)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from lmp import did, summaries
from lmp.reference import load_reference
from tests.conftest import PROEFTUIN


def test_significance_counts_count_each_kind_of_inference(cells):
    results = did.estimate_all(
        cells, PROEFTUIN, ["cost_total"], inference="all", wcr_reps=199, ri_reps=99
    )
    stacked = pd.concat([results, results.assign(p_value=1.0, p_wcr=0.01, p_ri=0.5)])
    counts = summaries.significance_counts(stacked).set_index("design")
    for design in did.DESIGNS:
        row = results.set_index("design").loc[design]
        assert counts.loc[design, "proeftuinen"] == 2
        assert counts.loc[design, "significant_cr1"] == int(row["p_value"] < 0.05)
        assert counts.loc[design, "significant_wcr"] == int(row["p_wcr"] < 0.05) + 1
        assert counts.loc[design, "significant_ri"] == int(row["p_ri"] < 0.05)


def test_readable_keeps_small_probabilities_visible():
    frame = pd.DataFrame({"x": [0.000123456, 12345.678, 0.0], "name": ["a", "b", "c"]})
    out = summaries.readable(frame)
    assert list(out["x"]) == [0.0001235, 12350.0, 0.0] and list(out["name"]) == ["a", "b", "c"]


def test_significance_counts_count_p_equal_to_alpha_as_significant():
    """A placebo test rejects (its interval excludes zero) at p <= alpha, so p = 0.05 counts."""
    row = {"outcome": "cost_total", "design": "target", "p_value": 0.2, "p_wcr": 0.2}
    counts = summaries.significance_counts(pd.DataFrame([{**row, "p_ri": 0.05}]))
    assert counts.loc[0, "significant_ri"] == 1
    counts = summaries.significance_counts(pd.DataFrame([{**row, "p_ri": 0.051}]))
    assert counts.loc[0, "significant_ri"] == 0


def test_a_wild_bootstrap_p_of_zero_from_random_draws_reads_as_below_one_over_b(cells):
    results = pd.DataFrame(
        {
            "estimate": [1.0, 2.0, 3.0],
            "p_wcr": [0.0, 0.03, 0.0],
            "wcr_draws": [199, 199, 0],
            "wcr_enumerated": [False, False, False],
        }
    )
    shown = summaries.inference_table(results)["p (WCR)"].tolist()
    assert shown == ["< 1/199", 0.03, 0.0]  # no draws: nothing to bound, left as it is
    cr1_only = did.estimate_all(cells, PROEFTUIN, ["cost_total"], inference="cr1")
    assert summaries.inference_table(cr1_only)["p (WCR)"].isna().all()  # WCR not run
    result = did.estimate(cells, PROEFTUIN, "cost_total", "target", inference="wcr", wcr_reps=199)
    assert not result.wcr_enumerated
    text = dataclasses.replace(result, p_wcr=0.0).summary()
    assert "(WCR, webb): p < 1/199, " in text
    assert f"p = {result.p_wcr:.4f}, " in result.summary()


def test_target_share_and_trends_on_age_sex_data_use_insured_years():
    from pathlib import Path

    from lmp.contract import load_data

    data = load_data(
        Path(__file__).resolve().parent.parent / "data" / "open" / "vektis_zvw_2011_2018.parquet"
    )
    frame = data.frame
    ref = load_reference()
    members = ref.municipalities("goedleven")
    rows = frame[
        (frame["outcome"] == "cost_total")
        & frame["gemeente_code"].isin(members)
        & (frame["year"] >= 2014)
    ]
    old = (
        rows["segment"].str.slice(2).isin(["65_69", "70_74", "75_79", "80_84", "85_89", "90_plus"])
    )
    expected = rows.loc[old, "person_years"].sum() / rows["person_years"].sum()
    assert summaries.target_share(data, "goedleven", "cost_total", ref) == pytest.approx(expected)
    crude = summaries.trends(data, "goedleven", "cost_total", ref)
    one = crude[
        (crude["group"] == "population") & (crude["area"] == "proeftuin") & (crude["year"] == 2016)
    ]
    cells = frame[
        (frame["outcome"] == "cost_total")
        & frame["gemeente_code"].isin(members)
        & (frame["year"] == 2016)
    ]
    assert one["mean"].iloc[0] == pytest.approx(
        cells["value_sum"].sum() / cells["person_years"].sum()
    )
    standard = summaries.trends(data, "goedleven", "cost_total", ref, standardise=True)
    assert len(standard) == len(crude)
    assert summaries.analysable_outcomes(data, "goedleven", ref) == [
        "cost_total",
        "cost_gp",
        "cost_gp_excl_mdz",
        "cost_hospital",
        "cost_pharmacy",
        "cost_mental",
    ]


def test_person_counts_are_written_with_every_digit(tmp_path):
    frame = pd.DataFrame(
        {"n_persons": [14439912.0, np.nan], "persons_proeftuin": [281090.0, 11.0], "v": [1.0, 2.5]}
    )
    summaries.write_table(frame, tmp_path / "t.csv")
    text = (tmp_path / "t.csv").read_text()
    assert "14439912," in text and "e+" not in text
    assert text.splitlines()[2] == ",11,2.5"


def test_the_profile_gives_segments_and_status_in_the_report_language():
    dutch = summaries.profile("mijnzorg", language="nl").set_index("field")["value"]
    english = summaries.profile("mijnzorg").set_index("field")["value"]
    assert dutch["Confidence in these facts"] == "bevestigd"
    assert english["Confidence in these facts"] == "confirmed"
    assert "Kwetsbare ouderen" in dutch["Target group (segments)"]
    assert "Frail elderly" in english["Target group (segments)"]
