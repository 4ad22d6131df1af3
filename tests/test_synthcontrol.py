"""Synthetic control: exact recovery on a constructed panel, the optimiser against its KKT
conditions and a second solver, and behaviour on the bundled synthetic data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize

from lmp import synthcontrol as sc
from lmp.contract import WHOLE_YEAR_COLUMNS, load_data
from lmp.errors import ParameterError
from lmp.reference import load_reference
from tests.conftest import PROEFTUIN

DATA = Path(__file__).resolve().parents[1] / "data" / "synthetic" / "lmp_synthetic.parquet"
TRUE_WEIGHTS = np.array([0.5, 0.3, 0.2, 0.0, 0.0, 0.0])
EFFECT = 25.0
YEARS = range(2000, 2020)  # 14 pre-period years (start 2014) > 6 donors: the weights are unique


def _rows(code: str, year: int, parts: list[tuple[str, int, float]]) -> list[dict]:
    """Contract rows of one municipality-year: (segment, persons, mean) per part."""
    return [
        {
            "gemeente_code": code,
            "year": year,
            "segment": segment,
            "outcome": "cost_total",
            "n_persons": n,
            "value_sum": n * mean,
            "value_sumsq": n * mean**2,
        }
        for segment, n, mean in parts
    ]


def _constructed_panel() -> tuple[pd.DataFrame, list[str]]:
    """Six donors with random paths; the region is 0.5/0.3/0.2 of the first three before the
    start and that plus EFFECT from it on.

    Each donor's yearly mean is split over two segments of different sizes, and the region over
    its two municipalities with different sizes, so only person-weighted means give the paths.
    """
    rng = np.random.default_rng(7)
    ref = load_reference()
    treated = ref.municipalities(PROEFTUIN)
    donors = ref.comparison_pool()[:6]
    years = list(YEARS)
    paths = 3000 + np.cumsum(rng.normal(0, 80, (len(years), len(donors))), axis=0)
    region = paths @ TRUE_WEIGHTS + EFFECT * (np.array(years) >= 2014)
    rows = []
    for t, year in enumerate(years):
        for j, code in enumerate(donors):
            n1, n2, a = 40 + j, 90 + 2 * j, 150.0 + t
            rows += _rows(code, year, [("healthy", n1, paths[t, j] + a)])
            rows += _rows(code, year, [("chronic", n2, paths[t, j] - a * n1 / n2)])
        n_a, n_b, b = 300, 500, 60.0 - t
        rows += _rows(treated[0], year, [("healthy", n_a, region[t] + b)])
        rows += _rows(treated[1], year, [("healthy", n_b, region[t] - b * n_a / n_b)])
    return pd.DataFrame(rows)[WHOLE_YEAR_COLUMNS], donors


def test_constructed_convex_combination_recovers_weights_and_effect():
    frame, donors = _constructed_panel()
    result = sc.synthetic_control(frame, PROEFTUIN, "cost_total", "population", placebos=100)
    weights = dict(zip(result.weights["gemeente_code"], result.weights["weight"], strict=True))
    recovered = np.array([weights.get(code, 0.0) for code in donors])
    np.testing.assert_allclose(recovered, TRUE_WEIGHTS, atol=1e-6)
    assert result.estimate == pytest.approx(EFFECT, abs=1e-6)
    assert result.pre_rmspe < 1e-6 and result.exact_pre_fit
    post = result.gaps[result.gaps["post"] == 1]
    np.testing.assert_allclose(post["gap"], EFFECT, atol=1e-6)
    assert result.pre_years == tuple(range(2000, 2014))
    assert result.post_years == tuple(range(2014, 2020))
    assert (result.n_donors, result.n_donors_excluded, result.n_treated_municipalities) == (6, 0, 2)
    # 15 pairs of 6 donors: every placebo region is used, each fitted on the other 4 donors.
    assert result.enumerated and result.n_placebos == 15
    assert 1 / 16 <= result.p_value_gap <= 1 and 1 / 16 <= result.p_value_ratio <= 1
    expected = (1 + np.sum(result.placebos["estimate"].abs() >= abs(result.estimate))) / 16
    assert result.p_value_gap == pytest.approx(expected)


def test_donor_missing_a_year_is_left_out_and_counted():
    frame, donors = _constructed_panel()
    gone = (frame["gemeente_code"] == donors[-1]) & (frame["year"] == 2005)
    result = sc.synthetic_control(frame[~gone], PROEFTUIN, "cost_total", "population")
    assert (result.n_donors, result.n_donors_excluded) == (5, 1)
    assert donors[-1] not in set(result.weights["gemeente_code"])
    assert result.estimate == pytest.approx(EFFECT, abs=1e-6)  # its true weight was zero


def _problems():
    """Random donor matrices: fewer and more donors than pre-period years, region in or outside
    the donors' hull."""
    rng = np.random.default_rng(11)
    for n_years, n_donors, outside in [
        (4, 40, False),
        (4, 40, True),
        (12, 5, True),
        (6, 120, False),
    ]:
        donors = rng.normal(0, 1, (n_years, n_donors)) * 50 + 1000
        w = rng.dirichlet(np.ones(n_donors))
        # Outside: above every donor in the first year, so no convex combination fits exactly.
        shift = np.where(np.arange(n_years) == 0, np.ptp(donors) + 10.0, rng.normal(0, 60, n_years))
        treated = donors @ w + (shift if outside else 0.0)
        yield donors, treated


