"""Synthetic data with injected, recorded effects.

No real microdata about the proeftuinen is available, so lmp ships data generated here. The data
are deterministic from a seed, follow the data contract (see :mod:`lmp.contract`), and come with a
ground-truth file that records every injected effect, the estimands it implies and the scenario.
The generator never calls the estimator it is meant to test.

Model (per municipality g, year t, segment s, outcome k; all effects additive on the person level)::

    mean_k(g,t,s) = base_k(s) * (m_g + u_gt + e_gts + d_gt) + trend_k * (t - 2010) + effect_k(g,t,s)
    effect_k      = delta_k                  if g is in a proeftuin, t >= start_year, s is targeted
                  = spillover * delta_k      if g is in a proeftuin, t >= start_year, s is not targeted
                  = 0                        otherwise (but see the scenario "spillover")

``base_k(s)`` is the 2010 mean of segment s, ``m_g`` a municipality level, ``u_gt`` a
municipality-year shock shared by all segments (what makes clustering by municipality matter),
``e_gts`` cell noise and ``d_gt`` the deviation of a scenario (0 in the default scenario).
``trend_k`` is the same amount per person-year (euro, or probability) in every segment and
municipality: the national growth of outcome k (``COST_GROWTH``, ``BINARY_TREND``).

**Sizes and segment mix from the real open data.** Each municipality has its real insured-years of
``SIZE_YEAR`` (2015) in the bundled Vektis contract table (``OPEN_DATA``, read when generating, see
:func:`municipality_profiles`), growing ``POPULATION_GROWTH`` a year. Its segment mix is the
national mix (``SEGMENT_SHARE``) with each age-driven segment scaled by how much more or less common
its age group is in the municipality than in the country (``AGE_DRIVERS``: frail elderly by the
share aged 75+, multimorbid 65+, chronic 45+, maternal and child 0-4; healthy and mental health are
not age-driven), times a random tilt for other differences, normalised to 1. The mix is constant
over the years.

**Why the trend is common to all segments.** The designs pool segments. With real, unequal segment
mixes, a segment-specific growth or a changing mix would give an older municipality a steeper
pooled trend than a younger one: a violation of parallel trends that no scenario asked for. With a
common trend and a constant mix, parallel trends hold in expectation for every design and every
mix; in any one draw the shocks still move municipalities apart, as in real data.

**Scenarios** (``SynthConfig.scenario``, recorded in the truth file under ``"scenario"``): see
``SCENARIOS``. The deviations are deterministic and draw no random numbers, so with the same seed a
scenario's costs differ from the default's only where a deviation applies.

Person-level costs are gamma distributed (sector-specific coefficient of variation), so the sum over
``n`` persons is drawn exactly as Gamma(n * shape, scale). The sum of squares is drawn from the
sample-variance distribution of a normal with the same variance (an approximation that only affects
``value_sumsq``). 0/1 outcomes are exact binomial draws; self-rated health is asked of a survey
sample (``survey_fraction``) as in the Gezondheidsmonitor.

Magnitudes follow public figures loosely: mean Zvw cost per insured-year about 2,600 euro in 2010,
rising 2.5% of that a year; chronic and frail segments several times the healthy one; about 75-80%
of adults rate their health good.

**The same bytes on every machine.** Every number written lies on a stated grid, so that last-bit
differences of floating-point arithmetic between processors do not reach the files:

- ``value_sum`` and ``value_sumsq`` of cost outcomes: rounded half to even to the coarser of whole
  cents and ``COST_DIGITS`` (7) significant digits (:func:`round_to_grid`); ``value_sumsq`` is
  computed from the rounded sum and rounded up instead where the nearest grid value would make
  ``n_persons * value_sumsq < value_sum**2``. The spacing is at least 1e-7 of the value, so a
  relative error ``eps`` in a value changes what is written with a probability below
  ``eps / 1e-7`` (1e-5 for ``eps`` = 1e-12, about 1e-9 for a last-bit difference);
- 0/1 outcomes: whole counts (``value_sumsq`` = ``value_sum``), exact; ``n_persons``: whole numbers;
- the truth file: ``TRUTH_DIGITS`` (8) significant digits (:func:`truth_number`).

The rounding uses IEEE operations only (comparison with, multiplication and division by exact powers
of ten, rounding to a whole number), which every processor does alike. Besides, the arithmetic avoids what is known to differ
between processors: no vectorised numpy ``exp``/``log``/``power`` (numpy has AVX-512 versions whose
last bit can differ from the C library's; ``math.exp`` is used element by element), sums over
segments added column by column in a fixed order, no linear algebra. Assumed: the same numpy
version (``requirements.lock``) and C library give the same random draws for the same seed on every
x86-64 processor (the C library's ``log`` and ``exp`` mostly only decide accept/reject steps there).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from lmp.contract import KEY, WHOLE_YEAR_COLUMNS, truth_path
from lmp.files import atomic_write
from lmp.reference import Reference, load_reference

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEED = 20130
DEFAULT_PATH = ROOT / "data" / "synthetic" / "lmp_synthetic.parquet"
OPEN_DATA = ROOT / "data" / "open" / "vektis_zvw_2011_2018.parquet"
GENERATOR_VERSION = "2"
COST_SECTORS = ["cost_gp", "cost_hospital", "cost_pharmacy", "cost_nursing", "cost_mental"]
COST_PARTS = [*COST_SECTORS, "other"]  # "other" is drawn (it is part of cost_total), not reported
COST_OUTCOMES = [*COST_SECTORS, "cost_total"]
BINARY_OUTCOMES = ["good_health", "avoidable_admission", "ed_visit"]

# Precision of what is written (see the module docstring).
COST_DIGITS = 7  # significant digits of cost value_sum and value_sumsq
CENT_EXPONENT = -2  # and never finer than whole cents
TRUTH_DIGITS = 8  # significant digits of every number computed for the truth file

# Mean cost per person-year in 2010 by segment (euro) and its split over sectors; the rest of the
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
SEGMENT_SHARE = {  # national share of the population, before the age drivers
    "healthy": 0.55,
    "maternal_child": 0.05,
    "chronic": 0.20,
    "mental_health": 0.07,
    "multimorbid": 0.09,
    "frail_elderly": 0.04,
}
# Segment -> the age range (years, inclusive; None: no upper bound) whose local share, relative to
# the national share, scales the segment's share in a municipality.
AGE_DRIVERS = {
    "maternal_child": (0, 4),
    "chronic": (45, None),
    "multimorbid": (65, None),
    "frail_elderly": (75, None),
}
SIZE_YEAR = 2015  # municipality sizes are the real insured-years of this year
POPULATION_GROWTH = 1.003  # per year, every municipality and segment alike
SHARE_DECIMALS = 6  # age shares derived from the open data are rounded to this many decimals
TREND_FROM = 2010  # the levels above are for this year; the common trend counts from it
# Yearly cost growth per person-year, as a fraction of the national TREND_FROM mean of each sector;
# the same amount in euro for every segment and municipality.
COST_GROWTH = 0.025
BINARY_BASE = {  # probability in 2010 by segment: good_health, avoidable_admission, ed_visit
    "healthy": (0.90, 0.002, 0.06),
    "maternal_child": (0.88, 0.006, 0.10),
    "chronic": (0.68, 0.015, 0.12),
    "mental_health": (0.50, 0.010, 0.15),
    "multimorbid": (0.45, 0.040, 0.20),
    "frail_elderly": (0.35, 0.080, 0.30),
}
# Yearly rise, as a fraction of the national 2010 level, of the share in less than good health,
# of avoidable admissions and of ED visits; the same probability change for every person.
BINARY_TREND = (0.002, 0.02, 0.01)
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

SCENARIOS = {
    "parallel": "Parallel trends: no deviation from the model (the default).",
    "pretrend": (
        "The proeftuin's municipalities drift away from the comparisons already before the start: "
        "d_gt = pretrend_per_year * (year - start_year) in every year, as a fraction of each "
        "segment's 2010 mean."
    ),
    "regional_shock": (
        "A shock not caused by the proeftuin hits its municipalities and their neighbours (sharing "
        "a border, lmp.geo.neighbours) alike from the start year on: d_gt = regional_shock, as a "
        "fraction of each segment's 2010 mean."
    ),
    "spillover": (
        "The effect also reaches the comparison municipalities that border a proeftuin: from its "
        "start year they get neighbour_spillover times its effect (targeted and non-targeted "
        "segments as in its own municipalities)."
    ),
}
NEIGHBOUR_SCENARIOS = ("regional_shock", "spillover")


@dataclass
class SynthConfig:
    """Everything that determines a synthetic dataset. Same config, same data, to the byte."""

    seed: int = DEFAULT_SEED
    first_year: int = 2010
    last_year: int = 2019
    proeftuinen: list[str] | None = None  # None: all nine
    comparison_municipalities: int | None = None  # None: the whole comparison pool
    outcomes: list[str] | None = None  # None: all outcomes the generator makes
    spillover: float = 0.10  # effect on non-targeted persons, as a fraction of the targeted effect
    survey_fraction: float = 0.03  # share of persons asked about self-rated health
    strength: dict[str, float] = field(default_factory=dict)  # per proeftuin; default from above
    municipality_sd: float = 0.08  # sd of log m_g, the municipality level
    segment_tilt_sd: float = 0.10  # sd of the log of a segment share's random (non-age) tilt
    year_shock_sd: float = 0.015  # sd of the municipality-year shock u_gt
    cell_noise_sd: float = 0.01  # sd of the cell noise e_gts
    scenario: str = "parallel"  # one of SCENARIOS
    pretrend_per_year: float = 0.01  # "pretrend": differential trend per year (of the segment mean)
    regional_shock: float = 0.03  # "regional_shock": shift from the start (of the segment mean)
    neighbour_spillover: float = 0.5  # "spillover": share of the effect reaching neighbours


# --- numbers that come out the same on every machine ---------------------------------------------

# From this size on, COST_DIGITS significant digits are a coarser grid than whole cents (10,000).
GRID_SWITCH = 10 ** (COST_DIGITS - 1 + CENT_EXPONENT)


def _exp(values: np.ndarray) -> np.ndarray:
    """``exp`` element by element with the C library (``math.exp``).

    numpy's vectorised ``exp`` has an AVX-512 version on processors that have it, whose last bit can
    differ from the C library's; element by element the result depends on the C library only.
    """
    array = np.asarray(values, dtype=float)
    return np.array([math.exp(v) for v in array.ravel().tolist()]).reshape(array.shape)


def _row_sums(matrix: np.ndarray) -> np.ndarray:
    """Sum of each row, adding the columns one by one from the left (a fixed order)."""
    total = np.zeros(matrix.shape[0])
    for column in range(matrix.shape[1]):
        total = total + matrix[:, column]
    return total


# Exact doubles 1, 10, ..., 1e22: the grid is found and applied with these alone.
POWERS_OF_TEN = np.array([float(10**k) for k in range(23)])


def _to_grid(values: np.ndarray, whole: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``values`` scaled by a power of ten to a whole number on the grid, made whole by ``whole``
    (``np.rint``: half to even; ``np.ceil``: up) and scaled back.

    The grid is the coarser of whole cents and ``COST_DIGITS`` significant digits; a value's
    decimal exponent is found by comparison with exact powers of ten (no logarithm). Only IEEE
    operations (comparison, multiplication, division, rounding to a whole number), which every
    processor does alike. Assumes ``|value| < 1e22``.
    """
    values = np.asarray(values, dtype=float)
    size = np.abs(values)
    exponent = np.searchsorted(POWERS_OF_TEN, size, side="right") - 1  # floor(log10) from 1 up
    decimals = np.where(size >= GRID_SWITCH, COST_DIGITS - 1 - exponent, -CENT_EXPONENT)
    up = POWERS_OF_TEN[np.clip(decimals, 0, None)]
    down = POWERS_OF_TEN[np.clip(-decimals, 0, None)]
    return whole(values * up / down) / up * down


