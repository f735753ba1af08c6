"""The backward pass: order, accumulation, release, long chains, NaN masking, kinks, float32."""

from __future__ import annotations

import numpy as np
import pytest

import calcml as cm
from calcml.autodiff import Tensor, grad, no_grad, tensor, unbroadcast, where


def test_a_value_used_twice_gets_both_contributions() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * x + cm.sin(x) * x + x
    y.sum().backward()
    np.testing.assert_allclose(x.grad, 2 * x.data + np.cos(x.data) * x.data + np.sin(x.data) + 1)


def test_diamond_graph() -> None:
    x = Tensor(0.7, requires_grad=True)
    a = cm.exp(x)
    b, c = a * 2.0, a * 3.0
    (b * c).backward()
    assert float(x.grad) == pytest.approx(12 * np.exp(2 * 0.7))


def test_leaf_gradients_accumulate_across_backward_calls() -> None:
    x = Tensor([1.0, -1.0], requires_grad=True)
    (x * 3.0).sum().backward()
    (x * 3.0).sum().backward()
    np.testing.assert_allclose(x.grad, [6.0, 6.0])


def test_leaf_gradients_are_separate_writable_arrays() -> None:
    a, b = Tensor([1.0], requires_grad=True), Tensor([2.0], requires_grad=True)
    (a + b).sum().backward()
    assert a.grad is not b.grad
    a.grad += 1.0
    np.testing.assert_allclose(b.grad, [1.0])
    c = Tensor([[1.0, 2.0]], requires_grad=True)
    c.sum().backward()  # the sum's gradient is a broadcast view; .grad must be a real array
    c.grad *= 2.0
    np.testing.assert_allclose(c.grad, [[2.0, 2.0]])


def test_graph_is_released_unless_retained() -> None:
    x = Tensor(2.0, requires_grad=True)
    y = x * x
    y.backward()
    assert y._parents is None
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()
    z = x * x
    z.backward(retain_graph=True)
    z.backward()
    assert float(x.grad) == pytest.approx(4.0 + 8.0)


def test_chain_of_100000_operations() -> None:
    x = Tensor(0.5, requires_grad=True)
    y = x
    for _ in range(50_000):
        y = y * 1.00001
        y = y - 0.00001
    y.backward()
    assert float(x.grad) == pytest.approx(1.00001**50_000, rel=1e-9)


def test_a_long_retained_chain_is_freed_without_recursion() -> None:
    x = Tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y + 1.0
    y.backward(retain_graph=True)
    del y  # dropping the last reference frees 100,000 nested nodes


def test_no_grad_and_detach() -> None:
    w = Tensor([1.0, 2.0], requires_grad=True)
    with no_grad():
        y = w * 2.0
    assert not y.requires_grad and y.is_leaf
    z = (w.detach() * w).sum()
    z.backward()
    np.testing.assert_allclose(w.grad, w.data)
    assert not w.detach().requires_grad


def test_backward_errors_are_clear() -> None:
    with pytest.raises(RuntimeError, match="does not require gradients"):
        Tensor(1.0).backward()
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="needs `gradient`"):
        (x * 2).backward()
    (x * 2).backward(np.array([1.0, 10.0]))
    np.testing.assert_allclose(x.grad, [2.0, 20.0])


def test_unbroadcast_is_the_inverse_of_broadcasting() -> None:
    g = np.ones((2, 3, 4))
    assert unbroadcast(g, (3, 1)).tolist() == [[8.0]] * 3
    assert unbroadcast(g, ()).shape == ()
    assert unbroadcast(g, (2, 3, 4)) is g
    assert unbroadcast(Tensor(g), (4,)).shape == (4,)


# --- where and NaN -------------------------------------------------------------------------------


def test_where_does_not_leak_nan_from_the_branch_not_taken() -> None:
    x = Tensor([0.0, 2.0, -1.0], requires_grad=True)
    with np.errstate(all="ignore"):
        y = where(x > 0, cm.log(x), 0.0) + where(x > 0, cm.sqrt(x), 0.0) + where(x != 0, 1 / x, 0.0)
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [0.0, 0.5 + 0.5 / np.sqrt(2.0) - 0.25, -1.0])


def test_where_masking_holds_for_second_derivatives() -> None:
    def f(x):
        return where(x > 0, cm.log(x) * x, 0.0)

    with np.errstate(all="ignore"):
        assert grad(f)(0.0) == 0.0
        assert grad(grad(f))(0.0) == 0.0
        assert grad(grad(f))(2.0) == pytest.approx(0.5)


def test_nan_from_a_nan_value_stays_nan() -> None:
    x = Tensor([np.nan, 1.0], requires_grad=True)
    cm.sin(x).sum().backward()
    assert np.isnan(x.grad[0]) and x.grad[1] == pytest.approx(np.cos(1.0))


def test_zero_cotangent_does_not_hide_a_real_infinity() -> None:
    x = Tensor([0.0], requires_grad=True)
    cm.sqrt(x).sum().backward()
    assert np.isinf(x.grad[0])


