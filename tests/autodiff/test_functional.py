"""grad, value_and_grad, vjp, jvp, jacobian, hessian, hvp and their nesting."""

from __future__ import annotations

import numpy as np
import pytest

import calcml as cm
from calcml.autodiff import (
    Tensor,
    grad,
    hessian,
    hvp,
    jacobian,
    jvp,
    value_and_grad,
    vjp,
)

rng = np.random.default_rng(3)
A = rng.standard_normal((4, 3))


def f_scalar(x):
    return (cm.softplus(A @ x)).sum() + 0.25 * (x**4).sum()


def hess_exact(x):
    s = 1 / (1 + np.exp(-(A @ x)))
    return A.T @ np.diag(s * (1 - s)) @ A + np.diag(3 * x**2)


def grad_exact(x):
    return A.T @ (1 / (1 + np.exp(-(A @ x)))) + x**3


def test_grad_returns_arrays_and_floats() -> None:
    x = rng.standard_normal(3)
    g = grad(f_scalar)(x)
    assert isinstance(g, np.ndarray) and g.shape == (3,)
    np.testing.assert_allclose(g, grad_exact(x))
    assert isinstance(grad(lambda t: t * t)(3.0), float)


def test_value_and_grad_with_several_argnums() -> None:
    value, (ga, gb) = value_and_grad(lambda a, b: (a * b).sum(), argnums=(0, 1))(
        np.array([1.0, 2.0]), np.array([3.0, 4.0])
    )
    assert value == 11.0
    np.testing.assert_allclose(ga, [3.0, 4.0])
    np.testing.assert_allclose(gb, [1.0, 2.0])
    assert grad(lambda a, b: a * b, argnums=-1)(2.0, 5.0) == 2.0


def test_grad_of_a_constant_function_is_zero() -> None:
    assert grad(lambda x: 3.0)(1.0) == 0.0
    np.testing.assert_allclose(grad(lambda x: Tensor(2.0))(np.ones(2)), [0.0, 0.0])


def test_grad_needs_a_scalar() -> None:
    with pytest.raises(TypeError, match="scalar output"):
        grad(lambda x: x * 2)(np.ones(3))


def test_nested_grads() -> None:
    f = lambda x: cm.sin(x) * x**2  # noqa: E731
    x = 0.8
    d1 = 2 * x * np.sin(x) + x**2 * np.cos(x)
    d2 = 2 * np.sin(x) + 4 * x * np.cos(x) - x**2 * np.sin(x)
    d3 = 6 * np.cos(x) - 6 * x * np.sin(x) - x**2 * np.cos(x)
    assert grad(f)(x) == pytest.approx(d1)
    assert grad(grad(f))(x) == pytest.approx(d2)
    assert grad(grad(grad(f)))(x) == pytest.approx(d3)


def test_closure_over_an_outer_variable() -> None:
    # d/dx [x * d/dy (x*y)] = d/dx [x * x] = 2x
    assert grad(lambda x: x * grad(lambda y: x * y)(1.0))(3.0) == pytest.approx(6.0)


def test_vjp_and_jvp_agree_with_the_jacobian() -> None:
    def f(x, y):
        return cm.tanh(A @ x) * y

    x, y = rng.standard_normal(3), rng.standard_normal(4)
    u, v = rng.standard_normal(4), rng.standard_normal(3)
    jx = jacobian(f, 0)(x, y)
    assert jx.shape == (4, 3)
    out, pull = vjp(f, x, y)
    np.testing.assert_allclose(out, np.tanh(A @ x) * y)
    gx, gy = pull(u)
    np.testing.assert_allclose(gx, u @ jx)
    np.testing.assert_allclose(gy, u * np.tanh(A @ x))
    np.testing.assert_allclose(pull(2 * u)[0], 2 * u @ jx)  # the graph is kept for reuse
    _, tangent = jvp(f, (x, y), (v, np.zeros(4)))
    np.testing.assert_allclose(tangent, jx @ v)


def test_jacobian_shapes() -> None:
    j = jacobian(lambda m: m.sum(axis=0) ** 2)(np.ones((2, 3)))
    assert j.shape == (3, 2, 3)
    np.testing.assert_allclose(j[1], [[0, 4, 0], [0, 4, 0]])
    assert jacobian(lambda x: (x**2).sum())(np.array([1.0, 2.0])).tolist() == [2.0, 4.0]


def test_hessian_and_hvp() -> None:
    x = rng.standard_normal(3)
    v = rng.standard_normal(3)
    h = hessian(f_scalar)(x)
    np.testing.assert_allclose(h, hess_exact(x), atol=1e-12)
    np.testing.assert_allclose(hvp(f_scalar, x, v), hess_exact(x) @ v, atol=1e-12)


def test_transforms_accept_tensors() -> None:
    x = Tensor([1.0, 2.0])
    np.testing.assert_allclose(grad(lambda t: (t**2).sum())(x), [2.0, 4.0])
    w = Tensor([1.0, 2.0], requires_grad=True)
    g = grad(lambda t: (t**3).sum())(w)
    np.testing.assert_allclose(g, [3.0, 12.0])


def test_float32_arguments() -> None:
    g = grad(lambda t: (t * t).sum())(np.ones(2, dtype=np.float32))
    assert g.dtype == np.float32


def test_transforms_record_inside_no_grad() -> None:
    from calcml.autodiff import no_grad

    with no_grad():
        assert grad(lambda t: t * t)(3.0) == 6.0


def test_batched_rows_inside_a_transform_are_differentiable() -> None:
    """hessian inside jacobian: the batched pass records its own graph (third derivatives)."""
    a = np.array([[1.0, 2.0], [0.5, -1.0]])
    f = lambda x: (cm.softplus(a @ x) + x**4).sum()  # noqa: E731
    x = np.array([0.3, -0.7])
    third = jacobian(hessian(f))(x)
    h = 1e-5
    for k in range(2):
        e = np.eye(2)[k] * h
        fd = (hessian(f)(x + e) - hessian(f)(x - e)) / (2 * h)
        np.testing.assert_allclose(third[..., k], fd, rtol=1e-6, atol=1e-8)
