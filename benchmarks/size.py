"""Size and coverage of CR1, the wild cluster restricted bootstrap (WCR) and randomization
inference (RI) with one small treated region (run by hand, not in CI).

Synthetic data with no effect anywhere (every proeftuin's strength 0). In each replication a
pseudo-treated region of ``k`` municipalities is drawn at random from the comparison pool (the
municipalities of the nine real proeftuinen are left out entirely), the study cells are relabelled
(``treated`` = in the pseudo region, ``D = treated * post``) and ``lmp.did.estimate(...,
cells=..., inference="all")`` is called. Recorded: whether CR1 (``p_value``), WCR (``p_wcr``) and
RI (``p_ri``) reject at 5% (p <= 0.05).

Coverage: the same relabelled cells with a known constant effect ``tau`` added to the pseudo
region's post-period target-group cells (``mean += tau``, ``value_sum += tau * n_persons``); a
replication is covered when ``ci_low <= tau <= ci_high`` for each method's 95% interval.

Each replication draws a fresh synthetic dataset (seed ``DATA_SEED + rep``); all draws are seeded,
so a re-run gives the same numbers. Rows are cached in ``results/size.csv``: an interrupted run
resumes where it stopped, and a larger ``--reps`` only adds replications.

    .venv/bin/python benchmarks/size.py            # the committed run (about 50 minutes, 1 core)
    .venv/bin/python benchmarks/size.py --quick    # smoke run into a temporary folder
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from common import interval, table_md  # noqa: E402

from lmp import did, synth  # noqa: E402
from lmp.reference import load_reference  # noqa: E402

OUT = Path(__file__).resolve().parent / "results"
PROEFTUIN = "mijnzorg"  # only its target segments and start year are used; its towns are dropped
DATA_SEED = 70_000
REGION_SEED = 71_000
KS = (1, 2, 3, 5, 7, 10)
OUTCOMES = ("cost_total", "avoidable_admission")
# Known effect for the coverage run: the full-strength target effect of lmp.synth (euro).
TAU = {"cost_total": -200.0, "avoidable_admission": -0.003}
ALPHA = 0.05
BAND = (0.03, 0.07)
METHODS = {"cr1": "CR1", "wcr": "WCR (Webb)", "ri": "RI"}
P_COLUMN = {"cr1": "p_value", "wcr": "p_wcr", "ri": "p_ri"}
CI_COLUMNS = {
    "cr1": ("ci_low", "ci_high"),
    "wcr": ("ci_wcr_low", "ci_wcr_high"),
    "ri": ("ci_ri_low", "ci_ri_high"),
}
KEY = ["rep", "k", "design", "outcome", "task"]
FIELDS = [
    "estimate",
    "se",
    "p_value",
    "p_wcr",
    "p_ri",
    "ci_low",
    "ci_high",
    "ci_wcr_low",
    "ci_wcr_high",
    "ci_ri_low",
    "ci_ri_high",
    "sd_ri",
    "wcr_draws",
    "ri_placebos",
]


def _tasks(outcomes, coverage_outcomes, designs):
    """(design, outcome, task, tau) for every estimate made per replication and region size."""
    tasks = [(d, o, "size", 0.0) for d in designs for o in outcomes]
    tasks += [(d, o, "coverage", TAU[o]) for d in designs for o in coverage_outcomes]
    return tasks


def _base_cells(data: pd.DataFrame, outcome: str, design: str, ref) -> pd.DataFrame:
    """Study cells of the comparison pool only: the real proeftuin's municipalities dropped."""
    cells = did.study_cells(data, PROEFTUIN, outcome, design, ref)
    base = cells[cells["treated"] == 0].reset_index(drop=True)
    real = set(ref.gemeenten.loc[ref.gemeenten["proeftuin"] != "", "gemeente_code"])
    assert not real & set(base["gemeente_code"]), "a proeftuin municipality in the pool"
    return base


