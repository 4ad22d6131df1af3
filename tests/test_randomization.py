"""Randomization inference: the permutation p-value equals a brute-force enumeration."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from lmp import did
from lmp.reference import load_reference
from tests.conftest import PROEFTUIN


def _brute_force_placebos(persons: pd.DataFrame) -> list[float]:
    """Every placebo pair of comparison municipalities, estimated by statsmodels on person rows."""
    ref = load_reference()
    targets = set(ref.target_segments(PROEFTUIN))
    rows = persons[persons["segment"].isin(targets)]
    rows = rows[~rows["gemeente_code"].isin(ref.municipalities(PROEFTUIN))]
    pool = sorted(rows["gemeente_code"].unique())
    estimates = []
    for pair in itertools.combinations(pool, 2):
        frame = rows.assign(D=(rows["gemeente_code"].isin(pair) & (rows["year"] >= 2014)) * 1.0)
        fit = smf.ols("y ~ D + C(gemeente_code) + C(year)", data=frame).fit()
        estimates.append(float(fit.params["D"]))
    return estimates


def test_permutation_p_value_equals_brute_force_enumeration(persons, cells):
    result = did.randomization_inference(cells, PROEFTUIN, "cost_total", "target", reps=999)
    brute = np.array(_brute_force_placebos(persons))
    assert result.enumerated and len(result.placebo_estimates) == len(brute) == 36
    np.testing.assert_allclose(result.placebo_estimates, brute, rtol=1e-8, atol=1e-8)
    actual = did.estimate(cells, PROEFTUIN, "cost_total", "target").estimate
    expected = (1 + np.sum(np.abs(brute) >= abs(actual))) / (1 + len(brute))
    assert result.p_value == pytest.approx(expected, abs=1e-15)
    assert 1 / 37 <= result.p_value <= 1


def test_random_draws_are_seeded_when_enumeration_is_too_large(cells):
    first = did.randomization_inference(
        cells, PROEFTUIN, "cost_total", "population", reps=20, seed=3
    )
    again = did.randomization_inference(
        cells, PROEFTUIN, "cost_total", "population", reps=20, seed=3
    )
    assert not first.enumerated and len(first.placebo_estimates) == 20
    np.testing.assert_array_equal(first.placebo_estimates, again.placebo_estimates)


@pytest.mark.parametrize("design", ["population", "triple"])
def test_fast_placebo_estimates_equal_a_full_refit_per_region(cells, design):
    """The one-matrix shortcut against re-fitting the whole design for every placebo region."""
    result = did.randomization_inference(cells, PROEFTUIN, "cost_total", design, reps=999)
    study = did.study_cells(cells, PROEFTUIN, "cost_total", design)
    placebo = study[study["treated"] == 0].reset_index(drop=True)
    pool = sorted(placebo["gemeente_code"].unique())
    refits = [
        did._fit(
            placebo,
            design,
            did._treatment(placebo, design, placebo["gemeente_code"].isin(p).to_numpy(float)),
        ).coef[0]
        for p in itertools.combinations(pool, 2)
    ]
    np.testing.assert_allclose(result.placebo_estimates, refits, rtol=1e-8, atol=1e-8)


def test_confidence_interval_inverts_the_permutation_test(cells):
    result = did.randomization_inference(cells, PROEFTUIN, "cost_total", "target", reps=999)

    def p_at(null: float) -> float:
        shifted = np.abs(result.placebo_estimates) >= abs(result.estimate - null) * (1 - 1e-12)
        return (1 + shifted.sum()) / (1 + len(result.placebo_estimates))

    # 36 placebos: alpha = 0.10 needs floor(0.1 * 37) = 3 placebos at least as extreme
    low, high = did.placebo_confidence_interval(result.estimate, result.placebo_estimates, 0.10)
    step = 1e-6 * (high - low)
    assert p_at(low + step) > 0.10 >= p_at(low - step)
    assert p_at(high - step) > 0.10 >= p_at(high + step)
    # 36 placebos cannot reject at 1%: the interval is the whole line
    assert did.placebo_confidence_interval(0.0, result.placebo_estimates, 0.01) == (-np.inf, np.inf)


def test_persons_match_keeps_only_regions_of_similar_size(cells):
    study = did.study_cells(cells, PROEFTUIN, "cost_total", "target")
    sizes = study.groupby("gemeente_code")["n_persons"].sum()
    treated = sizes[study.loc[study["treated"] == 1, "gemeente_code"].unique()].sum()
    pool = sorted(study.loc[study["treated"] == 0, "gemeente_code"].unique())
    eligible = [
        p
        for p in itertools.combinations(pool, 2)
        if 1 / 1.2 <= sizes[list(p)].sum() / treated <= 1.2
    ]
    result = did.randomization_inference(
        cells, PROEFTUIN, "cost_total", "target", match="persons", factor=1.2
    )
    assert result.enumerated and result.match == "persons"
    assert 0 < len(result.placebo_estimates) == len(eligible) < 36


def test_placebo_regions_enumerate_the_eligible_ones_or_draw_distinct_ones():
    pool = [f"GM{i:04d}" for i in range(30)]
    persons = {code: float(i + 1) for i, code in enumerate(pool)}
    # 435 pairs; those within a factor 1.5 of 20 persons are listed, then 50 distinct ones drawn
    regions, enumerated = did.placebo_regions(pool, 2, 50, 1, persons, 20.0, 1.5)
    eligible = [
        list(p)
        for p in itertools.combinations(pool, 2)
        if 20 / 1.5 <= sum(persons[m] for m in p) <= 30
    ]
    assert not enumerated and len(regions) == 50
    assert len({tuple(r) for r in regions}) == 50 and all(r in eligible for r in regions)
    everything, enumerated = did.placebo_regions(pool, 2, 1000, 1, persons, 20.0, 1.5)
    assert enumerated and everything == eligible
    again, _ = did.placebo_regions(pool, 2, 50, 1, persons, 20.0, 1.5)
    assert again == regions


def _brute_force_within(pool, size, persons, low, high):
    combos = np.array(list(itertools.combinations(range(len(pool)), size)))
    sums = np.array([persons[m] for m in pool])[combos].sum(axis=1)
    keep = combos[(sums >= low) & (sums <= high)]
    return sorted(sorted(pool[i] for i in row) for row in keep)


def test_pruned_search_lists_exactly_the_regions_within_the_bounds():
    rng = np.random.default_rng(5)
    pool = [f"GM{i:04d}" for i in range(40)]
    persons = dict(zip(pool, rng.lognormal(9, 0.8, len(pool)).round(), strict=True))
    for size, (low, high) in [(1, (5e3, 2e4)), (3, (2e4, 4e4)), (4, (1.5e5, 3e5)), (3, (0, 1))]:
        listed = did._regions_within(pool, size, persons, (low, high), 10**6)
        assert listed == _brute_force_within(pool, size, persons, low, high)
    assert did._regions_within(pool, 3, persons, (0, 1e12), 100) is None  # too many


def test_a_region_of_unusually_large_municipalities_still_gets_its_placebo_regions():
    """C(200, 3) > ENUMERATE_LIMIT subsets, of which few are as large as the three largest
    municipalities together: random draws alone find almost none, the pruned search all."""
    rng = np.random.default_rng(6)
    pool = [f"GM{i:04d}" for i in range(200)]
    persons = dict(zip(pool, rng.lognormal(9, 0.8, len(pool)).round(), strict=True))
    target = sum(sorted(persons.values())[-3:])
    assert math.comb(len(pool), 3) > did.ENUMERATE_LIMIT
    expected = _brute_force_within(pool, 3, persons, target / 1.5, target * 1.5)
    assert 999 < len(expected) < 200 * len(expected) < math.comb(len(pool), 3)  # rare matches
    sets, enumerated = did.placebo_regions(pool, 3, 2000, 1, persons, target, factor=1.5)
    assert enumerated and sets == expected
    sets, enumerated = did.placebo_regions(pool, 3, 999, 1, persons, target, factor=1.5)
    assert not enumerated and len({tuple(s) for s in sets}) == 999
    assert {tuple(s) for s in sets} <= {tuple(s) for s in expected}


def test_estimate_matches_placebo_regions_on_persons_unless_told_otherwise(cells):
    """One comparison municipality made ten times larger: under the default persons match no
    placebo region containing it is as large as the proeftuin; matched on the number only, all
    36 pairs of the 9 comparison municipalities are used."""
    ref = load_reference()
    pool = sorted(set(cells["gemeente_code"]) - set(ref.municipalities(PROEFTUIN)))
    big = cells.copy()
    grow = big["gemeente_code"] == pool[0]
    big.loc[grow, ["n_persons", "value_sum", "value_sumsq"]] *= 10
    persons = did.estimate(big, PROEFTUIN, "cost_total", "target", inference="ri", ri_reps=999)
    number = did.estimate(
        big,
        PROEFTUIN,
        "cost_total",
        "target",
        inference="ri",
        ri_reps=999,
        ri_match="municipalities",
    )
    assert (persons.ri_match, number.ri_match) == ("persons", "municipalities")
    assert number.ri_placebos == math.comb(len(pool), 2)
    assert persons.ri_placebos == math.comb(len(pool) - 1, 2)  # every pair with pool[0] dropped
