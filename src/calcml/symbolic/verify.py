"""Independent numeric checks of symbolic results: central differences, values at random points.

A check samples points of the function's domain (where it is finite), differentiates numerically
with a Richardson-extrapolated central difference, and skips points where the function is not
smooth (two step sizes disagree: a kink, a jump or a pole nearby).
"""

from __future__ import annotations

import math
import random
import sys
from dataclasses import dataclass
from typing import Any

from calcml.core.evaluate import Program
from calcml.core.expr import Expr, Symbol
from calcml.core.lazy import LazyModule

np: Any = LazyModule("numpy", globals(), "np")

_POINTS = 24
_NEEDED = 3
#: A program of more steps than this is checked at `_FEW_POINTS` points: its wrong answers are
#: as visible at 8 random points as at 24, and evaluating it costs in proportion to points.
_LARGE_PROGRAM = 1000
_FEW_POINTS = 8


#: While NumPy is not loaded, a program of at most this many steps is checked in Python floats,
#: one point at a time: a cold command need not load NumPy (0.1–0.2 s) for the derivatives people
#: type. Once NumPy is loaded its vectorized check is the quicker one at every size.
_SMALL_PROGRAM = 200
_RELS = (1e-3, 1e-4, 1e-5)
_SHIFTS = (0.0, 1.0, -1.0, 0.5, -0.5)


def _numpy_loaded() -> bool:
    return "numpy" in sys.modules


def _points_for(program: Program) -> int:
    return _FEW_POINTS if len(program.steps) > _LARGE_PROGRAM else _POINTS


@dataclass(frozen=True)
class Check:
    """The outcome of a numeric check: passed, how many points, and the worst relative error."""

    passed: bool
    points: int
    worst_error: float
    note: str

    def __bool__(self) -> bool:
        return self.passed


def sample_points(symbols: list[Symbol], var: Symbol | None, rng: np.random.Generator,
                  n: int = _POINTS) -> np.ndarray:  # fmt: skip
    """Candidate points: the variable over [-3, 3] and (0.1, 3), parameters in (0.5, 2)."""
    columns = []
    for s in symbols:
        if s is var:
            half = n // 2
            col = np.concatenate([rng.uniform(-3, 3, half), rng.uniform(0.1, 3, n - half)])
        else:
            col = rng.uniform(0.5, 2.0, n)
        columns.append(col)
    return np.array(columns)


def check_derivative(f: Expr, df: Expr, var: Symbol, *, seed: int = 0) -> Check:
    """Does `df` equal d`f`/d`var` numerically at random points of the domain?

    Each point gets the best of three step sizes, so a steep but smooth function (near a
    singularity of its domain) does not fail for want of a small enough step. All points and
    step sizes go through the compiled program in one vectorized call.
    """
    program = Program([f, df], [var], discover=True)
    if len(program.steps) <= _SMALL_PROGRAM and not _numpy_loaded() and program.has_scalar_form():
        return _check_derivative_scalar(program, seed)
    symbols = program.variables
    pts = sample_points(symbols, var, np.random.default_rng(seed), _points_for(program))
    i = 0
    x = pts[i]
    rels = np.array([1e-3, 1e-4, 1e-5])
    h = rels[:, None] * (1 + np.abs(x))[None, :]  # (step sizes, points)
    shifts = np.array([0, 1, -1, 0.5, -0.5])
    grid = np.broadcast_to(pts[:, None, :, None], (len(symbols), 3, x.size, 5)).copy()
    grid[i] = x[None, :, None] + shifts[None, None, :] * h[:, :, None]
    fv, dv = _run_on_grid(program, grid)
    return _verdict(_best_errors(fv, dv[..., 0], h), "central differences")


def _run_on_grid(program: Program, grid: Any) -> list[Any]:
    """The program's outputs on a grid of points (one row per input), each of the grid's shape.

    The grid runs flattened: on small arrays NumPy's cost is per call, and a one-dimensional
    operand is the cheapest call there is.
    """
    shape = grid.shape[1:]
    with np.errstate(all="ignore"):
        outputs = program.on_arrays(*grid.reshape(len(grid), -1))
    return [np.broadcast_to(np.asarray(v, float), (grid[0].size,)).reshape(shape)
            for v in outputs]  # fmt: skip


def _estimates(fp: Any, fm: Any, fp2: Any, fm2: Any, h: Any) -> tuple[Any, Any, Any]:
    """Central differences with steps h and h/2 and their Richardson extrapolation, from f at
    x ± h and x ± h/2 (floats or arrays alike)."""
    d_h, d_half = (fp - fm) / (2 * h), (fp2 - fm2) / h
    return d_h, d_half, (4 * d_half - d_h) / 3


def _smooth(d_h: Any, d_half: Any) -> Any:
    """The two step sizes agree: no kink, jump or pole nearby."""
    return abs(d_h - d_half) <= 1e-2 * (1 + abs(d_half))


def _relative_error(numeric: Any, exact: Any, f0: Any) -> Any:
    return abs(numeric - exact) / (1 + abs(exact) + abs(f0) * 1e-3)


