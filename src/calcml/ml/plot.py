"""Pictures of descent: the optimizer's path on the function's contours, and loss curves.

matplotlib is imported only here, only when a picture is asked for, with the headless Agg backend
(no display needed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _grid_values(fn: Any, xs: np.ndarray, ys: np.ndarray | None) -> np.ndarray:
    """f on a grid, through the same function the descent used (tensors of one coordinate)."""
    from calcml.autodiff import Tensor, no_grad

    with no_grad(), np.errstate(all="ignore"):
        if ys is None:
            out = [float(np.asarray(fn(Tensor(np.array([x]))).data).reshape(-1)[0]) for x in xs]
            return np.array(out)
        X, Y = np.meshgrid(xs, ys)
        stacked = Tensor(np.stack([X, Y]))
        try:  # vectorised: p[0], p[1] are whole grids
            Z = np.asarray(fn(stacked).data, dtype=float)
            if Z.shape == X.shape:
                return Z
        except (ValueError, TypeError, IndexError):
            pass
        return np.array([[float(np.asarray(fn(Tensor(np.array([x, y]))).data).reshape(-1)[0])
                          for x in xs] for y in ys])  # fmt: skip


def _bounds(values: np.ndarray, margin: float = 0.25) -> tuple[float, float]:
    lo, hi = float(np.min(values)), float(np.max(values))
    span = hi - lo if hi > lo else max(abs(hi), 1.0)
    return lo - margin * span, hi + margin * span


def plot_path(result: Any, path: str | Path, *, resolution: int = 200, levels: int = 30,
              title: str | None = None) -> Path:  # fmt: skip
    """Draw `result` (a `MinimizeResult`) to a PNG: contours with the path for two variables,
    the curve with the visited points for one. Returns the file's path.
    """
    plt = _pyplot()
    path = Path(path)
    pts = np.asarray(result.points, dtype=float)
    fn = result.function
    fig, ax = plt.subplots(figsize=(7, 5.5), dpi=110)
    try:
        label = result.expression.text() if result.expression is not None else "f"
        if pts.shape[1] == 1:
            xs = np.linspace(*_bounds(pts[:, 0]), resolution)
            ax.plot(xs, _grid_values(fn, xs, None), color="0.3", lw=1.5, label=label)
            ax.plot(pts[:, 0], result.values, "o-", ms=3, color="tab:red", lw=1,
                    label=f"{result.method} path")  # fmt: skip
            ax.set_xlabel(result.variables[0])
            ax.set_ylabel("f")
        elif pts.shape[1] == 2:
            xs = np.linspace(*_bounds(pts[:, 0]), resolution)
            ys = np.linspace(*_bounds(pts[:, 1]), resolution)
            Z = _grid_values(fn, xs, ys)
            finite = Z[np.isfinite(Z)]
            if finite.size and finite.min() >= 0 and finite.max() > 100 * max(finite.min(), 1e-12):
                lo = max(finite.min(), finite.max() * 1e-6, 1e-12)
                lv = np.geomspace(lo, finite.max(), levels)  # positive, wide range: log levels
            else:
                lv = levels
            cs = ax.contour(xs, ys, Z, levels=lv, cmap="viridis", linewidths=0.8)
            fig.colorbar(cs, ax=ax, label="f")
            ax.plot(pts[:, 0], pts[:, 1], "-", color="tab:red", lw=1.4, label=f"{result.method}")
            ax.plot(*pts[0], "o", color="black", ms=6, label="start")
            ax.plot(*pts[-1], "*", color="tab:red", ms=12, label="end")
            ax.set_xlabel(result.variables[0])
            ax.set_ylabel(result.variables[1])
        else:
            ax.semilogy(np.maximum(result.values - np.min(result.values), 1e-300), color="tab:red")
            ax.set_xlabel("step")
            ax.set_ylabel("f - min f")
        ax.set_title(title or f"{label}: {result.method}, lr={result.lr:g}, "
                              f"{result.steps} steps")  # fmt: skip
        ax.legend(loc="best", fontsize=8)
        fig.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path)
    finally:
        plt.close(fig)
    return path


def plot_history(history: Any, path: str | Path, title: str = "training loss",
                 xlabel: str = "epoch") -> Path:  # fmt: skip
    """The loss per epoch (or per `xlabel`), and the validation loss when recorded, to a PNG."""
    plt = _pyplot()
    path = Path(path)
    fig, ax = plt.subplots(figsize=(6, 4), dpi=110)
    try:
        ax.plot(np.arange(1, len(history) + 1), list(history), label="training")
        val = getattr(history, "val_loss", None)
        if val:
            ax.plot(np.arange(1, len(val) + 1), val, label="validation")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("loss")
        ax.set_yscale("log")
        ax.set_title(title)
        ax.legend()
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)
    return path