def round_to_grid(values: np.ndarray) -> np.ndarray:
    """Each value rounded to the coarser of whole cents and ``COST_DIGITS`` significant digits
    (half to even after scaling by a power of ten). A value on the grid comes back unchanged."""
    return _to_grid(values, np.rint)


def _round_up_to_grid(values: np.ndarray) -> np.ndarray:
    """Each value rounded up to the grid of :func:`round_to_grid`."""
    return _to_grid(values, np.ceil)


def truth_number(value: float) -> float:
    """A number of the truth file: rounded (half to even) to ``TRUTH_DIGITS`` significant digits
    (Python's float formatting: correctly rounded by CPython's own code, on any processor)."""
    return float(f"{float(value):.{TRUTH_DIGITS - 1}e}")


# --- municipalities: real sizes and age structure ------------------------------------------------


def _age_classes(ref: Reference, low: int, high: int | None) -> list[str]:
    """The sex x age classes wholly inside ages ``low``-``high``; one straddling a bound is an error."""
    classes = ref.agesex
    top = classes["age_high"].fillna(np.inf)
    upper = np.inf if high is None else high
    inside = (classes["age_low"] >= low) & (top <= upper)
    outside = (top < low) | (classes["age_low"] > upper)
    if not (inside | outside).all():
        raise ValueError(f"age range {low}-{high} does not follow the sex x age classes")
    return list(classes.loc[inside, "code"])


