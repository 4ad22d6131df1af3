"""Relative-magnitude sensitivity of event studies: linear program, intervals and breakdown Mbar."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lmp import did, sensitivity
from lmp.contract import load_data
from lmp.errors import DesignError, ParameterError
from lmp.report import sentences
from tests.conftest import PROEFTUIN

DATA = "data/synthetic/lmp_synthetic.parquet"


def make_result(
    estimates: dict[int, float],
    vcov: np.ndarray | None = None,
    reference: int = -1,
    n_clusters: int = 21,
    design: str = "target",
) -> did.EventStudyResult:
    """An EventStudyResult built by hand: ``estimates`` maps rel_year -> coefficient."""
    periods = sorted(estimates)
    vcov = np.eye(len(periods)) if vcov is None else vcov
    rows = [
        {
            "rel_year": k,
            "year": 2014 + k,
            "estimate": estimates[k],
            "se": math.sqrt(vcov[j, j]),
            "ci_low": np.nan,
            "ci_high": np.nan,
            "p_value": np.nan,
        }
        for j, k in enumerate(periods)
    ]
    rows.append(
        {
            "rel_year": reference,
            "year": 2014 + reference,
            "estimate": 0.0,
            "se": 0.0,
            "ci_low": 0.0,
            "ci_high": 0.0,
            "p_value": np.nan,
        }
    )
    table = pd.DataFrame(rows).sort_values("rel_year").reset_index(drop=True)
    return did.EventStudyResult(
        proeftuin=PROEFTUIN,
        outcome="cost_total",
        design=design,
        reference_year=reference,
        table=table,
        pretrend_f=np.nan,
        pretrend_df=(0, n_clusters - 1),
        pretrend_p=np.nan,
        n_persons=1000,
        n_clusters=n_clusters,
        vcov=pd.DataFrame(vcov, index=periods, columns=periods),
    )


# Leads -3: 1, -2: 3, reference -1: 0  -> changes 2, -3: the largest pre-period change is 3.
# Post 0, 1, 2 (1, 2, 3 steps after the reference): 10, 12, 14 -> theta_hat = 12, mean(k) = 2.
# Post covariance: 4 on the diagonal, 1 off it -> var(theta_hat) = (3*4 + 6*1) / 9 = 2.
HAND = {-3: 1.0, -2: 3.0, 0: 10.0, 1: 12.0, 2: 14.0}


def hand_vcov() -> np.ndarray:
    vcov = np.eye(5)
    vcov[2:, 2:] = 1.0 + 3.0 * np.eye(3)
    return vcov


@pytest.fixture(scope="module")
def hand() -> did.EventStudyResult:
    return make_result(HAND, hand_vcov())


def test_hand_made_result_matches_numbers_worked_out_by_hand(hand):
    table = sensitivity.relative_magnitude_bounds(hand, mbar_grid=(0, 1, 2), critical_value=2.0)
    se = math.sqrt(2.0)
    assert table.attrs["max_pre_change"] == pytest.approx(3.0)
    assert table.attrs["se"] == pytest.approx(se)
    assert list(table["mbar"]) == [0.0, 1.0, 2.0]
    assert np.allclose(table["theta_hat"], 12.0)
    # M = 3 * Mbar, bias bound = M * mean(1, 2, 3) = 6 * Mbar
    assert np.allclose(table["bias_bound"], [0.0, 6.0, 12.0])
    assert np.allclose(table["id_low"], [12.0, 6.0, 0.0])
    assert np.allclose(table["id_high"], [12.0, 18.0, 24.0])
    assert np.allclose(table["ci_low"], [12 - 2 * se, 6 - 2 * se, -2 * se])
    assert np.allclose(table["ci_high"], [12 + 2 * se, 18 + 2 * se, 24 + 2 * se])
    assert list(table["covers_zero"]) == [False, False, True]
    # zero enters when 12 - 6 * Mbar - 2 * se = 0
    breakdown = sensitivity.breakdown_mbar(hand, critical_value=2.0)
    assert breakdown == pytest.approx((12 - 2 * se) / 6)


def test_single_post_year_target_by_hand(hand):
    table = sensitivity.relative_magnitude_bounds(hand, (0, 1), target=2, critical_value=2.0)
    # relative year 2 is 3 steps after the reference: bias up to 3 * M = 9 at Mbar = 1; se = 2
    assert np.allclose(table["theta_hat"], 14.0)
    assert np.allclose(table["bias_bound"], [0.0, 9.0])
    assert np.allclose(table["ci_low"], [10.0, 1.0])
    assert np.allclose(table["ci_high"], [18.0, 27.0])
    assert sensitivity.breakdown_mbar(hand, target=2, critical_value=2.0) == pytest.approx(10 / 9)


@pytest.mark.parametrize(
    ("estimates", "reference"),
    [
        ({-4: 0.5, -3: -1.0, -2: 2.0, 0: 1.0, 1: -3.0, 2: 0.0, 3: 4.0, 4: 2.0}, -1),
        ({-2: 1.5, 0: 1.0}, -1),
        ({-3: -0.7, -2: 0.2, 0: 5.0, 2: 1.0, 5: 3.0}, -1),  # gaps after the start
        ({-4: 1.0, -3: 2.5, 0: 1.0, 1: 2.0}, -2),  # no year -1: reference -2
    ],
)
def test_linear_program_equals_closed_form(estimates, reference):
    result = make_result(estimates, reference=reference)
    pre = [estimates[k] for k in sorted(estimates) if k < reference] + [0.0]
    largest = np.max(np.abs(np.diff(pre)))
    post = [k for k in sorted(estimates) if k >= 0]
    steps = np.array(post) - reference
    grid = (0, 0.25, 1, 1.7, 3)
    table = sensitivity.relative_magnitude_bounds(result, grid)
    assert np.allclose(table["bias_bound"], np.array(grid) * largest * steps.mean(), atol=1e-9)
    theta = table["theta_hat"].to_numpy()
    assert np.allclose(table["id_high"] - theta, theta - table["id_low"], atol=1e-9)
    for k, step in zip(post, steps, strict=True):
        single = sensitivity.relative_magnitude_bounds(result, grid, target=k)
        assert np.allclose(single["bias_bound"], np.array(grid) * largest * step, atol=1e-9)


@pytest.fixture(scope="module")
def bundled() -> dict[str, did.EventStudyResult]:
    data = load_data(DATA)
    return {
        design: did.event_study(data, PROEFTUIN, "cost_total", design)
        for design in ("population", "target")
    }


@pytest.mark.parametrize("design", ["population", "target"])
def test_mbar_zero_is_the_usual_interval_of_theta_hat(bundled, design):
    result = bundled[design]
    post = [k for k in result.table["rel_year"] if k >= 0]
    a = np.full(len(post), 1 / len(post))
    theta = float(a @ result.table.set_index("rel_year").loc[post, "estimate"].to_numpy())
    se = math.sqrt(a @ result.vcov.loc[post, post].to_numpy() @ a)
    half = stats.t.ppf(0.975, result.n_clusters - 1) * se
    row = sensitivity.relative_magnitude_bounds(result, (0,)).iloc[0]
    assert row["theta_hat"] == pytest.approx(theta, rel=1e-12)
    assert row["id_low"] == row["id_high"] == row["theta_hat"]
    assert row["ci_low"] == pytest.approx(theta - half, rel=1e-10)
    assert row["ci_high"] == pytest.approx(theta + half, rel=1e-10)
    # one post year at Mbar = 0 reproduces the event study's own interval for that year
    table = result.table.set_index("rel_year")
    for k in post:
        single = sensitivity.relative_magnitude_bounds(result, (0,), target=k).iloc[0]
        assert single["ci_low"] == pytest.approx(table.loc[k, "ci_low"], rel=1e-10)
        assert single["ci_high"] == pytest.approx(table.loc[k, "ci_high"], rel=1e-10)


@pytest.mark.parametrize("design", ["population", "target"])
def test_bundled_data_structural_properties(bundled, design):
    result = bundled[design]
    grid = np.linspace(0, 3, 31)
    table = sensitivity.relative_magnitude_bounds(result, grid)
    assert list(table.columns) == sensitivity.COLUMNS
    assert len(table) == len(grid)
    assert table["theta_hat"].nunique() == 1
    assert (table["id_low"] <= table["theta_hat"]).all()
    assert (table["theta_hat"] <= table["id_high"]).all()
    assert (table["ci_low"] < table["id_low"]).all() and (table["id_high"] < table["ci_high"]).all()
    # widening in Mbar: both ends move outward, strictly since the leads are not all zero
    assert table.attrs["max_pre_change"] > 0
    assert (np.diff(table["ci_low"]) < 0).all() and (np.diff(table["ci_high"]) > 0).all()
    assert (np.diff(table["bias_bound"]) > 0).all()
    # once zero is in, it stays in
    covers = table["covers_zero"].to_numpy()
    assert not (covers[:-1] & ~covers[1:]).any()
    breakdown = sensitivity.breakdown_mbar(result)
    assert 0 <= breakdown < math.inf
    assert table.loc[table["mbar"] >= breakdown + 1e-9, "covers_zero"].all()
    assert not table.loc[table["mbar"] < breakdown - 1e-9, "covers_zero"].any()
    text = sentences.sensitivity_text(table, breakdown)
    assert text and "\n" not in text


@pytest.mark.parametrize(
    "estimates",
    [
        {-3: 1.0, -2: 3.0, 0: 10.0, 1: 12.0, 2: 14.0},
        {-3: -0.4, -2: 0.3, 0: -9.0, 1: -7.5, 2: -11.0},  # negative effect
    ],
)
def test_breakdown_matches_the_grid(estimates):
    result = make_result(estimates)
    breakdown = sensitivity.breakdown_mbar(result)
    assert 0 < breakdown < math.inf
    eps = 1e-7 * max(1.0, breakdown)
    near = sensitivity.relative_magnitude_bounds(result, (breakdown - eps, breakdown + eps))
    assert list(near["covers_zero"]) == [False, True]
    grid = np.linspace(0, 2 * breakdown, 40)  # no grid point falls on the breakdown value
    table = sensitivity.relative_magnitude_bounds(result, grid)
    first = table.loc[table["covers_zero"], "mbar"].min()
    assert first == grid[grid >= breakdown].min()
    assert not table.loc[table["mbar"] < first, "covers_zero"].any()


def test_breakdown_is_zero_when_the_interval_already_holds_zero():
    result = make_result({-3: 1.0, -2: 0.5, 0: 0.3, 1: -0.2})
    assert sensitivity.breakdown_mbar(result) == 0.0
    table = sensitivity.relative_magnitude_bounds(result)
    assert table["covers_zero"].all()
    text = sentences.sensitivity_text(table, 0.0)
    assert text.startswith("Already at M̄ = 0")
    assert "95% interval" in text


def test_breakdown_is_infinite_when_the_leads_do_not_move():
    result = make_result({-3: 0.0, -2: 0.0, 0: 10.0, 1: 12.0})
    assert sensitivity.breakdown_mbar(result) == math.inf
    table = sensitivity.relative_magnitude_bounds(result, (0, 10, 100))
    assert not table["covers_zero"].any()
    assert (table["bias_bound"] == 0).all()
    assert "survives any" in sentences.sensitivity_text(table, math.inf)


def test_text_names_the_breakdown_value(hand):
    table = sensitivity.relative_magnitude_bounds(hand)
    breakdown = sensitivity.breakdown_mbar(hand)
    text = sentences.sensitivity_text(table, breakdown)
    assert text.startswith("The conclusion (the average effect over the years from the start on")
    assert f"up to {breakdown:.3g} times the largest pre-period deviation" in text
    single = sensitivity.relative_magnitude_bounds(hand, target=1, critical_value=1.5)
    assert "relative year 1" in sentences.sensitivity_text(single, 1.0)
    assert "robust interval" in sentences.sensitivity_text(single, 1.0)


def test_critical_value_replaces_the_t_quantile(hand):
    theta, se = sensitivity.theta_estimate(hand)
    half = 5.0  # e.g. from randomization inference
    row = sensitivity.relative_magnitude_bounds(hand, (0,), critical_value=half / se).iloc[0]
    assert row["ci_low"] == pytest.approx(theta - half)
    assert row["ci_high"] == pytest.approx(theta + half)


def test_bad_input_is_refused(hand):
    with pytest.raises(ParameterError):
        sensitivity.relative_magnitude_bounds(hand, (-1,))
    with pytest.raises(ParameterError):
        sensitivity.relative_magnitude_bounds(hand, ())
    with pytest.raises(ParameterError):
        sensitivity.relative_magnitude_bounds(hand, target="median")
    with pytest.raises(ParameterError):
        sensitivity.relative_magnitude_bounds(hand, target=-2)
    with pytest.raises(ParameterError):
        sensitivity.relative_magnitude_bounds(hand, alpha=1.5)
    with pytest.raises(ParameterError):
        sensitivity.relative_magnitude_bounds(hand, critical_value=-1)
    no_leads = make_result({0: 1.0, 1: 2.0})
    with pytest.raises(DesignError, match="no year before the reference year"):
        sensitivity.relative_magnitude_bounds(no_leads)
    with pytest.raises(DesignError):
        sensitivity.breakdown_mbar(no_leads)
