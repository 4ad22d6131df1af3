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
Each fit uses only the ``nearest`` donors (default ``NEAREST_DONORS = 20``) whose pre-period paths
are closest to the unit being fitted (root mean squared difference over the years the weights are
fitted on; ties by municipality code). Abadie (2021) advises restricting the pool to units similar
to the treated one, to limit interpolation bias; here it matters more: with all ~300
single-municipality donors, the few most extreme ones are vertices of the donors' convex hull, get
weight in nearly every fit, and their post-period noise then shifts the treated gap and every
placebo gap alike (on the bundled data the placebo gaps of the target design were centred at +40
to +465 euro instead of zero). The same rule is applied to the real region, to every placebo
region and to the holdout fits below. The count 20 was checked on fresh no-effect data
(``benchmarks/synthcontrol_donors.py``: 10, 20, 40 and all donors are about equally unbiased, the
nearest 10-40 have the smaller error). It is not tied to the number of pre-period years: with
``T0`` of them a fit weights at most ``T0 + 1`` donors, and 20 donors are far more than the 3 or 4
pre-period years of the data, so a region inside the donors' hull is fitted exactly. Whether
such a fit means anything is what the holdout check below tells.

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

When the region lies inside the donors' convex hull the pre-period fit is exact and the weights
are **not unique**: the solver returns one sparse solution (at most ``T0 + 1`` donors), and another
equally good one could weight other donors. Read the weights table as one synthetic region, not as
*the* comparison.

Numerical zero
--------------
An exact fit leaves pre-period gaps of about ``1e-13`` (floating-point rounding), which are noise,
not numbers. Every RMSPE, gap and estimate whose size is at or below the **tolerance**
``EXACT_TOLERANCE = 1e-9`` times the outcome's scale (the root mean square of the donors'
pre-period paths; ``rmspe_tolerance`` in the result) is stored as exactly 0; ``exact_pre_fit``
says the pre-period RMSPE is such a 0, and texts print it as "0 (exact fit)".

Holdout check and the overfit flag
----------------------------------
An exact (or near-exact) pre-period fit says nothing about how well the synthetic control tracks
the region: with more donors than years the weights can match the pre-period's noise, and the
post-period gap then mostly measures noise too. So the fit is also judged **out of sample**, by
backdating (Abadie 2021): the last ``holdout`` pre-period years (default ``HOLDOUT_YEARS = 1``)
are held out, the weights are fitted on the earlier pre-period years (the *training* years, same
nearest-donor rule), and the result reports that fit's RMSPE on the training years
(``train_rmspe``, in sample) and on the held-out years (``holdout_rmspe``). The estimate itself
still uses weights fitted on every pre-period year; the holdout fit checks the procedure one step
earlier, where the truth (no effect yet) is known.

The rule (:func:`overfit`): the fit is **overfit** when ``holdout_rmspe > OVERFIT_RATIO *
max(train_rmspe, tolerance)`` with ``OVERFIT_RATIO = 3``. For an honest fit the held-out error is
of the size of the in-sample one (somewhat larger: in-sample residuals understate the noise), and
one held-out year beyond 3 times it is rare (for Gaussian noise ``P(|e| > 3 sigma) = 0.3%``). An
in-sample RMSPE at numerical zero leaves nothing to compare with, so then any held-out miss above
numerical zero flags the fit: the weights matched the training years exactly and did not carry
over to the next year. Weights identified by the data (more training years than donors, as in the
constructed test panel) carry over exactly and are not flagged. The result is **flagged**
(``fit_flagged``, with the category ``fit_flag_reason``: ``overfit`` or ``not checked``)
when it is overfit, or when no training year is left (the fit cannot be checked). Each placebo
fit gets the same check (columns ``holdout_rmspe`` and ``overfit`` of ``placebos``;
``n_placebos_overfit`` counts them).

