"""Minimum detectable effects and the dilution arithmetic."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lmp import did, power
from lmp.report import sentences
from tests.conftest import PROEFTUIN


def test_placebo_mde_of_normal_errors_is_the_textbook_2_8_standard_errors():
    """Ground truth: with normal errors the exact MDE is (z_0.975 + z_0.8) * sd = 2.80 sd."""
    placebos = np.random.default_rng(0).normal(0.0, 3.0, 19_999)
    expected = (stats.norm.ppf(0.975) + stats.norm.ppf(0.8)) * 3.0
    assert power.mde_placebo(placebos) == pytest.approx(expected, rel=0.03)
    assert power.mde_normal(3.0, 10**9) == pytest.approx(expected, rel=1e-9)


def test_placebo_mde_is_the_exact_power_threshold():
    placebos = np.random.default_rng(1).standard_t(3, 399) * 10 + 1.0
    mde = power.mde_placebo(placebos, alpha=0.05, power=0.8)
    grid = np.linspace(0, 2 * mde, 4001)

    def both_directions(d: float) -> float:
        return min(power.placebo_power(d, placebos), power.placebo_power(-d, placebos))

    first = next(d for d in grid if both_directions(d * (1 + 1e-12)) >= 0.8)
    assert first == pytest.approx(mde, abs=2 * mde / 4000)
    assert both_directions(mde * (1 + 1e-9)) >= 0.8
    assert both_directions(mde * (1 - 1e-3)) < 0.8


def test_critical_value_is_the_randomization_interval_half_width():
    placebos = np.random.default_rng(2).normal(size=99)
    low, high = did.placebo_confidence_interval(5.0, placebos, 0.05)
    assert (high - low) / 2 == pytest.approx(power.placebo_critical_value(placebos, 0.05))
    assert math.isinf(power.mde_placebo(placebos[:10]))  # 10 placebos cannot reject at 5%


def test_estimates_report_both_mdes(cells):
    result = did.estimate(cells, PROEFTUIN, "cost_total", "target", inference="ri")
    assert result.mde_cr1 == pytest.approx(
        (stats.t.ppf(0.975, result.df) + stats.t.ppf(0.8, result.df)) * result.se
    )
    ri = did.randomization_inference(cells, PROEFTUIN, "cost_total", "target")
    assert result.mde_ri == power.mde_placebo(ri.placebo_estimates)
    assert result.sd_ri == pytest.approx(np.std(ri.placebo_estimates, ddof=1))
    assert power.placebo_power(result.mde_ri * (1 + 1e-9), ri.placebo_estimates) >= 0.8


def test_dilution_table_arithmetic():
    rows = []
    for design, estimate, mde in [("target", -100.0, 40.0), ("population", -5.0, 12.0)]:
        rows.append(
            {
                "outcome": "cost_total",
                "design": design,
                "estimate": estimate,
                "mde_ri": mde,
                "mde_cr1": mde / 3,
            }
        )
    rows.append(
        {
            "outcome": "cost_total",
            "design": "triple",
            "estimate": -90.0,
            "mde_ri": 50.0,
            "mde_cr1": 20.0,
        }
    )
    table = power.dilution_table(pd.DataFrame(rows), {"cost_total": 0.1})
    row = table.iloc[0]
    assert row["implied_population_effect"] == pytest.approx(-10.0)
    assert row["nontarget_effect"] == pytest.approx(-10.0)  # target - triple
    assert row["implied_population_effect_with_spillover"] == pytest.approx(-10.0 - 0.9 * 10.0)
    assert row["target_effect_needed"] == pytest.approx(120.0)
    assert not row["implied_visible"]  # |-10| < 12
    text = sentences.dilution_text(row, "EUR")
    assert "10.0%" in text and "would **not**" in text and "€120" in text
    blind = row.copy()
    blind["mde_population_ri"] = blind["target_effect_needed"] = np.inf
    text = sentences.dilution_text(blind, "EUR")
    assert "could **not** see an effect of any size" in text and "€inf" not in text
