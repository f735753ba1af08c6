"""Descent on a formula (`calcml.ml.minimize`): run an optimizer on a function, keep the path.

`minimize` takes text ("(1-x)^2 + 100(y-x^2)^2"), a calcml expression or a Python function,
differentiates it with calcml's autodiff at every step, and records every point, value and
gradient norm, so the descent can be printed, checked and plotted (`plot_path`). `stopping`
says why it stopped and whether |∇f| ≤ tol held there; for an expression, `classification`
describes the critical point that Newton's method finds from the end point (`classify_point`),
which is not the end point itself unless their distance is 0.

>>> r = minimize("(x-1)^2 + 2*(y+0.5)^2", [0.0, 0.0], method="gd", lr=0.1, steps=200)
>>> [round(v, 6) for v in r.x], round(r.fun, 12)
([1.0, -0.5], 0.0)
>>> r.points.shape
(201, 2)
>>> r.classification.kind
'minimum'
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from calcml.autodiff import Tensor
from calcml.core.errors import CalcmlError
from calcml.ml.optim import make_optimizer


@dataclass
class MinimizeResult:
    """The path of a descent and where it ended.

    Attributes:
        points: (steps + 1, d) array, the start first.
        values: f at each point.
        grad_norms: the gradient's Euclidean norm at each point.
        x, fun: the last point and its value.
        method, lr, steps: what ran (steps actually taken).
        variables: the variables' names, in the order of the coordinates.
        converged: the stopping rule |∇f| ≤ `tol` was met (never when no `tol` was given).
        tol: the stopping rule's tolerance, or None (then the run always takes every step).
        diverged: a value became infinite or NaN (the path stops there).
        classification: for expressions, the Hessian test's report on a critical point near
            the end point (`calcml.symbolic.extrema.classify_point`, with its distance), else
            None.
    """

    points: np.ndarray
    values: np.ndarray
    grad_norms: np.ndarray
    method: str
    lr: float
    steps: int
    variables: tuple[str, ...]
    converged: bool = False
    diverged: bool = False
    tol: float | None = None
    classification: Any = None
    function: Callable[..., Any] | None = field(default=None, repr=False)
    expression: Any = field(default=None, repr=False)

    @property
    def x(self) -> list[float]:
        return [float(v) for v in self.points[-1]]

    @property
    def fun(self) -> float:
        return float(self.values[-1])

    @property
    def stopping(self) -> str:
        """Why the descent stopped, and whether its stopping rule was met, in one sentence.

        It says nothing about minima: only the gradient norm where it stopped does.

        >>> minimize("x^2", [1.0], lr=0.5, steps=100, tol=1e-8).stopping
        'stopped after 1 step: |∇f| = 0 ≤ tol = 1e-08, the stopping rule was met'
        >>> minimize("x^2", [1.0], lr=0.01, steps=10).stopping
        'stopped after 10 steps (the step limit), |∇f| = 1.63; no stopping rule on |∇f| was set'
        """
        g = float(self.grad_norms[-1])
        taken = f"{self.steps} step{'' if self.steps == 1 else 's'}"
        if self.diverged:
            return f"diverged after {taken}: the value or gradient became infinite or NaN"
        if self.converged:
            return (f"stopped after {taken}: |∇f| = {g:.3g} ≤ tol = {self.tol:.3g}, "
                    "the stopping rule was met")  # fmt: skip
        head = f"stopped after {taken} (the step limit), |∇f| = {g:.3g}"
        if self.tol is None:
            return f"{head}; no stopping rule on |∇f| was set"
        return f"{head}; the stopping rule |∇f| ≤ {self.tol:.3g} was not met"

    def summary(self) -> dict[str, Any]:
        """The numbers worth printing, as plain Python values (JSON-ready)."""
        out: dict[str, Any] = {
            "function": str(self.expression) if self.expression is not None else None,
            "variables": list(self.variables), "method": self.method, "lr": self.lr,
            "steps": self.steps, "start": [float(v) for v in self.points[0]],
            "start_value": float(self.values[0]), "x": self.x, "value": self.fun,
            "grad_norm": float(self.grad_norms[-1]), "tol": self.tol,
            "converged": self.converged, "diverged": self.diverged, "stopping": self.stopping,
        }  # fmt: skip
        c = self.classification
        if c is not None:
            out["classification"] = {
                "kind": c.kind, "sentence": c.sentence,
                "critical_point": None if c.critical is None else [float(v) for v in c.critical],
                "distance": c.distance, "hessian_eigenvalues": [float(v) for v in c.eigenvalues],
            }  # fmt: skip
        return out

    def plot(self, path: str | Path, **options: Any) -> Path:
        """Draw the path on the function's contours (see `calcml.ml.plot.plot_path`)."""
        from calcml.ml.plot import plot_path

        return plot_path(self, path, **options)


