"""No NaN gradient at a point where the function is differentiable; documented conventions where
it is not.

Every registry function is swept over its edge points (0, the ends of its domain, saturation);
each point is either one where the function is differentiable, and then the first and second
derivatives must be finite and match central differences, or a kink with a documented value.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import calcml as cm
from calcml.autodiff import Tensor
from calcml.core.registry import PRIMITIVES

# Edge points inside the natural domain where the function is differentiable.
EDGES = {
    "exp": [0.0, -30.0, 30.0], "log": [1e-3, 1.0, 1e3], "sin": [0.0, math.pi / 2],
    "cos": [0.0, math.pi], "tan": [0.0, 1.5], "cot": [math.pi / 2, 0.05],
    "sec": [0.0, 1.5], "csc": [math.pi / 2, 0.05], "asin": [0.0, -0.999, 0.999],
    "acos": [0.0, -0.999, 0.999], "atan": [0.0, -1e3, 1e3], "sinh": [0.0, -20.0, 20.0],
    "cosh": [0.0, -20.0, 20.0], "tanh": [0.0, -20.0, 20.0], "asinh": [0.0, -1e3, 1e3],
    "acosh": [1.001, 1e3], "atanh": [0.0, -0.999, 0.999], "erf": [0.0, -6.0, 6.0],
    "sigmoid": [0.0, -40.0, 40.0], "softplus": [0.0, -40.0, 40.0],
    "abs": [-1.0, 1.0], "sign": [-1.0, 1.0], "heaviside": [-1.0, 1.0], "relu": [-1.0, 1.0],
}  # fmt: skip
# Kinks: the derivative chosen there (PyTorch's), first and second order.
KINKS = {"abs": {0.0: (0.0, 0.0)}, "relu": {0.0: (0.0, 0.0)},
         "sign": {0.0: (0.0, 0.0)}, "heaviside": {0.0: (0.0, 0.0)}}  # fmt: skip


def _points(name: str) -> list[float]:
    """The table's edge points, or (for records added later) the record's domain and 0."""
    if name in EDGES:
        return EDGES[name]
    lo, hi = PRIMITIVES[name].domain
    return [p for p in (lo, hi, 0.0, (lo + hi) / 2) if lo <= p <= hi]


def _fd(f, x: float, h: float) -> float:  # type: ignore[no-untyped-def]
    return (float(f(x + h)) - float(f(x - h))) / (2 * h)


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_registry_functions_have_finite_gradients_at_their_edges(name: str) -> None:
    prim = PRIMITIVES[name]
    d1 = cm.grad(lambda t: prim(t))
    d2 = cm.grad(d1)
    for x in _points(name):
        g1, g2 = d1(x), d2(x)
        assert np.isfinite(g1) and np.isfinite(g2), (name, x, g1, g2)
        h = 1e-6 * max(1.0, abs(x))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            np.testing.assert_allclose(g1, _fd(lambda v: prim.impl(v), x, h), rtol=1e-5,
                                       atol=1e-8, err_msg=f"{name} at {x}")  # fmt: skip
            np.testing.assert_allclose(g2, _fd(d1, x, h), rtol=1e-4, atol=1e-6,
                                       err_msg=f"{name}'' at {x}")  # fmt: skip
    for x, (k1, k2) in KINKS.get(name, {}).items():
        assert (d1(x), d2(x)) == (k1, k2), (name, x)


# --- powers at 0 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("f", "first", "second"),
    [
        (lambda x: x**0, 0.0, 0.0),
        (lambda x: x**0.0, 0.0, 0.0),
        (lambda x: x ** np.float64(0.0), 0.0, 0.0),
        (lambda x: x ** np.array([0.0]), 0.0, 0.0),
        (lambda x: x**1, 1.0, 0.0),
        (lambda x: x**1.0, 1.0, 0.0),
        (lambda x: x**2, 0.0, 2.0),
        (lambda x: x**2.0, 0.0, 2.0),
        (lambda x: x**3, 0.0, 0.0),
    ],
)
def test_powers_at_zero(f, first: float, second: float) -> None:  # type: ignore[no-untyped-def]
    d1 = cm.grad(lambda t: f(t).sum())
    assert float(np.sum(d1(0.0))) == first
    assert float(np.sum(cm.grad(lambda t: d1(t))(0.0))) == second


@pytest.mark.parametrize(("y", "dx", "dy"), [(0.0, 0.0, 0.0), (1.0, 1.0, 0.0), (2.0, 0.0, 0.0)])
def test_x_to_the_y_at_x_zero(y: float, dx: float, dy: float) -> None:
    """∂(x^y)/∂x and ∂(x^y)/∂y at x = 0, both operands tensors (PyTorch's values)."""
    gx, gy = cm.grad(lambda a, b: a**b, argnums=(0, 1))(0.0, y)
    assert (gx, gy) == (dx, dy)
    hxx = cm.grad(lambda a, b: cm.grad(lambda s: s**b)(a), argnums=0)(0.0, y)
    assert np.isfinite(hxx)


def test_mixed_partial_of_power_is_right_at_zero_exponent() -> None:
    """Masking 0^0 must not spoil ∂²(x^y)/∂x∂y = x^(y-1)(1 + y ln x) = 1/x at y = 0, x ≠ 0."""
    hxy = cm.grad(lambda a, b: cm.grad(lambda s: s**b)(a), argnums=1)(2.0, 0.0)
    assert hxy == pytest.approx(0.5)


# --- sqrt, abs, relu, norm at 0 ------------------------------------------------------------------


def test_kinks_at_zero_follow_pytorch() -> None:
    assert cm.grad(lambda t: cm.abs(t))(0.0) == 0.0
    assert cm.grad(lambda t: cm.relu(t))(0.0) == 0.0
    assert cm.grad(lambda t: cm.sqrt(t))(0.0) == np.inf  # one-sided slope, as PyTorch
    np.testing.assert_array_equal(cm.grad(lambda t: cm.linalg.norm(t))(np.zeros(3)), 0.0)
    np.testing.assert_array_equal(cm.grad(lambda t: cm.linalg.norm(t, 1))(np.zeros(3)), 0.0)
    np.testing.assert_array_equal(cm.grad(lambda t: cm.std(t, ddof=1))(np.ones(3)), 0.0)


# --- where, softmax and logsumexp ----------------------------------------------------------------


def test_where_does_not_leak_nan_from_the_branch_not_taken() -> None:
    x = np.array([0.0, -1.0, 4.0])
    with np.errstate(all="ignore"):
        f = lambda t: cm.where(t > 0, cm.sqrt(t) + cm.log(t), t * 2.0).sum()  # noqa: E731
        g1 = cm.grad(f)(x)
        g2 = cm.hessian_of(f)(x)
    np.testing.assert_allclose(g1, [2.0, 2.0, 0.25 + 0.25])
    assert np.all(np.isfinite(g2))


def test_softmax_family_with_minus_infinity() -> None:
    x = np.array([-np.inf, 0.0, 1.0])
    for f in (lambda t: cm.logsumexp(t), lambda t: cm.softmax(t)[2], lambda t: cm.log_softmax(t)[1],
              lambda t: cm.logsumexp(t, b=np.array([1.0, 2.0, 0.5]))):  # fmt: skip
        g = cm.grad(f)(x)
        assert np.all(np.isfinite(g)) and g[0] == 0.0
        assert np.all(np.isfinite(cm.hessian_of(f)(x)[1:, 1:]))
    np.testing.assert_array_equal(cm.grad(lambda t: cm.logsumexp(t))(np.full(2, -np.inf)), 0.0)


# --- ties, bounds, zeros in the other ops --------------------------------------------------------


def test_ties_and_bounds() -> None:
    a, b = Tensor([1.0], requires_grad=True), Tensor([1.0], requires_grad=True)
    for f in (cm.maximum, cm.minimum, cm.fmax, cm.fmin):
        a.grad = b.grad = None
        f(a, b).sum().backward()
        assert (a.grad[0], b.grad[0]) == (0.5, 0.5)
    assert cm.grad(lambda t: cm.clip(t, 0.0, 1.0))(1.0) == 1.0
    assert cm.grad(lambda t: t.max() + t.min())(np.array([2.0, 2.0])).tolist() == [1.0, 1.0]


def test_products_and_remainders_at_zero_and_jumps() -> None:
    for f in (cm.prod, lambda t: cm.cumprod(t).sum(), lambda t: cm.linalg.det(t.reshape(2, 2))):
        g = cm.grad(f)(np.array([0.0, 0.0, 1.0, 0.0]))
        assert np.all(np.isfinite(g))
    assert cm.grad(lambda t: t % 1.0)(2.0) == 1.0
    assert np.isfinite(cm.grad(lambda t: Tensor(3.0) % t)(1.5))


def test_no_warnings_or_nan_on_the_common_edges() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cm.grad(lambda t: t**0.0)(0.0) == 0.0
        assert cm.grad(lambda t: cm.linalg.norm(t))(np.zeros(2)).tolist() == [0.0, 0.0]


def test_select_does_not_leak_nan_from_choices_not_taken() -> None:
    x = np.array([-1.0, 0.0, 4.0])
    with np.errstate(all="ignore"):
        f = lambda t: cm.select([t.data > 0, t.data < 0], [cm.log(t), -t], 0.0).sum()  # noqa: E731
        g = cm.grad(f)(x)
    np.testing.assert_array_equal(g, [-1.0, 0.0, 0.25])
    ref = np.select([x > 0, x < 0], [x * 2, -x], 7.0)
    np.testing.assert_array_equal(
        cm.select([x > 0, x < 0], [Tensor(x) * 2, -Tensor(x)], 7.0).data, ref
    )
