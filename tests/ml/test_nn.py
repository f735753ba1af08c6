"""Modules, initialisation, saving and loading."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from calcml.autodiff import Tensor
from calcml.ml import nn
from calcml.ml.losses import cross_entropy


def test_linear_matches_numpy_and_backpropagates() -> None:
    layer = nn.Linear(3, 2, seed=0)
    x = np.arange(6.0).reshape(2, 3)
    out = layer(x)
    np.testing.assert_allclose(out.data, x @ layer.weight.data.T + layer.bias.data)
    out.sum().backward()
    np.testing.assert_allclose(layer.weight.grad, np.ones((2, 1)) * x.sum(axis=0))
    np.testing.assert_allclose(layer.bias.grad, [2.0, 2.0])


def test_initialisation_is_seeded_and_scaled() -> None:
    a, b = nn.MLP([64, 256, 10], seed=3), nn.MLP([64, 256, 10], seed=3)
    for (_, p), (_, q) in zip(a.named_parameters(), b.named_parameters(), strict=True):
        assert np.array_equal(p.data, q.data)
    he = nn.init_weight(400, 300, "he", np.random.default_rng(0))
    assert he.std() == pytest.approx(math.sqrt(2 / 400), rel=0.02)
    xav = nn.init_weight(400, 300, "xavier", np.random.default_rng(0))
    assert np.abs(xav).max() <= math.sqrt(6 / 700)
    with pytest.raises(ValueError):
        nn.init_weight(2, 2, "orthogonal", np.random.default_rng(0))


@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid", "softplus", "gelu"])
def test_activations_values_and_gradients(name: str) -> None:
    from scipy.special import erf, expit

    x = np.array([-2.0, -0.5, 0.0, 0.7, 3.0])
    expected = {
        "relu": np.maximum(x, 0), "tanh": np.tanh(x), "sigmoid": expit(x),
        "softplus": np.logaddexp(0, x), "gelu": 0.5 * x * (1 + erf(x / np.sqrt(2))),
    }[name]  # fmt: skip
    t = Tensor(x, requires_grad=True)
    out = nn.Activation(name)(t)
    np.testing.assert_allclose(out.data, expected, rtol=1e-14)
    out.sum().backward()
    h = 1e-6
    numeric = (nn.ACTIVATIONS[name](x + h).data - nn.ACTIVATIONS[name](x - h).data) / (2 * h)
    if name == "relu":
        numeric[2] = 0.0  # PyTorch's relu'(0) = 0
    np.testing.assert_allclose(t.grad, numeric, atol=1e-7)


def test_save_and_load_roundtrip(tmp_path: Path) -> None:
    net = nn.MLP([4, 5, 3], activation="tanh", seed=0)
    file = net.save(tmp_path / "net")
    assert file.suffix == ".npz"
    other = nn.MLP([4, 5, 3], activation="tanh", seed=99).load(file)
    x = np.random.default_rng(0).normal(size=(7, 4))
    np.testing.assert_array_equal(net(x).data, other(x).data)
    with pytest.raises(ValueError):
        nn.MLP([4, 6, 3], seed=0).load(file)


def test_sequential_trains_with_an_optimizer() -> None:
    from calcml.ml.optim import Adam

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    net = nn.Sequential(nn.Linear(2, 16, init="he", seed=0), nn.ReLU(),
                        nn.Linear(16, 2, seed=1))  # fmt: skip
    opt = Adam(net.parameters(), lr=0.05)
    first = None
    for _ in range(150):
        opt.zero_grad()
        loss = cross_entropy(net(X), y)
        loss.backward()
        opt.step()
        first = first if first is not None else float(loss.data)
    assert float(loss.data) < first / 4
    assert net.n_parameters() == 2 * 16 + 16 + 16 * 2 + 2
    assert "Linear(in=2, out=16" in repr(net)
