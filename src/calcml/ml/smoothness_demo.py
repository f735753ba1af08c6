"""An MLP fitted to noisy 1-D data with and without the roughness penalty λ ∫ f''² dx.

The penalty is `roughness(net, a, b)`: a Gauss–Legendre sum of f''(x)² with f'' from autodiff,
so it is one more term of the training loss. `run` fits both networks from the same start and
reports their test error against the noiseless curve and their roughness; `plot=` draws them.

>>> out = run(epochs=150)
>>> out["penalized"]["roughness"] < out["plain"]["roughness"]
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from calcml.autodiff import Tensor
from calcml.ml._integral_penalties import roughness


def _data(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-1, 1, 40)).reshape(-1, 1)
    truth = np.sin(3 * x[:, 0])
    return x, truth, truth + rng.normal(0, 0.3, x.shape[0])


def _fit(x: np.ndarray, y: np.ndarray, lam: float, epochs: int, seed: int) -> Any:
    from calcml.ml.nn import MLP
    from calcml.ml.optim import Adam

    net = MLP([1, 32, 32, 1], activation="tanh", seed=seed)
    opt = Adam(net.parameters(), lr=0.01)
    for _ in range(epochs):
        opt.zero_grad()
        err = net(Tensor(x))[:, 0] - y
        loss = (err * err).mean()
        if lam:
            loss = loss + lam * roughness(net, -1.0, 1.0)
        loss.backward()
        opt.step()
    return net


def run(lam: float = 1e-3, epochs: int = 1500, seed: int = 0,
        plot: str | None = None) -> dict[str, dict[str, float]]:  # fmt: skip
    """Fit without and with the penalty; test MSE against sin(3x) on a grid, and ∫ f''²."""
    from calcml.autodiff import no_grad

    x, _, y = _data(seed)
    grid = np.linspace(-1, 1, 201).reshape(-1, 1)
    out, curves = {}, {}
    for name, weight in (("plain", 0.0), ("penalized", lam)):
        net = _fit(x, y, weight, epochs, seed)
        with no_grad():
            pred = np.asarray(net(Tensor(grid)).data)[:, 0]
        curves[name] = pred
        out[name] = {"test_mse": float(np.mean((pred - np.sin(3 * grid[:, 0])) ** 2)),
                     "roughness": float(roughness(net, -1.0, 1.0).data)}  # fmt: skip
    if plot:
        _draw(x, y, grid, curves, plot)
    return out


def _draw(x: np.ndarray, y: np.ndarray, grid: np.ndarray, curves: dict, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.scatter(x[:, 0], y, s=12, color="0.4", label="noisy data")
    ax.plot(grid[:, 0], np.sin(3 * grid[:, 0]), "k--", lw=1, label="sin(3x)")
    for name, pred in curves.items():
        ax.plot(grid[:, 0], pred, lw=2, label=f"MLP, {name}")
    ax.set_title("MSE with and without λ ∫ f''² dx")
    ax.legend()
    fig.savefig(path, dpi=100)
    plt.close(fig)


__all__ = ["run"]
