"""Penalties that are integrals of a function's derivatives, and the smoothing spline.

- `roughness(f, a, b)` = ∫_a^b f''(x)² dx, the curvature penalty of smoothing splines;
- `total_variation(f, a, b)` = ∫_a^b |f'(x)| dx, how far f travels up and down.

`f` is an expression (or text) in x: the derivative is symbolic and the integral is calcml's
own, with steps (`IntegralResult`). Or `f` is a callable / `nn` module mapping an (n, 1) input
to (n, 1) outputs: the integral is a Gauss–Legendre sum over nodes of [a, b], with f' and f''
from reverse-mode autodiff (`create_graph=True`), so the penalty is a `Tensor` whose gradient
flows to f's parameters and it can be added to a training loss.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from calcml.autodiff import Tensor
from calcml.autodiff.engine import gradients

#: Gauss–Legendre nodes of the quadrature for callables (per panel) and the panels.
NODES = 16
PANELS = 8


def _is_symbolic(f: Any) -> bool:
    from calcml.core.expr import Expr

    return isinstance(f, Expr | str)


def _symbolic(f: Any, integrand: Any, a: float, b: float) -> Any:
    from calcml.symbolic.definite import integrate
    from calcml.symbolic.inputs import default_variable, to_expr

    e = to_expr(f)
    x = default_variable(e, None)
    return integrate(integrand(e, x), (x, a, b), steps=True)


def roughness(f: Any, a: float, b: float) -> Any:
    """∫_a^b f''(x)² dx.

    >>> round(roughness("x^3", 0, 1).value, 12)  # ∫ (6x)² = 12
    12.0
    >>> import calcml as cm
    >>> float(roughness(lambda x: x * x * x, 0.0, 1.0).data)
    12.0
    """
    if _is_symbolic(f):
        from calcml.symbolic.diff import diff

        return _symbolic(f, lambda e, x: diff(e, x, 2, verify=False) ** 2, a, b)
    nodes, weights = _nodes(a, b)
    _, d2 = _derivatives(f, nodes, second=True)
    return (d2 * d2 * weights).sum()


def total_variation(f: Any, a: float, b: float) -> Any:
    """∫_a^b |f'(x)| dx (for a callable: |f'| at the quadrature nodes, so kinks of f' cost
    accuracy; the panels keep that small).

    >>> round(total_variation("sin(x)", 0, 2*3.141592653589793).value, 12)
    4.0
    """
    if _is_symbolic(f):
        from calcml.core.registry import abs_
        from calcml.symbolic.diff import diff

        return _symbolic(f, lambda e, x: abs_(diff(e, x, verify=False)), a, b)
    from calcml.ml._tensor import absolute

    nodes, weights = _nodes(a, b)
    d1, _ = _derivatives(f, nodes, second=False)
    return (absolute(d1) * weights).sum()


def _nodes(a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """Composite Gauss–Legendre: PANELS panels of NODES nodes each, shape (n, 1)."""
    if not b > a:
        raise ValueError(f"need a < b, got a={a}, b={b}")
    t, w = np.polynomial.legendre.leggauss(NODES)
    edges = np.linspace(a, b, PANELS + 1)
    half = np.diff(edges) / 2
    mids = (edges[:-1] + edges[1:]) / 2
    x = (mids[:, None] + half[:, None] * t[None, :]).reshape(-1, 1)
    wt = (half[:, None] * w[None, :]).reshape(-1, 1)
    return x, wt


def _derivatives(f: Any, nodes: np.ndarray, second: bool) -> tuple[Tensor, Tensor | None]:
    """f' (and f'') at the nodes: each output depends only on its own input row, so the
    gradient of the sum is the pointwise derivative."""
    x = Tensor(nodes, requires_grad=True)
    y = f(x)
    y = y if isinstance(y, Tensor) else Tensor(np.asarray(y, dtype=float))
    (d1,) = gradients(y.sum(), [x], create_graph=True)
    if not second:
        return d1, None
    (d2,) = gradients(d1.sum(), [x], create_graph=True)
    return d1, d2


__all__ = ["roughness", "total_variation"]
