"""Figures that must stay drawable (and warning-free) at the edges: no finite MDE."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from lmp import plots  # noqa: E402


def _texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_dilution_figures_say_so_when_no_effect_is_detectable():
    """Too few placebo regions: the RI minimum detectable effect is infinite. The figures leave
    out the band and the bar, say why, and draw without NaN/inf warnings."""
    row = pd.Series(
        {
            "target_effect": -60.0,
            "implied_population_effect": -12.0,
            "implied_population_effect_with_spillover": -15.0,
            "population_estimate": -20.0,
            "target_effect_needed": np.inf,
            "mde_population_ri": np.inf,
        }
    )
    table = pd.DataFrame(
        {
            "name": ["A", "B"],
            "target_effect": [-60.0, -80.0],
            "implied_population_effect": [-12.0, -16.0],
            "mde_population_ri": [np.inf, 25.0],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        one = plots.dilution_figure(row, "t", "euro", synthetic=True)
        across = plots.dilution_across_figure(table, "t", "euro", synthetic=True)
        one.canvas.draw()
        across.canvas.draw()
    assert any("too few placebo regions" in text for text in _texts(one))
    assert sum("no finite MDE" in text for text in _texts(across)) == 1
    bars = [p for p in across.axes[0].patches if p.get_width() > 0]
    assert len(bars) == 1 and bars[0].get_width() == 50.0
