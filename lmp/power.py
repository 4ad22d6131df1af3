"""Power, minimum detectable effects and dilution: why a target-group effect may not show.

The national monitor's lesson was that effects aimed at target groups did not show at the level
of the regional population. Two things decide whether they could have:

- **dilution**: if only the target group (share ``s`` of the population) is affected by ``tau``,
  the population mean moves by ``s * tau``; a spillover ``tau_n`` on everybody else adds
  ``(1 - s) * tau_n``;
- **power**: the smallest population effect the design can detect, the minimum detectable effect
  (MDE), at 80% power in a two-sided 5% test, *under the inference actually used*.

The MDE under randomization inference needs no normal approximation: the placebo estimates are
draws of the estimate's error under no effect, so with an additive effect ``delta`` the estimate
is ``delta + e`` for a placebo error ``e``, and the test rejects when ``|delta + e|`` exceeds the
test's critical value (the same one that makes its confidence interval). The power at ``delta``
is the share of placebo errors for which that happens. For comparison, the conventional MDE is
``(t_{1-alpha/2} + t_{power}) * SE``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import special


def placebo_p_value(statistic: float, placebos: np.ndarray) -> float:
    """Placebo-test p-value ``(1 + #{placebo >= statistic}) / (1 + B)`` for a statistic where
    larger is more extreme (pass absolute values for a two-sided test). Placebos within a relative
    1e-12 of the statistic count as ties, so rounding cannot drop them."""
    extreme = np.sum(np.asarray(placebos) >= statistic * (1 - 1e-12))
    return float((1 + extreme) / (1 + len(placebos)))


def placebo_critical_value(placebos: np.ndarray, alpha: float = 0.05) -> float:
    """The |estimate| beyond which the placebo test rejects at ``alpha`` (inf: it never can).

    It is the ``floor(alpha * (1 + B))``-th largest ``|placebo|`` of ``B`` placebos, the half-width
    of the randomization-inference confidence interval.
    """
    m = math.floor(alpha * (1 + len(placebos)) + 1e-9)
    if m == 0:
        return math.inf
    return float(np.sort(np.abs(placebos))[::-1][m - 1])


def placebo_power(delta: float, placebos: np.ndarray, alpha: float = 0.05) -> float:
    """Share of placebo errors ``e`` for which an effect ``delta`` would be found: ``|delta + e| > c``."""
    c = placebo_critical_value(placebos, alpha)
    return float(np.mean(np.abs(delta + np.asarray(placebos)) > c))


def mde_placebo(placebos: np.ndarray, alpha: float = 0.05, power: float = 0.8) -> float:
    """Smallest ``|delta|`` found with at least ``power``, in whichever direction is harder.

    Power only changes where ``delta + e`` crosses ``+-c`` for some placebo error ``e``, so the
    candidates are exactly ``c - e`` (increases) and ``c + e`` (decreases, as ``-delta``); the
    smallest candidate reaching ``power`` (just past it, as rejection needs ``|delta + e| > c``)
    is the exact MDE of that direction. Returns inf when the test can never reject (too few
    placebos for ``alpha``).
    """
    placebos = np.asarray(placebos, dtype=float)
    c = placebo_critical_value(placebos, alpha)
    if math.isinf(c):
        return math.inf
    worst = 0.0
    for errors in (placebos, -placebos):  # a decrease with errors e is an increase with -e
        ordered = np.sort(errors)
        candidates = np.sort(c - ordered)
        candidates = candidates[candidates > 0]
        past = candidates * (1 + 1e-12) + 1e-300
        # |delta + e| > c  <=>  e > c - delta  or  e < -c - delta
        hits = (ordered.size - np.searchsorted(ordered, c - past, side="right")) + np.searchsorted(
            ordered, -c - past, side="left"
        )
        reached = np.flatnonzero(hits / ordered.size >= power)
        worst = max(worst, float(candidates[reached[0]]) if reached.size else math.inf)
    return worst


def mde_normal(se: float, df: int, alpha: float = 0.05, power: float = 0.8) -> float:
    """The textbook MDE ``(t_{1-alpha/2} + t_{power}) * SE`` (what CR1 inference would claim)."""
    return float((special.stdtrit(df, 1 - alpha / 2) + special.stdtrit(df, power)) * se)


def dilution_table(results: pd.DataFrame, shares: dict[str, float]) -> pd.DataFrame:
    """Per outcome: the population effect a target-group effect implies, and whether it is visible.

    ``results`` holds one row per outcome and design (``population``, ``target``, ``triple``) with
    at least ``estimate``, ``mde_ri`` and ``mde_cr1`` (see :func:`lmp.did.estimate` with
    ``inference="ri"`` or ``"all"``); ``shares`` maps outcome to the target group's share of the
    proeftuin's persons. Assumes the triple difference estimates target minus non-target effect,
    so the non-target (spillover) effect is ``target - triple``.

    Columns: the target-group effect and share; the implied population effect without spillover
    (``share * target``) and with the estimated spillover; the population estimate; the MDEs at
    target-group and population level under randomization inference (and CR1 for comparison);
    whether the implied population effect reaches the population MDE; and the target-group
    effect that would be needed for the population design to see it (``MDE / share``).
    """
    wide = results.pivot(index="outcome", columns="design")
    rows = []
    for outcome in wide.index:
        share = float(shares[outcome])
        target = float(wide.loc[outcome, ("estimate", "target")])
        spill = target - float(wide.loc[outcome, ("estimate", "triple")])
        implied = share * target
        implied_spill = implied + (1 - share) * spill
        mde_pop = float(wide.loc[outcome, ("mde_ri", "population")])
        rows.append(
            {
                "outcome": outcome,
                "target_effect": target,
                "target_share": share,
                "nontarget_effect": spill,
                "implied_population_effect": implied,
                "implied_population_effect_with_spillover": implied_spill,
                "population_estimate": float(wide.loc[outcome, ("estimate", "population")]),
                "mde_target_ri": float(wide.loc[outcome, ("mde_ri", "target")]),
                "mde_population_ri": mde_pop,
                "mde_population_cr1": float(wide.loc[outcome, ("mde_cr1", "population")]),
                "implied_visible": abs(implied) >= mde_pop,
                "target_effect_needed": mde_pop / share if share > 0 else math.inf,
            }
        )
    return pd.DataFrame(rows)