Effect and inference
--------------------
gap_t = region - synthetic; the effect estimate is the mean post-period gap (years equally
weighted). Pre- and post-RMSPE are root mean squared gaps. Placebo-in-space inference follows
:func:`lmp.did.randomization_inference` and draws its regions with the same
:func:`lmp.did.placebo_regions`: placebo regions of as many donor municipalities as the proeftuin
has (all subsets when there are at most ``placebos`` of them, else ``placebos`` random ones drawn
with ``seed``), from the donors (comparison municipalities observed in every year), aggregated
like the region and each fitted against the remaining donors. The
p-values are ``(1 + #{placebo >= actual}) / (1 + n_placebos)`` for the |average post gap| and for
the post/pre RMSPE ratio (Abadie et al. 2010: the region's ratio ranked among the placebos'). No
placebo is discarded for a poor pre-period fit.

The RMSPE ratio divides by the pre-period RMSPE, so at a pre-RMSPE of 0 (an exact fit) it is not
a number: the region's ``rmspe_ratio`` and ``p_value_ratio`` are then NaN and the texts say why. A
placebo with an exact fit has an infinite ratio (its post-RMSPE over a pre-RMSPE tending to 0),
which counts as at least as extreme as the region's: conservative.

A flagged result still carries both p-values (for tables), but they are **not evidence** of an
effect: :meth:`SynthResult.summary` and :func:`lmp.report.sentences.fit_text` say so, and
``fit_flagged`` is the switch for any verdict built on them.
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
# An RMSPE, gap or estimate at or below this fraction of the outcome's scale (root mean square of
# the donors' pre-period paths) is floating-point noise and stored as exactly 0.
EXACT_TOLERANCE = 1e-9
HOLDOUT_YEARS = 1  # last pre-period years held out to check the fit out of sample
OVERFIT_RATIO = 3.0  # overfit: holdout RMSPE above this many times the in-sample RMSPE


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


def at_zero(values: float | np.ndarray, tolerance: float) -> float | np.ndarray:
    """``values`` (a number or an array) with every entry of size at or below ``tolerance`` set
    to exactly 0: floating-point noise, not a number to report. NaN stays NaN."""
    snapped = np.where(np.abs(values) <= tolerance, 0.0, values)
    return float(snapped) if np.ndim(snapped) == 0 else snapped


def rmspe(gap: np.ndarray, years: np.ndarray) -> float:
    """Root mean squared gap over the years where the boolean mask ``years`` is true (NaN: none)."""
    if not years.any():
        return float("nan")
    return float(np.sqrt(np.mean(gap[years] ** 2)))


def rmspe_ratio(post_rmspe: float, pre_rmspe: float) -> float:
    """Post- over pre-period RMSPE (Abadie et al. 2010).

    Assumes ``pre_rmspe`` went through :func:`at_zero`: at exactly 0 (an exact fit) the ratio is
    ``inf`` when the post-RMSPE is positive (the limit as the pre-RMSPE tends to 0) and NaN when
    it is 0 too. Callers that rank the region's own ratio treat an exact fit as undefined instead.
    """
    if pre_rmspe > 0:
        return post_rmspe / pre_rmspe
    return float("inf") if post_rmspe > 0 else float("nan")


def overfit(train_rmspe: float, holdout_rmspe: float, tolerance: float) -> bool:
    """The overfit rule: ``holdout_rmspe > OVERFIT_RATIO * max(train_rmspe, tolerance)``.

    Both RMSPEs come from the same weights, fitted on the training years: ``train_rmspe`` on
    those years, ``holdout_rmspe`` on the held-out ones. An in-sample RMSPE at numerical zero
    counts as ``tolerance``, so any real held-out miss then flags the fit. A NaN holdout RMSPE (no
    check was possible) is not called overfit; the caller flags that case itself.
    """
    if not np.isfinite(holdout_rmspe):
        return False
    return bool(holdout_rmspe > OVERFIT_RATIO * max(train_rmspe, tolerance))


def holdout_mask(post: np.ndarray, holdout: int) -> np.ndarray:
    """Boolean mask of the last ``holdout`` pre-period years, the years the holdout check predicts.

    All false when fewer than ``holdout + 1`` pre-period years are observed: at least one
    training year must be left to fit on.
    """
    pre_columns = np.flatnonzero(~post)
    mask = np.zeros(len(post), dtype=bool)
    if len(pre_columns) > holdout:
        mask[pre_columns[-holdout:]] = True
    return mask


def _weights(
    treated: np.ndarray, donors: np.ndarray, fitted: np.ndarray, nearest: int | None
) -> np.ndarray:
    """Simplex weights fitted on the years in the mask ``fitted``, over the ``nearest`` donors
    chosen on the same years; one entry per donor column, zero outside the nearest."""
    pool = nearest_donors(donors[fitted], treated[fitted], nearest)
    weights = np.zeros(donors.shape[1])
    weights[pool] = simplex_weights(donors[fitted][:, pool], treated[fitted])
    return weights


@dataclass(frozen=True)
class _Fit:
    weights: np.ndarray  # fitted on every pre-period year: the estimate's weights
    synthetic: np.ndarray
    gap: np.ndarray  # at numerical zero set to 0
    pre_rmspe: float
    post_rmspe: float
    estimate: float
    ratio: float  # rmspe_ratio: inf for an exact fit
    holdout_synthetic: np.ndarray  # from weights fitted on the training years only (NaN: none)
    train_rmspe: float  # of the holdout fit, on the training years (NaN: no check)
    holdout_rmspe: float  # of the holdout fit, on the held-out years (NaN: no check)
    overfit: bool

    @property
    def exact(self) -> bool:
        """The pre-period RMSPE is at numerical zero."""
        return self.pre_rmspe == 0.0


def _fit(
    treated: np.ndarray,
    donors: np.ndarray,
    post: np.ndarray,
    holdout: np.ndarray,
    tolerance: float,
    nearest: int | None,
) -> _Fit:
    """The estimate's fit on every pre-period year, and the holdout fit on the training years.

    ``post`` and ``holdout`` are boolean masks over the years (columns of ``donors``); the
    training years are the pre-period years outside ``holdout``. RMSPEs, gaps and the estimate
    at or below ``tolerance`` are set to 0 (:func:`at_zero`).
    """
    pre = ~post
    weights = _weights(treated, donors, pre, nearest)
    synthetic = donors @ weights
    raw_gap = treated - synthetic
    pre_rmspe = at_zero(rmspe(raw_gap, pre), tolerance)
    post_rmspe = at_zero(rmspe(raw_gap, post), tolerance)
    train = pre & ~holdout
    if holdout.any():
        holdout_synthetic = donors @ _weights(treated, donors, train, nearest)
        holdout_gap = treated - holdout_synthetic
        train_rmspe = at_zero(rmspe(holdout_gap, train), tolerance)
        holdout_rmspe = at_zero(rmspe(holdout_gap, holdout), tolerance)
    else:
        holdout_synthetic = np.full(len(treated), np.nan)
        train_rmspe = holdout_rmspe = float("nan")
    return _Fit(
        weights=weights,
        synthetic=synthetic,
        gap=at_zero(raw_gap, tolerance),
        pre_rmspe=pre_rmspe,
        post_rmspe=post_rmspe,
        estimate=at_zero(float(np.mean(raw_gap[post])), tolerance),
        ratio=rmspe_ratio(post_rmspe, pre_rmspe),
        holdout_synthetic=holdout_synthetic,
        train_rmspe=train_rmspe,
        holdout_rmspe=holdout_rmspe,
        overfit=overfit(train_rmspe, holdout_rmspe, tolerance),
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


def fixed(value: float, digits: int = 4) -> str:
    """``value`` with about ``digits`` significant digits in fixed-point notation, never in
    scientific notation: ``0`` as "0", NaN as "n/a". Assumes floating-point noise was already
    set to 0 (:func:`at_zero`), so every non-zero value is a real number worth its digits."""
    if np.isnan(value):
        return "n/a"
    if value == 0 or not np.isfinite(value):
        return f"{value:g}"
    decimals = min(15, max(0, digits - 1 - int(np.floor(np.log10(abs(value))))))
    return f"{value:,.{decimals}f}"


def span(years: tuple[int, ...]) -> str:
    """Years as text: "2010-2013" for a run, "2013" for one year, "none" for no year."""
    if not years:
        return "none"
    return str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"


@dataclass(frozen=True)
class SynthResult:
    """A synthetic-control estimate with its holdout check and placebo-in-space p-values.

    ``estimate`` is the mean post-period gap (region - synthetic). RMSPEs, gaps and the estimate
    at numerical zero are exactly 0 (module docstring). ``weights``: every donor with a positive
    weight (``gemeente_code``, ``name``, ``weight``), largest first. ``gaps``: per year ``year,
    post, holdout, treated, synthetic, gap, holdout_synthetic`` (``holdout`` marks the held-out
    pre-period years; ``holdout_synthetic`` is the path of the weights fitted on the training
    years only, NaN without a check). ``placebos``: per placebo region ``municipalities,
    pre_rmspe, post_rmspe, rmspe_ratio, exact_pre_fit, holdout_rmspe, overfit, estimate``.

    When ``fit_flagged`` the p-values are still there but are not evidence of an effect
    (``fit_flag_reason`` says why: ``overfit`` or ``not checked``).
    """

    proeftuin: str
    outcome: str
    design: str
    estimate: float
    pre_rmspe: float  # 0 when at numerical zero
    post_rmspe: float
    rmspe_ratio: float  # post-RMSPE / pre-RMSPE; NaN for an exact pre-period fit
    exact_pre_fit: bool  # pre-RMSPE at numerical zero: the region lies in the donors' convex hull
    rmspe_tolerance: float  # numerical zero: EXACT_TOLERANCE x the outcome's scale
    train_rmspe: float  # holdout fit, in sample (training years); NaN without a check
    holdout_rmspe: float  # holdout fit, out of sample (held-out years); NaN without a check
    overfit: bool  # holdout_rmspe > OVERFIT_RATIO x max(train_rmspe, rmspe_tolerance)
    fit_flagged: bool  # overfit, or no check possible: the placebo p-values are not evidence
    fit_flag_reason: str  # "overfit", "not checked", or "" when not flagged
    p_value_ratio: float  # NaN for an exact pre-period fit
    p_value_gap: float
    n_placebos: int
    n_placebos_overfit: int  # placebo fits that the same rule calls overfit
    enumerated: bool  # True: every placebo region was used; False: a seeded random draw
    seed: int
    n_treated_municipalities: int
    n_donors: int
    n_donors_excluded: int  # comparison municipalities without persons in some year
    n_donors_weighted: int
    n_donors_per_fit: int  # the nearest donors each fit may weight (all donors when fewer)
    pre_years: tuple[int, ...]
    train_years: tuple[int, ...]  # pre-period years the holdout fit uses
    holdout_years: tuple[int, ...]  # pre-period years it predicts (empty: no check possible)
    post_years: tuple[int, ...]
    weights: pd.DataFrame = field(repr=False, compare=False)
    gaps: pd.DataFrame = field(repr=False, compare=False)
    placebos: pd.DataFrame = field(repr=False, compare=False)

    def to_dict(self) -> dict:
        """The scalar results (tables left out)."""
        skip = {"weights", "gaps", "placebos"}
        return {k: getattr(self, k) for k in self.__dataclass_fields__ if k not in skip}

    def tidy(self) -> pd.DataFrame:
        """One row of scalar results, year tuples as text ("2010-2013")."""
        row = self.to_dict()
        for years in ["pre_years", "train_years", "holdout_years", "post_years"]:
            row[years] = span(getattr(self, years))
        return pd.DataFrame([row])

    def top_weights(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` donors with the largest weights."""
        return self.weights.head(n).reset_index(drop=True)

    def summary(self, n: int = 5) -> str:
        """A short, readable block of text (English); never prints floating-point noise as a
        number. The report's words are :func:`lmp.report.sentences.fit_text`."""
        donors = ", ".join(
            f"{row.name} {row.weight:.3f}" for row in self.top_weights(n).itertuples(index=False)
        )
        draw = "all placebo regions" if self.enumerated else f"random draw, seed {self.seed}"
        if self.exact_pre_fit:
            pre = f"pre-RMSPE 0 (exact fit on {span(self.pre_years)})"
            ratio = "RMSPE ratio: none, undefined at pre-RMSPE 0"
        else:
            pre = f"pre-RMSPE {fixed(self.pre_rmspe)} ({span(self.pre_years)})"
            ratio = f"RMSPE ratio {self.p_value_ratio:.4f}"
        if self.holdout_years:
            holdout = (
                f"fitted on {span(self.train_years)} (RMSPE {fixed(self.train_rmspe)}), "
                f"{span(self.holdout_years)} missed by {fixed(self.holdout_rmspe)}"
            )
        else:
            holdout = "none: no pre-period year left to fit on"
        verdict = (
            f"FIT FLAGGED: {self.fit_flag_reason}"
            if self.fit_flagged
            else f"fit checked: holdout RMSPE within {OVERFIT_RATIO:g} x the in-sample RMSPE"
        )
        evidence = " (NOT evidence: the fit is flagged)" if self.fit_flagged else ""
        return "\n".join(
            [
                f"Synthetic control ({did.DESIGN_LABELS[self.design]}) - proeftuin "
                f"{self.proeftuin}, outcome {self.outcome}",
                f"  average post gap {fixed(self.estimate)}   post-RMSPE {fixed(self.post_rmspe)}"
                f"   {pre}",
                f"  holdout check: {holdout}",
                f"  {verdict}",
                f"  placebo p{evidence}: |gap| {self.p_value_gap:.4f}   {ratio}"
                f"   ({self.n_placebos} placebos, {draw}; {self.n_placebos_overfit} overfit)",
                f"  donors {self.n_donors} ({self.n_donors_per_fit} nearest per fit,"
                f" {self.n_donors_weighted} weighted, {self.n_donors_excluded} excluded)"
                f"   top: {donors}",
            ]
        )


def _flag_reason(fit: _Fit, result_years: dict[str, tuple[int, ...]]) -> str:
    """Why the fit is flagged, as a category: ``"not checked"`` (no pre-period year left to fit
    the weights on), ``"overfit"``, or ``""`` when it is not flagged
    (:func:`lmp.report.sentences.flag_reason_text` says it in words, with the numbers).

    ``result_years`` holds the ``pre_years``, ``train_years`` and ``holdout_years``.
    """
    if not result_years["holdout_years"]:
        return "not checked"
    return "overfit" if fit.overfit else ""


def _placebo_table(
    panel: _Panel,
    donors: np.ndarray,
    holdout: np.ndarray,
    tolerance: float,
    sets: list[list[str]],
    nearest: int | None,
) -> pd.DataFrame:
    """Fit every placebo region against the donors outside it; one row per placebo region."""
    rows = []
    for chosen in sets:
        keep = ~np.isin(panel.donors, chosen)
        fit = _fit(panel.path(chosen), donors[:, keep], panel.post, holdout, tolerance, nearest)
        rows.append(
            {
                "municipalities": ";".join(chosen),
                "pre_rmspe": fit.pre_rmspe,
                "post_rmspe": fit.post_rmspe,
                "rmspe_ratio": fit.ratio,
                "exact_pre_fit": fit.exact,
                "holdout_rmspe": fit.holdout_rmspe,
                "overfit": fit.overfit,
                "estimate": fit.estimate,
            }
        )
    columns = ["municipalities", "pre_rmspe", "post_rmspe", "rmspe_ratio", "exact_pre_fit"]
    return pd.DataFrame(rows, columns=[*columns, "holdout_rmspe", "overfit", "estimate"])


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


def _check_parameters(design: str, placebos: int, nearest: int | None, holdout: int) -> None:
    """Refuse parameters the method is not defined for."""
    if design not in DESIGNS:
        raise ParameterError(
            f"the synthetic control is defined for the {' and '.join(DESIGNS)} designs, "
            f"not '{design}'"
        )
    if placebos < 0:
        raise ParameterError(f"placebos must be >= 0, got {placebos}")
    if nearest is not None and nearest < 1:
        raise ParameterError(f"nearest must be >= 1 (or None for every donor), got {nearest}")
    if holdout < 1:
        raise ParameterError(f"holdout must be >= 1 pre-period year, got {holdout}")


def synthetic_control(
    data: Dataset | pd.DataFrame,
    proeftuin: str,
    outcome: str,
    design: str = "target",
    placebos: int = 100,
    seed: int = 0,
    ref: Reference | None = None,
    nearest: int | None = NEAREST_DONORS,
    holdout: int = HOLDOUT_YEARS,
) -> SynthResult:
    """Synthetic control for one proeftuin, outcome and design (see the module docstring).

    ``placebos`` bounds the number of placebo regions (0 for none; the p-values are then 1).
    ``nearest`` donors enter each fit (``None``: every donor). ``holdout``: the last pre-period
    years held out to check the fit (at least one pre-period year must remain to fit on, else
    the result is flagged as not checked).
    """
    _check_parameters(design, placebos, nearest, holdout)
    ref = ref or load_reference()
    panel = _panel(did.study_cells(data, proeftuin, outcome, design, ref))
    if (~panel.post).sum() == 0 or panel.post.sum() == 0:
        raise DesignError(f"'{proeftuin}': need observed years before and after the start")
    donors = panel.means(panel.donors)
    tolerance = EXACT_TOLERANCE * float(np.sqrt(np.mean(donors[~panel.post] ** 2)))
    held = holdout_mask(panel.post, holdout)
    treated_path = panel.path(panel.treated)
    actual = _fit(treated_path, donors, panel.post, held, tolerance, nearest)
    sets, enumerated = (
        did.placebo_regions(panel.donors, len(panel.treated), placebos, seed)
        if placebos
        else ([], True)
    )
    placebo_table = _placebo_table(panel, donors, held, tolerance, sets, nearest)
    weights = _weights_table(panel.donors, actual.weights, ref)
    years = np.array(panel.years)
    result_years = {
        "pre_years": tuple(int(y) for y in years[~panel.post]),
        "train_years": tuple(int(y) for y in years[~panel.post & ~held]) if held.any() else (),
        "holdout_years": tuple(int(y) for y in years[held]),
        "post_years": tuple(int(y) for y in years[panel.post]),
    }
    gaps = pd.DataFrame(
        {
            "year": panel.years,
            "post": panel.post.astype(int),
            "holdout": held.astype(int),
            "treated": treated_path,
            "synthetic": actual.synthetic,
            "gap": actual.gap,
            "holdout_synthetic": actual.holdout_synthetic,
        }
    )
    reason = _flag_reason(actual, result_years)
    return SynthResult(
        proeftuin=proeftuin,
        outcome=outcome,
        design=design,
        estimate=actual.estimate,
        pre_rmspe=actual.pre_rmspe,
        post_rmspe=actual.post_rmspe,
        rmspe_ratio=float("nan") if actual.exact else actual.ratio,
        exact_pre_fit=actual.exact,
        rmspe_tolerance=tolerance,
        train_rmspe=actual.train_rmspe,
        holdout_rmspe=actual.holdout_rmspe,
        overfit=actual.overfit,
        fit_flagged=bool(reason),
        fit_flag_reason=reason,
        p_value_ratio=float("nan")
        if actual.exact
        else placebo_p_value(actual.ratio, placebo_table["rmspe_ratio"].to_numpy(float)),
        p_value_gap=placebo_p_value(
            abs(actual.estimate), np.abs(placebo_table["estimate"].to_numpy(float))
        ),
        n_placebos=len(placebo_table),
        n_placebos_overfit=int(placebo_table["overfit"].sum()),
        enumerated=enumerated,
        seed=seed,
        n_treated_municipalities=len(panel.treated),
        n_donors=len(panel.donors),
        n_donors_excluded=panel.n_excluded,
        n_donors_weighted=len(weights),
        n_donors_per_fit=len(panel.donors) if nearest is None else min(nearest, len(panel.donors)),
        **result_years,
        weights=weights,
        gaps=gaps,
        placebos=placebo_table,
    )
