"""Difference-in-differences designs on the sufficient-statistics contract.

Every design is a person-weighted regression on cell means, with municipality and year fixed
effects and standard errors clustered by municipality, exactly as if run on individual rows:

``population``  all segments of a municipality pooled::

                    y_i = a_g + l_t + beta * D_gt + e_i

``target``      the same, on persons in the proeftuin's target segments only (the comparison
                municipalities contribute the same segments)

``triple``      target (E=1) and non-target (E=0) persons together, with municipality-by-group,
                year-by-group and municipality-by-year fixed effects::

                    y_i = a_gE + l_tE + m_gt + beta * D_gt * E_i + e_i

                so any shock common to a municipality-year drops out.

``D_gt`` is 1 for the proeftuin's municipalities from its ``start_year`` on. The comparison pool is
every municipality in the data that belongs to no proeftuin; the other proeftuinen are left out.
Cells with zero persons carry no weight and are left out of the regression (nothing else is).

The event study replaces ``D_gt`` by one indicator per year relative to ``start_year`` (the year
before the start is the reference) and tests all leads jointly.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd

from lmp.contract import Dataset, segment_scheme
from lmp.errors import DesignError, ParameterError
from lmp.inference import (
    BOOTSTRAP_WEIGHTS,
    WeightedFit,
    WildBootstrap,
    cr1_vcov,
    fit_weighted_fe,
    refit,
    t_test,
    wald_test,
)
from lmp.power import mde_normal, mde_placebo, placebo_critical_value, placebo_p_value
from lmp.reference import Reference, load_reference

DESIGNS = ("population", "target", "triple")
DESIGN_LABELS = {
    "population": "Whole population",
    "target": "Target group",
    "triple": "Triple difference (target - non-target)",
}


def _frame(data: Dataset | pd.DataFrame) -> pd.DataFrame:
    """The contract table; ``person_years`` equals ``n_persons`` where a frame built in code has
    none (the contract reader adds it the same way)."""
    frame = data.frame if isinstance(data, Dataset) else data
    if "person_years" not in frame:
        frame = frame.assign(person_years=frame["n_persons"].astype(float))
    return frame


ADJUSTMENTS = ("none", "agesex")
COMPARISONS = ("country", "province", "corop")
REGION_COLUMNS = {"province": "province", "corop": "corop"}  # columns of Reference.gemeenten
# The default window for real (age-sex) data: the proeftuin period and before, without COVID 2020.
REAL_DATA_YEARS = (2011, 2018)


@dataclass(frozen=True)
class DesignOptions:
    """Choices of a design beyond proeftuin, outcome and design, each with a documented default.

    ``target_ages``  the target group on age-sex data, e.g. ``"65+"``, ``"0-4,75+"`` (class
                     boundaries only); default: the proeftuin's ``target_ages`` in the reference
                     data. On morbidity-segment data the target group is the proeftuin's segments.
    ``adjust``       ``"agesex"``: cells per sex x age class with municipality x stratum and
                     year x stratum fixed effects (the regression form of age-sex
                     standardisation); population and target designs only, age-sex data only.
    ``years``        first and last year used; default 2011-2018 on age-sex (real) data, all
                     years otherwise.
    ``start_year``   first treated year; default the proeftuin's ``start_year``.
    ``sourced_only`` treat only the municipalities a source names as members; the inferred
                     members then leave the design (they are in no comparison pool either).
    ``comparison``   ``"country"``: every municipality of no proeftuin; ``"province"``: only
                     those in the proeftuin's province(s), which removes province-wide trends
                     (not identified when the whole province is the proeftuin); ``"corop"``:
                     only those in its COROP region(s) (``data/reference/corop.csv``, CBS),
                     which removes regional trends at a finer level and leaves few comparisons.
                     With one region, restricting the pool is the same as region x year effects.
    ``exclude_neighbours`` leave the municipalities bordering the proeftuin out of the
                     comparison pool (spillover; borders from the CBS 2020 boundaries).
    """

    target_ages: str | None = None
    adjust: str = "none"
    years: tuple[int, int] | None = None
    start_year: int | None = None
    sourced_only: bool = False
    comparison: str = "country"
    exclude_neighbours: bool = False


def parse_years(text: str) -> tuple[int, int]:
    """``"2011-2018"`` -> (2011, 2018); ``"2014"`` -> (2014, 2014)."""
    match = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4}))?\s*", str(text))
    if not match:
        raise ParameterError(f"years '{text}': expected FIRST-LAST, e.g. 2011-2018")
    first, last = int(match.group(1)), int(match.group(2) or match.group(1))
    if last < first:
        raise ParameterError(f"years '{text}': the last year is before the first")
    return first, last


def target_age_segments(spec: str, ref: Reference | None = None) -> list[str]:
    """The age-sex segment codes of a target-age specification on the files' class boundaries.

    ``spec`` is a comma list of ``LOW-HIGH`` and ``LOW+`` ranges (``65+``, ``0-19``, ``0-4,75+``).
    A range must start at a class's lower bound and end at a class's upper bound; an age that
    splits a class (``67+``) is a ParameterError.
    """
    ref = ref or load_reference()
    classes = ref.agesex[["code", "age_low", "age_high"]]
    lows = set(classes["age_low"])
    highs = set(classes["age_high"].dropna().astype(int))
    chosen: set[str] = set()
    for part in str(spec).split(","):
        match = re.fullmatch(r"\s*(\d+)\s*(?:(\+)|-\s*(\d+))\s*", part)
        if not match:
            raise ParameterError(
                f"target ages '{spec}': '{part.strip()}' is not LOW-HIGH or LOW+ (e.g. 0-4, 65+)"
            )
        low = int(match.group(1))
        high = None if match.group(2) else int(match.group(3))
        if low not in lows:
            raise ParameterError(
                f"target ages '{spec}': {low} splits an age class (classes start at "
                f"{', '.join(str(a) for a in sorted(lows))})"
            )
        if high is not None and (high not in highs or high < low):
            raise ParameterError(
                f"target ages '{spec}': {high} splits an age class (classes end at "
                f"{', '.join(str(a) for a in sorted(highs))}, then 90+)"
            )
        top = classes["age_high"].fillna(np.inf)
        inside = (classes["age_low"] >= low) & (top <= (np.inf if high is None else high))
        chosen |= set(classes.loc[inside, "code"])
    return sorted(chosen, key=list(classes["code"]).index)


def _target_spec(proeftuin: str, ref: Reference, options: DesignOptions) -> str:
    """The target ages asked for, else the proeftuin's ``target_ages`` in the reference data."""
    return options.target_ages or str(ref.proeftuin(proeftuin).get("target_ages", ""))


def _start_year(proeftuin: str, ref: Reference, options: DesignOptions) -> int:
    """The first treated year asked for, else the proeftuin's ``start_year``."""
    if options.start_year is not None:
        return int(options.start_year)
    return int(ref.proeftuin(proeftuin)["start_year"])


