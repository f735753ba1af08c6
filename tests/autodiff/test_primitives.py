"""Every registry primitive, generated from the registry: forward kernel, compiled derivative,
first and second derivatives against central differences, on the record's own domain."""

from __future__ import annotations

import numpy as np
import pytest

from calcml.autodiff import Tensor, check_grads, grad
from calcml.autodiff.elementwise import derivative, forward
from calcml.core.registry import PRIMITIVES, Primitive

PRIMS = sorted(PRIMITIVES.values(), key=lambda p: p.name)
IDS = [p.name for p in PRIMS]


def points(prim: Primitive, n: int = 6, seed: int = 0) -> np.ndarray:
    """Random points well inside the record's domain (away from its ends)."""
    lo, hi = prim.domain
    margin = 0.05 * (hi - lo)
    return np.random.default_rng(seed).uniform(lo + margin, hi - margin, n)


@pytest.mark.parametrize("prim", PRIMS, ids=IDS)
def test_forward_kernel_matches_impl(prim: Primitive) -> None:
    x = points(prim, 50)
    np.testing.assert_allclose(forward(prim)(x), prim.impl(x), rtol=1e-13, atol=1e-15)
    x32 = x.astype(np.float32)
    assert forward(prim)(x32).dtype == np.float32


@pytest.mark.parametrize("prim", PRIMS, ids=IDS)
def test_compiled_derivative_matches_registry_partial(prim: Primitive) -> None:
    x = points(prim, 50)
    y = forward(prim)(x)
    d = derivative(prim)
    fast = d(y, x) if callable(d) else np.full_like(x, d)
    with np.errstate(all="ignore"):
        slow = prim.partial(x)
    np.testing.assert_allclose(np.broadcast_to(fast, x.shape), np.broadcast_to(slow, x.shape),
                               rtol=1e-12, atol=1e-14)  # fmt: skip


@pytest.mark.parametrize("prim", PRIMS, ids=IDS)
def test_first_and_second_derivatives(prim: Primitive) -> None:
    check_grads(lambda x: prim(x), points(prim), order=2)


@pytest.mark.parametrize("prim", PRIMS, ids=IDS)
def test_inside_a_composition(prim: Primitive) -> None:
    # the chain rule through the primitive, with broadcasting around it
    lo, hi = prim.domain
    mid, half = (lo + hi) / 2, 0.4 * (hi - lo) / 2

    def f(x, w):
        return (prim(mid + half * np.sin(1.0) * (x * w)) * w).sum(axis=0)

    rng = np.random.default_rng(1)
    check_grads(f, rng.uniform(-1, 1, (3, 2)), rng.uniform(-1, 1, (2,)), order=2)


@pytest.mark.parametrize("prim", PRIMS, ids=IDS)
def test_every_primitive_is_a_tensor_method(prim: Primitive) -> None:
    x = points(prim, 3)
    t = Tensor(x)
    np.testing.assert_allclose(getattr(t, prim.name)().data, prim.impl(x))


@pytest.mark.parametrize("name", ["exp", "sin", "tanh", "sigmoid", "log", "atan"])
def test_third_order(name: str) -> None:
    prim = PRIMITIVES[name]
    check_grads(lambda x: prim(x), points(prim, 3), order=3, rtol=1e-4)


def test_grad_of_grad_is_the_registry_second_derivative() -> None:
    import calcml as cm

    d2 = grad(grad(lambda x: cm.tanh(x)))
    x = 0.3
    assert d2(x) == pytest.approx(-2 * np.tanh(x) / np.cosh(x) ** 2, rel=1e-12)
