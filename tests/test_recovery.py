"""Ground truth: over fresh synthetic draws the DiD designs recover the injected effects.

The Monte Carlo mean of each estimator must lie within 3 Monte Carlo standard errors of the mean
true estimand recorded in the ground-truth file. CI coverage is measured in benchmarks/recovery.py
(and reported there honestly); here only unbiasedness is asserted.
"""

from __future__ import annotations

import numpy as np
import pytest

from lmp import did, synth

DRAWS = 50
PROEFTUIN = "mijnzorg"


@pytest.fixture(scope="module")
def draws():
    rows = []
    for draw in range(DRAWS):
        cfg = synth.SynthConfig(
            seed=1000 + draw,
            proeftuinen=[PROEFTUIN],
            comparison_municipalities=40,
            outcomes=["cost_total", "avoidable_admission"],
            strength={PROEFTUIN: 1.0},
        )
        data, truth = synth.generate(cfg)
        implied = {(r["outcome"]): r for r in truth["implied"] if r["proeftuin"] == PROEFTUIN}
        for outcome in ["cost_total", "avoidable_admission"]:
            for design in did.DESIGNS:
                result = did.estimate(data, PROEFTUIN, outcome, design)
                rows.append((outcome, design, result.estimate, implied[outcome][design]))
    return rows


@pytest.mark.parametrize("outcome", ["cost_total", "avoidable_admission"])
@pytest.mark.parametrize("design", did.DESIGNS)
def test_injected_effect_is_recovered_without_bias(draws, outcome, design):
    estimates = np.array([e for o, d, e, _ in draws if (o, d) == (outcome, design)])
    truths = np.array([t for o, d, _, t in draws if (o, d) == (outcome, design)])
    assert len(estimates) == DRAWS
    assert abs(truths.mean()) > 0, "the test needs a non-zero effect"
    errors = estimates - truths
    mc_se = errors.std(ddof=1) / np.sqrt(DRAWS)
    assert abs(errors.mean()) < 3 * mc_se, (errors.mean(), mc_se, truths.mean())
