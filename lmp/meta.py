"""Random-effects meta-analysis of the per-proeftuin effects.

Each proeftuin gives one estimate ``y_i`` with a standard error ``s_i`` per outcome and design. The
random-effects model pools them as::

    y_i = mu + u_i + e_i,    u_i ~ N(0, tau2),    e_i ~ N(0, s_i**2),    i = 1..k

``mu`` is the mean effect over proeftuinen, ``tau2`` the variance of the true effects between them.
The pooled estimate is the inverse-variance weighted mean with weights ``1 / (s_i**2 + tau2)``; the
fixed-effect (common-effect) answer is the same with ``tau2 = 0``. The arithmetic is
:func:`statsmodels.stats.meta_analysis.combine_effects`; this module chooses the estimator of
``tau2``, truncates it at zero and lays the results out per outcome and design.

Assumptions, and where they fail here
-------------------------------------
* **Independent estimates.** The model treats the k sampling errors as independent. The nine
  proeftuinen are compared with *one shared comparison pool* (every municipality in no proeftuin),
  so their DiD estimates share the pool's sampling noise and are positively correlated. With a
  positive correlation the variance of any weighted mean is larger than the formula assumes: the
  pooled standard errors, confidence intervals and p-values below are **optimistic** (too narrow,
  too small), and the heterogeneity measures (Q, tau2, I2) tend to understate the spread of true
  effects. Read the pooled result as a summary of the nine estimates, not as an independent
  confirmation of them.
* **Known within-study variances.** ``s_i**2`` is treated as known. The per-proeftuin CR1 standard
  errors rest on one treated region each and are themselves too small (see the README), which
  again makes the pooled interval too narrow and inflates Q and I2.
* **Normal random effects, exchangeable proeftuinen.** The Wald interval uses the normal
  distribution; with k <= 9 it undercovers when tau2 > 0. The Hartung-Knapp(-Sidik-Jonkman)
  interval (``*_hk`` columns: a rescaled variance with a t distribution on k - 1 degrees of
  freedom) is the better default for so few studies (IntHout et al. 2014, BMC Med Res Methodol
  14:25). It is the unmodified version: it can be narrower than the Wald interval when the
  estimates agree more than their standard errors suggest.

Estimators of tau2 (``method``)
-------------------------------
``"dl"``    DerSimonian-Laird (1986) method of moments, truncated at zero.
``"pm"``    Paule-Mandel (1982), iterated until the generalised Q equals k - 1 (statsmodels).
``"reml"``  restricted maximum likelihood: the root of the REML score equation (Viechtbauer 2005,
            J Educ Behav Stat 30:261-293; metafor's default), zero when the score at zero is <= 0.

Q is Cochran's Q about the fixed-effect mean with its chi-square(k - 1) p-value; I2 is Higgins and
Thompson's ``max(0, (Q - (k - 1)) / Q)`` in percent, the same for every ``method`` (metafor prints
a tau2-based I2 for REML and PM, which differs slightly).

Missing estimates (``nonfinite``)
---------------------------------
An estimate or standard error that is missing or infinite (a proeftuin whose design could not be
estimated) is refused by default (``nonfinite="error"``). With ``nonfinite="drop"`` such studies
are left out, and the result says so: :attr:`MetaResult.left_out` lists them with the reason,
``k_left_out`` and ``left_out`` appear in :meth:`MetaResult.tidy` and every row of
:func:`meta_analysis`, and :meth:`MetaResult.summary` names them. Rows are never left out silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd
from scipy import optimize, stats
from statsmodels.stats.meta_analysis import combine_effects

from lmp.errors import ParameterError

METHODS = ("dl", "pm", "reml")
METHOD_LABELS = {
    "dl": "DerSimonian-Laird",
    "pm": "Paule-Mandel",
    "reml": "restricted maximum likelihood",
}
# Convergence tolerance of the Paule-Mandel iteration on the estimating equation Q_gen - (k - 1).
_PM_ATOL = 1e-10
# What to do with a study whose estimate or standard error is missing or infinite.
NONFINITE = ("error", "drop")
LEFT_OUT_COLUMNS = ["label", "estimate", "se", "reason"]


@dataclass(frozen=True)
class MetaResult:
    """A random-effects pooled estimate with its fixed-effect and heterogeneity companions.

    ``estimate``/``se``/``ci_*``/``p_value``: random effects, Wald (normal) inference.
    ``se_hk``/``ci_*_hk``/``p_value_hk``: the same estimate with Hartung-Knapp inference (t, k - 1 df).
    ``fixed_*``: the fixed-effect (inverse-variance, tau2 = 0) estimate.
    ``studies``: one row per estimate with its relative fixed- and random-effects weight.
    ``left_out``: the studies not pooled (``nonfinite="drop"``), with label, estimate, se, reason.
    """

    k: int
    method: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    se_hk: float
    ci_low_hk: float
    ci_high_hk: float
    p_value_hk: float
    fixed_estimate: float
    fixed_se: float
    fixed_ci_low: float
    fixed_ci_high: float
    q: float
    q_df: int
    q_p_value: float
    tau2: float
    i2: float  # percent
    alpha: float = 0.05
    studies: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False, compare=False)
    left_out: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=LEFT_OUT_COLUMNS), repr=False, compare=False
    )

    def to_dict(self) -> dict:
        """The scalar results (without the per-study tables), with the studies left out as
        ``k_left_out`` and ``left_out`` (``"label (reason); ..."``, empty when none)."""
        row = {f.name: getattr(self, f.name) for f in fields(self)}
        row.pop("studies")
        row.pop("left_out")
        row["k_left_out"] = len(self.left_out)
        row["left_out"] = _left_out_cell(self.left_out)
        return row

    def tidy(self) -> pd.DataFrame:
        """One row of scalar results."""
        return pd.DataFrame([self.to_dict()])

    def summary(self) -> str:
        """A short, readable block of text."""
        level = round(100 * (1 - self.alpha))
        return "\n".join(
            [
                f"Random-effects meta-analysis (k = {self.k}; tau2: {METHOD_LABELS[self.method]})",
                f"  estimate  {self.estimate:12.4f}   SE {self.se:.4f}   "
                f"{level}% CI [{self.ci_low:.4f}, {self.ci_high:.4f}]   p = {self.p_value:.4f} (z)",
                f"  Hartung-Knapp   SE {self.se_hk:.4f}   {level}% CI "
                f"[{self.ci_low_hk:.4f}, {self.ci_high_hk:.4f}]   p = {self.p_value_hk:.4f}"
                f" (t, {self.k - 1} df)",
                f"  fixed effect {self.fixed_estimate:.4f}   SE {self.fixed_se:.4f}",
                f"  tau2 {self.tau2:.4f}   I2 {self.i2:.2f}%   Q({self.q_df}) = {self.q:.4f},"
                f" p = {self.q_p_value:.4g}",
                "  assumes independent estimates; the proeftuinen share one comparison pool,"
                " so the pooled SE is optimistic",
                *(
                    [f"  left out ({len(self.left_out)}): {_left_out_cell(self.left_out)}"]
                    if len(self.left_out)
                    else []
                ),
            ]
        )


def _left_out_cell(left_out: pd.DataFrame) -> str:
    """The studies left out as one table cell, ``"label (reason); ..."``; empty when none was.
    The report's words are :func:`lmp.report.sentences.left_out_text`."""
    return "; ".join(f"{r.label} ({r.reason})" for r in left_out.itertuples())


