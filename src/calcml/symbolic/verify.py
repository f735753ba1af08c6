"""Independent numeric checks of symbolic results: central differences, values at random points.

A check samples points of the function's domain (where it is finite) and differentiates
numerically with a Richardson-extrapolated central difference. A point those floats cannot
settle (they disagree with the claim, or two step sizes disagree: a kink, a jump, a pole nearby,
an oscillation faster than the step) is re-checked in ball arithmetic (`rigorous`), and
`verdict` decides what the result may claim: only a proven error rejects it.
"""

from __future__ import annotations

import math
import random
import sys
from typing import Any

from calcml.core.evaluate import Program
from calcml.core.expr import Expr, Number, Symbol, post_order
from calcml.core.lazy import LazyModule
from calcml.symbolic.verdict import AGREE, CLEAR, PROVEN, Check, Recheck, verdict

np: Any = LazyModule("numpy", globals(), "np")

_POINTS = 24
#: A program of more steps than this is checked at `_FEW_POINTS` points: its wrong answers are
#: as visible at 8 random points as at 24, and evaluating it costs in proportion to points.
_LARGE_PROGRAM = 1000
_FEW_POINTS = 8

#: Relative tolerance of `agree`: d/dx of a candidate antiderivative against its integrand, and
#: the two sides of a rewrite step.
VERIFY_RTOL = 1e-7


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
    """Does `df` equal d`f`/d`var` at random points of the domain?

    Each point gets the best of three step sizes, so a steep but smooth function (near a
    singularity of its domain) does not fail for want of a small enough step. All points and
    step sizes go through the compiled program in one vectorized call. A point the central
    differences cannot settle is re-checked in ball arithmetic (see `verdict`).
    """
    program = Program([f, df], [var], discover=True)
    if len(program.steps) <= _SMALL_PROGRAM and not _numpy_loaded() and program.has_scalar_form():
        return _check_derivative_scalar(program, seed, f, df)
    symbols = program.variables
    pts = sample_points(symbols, var, np.random.default_rng(seed), _points_for(program))
    i = 0
    x = pts[i]
    rels = np.array(_RELS)
    h = rels[:, None] * (1 + np.abs(x))[None, :]  # (step sizes, points)
    shifts = np.array(_SHIFTS)
    grid = np.broadcast_to(pts[:, None, :, None], (len(symbols), 3, x.size, 5)).copy()
    grid[i] = x[None, :, None] + shifts[None, None, :] * h[:, :, None]
    fv, dv = _run_on_grid(program, grid)
    errors = _best_errors(fv, dv[..., 0], h)
    return verdict(errors, _columns(pts), _derivative_recheck([f], [[df]], symbols, [var], [1.0]),
                    "central differences")


def _columns(pts: Any) -> list[list[float]]:
    """The points as lists of floats, one per point (the sampled array is one row per symbol)."""
    return [[float(v) for v in col] for col in np.asarray(pts).T]


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


#: The error of a derivative is measured relative to the derivative itself (the floor only keeps
#: 0/0 away). An absolute floor (or a term in |f|) would hide an error of 10⁻⁶ in a derivative of
#: size 10⁻⁷; where central differences cannot reach that accuracy (they lose digits to
#: cancellation when |f| is much larger than |f'|·h), the point goes to ball arithmetic.
_FLOOR = 1e-300


def _relative_error(numeric: Any, exact: Any, f0: Any) -> Any:
    return abs(numeric - exact) / (abs(exact) + _FLOOR)


def _check_derivative_scalar(program: Program, seed: int, f: Expr, df: Expr) -> Check:
    """`check_derivative` point by point in Python floats: the same sampling (the variable,
    input 0, over [-3, 3] and (0.1, 3), parameters in (0.5, 2)), the same three step sizes with
    Richardson extrapolation, the same tests for finite and smooth."""
    rng = random.Random(seed)
    errors, points = [], []
    for k in range(_POINTS):
        point = [rng.uniform(0.5, 2.0) for _ in program.variables]
        point[0] = rng.uniform(-3, 3) if k < _POINTS // 2 else rng.uniform(0.1, 3)
        error = _scalar_error(program, point)
        errors.append(math.nan if error is None else error)
        points.append(point)
    recheck = _derivative_recheck([f], [[df]], program.variables, program.variables[:1], [1.0])
    return verdict(errors, points, recheck, "central differences")


