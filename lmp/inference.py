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

import itertools
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse, special

from lmp.errors import DesignError


@dataclass(frozen=True)
class FixedEffects:
    """The fixed effects of a person-weighted regression, ready to partial out of any column.

    ``absorb`` (integer codes, usually the factor with most levels) is removed by weighted
    demeaning; the ``dummies`` factors (integer codes) become dummy columns, themselves demeaned,
    whose weighted column space is kept as an orthonormal basis. Partialling a column is then one
    demeaning plus one projection: cheap enough to do for hundreds of columns at once, which is
    what the wild bootstrap and randomization inference need. Assumes every weight is positive.
    """

    weight: np.ndarray
    absorb: np.ndarray
    basis: np.ndarray | sparse.csr_matrix  # cells x r, orthonormal basis of sqrt(w) * dummies
    rank: int  # rank of all fixed-effect columns together

    @classmethod
    def build(
        cls,
        weight: np.ndarray,
        absorb: np.ndarray,
        dummies: list[np.ndarray],
        blocks: np.ndarray | None = None,
    ) -> FixedEffects:
        """``blocks`` (integer codes): fixed effects that never cross blocks, e.g. stratum-specific
        ones (municipality x stratum absorbed, year x stratum dummies). The dummies' basis is then
        found block by block and kept sparse, which is exact and keeps memory linear in cells."""
        w = np.asarray(weight, dtype=float)
        absorb = np.asarray(absorb)
        if not dummies:
            basis = np.zeros((w.size, 0))
        elif blocks is None:
            basis = _dummy_basis(w, absorb, dummies)
        else:
            basis = _block_basis(w, absorb, dummies, np.asarray(blocks))
        return cls(w, absorb, basis, int(np.unique(absorb).size + basis.shape[1]))

    def partial(self, values: np.ndarray) -> np.ndarray:
        """Residuals of each column after a person-weighted regression on all fixed effects."""
        values = np.asarray(values, dtype=float)
        flat = values.ndim == 1
        values = values.reshape(len(self.weight), -1)
        root = np.sqrt(self.weight)[:, None]
        out = root * _partial_out_absorbed(values, self.absorb, self.weight)
        out = out - np.asarray(self.basis @ (self.basis.T @ out))
        out = out / root
        return out[:, 0] if flat else out

    def cluster_cross(
        self, cluster: np.ndarray, left: np.ndarray, right: np.ndarray, n_clusters: int
    ) -> np.ndarray:
        """``C[h, k] = sum over rows i of cluster h of left_i * partial(right * [cluster == k])_i``.

        The G x G matrix that the wild bootstrap and randomization inference need, one column per
        cluster. When every absorbed group lies inside one cluster (municipality, or municipality
        x stratum, within municipality clusters), partialling a cluster's part of ``right`` is that
        cluster's part of the partialled ``right`` minus a projection on the dummies' basis, so
        ``C`` is a diagonal plus a product of two G x r matrices: no cells x G array is formed.
        Otherwise each cluster's column is partialled separately (cells x G).
        """
        cluster = np.asarray(cluster)
        left, right = np.asarray(left, dtype=float), np.asarray(right, dtype=float)
        first = np.full(self.absorb.max() + 1, -1)
        first[self.absorb] = cluster
        nested = bool(np.all(first[self.absorb] == cluster))
        if not nested:
            onehot = np.zeros((cluster.size, n_clusters))
            onehot[np.arange(cluster.size), cluster] = 1.0
            return onehot.T @ (left[:, None] * self.partial(onehot * right[:, None]))
        root = np.sqrt(self.weight)
        demeaned = _partial_out_absorbed(right[:, None], self.absorb, self.weight)[:, 0]
        cross = np.diag(np.bincount(cluster, weights=left * demeaned, minlength=n_clusters))
        if self.basis.shape[1]:
            sums = sparse.csr_matrix(
                (np.ones(cluster.size), (cluster, np.arange(cluster.size))),
                shape=(n_clusters, cluster.size),
            )
            basis = sparse.csr_matrix(self.basis)
            p = (sums @ basis.multiply((left / root)[:, None])).toarray()
            q = (sums @ basis.multiply((root * demeaned)[:, None])).toarray()
            cross = cross - p @ q.T
        return cross


