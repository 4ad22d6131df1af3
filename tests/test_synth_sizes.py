"""Synthetic municipalities have the size and age structure of the real ones (open Vektis data)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lmp import synth
from lmp.reference import load_reference

UTRECHT = "GM0344"


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    """Insured-years of 2015 per municipality and sex x age class, read straight from the file."""
    frame = pd.read_parquet(synth.OPEN_DATA)
    frame = frame[(frame["outcome"] == "cost_total") & (frame["year"] == 2015)]
    ages = load_reference().agesex.set_index("code")["age_low"]
    return frame.assign(age_low=frame["segment"].map(ages).to_numpy())


@pytest.fixture(scope="module")
def bundled() -> pd.DataFrame:
    """Persons per municipality and segment in 2015 in the bundled synthetic data."""
    data = pd.read_parquet(synth.DEFAULT_PATH)
    data = data[(data["outcome"] == "cost_total") & (data["year"] == 2015)]
    return data.pivot(index="gemeente_code", columns="segment", values="n_persons")


def test_synthetic_persons_are_the_real_insured_years(real, bundled):
    """In 2015 every municipality has its real insured-years, up to rounding each of the six
    segments to whole persons (at most 3 persons in all)."""
    insured = real.groupby("gemeente_code")["person_years"].sum()
    persons = bundled.sum(axis=1)
    assert len(persons) == 355 and set(persons.index) == set(insured.index)
    gap = (persons - insured.reindex(persons.index)).abs()
    assert gap.max() <= 3.5, gap.sort_values().tail()
    assert 320_000 < persons[UTRECHT] < 340_000  # 329,290 insured-years in 2015
    assert persons.min() > 800  # Schiermonnikoog, about 900


def test_sizes_do_not_depend_on_the_seed():
    config = dict(comparison_municipalities=30, outcomes=["cost_total"])
    first, _ = synth.generate(synth.SynthConfig(seed=1, **config))
    other, _ = synth.generate(synth.SynthConfig(seed=2, **config))
    common = set(first["gemeente_code"]) & set(other["gemeente_code"])
    assert common, "two samples of 30 from the pool share municipalities"

    def totals(data):
        part = data[data["gemeente_code"].isin(common) & (data["year"] == 2015)]
        return part.groupby("gemeente_code")["n_persons"].sum()

    assert (totals(first) - totals(other)).abs().max() <= 6


@pytest.mark.parametrize(
    ("segment", "low", "high", "min_correlation"),
    [
        ("frail_elderly", 75, None, 0.7),
        ("multimorbid", 65, None, 0.6),
        ("maternal_child", 0, 4, 0.7),
    ],
)
def test_segment_shares_follow_the_real_age_structure(
    real, bundled, segment, low, high, min_correlation
):
    """Age-driven segments are more common where the real population has more people of that age
    (the rest of the variation is a random tilt with a log-sd of 0.10)."""
    upper = np.inf if high is None else high
    in_range = real[(real["age_low"] >= low) & (real["age_low"] <= upper)]
    age_share = (
        in_range.groupby("gemeente_code")["person_years"].sum()
        / real.groupby("gemeente_code")["person_years"].sum()
    )
    segment_share = bundled[segment] / bundled.sum(axis=1)
    correlation = np.corrcoef(segment_share, age_share.reindex(segment_share.index))[0, 1]
    assert correlation > min_correlation
    # and on average the segment is as common as nationally intended
    overall = bundled[segment].sum() / bundled.to_numpy().sum()
    assert overall == pytest.approx(synth.SEGMENT_SHARE[segment], rel=0.15)


def test_profiles_cover_every_municipality_of_the_reference():
    profiles = synth.municipality_profiles()
    codes = set(load_reference().gemeenten["gemeente_code"])
    assert set(profiles["gemeente_code"]) == codes
    ratios = profiles[[f"age_ratio_{s}" for s in synth.AGE_DRIVERS]]
    assert ratios.gt(0.2).all().all() and ratios.lt(5).all().all()
    assert (profiles["insured_years"] == profiles["insured_years"].round()).all()