@lru_cache(maxsize=2)
def _read_profiles(path: Path) -> pd.DataFrame:
    """:func:`municipality_profiles`, read once per process."""
    ref = load_reference()
    frame = pd.read_parquet(
        path,
        columns=["gemeente_code", "segment", "person_years"],
        filters=[("outcome", "==", "cost_total"), ("year", "==", SIZE_YEAR)],
    )
    if frame.empty:
        raise ValueError(f"{path}: no cost_total rows of {SIZE_YEAR} to size municipalities by")
    frame["gemeente_code"] = frame["gemeente_code"].astype(str)
    total = frame.groupby("gemeente_code", sort=True)["person_years"].sum()
    profiles = pd.DataFrame(
        {"gemeente_code": total.index, "insured_years": total.round().to_numpy()}
    )
    for segment, (low, high) in AGE_DRIVERS.items():
        in_range = frame[frame["segment"].isin(_age_classes(ref, low, high))]
        part = in_range.groupby("gemeente_code")["person_years"].sum()
        part = part.reindex(total.index, fill_value=0.0)
        share = (part / total).round(SHARE_DECIMALS)
        national = round(float(part.sum() / total.sum()), SHARE_DECIMALS)
        profiles[f"age_ratio_{segment}"] = (share / national).to_numpy()
    return profiles


