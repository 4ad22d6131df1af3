"""The DiD core against statsmodels OLS on the equivalent individual rows, to 1e-8."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from lmp import did
from lmp.contract import WHOLE_YEAR_COLUMNS
from lmp.errors import DesignError, ParameterError
from lmp.reference import load_reference
from lmp.report import sentences
from tests.conftest import PROEFTUIN, aggregate

TOL = 1e-8


def _individual(persons: pd.DataFrame, design: str) -> pd.DataFrame:
    ref = load_reference()
    treated = set(ref.municipalities(PROEFTUIN))
    targets = set(ref.target_segments(PROEFTUIN))
    start = int(ref.proeftuin(PROEFTUIN)["start_year"])
    frame = persons.assign(
        E=persons["segment"].isin(targets).astype(float),
        D=(persons["gemeente_code"].isin(treated) & (persons["year"] >= start)).astype(float),
    )
    if design == "target":
        frame = frame[frame["E"] == 1]
    return frame.reset_index(drop=True)


def _dummies(values: pd.Series, prefix: str, drop_first: bool) -> pd.DataFrame:
    return pd.get_dummies(values.astype(str), prefix=prefix, drop_first=drop_first, dtype=float)


def _statsmodels(frame: pd.DataFrame, design: str, regressors: list[str]):
    """Full-rank dummy design, clustered by municipality, t with G-1 df (use_t=True)."""
    g, t = frame["gemeente_code"], frame["year"]
    if design == "triple":
        gt = _dummies(g + ":" + t.astype(str), "gt", drop_first=False)
        ge = _dummies(g, "ge", drop_first=False).mul(frame["E"], axis=0)
        te = _dummies(t, "te", drop_first=True).mul(frame["E"], axis=0)
        fixed = pd.concat([gt, ge, te], axis=1)
    else:
        fixed = pd.concat(
            [_dummies(g, "g", drop_first=False), _dummies(t, "t", drop_first=True)], axis=1
        )
    exog = pd.concat([frame[regressors], fixed], axis=1)
    assert np.linalg.matrix_rank(exog.to_numpy()) == exog.shape[1], "test design must be full rank"
    groups = pd.factorize(g)[0]
    return sm.OLS(frame["y"], exog).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)


@pytest.mark.parametrize("design", did.DESIGNS)
def test_estimate_and_cluster_se_equal_statsmodels_on_individual_rows(persons, cells, design):
    frame = _individual(persons, design)
    if design == "triple":
        frame["DE"] = frame["D"] * frame["E"]
        name = "DE"
    else:
        name = "D"
    reference = _statsmodels(frame, design, [name])
    result = did.estimate(cells, PROEFTUIN, "cost_total", design)
    assert result.estimate == pytest.approx(reference.params[name], rel=TOL, abs=TOL)
    assert result.se == pytest.approx(reference.bse[name], rel=TOL, abs=TOL)
    assert result.p_value == pytest.approx(reference.pvalues[name], rel=1e-6, abs=TOL)
    low, high = reference.conf_int().loc[name]
    assert (result.ci_low, result.ci_high) == pytest.approx((low, high), rel=TOL, abs=TOL)
    assert result.n_persons == len(frame)
    assert result.n_clusters == frame["gemeente_code"].nunique()
    assert result.df == result.n_clusters - 1


@pytest.mark.parametrize("design", ["target", "population"])
def test_event_study_equals_statsmodels_on_individual_rows(persons, cells, design):
    frame = _individual(persons, design)
    ref = load_reference()
    start = int(ref.proeftuin(PROEFTUIN)["start_year"])
    treated = frame["gemeente_code"].isin(set(ref.municipalities(PROEFTUIN)))
    rel_years = sorted((frame["year"] - start).unique())
    names = []
    for k in rel_years:
        if k == -1:
            continue
        name = f"k{k}"
        frame[name] = (treated & (frame["year"] - start == k)).astype(float)
        names.append(name)
    reference = _statsmodels(frame, design, names)
    study = did.event_study(cells, PROEFTUIN, "cost_total", design)
    table = study.table.set_index("rel_year")
    for name in names:
        k = int(name[1:])
        assert table.loc[k, "estimate"] == pytest.approx(reference.params[name], rel=TOL, abs=TOL)
        assert table.loc[k, "se"] == pytest.approx(reference.bse[name], rel=TOL, abs=TOL)
    assert table.loc[-1, "estimate"] == 0.0
    leads = [n for n in names if int(n[1:]) < -1]
    restriction = np.zeros((len(leads), len(reference.params)))
    for i, name in enumerate(leads):
        restriction[i, list(reference.params.index).index(name)] = 1.0
    wald = reference.wald_test(restriction, use_f=True, scalar=True)
    assert study.pretrend_f == pytest.approx(float(wald.statistic), rel=1e-7)
    assert study.pretrend_p == pytest.approx(float(wald.pvalue), rel=1e-6)
    assert study.pretrend_df == (len(leads), int(wald.df_denom))


def test_triple_difference_is_difference_of_dids_in_the_two_group_two_period_case():
    """With one treated and one comparison municipality, two years and equal cell sizes,
    DDD = DiD(target) - DiD(non-target) exactly."""
    ref = load_reference()
    treated = ref.municipalities(PROEFTUIN)[0]
    control = ref.comparison_pool()[0]
    targets = set(ref.target_segments(PROEFTUIN))
    rng = np.random.default_rng(3)
    rows = []
    for g in [treated, control]:
        for t in [2013, 2014]:
            for s in ["maternal_child", "healthy"]:
                rows.append((g, t, s, "cost_total", 20, float(rng.uniform(1e4, 3e4)), 0.0))
    cells = pd.DataFrame(rows, columns=WHOLE_YEAR_COLUMNS)
    cells["value_sumsq"] = cells["value_sum"] ** 2 / cells["n_persons"] * 1.5
    mean = cells.set_index(["gemeente_code", "year", "segment"])["value_sum"] / 20

    def did_of(segment):
        return (mean[treated, 2014, segment] - mean[treated, 2013, segment]) - (
            mean[control, 2014, segment] - mean[control, 2013, segment]
        )

    assert "maternal_child" in targets and "healthy" not in targets

    # The cluster SE is undefined with two clusters (did.estimate refuses the design as
    # degenerate); only the point estimates of the fits are compared.
    def point(design):
        study = did.study_cells(cells, PROEFTUIN, "cost_total", design)
        treatment = did._treatment(study, design, study["treated"].to_numpy(float))
        return float(did._fit(study, design, treatment).coef[0])

    with pytest.raises(DesignError, match="degenerate"):
        did.estimate(cells, PROEFTUIN, "cost_total", "triple")
    assert point("target") == pytest.approx(did_of("maternal_child"), rel=1e-10)
    assert point("triple") == pytest.approx(did_of("maternal_child") - did_of("healthy"), rel=1e-10)


def test_unknown_design_and_missing_support_are_refused(cells):
    with pytest.raises(ParameterError, match="unknown design"):
        did.estimate(cells, PROEFTUIN, "cost_total", "quadruple")
    only_treated = cells[cells["gemeente_code"].isin(load_reference().municipalities(PROEFTUIN))]
    with pytest.raises(DesignError, match="no comparison municipality"):
        did.estimate(only_treated, PROEFTUIN, "cost_total", "target")
    with pytest.raises(DesignError, match="no rows for outcome"):
        did.estimate(cells, PROEFTUIN, "good_health", "target")


def test_result_object_reads_like_a_results_api(cells):
    result = did.estimate(cells, PROEFTUIN, "cost_total", "population")
    tidy = result.tidy()
    assert list(tidy[["estimate", "se", "ci_low", "ci_high", "p_value"]].iloc[0]) == [
        result.estimate,
        result.se,
        result.ci_low,
        result.ci_high,
        result.p_value,
    ]
    text = result.summary()
    assert "Whole population" in text and f"{result.estimate:.4f}" in text and "CR1" in text


def test_triple_design_with_incomplete_municipality_years_equals_statsmodels(persons):
    """A municipality-year without non-target persons, and a municipality without any: the pair
    reduction must still give the full model's estimate, SE and degrees of freedom."""
    ref = load_reference()
    targets = set(ref.target_segments(PROEFTUIN))
    comparison = sorted(set(persons["gemeente_code"]) - set(ref.municipalities(PROEFTUIN)))
    nontarget = ~persons["segment"].isin(targets)
    drop = nontarget & (
        ((persons["gemeente_code"] == comparison[0]) & (persons["year"] == 2012))
        | (persons["gemeente_code"] == comparison[1])
    )
    kept = persons[~drop].reset_index(drop=True)
    frame = _individual(kept, "triple")
    frame["DE"] = frame["D"] * frame["E"]
    g, t = frame["gemeente_code"], frame["year"]
    candidates = pd.concat(
        [
            frame[["DE"]],
            _dummies(g + ":" + t.astype(str), "gt", drop_first=False),
            _dummies(g, "ge", drop_first=False).mul(frame["E"], axis=0),
            _dummies(t, "te", drop_first=True).mul(frame["E"], axis=0),
        ],
        axis=1,
    )
    columns, basis = [], np.empty((len(frame), 0))
    for name in candidates:  # a full-rank dummy design: drop columns the others already span
        trial = np.column_stack([basis, candidates[name].to_numpy()])
        if np.linalg.matrix_rank(trial) == trial.shape[1]:
            basis, columns = trial, [*columns, name]
    groups = pd.factorize(g)[0]
    reference = sm.OLS(frame["y"], candidates[columns]).fit(
        cov_type="cluster", cov_kwds={"groups": groups}, use_t=True
    )
    with np.errstate(all="raise"):  # no 0/0 on municipalities without a complete pair
        result = did.estimate(aggregate(kept), PROEFTUIN, "cost_total", "triple")
    assert result.estimate == pytest.approx(reference.params["DE"], rel=TOL, abs=TOL)
    assert result.se == pytest.approx(reference.bse["DE"], rel=TOL, abs=TOL)
    assert result.n_clusters == g.nunique() and result.df == g.nunique() - 1


