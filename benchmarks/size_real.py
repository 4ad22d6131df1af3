"""Size of randomization inference (RI) and the wild cluster restricted bootstrap (WCR) on the real
open data, for every outcome, with pseudo-treated regions of comparison municipalities (run by
hand, not in CI).

Data: the Vektis open data 2011-2018 (``data/open/vektis_zvw_2011_2018.parquet``, the default data
of ``lmp did``), every outcome in it that has years before 2014 (``cost_nursing`` enters the Zvw
only in 2015, so no DiD with start year 2014 exists for it). Design: the primary one of the real
reports, the population design adjusted for age and sex (``DesignOptions(adjust="agesex")``),
2011-2018, start year 2014.

Null: no proeftuin is involved. In each replication a pseudo-treated region of ``k``
municipalities (k = 3 and 8) is drawn from the comparison pool (the municipalities of no
proeftuin, with their real sizes), in two ways:

- ``contiguous``: a random seed municipality, grown one bordering pool municipality at a time
  (chosen at random among all pool municipalities bordering the region so far; borders from
  ``lmp.geo.neighbours(2020)``) to ``k`` municipalities, as the real proeftuinen are contiguous
  regions and regional shocks may be spatially correlated;
- ``random``: ``k`` pool municipalities drawn at random (what the placebo regions are).

The region is made the treated one by relabelling the study cells of the comparison pool
(``treated`` = in the region, ``D = treated * post``) and handed to ``lmp.did.estimate(...,
cells=..., inference="all")``: CR1, WCR (Webb weights) and RI with placebo regions matched on
persons (the default; the region's own municipalities are not in the placebo pool, the nine real
proeftuinen are in neither). Before the run the script checks, for one region and outcome, that
this gives exactly the estimate and every p-value and interval of ``lmp.did.estimate`` with a
copy of the reference data holding the region as an extra proeftuin, the way a real report
computes them. To save time the cells carry integer codes for municipality and age-sex class
(same order as the CBS codes, so the same fit, placebo draws and numbers, also checked).

Recorded per replication, region kind, k and outcome: rejection at 5% two-sided (p <= 0.05) and
whether each 95% interval covers the true effect 0. The same region is used for every outcome of
a replication. Every draw is seeded, so a re-run gives the same numbers. Rows are cached in
``results/size_real.csv``: an interrupted run resumes, a larger ``--reps`` adds replications.

Diagnostics per outcome (why RI might over-reject): the single-municipality DiD estimates
``b_g`` of every pool municipality (skewness, kurtosis, spread in small against large
municipalities, spatial autocorrelation by Moran's I over shared borders), the spread of the
estimates over the pseudo regions against the spread of RI's placebo estimates, the number of
persons-matched placebo regions, and the rejection rate by region size and in regions holding one
of the four largest municipalities. A same-sample study (one fit per outcome, many regions, k up
to 18; ``results/size_real_same_sample.csv``) compares random and contiguous placebo regions.

About an hour of CPU on one core (the replications; the same-sample study adds a few minutes):

    nice -n 10 .venv/bin/python benchmarks/size_real.py                 # the committed run
    nice -n 10 .venv/bin/python benchmarks/size_real.py --report-only   # tables from the cache
    .venv/bin/python benchmarks/size_real.py --quick                    # smoke run, temp folder
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import tempfile
import time
from pathlib import Path

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")  # one core: no BLAS threads (set before numpy loads)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from common import interval, table_md  # noqa: E402
from scipy import stats  # noqa: E402

from lmp import did  # noqa: E402
from lmp.contract import load_data  # noqa: E402
from lmp.geo import neighbours  # noqa: E402
from lmp.reference import load_reference  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "results"
DATA = "data/open/vektis_zvw_2011_2018.parquet"
ANCHOR = "mijnzorg"  # study_cells needs a proeftuin: its municipalities drop out like the others'
PSEUDO = "pseudo-region"
DESIGN = "population"
OPTIONS = did.DesignOptions(adjust="agesex", years=(2011, 2018), start_year=2014)
KINDS = ("contiguous", "random")
KS = (3, 8)
ALPHA = 0.05
SEED = 82_000
METHODS = {"ri": "RI", "wcr": "WCR", "cr1": "CR1"}
P_COLUMN = {"cr1": "p_value", "wcr": "p_wcr", "ri": "p_ri"}
CI_COLUMNS = {
    "cr1": ("ci_low", "ci_high"),
    "wcr": ("ci_wcr_low", "ci_wcr_high"),
    "ri": ("ci_ri_low", "ci_ri_high"),
}
FIELDS = [
    "estimate",
    "se",
    "p_value",
    "ci_low",
    "ci_high",
    "p_wcr",
    "ci_wcr_low",
    "ci_wcr_high",
    "p_ri",
    "ci_ri_low",
    "ci_ri_high",
    "sd_ri",
    "ri_placebos",
    "ri_enumerated",
    "wcr_draws",
    "n_clusters",
]
KEY = ["rep", "kind", "k", "outcome"]


# ----------------------------------------------------------------------------------- the data


def study_outcomes(data, ref) -> tuple[list[str], dict[str, str]]:
    """Outcomes of the data (in the catalogue's order) with years before the start, and why the
    others are left out."""
    frame = data.frame
    first = frame.groupby("outcome")["year"].min()
    order = [c for c in ref.outcomes["code"] if c in first.index]
    used = [c for c in order if first[c] < OPTIONS.start_year]
    left = {
        c: f"in the data only from {first[c]}: no year before the start year {OPTIONS.start_year}"
        for c in order
        if c not in used
    }
    return used, left


class Pool:
    """The comparison pool's study cells per outcome, with integer codes for speed."""

    def __init__(self, data, ref, outcomes: list[str]) -> None:
        self.cells: dict[str, pd.DataFrame] = {}
        self.strings: dict[str, pd.DataFrame] = {}
        members = set(ref.members["gemeente_code"])
        for outcome in outcomes:
            cells = did.study_cells(data, ANCHOR, outcome, DESIGN, ref, OPTIONS)
            base = cells[cells["treated"] == 0].reset_index(drop=True)
            assert not members & set(base["gemeente_code"]), "a proeftuin municipality in the pool"
            self.strings[outcome] = base
        first = next(iter(self.strings.values()))
        self.codes = sorted(first["gemeente_code"].unique())
        for base in self.strings.values():
            assert sorted(base["gemeente_code"].unique()) == self.codes
        # CBS codes GMnnnn sort like their numbers, so the integer codes keep every order
        self.number = {g: int(g[2:]) for g in self.codes}
        strata = sorted(first["stratum"].unique())
        self.stratum = {s: i for i, s in enumerate(strata)}
        for outcome, base in self.strings.items():
            self.cells[outcome] = base.assign(
                gemeente_code=base["gemeente_code"].map(self.number).astype(np.int64),
                stratum=base["stratum"].map(self.stratum).astype(np.int64),
            )
        # insured persons per municipality, a year on average (the placebo match uses the sum)
        years = first["year"].nunique()
        self.persons = first.groupby("gemeente_code")["n_persons"].sum() / years


def relabel(base: pd.DataFrame, region: set) -> pd.DataFrame:
    cells = base.copy()
    cells["treated"] = cells["gemeente_code"].isin(region).astype(base["treated"].dtype)
    cells["D"] = cells["treated"] * cells["post"]
    return cells


# ---------------------------------------------------------------------------------- the regions


def pool_borders(codes: list[str]) -> dict[str, list[str]]:
    """Each pool municipality -> its bordering pool municipalities (sorted)."""
    return did.pool_neighbours(codes, neighbours(2020))


def contiguous_region(
    rng: np.random.Generator, codes: list[str], borders: dict[str, list[str]], k: int
) -> list[str]:
    """A random seed municipality grown by random bordering pool municipalities to ``k``
    (:func:`lmp.did.grow_region`); a seed whose connected part of the pool is smaller than ``k``
    is replaced by a new draw."""
    while (region := did.grow_region(codes, k, borders, rng)) is None:
        pass
    return sorted(region)


def random_region(rng: np.random.Generator, codes: list[str], k: int) -> list[str]:
    return sorted(rng.choice(codes, k, replace=False))


def draw_region(rep: int, kind: str, k: int, codes, borders) -> list[str]:
    rng = np.random.default_rng([SEED, rep, KINDS.index(kind), k])
    if kind == "contiguous":
        return contiguous_region(rng, codes, borders, k)
    return random_region(rng, codes, k)


# ------------------------------------------------------------------------------- the estimates


def _estimate(data, ref, outcome, cells, seed, args, proeftuin=ANCHOR):
    return did.estimate(
        data,
        proeftuin,
        outcome,
        DESIGN,
        alpha=ALPHA,
        ref=ref,
        inference="all",
        wcr_reps=args.wcr_reps,
        ri_reps=args.ri_reps,
        seed=seed,
        cells=cells,
        options=OPTIONS,
    )


def pseudo_reference(ref, region: list[str]):
    """The reference data with ``region`` as one more proeftuin (start year and target group of
    the anchor; the population design uses neither's segments)."""
    row = ref.proeftuinen[ref.proeftuinen["slug"] == ANCHOR].assign(slug=PSEUDO, name=PSEUDO)
    names = ref.gemeenten.set_index("gemeente_code")["name"]
    added = pd.DataFrame(
        {
            "proeftuin": PSEUDO,
            "gemeente_code": region,
            "name": [names[g] for g in region],
            "confidence": "sourced",
            "partial": "no",
            "source": "",
            "note": "",
        }
    )
    gemeenten = ref.gemeenten.copy()
    gemeenten.loc[gemeenten["gemeente_code"].isin(region), "proeftuin"] = PSEUDO
    return dataclasses.replace(
        ref,
        proeftuinen=pd.concat([ref.proeftuinen, row], ignore_index=True),
        members=pd.concat([ref.members, added], ignore_index=True),
        gemeenten=gemeenten,
    )


def check_routes(data, ref, pool: Pool, borders, args) -> str:
    """The relabelled cells (integer and CBS codes) against a reference copy with the region as a
    proeftuin: every number of the result must agree. Returns a sentence for the report."""
    outcome = "cost_mental" if "cost_mental" in pool.cells else next(iter(pool.cells))
    region = draw_region(0, "contiguous", KS[0], pool.codes, borders)
    fast = _estimate(
        data, ref, outcome, relabel(pool.cells[outcome], {pool.number[g] for g in region}), 7, args
    )
    plain = _estimate(data, ref, outcome, relabel(pool.strings[outcome], set(region)), 7, args)
    pseudo = did.estimate(
        data,
        PSEUDO,
        outcome,
        DESIGN,
        alpha=ALPHA,
        ref=pseudo_reference(ref, region),
        inference="all",
        wcr_reps=args.wcr_reps,
        ri_reps=args.ri_reps,
        seed=7,
        options=OPTIONS,
    )
    for other in (plain, pseudo):
        for field in FIELDS:
            a, b = getattr(fast, field), getattr(other, field)
            assert np.isclose(a, b, rtol=1e-9, atol=0, equal_nan=True), (field, a, b)
    return (
        f"Checked before the run ({outcome}, contiguous region {', '.join(region)}): the "
        "relabelled cells with integer codes, the same cells with CBS codes, and `lmp.did.estimate`"
        " with a reference copy holding the region as a proeftuin give the same estimate, standard"
        " error, p-values, intervals and placebo count (relative difference <= 1e-9)."
    )


def _load(path: Path) -> pd.DataFrame:
    if path.exists():
        return pd.read_csv(path)
    return pd.DataFrame(columns=KEY)


def run(data, ref, pool: Pool, borders, outcomes, args, path: Path) -> pd.DataFrame:
    done = _load(path)
    have = set(map(tuple, done[KEY].astype(str).to_numpy())) if len(done) else set()
    cpu, calls = 0.0, 0
    for rep in range(args.reps):
        rows = []
        for kind in args.kinds:
            for k in args.ks:
                todo = [o for o in outcomes if (str(rep), kind, str(k), o) not in have]
                if not todo:
                    continue
                region = draw_region(rep, kind, k, pool.codes, borders)
                numbers = {pool.number[g] for g in region}
                seed = rep * 100 + 10 * KINDS.index(kind) + k
                for outcome in todo:
                    start = time.process_time()
                    res = _estimate(
                        data, ref, outcome, relabel(pool.cells[outcome], numbers), seed, args
                    )
                    seconds = time.process_time() - start
                    cpu, calls = cpu + seconds, calls + 1
                    assert res.n_treated_clusters == k
                    row = {
                        "rep": rep,
                        "kind": kind,
                        "k": k,
                        "outcome": outcome,
                        "region": ";".join(region),
                        "region_persons": round(float(pool.persons[region].sum())),
                    }
                    row.update({f: getattr(res, f) for f in FIELDS})
                    row["cpu_seconds"] = seconds
                    rows.append(row)
        if rows:
            pd.DataFrame(rows).to_csv(
                path, mode="a", header=not path.exists(), index=False, float_format="%.10g"
            )
            print(
                f"rep {rep + 1}/{args.reps}: {len(rows)} estimates, "
                f"{cpu / max(calls, 1):.2f} CPU s per estimate so far",
                flush=True,
            )
    raw = _load(path)
    raw = raw.sort_values(KEY, key=_order, kind="mergesort").reset_index(drop=True)
    raw.to_csv(path, index=False, float_format="%.10g")
    return raw


def _order(column: pd.Series) -> pd.Series:
    if column.name == "kind":
        return column.map(KINDS.index)
    if column.name == "outcome":
        return column.map(_order.outcomes.index)
    return column


def timing(data, ref, pool: Pool, borders, args, path: Path) -> pd.DataFrame:
    """CPU seconds of one estimate (CR1 + WCR + RI) with 199 and with 999 placebo regions."""
    if path.exists():
        return pd.read_csv(path)
    rows = []
    outcome = "cost_mental" if "cost_mental" in pool.cells else next(iter(pool.cells))
    for rep in range(4):
        for kind in KINDS:
            for k in KS:
                region = draw_region(10_000 + rep, kind, k, pool.codes, borders)
                cells = relabel(pool.cells[outcome], {pool.number[g] for g in region})
                for ri_reps in (199, 999):  # in turn, so both see the same machine load
                    start = time.process_time()
                    _estimate(data, ref, outcome, cells, rep, replace_args(args, ri_reps))
                    rows.append(
                        {
                            "ri_reps": ri_reps,
                            "kind": kind,
                            "k": k,
                            "cpu_seconds": time.process_time() - start,
                        }
                    )
    frame = pd.DataFrame(rows)
    frame.to_csv(path, index=False, float_format="%.4g")
    return frame


def replace_args(args, ri_reps: int):
    copy = argparse.Namespace(**vars(args))
    copy.ri_reps = ri_reps
    return copy


# ---------------------------------------------------------------------------------- diagnostics


def municipality_estimates(data, ref, pool: Pool, outcome: str) -> pd.Series:
    """The DiD estimate of every pool municipality alone (k = 1): one RI run that lists every
    single-municipality placebo region, plus the first municipality's own estimate."""
    first = pool.codes[0]
    cells = relabel(pool.cells[outcome], {pool.number[first]})
    ri = did.randomization_inference(
        data,
        ANCHOR,
        outcome,
        DESIGN,
        reps=len(pool.codes),
        seed=0,
        match="municipalities",
        cells=cells,
        options=OPTIONS,
    )
    assert ri.enumerated and ri.dropped == 0 and len(ri.placebo_estimates) == len(pool.codes) - 1
    values = pd.Series([ri.estimate, *ri.placebo_estimates], index=pool.codes)
    # the placebo regions come in pool order: check one against its own fit
    check = pool.codes[len(pool.codes) // 2]
    own = did.estimate(
        data,
        ANCHOR,
        outcome,
        DESIGN,
        ref=ref,
        options=OPTIONS,
        cells=relabel(
            pool.cells[outcome][pool.cells[outcome]["gemeente_code"] != pool.number[first]],
            {pool.number[check]},
        ),
    )
    assert np.isclose(own.estimate, values[check], rtol=1e-8), (own.estimate, values[check])
    return values


def morans_i(values: pd.Series, borders: dict[str, list[str]], perms: int, seed: int):
    """Moran's I over shared borders (binary weights) and its one-sided permutation p-value."""
    codes = list(values.index)
    at = {g: i for i, g in enumerate(codes)}
    pairs = np.array([(at[g], at[h]) for g in codes for h in borders[g]])
    z = values.to_numpy() - values.mean()

    def moran(v):
        return len(v) / len(pairs) * np.sum(v[pairs[:, 0]] * v[pairs[:, 1]]) / np.sum(v * v)

    observed = moran(z)
    rng = np.random.default_rng(seed)
    null = np.array([moran(rng.permutation(z)) for _ in range(perms)])
    return float(observed), float((1 + np.sum(null >= observed)) / (1 + perms))


def diagnostics(data, ref, pool: Pool, borders, outcomes) -> pd.DataFrame:
    rows = []
    persons = pool.persons
    small = persons <= persons.quantile(0.25)
    large = persons >= persons.quantile(0.75)
    names = ref.gemeenten.set_index("gemeente_code")["name"]
    largest = persons.idxmax()
    for outcome in outcomes:
        b = municipality_estimates(data, ref, pool, outcome)
        moran, moran_p = morans_i(b, borders, 999, SEED)
        # weighted by persons the big municipalities dominate, as they do in a persons-matched test
        z = (b - b.mean()) / b.std()
        rows.append(
            {
                "outcome": outcome,
                "sd_b": float(b.std()),
                "skewness": float(stats.skew(b)),
                "excess_kurtosis": float(stats.kurtosis(b)),
                "sd_small_over_large": float(b[small].std() / b[large].std()),
                "share_abs_z_over_3": float((z.abs() > 3).mean()),
                "largest_abs_z": float(z.abs().max()),
                "largest_at": names[z.abs().idxmax()],
                "morans_i": moran,
                "morans_p": moran_p,
                f"z_{names[largest]}": float(z[largest]),
            }
        )
    return pd.DataFrame(rows)


# ------------------------------------------------------- many regions on one fit (same sample)

BANK_SEED = 83_000
TEST_REGIONS = 2000  # pseudo regions per kind and k in the same-sample study
RANDOM_BANK = 100_000  # random k-sets drawn for the placebo bank (distinct ones kept)
CONTIGUOUS_BANK = 40_000  # contiguous k-sets drawn for the placebo bank (distinct ones kept)
FACTOR = 1.5  # the persons match of lmp's placebo regions
SAME_SAMPLE_KS = (3, 8, 13, 18)  # also the sizes of the two largest real proeftuinen
# placebo regions: (label, bank, matched on persons); lmp's are random and matched on persons
PLACEBO_VARIANTS = (
    ("random", "random", True),
    ("contiguous", "contiguous", True),
    ("random, number only", "random", False),
)
BIG = 4  # the largest pool municipalities (by insured persons), whose own trends weigh heavily


def full_pool_terms(data, ref, pool: Pool, outcome: str) -> tuple[np.ndarray, np.ndarray]:
    """``cross`` and ``gram`` of one fit on every pool municipality, as in
    ``lmp.did.randomization_inference``: a region ``S`` (positions in ``pool.codes``) has the
    estimate ``cross[S].sum() / gram[S, S].sum()``, exactly the DiD with ``S`` treated and every
    other pool municipality as comparison (checked here against ``lmp.did.estimate``)."""
    cells = pool.cells[outcome]
    fit = did._fit(cells, DESIGN, np.zeros(len(cells)))
    post = cells["post"].to_numpy(float)
    size = len(pool.codes)
    cross = np.bincount(fit.cluster, weights=fit.weight * post * fit.y, minlength=size)
    gram = fit.fe.cluster_cross(fit.cluster, fit.weight * post, post, size)
    sample = [0, size // 3, size // 2, size - 1]
    direct = did.estimate(
        data,
        ANCHOR,
        outcome,
        DESIGN,
        ref=ref,
        options=OPTIONS,
        cells=relabel(cells, {pool.number[pool.codes[i]] for i in sample}),
    ).estimate
    assert np.isclose(direct, _region_estimates(cross, gram, np.array([sample]))[0], rtol=1e-8)
    return cross, gram


def _region_estimates(cross, gram, sets: np.ndarray) -> np.ndarray:
    return cross[sets].sum(axis=1) / gram[sets[:, :, None], sets[:, None, :]].sum(axis=(1, 2))


def _bank(regions: list[list[str]], at: dict[str, int]) -> np.ndarray:
    """The distinct regions as rows of sorted pool positions."""
    rows = np.array([[at[g] for g in region] for region in regions])
    return np.unique(np.sort(rows, axis=1), axis=0)


def same_sample_study(data, ref, pool: Pool, borders, outcomes, ks) -> pd.DataFrame:
    """RI's size for many pseudo regions, every estimate from one fit per outcome.

    For each k: ``TEST_REGIONS`` contiguous and random pseudo regions; for each, up to 999
    placebo regions disjoint from it and within a factor 1.5 of its persons, taken at random from
    a bank of distinct random k-sets (lmp's placebos) or of distinct contiguous k-sets (placebo
    regions shaped like the pseudo region). Differences from lmp: the placebo estimates keep the
    pseudo region in the sample as a comparison (lmp fits them without it; the earlier diagnostic
    ``ri_same_sample.md`` found that this does not change the size) and the placebos come from a
    finite bank.
    """
    at = {g: i for i, g in enumerate(pool.codes)}
    persons = pool.persons.reindex(pool.codes).to_numpy()
    big = np.argsort(-persons, kind="stable")[:BIG]
    terms = {o: full_pool_terms(data, ref, pool, o) for o in outcomes}
    rows = []
    for k in ks:
        rng = np.random.default_rng([BANK_SEED, k])
        banks = {
            "random": _bank([random_region(rng, pool.codes, k) for _ in range(RANDOM_BANK)], at),
            "contiguous": _bank(
                [contiguous_region(rng, pool.codes, borders, k) for _ in range(CONTIGUOUS_BANK)],
                at,
            ),
        }
        bank_persons = {name: persons[b].sum(axis=1) for name, b in banks.items()}
        bank_est = {
            (name, o): _region_estimates(*terms[o], b)
            for name, b in banks.items()
            for o in outcomes
        }
        for kind in KINDS:
            tests = np.array(
                [
                    [at[g] for g in draw_region(1_000_000 + i, kind, k, pool.codes, borders)]
                    for i in range(TEST_REGIONS)
                ]
            )
            for label, placebo_kind, on_persons in PLACEBO_VARIANTS:
                bank = banks[placebo_kind]
                chosen = []
                for i, region in enumerate(tests):
                    inside = np.zeros(len(pool.codes), dtype=bool)
                    inside[region] = True
                    ok = ~inside[bank].any(axis=1)
                    if on_persons:
                        ratio = bank_persons[placebo_kind] / persons[region].sum()
                        ok &= (ratio >= 1 / FACTOR) & (ratio <= FACTOR)
                    ok = np.flatnonzero(ok)
                    if len(ok) > 999:
                        pick = np.random.default_rng([BANK_SEED, k, i, len(chosen)])
                        ok = np.sort(pick.choice(ok, 999, replace=False))
                    chosen.append(ok)
                counts = np.array([len(c) for c in chosen])
                with_big = np.isin(tests, big).any(axis=1)
                for outcome in outcomes:
                    own = _region_estimates(*terms[outcome], tests)
                    placebo = bank_est[(placebo_kind, outcome)]
                    p = np.array(
                        [
                            (1 + np.sum(np.abs(placebo[c]) >= abs(b) * (1 - 1e-12))) / (1 + len(c))
                            for b, c in zip(own, chosen, strict=True)
                        ]
                    )
                    rate = float(np.mean(p <= ALPHA))
                    rows.append(
                        {
                            "outcome": outcome,
                            "k": k,
                            "region": kind,
                            "placebos": label,
                            "regions": len(tests),
                            "reject": rate,
                            "mc_se": math.sqrt(rate * (1 - rate) / len(tests)),
                            "share_with_big": float(with_big.mean()),
                            "reject_with_big": float(np.mean(p[with_big] <= ALPHA))
                            if with_big.any()
                            else float("nan"),
                            "reject_without_big": float(np.mean(p[~with_big] <= ALPHA)),
                            "share_cannot_reject": float(np.mean(counts < 1 / ALPHA - 1)),
                            "min_placebos": int(counts.min()),
                            "median_placebos": float(np.median(counts)),
                            "bank": len(bank),
                        }
                    )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------- summary


def summarise(raw: pd.DataFrame) -> pd.DataFrame:
    out = []
    for (outcome, kind, k), part in raw.groupby(["outcome", "kind", "k"], sort=False):
        for method, label in METHODS.items():
            n = len(part)
            reject = int((part[P_COLUMN[method]] <= ALPHA).sum())
            low, high = CI_COLUMNS[method]
            covered = int(((part[low] <= 0) & (part[high] >= 0)).sum())
            rate = reject / n
            ci = interval(reject, n)
            out.append(
                {
                    "outcome": outcome,
                    "kind": kind,
                    "k": int(k),
                    "method": label,
                    "reps": n,
                    "reject": rate,
                    "mc_se": math.sqrt(rate * (1 - rate) / n),
                    "reject_ci_low": ci[0],
                    "reject_ci_high": ci[1],
                    "coverage": covered / n,
                    "coverage_mc_se": math.sqrt(covered / n * (1 - covered / n) / n),
                }
            )
    return pd.DataFrame(out)


def spread(raw: pd.DataFrame, big: list[str]) -> pd.DataFrame:
    """Per outcome, kind and k: the spread of the estimates over the pseudo regions against the
    spread of RI's placebo estimates (root mean square of ``sd_ri``), the placebo counts, and RI's
    rejection rate in regions with fewer and more persons than the median."""
    rows = []
    for (outcome, kind, k), part in raw.groupby(["outcome", "kind", "k"], sort=False):
        median = part["region_persons"].median()
        below = part[part["region_persons"] <= median]
        above = part[part["region_persons"] > median]
        full = part["ri_placebos"] == part["ri_placebos"].max()
        with_big = part["region"].str.split(";").map(lambda r: bool(set(r) & set(big)))
        rows.append(
            {
                "outcome": outcome,
                "kind": kind,
                "k": int(k),
                "sd_estimates": float(part["estimate"].std()),
                "rms_sd_ri": float(np.sqrt(np.mean(part["sd_ri"] ** 2))),
                "rms_z": float(np.sqrt(np.mean((part["estimate"] / part["sd_ri"]) ** 2))),
                "min_placebos": int(part["ri_placebos"].min()),
                "share_fewer_placebos": float((~full).mean()),
                "ri_reject_smaller_half": float((below["p_ri"] <= ALPHA).mean()),
                "ri_reject_larger_half": float((above["p_ri"] <= ALPHA).mean()),
                "median_region_persons": float(median),
                "share_with_big": float(with_big.mean()),
                "ri_reject_with_big": float((part.loc[with_big, "p_ri"] <= ALPHA).mean())
                if with_big.any()
                else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def frequent_in_rejections(raw: pd.DataFrame, outcome: str, names: pd.Series, top: int = 3):
    """Municipalities most over-represented in RI rejections for ``outcome`` (all kinds, k)."""
    part = raw[raw["outcome"] == outcome]
    rejected = part[part["p_ri"] <= ALPHA]
    if rejected.empty:
        return []
    count_all = part["region"].str.split(";").explode().value_counts()
    count_rej = rejected["region"].str.split(";").explode().value_counts()
    share = (count_rej / len(rejected)).rename("in_rejected")
    base = (count_all / len(part)).rename("in_all")
    frame = pd.concat([share, base], axis=1).fillna(0.0)
    frame["lift"] = frame["in_rejected"] / frame["in_all"]
    frame = frame[count_rej.reindex(frame.index).fillna(0) >= 3]
    frame = frame.sort_values(["in_rejected", "lift"], ascending=False).head(top)
    return [
        f"{names[g]} ({g}): in {r.in_rejected:.0%} of the rejected regions, {r.in_all:.0%} of all"
        for g, r in frame.iterrows()
    ]


# ------------------------------------------------------------------------------------ markdown


def _fmt(rate: float, se: float) -> str:
    return f"{rate:.3f} ({se:.3f})"


def main_table(table: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (outcome, kind, k), part in table.groupby(["outcome", "kind", "k"], sort=False):
        by = part.set_index("method")
        rows.append(
            {
                "outcome": outcome,
                "region": kind,
                "k": k,
                "reps": int(by.loc["RI", "reps"]),
                "RI reject": _fmt(by.loc["RI", "reject"], by.loc["RI", "mc_se"]),
                "WCR reject": _fmt(by.loc["WCR", "reject"], by.loc["WCR", "mc_se"]),
                "CR1 reject": _fmt(by.loc["CR1", "reject"], by.loc["CR1", "mc_se"]),
                "RI covers 0": _fmt(by.loc["RI", "coverage"], by.loc["RI", "coverage_mc_se"]),
                "WCR covers 0": _fmt(by.loc["WCR", "coverage"], by.loc["WCR", "coverage_mc_se"]),
            }
        )
    return pd.DataFrame(rows)


def pooled(raw: pd.DataFrame, by: list[str], method: str = "ri") -> pd.DataFrame:
    rows = []
    for key, part in raw.groupby(by, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        hits, n = int((part[P_COLUMN[method]] <= ALPHA).sum()), len(part)
        low, high = interval(hits, n)
        rows.append(
            dict(zip(by, key, strict=True))
            | {"tests": n, "rate": f"{hits / n:.3f}", "95% interval": f"[{low:.3f}, {high:.3f}]"}
        )
    return pd.DataFrame(rows)


def markdown(
    raw, table, spreads, diag, same, timing_frame, left_out, check, names, big_names, args
) -> str:
    reps = int(raw.groupby(["outcome", "kind", "k"]).size().min())
    cpu = raw["cpu_seconds"]
    t199 = timing_frame.loc[timing_frame["ri_reps"] == 199, "cpu_seconds"].mean()
    t999 = timing_frame.loc[timing_frame["ri_reps"] == 999, "cpu_seconds"].mean()
    outcomes = list(dict.fromkeys(raw["outcome"]))
    lines = [
        "# Size of RI and WCR on the real data, every outcome, contiguous and random regions",
        "",
        "Generated by `benchmarks/size_real.py` (see its docstring for the full design):",
        "",
        "    nice -n 10 .venv/bin/python benchmarks/size_real.py"
        + (f" --reps {args.reps}" if args.reps != 150 else ""),
        "",
        "**Data and design.** The Vektis open data 2011-2018 (`data/open/vektis_zvw_2011_2018"
        '.parquet`), population design adjusted for age and sex (`DesignOptions(adjust="agesex")`'
        "), start year 2014, the primary design of the real reports. Outcomes: "
        + ", ".join(f"`{o}`" for o in outcomes)
        + "."
        + "".join(f" Left out: `{o}` ({why})." for o, why in left_out.items()),
        "",
        "**Null.** No effect anywhere: in each replication a pseudo-treated region of k comparison"
        " municipalities (none in any proeftuin; real sizes) is (a) *contiguous*: a random seed"
        " municipality grown by random bordering pool municipalities (CBS 2020 borders,"
        " `lmp.geo.neighbours`), or (b) *random*: k pool municipalities at random. k = 3 and 8 (the"
        " nine real proeftuinen have 1, 1, 1, 2, 3, 4, 9, 13 and 18 municipalities). The region's"
        ' cells are relabelled as treated and `lmp.did.estimate(..., inference="all")` gives CR1,'
        f" WCR ({args.wcr_reps} Webb draws) and RI ({args.ri_reps} placebo regions matched on"
        " persons, the default). The comparison pool is the 303 municipalities of no proeftuin;"
        " the region's own municipalities are not in the placebo pool. The same region serves"
        " every outcome of a replication.",
        "",
        check,
        "",
        f"**Replications.** {reps} per outcome, region kind and k"
        f" ({len(raw)} estimates). One estimate (CR1 + WCR + RI) took {t199:.2f} CPU seconds with"
        f" 199 placebo regions and {t999:.2f} with 999 (mean of {len(timing_frame) // 2} each,"
        " measured in turn on the same cost_mental regions). 999, the reports' default, fits the"
        " hour with 150"
        " replications per cell (MC standard error 0.018 at a rate of 0.05), so 999 were used;"
        f" over the run {cpu.mean():.2f} CPU s per estimate, {cpu.sum() / 60:.0f} CPU minutes in"
        " all (about an hour of wall time on the shared machine)."
        " Rejection at 5% two-sided (p <= 0.05); coverage: the 95% interval contains the true"
        " effect 0. In brackets: Monte Carlo standard errors sqrt(r(1 - r)/n); at a true rate of"
        f" 0.05 and n = {reps} that is {math.sqrt(0.05 * 0.95 / reps):.3f}.",
        "",
        "## Rejection rates and coverage",
        "",
        table_md(main_table(table)),
        "",
        "RI pooled over outcomes (the outcomes share regions, so these tests are not independent"
        " and the intervals, Clopper-Pearson as if they were, are too narrow):",
        "",
        table_md(pooled(raw, ["kind", "k"])),
        "",
        "WCR pooled the same way:",
        "",
        table_md(pooled(raw, ["kind", "k"], "wcr")),
        "",
        "## Why RI rejects where it does",
        "",
        "**Municipality-level estimates.** `b_g`: the DiD estimate of each of the 303 pool"
        " municipalities alone (same design). Skewness and excess kurtosis of `b_g`; the spread of"
        " `b_g` in the smallest quarter of municipalities (by insured persons) over that in the"
        " largest quarter; the share of |z| > 3; Moran's I of `b_g` over shared borders (binary"
        " weights; p: one-sided, 999 permutations), the spatial correlation of the municipalities'"
        " post-2014 shifts; the z-score of the largest municipality's own `b_g`.",
        "",
        table_md(
            diag.assign(
                sd_b=diag["sd_b"].map("{:.1f}".format),
                skewness=diag["skewness"].map("{:.2f}".format),
                excess_kurtosis=diag["excess_kurtosis"].map("{:.1f}".format),
                sd_small_over_large=diag["sd_small_over_large"].map("{:.2f}".format),
                share_abs_z_over_3=diag["share_abs_z_over_3"].map("{:.3f}".format),
                largest_abs_z=diag["largest_abs_z"].map("{:.1f}".format),
                morans_i=diag["morans_i"].map("{:.3f}".format),
                morans_p=diag["morans_p"].map("{:.3f}".format),
                **{c: diag[c].map("{:+.1f}".format) for c in diag if c.startswith("z_")},
            )
        ),
        "",
        "**Estimates over the pseudo regions against RI's placebo spread.** `sd_estimates`: the"
        " standard deviation of the estimates over the replications; `rms_sd_ri`: the root mean"
        " square of `sd_ri`, the spread of each replication's own placebo estimates; `rms_z`: the"
        " root mean square of estimate / `sd_ri` per replication (the true effect is 0). RI's"
        " reference distribution fits when `rms_z` is near 1; above 1 the pseudo regions vary more"
        " than the placebo regions RI compares them with, and RI over-rejects (for normal"
        " placebos, `rms_z` = 1.2 gives a rejection rate of about 0.10; a rough measure, driven by"
        " a few regions when the placebos are heavy-tailed). Also: the fewest placebo regions any"
        " replication got, the share of replications with fewer than the most, RI's rejection"
        " rate in the replications with the smaller and the larger half of region persons, and the"
        f" share of regions holding one of the {BIG} largest pool municipalities"
        f" ({', '.join(big_names)}) with RI's rejection rate in those.",
        "",
        table_md(
            spreads.assign(
                sd_estimates=spreads["sd_estimates"].map("{:.2f}".format),
                rms_sd_ri=spreads["rms_sd_ri"].map("{:.2f}".format),
                rms_z=spreads["rms_z"].map("{:.2f}".format),
                share_fewer_placebos=spreads["share_fewer_placebos"].map("{:.3f}".format),
                ri_reject_smaller_half=spreads["ri_reject_smaller_half"].map("{:.3f}".format),
                ri_reject_larger_half=spreads["ri_reject_larger_half"].map("{:.3f}".format),
                median_region_persons=spreads["median_region_persons"].map("{:,.0f}".format),
                share_with_big=spreads["share_with_big"].map("{:.3f}".format),
                ri_reject_with_big=spreads["ri_reject_with_big"].map("{:.3f}".format),
            )
        ),
        "",
        "Municipalities most often in the regions RI rejected (all kinds and k; at least 3"
        " rejections), per outcome:",
        "",
    ]
    for outcome in outcomes:
        found = frequent_in_rejections(raw, outcome, names)
        lines.append(f"- `{outcome}`: " + ("; ".join(found) if found else "-"))
    lines += [
        "",
        "**Many regions on one fit (same sample).** To separate the shape of the region from the"
        " placebo pool with more precision than the replications above allow, every estimate here"
        " comes from one fit per outcome on all 303 pool municipalities (a region's estimate is"
        " then a ratio of sums, exactly the DiD with that region treated; checked against"
        f" `lmp.did.estimate`). {TEST_REGIONS} contiguous and {TEST_REGIONS} random pseudo regions"
        f" per k; for each, up to 999 placebo regions disjoint from it and within a factor"
        f" {FACTOR} of its persons, drawn from a bank of distinct random k-sets (what lmp uses) or"
        f" of distinct contiguous k-sets (from {RANDOM_BANK:,} and {CONTIGUOUS_BANK:,} draws);"
        " also random placebo regions matched on the number of municipalities only (lmp's"
        ' `ri_match="municipalities"`).'
        " Unlike lmp the placebo estimates keep the pseudo region in the sample as a comparison"
        " (`ri_same_sample.md` found this does not change the size). k = 13 and 18 are the sizes"
        " of the two largest real proeftuinen. MC standard errors in brackets.",
        "",
        table_md(same_table(same)),
        "",
        f"The same regions split by whether they hold one of the {BIG} largest pool municipalities"
        f" ({', '.join(big_names)}); RI with random placebo regions matched on persons (lmp's"
        " default) or on the number of municipalities only; `cannot reject`: the"
        " share of regions with fewer than 19 placebo regions, where p <= 0.05 is impossible:",
        "",
        table_md(big_table(same)),
        "",
    ]
    lines += ["", "## Reading", ""]
    lines += reading(raw, table, spreads, diag, same, big_names, outcomes)
    lines += [
        "",
        "Per-replication rows (region, persons, estimate, every p-value and interval, placebo"
        " count, CPU seconds): `size_real.csv`; the same-sample study: `size_real_same_sample.csv`;"
        " the timing of 199 against 999 placebo regions: `size_real_timing.csv`.",
        "",
    ]
    return "\n".join(lines)


def same_table(same: pd.DataFrame) -> pd.DataFrame:
    """One row per outcome and k; columns: region kind x placebo kind."""
    rows = []
    for (outcome, k), part in same.groupby(["outcome", "k"], sort=False):
        by = part.set_index(["region", "placebos"])
        row = {"outcome": outcome, "k": int(k)}
        for region, placebos, label in [
            ("random", "random", "random region, random placebos"),
            ("contiguous", "random", "contiguous region, random placebos (lmp)"),
            ("contiguous", "contiguous", "contiguous region, contiguous placebos"),
            ("random", "contiguous", "random region, contiguous placebos"),
            ("random", "random, number only", "random region, placebos matched on number only"),
        ]:
            r = by.loc[(region, placebos)]
            row[label] = _fmt(r["reject"], r["mc_se"])
        row["fewest placebos (lmp)"] = int(by.loc[("contiguous", "random"), "min_placebos"])
        row["fewest contiguous placebos"] = int(
            by.loc[("contiguous", "contiguous"), "min_placebos"]
        )
        rows.append(row)
    frame = pd.DataFrame(rows)
    return frame.sort_values(["k"], kind="mergesort")


def big_table(same: pd.DataFrame) -> pd.DataFrame:
    part = same[same["placebos"].isin(["random", "random, number only"])]
    rows = []
    for r in part.itertuples():
        rows.append(
            {
                "outcome": r.outcome,
                "k": r.k,
                "region": r.region,
                "placebos matched on": "persons (lmp)" if r.placebos == "random" else "number",
                "share with a big one": f"{r.share_with_big:.3f}",
                "reject with": f"{r.reject_with_big:.3f}",
                "reject without": f"{r.reject_without_big:.3f}",
                "cannot reject": f"{r.share_cannot_reject:.3f}",
            }
        )
    frame = pd.DataFrame(rows)
    return frame.sort_values(["region", "placebos matched on", "k"], kind="mergesort")


def _rates(frame: pd.DataFrame, column: str = "reject") -> str:
    return f"{frame[column].min():.3f}-{frame[column].max():.3f}"


def reading(raw, table, spreads, diag, same, big_names, outcomes) -> list[str]:
    """The findings, each with the numbers of the tables above that support it."""
    ri = table[table["method"] == "RI"]
    wcr = table[table["method"] == "WCR"]
    kinds = pooled(raw, ["kind"]).set_index("kind")
    d = diag.set_index("outcome")
    lmp_col = same[(same["placebos"] == "random")]
    rr = lmp_col[lmp_col["region"] == "random"]
    cr = lmp_col[lmp_col["region"] == "contiguous"]
    rn = same[(same["region"] == "random") & (same["placebos"] == "random, number only")]
    cc = same[(same["region"] == "contiguous") & (same["placebos"] == "contiguous")]
    main_ks = sorted(raw["k"].unique())
    small_k = rr[rr["k"].isin(main_ks)]
    large_k = rr[~rr["k"].isin(main_ks)]
    excess = (
        (cr.set_index(["outcome", "k"])["reject"] - rr.set_index(["outcome", "k"])["reject"])
        .groupby("outcome")
        .mean()
    )
    order = excess.sort_values(ascending=False).index
    mental = "cost_mental" in outcomes
    out = [
        "- **RI holds its level for random regions, not for contiguous ones.** Pooled over"
        f" outcomes and k = {', '.join(map(str, main_ks))}, RI rejected"
        f" {kinds.loc['random', 'rate']} {kinds.loc['random', '95% interval']} of the random"
        f" regions and {kinds.loc['contiguous', 'rate']} {kinds.loc['contiguous', '95% interval']}"
        " of the contiguous ones (replications above; per cell: random"
        f" {_rates(ri[ri['kind'] == 'random'])}, contiguous"
        f" {_rates(ri[ri['kind'] == 'contiguous'])}). The same-sample study, with"
        f" {TEST_REGIONS} regions per cell, gives random {_rates(small_k)} and contiguous"
        f" {_rates(cr[cr['k'].isin(main_ks)])} at these k, and contiguous"
        f" {_rates(cr[~cr['k'].isin(main_ks)])} at k = 13 and 18. Coverage of the true 0 by RI's"
        " interval is 1 minus its rejection rate (test inversion), so the contiguous regions'"
        " 95% intervals cover 0 in"
        f" {_rates(ri[ri['kind'] == 'contiguous'], 'coverage')} of the replications"
        " (per outcome and k).",
        "- **Spatially correlated shocks are the main cause.** The municipalities' own post-2014"
        " shifts `b_g` are correlated across borders for every outcome (Moran's I "
        + ", ".join(f"`{o}` {d.loc[o, 'morans_i']:.2f}" for o in outcomes)
        + "; all p <= "
        + f"{d['morans_p'].max():.3f}). A contiguous region adds up neighbours that shifted"
        " together, the random placebo regions RI compares it with do not, so the region's"
        " estimate falls beyond the placebos' tails more often than 5%."
        " The excess of contiguous over random regions (same sample, mean over k) orders the"
        " outcomes "
        + ", ".join(f"`{o}` {excess[o]:+.3f}" for o in order)
        + "; the strongest is the GP cost without MDZ, plausibly because the multidisciplinary"
        " care (MDZ) that leaves it in 2015 is contracted through regional care groups. Placebo"
        f" regions that are contiguous too bring the rate down but not to 5% ({_rates(cc)} over"
        " outcomes and k), likely because the placebo regions that would share the region's"
        " shock overlap it and are left out.",
        f"- **Regions holding one of the {BIG} largest municipalities** ({', '.join(big_names)})"
        " are a second cause, and the one that also affects random regions. Such a region's"
        " estimate is dominated by the city's own shift, and the largest city's is unusual"
        f" ({big_names[0]}: z = {_city_z(diag, big_names[0])}). Random regions with a big city"
        " against those without (same sample, all outcomes), with lmp's persons-matched"
        " placebos: "
        + _big_split(rr)
        + "; with placebos matched on the number only: "
        + _big_split(rn)
        + ". So these regions are rejected far too often whichever placebos are used. Matching"
        " on the number only keeps the overall rate of random regions at"
        f" {_rates(rn)} (the big cities then also widen the other regions' placebo tails, and"
        " those reject less); matching on persons, lmp's default, does not, so the overall rate"
        f" of random regions rises with the share holding a big city: {_rates(large_k)} at"
        " k = 13 and 18, where a fifth to a quarter of them hold one. Contiguous regions with a"
        " big city against those without (persons match): " + _big_split(cr) + ".",
        "- **Not the number of placebo regions.** Every replication above got "
        + (
            f"all {int(raw['ri_placebos'].max())}"
            if raw["ri_placebos"].min() == raw["ri_placebos"].max()
            else f"between {int(raw['ri_placebos'].min())} and {int(raw['ri_placebos'].max())}"
        )
        + " persons-matched placebo regions; the problem is what the placebos are like, not how"
        " many there are.",
        "- **Not skewness, not small municipalities.** The spread of `b_g` in the smallest quarter"
        " of municipalities over that in the largest quarter is "
        + ", ".join(f"`{o}` {d.loc[o, 'sd_small_over_large']:.2f}" for o in outcomes)
        + ". Across the outcomes, the excess of contiguous over random regions follows Moran's I"
        f" (Spearman {_spearman(excess, d['morans_i']):+.2f}), not the small municipalities'"
        f" extra spread ({_spearman(excess, d['sd_small_over_large']):+.2f}), the skewness"
        f" ({_spearman(excess, d['skewness'].abs()):+.2f} for its size) or the kurtosis"
        f" ({_spearman(excess, d['excess_kurtosis']):+.2f}) (six outcomes: a pattern, not a"
        " test). Skewed or heavy-tailed `b_g` do not break RI with random regions (same sample:"
        f" {_rates(small_k)} at k = {', '.join(map(str, main_ks))} over all outcomes, the excess"
        " over 5% from the big-city regions): the placebos draw from the same tails, and the"
        " persons match pairs small regions with small placebo regions.",
    ]
    if mental:
        m = d.loc["cost_mental"]
        mr = ri[ri["outcome"] == "cost_mental"].set_index(["kind", "k"])
        ms = same[same["outcome"] == "cost_mental"].set_index(["region", "placebos", "k"])
        out.append(
            "- **cost_mental.** Its `b_g` are the most skewed and heavy-tailed (skewness"
            f" {m['skewness']:.2f}, excess kurtosis {m['excess_kurtosis']:.1f}, largest |z|"
            f" {m['largest_abs_z']:.1f} in {m['largest_at']}), yet with random regions RI holds"
            " ("
            + ", ".join(
                f"k = {k}: {mr.loc[('random', k), 'reject']:.3f}"
                f" ({mr.loc[('random', k), 'mc_se']:.3f})"
                for k in main_ks
            )
            + "; same sample "
            + ", ".join(
                f"{ms.loc[('random', 'random', k), 'reject']:.3f}"
                for k in main_ks
                if ("random", "random", k) in ms.index
            )
            + "). It over-rejects with contiguous regions ("
            + ", ".join(
                f"k = {k}: {mr.loc[('contiguous', k), 'reject']:.3f}"
                f" ({mr.loc[('contiguous', k), 'mc_se']:.3f})"
                for k in main_ks
            )
            + "; same sample "
            + ", ".join(
                f"{ms.loc[('contiguous', 'random', k), 'reject']:.3f}"
                for k in sorted(same["k"].unique())
            )
            + f" at k = {', '.join(map(str, sorted(same['k'].unique())))}) through spatially"
            f" correlated shifts (Moran's I {m['morans_i']:.2f}) and big-city regions, like"
            " `cost_total` and `cost_hospital`: its over-rejection is the general one of"
            " contiguous regions, not a property of mental-health costs, and is neither the"
            " skewness nor a shortage of persons-matched placebos.",
        )
    out.append(
        "- **WCR and CR1.** WCR rejects "
        f"{_rates(wcr[wcr['kind'] == 'random'])} of the random regions (nearly never at k = 3,"
        " as in the synthetic study) and "
        f"{_rates(wcr[wcr['kind'] == 'contiguous'])} of the contiguous ones: it too assumes"
        " independent municipalities. CR1 rejects "
        f"{_rates(table[table['method'] == 'CR1'])}."
    )
    return out


def _big_split(part: pd.DataFrame) -> str:
    """Per k: RI's rejection rate in regions with a big city (how many) and without, pooled over
    outcomes."""
    texts = []
    for k, rows in part.groupby("k"):
        n_with = (rows["share_with_big"] * rows["regions"]).round()
        n_without = rows["regions"] - n_with
        with_rate = (rows["reject_with_big"].fillna(0) * n_with).sum() / max(n_with.sum(), 1)
        without_rate = (rows["reject_without_big"] * n_without).sum() / n_without.sum()
        texts.append(
            f"k = {k}: {with_rate:.3f} ({int(n_with.iloc[0])} regions) against {without_rate:.3f}"
        )
    return "; ".join(texts)


def _spearman(a: pd.Series, b: pd.Series) -> float:
    both = pd.concat([a, b], axis=1, join="inner")
    return float(stats.spearmanr(both.iloc[:, 0], both.iloc[:, 1]).statistic)


def _city_z(diag: pd.DataFrame, city: str) -> str:
    """``z`` of a city's own shift, per outcome, from the diagnostics' column ``z_<city>``."""
    column = f"z_{city}"
    if column not in diag:
        return "-"
    return ", ".join(f"{r['outcome']} {r[column]:+.1f}" for _, r in diag.iterrows())


# ----------------------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=150)
    parser.add_argument("--ks", type=int, nargs="+", default=list(KS))
    parser.add_argument("--kinds", nargs="+", default=list(KINDS), choices=KINDS)
    parser.add_argument("--outcomes", nargs="+", default=None)
    parser.add_argument("--wcr-reps", type=int, default=999)
    parser.add_argument("--ri-reps", type=int, default=999)
    parser.add_argument("--same-sample-ks", type=int, nargs="+", default=list(SAME_SAMPLE_KS))
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--quick", action="store_true", help="smoke run into a temporary folder")
    parser.add_argument(
        "--report-only", action="store_true", help="no new estimates: report the cached rows"
    )
    args = parser.parse_args()
    if args.quick:
        args.reps, args.outcomes = 2, args.outcomes or ["cost_total", "cost_mental"]
        args.same_sample_ks = [3]
        args.out = args.out or Path(tempfile.mkdtemp(prefix="lmp-size-real-"))
    out = args.out or OUT
    out.mkdir(parents=True, exist_ok=True)
    ref = load_reference()
    data = load_data(ROOT / DATA, ref)
    outcomes, left_out = study_outcomes(data, ref)
    if args.outcomes:
        outcomes = [o for o in outcomes if o in args.outcomes]
    _order.outcomes = outcomes
    pool = Pool(data, ref, outcomes)
    borders = pool_borders(pool.codes)
    check = check_routes(data, ref, pool, borders, args)
    print(check, flush=True)
    timing_frame = timing(data, ref, pool, borders, args, out / "size_real_timing.csv")
    print(timing_frame.groupby("ri_reps")["cpu_seconds"].mean(), flush=True)
    path = out / "size_real.csv"
    if args.report_only:
        raw = _load(path)
        raw = raw[raw["outcome"].isin(outcomes)]
        raw = raw.sort_values(KEY, key=_order, kind="mergesort").reset_index(drop=True)
    else:
        raw = run(data, ref, pool, borders, outcomes, args, path)
    table = summarise(raw)
    big = list(pool.persons.sort_values(ascending=False, kind="stable").index[:BIG])
    spreads = spread(raw, big)
    diag = diagnostics(data, ref, pool, borders, outcomes)
    names = ref.gemeenten.set_index("gemeente_code")["name"]
    same_path = out / "size_real_same_sample.csv"
    if args.report_only and same_path.exists():
        same = pd.read_csv(same_path)
    else:
        same = same_sample_study(data, ref, pool, borders, outcomes, args.same_sample_ks)
        same.to_csv(same_path, index=False, float_format="%.6g")
    big_names = [names[g] for g in big]
    text = markdown(
        raw, table, spreads, diag, same, timing_frame, left_out, check, names, big_names, args
    )
    (out / "size_real.md").write_text(text, encoding="utf-8")
    print(f"wrote {out / 'size_real.md'}")


if __name__ == "__main__":
    main()
