"""The bridge to optimizers: what kind of point did descent stop at (or head for)?"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from calcml.core.evaluate import compile as compile_expr
from calcml.symbolic.extrema import numeric
from calcml.symbolic.extrema.classify import ZERO_TOLERANCE, hessian_kind
from calcml.symbolic.extrema.critical import choose_variables, gradient_and_hessian
from calcml.symbolic.extrema.records import PointReport
from calcml.symbolic.inputs import to_expr

_KIND = {"minimum": "a local minimum", "maximum": "a local maximum", "saddle": "a saddle point",
         "inconclusive": "degenerate: its Hessian is singular, so the second-order test is "
                         "inconclusive"}  # fmt: skip


def classify_point(f: Any, point: Any, vars: Any = None) -> PointReport:
    """Find a critical point near `point` (Newton's method on ∇f from there) and classify it.

    Arguments:
        f: an expression or text; point: a mapping name -> value, or values in the order of
            `vars` (by default f's free symbols sorted by name).

    Returns:
        A `PointReport` whose `sentence` is about the critical point found, not the given point
        (which need not be critical): "the critical point that Newton's method finds from here,
        (x, y) = (1, 1), 0.189 away, is a local minimum (Hessian eigenvalues 0.399, 1e+03)".

    >>> from calcml.core.expr import symbols
    >>> x, y = symbols("x y")
    >>> classify_point(x**2 - y**2, [0.01, -0.02]).sentence
    "the critical point that Newton's method finds from here, (x, y) = (0, 0), 0.0224 away, is a \
saddle point (Hessian eigenvalues -2, 2)"
    """
    f = to_expr(f)
    variables = choose_variables(f, vars)
    start = _start(point, variables)
    grad, hess = gradient_and_hessian(f, variables)
    g_fn = compile_expr(grad, list(variables))
    h_fn = compile_expr([h for row in hess for h in row], list(variables))
    n = len(variables)

    def g(v: np.ndarray) -> np.ndarray:
        return np.array([float(t) for t in g_fn(*v)])

    def h(v: np.ndarray) -> np.ndarray:
        return np.array([float(t) for t in h_fn(*v)]).reshape(n, n)

    norm = float(np.linalg.norm(g(start)))
    found = numeric.newton_system(g, h, start)
    if found is None:
        sentence = f"no critical point found near the point (|∇f| = {norm:.3g} there)"
        return PointReport("none", sentence, tuple(start), None, None, (), norm)
    eig = np.linalg.eigvalsh(h(found))
    scale = max(1.0, float(np.max(np.abs(eig))))
    kind = hessian_kind(eig, bool(np.any(np.abs(eig) <= ZERO_TOLERANCE * scale)), scale)
    distance = float(np.linalg.norm(found - start))
    tiny = 1e-12 * (1 + float(np.linalg.norm(found)))
    coords = [f"{v if abs(v) > tiny else 0.0:.6g}" for v in found]
    names = [v.name for v in variables]
    where = (f"{names[0]} = {coords[0]}" if n == 1 else
             f"({', '.join(names)}) = ({', '.join(coords)})")  # fmt: skip
    sentence = (f"the critical point that Newton's method finds from here, {where}, "
                f"{distance:.3g} away, is {_KIND[kind]} (Hessian eigenvalues "
                f"{', '.join(f'{v:.3g}' for v in eig)})")  # fmt: skip
    return PointReport(kind, sentence, tuple(float(v) for v in start),
                       tuple(float(v) for v in found), distance,
                       tuple(float(v) for v in eig), norm)  # fmt: skip


def _start(point: Any, variables: tuple) -> np.ndarray:
    if isinstance(point, Mapping):
        by_name = {getattr(k, "name", k): float(v) for k, v in point.items()}
        missing = [v.name for v in variables if v.name not in by_name]
        if missing:
            raise ValueError(f"the point gives no value for {', '.join(missing)}")
        return np.array([by_name[v.name] for v in variables])
    values = np.atleast_1d(np.asarray(point, dtype=float)).ravel()
    if values.size != len(variables):
        raise ValueError(f"the point has {values.size} coordinates; f has {len(variables)} "
                         f"variables ({', '.join(v.name for v in variables)})")  # fmt: skip
    return values