@pytest.mark.parametrize("case", range(4))
def test_weights_satisfy_the_kkt_conditions(case):
    donors, treated = list(_problems())[case]
    w = sc.simplex_weights(donors, treated)
    assert (w >= 0).all() and w.sum() == pytest.approx(1.0, abs=1e-12)
    # Stationarity of 0.5 ||D w - y||^2 on the simplex: the gradient is smallest, and equal,
    # on the donors with positive weight; no donor outside the support can lower the objective.
    grad = donors.T @ (donors @ w - treated)
    tol = 1e-9 * np.abs(donors).max() ** 2
    support = w > 1e-9
    assert np.ptp(grad[support]) <= tol
    assert grad.min() >= grad[support].max() - tol
    if case in (1, 2):  # the region lies outside the hull: the fit is not exact
        assert np.linalg.norm(donors @ w - treated) > 1.0


@pytest.mark.parametrize("case", range(4))
def test_weights_match_slsqp(case):
    donors, treated = list(_problems())[case]
    w = sc.simplex_weights(donors, treated)
    mean, spread = donors.mean(), donors.std()
    d, y = (donors - mean) / spread, (treated - mean) / spread  # SLSQP needs a tame scale

    def loss(x):
        return 0.5 * np.sum((d @ x - y) ** 2)

    n = donors.shape[1]
    other = minimize(
        loss,
        np.full(n, 1 / n),
        jac=lambda x: d.T @ (d @ x - y),
        method="SLSQP",
        bounds=[(0, 1)] * n,
        constraints=[{"type": "eq", "fun": lambda x: x.sum() - 1, "jac": lambda x: np.ones(n)}],
        options={"ftol": 1e-12, "maxiter": 1000},
    )
    assert other.success
    assert loss(w) <= loss(other.x) + 1e-9
    if donors.shape[0] > donors.shape[1]:  # full column rank: the solution is unique
        np.testing.assert_allclose(w, other.x, atol=1e-6)


@pytest.fixture(scope="module")
def bundled():
    return load_data(DATA)


@pytest.mark.parametrize(
    "design",
    [
        "population",
        pytest.param(
            "target",
            marks=pytest.mark.xfail(
                strict=True,
                reason="known defect (open issue on synthetic-control honesty): with the nine real "
                "regions the target-design synthetic control overstates this region's -300 effect "
                "(-670); the target-design estimates are 1.3-2.2 times the truth for every region",
            ),
        ),
    ],
)
def test_large_injected_effect_is_recovered_in_sign_and_size(bundled, design):
    # The proeftuin with the largest injected effect (target group -300 euro a year).
    slug = "gezonde-zorg-gezonde-regio"
    truth = next(
        row[design]
        for row in bundled.truth["implied"]
        if row["proeftuin"] == slug and row["outcome"] == "cost_total"
    )
    result = sc.synthetic_control(bundled, slug, "cost_total", design, placebos=100, seed=0)
    assert truth < 0 and result.estimate < 0
    assert 0.5 * abs(truth) < abs(result.estimate) < 2 * abs(truth)
    assert result.p_value_gap <= 0.05


