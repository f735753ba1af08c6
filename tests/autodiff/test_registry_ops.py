"""The elementwise functions NumPy users expect, once the registry has their records.

These names (log1p, expm1, log2, log10, exp2, logaddexp, logaddexp2, hypot, arctan2, logit, erfc,
sinc, floor, ceil, gamma, gammaln, digamma) are registry primitives, so they reach tensors through
the registry. Each test is skipped while `calcml` lacks the name; when it lands, the tensor
function must match NumPy/SciPy forward and central differences backward (first and second
order; floor and ceil have derivative 0 almost everywhere).
"""

from __future__ import annotations

import numpy as np
import pytest

import calcml as cm
from calcml.autodiff import Tensor


def _scipy(name: str):  # type: ignore[no-untyped-def]
    from scipy import special

    return getattr(special, name)


X = np.array([0.3, 0.7, 1.9, 2.6])
Y = np.array([0.4, -1.2, 0.8, 2.2])
# name -> (NumPy/SciPy reference, arguments, twice differentiable)
UNARY = {
    "log1p": (np.log1p, [X], True), "expm1": (np.expm1, [Y], True),
    "log2": (np.log2, [X], True), "log10": (np.log10, [X], True), "exp2": (np.exp2, [Y], True),
    "logit": (lambda x: _scipy("logit")(x), [X / 3], True),
    "erfc": (lambda x: _scipy("erfc")(x), [Y], True), "sinc": (np.sinc, [Y], True),
    "floor": (np.floor, [Y + 0.05], False), "ceil": (np.ceil, [Y + 0.05], False),
    "gamma": (lambda x: _scipy("gamma")(x), [X], True),
    "gammaln": (lambda x: _scipy("gammaln")(x), [X], True),
    "digamma": (lambda x: _scipy("digamma")(x), [X], True),
}  # fmt: skip
BINARY = {
    "logaddexp": (np.logaddexp, [X, Y], True), "logaddexp2": (np.logaddexp2, [X, Y], True),
    "hypot": (np.hypot, [X, Y], True), "arctan2": (np.arctan2, [Y, X], True),
}  # fmt: skip
CASES = {**UNARY, **BINARY}


def _function(name: str):  # type: ignore[no-untyped-def]
    f = getattr(cm, name, None)
    if f is None:
        pytest.skip(f"calcml has no {name} yet (a registry record)")
    return f


@pytest.mark.parametrize("name", sorted(CASES))
def test_forward_matches_numpy(name: str) -> None:
    f = _function(name)
    ref, xs, _ = CASES[name]
    np.testing.assert_allclose(f(*[Tensor(x) for x in xs]).data, ref(*xs), rtol=1e-12)


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradients_match_central_differences(name: str, fd, rng) -> None:  # type: ignore[no-untyped-def]
    f = _function(name)
    _, xs, twice = CASES[name]
    fd.first(f, xs, rng)
    if twice:
        fd.second(f, xs, rng)
