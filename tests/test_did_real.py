"""The DiD designs on the real (age-sex) contract against independent fits on the same cells.

The reference is statsmodels WLS with explicit dummies for every fixed effect, weights the cells'
insured-years and the cluster sandwich without statsmodels' own correction, times lmp's CR1 factor
G/(G-1) * (N-1)/(N-K) with N the sum of the weights (README: Inference). Agreement to 1e-8.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from lmp import did
from lmp.contract import load_data
from lmp.errors import CatalogueError, DesignError, ParameterError
from lmp.reference import load_reference

ROOT = Path(__file__).resolve().parent.parent
TOL = 1e-8
PROEFTUIN = "mijnzorg"


@pytest.fixture(scope="module")
def real():
    return load_data(ROOT / "data" / "open" / "vektis_zvw_2011_2018.parquet")


@pytest.fixture(scope="module")
def subset(real):
    """The proeftuin's municipalities and 25 comparison municipalities (fits in memory as dummies)."""
    ref = load_reference()
    pool = ref.comparison_pool()
    keep = set(ref.municipalities(PROEFTUIN)) | set(pool[::13][:25])
    return real.frame[real.frame["gemeente_code"].isin(keep)].reset_index(drop=True)


def _dummies(values: pd.Series, prefix: str, drop_first: bool) -> pd.DataFrame:
    return pd.get_dummies(values.astype(str), prefix=prefix, drop_first=drop_first, dtype=float)


def _wls(cells: pd.DataFrame, x: pd.DataFrame, fixed: pd.DataFrame):
    """WLS of the cell means with full-rank dummies; (coef, CR1 se with lmp's factor, df)."""
    exog = pd.concat([x, fixed], axis=1)
    assert np.linalg.matrix_rank(exog.to_numpy()) == exog.shape[1], "test design must be full rank"
    w = cells["person_years"].to_numpy()
    groups = pd.factorize(cells["gemeente_code"])[0]
    fit = sm.WLS(cells["mean"], exog, weights=w).fit(
        cov_type="cluster", cov_kwds={"groups": groups, "use_correction": False}
    )
    g, n, k = groups.max() + 1, w.sum(), exog.shape[1]
    factor = g / (g - 1) * (n - 1) / (n - k)
    se = np.sqrt(np.diag(fit.cov_params()) * factor)
    return fit.params.iloc[: x.shape[1]].to_numpy(), se[: x.shape[1]], g - 1


def _fixed(cells: pd.DataFrame, design: str) -> pd.DataFrame:
    g, t = cells["gemeente_code"], cells["year"].astype(str)
    if design == "triple":
        return pd.concat(
            [
                _dummies(g + ":" + t, "gt", drop_first=False),
                _dummies(g, "ge", drop_first=False).mul(cells["group"], axis=0),
                _dummies(t, "te", drop_first=True).mul(cells["group"], axis=0),
            ],
            axis=1,
        )
    if "stratum" in cells:
        s = cells["stratum"]
        return pd.concat(
            [
                _dummies(g + ":" + s, "gs", drop_first=False),
                # year x stratum, one year dropped per stratum
                _dummies(t + ":" + s, "ts", drop_first=False).drop(
                    columns=[f"ts_{cells['year'].min()}:{v}" for v in sorted(s.unique())]
                ),
            ],
            axis=1,
        )
    return pd.concat(
        [_dummies(g, "g", drop_first=False), _dummies(t, "t", drop_first=True)], axis=1
    )


