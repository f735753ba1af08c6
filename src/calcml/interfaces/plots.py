"""Pictures people would rather look at than read: tangent lines and areas under curves.

matplotlib is imported here only, with the headless Agg backend, so commands that draw nothing
never pay for it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from calcml.core.evaluate import compile as compile_expr


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_tangent(t: Any, path: str, half_width: float = 3.0) -> None:
    """The graph of f around a with its tangent line, saved as PNG."""
    plt = _pyplot()
    a = float(t.at)
    xs = np.linspace(a - half_width, a + half_width, 400)
    f = compile_expr(t.function, [t.var])
    line = compile_expr(t.line, [t.var])
    ys = np.broadcast_to(f(xs), xs.shape)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(xs, ys, label=f"f({t.var.name}) = {t.function.text()}")
    ax.plot(xs, np.broadcast_to(line(xs), xs.shape), "--", label=f"tangent: y = {t.line.text()}")
    ax.plot([a], [float(t.value)], "o", color="black")
    finite = ys[np.isfinite(ys)]
    if finite.size:
        lo, hi = np.percentile(finite, [2, 98])
        pad = 0.2 * (hi - lo + 1e-9)
        ax.set_ylim(lo - pad, hi + pad)
    ax.set_title(f"slope f′({a:g}) = {t.slope.text()} ≈ {float(t.slope):.4g}")
    ax.legend(loc="best")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_area(expr: Any, var: Any, a: float, b: float, value: float, path: str) -> None:
    """The area under f between a and b, shaded, with its value in the title."""
    plt = _pyplot()
    span = b - a
    xs = np.linspace(a - 0.25 * span, b + 0.25 * span, 400)
    f = compile_expr(expr, [var])
    ys = np.broadcast_to(f(xs), xs.shape)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(xs, ys, label=expr.text())
    inside = (xs >= a) & (xs <= b)
    ax.fill_between(xs[inside], ys[inside], alpha=0.3)
    ax.axhline(0, color="black", lw=0.5)
    ax.set_title(f"∫ from {a:g} to {b:g} = {value:.6g}")
    ax.legend(loc="best")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