def relabel(base: pd.DataFrame, region: set[str], tau: float = 0.0) -> pd.DataFrame:
    """``base`` with ``region`` as the treated municipalities, plus ``tau`` on its treated cells.

    Same columns and dtypes as :func:`lmp.did.study_cells`. In the target design every cell is a
    target-group cell; in the triple design only group 1 gets ``tau``.
    """
    cells = base.copy()
    cells["treated"] = cells["gemeente_code"].isin(region).astype(base["treated"].dtype)
    cells["D"] = cells["treated"] * cells["post"]
    if tau:
        hit = (cells["D"] == 1) & ((cells["group"] == 1) | (cells["group"].nunique() == 1))
        cells.loc[hit, "mean"] = cells.loc[hit, "mean"] + tau
        cells.loc[hit, "value_sum"] = (
            cells.loc[hit, "value_sum"] + tau * cells.loc[hit, "n_persons"]
        )
    return cells


def _load(path: Path) -> pd.DataFrame:
    if path.exists():
        return pd.read_csv(path, dtype={"region": str})
    return pd.DataFrame(columns=KEY)


def run(args, path: Path) -> pd.DataFrame:
    ref = load_reference()
    slugs = list(ref.proeftuinen["slug"])
    tasks = _tasks(args.outcomes, args.coverage_outcomes, args.designs)
    done = _load(path)
    have = set(map(tuple, done[KEY].astype(str).to_numpy())) if len(done) else set()
    calls, seconds = 0, 0.0
    for rep in range(args.reps):
        todo = [
            (k, task)
            for k in args.ks
            for task in tasks
            if (str(rep), str(k), task[0], task[1], task[2]) not in have
        ]
        if not todo:
            continue
        cfg = synth.SynthConfig(
            seed=DATA_SEED + rep,
            strength=dict.fromkeys(slugs, 0.0),
            outcomes=sorted(set(args.outcomes) | set(args.coverage_outcomes)),
        )
        data, _ = synth.generate(cfg, ref)
        bases = {(d, o): _base_cells(data, o, d, ref) for d, o, _, _ in tasks}
        pool = sorted(next(iter(bases.values()))["gemeente_code"].unique())
        rows = []
        for k, (design, outcome, task, tau) in todo:
            rng = np.random.default_rng([REGION_SEED, rep, k])
            region = sorted(rng.choice(pool, k, replace=False))
            cells = relabel(bases[(design, outcome)], set(region), tau)
            start = time.perf_counter()
            res = did.estimate(
                data,
                PROEFTUIN,
                outcome,
                design,
                alpha=ALPHA,
                ref=ref,
                inference="all",
                ri_match="municipalities",  # random regions: both matches are exact here
                wcr_reps=args.wcr_reps,
                ri_reps=args.ri_reps,
                seed=rep * 1000 + k,
                cells=cells,
            )
            seconds += time.perf_counter() - start
            calls += 1
            assert res.n_treated_clusters == k
            row = {
                "rep": rep,
                "k": k,
                "design": design,
                "outcome": outcome,
                "task": task,
                "tau": tau,
                "data_seed": DATA_SEED + rep,
                "region": ";".join(region),
            }
            row.update({f: getattr(res, f) for f in FIELDS})
            rows.append(row)
        pd.DataFrame(rows).to_csv(
            path, mode="a", header=not path.exists(), index=False, float_format="%.10g"
        )
        print(
            f"rep {rep + 1}/{args.reps}: {len(rows)} estimates, "
            f"{seconds / max(calls, 1):.3f} s per estimate so far",
            flush=True,
        )
    raw = _load(path).sort_values(KEY, kind="mergesort").reset_index(drop=True)
    raw.to_csv(path, index=False, float_format="%.10g")  # every cached row is kept and reported
    return raw


def summarise(raw: pd.DataFrame) -> pd.DataFrame:
    """One row per design, outcome, task, k and method: rate, MC SE and 95% interval."""
    out = []
    for (design, outcome, task, k), part in raw.groupby(
        ["design", "outcome", "task", "k"], sort=True
    ):
        for method, label in METHODS.items():
            if task == "size":
                hit = part[P_COLUMN[method]] <= ALPHA
            else:
                low, high = CI_COLUMNS[method]
                hit = (part[low] <= part["tau"]) & (part["tau"] <= part[high])
                # a constant additive effect leaves every test of the truth as the null test on
                # effect-free data: covered <=> not rejected (same data, region and draws)
            n, hits = len(part), int(hit.sum())
            rate = hits / n
            low, high = interval(hits, n)
            out.append(
                {
                    "design": design,
                    "outcome": outcome,
                    "task": task,
                    "k": int(k),
                    "method": label,
                    "reps": n,
                    "rate": rate,
                    "mc_se": math.sqrt(rate * (1 - rate) / n),
                    "ci95_low": low,
                    "ci95_high": high,
                }
            )
    return pd.DataFrame(out)