def _as_function(f: Any, n: int, variables: Sequence[str] | None
                 ) -> tuple[Callable[[Tensor], Tensor], tuple[str, ...], Any]:  # fmt: skip
    """A function of one coordinate tensor, the variables' names, and the expression if any."""
    if callable(f) and not hasattr(f, "free_symbols"):
        names = tuple(variables) if variables else tuple(f"x{i}" for i in range(n))
        try:
            params = inspect.signature(f).parameters.values()
            arity = len([p for p in params
                         if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD])
        except (TypeError, ValueError):
            arity = 1
        if arity == n and n > 1:
            return (lambda p: f(*(p[i] for i in range(n)))), names, None
        return f, names, None
    from calcml.core.evaluate import compile as compile_expr
    from calcml.symbolic.inputs import to_expr

    expr = to_expr(f)
    names = tuple(variables) if variables else tuple(sorted(s.name for s in expr.free_symbols))
    if len(names) != n:
        raise ValueError(f"the start has {n} coordinates but the function has variables "
                         f"{', '.join(names) or '(none)'}")  # fmt: skip
    program = compile_expr(expr, list(names))
    return (lambda p: program(*(p[i] for i in range(n)))), names, expr


def minimize(f: Any, start: Sequence[float] | float, method: str = "gd", lr: float = 0.01,
             steps: int = 1000, *, tol: float | None = None,
             variables: Sequence[str] | None = None, classify: bool = True,
             **hyper: Any) -> MinimizeResult:  # fmt: skip
    """Minimise f from `start` with an optimizer, recording the whole path.

    Arguments:
        f: text, a calcml expression, or a Python function (of one vector, or of d numbers).
        start: the first point (d coordinates; one number for d = 1).
        method: gd, sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw or newton (which
            uses the Hessian from autodiff, step `lr`, 1.0 being Newton's full step).
        lr: the learning rate (step size).
        steps: how many updates.
        tol: stop early once the gradient norm is at most `tol` (`converged` then says so).
        variables: names for the coordinates (default: the expression's symbols sorted).
        classify: for expressions, classify the end point with the Hessian test.
        hyper: further optimizer options (momentum, betas, weight_decay, ...).

    The loop is PyTorch's: zero the gradient, evaluate, backpropagate, step; the point after
    step t is `points[t]`.
    """
    x0 = np.atleast_1d(np.asarray(start, dtype=np.float64)).copy()
    fun, names, expr = _as_function(f, x0.size, variables)
    if steps < 0:
        raise ValueError("steps must be non-negative")
    p = Tensor(x0, requires_grad=True)
    newton = method.lower() == "newton"
    opt = make_optimizer(method, [p], lr=1.0 if newton and lr is None else lr, **hyper)
    hess = None
    if newton:
        from calcml.autodiff import hessian

        hess = hessian(lambda v: fun(v))
    points, values, norms = [x0.copy()], [], []
    converged = diverged = False
    taken = 0
    for t in range(steps + 1):
        opt.zero_grad()
        value = fun(p)
        if not isinstance(value, Tensor) or not value.requires_grad:
            raise ValueError("the function does not depend on its variables")
        if np.ndim(value.data) > 0:
            if np.size(value.data) != 1:
                raise ValueError("the function must return one number")
            value = value.sum()
        value.backward()
        g = np.asarray(p.grad, dtype=np.float64)
        values.append(float(value.data))
        with np.errstate(over="ignore", invalid="ignore"):
            norms.append(float(np.linalg.norm(g)))
        if not (math.isfinite(values[-1]) and np.all(np.isfinite(g))):
            diverged = True
            break
        if tol is not None and norms[-1] <= tol:
            converged = True
            break
        if t == steps:
            break
        if newton:
            opt.step(hessian=hess(np.array(p.data)))
        else:
            opt.step()
        taken += 1
        points.append(np.array(p.data, dtype=np.float64))
    points_arr = np.array(points[: len(values)])
    result = MinimizeResult(points_arr, np.array(values), np.array(norms), method.lower(),
                            float(lr), taken if not diverged else len(values) - 1, names,
                            converged=converged, diverged=diverged, tol=tol, function=fun,
                            expression=expr)  # fmt: skip
    if classify and expr is not None and not diverged:
        result.classification = _classify(expr, result.x, names)
    return result


def _classify(expr: Any, point: list[float], names: tuple[str, ...]) -> Any:
    try:
        from calcml.symbolic.extrema import classify_point
    except ImportError:  # the extrema part is not installed: no classification, no failure
        return None
    try:
        return classify_point(expr, point, list(names))
    except (CalcmlError, ValueError, ArithmeticError, NotImplementedError):
        return None