def _not_finite_reason(estimate: float, se: float) -> str:
    """Why a study cannot be pooled, e.g. ``"estimate is nan"``; empty when it can."""
    parts = [
        f"{name} is {value}"
        for name, value in [("estimate", estimate), ("standard error", se)]
        if not np.isfinite(value)
    ]
    return " and ".join(parts)


def _checked(
    estimates: Sequence[float],
    ses: Sequence[float],
    labels: Sequence[str] | None = None,
    nonfinite: str = "error",
) -> tuple[np.ndarray, np.ndarray, list[str], pd.DataFrame]:
    """The estimates, standard errors and labels to pool, and the studies left out.

    A study with a missing or infinite estimate or standard error is refused
    (``nonfinite="error"``) or left out and listed with the reason (``"drop"``). Standard errors
    must be positive, and at least two studies must remain.
    """
    if nonfinite not in NONFINITE:
        raise ParameterError(
            f"nonfinite must be {' or '.join(map(repr, NONFINITE))}, got {nonfinite!r}"
        )
    y = np.asarray(estimates, dtype=float)
    s = np.asarray(ses, dtype=float)
    if y.ndim != 1 or y.shape != s.shape:
        raise ParameterError("estimates and standard errors must be two vectors of equal length")
    names = [str(x) for x in labels] if labels is not None else [str(i) for i in range(len(y))]
    if len(names) != len(y):
        raise ParameterError("labels must be as many as the estimates")
    reasons = [_not_finite_reason(e, se) for e, se in zip(y, s, strict=True)]
    bad = np.array([bool(r) for r in reasons], dtype=bool)
    if bad.any() and nonfinite == "error":
        i = int(np.flatnonzero(bad)[0])
        raise ParameterError(
            f"study '{names[i]}': {reasons[i]}; estimates and standard errors must be finite "
            "(pass nonfinite='drop' to leave such studies out, listed in the result)"
        )
    left_out = pd.DataFrame(
        {
            "label": [n for n, b in zip(names, bad, strict=True) if b],
            "estimate": y[bad],
            "se": s[bad],
            "reason": [r for r in reasons if r],
        },
        columns=LEFT_OUT_COLUMNS,
    )
    y, s = y[~bad], s[~bad]
    names = [n for n, b in zip(names, bad, strict=True) if not b]
    if len(y) < 2:
        after = f" after leaving out {len(left_out)} not finite" if len(left_out) else ""
        raise ParameterError(f"a meta-analysis needs at least 2 estimates, got {len(y)}{after}")
    if (s <= 0).any():
        i = int(np.flatnonzero(s <= 0)[0])
        raise ParameterError(f"standard errors must be positive: study '{names[i]}' has {s[i]:g}")
    return y, s, names, left_out