def consistency(raw: pd.DataFrame) -> pd.DataFrame:
    """Per method: coverage runs whose 'covered' differs from 'not rejected' in the null run."""
    on = ["rep", "k", "design", "outcome"]
    both = raw[raw["task"] == "size"].merge(
        raw[raw["task"] == "coverage"], on=on, suffixes=("_0", "_1"), how="inner"
    )
    rows = []
    for method, label in METHODS.items():
        low, high = CI_COLUMNS[method]
        covered = (both[low + "_1"] <= both["tau_1"]) & (both["tau_1"] <= both[high + "_1"])
        kept = both[P_COLUMN[method] + "_0"] > ALPHA
        odd = both[covered != kept]
        rows.append(
            {
                "method": label,
                "pairs": len(both),
                "disagree": len(odd),
                "cases": "; ".join(
                    f"rep {r.rep}, k = {r.k}, {r.outcome}: p(0) = {getattr(r, P_COLUMN[method] + '_0'):.4f}"
                    f" on the effect-free cells, yet the interval there"
                    f" [{getattr(r, low + '_0'):.4g}, {getattr(r, high + '_0'):.4g}] contains 0"
                    if getattr(r, P_COLUMN[method] + "_0") <= ALPHA
                    else f"rep {r.rep}, k = {r.k}, {r.outcome}: not rejected, not covered"
                    for r in odd.itertuples()
                )
                or "-",
            }
        )
    return pd.DataFrame(rows)


def _lines(ax, part: pd.DataFrame, methods) -> None:
    styles = {"CR1": ("tab:red", "o"), "WCR (Webb)": ("tab:blue", "s"), "RI": ("tab:green", "^")}
    outcomes = sorted(part["outcome"].unique())
    for (design, outcome, method), line in part.groupby(["design", "outcome", "method"], sort=True):
        if method not in methods:
            continue
        color, marker = styles[method]
        shift = 0.08 * (outcomes.index(outcome) - (len(outcomes) - 1) / 2)  # side by side
        ax.errorbar(
            line["k"] + shift,
            line["rate"],
            yerr=[line["rate"] - line["ci95_low"], line["ci95_high"] - line["rate"]],
            color=color,
            marker=marker,
            ls=["-", "--", ":"][outcomes.index(outcome) % 3],
            ms=4,
            capsize=2,
            label=f"{method}, {outcome}" + ("" if design == "target" else f" ({design})"),
        )
    ax.set_xlabel("treated municipalities in the region (k)")
    ax.set_xticks(sorted(part["k"].unique()))


def figure(table: pd.DataFrame, path: Path) -> None:
    size, cover = table[table["task"] == "size"], table[table["task"] == "coverage"]
    fig, axes = plt.subplots(1, 3, figsize=(16, 7.5))
    all_methods, robust = list(METHODS.values()), ["WCR (Webb)", "RI"]
    panels = (
        (axes[0], size, all_methods, ALPHA, BAND, "Size, all methods (no effect)"),
        (axes[1], size, robust, ALPHA, BAND, "Size, WCR and RI (zoomed)"),
        (axes[2], cover, all_methods, 1 - ALPHA, (1 - BAND[1], 1 - BAND[0]), "Coverage"),
    )
    for ax, part, methods, target, band, title in panels:
        ax.axhspan(*band, color="0.85", zorder=0, label=f"[{band[0]:.2f}, {band[1]:.2f}]")
        ax.axhline(target, color="0.4", lw=0.8)
        _lines(ax, part, methods)
        ax.set_title(title)
    axes[0].set_ylabel("rejection rate at 5%")
    axes[0].set_ylim(0, min(1.0, max(0.15, size["ci95_high"].max()) + 0.02))
    axes[1].set_ylabel("rejection rate at 5%")
    zoom = size[size["method"].isin(robust)]
    axes[1].set_ylim(0, max(0.15, zoom["ci95_high"].max() + 0.01))
    axes[2].set_ylabel("coverage of the 95% interval (known constant effect)")
    if len(cover):
        axes[2].set_ylim(max(0.0, min(0.85, cover["ci95_low"].min() - 0.02)), 1.01)
    for ax in axes:  # below each panel, so no legend hides a line
        ax.legend(fontsize=6.5, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2)
    fig.text(
        0.01,
        0.01,
        "Synthetic data (lmp.synth); one pseudo-treated region of k comparison municipalities"
        " per replication; bars: binomial 95% intervals; grey band: the acceptance band.",
        fontsize=7,
    )
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)