@pytest.mark.parametrize(
    "design, options",
    [
        ("population", did.DesignOptions()),
        ("target", did.DesignOptions(target_ages="65+")),
        ("target", did.DesignOptions(target_ages="0-4,75+")),
        ("triple", did.DesignOptions(target_ages="65+")),
        ("population", did.DesignOptions(adjust="agesex")),
        ("target", did.DesignOptions(adjust="agesex", target_ages="75+")),
        ("population", did.DesignOptions(years=(2012, 2017), start_year=2015)),
    ],
)
def test_designs_on_the_real_contract_equal_statsmodels_wls(subset, design, options):
    cells = did.study_cells(subset, PROEFTUIN, "cost_total", design, options=options)
    x = pd.DataFrame({"D": cells["D"] * (cells["group"] if design == "triple" else 1)})
    coef, se, df = _wls(cells, x, _fixed(cells, design))
    result = did.estimate(subset, PROEFTUIN, "cost_total", design, options=options)
    assert result.estimate == pytest.approx(coef[0], rel=TOL, abs=TOL)
    assert result.se == pytest.approx(se[0], rel=TOL)
    assert result.df == df
    assert result.person_years == pytest.approx(cells["person_years"].sum())
    assert result.adjust == options.adjust
    if options.years:
        assert (result.first_year, result.last_year, result.start_year) == (2012, 2017, 2015)


def test_population_design_on_all_municipalities_equals_statsmodels(real):
    cells = did.study_cells(real, PROEFTUIN, "cost_hospital", "population")
    coef, se, _ = _wls(cells, cells[["D"]], _fixed(cells, "population"))
    result = did.estimate(real, PROEFTUIN, "cost_hospital", "population")
    assert result.estimate == pytest.approx(coef[0], rel=TOL)
    assert result.se == pytest.approx(se[0], rel=TOL)
    ref = load_reference()
    others = sum(len(ref.municipalities(s)) for s in ref.proeftuinen["slug"] if s != PROEFTUIN)
    assert result.n_clusters == 355 - others  # the other proeftuinen leave the comparison pool
    # weights are insured-years and the mean is euro per insured-year
    assert result.person_years == pytest.approx(cells["person_years"].sum())
    assert result.n_persons == cells["n_persons"].sum()


