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
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from lmp.contract import Dataset
from lmp.errors import DesignError, ParameterError
from lmp.inference import WeightedFit, cr1_vcov, fit_weighted_fe, t_test, wald_test
from lmp.reference import Reference, load_reference

DESIGNS = ("population", "target", "triple")
DESIGN_LABELS = {
    "population": "Whole population",
    "target": "Target group",
    "triple": "Triple difference (target - non-target)",
}


def _frame(data: Dataset | pd.DataFrame) -> pd.DataFrame:
    return data.frame if isinstance(data, Dataset) else data


def study_cells(
    data: Dataset | pd.DataFrame,
    proeftuin: str,
    outcome: str,
    design: str,
    ref: Reference | None = None,
) -> pd.DataFrame:
    """Cells for one design: municipality, year, group (1 = target segments), persons, mean, flags.

    Raises :class:`ParameterError` for an unknown design or outcome and :class:`DesignError` when
    the data hold no treated or no comparison municipality, or no year before or after the start.
    """
    ref = ref or load_reference()
    if design not in DESIGNS:
        raise ParameterError(f"unknown design '{design}'; choose one of {', '.join(DESIGNS)}")
    row = ref.proeftuin(proeftuin)
    ref.outcome(outcome)
    frame = _frame(data)
    frame = frame[frame["outcome"] == outcome]
    if frame.empty:
        raise DesignError(f"the data hold no rows for outcome '{outcome}'")
    treated = set(ref.municipalities(proeftuin))
    pool = set(ref.comparison_pool())
    frame = frame[frame["gemeente_code"].isin(treated | pool)]
    targets = set(ref.target_segments(proeftuin))
    group = frame["segment"].isin(targets).astype(int)
    if design == "target":
        frame, group = frame[group == 1], group[group == 1]
    if design == "population":
        group = group * 0
    cells = (
        frame.assign(group=group)
        .groupby(["gemeente_code", "year", "group"], as_index=False, sort=True)[
            ["n_persons", "value_sum"]
        ]
        .sum()
    )
    cells = cells[cells["n_persons"] > 0].reset_index(drop=True)
    cells["mean"] = cells["value_sum"] / cells["n_persons"]
    cells["treated"] = cells["gemeente_code"].isin(treated).astype(int)
    cells["post"] = (cells["year"] >= int(row["start_year"])).astype(int)
    cells["D"] = cells["treated"] * cells["post"]
    _check_support(cells, proeftuin, outcome, design)
    return cells


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
    """The fixed-effects structure of each design, around the given regressors."""
    g, t = _codes(cells["gemeente_code"]), _codes(cells["year"])
    if design == "triple":
        e = cells["group"].to_numpy()
        gt = _codes(cells["gemeente_code"] + ":" + cells["year"].astype(str))
        absorb, dummies = gt, [g * 2 + e, t * 2 + e]
    else:
        absorb, dummies = g, [t]
    return fit_weighted_fe(
        y=cells["mean"].to_numpy(),
        x=regressors,
        weight=cells["n_persons"].to_numpy(dtype=float),
        absorb=absorb,
        dummies=dummies,
        cluster=g,
    )


def _treatment(cells: pd.DataFrame, design: str, treated: np.ndarray) -> np.ndarray:
    """The DiD regressor as one column: treated x post (x target group in the triple design)."""
    d = treated * cells["post"].to_numpy(float)
    if design == "triple":
        d = d * cells["group"].to_numpy(float)
    return d[:, None]


@dataclass(frozen=True)
class DidResult:
    """One DiD estimate with CR1 inference, in the spirit of statsmodels/pyfixest results."""

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
        return "\n".join(
            [
                f"DiD ({DESIGN_LABELS[self.design]}) - proeftuin {self.proeftuin}, outcome {self.outcome}",
                f"  estimate  {self.estimate:12.4f}   SE ({self.vcov}) {self.se:.4f}",
                f"  {level}% CI    [{self.ci_low:.4f}, {self.ci_high:.4f}]   p = {self.p_value:.4f}"
                f" (t, {self.df} df)",
                f"  persons   {self.n_persons:,}   municipalities {self.n_clusters}"
                f" ({self.n_treated_clusters} treated)   cells {self.n_cells}",
            ]
        )


def estimate(
    data: Dataset | pd.DataFrame,
    proeftuin: str,
    outcome: str,
    design: str = "target",
    alpha: float = 0.05,
    ref: Reference | None = None,
) -> DidResult:
    """Estimate one DiD design for one proeftuin and outcome (see the module docstring)."""
    cells = study_cells(data, proeftuin, outcome, design, ref)
    fit = _fit(cells, design, _treatment(cells, design, cells["treated"].to_numpy(float)))
    se = float(np.sqrt(cr1_vcov(fit)[0, 0]))
    test = t_test(float(fit.coef[0]), se, fit.n_clusters - 1, alpha)
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
    )