@dataclass(frozen=True)
class WeightedFit:
    """A person-weighted least-squares fit with fixed effects partialled out.

    ``x`` (rows x p), ``y`` and ``resid`` (rows) are the partialled regressors, the partialled
    outcome and the full-model residuals; ``weight`` is the regression weight of each row (persons
    per cell; for the triple design, which is fitted on target-minus-non-target pairs,
    ``w1*w0/(w1+w0)`` per pair); ``cluster`` holds integer cluster codes below ``n_clusters``;
    ``fe`` can partial further columns out (bootstrap, placebos). ``n_persons`` and ``n_params``
    are those of the full person-level model and enter the CR1 small-sample factor.
    """

    coef: np.ndarray
    x: np.ndarray
    y: np.ndarray
    resid: np.ndarray
    weight: np.ndarray
    cluster: np.ndarray
    n_persons: float
    n_params: int  # rank of the full design, fixed effects included
    n_clusters: int
    fe: FixedEffects


def _partial_out_absorbed(values: np.ndarray, groups: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Subtract the person-weighted mean within each group (exact projection on group dummies).

    Group codes need not be consecutive (e.g. municipality x stratum codes): codes without rows
    are never looked up, and their mean is set to 0 rather than computed as 0/0.
    """
    size = groups.max() + 1
    total = np.bincount(groups, weights=weight, minlength=size)
    used = total > 0
    out = np.empty_like(values, dtype=float)
    for j in range(values.shape[1]):
        sums = np.bincount(groups, weights=weight * values[:, j], minlength=size)
        mean = np.divide(sums, total, out=np.zeros(size), where=used)
        out[:, j] = values[:, j] - mean[groups]
    return out


def _dummy_basis(w: np.ndarray, absorb: np.ndarray, dummies: list[np.ndarray]) -> np.ndarray:
    """Orthonormal basis of sqrt(w) * (dummies with the absorbed factor partialled out)."""
    zd = np.sqrt(w)[:, None] * _partial_out_absorbed(_dummies(dummies), absorb, w)
    u, s, _ = np.linalg.svd(zd, full_matrices=False)
    keep = s > s.max(initial=0.0) * max(zd.shape) * np.finfo(float).eps  # numpy's matrix_rank
    return u[:, keep]


def _block_basis(
    w: np.ndarray, absorb: np.ndarray, dummies: list[np.ndarray], blocks: np.ndarray
) -> sparse.csr_matrix:
    """:func:`_dummy_basis` block by block, assembled as one sparse cells x r matrix.

    Exact when no fixed effect crosses blocks: the dummy columns of different blocks then have
    disjoint rows, so their partialled column spaces are orthogonal.
    """
    rows, cols, values, width = [], [], [], 0
    for block in np.unique(blocks):
        inside = np.flatnonzero(blocks == block)
        local = [np.unique(code[inside], return_inverse=True)[1] for code in dummies]
        absorbed = np.unique(absorb[inside], return_inverse=True)[1]
        basis = _dummy_basis(w[inside], absorbed, local)
        r, c = np.nonzero(np.ones_like(basis, dtype=bool))
        rows.append(inside[r])
        cols.append(c + width)
        values.append(basis[r, c])
        width += basis.shape[1]
    return sparse.csr_matrix(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))),
        shape=(w.size, width),
    )


def _dummies(codes: list[np.ndarray]) -> np.ndarray:
    """One column per level of each factor (rank-deficient on purpose; the basis drops that).

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
    blocks: np.ndarray | None = None,
) -> WeightedFit:
    """Person-weighted OLS of cell means ``y`` on ``x`` with fixed effects, exactly (no iteration).

    See :class:`FixedEffects` for how ``absorb`` and ``dummies`` are removed (Frisch-Waugh-Lovell).
    Assumes every cell has a positive weight.
    """
    x = np.asarray(x, dtype=float).reshape(len(y), -1)
    fe = FixedEffects.build(weight, absorb, dummies, blocks)
    yd = fe.partial(np.asarray(y, dtype=float))
    xd = fe.partial(x)
    root = np.sqrt(fe.weight)
    coef = np.linalg.lstsq(root[:, None] * xd, root * yd, rcond=None)[0]
    codes = np.unique(cluster, return_inverse=True)[1]
    return WeightedFit(
        coef=coef,
        x=xd,
        y=yd,
        resid=yd - xd @ coef,
        weight=fe.weight,
        cluster=codes,
        n_persons=float(fe.weight.sum()),
        n_params=fe.rank + int(np.linalg.matrix_rank(root[:, None] * xd)),
        n_clusters=int(codes.max()) + 1,
        fe=fe,
    )


