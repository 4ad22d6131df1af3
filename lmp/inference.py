"""Cluster-robust inference for person-weighted regressions on cell-level data.

Everything here works on a fitted :class:`WeightedFit` (see :func:`fit_weighted_fe`): the regressors
of interest after all fixed effects are partialled out (Frisch-Waugh-Lovell), the cell residuals and
the cell weights (persons). Because every regressor is constant within a cell, the sum of a person's
score over the persons of a cell is ``n_cell * x_cell * residual_cell``; cluster scores, and so the
cluster-robust variance, are therefore exact as if computed on the individual rows.

Conventions (those of Stata's ``regress ..., vce(cluster g)`` and statsmodels' ``cov_type='cluster'``):

- CR1 small-sample factor ``G/(G-1) * (N-1)/(N-K)`` with ``N`` persons, ``K`` the rank of the full
  design including every fixed-effect dummy, and ``G`` clusters;
- t and F reference distributions with ``G - 1`` denominator degrees of freedom.

With few treated clusters CR1 over-rejects (MacKinnon & Webb 2017; Conley & Taber 2011); the reports
say so beside every CR1 p-value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class WeightedFit:
    """A person-weighted least-squares fit with fixed effects partialled out.

    ``x`` (cells x p) and ``resid`` (cells) are the partialled regressors and the full-model
    residuals; ``weight`` is persons per cell; ``cluster`` holds integer cluster codes.
    """

    coef: np.ndarray
    x: np.ndarray
    resid: np.ndarray
    weight: np.ndarray
    cluster: np.ndarray
    n_persons: float
    n_params: int  # rank of the full design, fixed effects included

    @property
    def n_clusters(self) -> int:
        return int(np.unique(self.cluster).size)


def _partial_out_absorbed(values: np.ndarray, groups: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Subtract the person-weighted mean within each group (exact projection on group dummies)."""
    size = groups.max() + 1
    total = np.bincount(groups, weights=weight, minlength=size)
    out = np.empty_like(values, dtype=float)
    for j in range(values.shape[1]):
        mean = np.bincount(groups, weights=weight * values[:, j], minlength=size) / total
        out[:, j] = values[:, j] - mean[groups]
    return out


def _dummies(codes: list[np.ndarray]) -> np.ndarray:
    """One column per level of each factor (rank-deficient on purpose; handled by lstsq).

    Assumes at least one factor.
    """
    blocks = []
    for code in codes:
        block = np.zeros((code.size, code.max() + 1))
        block[np.arange(code.size), code] = 1.0
        blocks.append(block)
    return np.hstack(blocks)


def fit_weighted_fe(
    y: np.ndarray,
    x: np.ndarray,
    weight: np.ndarray,
    absorb: np.ndarray,
    dummies: list[np.ndarray],
    cluster: np.ndarray,
) -> WeightedFit:
    """Person-weighted OLS of cell means ``y`` on ``x`` with fixed effects, exactly (no iteration).

    The factor ``absorb`` (integer codes, usually the one with most levels) is removed by weighted
    demeaning; the factors in ``dummies`` (integer codes) enter as dummy columns that are then
    partialled out by weighted least squares. Assumes every cell has a positive weight.
    """
    x = np.asarray(x, dtype=float).reshape(len(y), -1)
    w = np.asarray(weight, dtype=float)
    root = np.sqrt(w)[:, None]
    yd = _partial_out_absorbed(np.asarray(y, dtype=float)[:, None], absorb, w)
    xd = _partial_out_absorbed(x, absorb, w)
    if dummies:
        zd = _partial_out_absorbed(_dummies(dummies), absorb, w)
        proj = np.linalg.lstsq(root * zd, np.hstack([root * yd, root * xd]), rcond=None)[0]
        yd = yd - zd @ proj[:, :1]
        xd = xd - zd @ proj[:, 1:]
        rank_z = np.linalg.matrix_rank(root * zd)
    else:
        rank_z = 0
    coef = np.linalg.lstsq(root * xd, root[:, 0] * yd[:, 0], rcond=None)[0]
    resid = yd[:, 0] - xd @ coef
    n_params = int(np.unique(absorb).size + rank_z + np.linalg.matrix_rank(root * xd))
    return WeightedFit(
        coef=coef,
        x=xd,
        resid=resid,
        weight=w,
        cluster=np.unique(cluster, return_inverse=True)[1],
        n_persons=float(w.sum()),
        n_params=n_params,
    )


def cluster_scores(fit: WeightedFit) -> np.ndarray:
    """Per-cluster sums of person scores, clusters x p."""
    cell = fit.x * (fit.weight * fit.resid)[:, None]
    scores = np.zeros((fit.n_clusters, fit.x.shape[1]))
    np.add.at(scores, fit.cluster, cell)
    return scores


def cr1_vcov(fit: WeightedFit) -> np.ndarray:
    """CR1 cluster-robust variance of the coefficients (see the module docstring for the factor)."""
    bread = np.linalg.inv(fit.x.T @ (fit.weight[:, None] * fit.x))
    scores = cluster_scores(fit)
    meat = scores.T @ scores
    g, n, k = fit.n_clusters, fit.n_persons, fit.n_params
    factor = g / (g - 1) * (n - 1) / (n - k)
    return factor * bread @ meat @ bread


@dataclass(frozen=True)
class TTest:
    estimate: float
    se: float
    df: int
    p_value: float
    ci_low: float
    ci_high: float


def t_test(estimate: float, se: float, df: int, alpha: float = 0.05) -> TTest:
    """Two-sided t test of zero and the (1 - alpha) confidence interval."""
    t_stat = estimate / se if se > 0 else np.inf
    p_value = float(2 * stats.t.sf(abs(t_stat), df))
    half = float(stats.t.ppf(1 - alpha / 2, df) * se)
    return TTest(estimate, se, df, p_value, estimate - half, estimate + half)


@dataclass(frozen=True)
class WaldTest:
    f_stat: float
    df_num: int
    df_den: int
    p_value: float


def wald_test(coef: np.ndarray, vcov: np.ndarray, df_den: int) -> WaldTest:
    """Joint test that all of ``coef`` are zero: F = b' V^-1 b / q against F(q, df_den)."""
    q = coef.size
    f_stat = float(coef @ np.linalg.solve(vcov, coef) / q)
    return WaldTest(f_stat, q, df_den, float(stats.f.sf(f_stat, q, df_den)))
