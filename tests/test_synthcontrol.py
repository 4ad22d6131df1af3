"""Synthetic control: exact recovery on a constructed panel, the optimiser against its KKT
conditions and a second solver, the holdout check and overfit flag, the RMSPE-ratio p-value
against a hand computation, no floating-point noise printed, and behaviour on the bundled
synthetic data."""

from __future__ import annotations

import itertools
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize

from lmp import plots
from lmp import synthcontrol as sc
from lmp.contract import WHOLE_YEAR_COLUMNS, load_data
from lmp.errors import ParameterError
from lmp.reference import load_reference
from lmp.report import sentences
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
    assert result.pre_rmspe == 0.0 and result.exact_pre_fit
    post = result.gaps[result.gaps["post"] == 1]
    np.testing.assert_allclose(post["gap"], EFFECT, atol=1e-6)
    assert result.pre_years == tuple(range(2000, 2014))
    assert result.train_years == tuple(range(2000, 2013)) and result.holdout_years == (2013,)
    assert result.post_years == tuple(range(2014, 2020))
    assert (result.n_donors, result.n_donors_excluded, result.n_treated_municipalities) == (6, 0, 2)
    # 13 training years > 6 donors: the weights are identified and carry over to 2013 exactly.
    assert result.train_rmspe == 0.0 and result.holdout_rmspe == 0.0
    assert not result.overfit and not result.fit_flagged and result.fit_flag_reason == ""
    # An exact pre-period fit leaves the RMSPE ratio undefined: no p-value from dividing by 1e-13.
    assert np.isnan(result.rmspe_ratio) and np.isnan(result.p_value_ratio)
    # 15 pairs of 6 donors: every placebo region is used, each fitted on the other 4 donors.
    assert result.enumerated and result.n_placebos == 15
    assert 1 / 16 <= result.p_value_gap <= 1
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
                "(-670, 2.2 times); across the nine regions the target-design estimates are 0.9 "
                "to 3.6 times the truth (pelgrim +53 for -60; vitaal-vechtdal -159 for 0). The "
                "overfit guard does not change the estimate (it is a check, not a refit) but flags "
                "this fit, like all 18 fits on the bundled data (exact on 2010-2012, misses 2013 "
                "by 250): see test_the_overstated_target_fit_is_flagged_as_overfit",
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
    assert 1 / 31 <= first.p_value_gap <= 1
    assert np.isnan(first.p_value_ratio) if first.exact_pre_fit else 1 / 31 <= first.p_value_ratio
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
    assert list(result.gaps.columns) == [
        "year",
        "post",
        "holdout",
        "treated",
        "synthetic",
        "gap",
        "holdout_synthetic",
    ]
    assert result.gaps["holdout"].sum() == len(result.holdout_years) == sc.HOLDOUT_YEARS
    assert {"holdout_rmspe", "overfit"} <= set(result.placebos.columns)
    assert row.loc[0, "holdout_years"] == str(result.holdout_years[0])


def test_triple_design_and_negative_placebos_are_refused(bundled):
    with pytest.raises(ParameterError, match="population and target"):
        sc.synthetic_control(bundled, PROEFTUIN, "cost_total", "triple")
    with pytest.raises(ParameterError, match="placebos"):
        sc.synthetic_control(bundled, PROEFTUIN, "cost_total", "target", placebos=-1)
    with pytest.raises(ParameterError, match="holdout"):
        sc.synthetic_control(bundled, PROEFTUIN, "cost_total", "target", holdout=0)


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
def test_placebo_gaps_are_centred_with_the_nearest_donors(bundled, slug):
    """Placebo regions carry no effect, so their average gap should be near zero: within half a
    spread, the threshold at which the report warns. (On the earlier synthetic data, with
    segment-specific trends, fits over every donor leaned on a few extreme donors and were not
    centred; the nearest-donor rule was the fix. The data no longer have such donors.)"""
    centred = sc.synthetic_control(bundled, slug, "cost_total", "target", seed=20130)
    gaps = centred.placebos["estimate"]
    assert abs(gaps.mean()) <= 0.5 * gaps.std(ddof=1)


# --- The holdout check, the overfit flag and the RMSPE ratio --------------------------------