def refit(fit: WeightedFit, x: np.ndarray) -> WeightedFit:
    """``fit`` with other regressors: same outcome, weights, clusters and fixed effects.

    ``x`` (rows x p) must already be partialled (``fit.fe.partial``). Used for placebo fits, where
    only the treated municipalities move and the fixed effects stay the same. ``n_params`` is
    recounted as the fixed effects' rank plus the rank of ``x``, as :func:`fit_weighted_fe` does
    (so not for a fit whose counts were replaced by those of a larger model, as the triple's are).
    """
    x = np.asarray(x, dtype=float).reshape(len(fit.y), -1)
    root = np.sqrt(fit.weight)
    coef = np.linalg.lstsq(root[:, None] * x, root * fit.y, rcond=None)[0]
    return replace(
        fit,
        coef=coef,
        x=x,
        resid=fit.y - x @ coef,
        n_params=fit.fe.rank + int(np.linalg.matrix_rank(root[:, None] * x)),
    )


def cluster_scores(fit: WeightedFit) -> np.ndarray:
    """Per-cluster sums of person scores, clusters x p."""
    cell = fit.x * (fit.weight * fit.resid)[:, None]
    scores = np.zeros((fit.n_clusters, cell.shape[1]))
    for j, column in enumerate(cell.T):
        scores[:, j] = np.bincount(fit.cluster, weights=column, minlength=fit.n_clusters)
    return scores


def cr1_factor(fit: WeightedFit) -> float:
    """The CR1 small-sample factor ``G/(G-1) * (N-1)/(N-K)`` (see the module docstring)."""
    g, n, k = fit.n_clusters, fit.n_persons, fit.n_params
    return g / (g - 1) * (n - 1) / (n - k)


def cr1_vcov(fit: WeightedFit) -> np.ndarray:
    """CR1 cluster-robust variance of the coefficients."""
    bread = np.linalg.inv(fit.x.T @ (fit.weight[:, None] * fit.x))
    scores = cluster_scores(fit)
    meat = scores.T @ scores
    return cr1_factor(fit) * bread @ meat @ bread


@dataclass(frozen=True)
class TTest:
    estimate: float
    se: float
    df: int
    p_value: float
    ci_low: float
    ci_high: float


def significant(p_value: float, alpha: float = 0.05) -> bool:
    """The one rule for every test in lmp: significant when ``p <= alpha`` (a placebo test's
    interval excludes zero exactly then). A missing p-value (NaN, None) is not significant."""
    return p_value is not None and bool(np.isfinite(p_value)) and float(p_value) <= alpha


