"""Random-effects meta-analysis against the published BCG vaccine example and closed forms.

Data: the 13 BCG vaccine trials of Colditz et al. (1994, JAMA 271:698-702), as in metafor's
``dat.bcg`` (tpos, tneg, cpos, cneg). Effect size: log risk ratio, ``yi`` and ``vi`` as metafor's
``escalc(measure="RR")``. Published results of metafor's ``rma()`` on these data (Viechtbauer 2010,
J Stat Softw 36(3); the fixed-effect and DerSimonian-Laird numbers are also checked against Stata's
``metan`` in metafor's test suite, tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r)::

    fixed effect  estimate -0.4303, CI [-0.5097, -0.3509], Q(12) = 152.2330
    DL            tau2 0.3088, estimate -0.7141, SE 0.1787, CI [-1.0644, -0.3638], I2 92.12%
    REML          tau2 0.3132, estimate -0.7145, SE 0.1798, CI [-1.0669, -0.3622]

They are printed to four decimals, so they are asserted to half a unit in the fourth decimal;
the closed forms written out below are asserted to 1e-10.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from lmp import meta
from lmp.errors import ParameterError

BCG = np.array(
    [  # tpos, tneg, cpos, cneg
        (4, 119, 11, 128),
        (6, 300, 29, 274),
        (3, 228, 11, 209),
        (62, 13536, 248, 12619),
        (33, 5036, 47, 5761),
        (180, 1361, 372, 1079),
        (8, 2537, 10, 619),
        (505, 87886, 499, 87892),
        (29, 7470, 45, 7232),
        (17, 1699, 65, 1600),
        (186, 50448, 141, 27197),
        (5, 2493, 3, 2338),
        (27, 16886, 29, 17825),
    ],
    dtype=float,
)
PRINTED = 0.5e-4  # half a unit in the fourth decimal
TIGHT = 1e-10


def _bcg() -> tuple[np.ndarray, np.ndarray]:
    """Log risk ratio and its large-sample variance (escalc measure 'RR')."""
    tpos, tneg, cpos, cneg = BCG.T
    yi = np.log(tpos / (tpos + tneg)) - np.log(cpos / (cpos + cneg))
    vi = 1 / tpos - 1 / (tpos + tneg) + 1 / cpos - 1 / (cpos + cneg)
    return yi, vi


def test_effect_sizes_match_escalc():
    yi, vi = _bcg()
    # metafor: escalc(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg), rows 1-2
    assert yi[:2] == pytest.approx([-0.8893, -1.5854], abs=PRINTED)
    assert vi[:2] == pytest.approx([0.3256, 0.1946], abs=PRINTED)


def test_dersimonian_laird_reproduces_published_bcg_results():
    yi, vi = _bcg()
    res = meta.combine(yi, np.sqrt(vi), method="dl")
    assert res.k == 13 and res.q_df == 12
    assert res.tau2 == pytest.approx(0.3088, abs=PRINTED)
    assert res.estimate == pytest.approx(-0.7141, abs=PRINTED)
    assert res.se == pytest.approx(0.1787, abs=PRINTED)
    assert (res.ci_low, res.ci_high) == pytest.approx((-1.0644, -0.3638), abs=PRINTED)
    assert res.estimate / res.se == pytest.approx(-3.9952, abs=PRINTED)
    assert res.i2 == pytest.approx(92.1173, abs=PRINTED)
    assert res.q == pytest.approx(152.2330, abs=PRINTED)
    assert res.fixed_estimate == pytest.approx(-0.4303, abs=PRINTED)
    assert (res.fixed_ci_low, res.fixed_ci_high) == pytest.approx((-0.5097, -0.3509), abs=PRINTED)


def test_reml_reproduces_published_bcg_results():
    yi, vi = _bcg()
    res = meta.combine(yi, np.sqrt(vi), method="reml")
    assert res.tau2 == pytest.approx(0.3132, abs=PRINTED)
    assert res.estimate == pytest.approx(-0.7145, abs=PRINTED)
    assert res.se == pytest.approx(0.1798, abs=PRINTED)
    assert (res.ci_low, res.ci_high) == pytest.approx((-1.0669, -0.3622), abs=PRINTED)


def test_dersimonian_laird_equals_the_closed_form():
    yi, vi = _bcg()
    k = len(yi)
    w = 1 / vi
    mu_fe = np.sum(w * yi) / np.sum(w)
    q = np.sum(w * (yi - mu_fe) ** 2)
    tau2 = max(0.0, (q - (k - 1)) / (np.sum(w) - np.sum(w**2) / np.sum(w)))
    w_re = 1 / (vi + tau2)
    mu_re = np.sum(w_re * yi) / np.sum(w_re)
    se_re = np.sqrt(1 / np.sum(w_re))
    z = stats.norm.isf(0.025)
    res = meta.combine(yi, np.sqrt(vi), method="dl")
    assert res.tau2 == pytest.approx(tau2, rel=TIGHT)
    assert res.q == pytest.approx(q, rel=TIGHT)
    assert res.q_p_value == pytest.approx(stats.chi2.sf(q, k - 1), rel=1e-8)
    assert res.i2 == pytest.approx(100 * (q - (k - 1)) / q, rel=TIGHT)
    assert res.fixed_estimate == pytest.approx(mu_fe, rel=TIGHT)
    assert res.fixed_se == pytest.approx(np.sqrt(1 / np.sum(w)), rel=TIGHT)
    assert res.estimate == pytest.approx(mu_re, rel=TIGHT)
    assert res.se == pytest.approx(se_re, rel=TIGHT)
    assert (res.ci_low, res.ci_high) == pytest.approx((mu_re - z * se_re, mu_re + z * se_re))
    assert res.p_value == pytest.approx(2 * stats.norm.sf(abs(mu_re / se_re)), rel=1e-8)
    # Hartung-Knapp: weighted residual variance about mu_re, t with k - 1 df.
    se_hk = np.sqrt(np.sum(w_re * (yi - mu_re) ** 2) / ((k - 1) * np.sum(w_re)))
    t = stats.t.isf(0.025, k - 1)
    assert res.se_hk == pytest.approx(se_hk, rel=TIGHT)
    assert (res.ci_low_hk, res.ci_high_hk) == pytest.approx(
        (mu_re - t * se_hk, mu_re + t * se_hk), rel=TIGHT
    )
    assert res.p_value_hk == pytest.approx(2 * stats.t.sf(abs(mu_re / se_hk), k - 1), rel=1e-8)
    assert res.studies["weight_random"].to_numpy() == pytest.approx(w_re / np.sum(w_re))


def test_reml_and_paule_mandel_solve_their_estimating_equations():
    yi, vi = _bcg()
    k = len(yi)

    def restricted_loglik(tau2: float) -> float:
        w = 1 / (vi + tau2)
        mu = np.sum(w * yi) / np.sum(w)
        return -0.5 * (np.sum(np.log(vi + tau2)) + np.log(np.sum(w)) + np.sum(w * (yi - mu) ** 2))

    direct = optimize.minimize_scalar(
        lambda t: -restricted_loglik(t), bounds=(0, 5), method="bounded", options={"xatol": 1e-12}
    )
    assert meta.combine(yi, np.sqrt(vi), "reml").tau2 == pytest.approx(direct.x, rel=1e-7)

    tau2 = meta.combine(yi, np.sqrt(vi), "pm").tau2
    w = 1 / (vi + tau2)
    mu = np.sum(w * yi) / np.sum(w)
    assert np.sum(w * (yi - mu) ** 2) == pytest.approx(k - 1, abs=1e-8)


@pytest.mark.parametrize("method", meta.METHODS)
def test_homogeneous_estimates_give_zero_tau2_and_fixed_effect_answer(method):
    # Q < k - 1: every estimator truncates tau2 at zero and random = fixed effect.
    y = np.array([0.10, 0.12, 0.11, 0.09])
    s = np.array([0.05, 0.04, 0.06, 0.05])
    res = meta.combine(y, s, method)
    assert res.tau2 == 0.0 and res.i2 == 0.0
    assert res.estimate == pytest.approx(res.fixed_estimate, rel=TIGHT)
    assert res.se == pytest.approx(res.fixed_se, rel=TIGHT)


def test_meta_analysis_groups_by_outcome_and_design():
    yi, vi = _bcg()
    rows = []
    for outcome, shift in [("cost_total", 0.0), ("ed_visit", 1.0)]:
        for design in ["population", "target"]:
            for i, (y, v) in enumerate(zip(yi, vi, strict=True)):
                rows.append(
                    {
                        "proeftuin": f"p{i}",
                        "outcome": outcome,
                        "design": design,
                        "estimate": y + shift,
                        "se": np.sqrt(v),
                    }
                )
    table = meta.meta_analysis(pd.DataFrame(rows), method="dl")
    assert list(table[["outcome", "design"]].itertuples(index=False, name=None)) == [
        ("cost_total", "population"),
        ("cost_total", "target"),
        ("ed_visit", "population"),
        ("ed_visit", "target"),
    ]
    assert table["k"].tolist() == [13] * 4
    assert table.loc[0, "estimate"] == pytest.approx(-0.7141, abs=PRINTED)
    # A shift of every estimate moves the pooled estimate and nothing else.
    assert table.loc[2, "estimate"] == pytest.approx(table.loc[0, "estimate"] + 1, rel=TIGHT)
    assert table.loc[2, "tau2"] == pytest.approx(table.loc[0, "tau2"], rel=TIGHT)
    for column in ["fixed_estimate", "q", "q_p_value", "i2", "ci_low_hk", "p_value_hk"]:
        assert column in table.columns


def test_bad_input_is_refused_with_the_group_named():
    frame = pd.DataFrame(
        {
            "outcome": ["a", "a", "b"],
            "design": ["target"] * 3,
            "estimate": [1.0, 2.0, 3.0],
            "se": [0.1, 0.2, 0.3],
        }
    )
    with pytest.raises(ParameterError, match="outcome=b, design=target.*at least 2"):
        meta.meta_analysis(frame)
    with pytest.raises(ParameterError, match="positive"):
        meta.combine([1.0, 2.0], [0.1, 0.0])
    with pytest.raises(ParameterError, match="finite"):
        meta.combine([1.0, np.nan], [0.1, 0.1])
    with pytest.raises(ParameterError, match="unknown method"):
        meta.combine([1.0, 2.0], [0.1, 0.1], method="ml")


def test_result_object_reports_assumption():
    yi, vi = _bcg()
    res = meta.combine(yi, np.sqrt(vi), labels=[f"trial {i + 1}" for i in range(13)])
    assert "optimistic" in res.summary()
    assert "studies" not in res.to_dict()
    assert res.tidy().shape == (1, len(res.to_dict()))
    assert res.studies["label"].iloc[0] == "trial 1"
    assert res.studies["weight_fixed"].sum() == pytest.approx(1.0)


def test_a_row_that_belongs_to_no_group_is_refused_not_dropped():
    frame = pd.DataFrame(
        {
            "proeftuin": ["p1", "p2", "p3"],
            "outcome": ["a"] * 3,
            "design": ["target", "target", np.nan],
            "estimate": [1.0, 2.0, 30.0],
            "se": [0.1, 0.2, 0.3],
        }
    )
    with pytest.raises(ParameterError, match="row 3: column 'design' is missing"):
        meta.meta_analysis(frame)


def test_a_study_that_is_not_finite_is_refused_by_name():
    with pytest.raises(ParameterError, match="study 'b': estimate is nan.*nonfinite='drop'"):
        meta.combine([1.0, np.nan, 2.0], [0.1, 0.1, 0.2], labels=["a", "b", "c"])
    with pytest.raises(ParameterError, match="study 'c': standard error is inf"):
        meta.combine([1.0, 2.0, 3.0], [0.1, 0.1, np.inf], labels=["a", "b", "c"])


def test_studies_left_out_on_request_are_listed_in_the_result():
    yi, vi = _bcg()
    labels = [f"trial {i + 1}" for i in range(13)]
    full = meta.combine(yi, np.sqrt(vi), labels=labels)
    res = meta.combine(
        [*yi, np.nan, 0.5],
        [*np.sqrt(vi), 0.2, np.inf],
        labels=[*labels, "no estimate", "no SE"],
        nonfinite="drop",
    )
    assert res.k == 13 and res.estimate == pytest.approx(full.estimate, rel=TIGHT)
    assert res.left_out["label"].tolist() == ["no estimate", "no SE"]
    assert res.left_out["reason"].tolist() == ["estimate is nan", "standard error is inf"]
    assert "left out (2): no estimate (estimate is nan); no SE (standard error is inf)" in (
        res.summary()
    )
    row = res.tidy().iloc[0]
    assert row["k_left_out"] == 2 and "no SE (standard error is inf)" in row["left_out"]
    assert full.to_dict()["k_left_out"] == 0 and "left out" not in full.summary()
    with pytest.raises(ParameterError, match="got 1 after leaving out 2"):
        meta.combine([1.0, np.nan, 2.0], [0.1, 0.1, np.nan], nonfinite="drop")


def test_meta_analysis_reports_the_studies_it_left_out_per_group():
    frame = pd.DataFrame(
        {
            "proeftuin": ["p1", "p2", "p3", "p1", "p2"],
            "outcome": ["a", "a", "a", "b", "b"],
            "design": ["target"] * 5,
            "estimate": [1.0, 2.0, np.nan, 3.0, 4.0],
            "se": [0.1, 0.2, 0.3, 0.1, 0.2],
        }
    )
    with pytest.raises(ParameterError, match="outcome=a, design=target.*study 'p3'"):
        meta.meta_analysis(frame)
    table = meta.meta_analysis(frame, nonfinite="drop")
    assert table["k"].tolist() == [2, 2]
    assert table["k_left_out"].tolist() == [1, 0]
    assert table["left_out"].tolist() == ["p3 (estimate is nan)", ""]
