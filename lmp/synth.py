"""Synthetic data with injected, recorded effects.

No real microdata about the proeftuinen is available, so lmp ships data generated here. The data
are deterministic from a seed, follow the data contract (see :mod:`lmp.contract`), and come with a
ground-truth file that records every injected effect and the estimands it implies. The generator
never calls the estimator it is meant to test.

Model (per municipality g, year t, segment s; all effects additive on the person level)::

    mean_k(g,t,s) = base_k(s) * (m_g + growth(s) * (t - 2015) + u_gt + e_gts) + effect_k(g,t,s)
    effect_k      = delta_k                     if g is in a proeftuin, t >= start_year, s is targeted
                  = spillover * delta_k         if g is in a proeftuin, t >= start_year, s is not targeted
                  = 0                           otherwise

``m_g`` is a municipality level, ``growth(s)`` a segment-specific linear trend, ``u_gt`` a
municipality-year shock shared by all segments (what makes clustering by municipality matter) and
``e_gts`` cell noise. Parallel trends therefore hold in expectation over draws; in any one draw a
municipality's segment mix can tilt its aggregate trend a little, as in real data.

Person-level costs are gamma distributed (sector-specific coefficient of variation), so the sum over
``n`` persons is drawn exactly as Gamma(n * shape, scale). The sum of squares is drawn from the
sample-variance distribution of a normal with the same variance (an approximation that only affects
``value_sumsq``). 0/1 outcomes are exact binomial draws; self-rated health is asked of a survey
sample (``survey_fraction``) as in the Gezondheidsmonitor.

Magnitudes follow public figures: mean Zvw cost per insured-year about 2,600 euro (Vektis 2018),
rising a few percent a year; chronic and frail segments several times the healthy one; about
75-80% of adults rate their health good.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from lmp.contract import KEY, WHOLE_YEAR_COLUMNS, truth_path
from lmp.files import atomic_write
from lmp.reference import Reference, load_reference

DEFAULT_SEED = 20130
DEFAULT_PATH = (
    Path(__file__).resolve().parent.parent / "data" / "synthetic" / "lmp_synthetic.parquet"
)
GENERATOR_VERSION = "1"
COST_SECTORS = ["cost_gp", "cost_hospital", "cost_pharmacy", "cost_nursing", "cost_mental"]

# Mean cost per person-year in 2015 by segment (euro) and its split over sectors; the rest of the
# total ("other": dental, maternity care, transport, ...) is not reported as a sector of its own.
SEGMENT_COST = {
    "healthy": 900.0,
    "maternal_child": 2500.0,
    "chronic": 3000.0,
    "mental_health": 4500.0,
    "multimorbid": 7000.0,
    "frail_elderly": 12000.0,
}
SECTOR_SHARE = {  # gp, hospital, pharmacy, nursing, mental; other = 1 - sum
    "healthy": (0.20, 0.42, 0.12, 0.01, 0.05),
    "maternal_child": (0.08, 0.55, 0.05, 0.02, 0.02),
    "chronic": (0.10, 0.48, 0.22, 0.04, 0.03),
    "mental_health": (0.06, 0.22, 0.10, 0.02, 0.50),
    "multimorbid": (0.06, 0.52, 0.20, 0.08, 0.03),
    "frail_elderly": (0.04, 0.40, 0.12, 0.30, 0.02),
}
SECTOR_CV = (1.0, 4.0, 2.5, 5.0, 6.0)  # person-level coefficient of variation per sector
OTHER_CV = 3.0
SEGMENT_SHARE = {  # share of the population in 2015
    "healthy": 0.55,
    "maternal_child": 0.05,
    "chronic": 0.20,
    "mental_health": 0.07,
    "multimorbid": 0.09,
    "frail_elderly": 0.04,
}
SEGMENT_SHARE_TREND = {  # absolute change in share per year (ageing); sums to zero
    "healthy": -0.0015,
    "maternal_child": -0.0002,
    "chronic": 0.0004,
    "mental_health": 0.0003,
    "multimorbid": 0.0006,
    "frail_elderly": 0.0004,
}
SEGMENT_GROWTH = {  # linear cost growth per year, as a fraction of the 2015 level
    "healthy": 0.020,
    "maternal_child": 0.020,
    "chronic": 0.030,
    "mental_health": 0.035,
    "multimorbid": 0.035,
    "frail_elderly": 0.040,
}
BINARY_BASE = {  # probability in 2015 by segment: good_health, avoidable_admission, ed_visit
    "healthy": (0.90, 0.002, 0.06),
    "maternal_child": (0.88, 0.006, 0.10),
    "chronic": (0.68, 0.015, 0.12),
    "mental_health": (0.50, 0.010, 0.15),
    "multimorbid": (0.45, 0.040, 0.20),
    "frail_elderly": (0.35, 0.080, 0.30),
}
BINARY_OUTCOMES = ["good_health", "avoidable_admission", "ed_visit"]
# Yearly change relative to 2015 (for good health: of its complement, the share in less good health).
BINARY_TREND = (-0.002, 0.02, 0.01)
# Effect on a targeted person at full strength (euro per person-year, or probability points).
EFFECT_TEMPLATE = {
    "cost_gp": 40.0,
    "cost_hospital": -250.0,
    "cost_pharmacy": -20.0,
    "cost_nursing": 30.0,
    "cost_mental": 0.0,
    "good_health": 0.02,
    "avoidable_admission": -0.003,
    "ed_visit": -0.010,
}
# Strength of the effect per proeftuin, in the order of data/reference/proeftuinen.csv. One
# proeftuin has no effect at all, so the reports show what a true null looks like.
DEFAULT_STRENGTH = (1.0, 0.5, 0.0, 1.5, 0.8, 1.2, 0.3, 1.0, 0.6)


@dataclass
class SynthConfig:
    """Everything that determines a synthetic dataset. Same config, same data, to the byte."""

    seed: int = DEFAULT_SEED
    first_year: int = 2010
    last_year: int = 2019
    proeftuinen: list[str] | None = None  # None: all nine
    comparison_municipalities: int | None = None  # None: the whole comparison pool
    outcomes: list[str] | None = None  # None: all outcomes in the catalogue
    spillover: float = 0.10  # effect on non-targeted persons, as a fraction of the targeted effect
    survey_fraction: float = 0.03  # share of persons asked about self-rated health
    strength: dict[str, float] = field(default_factory=dict)  # per proeftuin; default from above
    population_median: float = 28000.0  # median inhabitants per municipality
    municipality_sd: float = 0.08  # sd of the municipality level m_g
    year_shock_sd: float = 0.015  # sd of the municipality-year shock u_gt
    cell_noise_sd: float = 0.01  # sd of the cell noise e_gts


def _strengths(cfg: SynthConfig, ref: Reference) -> dict[str, float]:
    slugs = list(ref.proeftuinen["slug"])
    defaults = dict(zip(slugs, DEFAULT_STRENGTH, strict=True))
    return {slug: float(cfg.strength.get(slug, defaults[slug])) for slug in slugs}


def _effects(cfg: SynthConfig, ref: Reference) -> dict[str, dict[str, float]]:
    """Per proeftuin and outcome: the effect on a targeted person (cost_total = sum of sectors)."""
    effects = {}
    for slug, strength in _strengths(cfg, ref).items():
        per = {code: strength * value for code, value in EFFECT_TEMPLATE.items()}
        per["cost_total"] = sum(per[code] for code in COST_SECTORS)
        effects[slug] = per
    return effects


def _municipalities(cfg: SynthConfig, ref: Reference, rng: np.random.Generator) -> pd.DataFrame:
    slugs = cfg.proeftuinen or list(ref.proeftuinen["slug"])
    treated = ref.gemeenten[ref.gemeenten["proeftuin"].isin(slugs)]
    pool = ref.gemeenten[ref.gemeenten["proeftuin"] == ""]
    if cfg.comparison_municipalities is not None:
        pick = rng.choice(len(pool), size=cfg.comparison_municipalities, replace=False)
        pool = pool.iloc[np.sort(pick)]
    munis = pd.concat([treated, pool]).sort_values("gemeente_code").reset_index(drop=True)
    start = ref.proeftuinen.set_index("slug")["start_year"]
    munis["start_year"] = munis["proeftuin"].map(start).fillna(0).astype(int)
    size = rng.lognormal(np.log(cfg.population_median), 0.8, len(munis))
    munis["population"] = np.clip(size, 900, 900_000).round()
    munis["level"] = np.exp(rng.normal(0.0, cfg.municipality_sd, len(munis)))
    return munis[["gemeente_code", "proeftuin", "start_year", "population", "level"]]


def _cells(cfg: SynthConfig, ref: Reference, rng: np.random.Generator) -> pd.DataFrame:
    """One row per municipality, year and segment with persons, noise terms and treatment flags."""
    munis = _municipalities(cfg, ref, rng)
    segments = list(ref.segments["code"])
    years = np.arange(cfg.first_year, cfg.last_year + 1)
    n_g, n_t, n_s = len(munis), len(years), len(segments)
    # Segment mix per municipality: national shares tilted by a municipality factor, plus ageing.
    tilt = np.exp(rng.normal(0.0, 0.15, (n_g, n_s)))
    base = np.array([SEGMENT_SHARE[s] for s in segments])
    mix = base * tilt / (base * tilt).sum(axis=1, keepdims=True)
    trend = np.array([SEGMENT_SHARE_TREND[s] for s in segments])
    share = mix[:, None, :] + trend[None, None, :] * (years - 2015)[None, :, None]
    share = np.clip(share, 0.001, None)
    share /= share.sum(axis=2, keepdims=True)
    people = munis["population"].to_numpy()[:, None] * 1.003 ** (years - 2015)[None, :]
    persons = np.round(people[:, :, None] * share)
    year_shock = rng.normal(0.0, cfg.year_shock_sd, (n_g, n_t))
    cell_noise = rng.normal(0.0, cfg.cell_noise_sd, (n_g, n_t, n_s))
    grid = pd.DataFrame(
        {
            "gemeente_code": np.repeat(munis["gemeente_code"].to_numpy(), n_t * n_s),
            "year": np.tile(np.repeat(years, n_s), n_g),
            "segment": np.tile(segments, n_g * n_t),
            "n_persons": persons.reshape(-1).astype("int64"),
            "shock": (year_shock[:, :, None] + cell_noise).reshape(-1),
        }
    )
    grid = grid.merge(munis, on="gemeente_code", how="left")
    targets = {slug: set(ref.target_segments(slug)) for slug in ref.proeftuinen["slug"]}
    grid["post"] = (grid["proeftuin"] != "") & (grid["year"] >= grid["start_year"])
    grid["targeted"] = [
        bool(p) and s in targets[p] for p, s in zip(grid["proeftuin"], grid["segment"], strict=True)
    ]
    return grid


def _effect_column(grid: pd.DataFrame, effects: dict, outcome: str, spillover: float) -> np.ndarray:
    delta = grid["proeftuin"].map(lambda p: effects[p][outcome] if p else 0.0).to_numpy(dtype=float)
    weight = np.where(grid["targeted"], 1.0, spillover)
    return np.where(grid["post"], delta * weight, 0.0)


def _sumsq(
    rng: np.random.Generator, n: np.ndarray, total: np.ndarray, var: np.ndarray
) -> np.ndarray:
    """Sum of squares consistent with ``total`` over ``n`` persons with person-level variance ``var``."""
    dof = np.maximum(n - 1, 0)
    sample_var = var * rng.chisquare(np.maximum(dof, 1)) / np.maximum(dof, 1)
    mean_sq = np.divide(total**2, n, out=np.zeros_like(total), where=n > 0)
    return dof * sample_var + mean_sq


def _cost_rows(cfg, grid, effects, rng, wanted) -> list[pd.DataFrame]:
    segments = grid["segment"].to_numpy()
    n = grid["n_persons"].to_numpy().astype(float)
    base_total = grid["segment"].map(SEGMENT_COST).to_numpy()
    growth = grid["segment"].map(SEGMENT_GROWTH).to_numpy()
    factor = (
        grid["level"].to_numpy()
        + growth * (grid["year"].to_numpy() - 2015)
        + grid["shock"].to_numpy()
    )
    shares = np.array([SECTOR_SHARE[s] for s in segments])
    total_sum = np.zeros(len(grid))
    total_var = np.zeros(len(grid))
    rows = []
    sector_specs = [(code, shares[:, k], SECTOR_CV[k]) for k, code in enumerate(COST_SECTORS)]
    sector_specs.append(("other", 1.0 - shares.sum(axis=1), OTHER_CV))
    for code, share, cv in sector_specs:
        effect = _effect_column(grid, effects, code, cfg.spillover) if code != "other" else 0.0
        mean = np.maximum(base_total * share * factor + effect, 0.0)
        shape = 1.0 / cv**2
        sums = np.where(n > 0, rng.gamma(np.maximum(n * shape, 1e-12), mean / shape), 0.0)
        var = (cv * mean) ** 2
        total_sum += sums
        total_var += var
        if code in wanted:
            rows.append(_frame(grid, code, n, sums, _sumsq(rng, n, sums, var)))
    if "cost_total" in wanted:
        rows.append(_frame(grid, "cost_total", n, total_sum, _sumsq(rng, n, total_sum, total_var)))
    return rows


def _binary_rows(cfg, grid, effects, rng, wanted) -> list[pd.DataFrame]:
    n_all = grid["n_persons"].to_numpy()
    years = grid["year"].to_numpy() - 2015
    relative = grid["level"].to_numpy() - 1.0 + grid["shock"].to_numpy()
    rows = []
    for k, code in enumerate(BINARY_OUTCOMES):
        base = grid["segment"].map(lambda s, k=k: BINARY_BASE[s][k]).to_numpy()
        # Higher cost levels go with more admissions and ED visits and with more people in less
        # than good health; good health is modelled through its complement so it stays below 1.
        if code == "good_health":
            p = 1.0 - (1.0 - base) * (1.0 + relative - BINARY_TREND[k] * years)
        else:
            p = base * (1.0 + relative + BINARY_TREND[k] * years)
        effect = _effect_column(grid, effects, code, cfg.spillover)
        clipped = (effect != 0) & ((p + effect < 0) | (p + effect > 1))
        if clipped.any():
            # A clipped probability would make the recorded effect untrue: refuse, do not hide it.
            raise ValueError(
                f"{code}: injected effect pushes {clipped.sum()} probabilities out of [0, 1]"
            )
        p = np.clip(p + effect, 0.0, 1.0)
        n = rng.binomial(n_all, cfg.survey_fraction) if code == "good_health" else n_all
        hits = rng.binomial(n, p).astype(float)
        if code in wanted:
            rows.append(_frame(grid, code, n.astype(float), hits, hits.copy()))
    return rows


def _frame(grid, outcome, n, sums, sumsq) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "gemeente_code": grid["gemeente_code"].to_numpy(),
            "year": grid["year"].to_numpy(),
            "segment": grid["segment"].to_numpy(),
            "outcome": outcome,
            "n_persons": n.astype("int64"),
            "value_sum": np.round(sums, 4),
            "value_sumsq": np.round(sumsq, 4),
        }
    )


def _implied(grid: pd.DataFrame, data: pd.DataFrame, effects: dict, cfg: SynthConfig) -> list[dict]:
    """Estimands implied by the injected effects, per proeftuin and outcome.

    target:     delta (every targeted person gets the same effect)
    triple:     delta - spillover * delta
    population: person-weighted mean effect over the proeftuin's post-period persons, i.e.
                share_target * delta + (1 - share_target) * spillover * delta, with the target share
                computed from the realised persons of that outcome.
    """
    flags = grid[["gemeente_code", "year", "segment", "proeftuin", "post", "targeted"]]
    cells = data.merge(flags, on=["gemeente_code", "year", "segment"], how="left")
    out = []
    for (slug, outcome), part in cells[cells["post"]].groupby(["proeftuin", "outcome"], sort=True):
        delta = effects[slug][outcome]
        persons = part["n_persons"].sum()
        share = part.loc[part["targeted"], "n_persons"].sum() / persons
        nontarget = cfg.spillover * delta
        out.append(
            {
                "proeftuin": slug,
                "outcome": outcome,
                "delta_target": round(delta, 10),
                "delta_nontarget": round(nontarget, 10),
                "target_share": round(float(share), 10),
                "target": round(delta, 10),
                "population": round(float(share * delta + (1 - share) * nontarget), 10),
                "triple": round(delta - nontarget, 10),
            }
        )
    return out


def generate(
    cfg: SynthConfig | None = None, ref: Reference | None = None
) -> tuple[pd.DataFrame, dict]:
    """A contract table and its ground truth, both determined by ``cfg`` alone."""
    cfg = cfg or SynthConfig()
    ref = ref or load_reference()
    rng = np.random.default_rng(cfg.seed)
    wanted = set(cfg.outcomes or ref.outcomes["code"])
    grid = _cells(cfg, ref, rng)
    effects = _effects(cfg, ref)
    parts = _cost_rows(cfg, grid, effects, rng, wanted) + _binary_rows(
        cfg, grid, effects, rng, wanted
    )
    # Synthetic persons are covered all year: no person_years column (it equals n_persons).
    data = pd.concat(parts, ignore_index=True)[WHOLE_YEAR_COLUMNS]
    data = data.sort_values(KEY, kind="mergesort").reset_index(drop=True)
    truth = {
        "synthetic": True,
        "note": "Synthetic data generated by lmp.synth; no real persons. Not for policy conclusions.",
        "generator_version": GENERATOR_VERSION,
        "config": asdict(cfg),
        "effects": {
            slug: {k: round(v, 10) for k, v in sorted(per.items()) if k in wanted}
            for slug, per in effects.items()
            if slug in set(grid["proeftuin"])
        },
        "implied": _implied(grid, data, effects, cfg),
    }
    return data, truth


def write_dataset(data: pd.DataFrame, truth: dict, path: str | Path) -> Path:
    """Write the table (``.parquet`` or ``.csv``) and its ``.truth.json`` sidecar, atomically."""
    path = Path(path)
    if path.name.lower().endswith(".parquet"):
        atomic_write(path, lambda tmp: data.to_parquet(tmp, index=False, compression="zstd"))
    else:
        atomic_write(path, lambda tmp: data.to_csv(tmp, index=False, lineterminator="\n"))
    text = json.dumps(truth, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    atomic_write(truth_path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return path