def t_test(estimate: float, se: float, df: int, alpha: float = 0.05) -> TTest:
    """Two-sided t test of zero and the (1 - alpha) confidence interval.

    Raises :class:`~lmp.errors.DesignError` for a standard error that is NaN, infinite or not
    positive: there is nothing to test then, and a p-value of 0 would be a silent lie.
    """
    if not np.isfinite(se) or se <= 0:
        raise DesignError(
            f"standard error {se!r} for estimate {estimate!r}: the design leaves no variation to "
            "test against (too few municipalities, or a regressor absorbed by the fixed effects)"
        )
    t_stat = estimate / se
    p_value = float(2 * special.stdtr(df, -abs(t_stat)))
    half = float(special.stdtrit(df, 1 - alpha / 2) * se)
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
    return WaldTest(f_stat, q, df_den, float(special.fdtrc(q, df_den, f_stat)))


# --- Wild cluster restricted bootstrap ---------------------------------------------------------

WEBB_POINTS = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])
RADEMACHER_POINTS = np.array([-1.0, 1.0])
BOOTSTRAP_WEIGHTS = {"rademacher": RADEMACHER_POINTS, "webb": WEBB_POINTS}

# Two t statistics this close (relative) count as equal: the identity draw reproduces the
# original t exactly in exact arithmetic, and rounding must not decide whether it counts.
_TIE = 1e-10


def bootstrap_weights(
    n_clusters: int, reps: int, kind: str = "webb", seed: int = 0
) -> tuple[np.ndarray, bool]:
    """Cluster weights, draws x clusters, and whether they are a full enumeration.

    Every sign pattern is used (deterministic, exact) when there are at most ``reps`` of them
    (``2**G`` for Rademacher, ``6**G`` for Webb's six-point distribution); otherwise ``reps``
    rows are drawn with a seeded generator.
    """
    if kind not in BOOTSTRAP_WEIGHTS:
        raise ValueError(f"unknown bootstrap weights '{kind}'; choose rademacher or webb")
    points = BOOTSTRAP_WEIGHTS[kind]
    if points.size**n_clusters <= reps:
        grid = np.array(list(itertools.product(points, repeat=n_clusters)))
        return grid, True
    rng = np.random.default_rng(seed)
    return rng.choice(points, size=(reps, n_clusters)), False