# --- kinks (PyTorch's conventions) ---------------------------------------------------------------


def test_kinks() -> None:
    x = Tensor([0.0], requires_grad=True)
    (cm.abs(x) + cm.relu(x) + cm.sign(x) + cm.heaviside(x)).sum().backward()
    assert x.grad[0] == 0.0
    assert grad(lambda t: cm.abs(t))(0.0) == 0.0
    assert grad(lambda t: cm.relu(t))(0.0) == 0.0
    assert grad(lambda t: cm.relu(t))(1e-9) == 1.0
    assert grad(lambda t: abs(t))(-2.0) == -1.0


def test_ties_split_the_gradient_evenly() -> None:
    from calcml.autodiff import clip, maximum, minimum

    a = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = Tensor([1.0, 1.0, 4.0], requires_grad=True)
    (maximum(a, b) + minimum(a, b)).sum().backward()
    np.testing.assert_allclose(a.grad, [1.0, 1.0, 1.0])
    np.testing.assert_allclose(b.grad, [1.0, 1.0, 1.0])
    m = Tensor([[2.0, 2.0, 1.0], [0.0, 5.0, 5.0]], requires_grad=True)
    m.max(axis=1).sum().backward()
    np.testing.assert_allclose(m.grad, [[0.5, 0.5, 0.0], [0.0, 0.5, 0.5]])
    c = Tensor([-1.0, 0.0, 1.0, 2.0], requires_grad=True)
    clip(c, -1.0, 1.0).sum().backward()
    np.testing.assert_allclose(c.grad, [1.0, 1.0, 1.0, 0.0])  # bounds included


# --- float32 -------------------------------------------------------------------------------------


def test_float32_stays_float32() -> None:
    from calcml.autodiff import log_softmax

    rng = np.random.default_rng(0)
    w = tensor(rng.standard_normal((4, 3)), dtype=np.float32, requires_grad=True)
    b = Tensor(np.zeros(3, dtype=np.float32), requires_grad=True)
    x = rng.standard_normal((5, 4)).astype(np.float32)
    h = cm.tanh(x @ w + b)
    loss = (
        -(
            log_softmax(cm.relu(h) * 2.0 + cm.sigmoid(h))
            * np.eye(3, dtype=np.float32)[[0, 1, 2, 0, 1]]
        ).sum()
        / 5
    )
    assert loss.dtype == np.float32
    loss.backward()
    assert w.grad.dtype == np.float32 and b.grad.dtype == np.float32
    w64 = Tensor(w.data.astype(np.float64), requires_grad=True)
    h64 = cm.tanh(x.astype(np.float64) @ w64 + b.data.astype(np.float64))
    loss64 = (
        -(log_softmax(cm.relu(h64) * 2.0 + cm.sigmoid(h64)) * np.eye(3)[[0, 1, 2, 0, 1]]).sum() / 5
    )
    loss64.backward()
    np.testing.assert_allclose(w.grad, w64.grad, rtol=1e-4, atol=1e-5)


def test_float32_on_request() -> None:
    t = Tensor([1, 2, 3])
    assert t.dtype == np.float64
    t32 = t.float32()
    assert t32.dtype == np.float32
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x.float32() * np.float32(2)).sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_allclose(x.grad, [2.0, 2.0])


def test_repr_and_conversions() -> None:
    t = Tensor([1.0, 2.0], requires_grad=True, name="w")
    assert repr(t) == "Tensor([1., 2.], requires_grad=True)"
    assert t.name == "w" and len(t) == 2 and t.shape == (2,) and t.ndim == 1 and t.size == 2
    assert float(Tensor(3.0)) == 3.0 and Tensor([4.0]).item() == 4.0
    assert np.asarray(t).tolist() == [1.0, 2.0]
    assert (t > 1.5).tolist() == [False, True] and (t == 1.0).tolist() == [True, False]
    assert [float(r) for r in Tensor([5.0, 6.0])] == [5.0, 6.0]
    assert (t * 2).op == "mul" and t.op is None


def test_truth_value_and_duplicate_inputs() -> None:
    from calcml.autodiff import gradients

    assert not Tensor(0.0) and Tensor([2.0])
    with pytest.raises(ValueError):
        bool(Tensor([1.0, 2.0]))
    x = Tensor(2.0, requires_grad=True)
    assert [float(g) for g in gradients(x * x, [x, x])] == [4.0, 4.0]


def test_backward_with_create_graph_gives_differentiable_grads() -> None:
    x = Tensor([0.5, 1.5], requires_grad=True)
    (cm.sin(x) * x).sum().backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Tensor) and first.requires_grad
    np.testing.assert_allclose(first.data, np.cos(x.data) * x.data + np.sin(x.data))
    x.grad = None
    first.sum().backward()
    np.testing.assert_allclose(x.grad, 2 * np.cos(x.data) - x.data * np.sin(x.data))