def municipality_profiles(path: str | Path = OPEN_DATA) -> pd.DataFrame:
    """Per municipality of the open data: its size and how old its population is.

    Read from the bundled contract table of the Vektis open data (2020 municipalities): the
    ``cost_total`` rows of ``SIZE_YEAR``, whose ``person_years`` are the insured-years of each sex x
    age class. Cells the open data suppress (fewer than 10 persons) count as 0. Columns:

    - ``gemeente_code``;
    - ``insured_years``: the municipality's insured-years, rounded to whole persons;
    - ``age_ratio_<segment>`` for each segment of ``AGE_DRIVERS``: the share of the municipality's
      insured-years in that age range divided by the national share (both rounded to
      ``SHARE_DECIMALS`` decimals first).
    """
    return _read_profiles(Path(path)).copy()


@lru_cache(maxsize=1)
def _borders() -> dict[str, set[str]]:
    """:func:`lmp.geo.neighbours` of the 2020 municipalities, computed once per process."""
    from lmp.geo import neighbours

    return neighbours(2020)


def _municipalities(cfg: SynthConfig, ref: Reference, rng: np.random.Generator) -> pd.DataFrame:
    """The municipalities in the data (the proeftuinen's and the comparison pool or a sample of it)
    with membership, start year, real size and age ratios, and a random level ``m_g``."""
    slugs = cfg.proeftuinen or list(ref.proeftuinen["slug"])
    treated = ref.gemeenten[ref.gemeenten["proeftuin"].isin(slugs)]
    pool = ref.gemeenten[ref.gemeenten["proeftuin"] == ""]
    if cfg.comparison_municipalities is not None:
        pick = rng.choice(len(pool), size=cfg.comparison_municipalities, replace=False)
        pool = pool.iloc[np.sort(pick)]
    munis = pd.concat([treated, pool]).sort_values("gemeente_code").reset_index(drop=True)
    start = ref.proeftuinen.set_index("slug")["start_year"]
    munis["start_year"] = munis["proeftuin"].map(start).fillna(0).astype(int)
    munis = munis.merge(municipality_profiles(), on="gemeente_code", how="left")
    missing = munis.loc[munis["insured_years"].isna(), "gemeente_code"]
    if not missing.empty:
        raise ValueError(f"{OPEN_DATA.name} has no size for {', '.join(missing)}")
    munis["level"] = _exp(rng.normal(0.0, cfg.municipality_sd, len(munis)))
    ratios = [f"age_ratio_{s}" for s in AGE_DRIVERS]
    return munis[["gemeente_code", "proeftuin", "start_year", "insured_years", "level", *ratios]]


def _segment_mix(munis: pd.DataFrame, segments: list[str], tilt: np.ndarray) -> np.ndarray:
    """Share of each segment (columns) in each municipality (rows), summing to 1 per row.

    The national share, times the age ratio for an age-driven segment, times the random tilt.
    """
    raw = np.empty((len(munis), len(segments)))
    for j, segment in enumerate(segments):
        ratio = munis[f"age_ratio_{segment}"] if segment in AGE_DRIVERS else 1.0
        raw[:, j] = SEGMENT_SHARE[segment] * np.asarray(ratio, dtype=float) * tilt[:, j]
    return raw / _row_sums(raw)[:, None]


