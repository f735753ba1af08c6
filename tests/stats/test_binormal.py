"""The binormal AUC: the closed form against quadrature and the empirical AUC of samples."""

from __future__ import annotations

import numpy as np
import pytest

from calcml.stats.binormal import binormal_auc
from calcml.stats.metrics import roc_auc_score


@pytest.mark.parametrize(("mu0", "s0", "mu1", "s1"), [(0, 1, 1, 1), (0, 2, 0.5, 0.5),
                                                     (1, 1, -1, 3), (0, 1, 0, 1)])
def test_closed_form_equals_the_integral_and_the_sampled_auc(mu0, s0, mu1, s1):
    r = binormal_auc(mu0, s0, mu1, s1)
    assert abs(r.value - r.by_quadrature) < 1e-10
    rng = np.random.default_rng(7)
    n = 4000
    scores = np.concatenate([rng.normal(mu0, s0, n), rng.normal(mu1, s1, n)])
    labels = np.repeat([0, 1], n)
    empirical = roc_auc_score(labels, scores)
    assert abs(empirical - r.value) < 4 * np.sqrt(r.value * (1 - r.value) / n) + 1e-3
