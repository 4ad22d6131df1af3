"""The results file of a report, the persons behind each estimate, and Holm within a report."""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from lmp import analysis
from lmp.contract import load_data
from lmp.reference import load_reference


def test_cached_computes_once_and_recomputes_for_other_inputs(tmp_path):
    calls = []

    def compute():
        calls.append(1)
        return {"estimate": len(calls)}

    path = tmp_path / "results.pkl"
    first = analysis.cached(path, {"seed": 1}, compute)
    again = analysis.cached(path, {"seed": 1}, compute)
    other = analysis.cached(path, {"seed": 2}, compute)
    assert first == again == {"estimate": 1} and other == {"estimate": 2}
    assert len(calls) == 2
    assert not list(tmp_path.glob("*.partial"))
    analysis.cached("", {"seed": 1}, compute)  # no file: always computed
    assert len(calls) == 3


def test_holm_within_leaves_out_the_primary_and_adjusts_the_rest():
    results = pd.DataFrame(
        {
            "outcome": ["cost_total", "cost_total", "cost_gp"],
            "design": ["population", "target", "population"],
            "adjust": ["agesex", "agesex", "agesex"],
            "p_ri": [0.01, 0.02, 0.04],
        }
    )
    robustness = pd.DataFrame(
        {"choice": ["primary: age-sex adjusted, whole country", "crude"], "p_ri": [0.01, np.nan]}
    )
    frames = {"adjusted": results, "robustness": robustness}
    analysis.holm_within(frames, ("cost_total", "population", "agesex"))
    expected = multipletests([0.02, 0.04], method="holm")[1]
    assert np.isnan(results.loc[0, "p_ri_holm"])
    np.testing.assert_allclose(results["p_ri_holm"].iloc[1:], expected)
    assert robustness["p_ri_holm"].isna().all()


def test_persons_behind_count_the_proeftuin_in_one_year():
    ref = load_reference()
    data = load_data("data/open/vektis_zvw_2011_2018.parquet")
    persons = analysis.persons_behind(data, "mijnzorg", ref, 2013)
    frame = data.frame
    rows = frame[
        (frame["outcome"] == "cost_total")
        & (frame["year"] == 2013)
        & frame["gemeente_code"].isin(ref.municipalities("mijnzorg"))
    ]
    assert persons["population"] == rows["n_persons"].sum()
    assert 0 < persons["target"] < persons["population"]
    assert persons["triple"] == persons["target"]
    older = rows[rows["segment"].str.extract(r"_(\d\d)_")[0].astype(int) >= 65]
    assert persons["target"] == older["n_persons"].sum()  # MijnZorg's target ages: 65+