def test_event_study_on_age_sex_cells_equals_statsmodels(subset):
    options = did.DesignOptions(adjust="agesex")
    result = did.event_study(subset, PROEFTUIN, "cost_total", "population", options=options)
    cells = did.study_cells(subset, PROEFTUIN, "cost_total", "population", options=options)
    rel = cells["year"] - 2014
    periods = [k for k in sorted(rel.unique()) if k != -1]
    x = pd.DataFrame(
        {f"e{k}": ((rel == k) & (cells["treated"] == 1)).astype(float) for k in periods}
    )
    coef, se, _ = _wls(cells, x, _fixed(cells, "population"))
    table = result.table[result.table["rel_year"] != -1]
    np.testing.assert_allclose(table["estimate"], coef, rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(table["se"], se, rtol=1e-7)


def test_target_ages_on_class_boundaries():
    ref = load_reference()
    assert did.target_age_segments("90+", ref) == ["M_90_plus", "V_90_plus"]
    assert len(did.target_age_segments("65+", ref)) == 12
    assert len(did.target_age_segments("0-19", ref)) == 8
    union = did.target_age_segments("0-4,75+", ref)
    assert union[:1] == ["M_00_04"] and "V_85_89" in union and len(union) == 10
    assert did.target_age_segments("20-64", ref)[0] == "M_20_24"
    for bad, words in [("67+", "67 splits"), ("0-18", "18 splits"), ("old", "not LOW-HIGH")]:
        with pytest.raises(ParameterError, match=words):
            did.target_age_segments(bad, ref)


def test_target_group_defaults_to_the_reference_data(real):
    result = did.estimate(real, "goedleven", "cost_total", "target")
    assert result.target_ages == load_reference().proeftuin("goedleven")["target_ages"]
    assert did.estimate(real, "goedleven", "cost_total", "population").target_ages is None


def test_refusals_on_real_data(real):
    with pytest.raises(DesignError, match="only from 2015.*needs years before it"):
        did.estimate(real, PROEFTUIN, "cost_nursing", "population")
    with pytest.raises(ParameterError, match="age-sex adjustment is for the population and target"):
        did.estimate(
            real, PROEFTUIN, "cost_total", "triple", options=did.DesignOptions(adjust="agesex")
        )
    with pytest.raises(ParameterError, match="unknown adjustment"):
        did.estimate(real, PROEFTUIN, "cost_total", options=did.DesignOptions(adjust="age"))
    with pytest.raises(ParameterError, match="last year is before"):
        did.parse_years("2018-2011")
    assert did.parse_years("2011-2018") == (2011, 2018)


def test_target_ages_need_age_sex_data(cells):
    with pytest.raises(ParameterError, match="target ages need data in sex x age classes"):
        did.estimate(
            cells, "mijnzorg", "cost_total", "target", options=did.DesignOptions(target_ages="65+")
        )


def test_sourced_only_leaves_inferred_members_out_of_both_sides(real):
    ref = load_reference()
    sourced = ref.municipalities(PROEFTUIN, sourced_only=True)
    every = ref.municipalities(PROEFTUIN)
    assert set(sourced) < set(every)
    options = did.DesignOptions(sourced_only=True)
    cells = did.study_cells(real, PROEFTUIN, "cost_total", "population", options=options)
    assert set(cells.loc[cells["treated"] == 1, "gemeente_code"]) == set(sourced)
    assert not set(cells["gemeente_code"]) & (set(every) - set(sourced))


def test_municipalities_formed_after_2020_join_the_comparison_pool_or_are_refused():
    ref = load_reference()
    # Eemsdelta (2021) and Land van Cuijk (2022) were formed from comparison municipalities only
    pool = ref.comparison_pool(["GM1979", "GM1982", "GM0014"])
    assert {"GM1979", "GM1982"} <= set(pool)
    assert "GM1979" not in ref.comparison_pool()
    # a municipality formed from a proeftuin's member would be neither treated nor comparison
    member = ref.municipalities("goedleven")[0]
    changes = dict(ref.ancestors)
    mixed = dataclasses.replace(ref, ancestors={**changes, "GM1999": {member, "GM0014"}})
    with pytest.raises(CatalogueError, match="formed after 2020 from proeftuin member"):
        mixed.comparison_pool(["GM1999"])


def test_the_2022_classification_series_keeps_every_municipality(real):
    series = load_data(ROOT / "data" / "open" / "vektis_zvw_2011_2020.parquet")
    cells = did.study_cells(series, PROEFTUIN, "cost_total", "population")
    ref = load_reference()
    others = {c for s in ref.proeftuinen["slug"] if s != PROEFTUIN for c in ref.municipalities(s)}
    expected = set(series.frame["gemeente_code"]) - others
    assert set(cells["gemeente_code"]) == expected  # merged municipalities are not lost


def test_comparison_within_the_province_and_without_neighbours(real):
    ref = load_reference()
    province = did.study_cells(
        real,
        PROEFTUIN,
        "cost_total",
        "population",
        options=did.DesignOptions(comparison="province"),
    )
    provinces = set(
        ref.gemeenten.set_index("gemeente_code").loc[province["gemeente_code"].unique(), "province"]
    )
    assert provinces == {"Limburg"}
    from lmp.geo import neighbours

    borders = neighbours()
    near = set().union(*(borders[c] for c in ref.municipalities(PROEFTUIN)))
    apart = did.study_cells(
        real,
        PROEFTUIN,
        "cost_total",
        "population",
        options=did.DesignOptions(exclude_neighbours=True),
    )
    kept = set(apart["gemeente_code"])
    assert near - set(ref.municipalities(PROEFTUIN))  # MijnZorg has neighbours outside it
    assert not (kept & (near - set(ref.municipalities(PROEFTUIN))))
    assert borders["GM0935"] == {"GM0938", "GM0994", "GM1903"}  # Maastricht: its Dutch neighbours
    with pytest.raises(DesignError, match="not identified within its province"):
        did.estimate(
            real,
            "de-friesland",
            "cost_total",
            "population",
            options=did.DesignOptions(comparison="province"),
        )
    with pytest.raises(ParameterError, match="unknown comparison"):
        did.estimate(real, PROEFTUIN, "cost_total", options=did.DesignOptions(comparison="coast"))


def test_comparison_within_the_corop_region(real):
    ref = load_reference()
    corop = ref.gemeenten.set_index("gemeente_code")["corop"]
    cells = did.study_cells(
        real, PROEFTUIN, "cost_total", "population", options=did.DesignOptions(comparison="corop")
    )
    comparison = set(cells.loc[cells["treated"] == 0, "gemeente_code"])
    own = {corop[c] for c in ref.municipalities(PROEFTUIN)}
    assert own == {"CR39"}  # MijnZorg (Parkstad) lies in Zuid-Limburg
    assert comparison and {corop[c] for c in comparison} == own
    others = {c for s in ref.proeftuinen["slug"] if s != PROEFTUIN for c in ref.municipalities(s)}
    assert comparison == {c for c in corop.index if corop[c] == "CR39"} - others - set(
        ref.municipalities(PROEFTUIN)
    )


def test_contiguous_placebos_run_through_randomization_inference(real):
    result = did.randomization_inference(
        real, "mijnzorg", "cost_total", "population", reps=49, seed=1, match="contiguous"
    )
    assert result.match == "contiguous" and len(result.placebo_estimates) == 49


def test_a_strong_differential_trend_is_caught_and_the_robust_interval_covers_the_true_zero(real):
    """Item 9 of the honesty issue on real data: a pseudo proeftuin of three neighbouring
    comparison municipalities (true effect 0) given a differential trend of 150 euro a year. The
    RI pre-trend test rejects, the DiD mistakes the trend for an effect, and the M-bar = 1 robust
    interval, which allows the trend to continue, still holds zero. Rates over many regions and
    smaller trends: benchmarks/results/sensitivity_size.md."""
    import dataclasses

    from lmp import sensitivity
    from lmp.power import placebo_p_value

    ref = load_reference()
    base = did.study_cells(real, PROEFTUIN, "cost_total", "population", ref)
    base = base[base["treated"] == 0].reset_index(drop=True)
    from lmp.geo import neighbours

    borders = neighbours()
    region = ["GM0153", *sorted(borders["GM0153"] & set(base["gemeente_code"]))[:2]]
    cells = base.assign(treated=base["gemeente_code"].isin(region).astype(int))
    cells["D"] = cells["treated"] * cells["post"]
    periods = [-3, -2, 0, 1, 2, 3, 4]
    placebos = did.placebo_event_studies(
        cells, "population", 2014, periods, [0, 1], 199, 1, "contiguous"
    )
    placebo_f, coefs = placebos.f_stats, placebos.coefs

    def study_with(slope: float) -> did.EventStudyResult:
        shifted = cells.copy()
        shifted["mean"] += slope * (shifted["year"] - 2014) * shifted["treated"]
        shifted["value_sum"] = shifted["mean"] * shifted["person_years"]
        study = did.event_study(real, PROEFTUIN, "cost_total", "population", cells=shifted)
        return dataclasses.replace(study, placebo_coefs=pd.DataFrame(coefs, columns=periods))

    null, trend = study_with(0.0), study_with(150.0)
    assert placebo_p_value(null.pretrend_f, placebo_f) > 0.05
    assert placebo_p_value(trend.pretrend_f, placebo_f) <= 0.05  # caught
    for study, covered in [(null, (True, True)), (trend, (False, True))]:
        table = sensitivity.relative_magnitude_bounds(
            study, (0.0, 1.0), critical_value=sensitivity.ri_critical_value(study)
        )
        assert tuple(table["covers_zero"]) == covered