def test_placebo_inference_is_seeded_and_bounded(bundled):
    first = sc.synthetic_control(bundled, PROEFTUIN, "cost_total", "target", placebos=30, seed=5)
    again = sc.synthetic_control(bundled, PROEFTUIN, "cost_total", "target", placebos=30, seed=5)
    other = sc.synthetic_control(bundled, PROEFTUIN, "cost_total", "target", placebos=30, seed=6)
    assert not first.enumerated and first.n_placebos == 30
    pd.testing.assert_frame_equal(first.placebos, again.placebos)
    pd.testing.assert_frame_equal(first.weights, again.weights)
    assert first.placebos["municipalities"].tolist() != other.placebos["municipalities"].tolist()
    assert first.estimate == other.estimate  # the estimate does not depend on the placebos
    for p in [first.p_value_ratio, first.p_value_gap]:
        assert 1 / 31 <= p <= 1
    assert first.weights["weight"].sum() == pytest.approx(1.0)
    assert (first.weights["weight"] > 0).all()
    treated = set(load_reference().municipalities(PROEFTUIN))
    assert not treated & set(first.weights["gemeente_code"])
    placebo_members = {g for s in first.placebos["municipalities"] for g in s.split(";")}
    assert not treated & placebo_members


def test_result_object(bundled):
    result = sc.synthetic_control(bundled, PROEFTUIN, "good_health", "population", placebos=10)
    row = result.tidy()
    assert len(row) == 1 and {"estimate", "p_value_ratio", "p_value_gap"} <= set(row.columns)
    assert "weights" not in result.to_dict()
    assert len(result.top_weights(3)) <= 3
    assert "Synthetic control" in result.summary()
    assert list(result.gaps.columns) == ["year", "post", "treated", "synthetic", "gap"]


def test_triple_design_and_negative_placebos_are_refused(bundled):
    with pytest.raises(ParameterError, match="population and target"):
        sc.synthetic_control(bundled, PROEFTUIN, "cost_total", "triple")
    with pytest.raises(ParameterError, match="placebos"):
        sc.synthetic_control(bundled, PROEFTUIN, "cost_total", "target", placebos=-1)


def test_nearest_donors_are_the_closest_pre_period_paths():
    donors = np.array([[10.0, 0.0, 5.0, 9.0, 1.0], [10.0, 0.0, 5.0, 11.0, 1.0]])
    treated = np.array([10.0, 10.0])
    # RMS distances 0, 10, 5, 1, 9: the two nearest are columns 0 and 3, returned in column order
    assert sc.nearest_donors(donors, treated, 2).tolist() == [0, 3]
    assert sc.nearest_donors(donors, treated, 4).tolist() == [0, 2, 3, 4]
    assert sc.nearest_donors(donors, treated, None).tolist() == [0, 1, 2, 3, 4]
    assert sc.nearest_donors(donors, treated, 9).tolist() == [0, 1, 2, 3, 4]


def test_only_the_nearest_donors_get_weight(bundled):
    result = sc.synthetic_control(bundled, PROEFTUIN, "cost_total", "target", placebos=0)
    assert result.n_donors_per_fit == sc.NEAREST_DONORS < result.n_donors
    panel = sc._panel(sc.did.study_cells(bundled, PROEFTUIN, "cost_total", "target"))
    pre = ~panel.post
    donors = panel.means(panel.donors)
    nearest = sc.nearest_donors(donors[pre], panel.path(panel.treated)[pre], sc.NEAREST_DONORS)
    allowed = {panel.donors[i] for i in nearest}
    assert set(result.weights["gemeente_code"]) <= allowed
    with pytest.raises(ParameterError, match="nearest"):
        sc.synthetic_control(bundled, PROEFTUIN, "cost_total", "target", nearest=0)


@pytest.mark.parametrize("slug", ["mijnzorg", "goedleven", "blauwe-zorg"])
def test_placebo_gaps_are_centred_with_the_nearest_donors_and_not_with_all(bundled, slug):
    """Placebo regions carry no effect, so their average gap should be near zero. With every
    donor it was not on the bundled data (a few extreme donors weighted in every fit); with the
    nearest donors it is within half a spread, the threshold at which the report warns."""
    centred = sc.synthetic_control(bundled, slug, "cost_total", "target", seed=20130)
    shifted = sc.synthetic_control(bundled, slug, "cost_total", "target", seed=20130, nearest=None)
    for result, ok in [(centred, True), (shifted, False)]:
        gaps = result.placebos["estimate"]
        assert bool(abs(gaps.mean()) <= 0.5 * gaps.std(ddof=1)) == ok