def _frame(donor_paths: np.ndarray, region: np.ndarray, years: list[int]) -> pd.DataFrame:
    """Contract rows: one segment per municipality-year. Donor ``j`` (the j-th municipality of
    the comparison pool) has ``DONOR_PERSONS[j]`` persons and mean ``donor_paths[:, j]``; the
    region's two municipalities differ in size and level so that only their person-weighted mean
    is ``region``."""
    ref = load_reference()
    treated = ref.municipalities(PROEFTUIN)
    donors = ref.comparison_pool()[: donor_paths.shape[1]]
    rows = []
    for t, year in enumerate(years):
        for j, code in enumerate(donors):
            rows += _rows(code, year, [("healthy", _donor_persons(j), donor_paths[t, j])])
        rows += _rows(treated[0], year, [("healthy", 300, region[t] + 10.0)])
        rows += _rows(treated[1], year, [("healthy", 500, region[t] - 6.0)])
    return pd.DataFrame(rows)[WHOLE_YEAR_COLUMNS]


def _donor_persons(j: int) -> int:
    return 100 + 37 * j


def _exact_fit_of_noise() -> pd.DataFrame:
    """Four pre-period years (2010-2013) and 30 donors whose yearly means are independent noise:
    before the start the region is exactly a convex combination of eight donors, after it pure
    noise. Any 20 donors can match four years, so the fit is exact and means nothing."""
    rng = np.random.default_rng(3)
    years = list(range(2010, 2017))
    paths = 3000 + rng.normal(0, 80, (len(years), 30))
    weights = np.zeros(30)
    weights[:8] = rng.dirichlet(np.ones(8))
    post = np.array(years) >= 2014
    region = np.where(post, 3000 + rng.normal(0, 80, len(years)), paths @ weights)
    return _frame(paths, region, years)


def test_an_exact_fit_of_noise_is_flagged_as_overfit_and_its_p_is_not_evidence():
    frame = _exact_fit_of_noise()
    result = sc.synthetic_control(frame, PROEFTUIN, "cost_total", "population", placebos=30)
    assert result.exact_pre_fit and result.pre_rmspe == 0.0
    assert result.train_years == (2010, 2011, 2012) and result.holdout_years == (2013,)
    # Fitted on 2010-2012 the weights are exact there again, and miss 2013 by a real amount.
    assert result.train_rmspe == 0.0 and result.holdout_rmspe > 10.0
    assert result.overfit and result.fit_flagged
    assert result.fit_flag_reason == "overfit"
    assert "2013" in sentences.flag_reason_text(result)
    assert np.isnan(result.rmspe_ratio) and np.isnan(result.p_value_ratio)
    assert "NOT evidence" in result.summary() and "not evidence" in sentences.fit_text(result)
    # The placebo regions are fitted the same way and nearly all overfit by the same rule; an
    # exact placebo fit has an infinite RMSPE ratio (it counts against the region's, never for).
    assert result.n_placebos_overfit > 0.8 * result.n_placebos
    exact = result.placebos["exact_pre_fit"]
    assert exact.any() and np.isinf(result.placebos.loc[exact, "rmspe_ratio"]).all()


def test_without_a_year_to_fit_on_the_fit_is_flagged_as_not_checked():
    frame = _exact_fit_of_noise()
    result = sc.synthetic_control(frame, PROEFTUIN, "cost_total", "population", 5, holdout=4)
    assert result.train_years == () and result.holdout_years == ()
    assert np.isnan(result.holdout_rmspe) and not result.overfit
    assert result.fit_flagged and result.fit_flag_reason == "not checked"
    assert result.gaps["holdout_synthetic"].isna().all()
    assert result.tidy().loc[0, "holdout_years"] == "none"