def target_segments(
    frame: pd.DataFrame, proeftuin: str, ref: Reference, options: DesignOptions
) -> list[str]:
    """The segments of the target group: by age on age-sex data, by segment otherwise."""
    if segment_scheme(frame) == "agesex":
        spec = _target_spec(proeftuin, ref, options)
        if not spec:
            raise ParameterError(f"no target ages for '{proeftuin}': give them (--target-ages)")
        return target_age_segments(spec, ref)
    if options.target_ages is not None:
        raise ParameterError(
            "target ages need data in sex x age classes (the open data); these data have "
            "morbidity segments, whose target group is the proeftuin's target_segments"
        )
    return ref.target_segments(proeftuin)


def study_cells(
    data: Dataset | pd.DataFrame,
    proeftuin: str,
    outcome: str,
    design: str,
    ref: Reference | None = None,
    options: DesignOptions | None = None,
) -> pd.DataFrame:
    """Cells for one design: municipality, year, group (1 = target), persons, weight, mean, flags.

    ``n_persons`` are distinct persons (disclosure, persons-matched placebos); ``person_years``
    is the regression weight and ``mean`` the outcome per person-year. With
    ``options.adjust == "agesex"`` each cell is also one sex x age class (column ``stratum``).
    Raises :class:`ParameterError` for an unknown design, outcome or option and
    :class:`DesignError` when the data hold no treated or no comparison municipality, or no year
    before or after the start.
    """
    ref = ref or load_reference()
    options = options or DesignOptions()
    if design not in DESIGNS:
        raise ParameterError(f"unknown design '{design}'; choose one of {', '.join(DESIGNS)}")
    if options.adjust not in ADJUSTMENTS:
        raise ParameterError(
            f"unknown adjustment '{options.adjust}'; choose one of {', '.join(ADJUSTMENTS)}"
        )
    ref.proeftuin(proeftuin)  # an unknown slug fails here, before any data work
    ref.outcome(outcome)
    frame = _frame(data)
    scheme = segment_scheme(frame)
    if options.adjust == "agesex" and (design == "triple" or scheme != "agesex"):
        raise ParameterError(
            "age-sex adjustment is for the population and target designs on data in sex x age "
            "classes (the triple design already compares age groups within each municipality-year)"
        )
    first, last = options.years or (REAL_DATA_YEARS if scheme == "agesex" else (0, 9999))
    start = _start_year(proeftuin, ref, options)
    frame = frame[(frame["outcome"] == outcome) & frame["year"].between(first, last)]
    if frame.empty:
        raise DesignError(f"the data hold no rows for outcome '{outcome}' in {first}-{last}")
    if frame["year"].min() >= start:
        raise DesignError(
            f"outcome '{outcome}' is in the data only from {frame['year'].min()}: a DiD with "
            f"start year {start} needs years before it"
        )
    treated = set(ref.municipalities(proeftuin, options.sourced_only))
    pool = set(ref.comparison_pool(sorted(frame["gemeente_code"].unique())))
    pool = _restrict_pool(pool, treated, proeftuin, ref, options)
    frame = frame[frame["gemeente_code"].isin(treated | pool)]
    if design == "population":
        targets: set[str] = set()
    else:
        targets = set(target_segments(frame, proeftuin, ref, options))
    group = frame["segment"].isin(targets).astype(int)
    if design == "target":
        frame, group = frame[group == 1], group[group == 1]
    if design == "population":
        group = group * 0
    keys = ["gemeente_code", "year", "group"]
    if options.adjust == "agesex":
        frame = frame.assign(stratum=frame["segment"])
        keys.append("stratum")
    cells = (
        frame.assign(group=group)
        .groupby(keys, as_index=False, sort=True)[["n_persons", "person_years", "value_sum"]]
        .sum()
    )
    cells = cells[cells["person_years"] > 0].reset_index(drop=True)
    cells["mean"] = cells["value_sum"] / cells["person_years"]
    cells["treated"] = cells["gemeente_code"].isin(treated).astype(int)
    cells["post"] = (cells["year"] >= start).astype(int)
    cells["D"] = cells["treated"] * cells["post"]
    _check_support(cells, proeftuin, outcome, design)
    return cells


def _base_codes(code: str, ref: Reference, base: set[str]) -> set[str]:
    """The 2020 municipalities (``base``) a code stands for: itself, or those it was formed from."""
    return {code} if code in base else (ref.ancestors or {}).get(code, set()) & base


def _restrict_pool(
    pool: set[str], treated: set[str], proeftuin: str, ref: Reference, options: DesignOptions
) -> set[str]:
    """The comparison pool after the design choices ``comparison`` and ``exclude_neighbours``."""
    if options.comparison not in COMPARISONS:
        raise ParameterError(
            f"unknown comparison '{options.comparison}'; choose one of {', '.join(COMPARISONS)}"
        )
    base = set(ref.gemeenten["gemeente_code"])
    if options.comparison in REGION_COLUMNS:
        region = ref.gemeenten.set_index("gemeente_code")[REGION_COLUMNS[options.comparison]]
        own = {region[c] for c in treated if c in region.index}
        pool = {c for c in pool if {region[b] for b in _base_codes(c, ref, base)} & own}
        if not pool:
            what = "province" if options.comparison == "province" else "COROP region"
            raise DesignError(
                f"every municipality of {', '.join(sorted(own))} belongs to a proeftuin: "
                f"the effect of '{proeftuin}' is not identified within its {what}"
            )
    if options.exclude_neighbours:
        from lmp.geo import neighbours  # reads the boundaries only when asked

        borders = neighbours(2020)
        near = set().union(*(borders.get(c, set()) for c in treated))
        pool = {c for c in pool if not (_base_codes(c, ref, base) & near)}
    return pool


def _check_support(cells: pd.DataFrame, proeftuin: str, outcome: str, design: str) -> None:
    what = f"{design} design for '{proeftuin}', outcome '{outcome}'"
    if not cells["treated"].any():
        raise DesignError(f"{what}: the data hold none of the proeftuin's municipalities")
    if cells["treated"].all():
        raise DesignError(f"{what}: the data hold no comparison municipality")
    treated = cells[cells["treated"] == 1]
    if not (treated["post"] == 0).any() or not (treated["post"] == 1).any():
        raise DesignError(f"{what}: need at least one year before and one from the start year on")
    if design == "triple" and cells["group"].nunique() < 2:
        raise DesignError(f"{what}: need both target and non-target persons")


def _codes(values: pd.Series) -> np.ndarray:
    return np.unique(values.to_numpy(), return_inverse=True)[1]


