"""Structural operations, arithmetic and broadcasting against central differences (float64,
random directions, first and second order)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import calcml as cm
from calcml.autodiff import (
    Tensor,
    broadcast_to,
    check_grads,
    clip,
    concatenate,
    log_softmax,
    logsumexp,
    maximum,
    minimum,
    softmax,
    stack,
    where,
)

rng = np.random.default_rng(7)
A = rng.standard_normal((3, 4))
B = rng.standard_normal((4, 5))
V = rng.standard_normal(4)
P = rng.uniform(0.5, 2.0, (3, 4))

CASES = {
    "add": (lambda a, b: a + b, [A, rng.standard_normal((3, 4))]),
    "sub": (lambda a, b: a - b, [A, rng.standard_normal((3, 4))]),
    "mul": (lambda a, b: a * b, [A, rng.standard_normal((3, 4))]),
    "div": (lambda a, b: a / b, [A, P]),
    "pow const": (lambda a: a**3, [A]),
    "pow half": (lambda a: a**0.5, [P]),
    "pow tensor": (lambda a, b: a**b, [P, A]),
    "rpow": (lambda a: 2.0**a, [A]),
    "rsub rdiv": (lambda a: 1.0 - 3.0 / a, [P]),
    "neg": (lambda a: -a, [A]),
    "matmul 2d": (lambda a, b: a @ b, [A, B]),
    "matmul mat-vec": (lambda a, v: a @ v, [A, V]),
    "matmul vec-mat": (lambda v, b: v @ b, [V, B]),
    "matmul vec-vec": (lambda v, w: v @ w, [V, rng.standard_normal(4)]),
    "matmul batched": (lambda a, b: a @ b, [rng.standard_normal((2, 3, 4)), B]),
    "matmul batch both": (lambda a, b: a @ b, [rng.standard_normal((2, 3, 4)),
                                               rng.standard_normal((2, 4, 2))]),
    "sum": (lambda a: a.sum(), [A]),
    "sum axis": (lambda a: a.sum(axis=0), [A]),
    "sum keepdims": (lambda a: a.sum(axis=1, keepdims=True) * a, [A]),
    "sum tuple axis": (lambda a: a.sum(axis=(0, 2)), [rng.standard_normal((2, 3, 4))]),
    "mean": (lambda a: a.mean(axis=-1), [A]),
    "max": (lambda a: a.max(), [A]),
    "max axis": (lambda a: a.max(axis=1) ** 2, [A]),
    "min keepdims": (lambda a: a.min(axis=0, keepdims=True) * a, [A]),
    "reshape": (lambda a: a.reshape(4, 3) ** 2, [A]),
    "reshape -1": (lambda a: a.reshape(-1) * np.arange(12.0), [A]),
    "transpose": (lambda a: a.T @ a, [A]),
    "transpose axes": (lambda a: a.transpose(2, 0, 1) ** 2, [rng.standard_normal((2, 3, 4))]),
    "swapaxes": (lambda a: a.swapaxes(0, 1) * np.arange(12.0).reshape(4, 3), [A]),
    "slice": (lambda a: a[1:, ::2] ** 2, [A]),
    "int index": (lambda a: a[1] * a[2], [A]),
    "ellipsis newaxis": (lambda a: a[..., None, 1] ** 2, [A]),
    "fancy repeated": (lambda a: a[[0, 2, 0, 0]] ** 2, [A]),
    "fancy pairs": (lambda a: a[np.array([0, 1, 1]), np.array([3, 0, 0])] ** 3, [A]),
    "bool mask": (lambda a: a[A > 0] ** 2, [A]),
    "concatenate": (lambda a, b: concatenate([a, b * 2, a], axis=1),
                    [A, rng.standard_normal((3, 2))]),
    "concatenate const": (lambda a: concatenate([a, np.ones((1, 4))], axis=0) ** 2, [A]),
    "stack": (lambda a, b: stack([a, b, a * b], axis=1), [A, rng.standard_normal((3, 4))]),
    "broadcast_to": (lambda v: broadcast_to(v, (3, 4)) ** 2, [V]),
    "where": (lambda a, b: where(A > 0, a * b, b), [A, rng.standard_normal((3, 4))]),
    "where broadcast": (lambda a, v: where(A > 0, a, v), [A, V]),
    "clip": (lambda a: clip(a, -0.5, 0.5) * a, [A]),
    "clip one side": (lambda a: clip(a, lo=0.0) * a, [A]),
    "maximum": (lambda a, b: maximum(a, b) ** 2, [A, rng.standard_normal((3, 4))]),
    "minimum broadcast": (lambda a, v: minimum(a, v) ** 2, [A, V]),
    "softmax": (lambda a: softmax(a) * np.arange(4.0), [A]),
    "softmax axis 0": (lambda a: softmax(a, axis=0) ** 2, [A]),
    "log_softmax": (lambda a: log_softmax(a) * np.arange(4.0), [A]),
    "logsumexp": (lambda a: logsumexp(a), [A]),
    "logsumexp axis": (lambda a: logsumexp(a, axis=1) ** 2, [A]),
    "logsumexp keepdims": (lambda a: logsumexp(a, axis=0, keepdims=True) * a, [A]),
    "cast": (lambda a: a.astype(np.float64) * 2, [A]),
    "mlp": (lambda w, b, x: cm.tanh(x @ w + b).sum(axis=1), [B, rng.standard_normal(5), A]),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CASES))
def test_structural_op(name: str) -> None:
    f, args = CASES[name]
    check_grads(f, *args, order=2)


@pytest.mark.parametrize(
    ("a_shape", "b_shape"),
    [((3, 4), (4,)), ((3, 1), (1, 4)), ((2, 3, 4), (3, 1)), ((), (3, 4)), ((1,), (5, 1))],
)
@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "pow"])
def test_broadcasting(a_shape: tuple[int, ...], b_shape: tuple[int, ...], op: str) -> None:
    f = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
         "div": lambda a, b: a / b, "pow": lambda a, b: a**b}[op]  # fmt: skip
    a = rng.uniform(0.5, 2.0, a_shape)
    b = rng.uniform(0.5, 2.0, b_shape)
    check_grads(f, a, b, order=2)
    ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    f(ta, tb).sum().backward()
    assert ta.grad.shape == a.shape and tb.grad.shape == b.shape


def test_mixing_with_arrays_and_floats() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = np.array([3.0, 4.0]) * x + 1.0 - x / 2.0 + np.float64(2.0) * x
    assert isinstance(y, Tensor)
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [4.5, 5.5])


def test_lists_are_operands() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x * [2.0, 3.0]).sum().backward()
    np.testing.assert_allclose(x.grad, [2.0, 3.0])


def test_softmax_is_stable_and_sums_to_one() -> None:
    x = Tensor([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]], requires_grad=True)
    s = softmax(x)
    assert np.all(np.isfinite(s.data))
    np.testing.assert_allclose(s.data.sum(axis=1), 1.0)
    np.testing.assert_allclose(log_softmax(x).data[0], [0.0, -1000.0, -2000.0])
    np.testing.assert_allclose(log_softmax(x).data[1], np.log(s.data[1]))
    (s * np.arange(3.0)).sum().backward()
    assert np.all(np.isfinite(x.grad))
    np.testing.assert_allclose(logsumexp(Tensor([-np.inf, -np.inf])).data, -np.inf)


def test_cross_entropy_gradient_is_softmax_minus_one_hot() -> None:
    logits = rng.standard_normal((5, 3))
    labels = np.array([0, 2, 1, 1, 0])
    z = Tensor(logits, requires_grad=True)
    loss = -log_softmax(z)[np.arange(5), labels].mean()
    loss.backward()
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(z.grad, (p - np.eye(3)[labels]) / 5, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3))
def test_broadcasting_any_shapes(shapes) -> None:
    a_shape, b_shape = shapes.input_shapes
    g = np.random.default_rng(len(a_shape) + 3 * len(b_shape))
    a, b = g.uniform(0.5, 2.0, a_shape), g.uniform(0.5, 2.0, b_shape)
    check_grads(lambda a, b: a * b + a / b - b, a, b, order=1)


def _rows(f, args, i):
    """The Jacobian of `f` in argument i, one reverse pass per output element (the oracle for
    the batched pass, which pulls all rows back at once)."""
    out, pull = cm.autodiff.vjp(lambda x: f(*args[:i], x, *args[i + 1 :]), args[i])
    out = np.asarray(out)
    rows = []
    for k in range(out.size):
        e = np.zeros(out.shape)
        e.flat[k] = 1.0
        rows.append(pull(e)[0])
    return np.stack(rows).reshape(out.shape + np.shape(args[i]))


@pytest.mark.parametrize("name", sorted(CASES))
def test_batched_pass_equals_one_pass_per_row(name: str) -> None:
    """Every rule broadcasts over a batch of cotangents: first order on arrays, and second
    order through the rules written in tensor operations (hessian = jacobian of grad)."""
    f, args = CASES[name]
    weights = np.random.default_rng(3).standard_normal(f(*map(Tensor, args)).shape)
    for i in range(len(args)):
        np.testing.assert_allclose(
            cm.autodiff.jacobian(f, argnums=i)(*args), _rows(f, args, i), rtol=1e-12, atol=1e-14
        )

        def scalar(*a):
            return (f(*a) * weights).sum()

        grad_i = cm.autodiff.grad(scalar, argnums=i)
        np.testing.assert_allclose(
            cm.autodiff.hessian(scalar, argnums=i)(*args),
            _rows(grad_i, args, i),
            rtol=1e-10,
            atol=1e-12,
        )


def test_jacobian_is_split_into_chunks_when_nodes_are_large(monkeypatch) -> None:
    from calcml.autodiff import functional

    f = lambda x: cm.tanh(x[:, None] * x[None, :]).sum(axis=0)  # noqa: E731
    x = rng.standard_normal(6)
    whole = functional.jacobian(f)(x)
    monkeypatch.setattr(functional, "JACOBIAN_BATCH_ELEMENTS", 40)  # 36-element nodes: 1 row
    np.testing.assert_allclose(functional.jacobian(f)(x), whole, rtol=1e-14)
    np.testing.assert_allclose(whole, _rows(f, [x], 0), rtol=1e-12)
