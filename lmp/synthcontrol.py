"""Synthetic control per proeftuin: a robustness check beside the difference-in-differences.

Units and outcome paths
-----------------------
The **treated unit** is the proeftuin's region: per year, the person-weighted mean of the outcome
over its municipalities (``sum value_sum / sum n_persons``), on the cells of
:func:`lmp.did.study_cells` for the chosen design (``"population"``: everybody; ``"target"``: the
proeftuin's target segments, here and in every donor). Each **donor** is one municipality of the
comparison pool with its own person-weighted mean per year. A donor must be observed (persons > 0)
in every year the region is observed; donors that are not are left out and counted in the result
(``n_donors_excluded``). A year in which one of the region's municipalities has no persons changes
the region's composition; the bundled data have none.

Donor pool: the nearest donors
------------------------------
Each fit uses only the ``nearest`` donors (default 20) whose pre-period paths are closest to the
unit being fitted (root mean squared difference over the pre-period years; ties by municipality
code). Abadie (2021) advises restricting the pool to units similar to the treated one, to limit
interpolation bias; here it matters more: with all ~300 single-municipality donors, the few most
extreme ones are vertices of the donors' convex hull, get weight in nearly every fit, and their
post-period noise then shifts the treated gap and every placebo gap alike (on the bundled data
the placebo gaps of the target design were centred at +40 to +465 euro instead of zero). The
same rule is applied to the real region and to every placebo region.

Weights (Abadie, Diamond & Hainmueller 2010, without covariates)
----------------------------------------------------------------
``w >= 0``, ``sum(w) = 1``, minimising ``sum_{t < start} (y_region,t - sum_j w_j y_j,t)**2``: the
predictor matrix ``V`` is the identity on the pre-period outcomes, so every pre-period *year* counts
equally. The objective is not weighted by persons: persons enter only through the person-weighted
means that make up each path (a large donor is not preferred for being large).

The constrained least-squares problem is the minimum-norm point of the convex hull of the columns
``c_j = y_j,pre - y_region,pre``. It is solved exactly by one non-negative least-squares problem
(Lawson & Hanson's active-set algorithm, :func:`scipy.optimize.nnls`)::

    u = argmin_{u >= 0} || [C; 1'] u - [0; 1] ||**2,        w = u / sum(u)

because the KKT conditions of this problem, divided by ``sum(u) > 0``, are exactly those of the
simplex-constrained one (with multiplier ``(1 - sum(u)) / sum(u)``). It is deterministic.

With a few pre-period years and 20 donors the region usually lies inside the donors'
convex hull, so the pre-period fit is (near) perfect and the weights are **not unique**: the solver
returns one sparse solution (at most ``T0 + 1`` donors), and another equally good one could weight
other donors. Read the weights table as one synthetic region, not as *the* comparison. For the same
reason the pre-RMSPE is then zero up to rounding and the classic post/pre RMSPE ratio is noise
divided by noise. A pre-RMSPE below ``1e-9`` times the outcome's scale (the root mean square of the
donors' pre-period paths) is treated as an exact fit and the ratio divides by that floor instead, so
among exact fits the ratio ranks the post-RMSPE (``exact_pre_fit`` flags them). The |average post
gap| p-value is the easier one to read.

Effect and inference
--------------------
gap_t = region - synthetic; the effect estimate is the mean post-period gap (years equally
weighted). Pre- and post-RMSPE are root mean squared gaps. Placebo-in-space inference follows
:func:`lmp.did.randomization_inference` and draws its regions with the same
:func:`lmp.did.placebo_regions`: placebo regions of as many donor municipalities as the proeftuin
has (all subsets when there are at most ``placebos`` of them, else ``placebos`` random ones drawn
with ``seed``), from the donors (comparison municipalities observed in every year), aggregated
like the region and each fitted against the remaining donors. The
p-values are ``(1 + #{placebo >= actual}) / (1 + n_placebos)`` for the post/pre RMSPE ratio (Abadie
et al. 2010) and for the |average post gap|. No placebo is discarded for a poor pre-period fit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import nnls

from lmp import did
from lmp.contract import Dataset
from lmp.errors import DesignError, ParameterError
from lmp.power import placebo_p_value
from lmp.reference import Reference, load_reference

DESIGNS = ("population", "target")
NEAREST_DONORS = 20  # donors per fit: those with pre-period paths closest to the fitted unit
# A pre-RMSPE below this fraction of the outcome's scale (root mean square of the pre-period
# paths) is an exact fit up to rounding; the RMSPE ratio divides by this floor instead.
_EXACT = 1e-9


def simplex_weights(donors_pre: np.ndarray, treated_pre: np.ndarray) -> np.ndarray:
    """Weights ``w >= 0``, ``sum(w) = 1`` minimising ``||treated_pre - donors_pre @ w||**2``.

    ``donors_pre`` is (pre-period years x donors), ``treated_pre`` the treated path over the same
    years. Solved exactly as one non-negative least-squares problem (see the module docstring).
    """
    donors_pre = np.asarray(donors_pre, dtype=float)
    treated_pre = np.asarray(treated_pre, dtype=float)
    n_years, n_donors = donors_pre.shape
    if n_donors == 0:
        raise DesignError("no donor left to build a synthetic control from")
    c = donors_pre - treated_pre[:, None]
    scale = float(np.max(np.abs(c)))
    if scale == 0.0:  # every donor equals the treated path: any convex combination fits
        return np.full(n_donors, 1.0 / n_donors)
    a = np.vstack([c / scale, np.ones((1, n_donors))])
    b = np.zeros(n_years + 1)
    b[-1] = 1.0
    u, _ = nnls(a, b, maxiter=50 * (n_donors + n_years + 1))
    return u / u.sum()


def nearest_donors(donors_pre: np.ndarray, treated_pre: np.ndarray, n: int | None) -> np.ndarray:
    """Column indices of the ``n`` donors whose pre-period paths are closest to ``treated_pre``.

    Closeness is the root mean squared difference over the pre-period years; ties go to the
    earlier column (donors are in municipality-code order). ``None``, or ``n`` at least the number
    of donors, keeps every donor. The indices are returned in column order.
    """
    n_donors = donors_pre.shape[1]
    if n is None or n >= n_donors:
        return np.arange(n_donors)
    distance = np.sqrt(np.mean((donors_pre - treated_pre[:, None]) ** 2, axis=0))
    return np.sort(np.argsort(distance, kind="stable")[:n])


@dataclass(frozen=True)
class _Fit:
    weights: np.ndarray
    synthetic: np.ndarray
    gap: np.ndarray
    pre_rmspe: float
    post_rmspe: float
    estimate: float
    ratio: float
    exact: bool  # pre-RMSPE at or below the rounding floor


def _fit(
    treated: np.ndarray, donors: np.ndarray, post: np.ndarray, floor: float, nearest: int | None
) -> _Fit:
    """Weights on the pre-period (over the ``nearest`` donors), then the gap path and summaries.

    The RMSPE ratio divides by ``max(pre_rmspe, floor)``: a pre-period fit exact up to rounding
    counts as ``floor``, so among exact fits the ratio ranks the post-RMSPE. ``weights`` has one
    entry per donor column, zero outside the nearest donors.
    """
    pool = nearest_donors(donors[~post], treated[~post], nearest)
    weights = np.zeros(donors.shape[1])
    weights[pool] = simplex_weights(donors[~post][:, pool], treated[~post])
    synthetic = donors @ weights
    gap = treated - synthetic
    pre = float(np.sqrt(np.mean(gap[~post] ** 2)))
    post_rmspe = float(np.sqrt(np.mean(gap[post] ** 2)))
    return _Fit(
        weights=weights,
        synthetic=synthetic,
        gap=gap,
        pre_rmspe=pre,
        post_rmspe=post_rmspe,
        estimate=float(np.mean(gap[post])),
        ratio=post_rmspe / max(pre, floor),
        exact=pre <= floor,
    )


@dataclass(frozen=True)
class _Panel:
    """Per-year sums and persons by municipality (rows) and year (columns), on the region's years."""

    codes: list[str]  # row order of sums and persons
    years: list[int]
    sums: np.ndarray
    persons: np.ndarray
    treated: list[str]
    donors: list[str]  # comparison municipalities observed in every year
    n_excluded: int
    post: np.ndarray  # per year (column): from the start year on

    def _rows(self, members: list[str]) -> np.ndarray:
        return np.searchsorted(self.codes, members)

    def path(self, members: list[str]) -> np.ndarray:
        """Person-weighted mean per year over ``members``."""
        rows = self._rows(members)
        return self.sums[rows].sum(axis=0) / self.persons[rows].sum(axis=0)

    def means(self, members: list[str]) -> np.ndarray:
        """(years x members) matrix of each member's own mean per year."""
        rows = self._rows(members)
        return (self.sums[rows] / self.persons[rows]).T