def _simplex_by_enumeration(donors: np.ndarray, treated: np.ndarray) -> np.ndarray:
    """The simplex least-squares weights by brute force: the optimum lies inside one face of the
    simplex, where it is the least-squares solution under ``sum(w) = 1`` alone (a KKT system);
    try every face and keep the best solution with no negative weight."""
    n = donors.shape[1]
    best, best_loss = None, np.inf
    for size in range(1, n + 1):
        for face in itertools.combinations(range(n), size):
            d = donors[:, face]
            kkt = np.block(
                [[2 * d.T @ d, np.ones((size, 1))], [np.ones((1, size)), np.zeros((1, 1))]]
            )
            solution = np.linalg.solve(kkt, np.append(2 * d.T @ treated, 1.0))[:size]
            if (solution >= -1e-12).all():
                loss = np.sum((d @ solution - treated) ** 2)
                if loss < best_loss:
                    best, best_loss = np.zeros(n), loss
                    best[list(face)] = solution
    return best


def _by_hand(treated: np.ndarray, donors: np.ndarray, post: np.ndarray) -> dict:
    """Estimate, RMSPEs and ratio of one fit, from the brute-force weights."""
    gap = treated - donors @ _simplex_by_enumeration(donors[~post], treated[~post])
    pre, after = np.sqrt(np.mean(gap[~post] ** 2)), np.sqrt(np.mean(gap[post] ** 2))
    return {"estimate": gap[post].mean(), "pre": pre, "post": after, "ratio": after / pre}


def test_a_good_fit_is_not_flagged_and_its_p_values_match_a_hand_computation():
    """Four donors (random walks), ten pre-period years: the region is 0.6/0.4 of the first two
    plus noise, and 40 more from the start. Six placebo regions (every pair of donors), each
    fitted on the other two. Seed 2 puts the region's RMSPE ratio between the placebos'."""
    rng = np.random.default_rng(2)
    years = list(range(2004, 2017))
    post = np.array(years) >= 2014
    paths = 3000 + np.cumsum(rng.normal(0, 80, (len(years), 4)), axis=0)
    region = paths @ [0.6, 0.4, 0.0, 0.0] + rng.normal(0, 25, len(years)) + 40.0 * post
    result = sc.synthetic_control(
        _frame(paths, region, years), PROEFTUIN, "cost_total", "population", placebos=100
    )
    actual = _by_hand(region, paths, post)
    placebos = []
    for pair in itertools.combinations(range(4), 2):
        persons = np.array([_donor_persons(j) for j in pair])
        path = paths[:, pair] @ persons / persons.sum()
        others = [j for j in range(4) if j not in pair]
        placebos.append(_by_hand(path, paths[:, others], post))
    ratios = np.array([p["ratio"] for p in placebos])
    gaps = np.abs([p["estimate"] for p in placebos])
    assert result.enumerated and result.n_placebos == 6
    assert result.estimate == pytest.approx(actual["estimate"], rel=1e-9)
    assert result.pre_rmspe == pytest.approx(actual["pre"], rel=1e-9)
    assert result.rmspe_ratio == pytest.approx(actual["ratio"], rel=1e-9)
    np.testing.assert_allclose(np.sort(result.placebos["rmspe_ratio"]), np.sort(ratios), rtol=1e-9)
    assert 0 < np.sum(ratios >= actual["ratio"]) < 6  # the region ranks between the placebos
    assert result.p_value_ratio == pytest.approx((1 + np.sum(ratios >= actual["ratio"])) / 7)
    assert result.p_value_gap == pytest.approx((1 + np.sum(gaps >= abs(actual["estimate"]))) / 7)
    # The holdout check by hand: weights on 2004-2012, the miss in 2013.
    train = ~post & (np.array(years) < 2013)
    early = paths @ _simplex_by_enumeration(paths[train], region[train])
    assert result.train_rmspe == pytest.approx(np.sqrt(np.mean((region - early)[train] ** 2)))
    assert result.holdout_rmspe == pytest.approx(abs(region - early)[years.index(2013)])
    assert not result.exact_pre_fit and not result.overfit and not result.fit_flagged
    assert "NOT evidence" not in result.summary() and "can be read" in sentences.fit_text(result)