def _size_first(column: pd.Series) -> pd.Series:
    return column.map({"size": 0, "coverage": 1}) if column.name == "task" else column


def _markdown(table: pd.DataFrame) -> str:
    wide = table.assign(
        cell=[f"{r.rate:.3f} [{r.ci95_low:.3f}, {r.ci95_high:.3f}]" for r in table.itertuples()]
    ).pivot_table(
        index=["design", "outcome", "task", "k", "reps"],
        columns="method",
        values="cell",
        aggfunc="first",
    )[list(METHODS.values())]
    wide = wide.reset_index()
    wide = wide.sort_values(["design", "outcome", "task", "k"], key=_size_first, kind="mergesort")
    header = "| " + " | ".join(wide.columns) + " |"
    lines = [header, "|" + "---|" * len(wide.columns)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in wide.to_numpy()]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=500)
    parser.add_argument("--ks", type=int, nargs="+", default=list(KS))
    parser.add_argument("--outcomes", nargs="+", default=list(OUTCOMES))
    parser.add_argument("--coverage-outcomes", nargs="+", default=["cost_total"])
    parser.add_argument("--designs", nargs="+", default=["target"])
    parser.add_argument("--wcr-reps", type=int, default=999)
    parser.add_argument("--ri-reps", type=int, default=199)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--quick", action="store_true", help="smoke run into a temporary folder")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="no new estimates: summarise every row already in the cache (size.csv)",
    )
    args = parser.parse_args()
    if args.quick:
        args.reps, args.ks, args.wcr_reps, args.ri_reps = 3, [1, 3], 199, 99
        args.out = args.out or Path(tempfile.mkdtemp(prefix="lmp-size-"))
    out = args.out or OUT
    out.mkdir(parents=True, exist_ok=True)
    if args.report_only:
        raw = _load(out / "size.csv").sort_values(KEY, kind="mergesort").reset_index(drop=True)
    else:
        raw = run(args, out / "size.csv")
    table = summarise(raw)
    check = consistency(raw)
    table.to_csv(out / "size_summary.csv", index=False, float_format="%.6g")
    figure(table, out / "size.png")
    (out / "size.md").write_text(report(args, table, check, raw), encoding="utf-8")
    print(_markdown(table))
    print(table_md(check))
    print(f"written to {out}")


def _span(part: pd.DataFrame) -> str:
    """'rate at k=.. ... ' for one method, outcome and task, in order of k."""
    return ", ".join(f"{r.rate:.3f} (k={r.k})" for r in part.sort_values("k").itertuples())


def _agree(part: pd.DataFrame) -> str:
    """How a method's rates sit against 0.05 and the band, in words."""
    with_nominal = (part["ci95_low"] <= ALPHA) & (ALPHA <= part["ci95_high"])
    in_band = (part["rate"] >= BAND[0]) & (part["rate"] <= BAND[1])
    over = part[part["ci95_low"] > ALPHA]
    under = part[part["ci95_high"] < ALPHA]
    words = [
        f"{int(in_band.sum())} of {len(part)} rates in [{BAND[0]:.2f}, {BAND[1]:.2f}],"
        f" {int(with_nominal.sum())} of {len(part)} binomial intervals contain 0.05"
    ]
    if len(over):
        words.append(f"significantly above 0.05 at k = {', '.join(map(str, over['k']))}")
    if len(under):
        words.append(f"significantly below 0.05 at k = {', '.join(map(str, under['k']))}")
    return "; ".join(words)