def _scalar_error(program: Program, point: list[float]) -> float | None:
    """The best relative error over the step sizes at a point of the domain (inf where no step
    size gives finite, smooth differences), or None off the domain (f or df not finite)."""
    x, rest = point[0], point[1:]
    try:
        f0, exact = program.at_point(x, *rest)
    except (ArithmeticError, ValueError):
        return None
    if not (math.isfinite(f0) and math.isfinite(exact)):
        return None
    best = math.inf
    for rel in _RELS:
        h = rel * (1 + abs(x))
        try:
            fp, fm, fp2, fm2 = (program.at_point(x + s * h, *rest)[0] for s in _SHIFTS[1:])
        except (ArithmeticError, ValueError):
            continue
        if not all(map(math.isfinite, (fp, fm, fp2, fm2))):
            continue
        d_h, d_half, numeric = _estimates(fp, fm, fp2, fm2, h)
        if _smooth(d_h, d_half):
            best = min(best, _relative_error(numeric, exact, f0))
    return best


def check_gradient(f: Expr, grads: list[Expr], variables: list[Symbol], *, seed: int = 0) -> Check:
    """Does ∇f · d match the central difference of f along a random direction d?

    One directional check covers a whole gradient: any wrong partial shows up in ∇f · d. It is
    numeric throughout (no substitution), so it costs a few vectorized evaluations.
    """
    return check_jacobian([f], [grads], variables, seed=seed)


def check_jacobian(fs: list[Expr], rows: list[list[Expr]], variables: list[Symbol], *,
                   seed: int = 0) -> Check:  # fmt: skip
    """`check_gradient` for several functions at once (a Jacobian, or a Hessian's rows),
    through one compiled program. A point is settled when every function agrees there."""
    flat = [g for row in rows for g in row]
    program = Program([*fs, *flat], variables, discover=True)  # finds the parameters too
    symbols = program.variables
    rng = np.random.default_rng(seed)
    direction = rng.standard_normal(len(variables))
    direction /= np.linalg.norm(direction)
    pts = sample_points(symbols, None, rng, _points_for(program))  # every symbol in (0.5, 2)
    where = [symbols.index(v) for v in variables]
    rels = np.array(_RELS)
    steps = rels[:, None, None] * np.array(_SHIFTS)[None, None, :]  # (step sizes, 1, shifts)
    grid = np.broadcast_to(pts[:, None, :, None], (len(symbols), 3, pts.shape[1], 5)).copy()
    for k, i in enumerate(where):
        grid[i] = pts[i][None, :, None] + direction[k] * steps
    values = _run_on_grid(program, grid)
    n, m = len(fs), len(variables)
    errors = np.zeros(pts.shape[1])
    for i in range(n):
        slope = sum(d * values[n + i * m + k][..., 0] for k, d in enumerate(direction))
        errors = np.maximum(errors, _best_errors(values[i], slope, rels[:, None]))
    recheck = _derivative_recheck(fs, rows, symbols, variables, [float(d) for d in direction])
    return verdict(errors, _columns(pts), recheck, "central differences along a random direction")


def _best_errors(fv: Any, exact: Any, h: Any) -> Any:
    """Per point, the best error over the step sizes where f is finite and smooth: inf where no
    step size is, NaN off the domain (f or the claimed derivative not finite at the point).

    `fv` holds f at (x, x+h, x-h, x+h/2, x-h/2) on its last axis, with shape (step sizes,
    points, 5); `exact` is the derivative claimed at x, and `h` the steps, both broadcastable to
    (step sizes, points)."""
    with np.errstate(all="ignore"):
        d_h, d_half, numeric = _estimates(fv[..., 1], fv[..., 2], fv[..., 3], fv[..., 4], h)
        error = _relative_error(numeric, exact, fv[..., 0])
        smooth = _smooth(d_h, d_half)
    exact = np.broadcast_to(exact, fv.shape[:-1])
    ok = np.isfinite(fv).all(axis=-1) & np.isfinite(exact) & smooth
    best = np.where(ok, error, np.inf).min(axis=0)
    domain = np.isfinite(fv[0, :, 0]) & np.isfinite(exact[0])
    return np.where(domain, best, np.nan)


