"""What the checks catch on synthetic data where parallel trends fail in a known way (item 9 of
the honesty issue). One replication each, on the whole comparison pool with real municipality
sizes; the rates over many replications are in benchmarks/results/sensitivity_size.md."""

from __future__ import annotations

import pytest

from lmp import did, sensitivity, synth
from lmp.reference import load_reference

PROEFTUIN = "mijnzorg"


@pytest.fixture(scope="module")
def ref():
    return load_reference()


def _study(data, ref, options=None):
    return did.event_study(
        data,
        PROEFTUIN,
        "cost_total",
        "population",
        ref=ref,
        ri_reps=199,
        seed=1,
        ri_match="contiguous",
        options=options,
    )


def test_a_pre_start_drift_is_caught_and_the_robust_interval_allows_for_it(ref):
    """No effect, but MijnZorg drifts 6% of its 2010 mean a year away from the comparisons. The
    RI pre-trend test rejects; the DiD reads the drift as an effect (the M-bar = 0 interval
    excludes zero) and the M-bar = 1 interval, which lets the drift continue, holds zero."""
    data, _ = synth.replication(
        PROEFTUIN, "pretrend", seed=3, strength={PROEFTUIN: 0.0}, pretrend_per_year=0.06
    )
    study = _study(data, ref)
    assert study.pretrend_p_ri <= 0.05
    bounds = sensitivity.relative_magnitude_bounds(
        study, (0.0, 1.0), critical_value=sensitivity.ri_critical_value(study)
    )
    assert list(bounds["covers_zero"]) == [False, True]
    parallel, _ = synth.replication(PROEFTUIN, "parallel", seed=3, strength={PROEFTUIN: 0.0})
    assert _study(parallel, ref).pretrend_p_ri > 0.05


def test_a_regional_shock_passes_the_pre_trend_test_unseen(ref):
    """A shock from the start year on MijnZorg and its neighbours, no effect of the proeftuin:
    nothing before the start differs, so the pre-trend test cannot see it (the limit the Methods
    section states), while the DiD moves by about the shock."""
    shock, _ = synth.replication(
        PROEFTUIN, "regional_shock", seed=3, strength={PROEFTUIN: 0.0}, regional_shock=0.08
    )
    calm, _ = synth.replication(PROEFTUIN, "parallel", seed=3, strength={PROEFTUIN: 0.0})
    assert _study(shock, ref).pretrend_p_ri > 0.05
    moved = (
        did.estimate(shock, PROEFTUIN, "cost_total", "population", ref=ref).estimate
        - did.estimate(calm, PROEFTUIN, "cost_total", "population", ref=ref).estimate
    )
    assert moved > 100  # 8% of a mean of roughly 2,500 euro, less what the neighbours absorb


def test_spillover_to_neighbours_shrinks_the_estimate_unless_they_leave_the_comparison(ref):
    data, _ = synth.replication(
        PROEFTUIN, "spillover", seed=3, strength={PROEFTUIN: 3.0}, neighbour_spillover=1.0
    )
    plain = did.estimate(data, PROEFTUIN, "cost_total", "population", ref=ref).estimate
    apart = did.estimate(
        data,
        PROEFTUIN,
        "cost_total",
        "population",
        ref=ref,
        options=did.DesignOptions(exclude_neighbours=True),
    ).estimate
    parallel, _ = synth.replication(PROEFTUIN, "parallel", seed=3, strength={PROEFTUIN: 3.0})
    clean = did.estimate(parallel, PROEFTUIN, "cost_total", "population", ref=ref).estimate
    assert abs(apart - clean) < abs(plain - clean)  # leaving the neighbours out repairs it
