"""Synthetic data: deterministic, valid under the contract, realistic, and honest about its truth."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from lmp import synth
from lmp.contract import load_data, truth_path, validate


@pytest.fixture(scope="module")
def default():
    return synth.generate()


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_bundled_dataset_is_regenerated_byte_for_byte(tmp_path, default):
    data, truth = default
    out = synth.write_dataset(data, truth, tmp_path / "lmp_synthetic.parquet")
    assert _sha(out) == _sha(synth.DEFAULT_PATH)
    assert _sha(truth_path(out)) == _sha(truth_path(synth.DEFAULT_PATH))


def test_same_seed_same_data_other_seed_other_data():
    cfg = synth.SynthConfig(seed=5, comparison_municipalities=20, outcomes=["cost_total"])
    first, truth_a = synth.generate(cfg)
    second, truth_b = synth.generate(cfg)
    assert first.equals(second) and truth_a == truth_b
    other, _ = synth.generate(
        synth.SynthConfig(seed=6, comparison_municipalities=20, outcomes=["cost_total"])
    )
    assert not first["value_sum"].equals(other["value_sum"])


def test_bundled_dataset_passes_the_contract_and_says_it_is_synthetic():
    data = load_data(synth.DEFAULT_PATH)
    assert data.synthetic
    assert "Synthetic" in data.truth["note"]
    assert len(validate(data.frame, "again.parquet")) == len(data.frame)
    assert data.years == list(range(2010, 2020))


def test_magnitudes_follow_public_figures(default):
    data, _ = default
    by_year = (
        data[data["outcome"] == "cost_total"].groupby("year")[["value_sum", "n_persons"]].sum()
    )
    cost = by_year["value_sum"] / by_year["n_persons"]
    assert cost.between(2000, 3500).all(), cost
    growth = cost.pct_change().dropna()
    assert growth.between(0.005, 0.06).all(), growth
    seg = data[(data["outcome"] == "cost_total") & (data["year"] == 2015)].groupby("segment")
    seg_cost = seg["value_sum"].sum() / seg["n_persons"].sum()
    assert seg_cost["frail_elderly"] > 5 * seg_cost["healthy"]
    assert seg_cost["chronic"] > 2 * seg_cost["healthy"]
    health = data[data["outcome"] == "good_health"]
    share = health["value_sum"].sum() / health["n_persons"].sum()
    assert 0.70 <= share <= 0.80
    assert (
        health["n_persons"].sum()
        < 0.05 * data.loc[data["outcome"] == "cost_total", "n_persons"].sum()
    )


def test_ground_truth_is_complete_and_consistent(default):
    data, truth = default
    effects = truth["effects"]
    assert len(effects) == 9
    for per in effects.values():
        assert per["cost_total"] == pytest.approx(sum(per[c] for c in synth.COST_SECTORS))
    implied = truth["implied"]
    assert len(implied) == 9 * data["outcome"].nunique()
    for row in implied:
        assert 0 < row["target_share"] < 1
        expected = (
            row["target_share"] * row["target"] + (1 - row["target_share"]) * row["delta_nontarget"]
        )
        assert row["population"] == pytest.approx(expected, abs=1e-6)
        assert row["triple"] == pytest.approx(row["delta_target"] - row["delta_nontarget"])
    assert any(all(v == 0 for v in per.values()) for per in effects.values()), "one true null"
    json.dumps(truth)  # serialisable as written


def test_sums_of_squares_are_consistent_with_sums(default):
    data, _ = default
    n, s, ss = (data[c].to_numpy(dtype=float) for c in ["n_persons", "value_sum", "value_sumsq"])
    assert np.all(n * ss >= s * s * (1 - 1e-9))