def _cells(
    cfg: SynthConfig, ref: Reference, munis: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """One row per municipality, year and segment (in that order) with persons, noise and flags.

    ``muni`` and ``seg`` index the rows of ``munis`` and the segments of ``ref.segments``.
    """
    segments = list(ref.segments["code"])
    years = np.arange(cfg.first_year, cfg.last_year + 1)
    n_g, n_t, n_s = len(munis), len(years), len(segments)
    tilt = _exp(rng.normal(0.0, cfg.segment_tilt_sd, (n_g, n_s)))
    mix = _segment_mix(munis, segments, tilt)
    growth = np.array([POPULATION_GROWTH ** int(k) for k in years - SIZE_YEAR])
    people = munis["insured_years"].to_numpy()[:, None] * growth[None, :]
    persons = np.round(people[:, :, None] * mix[:, None, :])
    year_shock = rng.normal(0.0, cfg.year_shock_sd, (n_g, n_t))
    cell_noise = rng.normal(0.0, cfg.cell_noise_sd, (n_g, n_t, n_s))
    muni = np.repeat(np.arange(n_g), n_t * n_s)
    seg = np.tile(np.arange(n_s), n_g * n_t)
    year = np.tile(np.repeat(years, n_s), n_g)
    member = munis["proeftuin"].to_numpy(dtype=object)
    start = munis["start_year"].to_numpy()
    targeted = _target_matrix(ref, member, segments)[muni, seg]
    return pd.DataFrame(
        {
            "gemeente_code": munis["gemeente_code"].to_numpy(dtype=object)[muni],
            "year": year,
            "segment": np.array(segments, dtype=object)[seg],
            "n_persons": persons.reshape(-1).astype("int64"),
            "shock": (year_shock[:, :, None] + cell_noise).reshape(-1),
            "level": munis["level"].to_numpy()[muni],
            "muni": muni,
            "seg": seg,
            "proeftuin": member[muni],
            "start_year": start[muni],
            "post": (member != "")[muni] & (year >= start[muni]),
            "targeted": targeted,
        }
    )


def _target_matrix(ref: Reference, slugs: np.ndarray, segments: list[str]) -> np.ndarray:
    """Whether each segment (columns) is in the target group of each row's proeftuin ('' : none)."""
    matrix = np.zeros((len(slugs), len(segments)), dtype=bool)
    for slug in set(slugs) - {""}:
        targets = set(ref.target_segments(slug))
        columns = [j for j, segment in enumerate(segments) if segment in targets]
        matrix[np.ix_(slugs == slug, columns)] = True
    return matrix


# --- effects and scenarios -----------------------------------------------------------------------


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


def _members(munis: pd.DataFrame) -> dict[str, list[str]]:
    """Per proeftuin in the data: its municipalities."""
    members = munis[munis["proeftuin"] != ""]
    return {
        str(slug): sorted(part["gemeente_code"])
        for slug, part in members.groupby("proeftuin", sort=True)
    }


def _neighbours(munis: pd.DataFrame) -> dict[str, list[str]]:
    """Per proeftuin in the data: the municipalities in the data that share a border with one of
    its municipalities and are not its own (members of another proeftuin included)."""
    borders = _borders()
    present = set(munis["gemeente_code"])
    result = {}
    for slug, own in _members(munis).items():
        around = set().union(*(borders.get(code, set()) for code in own)) - set(own)
        result[slug] = sorted(around & present)
    return result


def _spillover_sources(munis: pd.DataFrame, neighbours: dict[str, list[str]]) -> dict[str, str]:
    """Comparison municipality -> the proeftuin whose effect spills over to it (scenario
    "spillover"); one that borders several proeftuinen takes the first slug in alphabetical order."""
    comparison = set(munis.loc[munis["proeftuin"] == "", "gemeente_code"])
    source: dict[str, str] = {}
    for slug in sorted(neighbours):
        for code in neighbours[slug]:
            if code in comparison:
                source.setdefault(code, slug)
    return source


@dataclass
class _Exposure:
    """Per cell: the proeftuin whose effect it receives (``slugs[index]``, '' for none) and the
    weight of that effect (0 before the start year)."""

    slugs: np.ndarray
    index: np.ndarray
    weight: np.ndarray

    def effect(self, effects: dict, outcome: str) -> np.ndarray:
        """The injected effect of ``outcome`` in every cell."""
        delta = np.array([effects[slug][outcome] if slug else 0.0 for slug in self.slugs])
        return delta[self.index] * self.weight


def _exposure(
    cfg: SynthConfig,
    ref: Reference,
    munis: pd.DataFrame,
    grid: pd.DataFrame,
    neighbours: dict[str, list[str]],
) -> _Exposure:
    """Who receives which effect. A proeftuin's own municipalities from its start year: weight 1 in
    targeted segments and ``spillover`` in the others. Under the scenario "spillover" a bordering
    comparison municipality gets ``neighbour_spillover`` times the same pattern."""
    source = munis["proeftuin"].to_numpy(dtype=object).copy()
    scale = (source != "").astype(float)
    if cfg.scenario == "spillover":
        reached = munis["gemeente_code"].map(_spillover_sources(munis, neighbours))
        hit = reached.notna().to_numpy()
        source[hit] = reached[hit].to_numpy(dtype=object)
        scale[hit] = cfg.neighbour_spillover
    start = dict(zip(ref.proeftuinen["slug"], ref.proeftuinen["start_year"], strict=True))
    first_year = np.array([start[slug] if slug else 0 for slug in source])
    targets = _target_matrix(ref, source, list(ref.segments["code"]))
    muni, seg = grid["muni"].to_numpy(), grid["seg"].to_numpy()
    post = (source != "")[muni] & (grid["year"].to_numpy() >= first_year[muni])
    per_person = np.where(targets[muni, seg], 1.0, cfg.spillover)
    slugs, index = np.unique(source.astype(str), return_inverse=True)
    return _Exposure(slugs, index[muni], np.where(post, scale[muni] * per_person, 0.0))


def _shocked_from(
    ref: Reference, munis: pd.DataFrame, neighbours: dict[str, list[str]]
) -> dict[str, int]:
    """Scenario "regional_shock": municipality -> the first year it is hit. A proeftuin's region is
    its own municipalities and their neighbours; one in several regions is hit once, from the
    earliest start year."""
    start = dict(zip(ref.proeftuinen["slug"], ref.proeftuinen["start_year"], strict=True))
    first: dict[str, int] = {}
    for slug, own in _members(munis).items():
        for code in [*own, *neighbours[slug]]:
            first[code] = min(first.get(code, start[slug]), start[slug])
    return first


def _deviation(
    cfg: SynthConfig,
    ref: Reference,
    munis: pd.DataFrame,
    grid: pd.DataFrame,
    neighbours: dict[str, list[str]],
) -> np.ndarray:
    """``d_gt`` per cell: the scenario's deviation, as a fraction of the segment's 2010 mean."""
    years = grid["year"].to_numpy()
    if cfg.scenario == "pretrend":
        member = (grid["proeftuin"] != "").to_numpy()
        since = years - grid["start_year"].to_numpy()
        return np.where(member, cfg.pretrend_per_year * since, 0.0)
    if cfg.scenario == "regional_shock":
        first = munis["gemeente_code"].map(_shocked_from(ref, munis, neighbours))
        first_year = first.fillna(np.inf).to_numpy(dtype=float)[grid["muni"].to_numpy()]
        return np.where(years >= first_year, cfg.regional_shock, 0.0)
    return np.zeros(len(grid))


def _affected(
    cfg: SynthConfig, munis: pd.DataFrame, neighbours: dict[str, list[str]]
) -> dict[str, list[str]]:
    """Per proeftuin: the municipalities its scenario deviation applies to."""
    members = _members(munis)
    if cfg.scenario == "pretrend":
        return members
    if cfg.scenario == "regional_shock":
        return {slug: sorted([*own, *neighbours[slug]]) for slug, own in members.items()}
    if cfg.scenario == "spillover":
        source = _spillover_sources(munis, neighbours)
        return {slug: sorted(c for c, s in source.items() if s == slug) for slug in members}
    return {}


def _scenario_record(
    cfg: SynthConfig, munis: pd.DataFrame, neighbours: dict[str, list[str]]
) -> dict:
    """What the truth file says about the scenario: name, description, size, unit, affected."""
    record: dict = {"name": cfg.scenario, "description": SCENARIOS[cfg.scenario]}
    sizes = {
        "pretrend": (cfg.pretrend_per_year, "fraction of each segment's 2010 mean per year"),
        "regional_shock": (cfg.regional_shock, "fraction of each segment's 2010 mean"),
        "spillover": (cfg.neighbour_spillover, "fraction of the proeftuin's effect"),
    }
    if cfg.scenario in sizes:
        size, unit = sizes[cfg.scenario]
        record.update(
            size=truth_number(size), unit=unit, affected=_affected(cfg, munis, neighbours)
        )
    return record


# --- outcomes ------------------------------------------------------------------------------------


def _cost_base(segment: str, part: str) -> float:
    """2010 mean cost of one segment in one part of the total (a sector, or "other")."""
    shares = SECTOR_SHARE[segment]
    share = 1.0 - sum(shares) if part == "other" else shares[COST_SECTORS.index(part)]
    return SEGMENT_COST[segment] * share


def _cost_trend(part: str) -> float:
    """Yearly growth of one part of the cost, in euro per person-year, common to all segments."""
    return COST_GROWTH * sum(SEGMENT_SHARE[s] * _cost_base(s, part) for s in SEGMENT_SHARE)


def _by_segment(
    grid: pd.DataFrame, segments: list[str], value: Callable[[str], float]
) -> np.ndarray:
    """``value(segment)`` in every cell (looked up once per segment)."""
    return np.array([value(segment) for segment in segments], dtype=float)[grid["seg"].to_numpy()]


def _cost_means(
    grid: pd.DataFrame,
    segments: list[str],
    factor: np.ndarray,
    exposure: _Exposure,
    effects: dict,
) -> dict[str, np.ndarray]:
    """Per part of the cost: the person-level mean in every cell. Refuses a negative mean (it
    would have to be clipped, and a clipped mean would make the recorded effect untrue)."""
    since = grid["year"].to_numpy() - TREND_FROM
    means = {}
    for part in COST_PARTS:
        base = _by_segment(grid, segments, lambda s, p=part: _cost_base(s, p))
        mean = base * factor + _cost_trend(part) * since
        if part != "other":
            mean = mean + exposure.effect(effects, part)
        if (mean < 0).any():
            raise ValueError(f"{part}: {int((mean < 0).sum())} cells with a negative mean cost")
        means[part] = mean
    return means


def _cost_sums(rng: np.random.Generator, n: np.ndarray, means: dict) -> dict[str, np.ndarray]:
    """Sum over ``n`` persons of gamma distributed costs per part; cost_total adds all parts."""
    cvs = dict(zip(COST_PARTS, [*SECTOR_CV, OTHER_CV], strict=True))
    sums = {}
    total = np.zeros(len(n))
    for part in COST_PARTS:
        shape = 1.0 / (cvs[part] * cvs[part])
        draw = rng.gamma(np.maximum(n * shape, 1e-12), means[part] / shape)
        sums[part] = np.where(n > 0, draw, 0.0)
        total = total + sums[part]
    sums["cost_total"] = total
    return sums


def _cost_variances(means: dict) -> dict[str, np.ndarray]:
    """Person-level variance per cell of each cost outcome (cost_total: the parts are independent)."""
    cvs = dict(zip(COST_PARTS, [*SECTOR_CV, OTHER_CV], strict=True))
    variances = {part: (cvs[part] * means[part]) ** 2 for part in COST_PARTS}
    total = np.zeros(len(means["other"]))
    for part in COST_PARTS:
        total = total + variances[part]
    variances["cost_total"] = total
    return variances


def _spread(rng: np.random.Generator, n: np.ndarray, var: np.ndarray) -> np.ndarray:
    """Sum of squared deviations from the cell mean over ``n`` persons with variance ``var``."""
    dof = np.maximum(n - 1, 0)
    return var * rng.chisquare(np.maximum(dof, 1)) * (dof > 0)


def _sumsq(spread: np.ndarray, value_sum: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Sum of squares from the spread around the mean and the (rounded) sum."""
    mean_sq = np.divide(value_sum * value_sum, n, out=np.zeros_like(value_sum), where=n > 0)
    return spread + mean_sq


def _sumsq_on_grid(raw: np.ndarray, value_sum: np.ndarray, n: np.ndarray) -> np.ndarray:
    """``value_sumsq`` on the grid: to the nearest, or up where the nearest would make
    ``n * value_sumsq < value_sum**2`` (impossible for real persons)."""
    out = round_to_grid(raw)
    short = n * out < value_sum * value_sum
    out[short] = _round_up_to_grid(raw[short])
    return out


def _cost_rows(
    grid: pd.DataFrame,
    segments: list[str],
    factor: np.ndarray,
    exposure: _Exposure,
    effects: dict,
    rng: np.random.Generator,
    wanted: set[str],
) -> list[pd.DataFrame]:
    """Rows of the wanted cost outcomes. Every cost outcome is drawn whatever is wanted, so an
    outcome's numbers do not depend on which others are asked for."""
    n = grid["n_persons"].to_numpy().astype(float)
    means = _cost_means(grid, segments, factor, exposure, effects)
    sums = _cost_sums(rng, n, means)
    variances = _cost_variances(means)
    rows = []
    for code in COST_OUTCOMES:
        spread = _spread(rng, n, variances[code])
        if code in wanted:
            value_sum = round_to_grid(sums[code])
            value_sumsq = _sumsq_on_grid(_sumsq(spread, value_sum, n), value_sum, n)
            rows.append(_frame(grid, code, n, value_sum, value_sumsq))
    return rows


def _national_binary(k: int) -> float:
    """National 2010 level of binary outcome k (good health: of the share in less good health)."""
    level = sum(SEGMENT_SHARE[s] * BINARY_BASE[s][k] for s in SEGMENT_SHARE)
    return 1.0 - level if BINARY_OUTCOMES[k] == "good_health" else level


def _binary_rows(
    cfg: SynthConfig,
    grid: pd.DataFrame,
    segments: list[str],
    factor: np.ndarray,
    exposure: _Exposure,
    effects: dict,
    rng: np.random.Generator,
    wanted: set[str],
) -> list[pd.DataFrame]:
    """Rows of the wanted 0/1 outcomes (all three are drawn when any is wanted)."""
    if not wanted & set(BINARY_OUTCOMES):
        return []
    n_all = grid["n_persons"].to_numpy()
    since = grid["year"].to_numpy() - TREND_FROM
    rows = []
    for k, code in enumerate(BINARY_OUTCOMES):
        base = _by_segment(grid, segments, lambda s, k=k: BINARY_BASE[s][k])
        trend = BINARY_TREND[k] * _national_binary(k) * since
        # Higher cost levels go with more admissions and ED visits and with more people in less
        # than good health; good health is modelled through its complement so it stays below 1.
        if code == "good_health":
            p = 1.0 - ((1.0 - base) * factor + trend)
        else:
            p = base * factor + trend
        p = p + exposure.effect(effects, code)
        outside = (p < 0) | (p > 1)
        if outside.any():
            # A clipped probability would make the recorded effect untrue: refuse, do not hide it.
            raise ValueError(f"{code}: {int(outside.sum())} probabilities outside [0, 1]")
        n = rng.binomial(n_all, cfg.survey_fraction) if code == "good_health" else n_all
        hits = rng.binomial(n, p).astype(float)
        if code in wanted:
            rows.append(_frame(grid, code, n.astype(float), hits, hits.copy()))
    return rows


def _frame(
    grid: pd.DataFrame, outcome: str, n: np.ndarray, sums: np.ndarray, sumsq: np.ndarray
) -> pd.DataFrame:
    """Contract rows of one outcome, one per cell of ``grid``."""
    return pd.DataFrame(
        {
            "gemeente_code": grid["gemeente_code"].to_numpy(),
            "year": grid["year"].to_numpy(),
            "segment": grid["segment"].to_numpy(),
            "outcome": outcome,
            "n_persons": n.astype("int64"),
            "value_sum": sums,
            "value_sumsq": sumsq,
        }
    )


def _implied(grid: pd.DataFrame, data: pd.DataFrame, effects: dict, cfg: SynthConfig) -> list[dict]:
    """Estimands implied by the injected effects, per proeftuin and outcome.

    target:     delta (every targeted person gets the same effect)
    triple:     delta - spillover * delta
    population: person-weighted mean effect over the proeftuin's post-period persons, i.e.
                share_target * delta + (1 - share_target) * spillover * delta, with the target share
                computed from the realised persons of that outcome.

    These are effects on the proeftuin's own persons; a scenario's deviations are not effects.
    """
    flags = grid[["gemeente_code", "year", "segment", "proeftuin", "post", "targeted"]]
    cells = data.merge(flags, on=["gemeente_code", "year", "segment"], how="left")
    out = []
    for (slug, outcome), part in cells[cells["post"]].groupby(["proeftuin", "outcome"], sort=True):
        delta = effects[slug][outcome]
        persons = part["n_persons"].sum()
        share = float(part.loc[part["targeted"], "n_persons"].sum() / persons)
        nontarget = cfg.spillover * delta
        values = {
            "delta_target": delta,
            "delta_nontarget": nontarget,
            "target_share": share,
            "target": delta,
            "population": share * delta + (1 - share) * nontarget,
            "triple": delta - nontarget,
        }
        out.append(
            {"proeftuin": slug, "outcome": outcome}
            | {key: truth_number(value) for key, value in values.items()}
        )
    return out


def _check_config(cfg: SynthConfig) -> None:
    """Refuse an unknown scenario or an outcome the generator does not make."""
    if cfg.scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {cfg.scenario!r}; known: {', '.join(SCENARIOS)}")
    unknown = sorted(set(cfg.outcomes or []) - set(COST_OUTCOMES) - set(BINARY_OUTCOMES))
    if unknown:
        raise ValueError(f"the generator does not make outcome(s) {', '.join(unknown)}")


def generate(
    cfg: SynthConfig | None = None, ref: Reference | None = None
) -> tuple[pd.DataFrame, dict]:
    """A contract table and its ground truth, both determined by ``cfg`` alone."""
    cfg = cfg or SynthConfig()
    ref = ref or load_reference()
    _check_config(cfg)
    rng = np.random.default_rng(cfg.seed)
    wanted = set(cfg.outcomes or ref.outcomes["code"])
    segments = list(ref.segments["code"])
    munis = _municipalities(cfg, ref, rng)
    grid = _cells(cfg, ref, munis, rng)
    neighbours = _neighbours(munis) if cfg.scenario in NEIGHBOUR_SCENARIOS else {}
    effects = _effects(cfg, ref)
    exposure = _exposure(cfg, ref, munis, grid, neighbours)
    deviation = _deviation(cfg, ref, munis, grid, neighbours)
    factor = grid["level"].to_numpy() + grid["shock"].to_numpy() + deviation
    parts = _cost_rows(grid, segments, factor, exposure, effects, rng, wanted)
    parts += _binary_rows(cfg, grid, segments, factor, exposure, effects, rng, wanted)
    # Synthetic persons are covered all year: no person_years column (it equals n_persons).
    data = pd.concat(parts, ignore_index=True)[WHOLE_YEAR_COLUMNS]
    data = data.sort_values(KEY, kind="mergesort").reset_index(drop=True)
    in_data = set(_members(munis))
    truth = {
        "synthetic": True,
        "note": "Synthetic data generated by lmp.synth; no real persons. Not for policy conclusions.",
        "generator_version": GENERATOR_VERSION,
        "config": asdict(cfg),
        "sizes": (
            f"n_persons: the real insured-years of {SIZE_YEAR} per municipality in "
            f"data/open/{OPEN_DATA.name}, times {POPULATION_GROWTH} per year; segment mix from "
            "the municipality's age structure (lmp.synth.AGE_DRIVERS)"
        ),
        "precision": (
            f"cost value_sum: the coarser of whole cents and {COST_DIGITS} significant digits; "
            "cost value_sumsq: the same grid (rounded up where n_persons * value_sumsq would fall "
            f"below value_sum**2); 0/1 outcomes: whole counts; numbers computed for this file: "
            f"{TRUTH_DIGITS} significant digits"
        ),
        "scenario": _scenario_record(cfg, munis, neighbours),
        "effects": {
            slug: {k: truth_number(v) for k, v in sorted(per.items()) if k in wanted}
            for slug, per in effects.items()
            if slug in in_data
        },
        "implied": _implied(grid, data, effects, cfg),
    }
    return data, truth


def replication(
    proeftuin: str,
    scenario: str = "parallel",
    seed: int = DEFAULT_SEED,
    outcomes: Sequence[str] = ("cost_total",),
    ref: Reference | None = None,
    **settings: object,
) -> tuple[pd.DataFrame, dict]:
    """One synthetic dataset for one proeftuin against the whole comparison pool, for benchmarks.

    Only ``outcomes`` are generated (every cost outcome is drawn, which is cheap; asking for a 0/1
    outcome draws all three). ``settings`` are further :class:`SynthConfig` fields, e.g.
    ``pretrend_per_year=0.02``, ``strength={proeftuin: 1.0}`` or ``comparison_municipalities=40``.
    Returns the contract table (columns ``lmp.contract.WHOLE_YEAR_COLUMNS``, accepted by
    ``lmp.contract.validate``) and its truth, as :func:`generate`.
    """
    cfg = SynthConfig(
        seed=seed, proeftuinen=[proeftuin], outcomes=list(outcomes), scenario=scenario, **settings
    )
    return generate(cfg, ref)


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