def dersimonian_laird_tau2(y: np.ndarray, v: np.ndarray) -> float:
    """DerSimonian-Laird estimate of tau2 from estimates ``y`` and variances ``v``, at least zero."""
    # statsmodels does not truncate; its random-effects columns for a negative tau2 are discarded.
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = combine_effects(y, v, method_re="dl").tau2
    return max(0.0, float(raw))


def paule_mandel_tau2(y: np.ndarray, v: np.ndarray) -> float:
    """Paule-Mandel estimate of tau2 (statsmodels' iteration), checked for convergence."""
    res = combine_effects(y, v, method_re="pm", atol=_PM_ATOL, maxiter=1000)
    tau2 = max(0.0, float(res.tau2))
    # At the Paule-Mandel solution the generalised Q / (k - 1) (statsmodels' HKSJ scale) is 1.
    if tau2 > 0 and abs(float(res.scale_hksj_re) - 1.0) > 1e-6:
        raise ArithmeticError("the Paule-Mandel iteration for tau2 did not converge")
    return tau2


def _reml_score(tau2: float, y: np.ndarray, v: np.ndarray) -> float:
    """Derivative of the restricted log-likelihood of the random-effects model in tau2."""
    w = 1.0 / (v + tau2)
    mu = np.sum(w * y) / np.sum(w)
    return 0.5 * (np.sum(w**2 * (y - mu) ** 2) - np.sum(w) + np.sum(w**2) / np.sum(w))


def reml_tau2(y: np.ndarray, v: np.ndarray) -> float:
    """REML estimate of tau2: the root of the score equation, or 0 when the score at 0 is <= 0.

    The root is bracketed by doubling from the DerSimonian-Laird value and found with Brent's
    method to a relative precision of 1e-12 (metafor iterates Fisher scoring to the same root).
    """
    if _reml_score(0.0, y, v) <= 0:
        return 0.0
    upper = max(dersimonian_laird_tau2(y, v), float(np.var(y)), float(np.max(v)), 1e-12)
    while _reml_score(upper, y, v) > 0:
        upper *= 2.0
    return float(optimize.brentq(_reml_score, 0.0, upper, args=(y, v), xtol=1e-14, rtol=1e-12))


_TAU2 = {"dl": dersimonian_laird_tau2, "pm": paule_mandel_tau2, "reml": reml_tau2}


