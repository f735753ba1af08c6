"""explain() on a 2-2-1 network equals a hand computation; to_dot, trace, compile on tensors,
and symbolic diff = reverse mode = finite differences."""

from __future__ import annotations

import math

import numpy as np
import pytest

import calcml as cm
from calcml.autodiff import Tensor, explain, grad, to_dot, trace

W = {"w11": 0.5, "w12": -0.25, "w21": 0.75, "w22": 0.5, "b1": 0.1, "b2": -0.2,
     "v1": 1.5, "v2": -1.0, "c": 0.3}  # fmt: skip
X1, X2, TARGET = 1.0, -2.0, 1.0


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def hand() -> dict[str, tuple[float, float]]:
    """(value, ∂L/∂value) for every named quantity, by the chain rule written out by hand."""
    z1 = W["w11"] * X1 + W["w12"] * X2 + W["b1"]
    z2 = W["w21"] * X1 + W["w22"] * X2 + W["b2"]
    h1, h2 = sigmoid(z1), sigmoid(z2)
    out = W["v1"] * h1 + W["v2"] * h2 + W["c"]
    loss = (out - TARGET) ** 2
    d_out = 2 * (out - TARGET)
    d_h1, d_h2 = d_out * W["v1"], d_out * W["v2"]
    d_z1, d_z2 = d_h1 * h1 * (1 - h1), d_h2 * h2 * (1 - h2)
    return {
        "loss": (loss, 1.0), "out": (out, d_out), "h1": (h1, d_h1), "h2": (h2, d_h2),
        "z1": (z1, d_z1), "z2": (z2, d_z2),
        "w11": (W["w11"], d_z1 * X1), "w12": (W["w12"], d_z1 * X2), "b1": (W["b1"], d_z1),
        "w21": (W["w21"], d_z2 * X1), "w22": (W["w22"], d_z2 * X2), "b2": (W["b2"], d_z2),
        "v1": (W["v1"], d_out * h1), "v2": (W["v2"], d_out * h2), "c": (W["c"], d_out),
    }  # fmt: skip


def network() -> Tensor:
    p = {k: Tensor(v, requires_grad=True, name=k) for k, v in W.items()}
    x1, x2 = Tensor(X1, name="x1"), Tensor(X2, name="x2")
    z1 = (p["w11"] * x1 + p["w12"] * x2 + p["b1"]).named("z1")
    z2 = (p["w21"] * x1 + p["w22"] * x2 + p["b2"]).named("z2")
    h1, h2 = cm.sigmoid(z1).named("h1"), cm.sigmoid(z2).named("h2")
    out = (p["v1"] * h1 + p["v2"] * h2 + p["c"]).named("out")
    return ((out - TARGET) ** 2).named("loss")


def test_explain_matches_the_hand_computation() -> None:
    e = explain(network())
    for label, (value, gradient) in hand().items():
        node = e.node(label)
        assert float(node.value) == pytest.approx(value, rel=1e-12), label
        assert float(node.grad) == pytest.approx(gradient, rel=1e-12), label
    h1 = hand()["h1"][0]
    (edge,) = e.node("h1").edges  # sigmoid's local derivative σ(1-σ), and what it sends to z1
    assert float(edge.local) == pytest.approx(h1 * (1 - h1))
    assert float(edge.sent) == pytest.approx(hand()["z1"][1])
    assert e.node("x1").op == "constant" and e.node("x1").grad is None
    assert e.loss.label == "loss"


def test_explain_text_and_dot() -> None:
    e = explain(network())
    text = e.text()
    assert "forward:" in text and "backward" in text
    assert "h1 = sigmoid(z1)" in text and "= sub(out, 1) =" in text
    assert "·(-1) =" in text  # ∂(v2·h2)/∂h2 = v2 = -1, shown in parentheses
    assert "∂L/∂w11 = ∂L/∂" in text
    dot = to_dot(network())
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    assert dot.count("->") == sum(len([i for i in n.inputs if i >= 0]) for n in e.nodes)