@dataclass(frozen=True)
class WildBootstrap:
    """A wild cluster restricted bootstrap of one coefficient, ready to test any null value.

    The fast-and-wild algebra (Roodman, MacKinnon, Nielsen & Webb 2019) for a single coefficient
    after the fixed effects are partialled out: with ``d`` the partialled regressor, ``u_r`` the
    residuals with the null imposed and ``v`` the cluster weights of one draw,

    - the bootstrap coefficient is ``beta0 + sum_g v_g s_g / H`` with ``s_g`` the cluster score
      ``sum_{i in g} w_i d_i u_r,i`` and ``H = sum_i w_i d_i**2``;
    - the bootstrap cluster scores are ``C v - (beta* - beta0) h``, where ``C[h, g]`` is the score
      of cluster ``h`` of the fixed-effect-partialled ``u_r`` restricted to cluster ``g`` and
      ``h`` holds ``sum_{i in h} w_i d_i**2``.

    ``C`` is linear in ``beta0``, so the draws are multiplied out once and every null value costs
    O(draws) afterwards: p-values for the test and for its inversion into a confidence interval.
    The bootstrap t uses the CR1 variance, as the original t does (the factor cancels).
    """

    estimate: float
    se: float  # CR1 standard error of the estimate
    factor: float  # CR1 small-sample factor
    hessian: float  # H
    num_y: np.ndarray  # per draw: sum_g v_g s_g(y), and the same for d
    num_d: np.ndarray
    score_yy: np.ndarray  # per draw: sums of squared bootstrap scores, split by beta0 power
    score_yd: np.ndarray
    score_dd: np.ndarray
    draws: int
    enumerated: bool
    weights: str

    @classmethod
    def prepare(
        cls, fit: WeightedFit, reps: int = 9999, weights: str = "webb", seed: int = 0
    ) -> WildBootstrap:
        """Multiply out the draws for the first (single) regressor of ``fit``."""
        if fit.x.shape[1] != 1:
            raise ValueError("the wild bootstrap here tests a model with one regressor of interest")
        d, y, w, c = fit.x[:, 0], fit.y, fit.weight, fit.cluster
        g = fit.n_clusters
        hessian = float(np.sum(w * d * d))
        h = np.bincount(c, weights=w * d * d, minlength=g)
        # C[h, g] for the outcome and for the regressor: each cluster's part partialled separately
        c_y = fit.fe.cluster_cross(c, w * d, y, g)
        c_d = fit.fe.cluster_cross(c, w * d, d, g)
        v, enumerated = bootstrap_weights(g, reps, weights, seed)
        num_y, num_d = v @ c_y.sum(axis=0), v @ c_d.sum(axis=0)
        p = v @ c_y.T - (num_y / hessian)[:, None] * h[None, :]
        q = v @ c_d.T - (num_d / hessian)[:, None] * h[None, :]
        factor = cr1_factor(fit)
        vcov = cr1_vcov(fit)
        return cls(
            estimate=float(fit.coef[0]),
            se=float(np.sqrt(vcov[0, 0])),
            factor=factor,
            hessian=hessian,
            num_y=num_y,
            num_d=num_d,
            score_yy=np.einsum("bg,bg->b", p, p),
            score_yd=np.einsum("bg,bg->b", p, q),
            score_dd=np.einsum("bg,bg->b", q, q),
            draws=len(v),
            enumerated=enumerated,
            weights=weights,
        )

    def t_boot(self, null: float = 0.0) -> np.ndarray:
        """Bootstrap t statistics with ``beta = null`` imposed."""
        delta = (self.num_y - null * self.num_d) / self.hessian
        meat = self.score_yy - 2 * null * self.score_yd + null * null * self.score_dd
        se = np.sqrt(self.factor * np.maximum(meat, 0.0)) / self.hessian
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(se > 0, delta / se, 0.0)

    def t_stat(self, null: float = 0.0) -> float:
        return (self.estimate - null) / self.se

    def p_value(self, null: float = 0.0) -> float:
        """Symmetric two-sided p-value: the share of draws with ``|t*| >= |t|`` (ties count)."""
        t = abs(self.t_stat(null))
        return float(np.mean(np.abs(self.t_boot(null)) >= t * (1 - _TIE)))

    def confidence_interval(self, alpha: float = 0.05) -> tuple[float, float]:
        """The test-inversion interval: on each side, where the p-value first drops to ``alpha``.

        From the estimate (p = 1) outward, the step doubles until a null value is rejected; a
        grid of ``GRID`` points between the estimate and that value then finds the first
        rejected one (the p-value need not fall monotonically), and bisection refines that
        crossing to 1e-9 of a standard error. A dip below ``alpha`` narrower than one grid step
        can be missed. An end is infinite when no null value within 1e6 standard errors is
        rejected.
        """
        return (self._bound(-1.0, alpha), self._bound(1.0, alpha))

    GRID = 512

    def _bound(self, side: float, alpha: float) -> float:
        step = self.se
        outer = self.estimate + side * step
        while self.p_value(outer) > alpha:
            step = step * 2
            if step > 1e6 * self.se:
                return side * np.inf
            outer = self.estimate + side * step
        grid = self.estimate + side * step * np.arange(1, self.GRID + 1) / self.GRID
        rejected = next(i for i, null in enumerate(grid) if self.p_value(null) <= alpha)
        inner = self.estimate if rejected == 0 else grid[rejected - 1]
        outer = grid[rejected]
        while abs(outer - inner) > 1e-9 * self.se:
            middle = (inner + outer) / 2
            if self.p_value(middle) > alpha:
                inner = middle
            else:
                outer = middle
        return float((inner + outer) / 2)