def _widths(raw: pd.DataFrame, design: str, outcome: str) -> str:
    """Median 95% interval width per method and k on the effect-free cells."""
    part = raw[(raw["task"] == "size") & (raw["design"] == design) & (raw["outcome"] == outcome)]
    bits = []
    for k, rows in part.groupby("k", sort=True):
        widths = [
            float(np.median(rows[CI_COLUMNS[m][1]] - rows[CI_COLUMNS[m][0]])) for m in METHODS
        ]
        bits.append(f"k={k}: " + " / ".join(f"{w:.4g}" for w in widths))
    return "; ".join(bits)


def _reading(table: pd.DataFrame, raw: pd.DataFrame) -> list[str]:
    """Plain-words bullets, computed from the table (no number typed by hand)."""
    out = []
    size, cover = table[table["task"] == "size"], table[table["task"] == "coverage"]
    for (design, outcome), part in size.groupby(["design", "outcome"], sort=True):
        by = {m: part[part["method"] == m] for m in METHODS.values()}
        wcr = by["WCR (Webb)"]
        low = wcr[wcr["ci95_high"] < BAND[0]]
        p_max = (
            raw[(raw["task"] == "size") & (raw["design"] == design) & (raw["outcome"] == outcome)]
            .groupby("k")["p_wcr"]
            .min()
        )
        out.append(
            f"- **{outcome}, {design} design, no effect.** CR1: {_span(by['CR1'])}"
            f" ({_agree(by['CR1'])}). RI: {_span(by['RI'])} ({_agree(by['RI'])})."
            f" WCR: {_span(wcr)} ({_agree(wcr)})."
            + (
                f" WCR under-rejects at k = {', '.join(map(str, low['k']))}; its smallest"
                " p-value over all replications was "
                + ", ".join(f"{p_max[k]:.3f} (k={k})" for k in low["k"])
                + (
                    f" (it never rejected at k = {', '.join(map(str, never))})"
                    if (never := [k for k in low["k"] if p_max[k] > ALPHA])
                    else ""
                )
                + ": with very few treated clusters the restricted wild bootstrap's t* is"
                " dominated by those clusters' scores and its p-values are far too large, the"
                " known failure of WCR with few treated clusters (MacKinnon & Webb 2017, 2018)."
                if len(low)
                else ""
            )
            + " Median 95% interval width, CR1 / WCR / RI: "
            + _widths(raw, design, outcome)
            + "."
        )
    pooled = raw[raw["task"] == "size"]
    for method in ("ri", "wcr"):
        for label, rows in (
            ("every k", pooled),
            ("k >= 5", pooled[pooled["k"] >= 5]),
        ):
            if method == "wcr" and label == "every k":
                continue
            n, hits = len(rows), int((rows[P_COLUMN[method]] <= ALPHA).sum())
            if n:
                lo, hi = interval(hits, n)
                out.append(
                    f"- **{METHODS[method]} pooled over outcomes and {label}**: {hits / n:.3f}"
                    f" [{lo:.3f}, {hi:.3f}] of {n} tests (the interval treats the tests as"
                    " independent; the two outcomes share data and regions, so it is a little"
                    " too narrow)."
                )
    for (design, outcome), part in cover.groupby(["design", "outcome"], sort=True):
        bits = "; ".join(f"{m}: {_span(part[part['method'] == m])}" for m in METHODS.values())
        out.append(
            f"- **Coverage, {outcome}, {design} design** (nominal 0.95). {bits}. With a constant"
            " additive effect each interval covers the truth exactly when the method's test of"
            " zero would not reject on the effect-free cells (same data, region and draws), so"
            " coverage is 1 - size here, as the consistency check above confirms (up to the"
            " cases listed there); WCR's"
            " over-coverage at small k comes with the very wide intervals listed above."
        )
    return out


def _values(raw: pd.DataFrame, column: str) -> str:
    """The distinct values of a count column, e.g. the number of bootstrap draws used."""
    return " or ".join(str(int(v)) for v in sorted(raw[column].unique()))


