"""Scenarios in which the DiD can fail: the injected deviations are there, where and when stated.

Most checks pair a scenario with the default ("parallel") under the same seed: the deviations draw
no random numbers, so the costs of the two datasets differ only where a deviation applies, and the
difference is the deviation itself (up to the noise of the realised costs, about 1%).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lmp import synth
from lmp.contract import WHOLE_YEAR_COLUMNS, validate
from lmp.geo import neighbours
from lmp.reference import load_reference

SLUG = "mijnzorg"  # nine municipalities in South Limburg, start 2014
START = 2014
SEED = 3


@pytest.fixture(scope="module")
def ref():
    return load_reference()


@pytest.fixture(scope="module")
def members(ref) -> list[str]:
    return ref.municipalities(SLUG)


@pytest.fixture(scope="module")
def bordering(members) -> set[str]:
    """The municipalities that share a border with the proeftuin, computed here from lmp.geo."""
    borders = neighbours(2020)
    return set().union(*(borders[code] for code in members)) - set(members)


@pytest.fixture(scope="module")
def parallel(ref):
    return synth.replication(SLUG, "parallel", seed=SEED, strength={SLUG: 1.0}, ref=ref)


def _scenario(ref, scenario: str, **settings):
    return synth.replication(SLUG, scenario, seed=SEED, strength={SLUG: 1.0}, ref=ref, **settings)


def _costs(data: pd.DataFrame) -> pd.DataFrame:
    return data[data["outcome"] == "cost_total"].set_index(["gemeente_code", "year", "segment"])


def _per_person(data: pd.DataFrame, codes, years=None, segments=None) -> pd.Series:
    """Person-weighted mean cost_total per year over the given municipalities (and segments)."""
    part = data[(data["outcome"] == "cost_total") & data["gemeente_code"].isin(codes)]
    if segments is not None:
        part = part[part["segment"].isin(segments)]
    sums = part.groupby("year")[["value_sum", "n_persons"]].sum()
    return sums["value_sum"] / sums["n_persons"]


def _base_cost(data: pd.DataFrame, codes) -> pd.Series:
    """Person-weighted mean of the segments' 2010 mean cost per year over the municipalities."""
    part = data[(data["outcome"] == "cost_total") & data["gemeente_code"].isin(codes)]
    weighted = part["n_persons"] * part["segment"].map(synth.SEGMENT_COST)
    return weighted.groupby(part["year"]).sum() / part.groupby("year")["n_persons"].sum()


def _unchanged(first: pd.DataFrame, second: pd.DataFrame, codes) -> bool:
    a, b = _costs(first), _costs(second)
    rows = a.index.get_level_values("gemeente_code").isin(codes)
    return a[rows].equals(b[rows])


def test_replication_is_a_contract_table_for_one_proeftuin_and_the_whole_pool(ref, parallel):
    data, truth = parallel
    assert list(data.columns) == WHOLE_YEAR_COLUMNS
    assert len(validate(data, "replication.parquet", ref)) == len(data)
    assert set(data["outcome"]) == {"cost_total"}
    codes = set(data["gemeente_code"])
    assert codes == set(ref.municipalities(SLUG)) | set(ref.comparison_pool())
    assert list(truth["effects"]) == [SLUG] and truth["scenario"]["name"] == "parallel"


def test_pretrend_tilts_the_difference_linearly_before_and_after_the_start(ref, parallel, members):
    """treated minus comparison, pretrend minus parallel = 0.02 * (year - 2014) * segment means."""
    pretrend, truth = _scenario(ref, "pretrend", pretrend_per_year=0.02)
    comparison = set(pretrend["gemeente_code"]) - set(members)
    assert _unchanged(parallel[0], pretrend, comparison)
    shift = _per_person(pretrend, members) - _per_person(parallel[0], members)
    years = shift.index.to_numpy()
    injected = 0.02 * (years - START) * _base_cost(pretrend, members)
    assert shift.loc[START] == 0
    before = years < START
    assert (shift[before] < 0).all() and (np.diff(shift[before]) > 0).all()
    ratio = (shift / injected).drop(START)
    assert ratio.to_numpy() == pytest.approx(1.0, abs=0.05)
    assert ratio.mean() == pytest.approx(1.0, abs=0.02)
    assert truth["scenario"] == {
        "name": "pretrend",
        "description": synth.SCENARIOS["pretrend"],
        "size": 0.02,
        "unit": "fraction of each segment's 2010 mean per year",
        "affected": {SLUG: members},
    }