def test_an_exact_fit_prints_no_floating_point_noise():
    """The recovery panel's pre-period gaps are about 1e-13: they are stored and printed as 0."""
    frame, _ = _constructed_panel()
    result = sc.synthetic_control(frame, PROEFTUIN, "cost_total", "population", placebos=15)
    assert result.pre_rmspe == 0.0 and (result.gaps.loc[result.gaps["post"] == 0, "gap"] == 0).all()
    text = result.summary() + "\n" + sentences.fit_text(result) + "\n" + repr(result)
    assert "exact fit" in result.summary()
    tiny = [m for m in re.findall(r"\d(?:\.\d+)?e-(\d+)", text, flags=re.I) if int(m) >= 9]
    assert tiny == [], text
    numbers = result.tidy().select_dtypes("number").to_numpy(float).ravel()
    numbers = numbers[np.isfinite(numbers) & (numbers != 0)]
    assert (np.abs(numbers) >= result.rmspe_tolerance).all()


def test_number_helpers_rules_and_masks():
    assert sc.at_zero(2.6e-13, 1e-6) == 0.0 and sc.at_zero(-3.0, 1e-6) == -3.0
    np.testing.assert_array_equal(sc.at_zero(np.array([1e-13, 5.0, np.nan]), 1e-6), [0, 5, np.nan])
    assert sc.rmspe_ratio(10.0, 2.0) == 5.0
    assert sc.rmspe_ratio(10.0, 0.0) == np.inf and np.isnan(sc.rmspe_ratio(0.0, 0.0))
    # The overfit rule: holdout above 3 times the in-sample RMSPE (at least the tolerance).
    assert not sc.overfit(10.0, 30.0, 1e-6) and sc.overfit(10.0, 30.1, 1e-6)
    assert sc.overfit(0.0, 1e-3, 1e-6) and not sc.overfit(0.0, 0.0, 1e-6)
    assert not sc.overfit(0.0, np.nan, 1e-6)
    post = np.array([False] * 4 + [True] * 3)
    assert sc.holdout_mask(post, 1).tolist() == [False] * 3 + [True] + [False] * 3
    assert sc.holdout_mask(post, 2).tolist() == [False] * 2 + [True] * 2 + [False] * 3
    assert not sc.holdout_mask(post, 4).any()
    assert sc.fixed(0.0) == "0" and sc.fixed(249.829806) == "249.8" and sc.fixed(np.nan) == "n/a"
    assert sc.fixed(1.234e-7) == "0.0000001234" and sc.fixed(-12345.6) == "-12,346"
    assert sc.span((2010, 2011, 2012)) == "2010-2012" and sc.span((2013,)) == "2013"


def test_the_overstated_target_fit_is_flagged_as_overfit(bundled):
    """The fit behind the xfail above: exact on the pre-period, but fitted on 2010-2012 it misses
    2013 by about 250 euro, so its placebo p is not presented as evidence."""
    slug = "gezonde-zorg-gezonde-regio"
    result = sc.synthetic_control(bundled, slug, "cost_total", "target", placebos=20, seed=0)
    assert result.exact_pre_fit and result.pre_rmspe == 0.0 and np.isnan(result.p_value_ratio)
    assert result.overfit and result.fit_flagged and result.holdout_rmspe > 100
    assert result.holdout_years == (2013,) and "NOT evidence" in result.summary()


def test_fit_figure_shows_the_paths_shades_the_holdout_and_labels_synthetic_data():
    frame = _exact_fit_of_noise()
    checked = sc.synthetic_control(frame, PROEFTUIN, "cost_total", "population", placebos=5)
    unchecked = sc.synthetic_control(frame, PROEFTUIN, "cost_total", "population", 5, holdout=4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plots.synthcontrol_fit_figure(checked, "t", "euro", synthetic=True)
        bare = plots.synthcontrol_fit_figure(unchecked, "t", "euro", synthetic=False)
        fig.canvas.draw()
        bare.canvas.draw()
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert "proeftuin" in labels and "synthetic control" in labels
    assert any(label.startswith("fitted on 2010-2012") for label in labels)
    spans = [p for p in ax.patches if p.get_label() == "held out: 2013"]
    assert len(spans) == 1 and spans[0].get_x() == pytest.approx(2012.5)
    texts = [t.get_text() for t in fig.texts] + [ax.get_title()]
    assert any("SYNTHETIC DATA" in t for t in texts) and any("overfit" in t for t in texts)
    assert not any("SYNTHETIC DATA" in t.get_text() for t in bare.texts)
    assert not [p for p in bare.axes[0].patches if p.get_label().startswith("held out")]