def _plan(raw: pd.DataFrame) -> str:
    """'target design: k=1 (500), k=3 (2000); ...' from the no-effect rows."""
    size = raw[raw["task"] == "size"]
    parts = []
    for design, rows in size.groupby("design", sort=True):
        reps = rows.groupby("k")["rep"].nunique()
        parts.append(f"{design} design: " + ", ".join(f"k={k} ({n})" for k, n in reps.items()))
    return "; ".join(parts)


def _commands(raw: pd.DataFrame) -> list[str]:
    """The command lines that produce the cached rows: one per design and number of replications."""
    base = "OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/size.py"
    lines = []
    for design, rows in raw.groupby("design", sort=True):
        reps = rows[rows["task"] == "size"].groupby("k")["rep"].nunique()
        for n, ks in reps.groupby(reps, sort=True):
            cover = sorted(
                rows.loc[
                    (rows["task"] == "coverage") & rows["k"].isin(ks.index), "outcome"
                ].unique()
            )
            part = rows[rows["k"].isin(ks.index)]
            line = f"{base} --designs {design} --reps {n} --ks {' '.join(map(str, ks.index))}"
            outcomes = sorted(part.loc[part["task"] == "size", "outcome"].unique())
            if outcomes != sorted(OUTCOMES):
                line += " --outcomes " + " ".join(outcomes)
            if cover != ["cost_total"]:
                line += " --coverage-outcomes " + (" ".join(cover) if cover else "")
            if _values(part, "wcr_draws") != "999":
                line += f" --wcr-reps {_values(part, 'wcr_draws')}"
            if _values(part, "ri_placebos") != "199":
                line += f" --ri-reps {_values(part, 'ri_placebos')}"
            lines.append(line)
    return lines + [f"{base} --report-only"]


def _not_run(raw: pd.DataFrame) -> str:
    """Designs and region sizes (k = 1..10) without rows, and outcomes without coverage runs."""
    bits = []
    for design in did.DESIGNS:
        have = set(raw.loc[raw["design"] == design, "k"])
        missing = [k for k in range(1, 11) if k not in have]
        if missing:
            bits.append(f"{design} design at k = {', '.join(map(str, missing))}")
    covered = set(raw.loc[raw["task"] == "coverage", "outcome"])
    missing = [o for o in OUTCOMES if o not in covered]
    if missing:
        bits.append(f"coverage for {', '.join(missing)}")
    return "; ".join(bits) or "nothing"


def _verdict(size: pd.DataFrame, method: str) -> str:
    """Whether one method's rejection rates for k >= 3 lie in the band, in words."""
    part = size[size["method"] == method]
    outside = part[(part["rate"] < BAND[0]) | (part["rate"] > BAND[1])]
    head = f"- **{method}**: {len(part) - len(outside)} of {len(part)} rates in the band"
    if outside.empty:
        return head + " (met)."
    clear = (outside["ci95_high"] < BAND[0]) | (outside["ci95_low"] > BAND[1])
    cells = "; ".join(
        f"{r.design} design, {r.outcome}, k = {r.k}: {r.rate:.3f}"
        f" [{r.ci95_low:.3f}, {r.ci95_high:.3f}]"
        + (" (interval entirely outside the band)" if is_clear else " (interval overlaps the band)")
        for r, is_clear in zip(outside.itertuples(), clear, strict=True)
    )
    return f"{head}; outside: {cells}."