def check_equal(a: Expr, b: Expr, var: Symbol, *, seed: int = 0, rtol: float = 1e-8,
                points: Any = None) -> Check:  # fmt: skip
    """Do two expressions agree (to `rtol`, relative to 1 + |a|) where both are finite?

    `points` (one row per symbol of a and b, sorted by name) replaces the random sample. A
    point where the floats disagree is re-evaluated in ball arithmetic before it counts.
    """
    symbols = sorted(a.free_symbols | b.free_symbols | {var}, key=lambda s: s.name)
    if points is None:
        points = sample_points(symbols, var, np.random.default_rng(seed))
    with np.errstate(all="ignore"):
        av, bv = (np.broadcast_to(np.asarray(v, float), points.shape[1:])
                  for v in Program([a, b], symbols)(*points))  # fmt: skip
        error = np.abs(av - bv) / (1 + np.abs(av)) / rtol * AGREE
    error = np.where(np.isfinite(av) & np.isfinite(bv), error, np.nan)
    return verdict(error, _columns(points), _value_recheck(a, b, symbols, rtol),
                    "values at random points")


def agree(a: Expr, b: Expr, var: Symbol) -> bool:
    """Do `a` and `b` agree at random points (and, where too few are finite, over wider
    ranges)? The check behind every antiderivative and every rewrite step."""
    if a is b:
        return True
    check = check_equal(a, b, var, rtol=VERIFY_RTOL)
    if check.passed or check.rejected:
        return check.passed
    return _wide_check(a, b, var).passed


def _wide_check(a: Expr, b: Expr, var: Symbol) -> Check:
    """A second check over wider ranges, for integrands defined only far from the origin."""
    symbols = sorted(a.free_symbols | b.free_symbols | {var}, key=lambda s: s.name)
    rng = np.random.default_rng(1)
    cols = [np.concatenate([rng.uniform(-40, 40, 32), rng.uniform(1, 12, 32),
                            rng.uniform(-1, 1, 32)])
            if s is var else rng.uniform(0.5, 2.0, 96) for s in symbols]  # fmt: skip
    return check_equal(a, b, var, rtol=VERIFY_RTOL, points=np.array(cols))


def _derivative_recheck(fs: list[Expr], rows: list[list[Expr]], symbols: list[Symbol],
                        variables: list[Symbol], direction: list[float]) -> Recheck:  # fmt: skip
    """A re-check of a point for the derivative along `direction` (see `rigorous`)."""

    def recheck(point: list[float]) -> tuple[bool, float]:
        from calcml.symbolic import rigorous

        if not tolerance:
            tolerance.extend(_tolerance(fs))
        slopes = dict(zip(variables, direction, strict=True))
        seeds = {s: (v, slopes.get(s, 0.0)) for s, v in zip(symbols, point, strict=True)}
        return rigorous.decide_slopes(fs, rows, seeds, direction, *tolerance)

    tolerance: list[float] = []
    return recheck


def _tolerance(fs: list[Expr]) -> tuple[float, float, float]:
    """The re-check's tolerance, and the weight of |f| and the floor in its scale (see
    `_relative_error`). The derivative of an exact function is exact, so its true error is 0
    and `PROVEN` is safe; a float the user wrote in f brings rounding into the derivative's
    coefficients, which near a zero of the derivative only the check's old measure forgives
    (errors relative to |f'| + 10⁻³·|f| + 1, tolerance `CLEAR`)."""
    floats = any(n.__class__ is Number and not n.is_exact for n in post_order(fs))
    return (CLEAR, 1e-3, 1.0) if floats else (PROVEN, 0.0, _FLOOR)


def _value_recheck(a: Expr, b: Expr, symbols: list[Symbol], rtol: float) -> Recheck:
    def recheck(point: list[float]) -> tuple[bool, float]:
        from calcml.symbolic import rigorous

        seeds = {s: (v, 0.0) for s, v in zip(symbols, point, strict=True)}
        return rigorous.decide_values(a, b, seeds, rtol)

    return recheck