def estimate_all(
    data: Dataset | pd.DataFrame,
    proeftuin: str,
    outcomes: list[str],
    designs: tuple[str, ...] = DESIGNS,
    alpha: float = 0.05,
    ref: Reference | None = None,
) -> pd.DataFrame:
    """Tidy table of every design for every outcome, in a fixed order."""
    rows = [
        estimate(data, proeftuin, outcome, design, alpha, ref).tidy()
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

    def pretrend_text(self) -> str:
        """The joint pre-trend test in one line of Markdown."""
        if np.isnan(self.pretrend_p):
            return f"- **{self.design}**: no year before the reference year, so no pre-trend test"
        num, den = self.pretrend_df
        return (
            f"- **{self.design}**: joint pre-trend test F({num}, {den}) = {self.pretrend_f:.2f}, "
            f"p = {self.pretrend_p:.3f}"
        )

    def summary(self) -> str:
        lines = [
            f"Event study ({DESIGN_LABELS[self.design]}) - proeftuin {self.proeftuin}, outcome {self.outcome}",
            f"  reference: relative year {self.reference_year}",
            f"  joint pre-trend test: F({self.pretrend_df[0]}, {self.pretrend_df[1]}) = "
            f"{self.pretrend_f:.3f}, p = {self.pretrend_p:.4f}",
        ]
        return "\n".join(lines)


def event_study(
    data: Dataset | pd.DataFrame,
    proeftuin: str,
    outcome: str,
    design: str = "target",
    alpha: float = 0.05,
    ref: Reference | None = None,
) -> EventStudyResult:
    """Event study for the population or target design; the reference is the last pre-start year."""
    if design == "triple":
        raise ParameterError("the event study is defined for the 'population' and 'target' designs")
    ref = ref or load_reference()
    cells = study_cells(data, proeftuin, outcome, design, ref)
    start = int(ref.proeftuin(proeftuin)["start_year"])
    rel = cells["year"] - start
    treated_rel = sorted(rel[cells["treated"] == 1].unique())
    reference = max(k for k in treated_rel if k < 0)
    periods = [k for k in treated_rel if k != reference]
    x = np.column_stack([((rel == k) & (cells["treated"] == 1)).to_numpy(float) for k in periods])
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
    if leads:
        wald = wald_test(fit.coef[leads], vcov[np.ix_(leads, leads)], df)
        pretrend = (wald.f_stat, (wald.df_num, wald.df_den), wald.p_value)
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
    )


@dataclass(frozen=True)
class PermutationResult:
    """Randomization inference (placebo-in-space) for one DiD estimate."""

    estimate: float
    p_value: float
    placebo_estimates: np.ndarray
    enumerated: bool  # True: every placebo assignment was used; False: a seeded random draw


def _placebo_sets(pool: list[str], size: int, reps: int, seed: int) -> tuple[list, bool]:
    """All ``size``-subsets of ``pool`` when there are at most ``reps``, else ``reps`` random ones."""
    if math.comb(len(pool), size) <= reps:
        return [list(c) for c in itertools.combinations(pool, size)], True
    rng = np.random.default_rng(seed)
    return [sorted(rng.choice(pool, size, replace=False)) for _ in range(reps)], False


def randomization_inference(
    data: Dataset | pd.DataFrame,
    proeftuin: str,
    outcome: str,
    design: str = "target",
    reps: int = 999,
    seed: int = 0,
    ref: Reference | None = None,
) -> PermutationResult:
    """Placebo-in-space p-value: the treatment is moved to comparison municipalities.

    Each placebo region has as many municipalities as the proeftuin; the proeftuin's own
    municipalities are left out of the placebo runs. The p-value is
    ``(1 + #{|placebo| >= |estimate|}) / (1 + number of placebos)``. Assignments are enumerated
    when there are at most ``reps`` of them, otherwise ``reps`` are drawn with ``seed``.
    """
    cells = study_cells(data, proeftuin, outcome, design, ref)
    actual = float(
        _fit(cells, design, _treatment(cells, design, cells["treated"].to_numpy(float))).coef[0]
    )
    treated = sorted(cells.loc[cells["treated"] == 1, "gemeente_code"].unique())
    placebo_cells = cells[cells["treated"] == 0].reset_index(drop=True)
    pool = sorted(placebo_cells["gemeente_code"].unique())
    sets, enumerated = _placebo_sets(pool, len(treated), reps, seed)
    placebos = []
    for chosen in sets:
        fake = placebo_cells["gemeente_code"].isin(chosen).to_numpy(float)
        placebos.append(
            float(_fit(placebo_cells, design, _treatment(placebo_cells, design, fake)).coef[0])
        )
    placebos = np.array(placebos)
    extreme = np.sum(np.abs(placebos) >= abs(actual) * (1 - 1e-12))
    p_value = float((1 + extreme) / (1 + len(placebos)))
    return PermutationResult(actual, p_value, placebos, enumerated)