def report(args, table: pd.DataFrame, check: pd.DataFrame, raw: pd.DataFrame) -> str:
    size = table[(table["task"] == "size") & (table["method"] != "CR1") & (table["k"] >= 3)]
    inside = size[(size["rate"] >= BAND[0]) & (size["rate"] <= BAND[1])]
    verdict = "**met**" if len(inside) == len(size) else "**not met**"
    verdict += (
        f" ({len(inside)} of {len(size)} design x method x outcome x k rates in the band):\n\n"
        + "\n".join(_verdict(size, method) for method in ("RI", "WCR (Webb)"))
    )
    return "\n".join(
        [
            "# Size and coverage with one small treated region: CR1, WCR and RI",
            "",
            "Generated by `benchmarks/size.py` (synthetic data only). The rows come from these"
            " runs; the cache (`size.csv`) keeps what is done, so re-running them adds nothing"
            " and any larger `--reps` only adds replications:",
            "",
            *[f"    {line}" for line in _commands(raw)],
            "",
            "## Settings",
            "",
            "- Replications (fresh synthetic dataset each) per design and region size k, no-effect"
            " runs: " + _plan(raw) + f". Each replication draws its data with `lmp.synth.generate`,"
            f" seed {DATA_SEED} + replication, every proeftuin's strength 0: no effect anywhere.",
            "- Pseudo-treated region: k municipalities drawn at random (seeded) from the 313"
            " comparison municipalities; the municipalities of all nine real proeftuinen are left"
            " out entirely. The other 313 - k are the comparison group.",
            f"- Study cells: `did.study_cells` for `{PROEFTUIN}` (its target segments chronic,"
            " multimorbid and frail elderly; start 2014; 2010-2019), its own municipalities"
            " dropped, then relabelled: treated = in the pseudo region, D = treated x post.",
            "- Designs: as listed above. `did.estimate(..., cells=relabelled,"
            f' inference="all", ri_match="municipalities", wcr_reps={_values(raw, "wcr_draws")},'
            f" ri_reps={_values(raw, 'ri_placebos')}, seed=1000 x replication + k)`: CR1 t test"
            f" (G - 1 df), wild cluster restricted bootstrap with {_values(raw, 'wcr_draws')}"
            f" Webb draws, randomization inference over {_values(raw, 'ri_placebos')} randomly"
            " drawn placebo regions of k municipalities.",
            "- Rejection: p <= 0.05. Intervals: Clopper-Pearson binomial 95%;"
            " Monte Carlo SE = sqrt(rate (1 - rate) / reps).",
            "- Coverage: the same relabelled cells with a known constant effect added to the"
            " pseudo region's post-period target-group cells (mean += tau, value_sum += tau x"
            f" n_persons), tau = {TAU['cost_total']:g} euro for cost_total; covered when the 95%"
            " interval (CR1; WCR and RI by test inversion) contains tau.",
            f"- Cost: {len(raw):,} `estimate` calls of 0.2-0.3 s each on one core. Not run, to"
            f" stay within that budget: {_not_run(raw)}; `--ks`, `--designs` and"
            " `--coverage-outcomes` add them.",
            "",
            "## Results",
            "",
            "Rate [binomial 95% interval]: rejection rate at 5% for `size` (no effect),"
            " coverage of the 95% interval for `coverage`.",
            "",
            _markdown(table),
            "",
            "Monte Carlo standard errors (rate, mc_se per row) are in `size_summary.csv`;"
            " per-replication rows in `size.csv`.",
            "",
            "![rejection rate and coverage against k](size.png)",
            "",
            "Coverage runs whose interval verdict differs from the null test's verdict on the"
            " same data, region and draws (a constant additive effect should make them agree"
            " exactly; a disagreement points at the test inversion):",
            "",
            table_md(check),
            "",
            *(
                [
                    "A WCR disagreement means the WCR p-value, as a function of the null value,"
                    " is not monotone on that side of the estimate: it dips below 0.05 and rises"
                    " above it again further out, so the set of unrejected null values is not an"
                    " interval. `WildBootstrap.confidence_interval` reports the piece around the"
                    " estimate (it stops at the first rejected null value, found on a fine grid),"
                    ' so a true effect beyond the dip is not rejected by the test ("not'
                    ' rejected") yet lies outside the reported interval ("not covered").'
                    " Coverage is then slightly below 1 - size; rare here.",
                    "",
                ]
                if check.loc[check["method"] == "WCR (Webb)", "disagree"].sum()
                else []
            ),
            "## Reading",
            "",
            *_reading(table, raw),
            "",
            "## Acceptance criterion",
            "",
            "RI and WCR rejection rates within [0.03, 0.07] at 5% for a single treated region of"
            f" >= 3 municipalities. Result: {verdict}",
            "",
        ]
    )


if __name__ == "__main__":
    main()
