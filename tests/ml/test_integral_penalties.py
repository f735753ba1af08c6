"""Roughness and total variation as integrals (SymPy and SciPy oracles), their gradients
(check_grads), and the smoothing spline against scipy.interpolate.make_smoothing_spline."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from scipy import integrate
from scipy.interpolate import make_smoothing_spline

import calcml as cm
from calcml.autodiff import Tensor, check_grads
from calcml.ml import SmoothingSpline
from calcml.ml.penalties import roughness, total_variation


@pytest.mark.parametrize("text", ["x^3 - 2*x", "sin(3*x)", "exp(x/2)"])
def test_symbolic_roughness_is_exact(text):
    x = sp.Symbol("x")
    f = sp.sympify(text.replace("^", "**"))
    want = float(sp.integrate(sp.diff(f, x, 2) ** 2, (x, 0, 2)))
    r = roughness(text, 0, 2)
    assert r.method == "symbolic" and r.steps is not None
    assert abs(r.value - want) < 1e-12 * max(1, abs(want))


def test_symbolic_total_variation():
    r = total_variation("x^3 - 3*x", -2, 2)  # |f'| = |3x² - 3|: f goes 2 → -2 ... twice
    want = integrate.quad(lambda t: abs(3 * t * t - 3), -2, 2, points=[-1, 1])[0]
    assert abs(r.value - want) < 1e-10


def test_callable_matches_the_symbolic_value():
    f = lambda x: cm.sin(3 * x) + x * x * x  # noqa: E731
    want = roughness("sin(3*x) + x^3", 0, 2).value
    assert abs(float(roughness(f, 0.0, 2.0).data) - want) < 1e-10
    tv = integrate.quad(lambda t: abs(3 * math.cos(3 * t) + 3 * t * t), 0, 2, limit=200)[0]
    assert abs(float(total_variation(f, 0.0, 2.0).data) - tv) < 1e-4  # kinks of |f'|


def test_penalties_pass_check_grads_in_the_parameters():
    def model(w):
        return lambda x: w[0] * x * x * x + w[1] * cm.sin(x) + w[2] * cm.tanh(x)

    w0 = np.array([0.3, -1.2, 0.7])
    check_grads(lambda w: roughness(model(w), -1.0, 1.5), w0, order=1)
    check_grads(lambda w: total_variation(model(w), -1.0, 1.5), w0, order=1)


def test_penalty_trains_an_mlp():
    from calcml.ml.nn import MLP

    net = MLP([1, 8, 1], activation="tanh", seed=0)
    pen = roughness(net, -1.0, 1.0)
    assert isinstance(pen, Tensor)
    pen.backward()
    grads = [p.grad for p in net.parameters()]
    # f'' does not depend on the output bias: that one gets no gradient; the others do
    assert sum(g is not None and np.all(np.isfinite(g)) and np.any(g != 0) for g in grads) == 3


@pytest.mark.parametrize("lam", [1e-4, 0.01, 1.0])
def test_smoothing_spline_equals_scipy(lam):
    rng = np.random.default_rng(1)
    x = np.sort(rng.uniform(0, 5, 60))
    y = np.sin(x) + rng.normal(0, 0.3, x.size)
    ours = SmoothingSpline(lam).fit(x, y)
    ref = make_smoothing_spline(x, y, lam=lam)
    grid = np.linspace(0, 5, 200)
    np.testing.assert_allclose(ours.predict(x), ref(x), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(ours.predict(grid), ref(grid), rtol=1e-8, atol=1e-9)
    rough = integrate.quad(lambda t: ref(t, 2) ** 2, x[0], x[-1], points=x[1:-1], limit=500)[0]
    assert abs(ours.roughness_ - rough) < 1e-7 * max(1, rough)
