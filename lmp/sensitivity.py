"""How far can parallel trends fail before an event-study conclusion changes?

A simplified, conservative sensitivity analysis in the spirit of the *relative-magnitude*
restrictions of Rambachan & Roth (2023), "A More Credible Approach to Parallel Trends",
Review of Economic Studies 90(5), 2555-2591.

Write each event-study coefficient as the effect plus a bias from a difference in trends,
``beta_t = tau_t + delta_t``, with ``delta_ref = 0`` at the reference year. Before the start there
is no effect, so the pre-period bias is the pre-period coefficient; here it is taken at its estimate
(``delta_pre = beta_pre_hat``). The restriction Delta^RM(Mbar) says that no year-on-year change in
the bias after the reference year is larger than ``Mbar`` times the largest year-on-year change
before it::

    |delta_t - delta_{t-1}| <= Mbar * max_{s <= ref} |delta_s - delta_{s-1}|   for every t > ref

(consecutive differences; the reference year counts, as 0). The parameter is
``theta = a' tau_post``: the average of the post-period effects (``rel_year >= 0``) or the effect in
one chosen post year. For each ``Mbar`` the identified set of ``theta`` is found by linear
programming (the smallest and largest ``a' delta_post`` allowed), and a robust confidence interval
widens it by ``c * se(theta_hat)`` on both sides. With one or a few treated regions the CR1
``se`` is far too small, so the reports pass ``c = h / se`` with ``h`` the randomization-inference
half-width of theta (:func:`ri_critical_value`): the widening is then ``h``, from the same
placebo regions as the rest of the report, and at M̄ = 0 the interval is the RI interval.

What this is *not*: Rambachan & Roth's own confidence sets (the conditional / hybrid ARP sets of the
``HonestDiD`` packages) account for the sampling uncertainty in the pre-period coefficients that set
the bound. This module treats the pre-period estimates as known when it sets the bound and adds the
sampling uncertainty of ``theta_hat`` afterwards: the interval is the union of the usual intervals
around every point of the identified set, which is simple and conservative (noise in the leads also
tends to make the largest pre-period change, and so the bound, larger). It is not their procedure:
no exact coverage or optimality is claimed, and their intervals are usually narrower.

The functions read only an :class:`lmp.did.EventStudyResult`'s ``table`` and ``vcov``, so they work
the same for the ``population`` and ``target`` designs (the triple design has no event study).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import optimize, stats

from lmp.did import EventStudyResult
from lmp.errors import DesignError, ParameterError
from lmp.power import placebo_critical_value

MBAR_GRID = (0.0, 0.5, 1.0, 1.5, 2.0)
COLUMNS = [
    "mbar",
    "theta_hat",
    "bias_bound",
    "id_low",
    "id_high",
    "ci_low",
    "ci_high",
    "covers_zero",
]


def _target_weights(result: EventStudyResult, target: str | int) -> pd.Series:
    """Weights ``a`` over the post-period relative years (``rel_year >= 0``) that define theta."""
    post = sorted(int(k) for k in result.table["rel_year"] if k >= 0)
    if not post:
        raise DesignError("the event study has no year from the start year on")
    if isinstance(target, str):
        if target != "average":
            raise ParameterError(
                f"unknown target '{target}'; use 'average' or a post-period relative year"
            )
        return pd.Series(1.0 / len(post), index=post)
    if isinstance(target, bool) or not isinstance(target, int | np.integer):
        raise ParameterError(f"target must be 'average' or a relative year, not {target!r}")
    if int(target) not in post:
        raise ParameterError(
            f"target relative year {target} is not a post period; choose one of "
            f"{', '.join(map(str, post))}"
        )
    return pd.Series(1.0, index=[int(target)])


def _estimates(result: EventStudyResult) -> pd.Series:
    table = result.table.set_index("rel_year")["estimate"].astype(float)
    table.index = table.index.astype(int)
    if table.index.duplicated().any():
        raise DesignError("the event-study table has a relative year more than once")
    return table


def theta_estimate(result: EventStudyResult, target: str | int = "average") -> tuple[float, float]:
    """``(theta_hat, se)``: the target's point estimate and its CR1 standard error ``sqrt(a'Va)``.

    Handy to turn a half-width ``h`` from randomization inference or a bootstrap into the
    ``critical_value`` of :func:`relative_magnitude_bounds`: pass ``h / se``.
    """
    weights = _target_weights(result, target)
    beta = _estimates(result)
    years = list(weights.index)
    missing = [k for k in years if k not in result.vcov.index or k not in result.vcov.columns]
    if missing:
        raise DesignError(f"the event-study vcov has no row for relative year(s) {missing}")
    a = weights.to_numpy()
    vcov = result.vcov.loc[years, years].to_numpy(dtype=float)
    theta = float(a @ beta.loc[years].to_numpy())
    variance = float(a @ vcov @ a)
    if not (math.isfinite(theta) and math.isfinite(variance)) or variance < 0:
        raise DesignError("the event-study estimates or their covariance are not finite")
    return theta, math.sqrt(variance)


def placebo_half_width(
    result: EventStudyResult, target: str | int = "average", alpha: float = 0.05
) -> float:
    """Half-width ``h`` of the randomization-inference interval of theta.

    Theta is computed for every placebo region of the event study (``result.placebo_coefs``,
    present when the event study ran with ``ri_reps > 0``) with the same weights as for the
    proeftuin; ``h`` is the placebo test's critical value (:func:`lmp.power.placebo_critical_value`:
    the ``floor(alpha * (1 + B))``-th largest ``|placebo theta|``), so ``theta_hat +- h`` is the
    placebo-test inversion of theta under a constant additive effect. Infinite when there are too
    few placebos to reject at ``alpha``. Assumes, as randomization inference does, that the
    proeftuin's estimation error is exchangeable with the placebo regions' estimates.
    """
    if result.placebo_coefs is None:
        raise ParameterError(
            "the event study ran without randomization inference (ri_reps = 0): no placebo "
            "coefficients to base the interval on"
        )
    weights = _target_weights(result, target)
    thetas = result.placebo_coefs[list(weights.index)].to_numpy(dtype=float) @ weights.to_numpy()
    return placebo_critical_value(thetas[np.isfinite(thetas)], alpha)


def ri_critical_value(
    result: EventStudyResult, target: str | int = "average", alpha: float = 0.05
) -> float:
    """The ``critical_value`` that makes the robust intervals rest on randomization inference.

    ``placebo_half_width / se``: with it, :func:`relative_magnitude_bounds` widens the identified
    set by the placebo half-width ``h`` instead of ``t * se`` from CR1, so at M̄ = 0 the interval
    is exactly the randomization-inference interval of theta and, on data without an effect, it
    excludes zero at most as often as that test rejects (``benchmarks/sensitivity_size.py``).
    Infinite when there are too few placebo regions.
    """
    half = placebo_half_width(result, target, alpha)
    _, se = theta_estimate(result, target)
    if math.isinf(half):
        return math.inf
    if se <= 0:
        raise DesignError("theta has a zero standard error; the critical value is undefined")
    return half / se


def max_pre_change(result: EventStudyResult) -> float:
    """The largest year-on-year change in the pre-period coefficients, the reference year as 0.

    The rows before the reference year are taken in order, so a missing year makes its change count
    as one step (a larger bound). Raises :class:`DesignError` when there is no year before the
    reference year: the relative-magnitude restriction then has nothing to scale.
    """
    beta = _estimates(result)
    reference = int(result.reference_year)
    between = [k for k in beta.index if reference < k < 0]
    if between:
        raise DesignError(
            f"relative years {between} lie between the reference year {reference} and the start"
        )
    pre = beta[beta.index < reference].sort_index()
    if pre.empty:
        raise DesignError(
            "no year before the reference year: the relative-magnitude bound needs at least one "
            "pre-period change to scale"
        )
    path = np.append(pre.to_numpy(), 0.0)
    if not np.all(np.isfinite(path)):
        raise DesignError("the pre-period estimates are not finite")
    return float(np.max(np.abs(np.diff(path))))


def _bias_range(steps: np.ndarray, weights: np.ndarray, bound: float) -> tuple[float, float]:
    """Smallest and largest ``weights' delta`` with ``|delta_k - delta_{k-1}| <= bound``.

    ``delta_0 = 0`` is the reference year and ``steps`` (>= 1) says how many years after the
    reference each weighted period lies; the years in between are free variables too. Solved with
    the HiGHS linear-programming solver.
    """
    horizon = int(steps.max())
    c = np.zeros(horizon)
    c[steps - 1] = weights
    # D @ delta are the consecutive changes delta_k - delta_{k-1}, k = 1..horizon (delta_0 = 0)
    changes = np.eye(horizon) - np.eye(horizon, k=-1)
    a_ub = np.vstack([changes, -changes])
    b_ub = np.full(2 * horizon, bound)
    free = [(None, None)] * horizon
    low = optimize.linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=free, method="highs")
    high = optimize.linprog(-c, A_ub=a_ub, b_ub=b_ub, bounds=free, method="highs")
    if low.status != 0 or high.status != 0:  # pragma: no cover - the problem is always feasible
        raise DesignError(f"the bias linear program failed: {low.message} / {high.message}")
    return float(low.fun), float(-high.fun)


def _unit_bias_range(result: EventStudyResult, target: str | int) -> tuple[float, float]:
    """The bias range of theta at Mbar = 1; it scales linearly in Mbar."""
    weights = _target_weights(result, target)
    steps = np.array([k - int(result.reference_year) for k in weights.index])
    return _bias_range(steps, weights.to_numpy(), max_pre_change(result))


def _critical_value(result: EventStudyResult, alpha: float, critical_value: float | None) -> float:
    if critical_value is not None:
        value = float(critical_value)
        if not math.isfinite(value) or value < 0:
            raise ParameterError(f"critical_value must be a finite number >= 0, not {value}")
        return value
    if not 0 < alpha < 1:
        raise ParameterError(f"alpha must lie strictly between 0 and 1, not {alpha}")
    # the event study's t degrees of freedom: G - 1 clusters (a ``df`` field wins, should one appear)
    df = getattr(result, "df", None) or result.n_clusters - 1
    return float(stats.t.ppf(1 - alpha / 2, df))


def relative_magnitude_bounds(
    result: EventStudyResult,
    mbar_grid: Iterable[float] = MBAR_GRID,
    target: str | int = "average",
    alpha: float = 0.05,
    critical_value: float | None = None,
) -> pd.DataFrame:
    """Identified set and robust confidence interval of theta for each Mbar (see the module doc).

    A simplified, conservative version of Rambachan & Roth's (2023) relative-magnitude sensitivity
    analysis: the bound ``M = Mbar * (largest pre-period change)`` treats the pre-period estimates as
    known, and the interval is ``[id_low - c*se, id_high + c*se]`` with ``se = sqrt(a'Va)`` from the
    event study's CR1 covariance. It does not implement their conditional or hybrid (ARP) confidence
    sets, which are narrower and account for the pre-period sampling error.

    Parameters
    ----------
    result:
        An event study (population or target design).
    mbar_grid:
        Values of Mbar >= 0; returned sorted, without duplicates. Mbar = 0 is exact parallel
        trends after the start: the identified set is ``theta_hat`` and the interval its usual one.
    target:
        ``"average"``: the mean of the post-period coefficients (``rel_year >= 0``), or one post
        relative year (an int, e.g. ``2``).
    alpha:
        ``c`` is the ``1 - alpha/2`` quantile of t with the event study's ``G - 1`` df.
    critical_value:
        Use this ``c`` instead (e.g. ``h / se`` for a half-width ``h`` from randomization inference
        or a bootstrap; see :func:`theta_estimate`); ``alpha`` is then not used.

    Returns
    -------
    One row per Mbar: ``mbar, theta_hat, bias_bound`` (the largest absolute bias of theta allowed),
    ``id_low, id_high`` (identified set), ``ci_low, ci_high`` (robust interval) and
    ``covers_zero``. ``attrs`` holds ``target, se, critical_value, alpha, max_pre_change``.

    Bias path: with the reference year at step 0, the post year ``k`` steps after it can be biased
    by at most ``k * M``, so for the average the bound is ``M * mean(k)``; the linear program gives
    exactly this (a test checks it), and also covers any missing year between post periods.
    """
    grid = sorted({float(m) for m in mbar_grid})
    if not grid:
        raise ParameterError("mbar_grid is empty")
    if any(not math.isfinite(m) or m < 0 for m in grid):
        raise ParameterError(f"every Mbar must be a finite number >= 0, got {grid}")
    theta, se = theta_estimate(result, target)
    crit = _critical_value(result, alpha, critical_value)
    weights = _target_weights(result, target)
    steps = np.array([k - int(result.reference_year) for k in weights.index])
    largest = max_pre_change(result)
    rows = []
    for mbar in grid:
        low_bias, high_bias = _bias_range(steps, weights.to_numpy(), mbar * largest)
        id_low, id_high = theta - high_bias, theta - low_bias
        ci_low, ci_high = id_low - crit * se, id_high + crit * se
        rows.append(
            {
                "mbar": mbar,
                "theta_hat": theta,
                "bias_bound": max(abs(low_bias), abs(high_bias)),
                "id_low": id_low,
                "id_high": id_high,
                "ci_low": ci_low,
                "ci_high": ci_high,
                "covers_zero": bool(ci_low <= 0 <= ci_high),
            }
        )
    table = pd.DataFrame(rows, columns=COLUMNS)
    table.attrs.update(
        {
            "target": target,
            "se": se,
            "critical_value": crit,
            "alpha": None if critical_value is not None else alpha,
            "max_pre_change": largest,
        }
    )
    return table


def breakdown_mbar(
    result: EventStudyResult,
    target: str | int = "average",
    alpha: float = 0.05,
    critical_value: float | None = None,
) -> float:
    """The smallest Mbar at which the robust interval of :func:`relative_magnitude_bounds` holds 0.

    Exact, not searched: the allowed bias scales linearly in Mbar, so with ``u`` the largest bias of
    theta at Mbar = 1 (from the linear program) and ``h = c * se``, the interval reaches zero at
    ``(|theta_hat| - h) / u``. Edge cases:

    - ``0.0`` when the interval at Mbar = 0 already includes zero (no conclusion to overturn);
    - ``inf`` when it does not and every pre-period change is exactly zero: then ``M = 0`` for any
      Mbar and the interval never widens. Whenever the largest pre-period change is positive the
      breakdown value is finite.

    Raises :class:`DesignError` when there is no year before the reference year, even when the
    interval at Mbar = 0 would hold zero, just as :func:`relative_magnitude_bounds` does.
    """
    max_pre_change(result)  # refuses a result without a year before the reference year
    theta, se = theta_estimate(result, target)
    half = _critical_value(result, alpha, critical_value) * se
    if abs(theta) <= half:
        return 0.0
    low_bias, high_bias = _unit_bias_range(result, target)
    # theta > 0: the lower end theta - Mbar*high_bias - h must reach 0; theta < 0: the upper end
    per_mbar = high_bias if theta > 0 else -low_bias
    if per_mbar <= 0:
        return math.inf
    return float((abs(theta) - half) / per_mbar)
