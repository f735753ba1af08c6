"""Central differences in plain NumPy, independent of calcml's own `check_grads`.

`check_first` compares reverse mode with a central difference along a random direction;
`check_second` compares a Hessian-vector product (reverse over reverse) with a central
difference of the gradient along a random direction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

from calcml.autodiff import Tensor, gradients


def _scalar(f: Callable[..., Any], weights: np.ndarray | None) -> Callable[..., Any]:
    """f contracted with fixed random weights, so that every output entry is checked."""

    def g(*xs: Any) -> Any:
        out = f(*xs)
        return out if weights is None else (out * weights).sum()

    return g


def _weights(f: Callable[..., Any], xs: Sequence[np.ndarray], rng: np.random.Generator) -> Any:
    out = np.asarray(f(*[Tensor(x) for x in xs]).data)
    return None if out.ndim == 0 else rng.standard_normal(out.shape)


def _value(f: Callable[..., Any], xs: Sequence[np.ndarray]) -> float:
    return float(np.asarray(f(*[Tensor(x) for x in xs]).data))


def _grads(f: Callable[..., Any], xs: Sequence[np.ndarray], graph: bool = False) -> Any:
    ts = [Tensor(x, requires_grad=True) for x in xs]
    out = f(*ts)
    return ts, gradients(out, ts, create_graph=graph)


def check_first(f, xs, rng, h=1e-6, rtol=1e-5, atol=1e-7, directions=2):  # type: ignore[no-untyped-def]
    """Reverse-mode gradient of f at xs against central differences along random directions."""
    xs = [np.asarray(x, dtype=np.float64) for x in xs]
    s = _scalar(f, _weights(f, xs, rng))
    _, gs = _grads(s, xs)
    for _ in range(directions):
        vs = [rng.standard_normal(x.shape) for x in xs]
        up = _value(s, [x + h * v for x, v in zip(xs, vs, strict=True)])
        down = _value(s, [x - h * v for x, v in zip(xs, vs, strict=True)])
        numeric = (up - down) / (2 * h)
        analytic = sum(float(np.sum(g * v)) for g, v in zip(gs, vs, strict=True))
        assert np.isfinite(analytic), analytic
        np.testing.assert_allclose(analytic, numeric, rtol=rtol, atol=atol)


def check_second(f, xs, rng, h=1e-5, rtol=1e-4, atol=1e-6):  # type: ignore[no-untyped-def]
    """A Hessian-vector product by reverse over reverse, against differences of the gradient."""
    xs = [np.asarray(x, dtype=np.float64) for x in xs]
    s = _scalar(f, _weights(f, xs, rng))
    vs = [rng.standard_normal(x.shape) for x in xs]
    ts, gs = _grads(s, xs, graph=True)
    dot = sum((g * v).sum() for g, v in zip(gs, vs, strict=True))
    hv = gradients(dot, ts) if dot.requires_grad else [np.zeros_like(x) for x in xs]
    up = _grads(s, [x + h * v for x, v in zip(xs, vs, strict=True)])[1]
    down = _grads(s, [x - h * v for x, v in zip(xs, vs, strict=True)])[1]
    for a, u, d in zip(hv, up, down, strict=True):
        np.testing.assert_allclose(a, (u - d) / (2 * h), rtol=rtol, atol=atol)


def check_full_hessian(f, x, seed, h=1e-5, rtol=1e-4, atol=1e-5):  # type: ignore[no-untyped-def]
    """The whole Hessian of f contracted with random weights (`cm.hessian_of`, which pulls a
    batch of cotangents through the graph rules) against central differences of the gradient,
    one input entry at a time."""
    import calcml as cm

    w = np.random.default_rng(seed).standard_normal(np.shape(f(Tensor(x)).data))

    def s(a):  # type: ignore[no-untyped-def]
        return (f(a) * w).sum()

    hess, grad = cm.hessian_of(s)(x), cm.grad(s)
    cols = []
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        e = e.reshape(x.shape)
        cols.append((grad(x + e) - grad(x - e)) / (2 * h))
    numeric = np.moveaxis(np.array(cols), 0, -1).reshape(hess.shape)
    np.testing.assert_allclose(hess, numeric, rtol=rtol, atol=atol)


class _Checks:
    first = staticmethod(check_first)
    second = staticmethod(check_second)
    hessian = staticmethod(check_full_hessian)


@pytest.fixture
def fd() -> _Checks:
    """The finite-difference checks above (`fd.first`, `fd.second`, `fd.hessian`)."""
    return _Checks()


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)
