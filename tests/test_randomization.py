"""Randomization inference: the permutation p-value equals a brute-force enumeration."""

from __future__ import annotations

import itertools

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