def _check_derivative_scalar(program: Program, seed: int) -> Check:
    """`check_derivative` point by point in Python floats: the same sampling (the variable,
    input 0, over [-3, 3] and (0.1, 3), parameters in (0.5, 2)), the same three step sizes with
    Richardson extrapolation, the same tests for finite and smooth."""
    rng = random.Random(seed)
    errors = []
    for k in range(_POINTS):
        point = [rng.uniform(0.5, 2.0) for _ in program.variables]
        x = point[0] = rng.uniform(-3, 3) if k < _POINTS // 2 else rng.uniform(0.1, 3)
        best = math.inf
        for rel in _RELS:
            h = rel * (1 + abs(x))
            try:
                (f0, exact), *shifted = [program.at_point(x + s * h, *point[1:]) for s in _SHIFTS]
            except (ArithmeticError, ValueError):
                continue
            fp, fm, fp2, fm2 = (v[0] for v in shifted)
            if not all(map(math.isfinite, (f0, exact, fp, fm, fp2, fm2))):
                continue
            d_h, d_half, numeric = _estimates(fp, fm, fp2, fm2, h)
            if _smooth(d_h, d_half):
                best = min(best, _relative_error(numeric, exact, f0))
        if best < math.inf:
            errors.append(best)
    return _verdict(errors, "central differences")


def check_gradient(f: Expr, grads: list[Expr], variables: list[Symbol], *, seed: int = 0) -> Check:
    """Does ∇f · d match the central difference of f along a random direction d?

    One directional check covers a whole gradient: any wrong partial shows up in ∇f · d. It is
    numeric throughout (no substitution), so it costs a few vectorized evaluations.
    """
    return check_jacobian([f], [grads], variables, seed=seed)


def check_jacobian(fs: list[Expr], rows: list[list[Expr]], variables: list[Symbol], *,
                   seed: int = 0) -> Check:  # fmt: skip
    """`check_gradient` for several functions at once (a Jacobian, or a Hessian's rows),
    through one compiled program."""
    flat = [g for row in rows for g in row]
    program = Program([*fs, *flat], variables, discover=True)  # finds the parameters too
    symbols = program.variables
    rng = np.random.default_rng(seed)
    direction = rng.standard_normal(len(variables))
    direction /= np.linalg.norm(direction)
    pts = sample_points(symbols, None, rng, _points_for(program))  # every symbol in (0.5, 2)
    where = [symbols.index(v) for v in variables]
    rels = np.array([1e-3, 1e-4, 1e-5])
    shifts = np.array([0, 1, -1, 0.5, -0.5])
    steps = rels[:, None, None] * shifts[None, None, :]  # (step sizes, 1, shifts)
    grid = np.broadcast_to(pts[:, None, :, None], (len(symbols), 3, pts.shape[1], 5)).copy()
    for k, i in enumerate(where):
        grid[i] = pts[i][None, :, None] + direction[k] * steps
    values = _run_on_grid(program, grid)
    n, m = len(fs), len(variables)
    errors = []
    for i in range(n):
        slope = sum(d * values[n + i * m + k][..., 0] for k, d in enumerate(direction))
        errors.append(_best_errors(values[i], slope, rels[:, None]))
    return _verdict(np.concatenate(errors), "central differences along a random direction")


def _best_errors(fv: Any, exact: Any, h: Any) -> Any:
    """Per point, the best error over the step sizes where f is finite and smooth.

    `fv` holds f at (x, x+h, x-h, x+h/2, x-h/2) on its last axis, with shape (step sizes,
    points, 5); `exact` is the derivative claimed at x, and `h` the steps, both broadcastable to
    (step sizes, points)."""
    with np.errstate(all="ignore"):
        d_h, d_half, numeric = _estimates(fv[..., 1], fv[..., 2], fv[..., 3], fv[..., 4], h)
        error = _relative_error(numeric, exact, fv[..., 0])
    ok = np.isfinite(fv).all(axis=-1) & np.isfinite(exact) & _smooth(d_h, d_half)
    best = np.where(ok, error, np.inf).min(axis=0)
    return best[ok.any(axis=0)]


def check_equal(a: Expr, b: Expr, var: Symbol, *, seed: int = 0, rtol: float = 1e-8) -> Check:
    """Do two expressions agree at random points where both are finite?"""
    symbols = sorted(a.free_symbols | b.free_symbols | {var}, key=lambda s: s.name)
    pts = sample_points(symbols, var, np.random.default_rng(seed))
    with np.errstate(all="ignore"):
        av, bv = (np.broadcast_to(np.asarray(v, float), pts.shape[1:])
                  for v in Program([a, b], symbols)(*pts))  # fmt: skip
    usable = np.isfinite(av) & np.isfinite(bv)
    error = np.abs(av - bv) / (1 + np.abs(av)) / rtol * 1e-6
    return _verdict(error[usable], "values at random points")


def _verdict(errors: Any, how: str) -> Check:
    """The outcome from the per-point errors (an array or a list)."""
    n = len(errors)
    worst = float(errors.max() if hasattr(errors, "max") else max(errors)) if n else math.nan
    if n < _NEEDED:
        return Check(False, n, worst, f"could not check: only {n} usable points of the domain")
    passed = bool(worst <= 1e-6)
    note = f"checked by {how} at {n} points (worst relative error {worst:.1e})"
    return Check(passed, n, worst, note)
