"""Figures with fixed metadata. They take results and tables, never estimate anything.

Every figure made from synthetic data carries a visible "SYNTHETIC DATA" label. :func:`save`
writes PNG files without the 'Software' key and with a fixed DPI, so the same figure gives the
same bytes on every run with the pinned matplotlib.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from lmp.did import EventStudyResult  # noqa: E402

DPI = 100
COLORS = {
    "proeftuin": "#c0392b",
    "comparison": "#2c3e50",
    "target": "#c0392b",
    "population": "#2980b9",
}
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "svg.hashsalt": "lmp",
    "path.simplify": False,
}


def _figure(width: float, height: float, ncols: int = 1):
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, ncols, figsize=(width, height), squeeze=False)
    return fig, axes[0]


def label_synthetic(fig, synthetic: bool) -> None:
    """Stamp the figure so nobody mistakes generated data for real results."""
    if synthetic:
        fig.text(
            0.99,
            0.01,
            "SYNTHETIC DATA - not real results",
            ha="right",
            va="bottom",
            fontsize=8,
            color="#c0392b",
            fontweight="bold",
        )


def save(fig, output_dir: str | Path, name: str) -> Path:
    """Write ``<output_dir>/figures/<name>.png`` with fixed metadata and close the figure."""
    path = Path(output_dir) / "figures" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    with plt.rc_context(STYLE):
        fig.savefig(path, dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return path


def trend_figure(table: pd.DataFrame, title: str, unit: str, start_year: int, synthetic: bool):
    """Yearly means, proeftuin vs comparison; one panel for the population, one for the target group."""
    fig, axes = _figure(9, 3.4, ncols=2)
    for ax, group in zip(axes, ["population", "target"], strict=True):
        part = table[table["group"] == group]
        for area in ["proeftuin", "comparison"]:
            line = part[part["area"] == area]
            ax.plot(line["year"], line["mean"], marker="o", ms=3, color=COLORS[area], label=area)
        ax.axvline(start_year - 0.5, color="grey", ls="--", lw=1)
        ax.set_title("Whole population" if group == "population" else "Target group", fontsize=9)
        ax.set_xlabel("year")
        ax.set_ylabel(unit)
        ax.legend(frameon=False, fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    label_synthetic(fig, synthetic)
    return fig


def event_study_figure(results: list[EventStudyResult], title: str, unit: str, synthetic: bool):
    """Leads and lags with CIs; one series per design (target group, whole population)."""
    fig, axes = _figure(7, 3.6)
    ax = axes[0]
    offsets = np.linspace(-0.12, 0.12, len(results)) if len(results) > 1 else [0.0]
    for res, offset in zip(results, offsets, strict=True):
        tab = res.table
        color = COLORS[res.design]
        ax.errorbar(
            tab["rel_year"] + offset,
            tab["estimate"],
            yerr=[tab["estimate"] - tab["ci_low"], tab["ci_high"] - tab["estimate"]],
            fmt="o",
            ms=4,
            capsize=2,
            color=color,
            label=f"{res.design} (pre-trend p = {res.pretrend_p:.2f})",
        )
    ax.axhline(0, color="black", lw=0.8)
    ax.axvline(-0.5, color="grey", ls="--", lw=1)
    ax.set_xlabel("years relative to start (reference: year before start)")
    ax.set_ylabel(unit)
    ax.set_title(title, fontsize=10)
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    label_synthetic(fig, synthetic)
    return fig


def dilution_figure(table: pd.DataFrame, title: str, unit: str, synthetic: bool):
    """Target-group effect, the population effect it implies, and the population estimate."""
    row = table.iloc[0]
    fig, axes = _figure(6.5, 3.2)
    ax = axes[0]
    labels = [
        "target-group\neffect",
        "expected population\neffect (share x target)",
        "population\nestimate",
    ]
    values = [row["target_effect"], row["expected_population_effect"], row["population_estimate"]]
    colors = [COLORS["target"], "#95a5a6", COLORS["population"]]
    ax.bar(labels, values, color=colors)
    ax.errorbar(
        [2],
        [row["population_estimate"]],
        yerr=[
            [row["population_estimate"] - row["population_ci_low"]],
            [row["population_ci_high"] - row["population_estimate"]],
        ],
        fmt="none",
        ecolor="black",
        capsize=4,
    )
    ax.axhline(0, color="black", lw=0.8)
    ax.set_ylabel(unit)
    ax.set_title(title, fontsize=10)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    label_synthetic(fig, synthetic)
    return fig


def forest_figure(table: pd.DataFrame, title: str, unit: str, synthetic: bool):
    """Target-group and population estimates with CIs, one row per proeftuin."""
    names = list(dict.fromkeys(table["name"]))
    fig, axes = _figure(7.5, 0.45 * len(names) + 1.4)
    ax = axes[0]
    for design, offset in [("target", -0.15), ("population", 0.15)]:
        part = table[table["design"] == design].set_index("name").reindex(names)
        y = np.arange(len(names)) + offset
        ax.errorbar(
            part["estimate"],
            y,
            xerr=[part["estimate"] - part["ci_low"], part["ci_high"] - part["estimate"]],
            fmt="o",
            ms=4,
            capsize=2,
            color=COLORS[design],
            label=design,
        )
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(np.arange(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlabel(unit)
    ax.set_title(title, fontsize=10)
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    label_synthetic(fig, synthetic)
    return fig