def test_explain_keeps_the_graph_and_backward_agrees() -> None:
    loss = network()
    e = explain(loss)
    leaves = [n for n in e.nodes if n.op == "input"]
    loss.backward()
    assert len(leaves) == len(W)
    # the tensors the explanation describes got the same gradients from backward()
    for label, (_, gradient) in hand().items():
        if label in W:
            assert float(e.node(label).grad) == pytest.approx(gradient)


def test_explain_a_matrix_network() -> None:
    w1 = Tensor([[W["w11"], W["w12"]], [W["w21"], W["w22"]]], requires_grad=True, name="W1")
    b1 = Tensor([W["b1"], W["b2"]], requires_grad=True, name="b1")
    w2 = Tensor([W["v1"], W["v2"]], requires_grad=True, name="w2")
    x = np.array([X1, X2])
    loss = ((w2 @ cm.sigmoid(w1 @ x + b1) + W["c"] - TARGET) ** 2).named("loss")
    e = explain(loss)
    h = hand()
    np.testing.assert_allclose(e.node("W1").grad, [[h["w11"][1], h["w12"][1]],
                                                   [h["w21"][1], h["w22"][1]]])  # fmt: skip
    np.testing.assert_allclose(e.node("w2").grad, [h["v1"][1], h["v2"][1]])
    assert "matmul's vjp" in e.text()


def test_explain_refuses_a_released_graph() -> None:
    loss = network()
    loss.backward()
    with pytest.raises(RuntimeError, match="released"):
        explain(loss)


def test_trace_builds_the_expression() -> None:
    x, y = cm.symbol("x"), cm.symbol("y")
    assert trace(lambda x, y: cm.sin(x) * y + x**2) is cm.sin(x) * y + x**2
    assert trace(lambda a: cm.exp(a), "y") is cm.exp(y)


def test_compiled_expression_backpropagates_on_tensors() -> None:
    x, y = cm.symbol("x"), cm.symbol("y")
    expr = cm.sin(x * y) * cm.exp(x) + y**2 / x + y**3 * x**-3
    f = cm.compile(expr, [x, y])
    xv, yv = np.array([0.5, 1.5]), np.array([2.0, -1.0])
    tx, ty = Tensor(xv, requires_grad=True), Tensor(yv, requires_grad=True)
    out = f(tx, ty)
    assert isinstance(out, Tensor)
    out.sum().backward()
    dx = (yv * np.cos(xv * yv) * np.exp(xv) + np.sin(xv * yv) * np.exp(xv) - yv**2 / xv**2
          - 3 * yv**3 / xv**4)  # fmt: skip
    dy = xv * np.cos(xv * yv) * np.exp(xv) + 2 * yv / xv + 3 * yv**2 / xv**3
    np.testing.assert_allclose(tx.grad, dx)
    np.testing.assert_allclose(ty.grad, dy)


FUNCTIONS = [
    lambda x: cm.sin(x) ** 2 * cm.exp(-x),
    lambda x: cm.log(1 + x**2) / (2 + cm.cos(x)),
    lambda x: cm.tanh(3 * x) * cm.sigmoid(x) + cm.atan(x) ** 3,
    lambda x: cm.softplus(x) - cm.erf(x / 2) + cm.sqrt(x**2 + 1),
    lambda x: x**x,
]


@pytest.mark.parametrize("k", range(len(FUNCTIONS)))
def test_symbolic_reverse_mode_and_finite_differences_agree(k: int) -> None:
    diff = pytest.importorskip("calcml.symbolic.diff").diff
    f = FUNCTIONS[k]
    expr = trace(f, "x")
    symbolic = cm.compile(diff(expr, cm.symbol("x")), [cm.symbol("x")])
    for point in (0.3, 0.9, 1.7):
        reverse = grad(f)(point)
        numeric = (f(point + 1e-6) - f(point - 1e-6)) / 2e-6
        assert float(symbolic(point)) == pytest.approx(reverse, rel=1e-12, abs=1e-12)
        assert reverse == pytest.approx(float(numeric), rel=1e-6, abs=1e-8)