@pytest.mark.parametrize("design", ["target", "population"])
def test_placebo_pretrend_f_equals_statsmodels_on_relabelled_individual_rows(
    persons, cells, design
):
    """The RI pre-trend test: every placebo F is the CR1 Wald F of a full refit on person rows."""
    study = did.event_study(cells, PROEFTUIN, "cost_total", design, ri_reps=999, seed=4)
    ref = load_reference()
    start = int(ref.proeftuin(PROEFTUIN)["start_year"])
    treated = set(ref.municipalities(PROEFTUIN))
    frame = _individual(persons, design)
    frame = frame[~frame["gemeente_code"].isin(treated)].reset_index(drop=True)
    pool = sorted(frame["gemeente_code"].unique())
    regions, enumerated = did.placebo_regions(pool, len(treated), 999, seed=4)
    assert enumerated and study.pretrend_ri_enumerated
    assert study.pretrend_ri_placebos == len(regions) == math.comb(len(pool), len(treated))
    study_cells = did.study_cells(cells, PROEFTUIN, "cost_total", design, ref)
    rel_years = sorted(study_cells["year"].unique() - start)
    periods = [k for k in rel_years if k != -1]
    leads = [j for j, k in enumerate(periods) if k < -1]
    placebos = did.placebo_event_studies(study_cells, design, start, periods, leads, 999, 4)
    placebo_f = placebos.f_stats
    assert placebos.excluded == 0
    for region, f_stat in list(zip(regions, placebo_f, strict=True))[:4]:
        inside = frame["gemeente_code"].isin(region)
        names = [f"k{k}" for k in periods]
        for name, k in zip(names, periods, strict=True):
            frame[name] = (inside & (frame["year"] - start == k)).astype(float)
        reference = _statsmodels(frame, design, names)
        restriction = np.zeros((len(leads), len(reference.params)))
        for i, j in enumerate(leads):
            restriction[i, list(reference.params.index).index(names[j])] = 1.0
        wald = reference.wald_test(restriction, use_f=True, scalar=True)
        assert f_stat == pytest.approx(float(wald.statistic), rel=1e-7)
    hits = int(np.sum(placebo_f >= study.pretrend_f * (1 - 1e-10)))
    assert study.pretrend_p_ri == pytest.approx((1 + hits) / (1 + len(placebo_f)), rel=1e-12)
    assert "RI) p = " in sentences.pretrend_text(study) and "CR1 p = " in sentences.pretrend_text(
        study
    )