def test_pretrend_is_visible_in_the_scenario_data_alone(ref, members):
    """Without pairing: over eight draws, the pre-start slope of treated minus comparison is the
    injected one under "pretrend" and about zero under "parallel"."""
    slopes: dict[str, list[float]] = {"parallel": [], "pretrend": []}
    injected = []
    for seed in range(8):
        for scenario in slopes:
            data, _ = synth.replication(SLUG, scenario, seed=seed, ref=ref, pretrend_per_year=0.03)
            comparison = set(data["gemeente_code"]) - set(members)
            gap = _per_person(data, members) - _per_person(data, comparison)
            pre = gap.loc[: START - 1]
            slopes[scenario].append(np.polyfit(pre.index.to_numpy(), pre.to_numpy(), 1)[0])
        injected.append(0.03 * _base_cost(data, members).loc[: START - 1].mean())
    assert np.mean(slopes["pretrend"]) == pytest.approx(np.mean(injected), rel=0.15)
    assert abs(np.mean(slopes["parallel"])) < 0.15 * np.mean(injected)


def test_regional_shock_hits_the_region_and_its_neighbours_alike_from_the_start(
    ref, parallel, members, bordering
):
    shocked, truth = _scenario(ref, "regional_shock", regional_shock=0.05)
    present = set(shocked["gemeente_code"])
    around = sorted(bordering & present)
    assert around, "the proeftuin has neighbours in the data"
    assert truth["scenario"]["affected"] == {SLUG: sorted([*members, *around])}
    assert _unchanged(parallel[0], shocked, present - set(members) - set(around))
    for codes in [members, around]:
        shift = _per_person(shocked, codes) - _per_person(parallel[0], codes)
        assert (shift.loc[: START - 1] == 0).all()
        ratio = shift.loc[START:] / (0.05 * _base_cost(shocked, codes).loc[START:])
        assert ratio.to_numpy() == pytest.approx(1.0, abs=0.06)
        assert ratio.mean() == pytest.approx(1.0, abs=0.03)


def test_spillover_reaches_bordering_comparison_municipalities_at_the_stated_fraction(
    ref, parallel, members, bordering
):
    spilled, truth = _scenario(ref, "spillover", neighbour_spillover=0.5)
    pool = set(ref.comparison_pool())
    around = sorted(bordering & pool)
    assert truth["scenario"]["affected"] == {SLUG: around}
    assert _unchanged(parallel[0], spilled, set(spilled["gemeente_code"]) - set(around))
    targets = ref.target_segments(SLUG)
    others = [s for s in ref.segments["code"] if s not in targets]
    delta = truth["effects"][SLUG]["cost_total"]  # -200 euro per targeted person-year
    for segments, effect in [(targets, 0.5 * delta), (others, 0.5 * 0.1 * delta)]:
        shift = _per_person(spilled, around, segments=segments) - _per_person(
            parallel[0], around, segments=segments
        )
        assert (shift.loc[: START - 1] == 0).all()
        ratio = shift.loc[START:] / effect
        assert ratio.to_numpy() == pytest.approx(1.0, abs=0.1)
        assert ratio.mean() == pytest.approx(1.0, abs=0.04)
    # the effect on the proeftuin itself, and so its truth, is the default's
    assert truth["implied"] == parallel[1]["implied"]


def test_every_scenario_is_recorded_and_the_default_is_parallel(ref):
    assert synth.SynthConfig().scenario == "parallel"
    for scenario in synth.SCENARIOS:
        _, truth = synth.replication(SLUG, scenario, seed=1, ref=ref)
        assert truth["scenario"]["name"] == scenario
        assert truth["config"]["scenario"] == scenario
        assert ("affected" in truth["scenario"]) == (scenario != "parallel")