def _fit(cells: pd.DataFrame, design: str, regressors: np.ndarray) -> WeightedFit:
    """The fixed-effects structure of each design, around the given regressors.

    Cells with a ``stratum`` column (age-sex adjustment) get municipality x stratum and year x
    stratum fixed effects, partialled out stratum by stratum (exact: no effect crosses strata).
    """
    if design == "triple":
        return _fit_triple(cells, regressors)
    g, t = _codes(cells["gemeente_code"]), _codes(cells["year"])
    weight = cells["person_years"].to_numpy(dtype=float)
    if "stratum" in cells:
        s = _codes(cells["stratum"])
        return fit_weighted_fe(
            y=cells["mean"].to_numpy(),
            x=regressors,
            weight=weight,
            absorb=g * (s.max() + 1) + s,
            dummies=[t],
            cluster=g,
            blocks=s,
        )
    return fit_weighted_fe(
        y=cells["mean"].to_numpy(),
        x=regressors,
        weight=weight,
        absorb=g,
        dummies=[t],
        cluster=g,
    )


def _fit_triple(cells: pd.DataFrame, regressors: np.ndarray) -> WeightedFit:
    """The triple design, fitted exactly as a two-way panel of target - non-target differences.

    Absorbing the municipality-by-year effects turns each municipality-year's pair of cells
    (target mean y1 with w1 persons, non-target y0 with w0) into its difference y1 - y0 with
    weight w1*w0/(w1+w0); the group-specific municipality and year effects become municipality
    and year effects of that difference. Estimates, residual scores per municipality and so the
    CR1 variance are identical to the full model; the number of persons and of parameters (which
    enter the CR1 factor) are set to those of the full model. A municipality-year with only one
    group is fully absorbed and carries no information about beta.
    """
    w = cells["person_years"].to_numpy(dtype=float)
    y = cells["mean"].to_numpy(dtype=float)
    g, t = _codes(cells["gemeente_code"]), _codes(cells["year"])
    i1, i0 = _pairs(cells)
    fit = fit_weighted_fe(
        y=y[i1] - y[i0],
        x=_pair_difference(cells, regressors),
        weight=w[i1] * w[i0] / (w[i1] + w[i0]),
        absorb=_codes(pd.Series(g[i1])),
        dummies=[t[i1]],
        cluster=g[i1],
    )
    n_pairs = cells.groupby(["gemeente_code", "year"]).ngroups
    return replace(
        fit,
        cluster=g[i1],
        n_clusters=int(g.max()) + 1,
        n_persons=float(w.sum()),
        n_params=n_pairs + fit.n_params,
    )


