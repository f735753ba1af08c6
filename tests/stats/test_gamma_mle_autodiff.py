"""lgamma trains through autodiff: the Gamma distribution's (k, θ) by Adam on tensors, against
SciPy's maximum-likelihood fit."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import calcml as cm
from calcml.ml.optim import Adam


def _negative_log_likelihood(params, mean_x: float, mean_log_x: float):
    """−ℓ/n for Gamma(k, θ) with k = e^u, θ = e^w: ln Γ(k) + k ln θ − (k − 1)·mean ln x + mean x/θ.
    The data enter only through their two sufficient statistics."""
    u, w = params[0], params[1]
    k = cm.exp(u)
    return cm.lgamma(k) + k * w - (k - 1) * mean_log_x + mean_x * cm.exp(-w)


def test_adam_through_lgamma_matches_scipy_gamma_fit():
    data = np.random.default_rng(11).gamma(2.5, 1.7, 400)
    mean_x, mean_log_x = float(data.mean()), float(np.log(data).mean())
    params = cm.tensor([0.0, 0.0], requires_grad=True)
    opt = Adam([params], lr=0.05)
    for step in range(3000):
        if step == 1500:
            opt.lr = 0.005
        opt.zero_grad()
        _negative_log_likelihood(params, mean_x, mean_log_x).backward()
        opt.step()
    k, theta = np.exp(params.data)
    k_ref, _, theta_ref = stats.gamma.fit(data, floc=0)
    assert k == pytest.approx(k_ref, rel=1e-4) and theta == pytest.approx(theta_ref, rel=1e-4)
    # the gradient there is ψ(k) + ln θ − mean ln x = 0 and k θ = mean x: the MLE equations
    assert float(cm.digamma(k)) + np.log(theta) == pytest.approx(mean_log_x, abs=1e-6)