def test_pretrend_placebos_leave_out_comparison_municipalities_missing_a_year(cells):
    ref = load_reference()
    pool = sorted(set(cells["gemeente_code"]) - set(ref.municipalities(PROEFTUIN)))
    gappy = cells[~((cells["gemeente_code"] == pool[0]) & (cells["year"] == 2012))]
    study = did.event_study(gappy, PROEFTUIN, "cost_total", "target", ri_reps=999, seed=1)
    assert study.pretrend_ri_excluded == 1
    assert study.pretrend_ri_enumerated
    assert study.pretrend_ri_placebos == math.comb(len(pool) - 1, 2)
    assert "(1 comparison municipalities missing a year not drawn)" in sentences.pretrend_text(
        study
    )
    drawn = did.event_study(cells, PROEFTUIN, "cost_total", "target", ri_reps=10, seed=1)
    assert not drawn.pretrend_ri_enumerated and drawn.pretrend_ri_placebos == 10
    with pytest.raises(ParameterError, match="ri_reps"):
        did.event_study(cells, PROEFTUIN, "cost_total", "target", ri_reps=-1)


def test_pretrend_placebos_can_match_the_region_on_persons(cells):
    ref = load_reference()
    study = did.event_study(
        cells, PROEFTUIN, "cost_total", "target", ri_reps=999, seed=2, ri_match="persons"
    )
    study_cells = did.study_cells(cells, PROEFTUIN, "cost_total", "target", ref)
    sizes = study_cells.groupby("gemeente_code")["n_persons"].sum()
    treated = ref.municipalities(PROEFTUIN)
    pool = sorted(set(sizes.index) - set(treated))
    regions, enumerated = did.placebo_regions(
        pool, 2, 999, 2, persons=sizes.to_dict(), target_persons=float(sizes[treated].sum())
    )
    assert enumerated and study.pretrend_ri_enumerated
    assert study.pretrend_ri_placebos == len(regions)
    assert "about as many persons" in sentences.pretrend_text(study)
    # a tight match leaves out regions of other sizes
    start = int(ref.proeftuin(PROEFTUIN)["start_year"])
    periods = [k for k in sorted(study_cells["year"].unique() - start) if k != -1]
    leads = [j for j, k in enumerate(periods) if k < -1]
    tight = did.placebo_event_studies(
        study_cells, "target", start, periods, leads, 999, 2, match="persons", factor=1.2
    ).f_stats
    regions, _ = did.placebo_regions(
        pool, 2, 999, 2, sizes.to_dict(), float(sizes[treated].sum()), factor=1.2
    )
    assert 0 < len(tight) == len(regions) < math.comb(len(pool), 2)
    with pytest.raises(ParameterError, match="unknown placebo match"):
        did.event_study(cells, PROEFTUIN, "cost_total", "target", ri_reps=9, ri_match="size")


def test_event_study_result_reads_like_a_results_api(cells):
    study = did.event_study(cells, PROEFTUIN, "cost_total", "target", ri_reps=19, seed=1)
    tidy = study.tidy()
    assert list(tidy.columns[:3]) == ["proeftuin", "outcome", "design"]
    assert len(tidy) == len(study.table) and (tidy["design"] == "target").all()
    text = study.summary()
    assert "Event study (Target group)" in text and "joint pre-trend test: F(" in text
    assert f"RI p = {study.pretrend_p_ri:.4f}" in text