def _pairs(cells: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Row numbers of the target (E=1) and non-target (E=0) cell of every complete municipality-year."""
    e = cells["group"].to_numpy()
    pair = _codes(cells["gemeente_code"] + ":" + cells["year"].astype(str))
    first, second = np.full(pair.max() + 1, -1), np.full(pair.max() + 1, -1)
    first[pair[e == 1]] = np.flatnonzero(e == 1)
    second[pair[e == 0]] = np.flatnonzero(e == 0)
    both = (first >= 0) & (second >= 0)
    return first[both], second[both]


def _pair_difference(cells: pd.DataFrame, regressors: np.ndarray) -> np.ndarray:
    """Regressor columns as the triple design's fit sees them: target minus non-target cell."""
    x = np.asarray(regressors, dtype=float).reshape(len(cells), -1)
    i1, i0 = _pairs(cells)
    return x[i1] - x[i0]


def _treatment(cells: pd.DataFrame, design: str, treated: np.ndarray) -> np.ndarray:
    """The DiD regressor as one column: treated x post (x target group in the triple design)."""
    d = treated * cells["post"].to_numpy(float)
    if design == "triple":
        d = d * cells["group"].to_numpy(float)
    return d[:, None]


INFERENCE = ("cr1", "wcr", "ri", "all")


@dataclass(frozen=True)
class DidResult:
    """One DiD estimate with its inference, in the spirit of statsmodels/pyfixest results.

    Always the conventional CR1 cluster-robust SE, t-test and CI (``se``, ``p_value``,
    ``ci_low``/``ci_high``). On request also the wild cluster restricted bootstrap (``*_wcr``:
    p-value and the CI by test inversion, the number of draws and whether they were all sign
    patterns) and randomization inference over placebo regions (``*_ri``: p-value, CI by test
    inversion, the number of placebo regions, whether they were all eligible regions, and
    ``sd_ri``, the spread of the placebo estimates: the honest standard error with few treated
    municipalities). ``mde_cr1`` and ``mde_ri`` are the minimum detectable effects at 80% power
    in a two-sided test at ``alpha`` (see :mod:`lmp.power`). Fields of inference that was not
    asked for are None.
    """

    proeftuin: str
    outcome: str
    design: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    df: int
    n_persons: int
    n_clusters: int
    n_treated_clusters: int
    n_cells: int
    alpha: float = 0.05
    vcov: str = "CR1"
    person_years: float | None = None  # the regression weights' total (insured-years)
    first_year: int | None = None
    last_year: int | None = None
    start_year: int | None = None
    adjust: str = "none"
    target_ages: str | None = None  # the target group on age-sex data, e.g. "65+"
    mde_cr1: float | None = None  # minimum detectable effect, 80% power, by the CR1 t test
    p_wcr: float | None = None
    ci_wcr_low: float | None = None
    ci_wcr_high: float | None = None
    wcr_draws: int | None = None
    wcr_enumerated: bool | None = None
    wcr_weights: str | None = None
    p_ri: float | None = None
    ci_ri_low: float | None = None
    ci_ri_high: float | None = None
    sd_ri: float | None = None
    ri_placebos: int | None = None
    ri_enumerated: bool | None = None
    ri_match: str | None = None
    mde_ri: float | None = None  # the same under randomization inference (lmp.power)

    def to_dict(self) -> dict:
        return asdict(self)

    def tidy(self) -> pd.DataFrame:
        """One row: the estimate and its inference, with the design in words."""
        row = self.to_dict()
        row["design_label"] = DESIGN_LABELS[self.design]
        return pd.DataFrame([row])

    def summary(self) -> str:
        """A short, readable block of text."""
        level = round(100 * (1 - self.alpha))
        lines = [
            f"DiD ({DESIGN_LABELS[self.design]}) - proeftuin {self.proeftuin}, outcome {self.outcome}",
            f"  estimate  {self.estimate:12.4f}   SE ({self.vcov}) {self.se:.4f}",
            f"  {level}% CI    [{self.ci_low:.4f}, {self.ci_high:.4f}]   p = {self.p_value:.4f}"
            f" (t, {self.df} df)",
        ]
        if self.p_wcr is not None:
            how = "all sign patterns" if self.wcr_enumerated else "random draws"
            # a p of 0 from random draws means only p < 1/B; under enumeration p is never 0
            below = self.p_wcr == 0 and self.wcr_draws and not self.wcr_enumerated
            shown = f"< 1/{self.wcr_draws}" if below else f"= {self.p_wcr:.4f}"
            lines.append(
                f"  wild cluster bootstrap (WCR, {self.wcr_weights}): p {shown}, "
                f"{level}% CI [{self.ci_wcr_low:.4f}, {self.ci_wcr_high:.4f}] "
                f"({self.wcr_draws} {how})"
            )
        if self.p_ri is not None:
            how = "all eligible" if self.ri_enumerated else "randomly drawn"
            lines.append(
                f"  randomization inference: p = {self.p_ri:.4f}, "
                f"{level}% CI [{self.ci_ri_low:.4f}, {self.ci_ri_high:.4f}] "
                f"({self.ri_placebos} {how} placebo regions, matched on {self.ri_match})"
            )
        lines.append(
            f"  persons   {self.n_persons:,}   municipalities {self.n_clusters}"
            f" ({self.n_treated_clusters} treated)   cells {self.n_cells}"
        )
        if self.first_year is not None:
            target = f"   target ages {self.target_ages}" if self.target_ages else ""
            adjust = "   age-sex adjusted" if self.adjust == "agesex" else ""
            lines.append(
                f"  years     {self.first_year}-{self.last_year}, treated from {self.start_year}"
                f"{target}{adjust}"
            )
        return "\n".join(lines)


def estimate(
    data: Dataset | pd.DataFrame,
    proeftuin: str,
    outcome: str,
    design: str = "target",
    alpha: float = 0.05,
    ref: Reference | None = None,
    inference: str = "cr1",
    wcr_reps: int = 9999,
    weights: str = "webb",
    ri_reps: int = 999,
    ri_match: str = "persons",
    seed: int = 0,
    cells: pd.DataFrame | None = None,
    options: DesignOptions | None = None,
) -> DidResult:
    """Estimate one DiD design for one proeftuin and outcome (see the module docstring).

    ``inference`` adds to CR1: ``"wcr"`` the wild cluster restricted bootstrap (``wcr_reps``
    draws of ``weights``, enumerated when fewer sign patterns exist), ``"ri"`` randomization
    inference (``ri_reps`` placebo regions matched on ``ri_match``), ``"all"`` both. Draws are
    seeded with ``seed``, so results are reproducible. ``cells`` may hand over the study cells
    (as :func:`study_cells` makes them), e.g. with the treated region relabelled in a size study.
    ``options`` are the design choices of :class:`DesignOptions` (target ages, age-sex
    adjustment, years, start year).
    """
    options = options or DesignOptions()
    if inference not in INFERENCE:
        raise ParameterError(
            f"unknown inference '{inference}'; choose one of {', '.join(INFERENCE)}"
        )
    if cells is None:
        cells = study_cells(data, proeftuin, outcome, design, ref, options)
    fit = _fit(cells, design, _treatment(cells, design, cells["treated"].to_numpy(float)))
    se = float(np.sqrt(cr1_vcov(fit)[0, 0]))
    _check_not_degenerate(fit, se, f"{design} design for '{proeftuin}', outcome '{outcome}'")
    test = t_test(float(fit.coef[0]), se, fit.n_clusters - 1, alpha)
    extra: dict = {}
    if inference in ("wcr", "all"):
        if weights not in BOOTSTRAP_WEIGHTS:
            raise ParameterError(
                f"unknown bootstrap weights '{weights}'; choose one of {', '.join(BOOTSTRAP_WEIGHTS)}"
            )
        boot = WildBootstrap.prepare(fit, reps=wcr_reps, weights=weights, seed=seed)
        low, high = boot.confidence_interval(alpha)
        extra.update(
            p_wcr=boot.p_value(0.0),
            ci_wcr_low=low,
            ci_wcr_high=high,
            wcr_draws=boot.draws,
            wcr_enumerated=boot.enumerated,
            wcr_weights=weights,
        )
    if inference in ("ri", "all"):
        ri = randomization_inference(
            data, proeftuin, outcome, design, ri_reps, seed, ri_match, alpha=alpha, cells=cells
        )
        extra.update(
            p_ri=ri.p_value,
            ci_ri_low=ri.ci_low,
            ci_ri_high=ri.ci_high,
            sd_ri=float(np.std(ri.placebo_estimates, ddof=1))
            if len(ri.placebo_estimates) > 1
            else float("nan"),
            ri_placebos=len(ri.placebo_estimates),
            ri_enumerated=ri.enumerated,
            ri_match=ri_match,
            mde_ri=mde_placebo(ri.placebo_estimates, alpha),
        )
    return DidResult(
        proeftuin=proeftuin,
        outcome=outcome,
        design=design,
        estimate=test.estimate,
        se=test.se,
        ci_low=test.ci_low,
        ci_high=test.ci_high,
        p_value=test.p_value,
        df=test.df,
        n_persons=int(cells["n_persons"].sum()),
        n_clusters=fit.n_clusters,
        n_treated_clusters=int(cells.loc[cells["treated"] == 1, "gemeente_code"].nunique()),
        n_cells=len(cells),
        alpha=alpha,
        person_years=float(cells["person_years"].sum()),
        first_year=int(cells["year"].min()),
        last_year=int(cells["year"].max()),
        start_year=_start_year(proeftuin, ref or load_reference(), options),
        adjust=options.adjust,
        target_ages=_target_label(data, proeftuin, design, ref, options),
        mde_cr1=mde_normal(test.se, test.df, alpha),
        **extra,
    )


# A standard error below this fraction of the outcome's spread is floating-point noise.
DEGENERATE_SE = 1e-9


def _check_not_degenerate(fit: WeightedFit, se: float, what: str) -> None:
    """Refuse a fit whose standard error is rounding noise (e.g. one treated and one comparison
    municipality: the residuals are exactly zero up to floating point), instead of printing
    1e-13 as if it were a number."""
    spread = float(np.sqrt(np.average(fit.y**2, weights=fit.weight))) if fit.y.size else 0.0
    scale = max(spread, abs(float(fit.coef[0])))
    if np.isfinite(se) and se <= DEGENERATE_SE * scale:
        raise DesignError(
            f"{what}: the standard error ({se:.1e}) is floating-point noise against an outcome "
            f"spread of {scale:.3g}; the design is degenerate (too few municipalities: "
            f"{fit.n_clusters} in all)"
        )


def _target_label(
    data: Dataset | pd.DataFrame | None,
    proeftuin: str,
    design: str,
    ref: Reference | None,
    options: DesignOptions,
) -> str | None:
    """The target ages used (age-sex data, target and triple designs), else None."""
    if design == "population" or data is None or segment_scheme(_frame(data)) != "agesex":
        return None
    return _target_spec(proeftuin, ref or load_reference(), options) or None


def estimate_all(
    data: Dataset | pd.DataFrame,
    proeftuin: str,
    outcomes: list[str],
    designs: tuple[str, ...] = DESIGNS,
    alpha: float = 0.05,
    ref: Reference | None = None,
    **inference,
) -> pd.DataFrame:
    """Tidy table of every design for every outcome, in a fixed order.

    Keyword arguments (``inference``, ``wcr_reps``, ...) go to :func:`estimate`.
    """
    rows = [
        estimate(data, proeftuin, outcome, design, alpha, ref, **inference).tidy()
        for outcome in outcomes
        for design in designs
    ]
    return pd.concat(rows, ignore_index=True)


@dataclass(frozen=True)
class EventStudyResult:
    """Leads and lags relative to the start year, with a joint test of the leads (pre-trends)."""

    proeftuin: str
    outcome: str
    design: str
    reference_year: int  # relative year fixed at zero
    table: pd.DataFrame  # rel_year, year, estimate, se, ci_low, ci_high, p_value
    pretrend_f: float
    pretrend_df: tuple[int, int]
    pretrend_p: float
    n_persons: int
    n_clusters: int
    vcov: pd.DataFrame  # CR1 covariance of the estimated coefficients, indexed by rel_year
    # the same F statistic judged against placebo regions (NaN / 0 when not asked for)
    pretrend_p_ri: float = float("nan")
    pretrend_ri_placebos: int = 0
    pretrend_ri_enumerated: bool = False
    pretrend_ri_excluded: int = 0  # comparison municipalities not drawn: a year missing
    pretrend_ri_match: str = ""  # placebo regions matched on "municipalities" or also "persons"
    # the event-study coefficients of every placebo region (rows: placebos, columns: the relative
    # years of ``vcov``); None when RI was not run. They give the RI bands and the RI-based
    # sensitivity bounds (:func:`lmp.sensitivity.placebo_half_width`).
    placebo_coefs: pd.DataFrame | None = None
    adjust: str = "none"  # "agesex": age-sex adjusted design (DesignOptions.adjust)

    def tidy(self) -> pd.DataFrame:
        """One row per relative year (the reference year with estimate 0): the coefficient, its
        CR1 (and, when run, RI) interval, with the proeftuin, outcome and design."""
        return self.table.assign(
            proeftuin=self.proeftuin, outcome=self.outcome, design=self.design
        )[["proeftuin", "outcome", "design", *self.table.columns]]

    def summary(self) -> str:
        """A short, readable block of text (English)."""
        ri = ""
        if self.pretrend_ri_placebos:
            how = "all eligible" if self.pretrend_ri_enumerated else "randomly drawn"
            ri = (
                f"; RI p = {self.pretrend_p_ri:.4f} ({self.pretrend_ri_placebos} {how} placebo "
                f"regions, matched on {self.pretrend_ri_match}; "
                f"{self.pretrend_ri_excluded} comparison municipalities not drawn)"
            )
        lines = [
            f"Event study ({DESIGN_LABELS[self.design]}) - proeftuin {self.proeftuin}, outcome {self.outcome}",
            f"  reference: relative year {self.reference_year}",
            f"  joint pre-trend test: F({self.pretrend_df[0]}, {self.pretrend_df[1]}) = "
            f"{self.pretrend_f:.3f}, CR1 p = {self.pretrend_p:.4f}{ri}",
            f"  persons   {self.n_persons:,}   municipalities {self.n_clusters}",
        ]
        return "\n".join(lines)


def event_study(
    data: Dataset | pd.DataFrame,
    proeftuin: str,
    outcome: str,
    design: str = "target",
    alpha: float = 0.05,
    ref: Reference | None = None,
    ri_reps: int = 0,
    seed: int = 0,
    ri_match: str = "persons",
    options: DesignOptions | None = None,
    cells: pd.DataFrame | None = None,
) -> EventStudyResult:
    """Event study for the population or target design; the reference is the last pre-start year.

    The joint pre-trend test is the CR1 Wald F test of all leads. With ``ri_reps > 0`` the same F
    statistic is also judged against placebo regions (see :func:`placebo_event_studies`): ``p_ri =
    (1 + #{placebo F >= F}) / (1 + placebos)``, which does not lean on CR1's few-cluster
    approximation (CR1 over-rejects with few treated municipalities, so its p is too small).
    Placebo regions match the region as in :func:`randomization_inference` (``ri_match``); their
    coefficients give every year a randomization-inference interval (``ci_ri_low``,
    ``ci_ri_high``) and are kept in ``placebo_coefs``. ``cells`` (from :func:`study_cells`,
    possibly relabelled, as simulation studies do) replaces the cells built from ``data``.
    """
    if design == "triple":
        raise ParameterError("the event study is defined for the 'population' and 'target' designs")
    if ri_reps < 0:
        raise ParameterError(f"ri_reps must be >= 0, got {ri_reps}")
    ref = ref or load_reference()
    options = options or DesignOptions()
    if cells is None:
        cells = study_cells(data, proeftuin, outcome, design, ref, options)
    start = _start_year(proeftuin, ref, options)
    rel = cells["year"] - start
    treated_rel = sorted(rel[cells["treated"] == 1].unique())
    reference = max(k for k in treated_rel if k < 0)
    periods = [k for k in treated_rel if k != reference]
    x = _event_columns(rel, periods, cells["treated"].to_numpy() == 1)
    fit = _fit(cells, design, x)
    vcov = cr1_vcov(fit)
    df = fit.n_clusters - 1
    rows = []
    for j, k in enumerate(periods):
        test = t_test(float(fit.coef[j]), float(np.sqrt(vcov[j, j])), df, alpha)
        rows.append(
            {
                "rel_year": int(k),
                "year": int(start + k),
                "estimate": test.estimate,
                "se": test.se,
                "ci_low": test.ci_low,
                "ci_high": test.ci_high,
                "p_value": test.p_value,
            }
        )
    rows.append(
        {
            "rel_year": int(reference),
            "year": int(start + reference),
            "estimate": 0.0,
            "se": 0.0,
            "ci_low": 0.0,
            "ci_high": 0.0,
            "p_value": np.nan,
        }
    )
    table = pd.DataFrame(rows).sort_values("rel_year").reset_index(drop=True)
    leads = [j for j, k in enumerate(periods) if k < reference]
    ri: dict = {}
    if ri_reps:
        placebos = placebo_event_studies(
            cells, design, start, periods, leads, ri_reps, seed, ri_match
        )
        ri = {"placebo_coefs": pd.DataFrame(placebos.coefs, columns=periods)}
        table = _ri_bands(table, ri["placebo_coefs"], alpha)
    if leads:
        wald = wald_test(fit.coef[leads], vcov[np.ix_(leads, leads)], df)
        pretrend = (wald.f_stat, (wald.df_num, wald.df_den), wald.p_value)
        if ri_reps:
            ri |= {
                "pretrend_p_ri": placebo_p_value(wald.f_stat, placebos.f_stats),
                "pretrend_ri_placebos": len(placebos.f_stats),
                "pretrend_ri_enumerated": placebos.enumerated,
                "pretrend_ri_excluded": placebos.excluded,
                "pretrend_ri_match": ri_match,
            }
    else:
        pretrend = (float("nan"), (0, df), float("nan"))
    return EventStudyResult(
        proeftuin=proeftuin,
        outcome=outcome,
        design=design,
        reference_year=int(reference),
        table=table,
        pretrend_f=pretrend[0],
        pretrend_df=pretrend[1],
        pretrend_p=pretrend[2],
        n_persons=int(cells["n_persons"].sum()),
        n_clusters=fit.n_clusters,
        vcov=pd.DataFrame(vcov, index=periods, columns=periods),
        adjust=options.adjust,
        **ri,
    )


def reconcile(did_estimate: float, study: EventStudyResult) -> dict[str, float]:
    """Why the DiD estimate and the average post-start event-study coefficient differ.

    The event-study coefficients measure the treated-minus-comparison gap of each year against
    the gap in the reference year (the year before the start). The DiD compares the average gap
    after the start with the average gap over *all* years before it. So

        DiD ~= mean(post coefficients) - mean(pre coefficients, the reference year counted as 0)

    exactly when every year carries the same weight (a balanced panel whose person-year weights do
    not change over time: a test checks it); otherwise the years are weighted by their persons and
    a small ``weighting`` remainder is left. Returns ``did``, ``post_mean``, ``pre_mean``,
    ``post_minus_pre`` and ``weighting`` (``did - post_minus_pre``).
    """
    table = study.table
    post = table.loc[table["rel_year"] >= 0, "estimate"].astype(float)
    pre = table.loc[table["rel_year"] < 0, "estimate"].astype(float)  # the reference year as 0
    post_mean, pre_mean = float(post.mean()), float(pre.mean())
    return {
        "did": float(did_estimate),
        "post_mean": post_mean,
        "pre_mean": pre_mean,
        "post_minus_pre": post_mean - pre_mean,
        "weighting": float(did_estimate) - (post_mean - pre_mean),
    }


def _event_columns(rel: pd.Series, periods: list[int], treated: np.ndarray) -> np.ndarray:
    """One indicator column per relative year in ``periods``: that year and a treated cell."""
    in_period = rel.to_numpy()[:, None] == np.asarray(periods)[None, :]
    return (in_period & np.asarray(treated, dtype=bool)[:, None]).astype(float)


def _ri_bands(table: pd.DataFrame, placebo_coefs: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Add ``ci_ri_low``/``ci_ri_high`` per relative year: the placebo-test inversion of each
    coefficient (:func:`placebo_confidence_interval` on that year's placebo coefficients; the
    reference year stays at 0, infinite where there are too few placebos for ``alpha``)."""
    low, high = [], []
    for k, value in zip(table["rel_year"], table["estimate"], strict=True):
        if k in placebo_coefs.columns:
            column = placebo_coefs[k].to_numpy()
            bounds = placebo_confidence_interval(float(value), column[np.isfinite(column)], alpha)
        else:  # the reference year
            bounds = (0.0, 0.0)
        low.append(bounds[0])
        high.append(bounds[1])
    return table.assign(ci_ri_low=low, ci_ri_high=high)


@dataclass(frozen=True)
class PlaceboEventStudies:
    """The event study refitted with the treatment moved to each placebo region."""

    f_stats: np.ndarray  # the joint pre-trend CR1 Wald F of each placebo (NaN without leads)
    coefs: np.ndarray  # one row per placebo, one column per entry of ``periods``
    enumerated: bool  # True: every eligible placebo region was used
    excluded: int  # comparison municipalities left out of the draw for a missing year


def placebo_event_studies(
    cells: pd.DataFrame,
    design: str,
    start: int,
    periods: list[int],
    leads: list[int],
    reps: int,
    seed: int,
    match: str = "persons",
    factor: float = 1.5,
) -> PlaceboEventStudies:
    """The event study with the treatment moved to placebo regions: the joint pre-trend F
    statistic and all coefficients of each placebo region.

    Placebo regions have as many municipalities as the treated region and come from the
    comparison municipalities observed in every year of ``periods`` (years relative to
    ``start``; the reference year left out), so that every placebo event study is identified:
    :func:`placebo_regions`, all of them when there are at most ``reps``, else ``reps`` drawn
    with ``seed``; with ``match="persons"`` only regions within ``factor`` of the treated
    region's persons. The treated municipalities are left out, as in
    :func:`randomization_inference`; municipalities missing a year still serve as comparisons.
    Each placebo refits the event study (the same fixed effects) and computes the CR1 Wald F of
    the ``leads`` columns as for the real region (whose fit has k more clusters, a difference
    that only enters the CR1 factor); with no ``leads`` the F statistics are NaN.
    """
    is_treated = cells["treated"] == 1
    placebo_cells = cells[~is_treated].reset_index(drop=True)
    pool = sorted(placebo_cells["gemeente_code"].unique())
    needed = {start + p for p in periods}
    years_seen = placebo_cells.groupby("gemeente_code")["year"].agg(set)
    candidates = [code for code in pool if needed <= years_seen[code]]
    sets, enumerated = _matched_placebo_regions(
        cells, candidates, reps, seed, match, factor, "observed in every year"
    )
    rel = placebo_cells["year"] - start
    base = _fit(placebo_cells, design, np.zeros(len(placebo_cells)))  # fixed effects once
    member = {code: i for i, code in enumerate(pool)}
    members = placebo_cells["gemeente_code"].map(member).to_numpy()
    stats_f, coefs = [], []
    for region in sets:
        inside = np.zeros(len(pool), dtype=bool)
        inside[[member[code] for code in region]] = True
        fit = refit(base, base.fe.partial(_event_columns(rel, periods, inside[members])))
        coefs.append(fit.coef[: len(periods)])
        if leads:
            vcov = cr1_vcov(fit)
            f_stat = wald_test(fit.coef[leads], vcov[np.ix_(leads, leads)], fit.n_clusters - 1)
            stats_f.append(f_stat.f_stat)
        else:
            stats_f.append(float("nan"))
    return PlaceboEventStudies(
        f_stats=np.array(stats_f),
        coefs=np.array(coefs),
        enumerated=enumerated,
        excluded=len(pool) - len(candidates),
    )


RI_MATCHES = ("municipalities", "persons", "contiguous")
# The reports and ``lmp did`` draw contiguous placebo regions: the proeftuinen are contiguous, and
# placebo regions scattered over the country make RI over-reject for a contiguous region
# (benchmarks/results/sensitivity_size.md). The functions below keep "persons" as their default,
# which works for any pool of municipalities, also one without shared borders.
REPORT_RI_MATCH = "contiguous"


@dataclass(frozen=True)
class PermutationResult:
    """Randomization inference (placebo-in-space) for one DiD estimate.

    ``placebo_estimates`` are the DiD estimates with the treatment moved to placebo regions of
    comparison municipalities; the p-value and the confidence interval come from them.
    """

    estimate: float
    p_value: float
    ci_low: float
    ci_high: float
    placebo_estimates: np.ndarray
    enumerated: bool  # True: every eligible placebo region was used; False: a seeded random draw
    match: str  # placebo regions match the proeftuin's number of municipalities, or also persons
    dropped: int = 0  # placebo regions left out because they gave no estimate


# Up to this many candidate regions, eligible ones (persons match) are listed before sampling.
ENUMERATE_LIMIT = 200_000


def placebo_regions(
    pool: list[str],
    size: int,
    reps: int,
    seed: int,
    persons: dict[str, float] | None = None,
    target_persons: float = 0.0,
    factor: float = 1.5,
) -> tuple[list[list[str]], bool]:
    """Placebo regions of ``size`` municipalities from ``pool``, and whether that is all of them.

    Without ``persons`` every ``size``-subset is eligible; with it, only subsets whose persons lie
    within ``factor`` (either way) of ``target_persons``. When there are at most ``reps`` eligible
    regions they are all returned (exact; True). Otherwise ``reps`` distinct eligible regions are
    drawn with ``seed`` when the candidates can be listed (at most ``ENUMERATE_LIMIT``), else
    ``reps`` regions are drawn independently (a region may repeat; a draw that fails the persons
    match is redrawn, up to 200 attempts per wanted region). When those attempts find fewer than
    ``reps`` (few subsets match, as for a region of unusually small or large municipalities), the
    matching regions are listed by a pruned search (:func:`_regions_within`) and used as above;
    only when even that finds more than ``ENUMERATE_LIMIT`` does the short draw come back.
    ``persons`` are summed over the study's years (person-years). Regions are sorted lists of
    codes; the draw is deterministic for a given ``seed``.
    """

    def eligible(region) -> bool:
        if persons is None:
            return True
        ratio = sum(persons[m] for m in region) / target_persons
        return 1 / factor <= ratio <= factor

    rng = np.random.default_rng(seed)
    total = math.comb(len(pool), size)
    if total <= reps or (persons is not None and total <= ENUMERATE_LIMIT):
        return _draw_listed(
            [list(c) for c in itertools.combinations(pool, size) if eligible(c)], reps, rng
        )
    sets: list[list[str]] = []
    for _ in range(200 * reps):
        region = sorted(rng.choice(pool, size, replace=False))
        if eligible(region):
            sets.append(region)
            if len(sets) == reps:
                break
    if len(sets) < reps and persons is not None:
        # few regions match (a region of unusually small or large municipalities): list them all
        bounds = (target_persons / factor, target_persons * factor)
        listed = _regions_within(pool, size, persons, bounds, ENUMERATE_LIMIT)
        if listed is not None:
            return _draw_listed(listed, reps, rng)
    return sets, False


def pool_neighbours(pool: list[str], borders: dict[str, set[str]]) -> dict[str, list[str]]:
    """Each pool municipality -> its neighbours within the pool (``borders``: shared borders,
    :func:`lmp.geo.neighbours`), sorted."""
    inside = set(pool)
    return {code: sorted(set(borders.get(code, ())) & inside) for code in pool}


def grow_region(
    pool: list[str], size: int, near: dict[str, list[str]], rng: np.random.Generator
) -> list[str] | None:
    """One region of ``size`` neighbouring municipalities, in the order they were added.

    Starts from a random municipality of ``pool`` and adds a random neighbour of the region so far
    (``near``: :func:`pool_neighbours`) until it has ``size``; ``None`` when the start's connected
    part of the pool is smaller. Draws one integer from ``rng`` for the start and one for each
    municipality added, so a given generator state always grows the same region.
    """
    region = [pool[int(rng.integers(len(pool)))]]
    while len(region) < size:
        frontier = sorted({n for code in region for n in near[code]} - set(region))
        if not frontier:
            return None
        region.append(frontier[int(rng.integers(len(frontier)))])
    return region


def contiguous_placebo_regions(
    pool: list[str],
    size: int,
    reps: int,
    seed: int,
    borders: dict[str, set[str]],
    persons: dict[str, float],
    target_persons: float,
    factor: float = 1.5,
) -> tuple[list[list[str]], bool]:
    """Placebo regions of ``size`` *neighbouring* municipalities from ``pool``, persons-matched.

    Real proeftuinen are contiguous, and neighbouring municipalities share regional shocks, so
    the error of a contiguous region's estimate is larger than that of ``size`` municipalities
    scattered over the country; placebo regions drawn at random then make randomization inference
    over-reject (``benchmarks/results/sensitivity_size.md``). Each region here grows from a random
    pool municipality by adding a random pool neighbour of the region so far (``borders``: shared
    borders, :func:`lmp.geo.neighbours`), and is kept when its persons lie within ``factor`` of
    ``target_persons`` and it was not drawn before. Up to ``200 * reps`` attempts; the regions are
    not enumerated (False), and fewer than ``reps`` come back when few exist. Deterministic for a
    given ``seed``. (Random growth does not draw every connected region with equal probability;
    it matches how a contiguous region is put together, not an exact permutation distribution.)
    """
    rng = np.random.default_rng(seed)
    near = pool_neighbours(pool, borders)
    seen: set[tuple[str, ...]] = set()
    sets: list[list[str]] = []
    for _ in range(200 * reps):
        region = grow_region(pool, size, near, rng)
        if region is None or tuple(sorted(region)) in seen:
            continue
        key = tuple(sorted(region))
        ratio = sum(persons[m] for m in region) / target_persons
        if 1 / factor <= ratio <= factor:
            seen.add(key)
            sets.append(list(key))
            if len(sets) == reps:
                break
    return sets, False


def _draw_listed(
    regions: list[list[str]], reps: int, rng: np.random.Generator
) -> tuple[list[list[str]], bool]:
    """All ``regions`` when there are at most ``reps`` (True), else ``reps`` distinct ones."""
    if len(regions) <= reps:
        return regions, True
    chosen = np.sort(rng.choice(len(regions), size=reps, replace=False))
    return [regions[i] for i in chosen], False


def _regions_within(
    pool: list[str], size: int, persons: dict[str, float], bounds: tuple[float, float], limit: int
) -> list[list[str]] | None:
    """Every ``size``-subset of ``pool`` whose persons sum lies within ``bounds``, or ``None`` when
    there are more than ``limit`` of them.

    A depth-first search over the municipalities sorted by persons that skips every branch whose
    smallest or largest reachable sum misses the bounds, so a region of unusually small or large
    municipalities, whose matches are few among very many subsets, is listed exactly instead of
    being searched for by random draws. Regions come back as sorted code lists, in a fixed order.
    """
    order = sorted(pool, key=lambda m: (persons[m], m))
    weight = np.array([persons[m] for m in order], dtype=float)
    cum = np.concatenate([[0.0], np.cumsum(weight)])
    n, low, high = len(order), bounds[0], bounds[1]
    found: list[list[str]] = []

    def search(start: int, left: int, total: float, chosen: list[int]) -> bool:
        if left == 0:
            if low <= total <= high:
                found.append(sorted(order[i] for i in chosen))
            return len(found) <= limit
        for i in range(start, n - left + 1):
            smallest = total + cum[i + left] - cum[i]  # i and the next left-1 (sorted ascending)
            if smallest > high:
                break  # every later i only adds more
            largest = total + weight[i] + cum[n] - cum[n - left + 1]  # i and the largest left-1
            if largest < low:
                continue
            chosen.append(i)
            going = search(i + 1, left - 1, total + weight[i], chosen)
            chosen.pop()
            if not going:
                return False
        return True

    if not search(0, size, 0.0, []):
        return None
    return sorted(found)


def _check_match(match: str) -> None:
    if match not in RI_MATCHES:
        raise ParameterError(
            f"unknown placebo match '{match}'; choose one of {', '.join(RI_MATCHES)}"
        )


def _matched_placebo_regions(
    cells: pd.DataFrame,
    candidates: list[str],
    reps: int,
    seed: int,
    match: str,
    factor: float,
    which: str = "",
) -> tuple[list[list[str]], bool]:
    """Placebo regions from ``candidates`` for the treated region of ``cells`` (:func:`
    placebo_regions`): as many municipalities and, with ``match="persons"``, within ``factor`` of
    its persons (summed over the cells' years). ``which`` describes the candidates in the error
    raised when no region qualifies."""
    _check_match(match)
    sizes = cells.groupby("gemeente_code")["n_persons"].sum()
    treated = sorted(cells.loc[cells["treated"] == 1, "gemeente_code"].unique())
    if match == "contiguous":
        from lmp.geo import neighbours  # reads the boundaries only when asked

        sets, enumerated = contiguous_placebo_regions(
            sorted(candidates),
            len(treated),
            reps,
            seed,
            neighbours(2020),
            sizes.to_dict(),
            float(sizes[treated].sum()),
            factor,
        )
    else:
        sets, enumerated = placebo_regions(
            candidates,
            len(treated),
            reps,
            seed,
            persons=sizes.to_dict() if match == "persons" else None,
            target_persons=float(sizes[treated].sum()),
            factor=factor,
        )
    if not sets:
        raise DesignError(
            f"no placebo region of {len(treated)} comparison municipalities"
            + (f" {which}" if which else "")
            + (" of neighbouring municipalities" if match == "contiguous" else "")
            + (
                f" within a factor {factor} of the region's persons"
                if match != "municipalities"
                else ""
            )
        )
    return sets, enumerated


def placebo_confidence_interval(
    estimate: float, placebos: np.ndarray, alpha: float = 0.05
) -> tuple[float, float]:
    """Test inversion of the placebo test, assuming a constant additive effect.

    Testing ``beta = b`` shifts the treated region's outcome by ``b`` and leaves every placebo
    estimate unchanged (placebo regions hold no treated municipality), so ``b`` is kept when
    ``(1 + #{|placebo| >= |estimate - b|}) / (1 + B) > alpha``: the interval is the estimate plus
    or minus the ``floor(alpha * (1 + B))``-th largest ``|placebo|``; infinite when that is zero.
    """
    half = placebo_critical_value(placebos, alpha)
    return estimate - half, estimate + half


def randomization_inference(
    data: Dataset | pd.DataFrame,
    proeftuin: str,
    outcome: str,
    design: str = "target",
    reps: int = 999,
    seed: int = 0,
    match: str = "persons",
    factor: float = 1.5,
    alpha: float = 0.05,
    ref: Reference | None = None,
    cells: pd.DataFrame | None = None,
    options: DesignOptions | None = None,
) -> PermutationResult:
    """Placebo-in-space p-value and confidence interval: the treatment moved to comparison areas.

    Each placebo region has as many municipalities as the proeftuin and, with ``match="persons"``
    (the default), also between ``1/factor`` and ``factor`` times its persons; with
    ``match="municipalities"`` any such region counts. Matching on persons keeps the test near its
    level when the proeftuin's municipalities are unusually small or large, where matching on the
    number alone over- or under-rejects (``benchmarks/results/ri_region_size.md``); it can leave
    few placebo regions for a very large or small region (their number is reported).
    The proeftuin's own municipalities are left out of the placebo runs. The p-value is
    ``(1 + #{|placebo| >= |estimate|}) / (1 + number of placebos)``. Regions are enumerated
    when there are at most ``reps`` of them, otherwise ``reps`` are drawn with ``seed``.

    Every placebo estimate is exact and cheap: with ``x_g`` the fixed-effect-partialled treatment
    column of municipality ``g`` alone, a region ``S`` gives
    ``sum_{g in S} x_g'W y / sum_{g,h in S} x_g'W x_h``, from one G x G matrix.
    """
    _check_match(match)
    if cells is None:
        cells = study_cells(data, proeftuin, outcome, design, ref, options)
    actual = float(
        _fit(cells, design, _treatment(cells, design, cells["treated"].to_numpy(float))).coef[0]
    )
    is_treated = cells["treated"] == 1
    placebo_cells = cells[~is_treated].reset_index(drop=True)
    pool = sorted(placebo_cells["gemeente_code"].unique())
    sets, enumerated = _matched_placebo_regions(cells, pool, reps, seed, match, factor)
    # one fit for the fixed effects and the partialled outcome; then, per pool municipality m,
    # x_m = the partialled treatment column of m alone: cross[m] = x_m'W y, gram[m, k] = x_m'W x_k
    fit = _fit(placebo_cells, design, np.zeros(len(placebo_cells)))
    if design == "triple":
        members = placebo_cells["gemeente_code"].to_numpy()
        columns = np.column_stack(
            [_treatment(placebo_cells, design, (members == m).astype(float))[:, 0] for m in pool]
        )
        x = fit.fe.partial(_pair_difference(placebo_cells, columns))
        weighted = x * fit.weight[:, None]
        cross, gram = weighted.T @ fit.y, weighted.T @ x
    else:
        # the column of m is post on m's rows: both products come from one G x G cross matrix
        # (partialling is self-adjoint in the weighted inner product; fit.cluster codes follow pool)
        post = _treatment(placebo_cells, design, np.ones(len(placebo_cells)))[:, 0]
        cluster = fit.cluster
        cross = np.bincount(cluster, weights=fit.weight * post * fit.y, minlength=len(pool))
        gram = fit.fe.cluster_cross(cluster, fit.weight * post, post, len(pool))
    index = {m: i for i, m in enumerate(pool)}
    with np.errstate(invalid="ignore", divide="ignore"):
        placebos = np.array(
            [
                cross[rows].sum() / gram[np.ix_(rows, rows)].sum()
                for rows in ([index[m] for m in region] for region in sets)
            ]
        )
    # a placebo region without post-start variation (all its cells absorbed) has no estimate:
    # it is left out, and counted, rather than kept as NaN (which would bias p and the spread)
    finite = np.isfinite(placebos)
    dropped = int((~finite).sum())
    placebos = placebos[finite]
    if placebos.size == 0:
        raise DesignError(f"no placebo region gives an estimate ({dropped} tried)")
    p_value = placebo_p_value(abs(actual), np.abs(placebos))
    low, high = placebo_confidence_interval(actual, placebos, alpha)
    return PermutationResult(actual, p_value, low, high, placebos, enumerated, match, dropped)
