"""Numeric root finding for extrema: bracketed Newton in one variable, multi-start Newton in many.

One variable: sample g on a grid, keep every sign change, and shrink each bracket with Newton's
method safeguarded by bisection, so the answer always sits inside a bracket [lo, hi] where g
changes sign (a guaranteed enclosure, up to floating-point evaluation of g).
Several variables: Newton's method on ∇f with the Hessian from many starting points,
de-duplicated. It can miss points, and says so.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Fn = Callable[[np.ndarray], np.ndarray]

#: Grid size for bracketing sign changes in one variable.
GRID_POINTS = 4001


def brackets(g: Fn, a: float, b: float, n: int = GRID_POINTS) -> list[tuple[float, float]]:
    """Intervals [lo, hi] of the grid on [a, b] where g changes sign or is exactly zero.

    >>> brackets(lambda x: x**2 - 2, 0.0, 3.0, 7)
    [(1.0, 1.5)]
    """
    xs = np.linspace(a, b, n)
    with np.errstate(all="ignore"):
        ys = np.asarray(g(xs), dtype=float) * np.ones_like(xs)
    out: list[tuple[float, float]] = []
    for i in range(n - 1):
        y0, y1 = ys[i], ys[i + 1]
        if not (np.isfinite(y0) and np.isfinite(y1)):
            continue
        if y0 == 0:
            out.append((float(xs[i]), float(xs[i])))
        elif y0 * y1 < 0:
            out.append((float(xs[i]), float(xs[i + 1])))
    if n and np.isfinite(ys[-1]) and ys[-1] == 0:
        out.append((float(xs[-1]), float(xs[-1])))
    return out


def refine(g: Fn, dg: Fn, lo: float, hi: float, iterations: int = 200) -> tuple[float, float]:
    """Shrink a sign-change bracket of g around its root: Newton steps, bisection when they stray.

    >>> lo, hi = refine(lambda x: x**2 - 2, lambda x: 2 * x, 1.0, 2.0)
    >>> lo <= 2 ** 0.5 <= hi and hi - lo < 1e-12
    True
    """
    glo = _at(g, lo)
    if lo == hi or glo == 0:
        return lo, lo
    x = 0.5 * (lo + hi)
    for _ in range(iterations):
        gx = _at(g, x)
        if gx == 0:
            return x, x
        if np.sign(gx) == np.sign(glo):
            lo, glo = x, gx
        else:
            hi = x
        if hi - lo <= 4 * np.spacing(max(abs(lo), abs(hi))):
            break
        slope = _at(dg, x)
        step = x - gx / slope if slope and np.isfinite(slope) else np.nan
        x = step if lo < step < hi else 0.5 * (lo + hi)
    return (lo, hi) if lo <= hi else (hi, lo)


def _at(fn: Fn, x: float) -> float:
    with np.errstate(all="ignore"):
        return float(np.asarray(fn(np.asarray(x, dtype=float)), dtype=float))


def newton_system(grad: Callable[[np.ndarray], np.ndarray],
                  hess: Callable[[np.ndarray], np.ndarray], start: np.ndarray,
                  iterations: int = 100, tol: float = 1e-10) -> np.ndarray | None:  # fmt: skip
    """Damped Newton on grad(x) = 0 from `start`; the point, or None if it did not converge.

    >>> p = newton_system(lambda v: np.array([2 * v[0] - 2, 4 * v[1]]),
    ...                   lambda v: np.diag([2.0, 4.0]), np.array([5.0, 5.0]))
    >>> np.round(p, 12).tolist()
    [1.0, 0.0]
    """
    x = np.array(start, dtype=float)
    gx = _finite(grad(x))
    for _ in range(iterations):
        if gx is None:
            return None
        if not np.any(gx):
            return x
        h = _finite(hess(x))
        step = np.linalg.lstsq(h if h is not None else np.eye(len(x)), gx, rcond=None)[0]
        size = 1 + float(np.linalg.norm(x))
        if float(np.linalg.norm(step)) <= tol * size:
            return x - step if float(np.linalg.norm(gx)) <= 1e-6 * size else None
        x, gx = _damped(grad, x, step, float(np.linalg.norm(gx)))
    return None


def _damped(grad: Callable, x: np.ndarray, step: np.ndarray, norm: float) -> tuple:
    t = 1.0
    for _ in range(40):
        trial = x - t * step
        gt = _finite(grad(trial))
        if gt is not None and float(np.linalg.norm(gt)) < norm:
            return trial, gt
        t *= 0.5
    trial = x - step
    return trial, _finite(grad(trial))


def _finite(v: np.ndarray) -> np.ndarray | None:
    with np.errstate(all="ignore"):
        a = np.asarray(v, dtype=float)
    return a if np.all(np.isfinite(a)) else None


def starts(box: list[tuple[float, float]], budget: int = 400, seed: int = 0) -> list[np.ndarray]:
    """Starting points: a grid over the box (random points in many dimensions) and its centre."""
    n = len(box)
    per_axis = max(2, round(budget ** (1 / n)))
    if per_axis ** n <= budget and n <= 3:
        axes = [np.linspace(a, b, per_axis) for a, b in box]
        grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, n)
    else:
        rng = np.random.default_rng(seed)
        low, high = np.array(box).T
        grid = rng.uniform(low, high, size=(budget, n))
    centre = np.array([(a + b) / 2 for a, b in box])
    return [centre, np.zeros(n), *grid]


def dedupe(points: list[np.ndarray], tol: float = 1e-6) -> list[np.ndarray]:
    """Points further than tol·(1 + |p|) from every earlier one."""
    kept: list[np.ndarray] = []
    for p in points:
        if all(np.linalg.norm(p - q) > tol * (1 + np.linalg.norm(q)) for q in kept):
            kept.append(p)
    return kept
