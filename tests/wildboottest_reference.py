"""The independent wild cluster restricted bootstrap: ``wildboottest``'s WCR11, step by step.

``wildboottest`` (the package pyfixest uses) is a test-only dependency. Its ``WildboottestCL``
is driven one step at a time so that lmp's own draws can be handed over (``v``); the tests and
``benchmarks/inference_speed.py`` both call it through :func:`wcr11`.
"""

from __future__ import annotations

import numpy as np
from wildboottest.wildboottest import WildboottestCL


def wcr11(
    exog: np.ndarray,
    y: np.ndarray,
    cluster: np.ndarray,
    weights: str,
    reps: int,
    seed: int,
    v: np.ndarray | None = None,
) -> WildboottestCL:
    """WCR11 with the null ``beta_0 = 0`` imposed on the first column of ``exog``.

    ``weights`` is ``"rademacher"`` or ``"webb"``; ``v`` (draws x clusters), when given, replaces
    wildboottest's own draws. Returns the bootstrap object after ``get_tstat`` (``t_stat``,
    ``t_boot``); the caller asks for a p-value if it wants one.
    """
    restriction = np.zeros(exog.shape[1])
    restriction[0] = 1.0
    boot = WildboottestCL(exog, y, cluster, restriction, B=reps, seed=seed, parallel=False)
    boot.get_scores(bootstrap_type="11", impose_null=True)
    boot.get_weights(weights_type=weights)
    if v is not None:
        boot.v, boot.B = v.T, v.shape[0]
    boot.get_numer()
    boot.get_denom()
    boot.get_tboot()
    boot.get_vcov()
    boot.get_tstat()
    return boot
