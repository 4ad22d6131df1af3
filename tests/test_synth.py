"""Synthetic data: deterministic, valid under the contract, realistic, and honest about its truth."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from lmp import synth
from lmp.contract import load_data, truth_path, validate

# A small configuration for tests that generate twice (about 13 municipalities, 10 years).
SMALL = dict(
    seed=11,
    proeftuinen=["vitaal-vechtdal"],
    comparison_municipalities=10,
    outcomes=["cost_total", "cost_hospital", "avoidable_admission"],
)


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


def test_an_outcome_does_not_depend_on_which_others_are_asked_for():
    """What a benchmark asks for (one outcome) is what the full dataset holds for that outcome."""
    alone, _ = synth.generate(synth.SynthConfig(**{**SMALL, "outcomes": ["cost_total"]}))
    together, _ = synth.generate(synth.SynthConfig(**{**SMALL, "outcomes": None}))
    part = together[together["outcome"] == "cost_total"].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, part)


def test_bundled_dataset_passes_the_contract_and_says_it_is_synthetic():
    data = load_data(synth.DEFAULT_PATH)
    assert data.synthetic
    assert "Synthetic" in data.truth["note"]
    assert data.truth["scenario"]["name"] == "parallel"
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
        # both sides carry the truth file's rounding to 8 significant digits
        assert row["population"] == pytest.approx(expected, rel=2e-7, abs=1e-12)
        assert row["triple"] == pytest.approx(row["delta_target"] - row["delta_nontarget"])
    assert any(all(v == 0 for v in per.values()) for per in effects.values()), "one true null"
    json.dumps(truth)  # serialisable as written


def test_sums_of_squares_are_consistent_with_sums(default):
    data, _ = default
    n, s, ss = (data[c].to_numpy(dtype=float) for c in ["n_persons", "value_sum", "value_sumsq"])
    assert np.all(n * ss >= s * s * (1 - 1e-9))


# --- the same bytes on every machine ---------------------------------------------------------------


def _truth_numbers(truth: dict) -> list[float]:
    """Every computed number of a truth file (effects, implied estimands, scenario size)."""
    numbers = [v for per in truth["effects"].values() for v in per.values()]
    numbers += [v for row in truth["implied"] for v in row.values() if isinstance(v, float)]
    numbers += [truth["scenario"][k] for k in ["size"] if k in truth["scenario"]]
    return [float(v) for v in numbers]


def test_every_float_in_the_bundled_files_is_on_the_stated_grid():
    data = pd.read_parquet(synth.DEFAULT_PATH)
    assert data["n_persons"].dtype == "int64"
    cost = data["outcome"].isin(synth.COST_OUTCOMES).to_numpy()
    assert cost.any() and (~cost).any()
    for column in ["value_sum", "value_sumsq"]:
        values = data.loc[cost, column].to_numpy()
        on_grid = synth.round_to_grid(values) == values
        assert on_grid.all(), values[~on_grid][:5]
        # the same grid said independently: 7 significant digits from 10,000 on, else whole cents
        independent = [float(f"{v:.6e}") if abs(v) >= 1e4 else round(v, 2) for v in values]
        assert (np.array(independent) == values).all()
    binary = data[~cost]
    assert (binary["value_sum"] == np.round(binary["value_sum"])).all()
    assert (binary["value_sumsq"] == binary["value_sum"]).all()
    truth = json.loads(truth_path(synth.DEFAULT_PATH).read_text(encoding="utf-8"))
    numbers = _truth_numbers(truth)
    assert len(numbers) > 500
    assert all(synth.truth_number(x) == x for x in numbers)


def test_the_grid_has_at_most_seven_significant_digits_and_whole_cents():
    values = np.array([0.004, 1234.5678, 12345.678, 123456.78, 98765432.1, 1234567890123.4])
    expected = [0.0, 1234.57, 12345.68, 123456.8, 98765430.0, 1234568000000.0]
    assert synth.round_to_grid(values).tolist() == expected
    assert synth.truth_number(-0.123456789012) == -0.12345679


def test_rounding_makes_the_output_insensitive_to_tiny_perturbations(monkeypatch, tmp_path):
    """Perturb every intermediate sum and sum of squares by 1e-12 of its value (random sign), as
    floating-point sums taken in another order on another processor would (by less: about 1e-16):
    the files come out the same to the byte.

    A value changes only if a perturbation carries it across a rounding boundary: with a grid
    spacing of at least 1e-7 of the value that happens with a probability below 1e-5 per value;
    this configuration writes about 2,900 cost values, so fewer than 0.03 changes are expected.
    """
    cfg = synth.SynthConfig(**SMALL)
    clean = synth.write_dataset(*synth.generate(cfg), tmp_path / "clean" / "small.parquet")

    signs = np.random.default_rng(0)
    moved = []

    def perturb(values: np.ndarray) -> np.ndarray:
        factor = 1.0 + 1e-12 * signs.choice([-1.0, 1.0], size=len(values))
        out = values * factor
        moved.append(np.mean(out != values))
        return out

    cost_sums, sumsq = synth._cost_sums, synth._sumsq
    monkeypatch.setattr(
        synth, "_cost_sums", lambda *a: {k: perturb(v) for k, v in cost_sums(*a).items()}
    )
    monkeypatch.setattr(synth, "_sumsq", lambda *a: perturb(sumsq(*a)))
    noisy = synth.write_dataset(*synth.generate(cfg), tmp_path / "noisy" / "small.parquet")
    assert len(moved) == 7 + 2 and min(moved) > 0.9, "every intermediate value was perturbed"
    assert _sha(noisy) == _sha(clean)
    assert _sha(truth_path(noisy)) == _sha(truth_path(clean))


def test_the_bytes_do_not_depend_on_numpys_choice_of_vector_instructions(tmp_path):
    """numpy picks AVX2 or AVX-512 versions of many functions when it starts (on an AVX-512
    processor its vectorised exp differs from the C library's in the last bit). Generated with all
    of these switched off (numpy's baseline code only), the files are the same to the byte."""
    dispatch = pytest.importorskip("numpy._core._multiarray_umath").__cpu_dispatch__
    here = synth.write_dataset(*synth.generate(synth.SynthConfig(**SMALL)), tmp_path / "a.parquet")
    script = (
        "import sys; from lmp import synth; "
        f"synth.write_dataset(*synth.generate(synth.SynthConfig(**{SMALL!r})), sys.argv[1])"
    )
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": " ".join(dispatch)}
    there = tmp_path / "b.parquet"
    subprocess.run([sys.executable, "-c", script, str(there)], env=env, check=True)
    assert _sha(there) == _sha(here)
    assert _sha(truth_path(there)) == _sha(truth_path(here))


def test_unknown_scenario_or_outcome_is_refused():
    with pytest.raises(ValueError, match="unknown scenario"):
        synth.generate(synth.SynthConfig(scenario="parallel_trends"))
    with pytest.raises(ValueError, match="does not make"):
        synth.generate(synth.SynthConfig(outcomes=["cost_gp_excl_mdz"]))