def combine(
    estimates: Sequence[float],
    ses: Sequence[float],
    method: str = "dl",
    alpha: float = 0.05,
    labels: Sequence[str] | None = None,
    nonfinite: str = "error",
) -> MetaResult:
    """Pool k >= 2 estimates with standard errors ``ses`` (see the module docstring for assumptions).

    ``method`` picks the tau2 estimator (``"dl"``, ``"pm"``, ``"reml"``). The pooled quantities for
    that tau2 come from statsmodels' ``combine_effects``, to which the estimate is handed as the
    start of a Paule-Mandel iteration with no steps (its documented keyword pass-through).
    ``nonfinite``: ``"error"`` refuses a missing or infinite estimate or standard error, ``"drop"``
    leaves the study out and lists it in :attr:`MetaResult.left_out`.
    """
    if method not in METHODS:
        raise ParameterError(f"unknown method '{method}'; choose one of {', '.join(METHODS)}")
    y, s, names, left_out = _checked(estimates, ses, labels, nonfinite)
    v = s**2
    tau2 = _TAU2[method](y, v)
    res = combine_effects(y, v, method_re="pm", tau2_start=tau2, maxiter=0, alpha=alpha)
    k = len(y)
    ci_fe, ci_re, _, _ = res.conf_int(alpha=alpha, use_t=False)
    *_, ci_re_hk = res.conf_int(alpha=alpha, use_t=True)
    estimate, se, se_hk = (
        float(res.mean_effect_re),
        float(res.sd_eff_w_re),
        float(res.sd_eff_w_re_hksj),
    )
    homogeneity = res.test_homogeneity()
    q = float(homogeneity.statistic)
    studies = pd.DataFrame(
        {
            "label": names,
            "estimate": y,
            "se": s,
            "weight_fixed": np.asarray(res.weights_rel_fe, dtype=float),
            "weight_random": np.asarray(res.weights_rel_re, dtype=float),
        }
    )
    return MetaResult(
        k=k,
        method=method,
        estimate=estimate,
        se=se,
        ci_low=float(ci_re[0]),
        ci_high=float(ci_re[1]),
        p_value=float(2 * stats.norm.sf(abs(estimate / se))),
        se_hk=se_hk,
        ci_low_hk=float(ci_re_hk[0]),
        ci_high_hk=float(ci_re_hk[1]),
        p_value_hk=float(2 * stats.t.sf(abs(estimate / se_hk), k - 1)) if se_hk > 0 else np.nan,
        fixed_estimate=float(res.mean_effect_fe),
        fixed_se=float(res.sd_eff_w_fe),
        fixed_ci_low=float(ci_fe[0]),
        fixed_ci_high=float(ci_fe[1]),
        q=q,
        q_df=k - 1,
        q_p_value=float(homogeneity.pvalue),
        tau2=float(res.tau2),
        i2=100.0 * max(0.0, (q - (k - 1)) / q) if q > 0 else 0.0,
        alpha=alpha,
        studies=studies,
        left_out=left_out,
    )


def meta_analysis(
    effects: pd.DataFrame,
    estimate_col: str = "estimate",
    se_col: str = "se",
    by: Sequence[str] = ("outcome", "design"),
    method: str = "dl",
    alpha: float = 0.05,
    label_col: str | None = "proeftuin",
    nonfinite: str = "error",
) -> pd.DataFrame:
    """One random-effects meta-analysis per group of ``by`` (e.g. per outcome and design).

    ``effects`` holds one row per proeftuin and group, e.g. the stacked ``tables/results.csv`` of
    the reports or :func:`lmp.did.estimate_all` for every proeftuin. Returns one row per group, in
    sorted group order, with the ``by`` columns followed by the fields of :class:`MetaResult`::

        k, method, estimate, se, ci_low, ci_high, p_value,
        se_hk, ci_low_hk, ci_high_hk, p_value_hk,
        fixed_estimate, fixed_se, fixed_ci_low, fixed_ci_high,
        q, q_df, q_p_value, tau2, i2 (percent), alpha, k_left_out, left_out

    A row whose ``by`` value is missing (it would belong to no group), a group with fewer than two
    estimates, a non-positive standard error, or (with ``nonfinite="error"``) a missing or infinite
    estimate or standard error raises :class:`~lmp.errors.ParameterError` naming the row or group.
    With ``nonfinite="drop"`` the last are left out and named in ``k_left_out`` and ``left_out``:
    nothing is dropped silently. The pooled standard errors assume independent estimates, which the
    shared comparison pool violates; they are optimistic (see the module docstring).
    """
    by = list(by)
    missing = [c for c in [estimate_col, se_col, *by] if c not in effects.columns]
    if missing:
        raise ParameterError(f"effects table lacks column(s) {', '.join(missing)}")
    for column in by:
        empty = effects[column].isna().to_numpy()
        if empty.any():
            row = int(np.flatnonzero(empty)[0]) + 1
            raise ParameterError(
                f"effects table row {row}: column '{column}' is missing, so the row belongs to "
                f"no group of {', '.join(by)} and would not be pooled"
            )
    rows = []
    for key, group in effects.groupby(by, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        labels = group[label_col].astype(str) if label_col in group.columns else None
        try:
            result = combine(group[estimate_col], group[se_col], method, alpha, labels, nonfinite)
        except ParameterError as exc:
            where = ", ".join(f"{c}={k}" for c, k in zip(by, key, strict=True))
            raise ParameterError(f"group ({where}): {exc}") from exc
        rows.append({**dict(zip(by, key, strict=True)), **result.to_dict()})
    return pd.DataFrame(rows)