def _panel(cells: pd.DataFrame) -> _Panel:
    grouped = cells.groupby(["gemeente_code", "year"], sort=True)[["value_sum", "n_persons"]].sum()
    sums = grouped["value_sum"].unstack("year")
    persons = grouped["n_persons"].unstack("year")
    treated = sorted(cells.loc[cells["treated"] == 1, "gemeente_code"].unique())
    years = persons.columns[persons.loc[treated].sum() > 0]
    sums, persons = sums[years].fillna(0.0), persons[years].fillna(0)
    pool = sorted(cells.loc[cells["treated"] == 0, "gemeente_code"].unique())
    complete = (persons.loc[pool] > 0).all(axis=1)
    post = cells.drop_duplicates("year").set_index("year")["post"].loc[years].to_numpy() == 1
    return _Panel(
        codes=list(sums.index),
        years=[int(y) for y in years],
        sums=sums.to_numpy(dtype=float),
        persons=persons.to_numpy(dtype=float),
        treated=treated,
        donors=[g for g in pool if complete[g]],
        n_excluded=int((~complete).sum()),
        post=post,
    )


@dataclass(frozen=True)
class SynthResult:
    """A synthetic-control estimate with placebo-in-space p-values.

    ``estimate`` is the mean post-period gap (region - synthetic). ``weights``: every donor with a
    positive weight (``gemeente_code``, ``name``, ``weight``), largest first. ``gaps``: per year
    ``year, post, treated, synthetic, gap``. ``placebos``: per placebo region ``municipalities,
    pre_rmspe, post_rmspe, rmspe_ratio, exact_pre_fit, estimate``.
    """

    proeftuin: str
    outcome: str
    design: str
    estimate: float
    pre_rmspe: float
    post_rmspe: float
    rmspe_ratio: float  # post-RMSPE / max(pre-RMSPE, rmspe_floor)
    exact_pre_fit: bool  # pre-RMSPE <= rmspe_floor: the region lies in the donors' convex hull
    rmspe_floor: float
    p_value_ratio: float
    p_value_gap: float
    n_placebos: int
    enumerated: bool  # True: every placebo region was used; False: a seeded random draw
    seed: int
    n_treated_municipalities: int
    n_donors: int
    n_donors_excluded: int  # comparison municipalities without persons in some year
    n_donors_weighted: int
    n_donors_per_fit: int  # the nearest donors each fit may weight (all donors when fewer)
    pre_years: tuple[int, ...]
    post_years: tuple[int, ...]
    weights: pd.DataFrame = field(repr=False, compare=False)
    gaps: pd.DataFrame = field(repr=False, compare=False)
    placebos: pd.DataFrame = field(repr=False, compare=False)

    def to_dict(self) -> dict:
        """The scalar results (tables left out)."""
        skip = {"weights", "gaps", "placebos"}
        return {k: getattr(self, k) for k in self.__dataclass_fields__ if k not in skip}

    def tidy(self) -> pd.DataFrame:
        """One row of scalar results."""
        row = self.to_dict()
        row["pre_years"] = f"{self.pre_years[0]}-{self.pre_years[-1]}"
        row["post_years"] = f"{self.post_years[0]}-{self.post_years[-1]}"
        return pd.DataFrame([row])

    def top_weights(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` donors with the largest weights."""
        return self.weights.head(n).reset_index(drop=True)

    def summary(self, n: int = 5) -> str:
        """A short, readable block of text."""
        donors = ", ".join(
            f"{row.name} {row.weight:.3f}" for row in self.top_weights(n).itertuples(index=False)
        )
        draw = "all placebo regions" if self.enumerated else f"random draw, seed {self.seed}"
        return "\n".join(
            [
                f"Synthetic control ({did.DESIGN_LABELS[self.design]}) - proeftuin "
                f"{self.proeftuin}, outcome {self.outcome}",
                f"  average post gap {self.estimate:12.4f}   pre-RMSPE {self.pre_rmspe:.4f}"
                f"   post-RMSPE {self.post_rmspe:.4f}",
                f"  placebo p: RMSPE ratio {self.p_value_ratio:.4f}   |gap| {self.p_value_gap:.4f}"
                f"   ({self.n_placebos} placebos, {draw})",
                f"  donors {self.n_donors} ({self.n_donors_per_fit} nearest per fit,"
                f" {self.n_donors_weighted} weighted, {self.n_donors_excluded} excluded)"
                f"   top: {donors}",
            ]
        )


def _placebo_table(
    panel: _Panel, donors: np.ndarray, floor: float, sets: list[list[str]], nearest: int | None
) -> pd.DataFrame:
    """Fit every placebo region against the donors outside it; one row per placebo region."""
    rows = []
    for chosen in sets:
        keep = ~np.isin(panel.donors, chosen)
        fit = _fit(panel.path(chosen), donors[:, keep], panel.post, floor, nearest)
        rows.append(
            {
                "municipalities": ";".join(chosen),
                "pre_rmspe": fit.pre_rmspe,
                "post_rmspe": fit.post_rmspe,
                "rmspe_ratio": fit.ratio,
                "exact_pre_fit": fit.exact,
                "estimate": fit.estimate,
            }
        )
    columns = ["municipalities", "pre_rmspe", "post_rmspe", "rmspe_ratio", "exact_pre_fit"]
    return pd.DataFrame(rows, columns=[*columns, "estimate"])


def _weights_table(codes: list[str], weights: np.ndarray, ref: Reference) -> pd.DataFrame:
    """Donors with a positive weight, largest first (ties by code), with their names."""
    names = ref.gemeenten.set_index("gemeente_code")["name"]
    return (
        pd.DataFrame({"gemeente_code": codes, "weight": weights})
        .query("weight > 0")
        .assign(name=lambda f: f["gemeente_code"].map(names))
        .sort_values(["weight", "gemeente_code"], ascending=[False, True], kind="mergesort")
        .reset_index(drop=True)[["gemeente_code", "name", "weight"]]
    )


def synthetic_control(
    data: Dataset | pd.DataFrame,
    proeftuin: str,
    outcome: str,
    design: str = "target",
    placebos: int = 100,
    seed: int = 0,
    ref: Reference | None = None,
    nearest: int | None = NEAREST_DONORS,
) -> SynthResult:
    """Synthetic control for one proeftuin, outcome and design (see the module docstring).

    ``placebos`` bounds the number of placebo regions (0 for none; the p-values are then 1).
    ``nearest`` donors enter each fit (``None``: every donor).
    """
    if design not in DESIGNS:
        raise ParameterError(
            f"the synthetic control is defined for the {' and '.join(DESIGNS)} designs, "
            f"not '{design}'"
        )
    if placebos < 0:
        raise ParameterError(f"placebos must be >= 0, got {placebos}")
    if nearest is not None and nearest < 1:
        raise ParameterError(f"nearest must be >= 1 (or None for every donor), got {nearest}")
    ref = ref or load_reference()
    panel = _panel(did.study_cells(data, proeftuin, outcome, design, ref))
    if (~panel.post).sum() == 0 or panel.post.sum() == 0:
        raise DesignError(f"'{proeftuin}': need observed years before and after the start")
    donors = panel.means(panel.donors)
    floor = _EXACT * float(np.sqrt(np.mean(donors[~panel.post] ** 2)))
    actual = _fit(panel.path(panel.treated), donors, panel.post, floor, nearest)
    sets, enumerated = (
        did.placebo_regions(panel.donors, len(panel.treated), placebos, seed)
        if placebos
        else ([], True)
    )
    placebo_table = _placebo_table(panel, donors, floor, sets, nearest)
    weights = _weights_table(panel.donors, actual.weights, ref)
    years = panel.years
    gaps = pd.DataFrame(
        {
            "year": years,
            "post": panel.post.astype(int),
            "treated": panel.path(panel.treated),
            "synthetic": actual.synthetic,
            "gap": actual.gap,
        }
    )
    return SynthResult(
        proeftuin=proeftuin,
        outcome=outcome,
        design=design,
        estimate=actual.estimate,
        pre_rmspe=actual.pre_rmspe,
        post_rmspe=actual.post_rmspe,
        rmspe_ratio=actual.ratio,
        exact_pre_fit=actual.exact,
        rmspe_floor=floor,
        p_value_ratio=placebo_p_value(actual.ratio, placebo_table["rmspe_ratio"].to_numpy(float)),
        p_value_gap=placebo_p_value(
            abs(actual.estimate), np.abs(placebo_table["estimate"].to_numpy(float))
        ),
        n_placebos=len(placebo_table),
        enumerated=enumerated,
        seed=seed,
        n_treated_municipalities=len(panel.treated),
        n_donors=len(panel.donors),
        n_donors_excluded=panel.n_excluded,
        n_donors_weighted=len(weights),
        n_donors_per_fit=len(panel.donors) if nearest is None else min(nearest, len(panel.donors)),
        pre_years=tuple(y for y, p in zip(years, panel.post, strict=True) if not p),
        post_years=tuple(y for y, p in zip(years, panel.post, strict=True) if p),
        weights=weights,
        gaps=gaps,
        placebos=placebo_table,
    )
