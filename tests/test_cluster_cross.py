"""FixedEffects.cluster_cross: the per-cluster cross products of the wild bootstrap and of
randomization inference, formed without a cells x clusters array, equal the direct computation."""

from __future__ import annotations

import numpy as np
import pytest

from lmp.inference import FixedEffects


def _direct(fe: FixedEffects, cluster, left, right, g):
    onehot = np.zeros((cluster.size, g))
    onehot[np.arange(cluster.size), cluster] = 1.0
    return onehot.T @ (left[:, None] * fe.partial(onehot * right[:, None]))


@pytest.mark.parametrize("blocks", [False, True])
def test_nested_fixed_effects_give_the_direct_cross_products(blocks):
    rng = np.random.default_rng(3)
    g, t, s = 12, 6, 3
    cluster = np.repeat(np.arange(g), t * s)
    year = np.tile(np.repeat(np.arange(t), s), g)
    stratum = np.tile(np.arange(s), g * t)
    keep = rng.random(cluster.size) > 0.1  # an unbalanced panel, as with suppressed cells
    cluster, year, stratum = cluster[keep], year[keep], stratum[keep]
    w = rng.uniform(5, 50, cluster.size)
    if blocks:  # municipality x stratum absorbed, year x stratum dummies block by block
        fe = FixedEffects.build(w, cluster * s + stratum, [year], stratum)
    else:
        fe = FixedEffects.build(w, cluster, [year])
    left, right = rng.normal(size=cluster.size), rng.normal(size=cluster.size)
    fast = fe.cluster_cross(cluster, left, right, g)
    np.testing.assert_allclose(fast, _direct(fe, cluster, left, right, g), rtol=1e-10, atol=1e-10)


def test_absorbed_groups_across_clusters_fall_back_to_the_direct_form():
    rng = np.random.default_rng(4)
    cluster = np.repeat(np.arange(8), 10)
    absorb = np.tile(np.arange(10), 8)  # each absorbed group spans every cluster
    w = rng.uniform(1, 3, cluster.size)
    fe = FixedEffects.build(w, absorb, [])
    left, right = rng.normal(size=80), rng.normal(size=80)
    np.testing.assert_allclose(
        fe.cluster_cross(cluster, left, right, 8), _direct(fe, cluster, left, right, 8), atol=1e-12
    )
