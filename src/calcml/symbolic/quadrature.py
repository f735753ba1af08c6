"""Numeric definite integrals with QUADPACK (`scipy.integrate.quad`), and honest about them.

Plain `quad` silently returns garbage on a narrow spike or a far-off peak (it never samples
them), and on slowly decaying tails. So before integrating, `quad` here reads the expression:

- it splits the range at the real roots of denominators and logarithm arguments (poles), at the
  zeros of abs/sign/heaviside/relu arguments (kinks and jumps), and at the critical points of
  exponents and denominators (the peaks of `exp(-(x-100)^2)` or `1/(1e-4 + (x-0.5)^2)`);
- a pole inside, or an infinite end, is checked symbolically with `limit`: `(x-r)·f -> c ≠ 0`
  or `x·f -> c ≠ 0` at infinity means divergence (`DivergentIntegral`), never a number;
- an oscillatory factor `sin(ωx+φ)`/`cos(ωx+φ)` uses QUADPACK's weighted rules (QAWO on a long
  finite piece, QAWF on an infinite one); an algebraic end singularity `(x-a)^α` gets
  `weight='alg'` (or `'alg-loga'` with a log factor) when plain extrapolation struggles;
- every answer is computed twice on different splits; if QUADPACK warns and no retry removes the
  warning, or the two disagree beyond their error estimates, the result says it is unreliable.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from scipy import integrate as sp_integrate

from calcml.core.errors import CalcmlError, NoClosedFormError
from calcml.core.evaluate import Program
from calcml.core.expr import Expr, Symbol, number
from calcml.core.registry import LOG
from calcml.symbolic import integrand, step_check
from calcml.symbolic.inputs import to_expr, to_symbol
from calcml.symbolic.limits import Infinity, as_point, limit

#: Relative accuracy asked of QUADPACK; results are reliable to about 1e-10 relative.
QUAD_EPSREL = 1e-12
#: Subintervals QUADPACK may use per piece (its default, 50, is too few for oscillations).
QUAD_LIMIT = 500
#: Time budget of each symbolic limit used in the divergence checks.
CHECK_SECONDS = 0.5

Fn = Callable[[float], float]


class DivergentIntegral(NoClosedFormError):
    """The integral diverges (it has no finite value); `where` says which end or point."""

    def __init__(self, message: str, where: str = ""):
        self.where = where
        super().__init__(message)


@dataclass(frozen=True)
class QuadResult:
    """A numeric integral: value, QUADPACK's error estimate, and whether to trust it."""

    value: float
    error_estimate: float
    reliable: bool
    note: str
    points: tuple[float, ...] = ()


def quad(expr: Any, var: Any, a: Any, b: Any, *, epsrel: float = QUAD_EPSREL) -> QuadResult:
    """∫_a^b expr d(var) numerically, split and weighted as the expression needs.

    Arguments:
        expr: the integrand (expression or text), free of symbols other than `var`.
        var: the variable.
        a, b: the limits: numbers, expressions such as `pi/2`, or infinities (`"oo"`, `"-inf"`,
            `float("inf")`).
        epsrel: the relative accuracy asked of QUADPACK.

    Returns:
        A `QuadResult`; `reliable` is False (and `note` says why) when the number cannot be
        trusted.

    Raises:
        DivergentIntegral: the integral diverges at a pole or an infinite end.

    >>> from calcml import exp, symbol
    >>> x = symbol("x")
    >>> r = quad(exp(-(x - 100)**2 / 2), x, "-oo", "oo")
    >>> round(r.value, 12), r.reliable
    (2.506628274631, True)
    """
    f, x = to_expr(expr), to_symbol(var)
    extra = f.free_symbols - {x}
    if extra:
        raise ValueError(f"give values for {', '.join(sorted(s.name for s in extra))} first")
    lo, hi = _end(a), _end(b)
    if lo == hi:
        return QuadResult(0.0, 0.0, True, "empty range")
    if lo > hi:
        r = quad(f, x, b, a, epsrel=epsrel)
        return QuadResult(-r.value, r.error_estimate, r.reliable, r.note, r.points)
    prog = Program([f], [x])

    def fx(t: float) -> float:
        with np.errstate(all="ignore"):
            return float(prog(np.float64(t))[0])

    features = integrand.features(f, x)
    poles = integrand.roots(features["pole"], x, lo, hi)
    peaks = integrand.roots(features["peak"], x, lo, hi)
    kinks = integrand.roots(features["kink"], x, lo, hi)
    ladder = _ladder([p for p in peaks if p not in poles and p not in kinks], lo, hi, fx)
    points = integrand.distinct({*poles, *kinks, *peaks, *ladder}, lo, hi)
    _check_divergence(f, x, lo, hi, poles, fx)
    osc = integrand.oscillation(f, x)
    if (osc is not None and math.isinf(hi)) or (osc is not None and math.isinf(lo)):
        points = sorted({*points, *_anchor(lo, hi, points)})
    first = _integrate(fx, [lo, *points, hi], osc, epsrel)
    second = _integrate(fx, _refine([lo, *points, hi]), osc, epsrel)
    value, err, warned = first
    agree = abs(value - second[0]) <= max(10 * (err + second[1]), 1e-9 * abs(value), 1e-300)
    reliable = not warned and agree and math.isfinite(value)
    err = max(err, abs(value - second[0]))
    note = f"QUADPACK on {len(points) + 1} piece(s)" + (", weighted for oscillation" if osc else "")
    if not reliable:
        why = warned or f"two splittings disagree ({value:.12g} vs {second[0]:.12g})"
        note = f"unreliable: {why}"
    return QuadResult(value, err, reliable, note, tuple(points))


def _end(v: Any) -> float:
    p = as_point(v)
    if isinstance(p, Infinity):
        return float(p)
    if p.free_symbols:
        raise ValueError(f"the limit {p} must be a number")
    return float(p)


# --- splitting the range -----------------------------------------------------------------------


def _anchor(lo: float, hi: float, points: list[float]) -> list[float]:
    """A finite split point so every infinite piece starts at a finite one."""
    if points:
        return []
    if math.isinf(lo) and math.isinf(hi):
        return [0.0]
    return [lo + 1.0] if math.isinf(hi) else [hi - 1.0]


def _ladder(peaks: list[float], lo: float, hi: float, fx: Fn) -> list[float]:
    """Points at 10^-k from each peak, down to the peak's width, so a spike narrower than
    QUADPACK's nodes is seen (a peak that is a pole or kink gets none: it is split already)."""
    out = []
    for p in peaks:
        top = abs(fx(p))
        if not math.isfinite(top) or top == 0:
            continue
        for k in range(1, 12):
            h = 10.0**-k * (1 + abs(p))
            near = [q for q in (p - h, p + h) if lo < q < hi]
            out.extend(near)
            if all(abs(fx(q)) >= 0.5 * top for q in near):
                break
    return out


def _refine(edges: list[float]) -> list[float]:
    """The same pieces with one more split in each, for the independent second evaluation."""
    out = [edges[0]]
    for a, b in itertools.pairwise(edges):
        if math.isfinite(a) and math.isfinite(b):
            out.append(a + 0.3819660112501051 * (b - a))
        elif math.isfinite(a) or math.isfinite(b):
            c = a if math.isfinite(a) else b
            out.append(c + (1 + abs(c)) * (2.5 if math.isfinite(a) else -2.5))
        out.append(b)
    return out


# --- divergence --------------------------------------------------------------------------------


def _check_divergence(f: Expr, x: Symbol, lo: float, hi: float, poles: list[float],
                      fx: Fn) -> None:  # fmt: skip
    """Raise DivergentIntegral where a limit proves it; say nothing where limits cannot tell."""
    for r in poles:
        for side in ("+", "-"):
            _no_worse_than_log(f * (x - r), x, r, side, f"near x = {r:.12g}", fx)
    for end, side in ((lo, "+"), (hi, "-")):
        if math.isinf(end):
            point = "oo" if end > 0 else "-oo"
            shown = "∞" if end > 0 else "-∞"  # the printer's notation, in messages
            if _limit(f, x, point) not in (0.0, None):
                raise DivergentIntegral(f"the integrand does not tend to 0 at {shown}", point)
            for g, like in ((f * x, "1/x"), (f * x * LOG(x if end > 0 else -x), "1/(x·ln|x|)")):
                if _limit(g, x, point) not in (0.0, None):
                    raise DivergentIntegral(f"the integral diverges at {shown}: the integrand "
                                            f"does not decay faster than {like}", point)
        elif not math.isfinite(fx(end)):
            _no_worse_than_log(f * (x - end), x, end, side, f"at x = {end:.12g}", fx)


def _no_worse_than_log(g: Expr, x: Symbol, r: float, side: str, where: str, fx: Fn) -> None:
    """(x - r)·f -> c ≠ 0 symbolically, or f ~ |x - r|^α with α ≤ -1 numerically: divergent."""
    exact = integrand.exact_point(r)  # a limit at a rounded irrational root would prove nothing
    v = None if isinstance(exact, float) else _limit(g, x, exact, side)
    alpha = _local_power(fx, r, 1 if side == "+" else -1)
    if v not in (0.0, None) or (v is None and alpha is not None and alpha <= -0.999):
        raise DivergentIntegral(f"the integral diverges {where}: the integrand grows like "
                                f"1/|x - r| (or faster) there", where)  # fmt: skip


def _local_power(fx: Fn, r: float, side: int) -> float | None:
    """The slope of log|f| against log|x - r| close to r, or None when f is not finite there."""
    hs = [max(abs(r), 1.0) * 10.0**-k for k in (5, 7)]
    vals = [abs(fx(r + side * h)) for h in hs]
    if not all(math.isfinite(v) and v > 0 for v in vals):
        return None
    return math.log(vals[1] / vals[0]) / math.log(hs[1] / hs[0])


def _limit(g: Expr, x: Symbol, point: Any, side: str = "+-") -> float | None:
    """A limit as a float (±inf included); None when it does not exist or cannot be decided."""
    try:
        p = point if isinstance(point, str | Expr) else number(point)
        v = limit(g, x, p, side if not isinstance(point, str) else "+-", seconds=CHECK_SECONDS)
    except (CalcmlError, ValueError, ArithmeticError, TypeError):
        return None
    try:
        return float(v)
    except (ValueError, TypeError, CalcmlError):
        return None


# --- integration -------------------------------------------------------------------------------


def _integrate(fx: Fn, edges: list[float], osc: tuple | None, epsrel: float
               ) -> tuple[float, float, str]:  # fmt: skip
    """Sum over pieces; the third item is the first QUADPACK warning that no retry removed."""
    total, err, warned = 0.0, 0.0, ""
    for a, b in itertools.pairwise(edges):
        v, e, w = _piece(fx, a, b, osc, epsrel)
        total, err = total + v, err + e
        warned = warned or w
    return total, err, warned


def _piece(fx: Fn, a: float, b: float, osc: tuple | None, epsrel: float
           ) -> tuple[float, float, str]:  # fmt: skip
    tries: list[Callable[[], tuple[float, float]]] = []
    if osc is not None and (math.isinf(a) or math.isinf(b) or abs(osc[2]) * (b - a) > 10):
        tries += [lambda: _weighted_trig(osc, a, b, epsrel, 1e-14),
                  lambda: _weighted_trig(osc, a, b, epsrel, 1e-12)]
    tries.append(lambda: _qags(fx, a, b, epsrel, QUAD_LIMIT))
    if math.isfinite(a) and math.isfinite(b):
        tries.append(lambda: _algebraic_ends(fx, a, b, epsrel))
    first, best = "", (math.nan, math.inf)
    for attempt in tries:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                v, e = attempt()
            except (ValueError, ZeroDivisionError, _NotApplicable):
                continue
        message = next((str(w.message).splitlines()[0] for w in caught
                        if issubclass(w.category, sp_integrate.IntegrationWarning)),
                       "")  # fmt: skip
        if not math.isfinite(v):
            continue
        if not message and e <= max(1e-10 * abs(v), 1e-15):
            return v, e, ""
        if "roundoff" in message and e <= 1e-12 * max(abs(v), 1e-3):
            return v, e, ""  # QUADPACK could not reach 1e-12, but its estimate is tiny
        first = first or message or f"error estimate {e:.1e} too large"
        best = min(best, (v, e), key=lambda r: r[1])
    return (*best, first or "every method failed")


class _NotApplicable(Exception):
    pass


def _qags(fx: Fn, a: float, b: float, epsrel: float, limit_: int) -> tuple[float, float]:
    v, e = sp_integrate.quad(fx, a, b, epsabs=0.0, epsrel=epsrel, limit=limit_)
    return float(v), float(e)


def _weighted_trig(osc: tuple, a: float, b: float, epsrel: float, epsabs: float
                   ) -> tuple[float, float]:  # fmt: skip
    """g·trig(ωx+φ) = g·(A cos ωx + B sin ωx), each part with QUADPACK's trig weight."""
    g_expr, kind, w, phi = osc
    x = next(iter(g_expr.free_symbols), None)
    prog = Program([g_expr], [x] if x is not None else [])
    cos_part, sin_part = (math.cos(phi), math.sin(phi)) if kind == "cos" else (
        math.sin(phi), math.cos(phi))  # fmt: skip
    if kind == "cos":
        sin_part = -sin_part  # cos(ωx+φ) = cos φ cos ωx - sin φ sin ωx
    flip = math.isinf(a)  # (-oo, b]: x = -y, y in [-b, oo)
    lo, hi = (-b, -a) if flip else (a, b)

    def g(t: float) -> float:
        with np.errstate(all="ignore"):
            v = prog(np.float64(-t if flip else t)) if x is not None else prog()
        return float(v[0])

    total, err = 0.0, 0.0
    for weight, coeff in (("cos", cos_part), ("sin", -sin_part if flip else sin_part)):
        if coeff == 0:
            continue
        if math.isinf(hi):
            v, e = sp_integrate.quad(g, lo, hi, weight=weight, wvar=abs(w), epsabs=epsabs,
                                     limlst=200)[:2]  # fmt: skip
        else:
            v, e = sp_integrate.quad(g, lo, hi, weight=weight, wvar=abs(w), epsabs=0.0,
                                     epsrel=epsrel, limit=QUAD_LIMIT)[:2]  # fmt: skip
        sign = -1.0 if weight == "sin" and w < 0 else 1.0
        total, err = total + coeff * sign * v, err + abs(coeff) * e
    return total, err


def _algebraic_ends(fx: Fn, a: float, b: float, epsrel: float) -> tuple[float, float]:
    """QAWS with (x-a)^α (b-x)^β (and a log factor) read off the integrand near each end."""
    alpha, la = _end_power(fx, a, +1, b - a)
    beta, lb = _end_power(fx, b, -1, b - a)
    if alpha == 0 and beta == 0 and not la and not lb:
        raise _NotApplicable
    weight = {(False, False): "alg", (True, False): "alg-loga", (False, True): "alg-logb",
              (True, True): "alg-log"}[(la, lb)]  # fmt: skip

    def g(t: float) -> float:
        w = (t - a) ** alpha * (b - t) ** beta
        w *= math.log(t - a) if la else 1.0
        w *= math.log(b - t) if lb else 1.0
        return fx(t) / w

    v, e = sp_integrate.quad(g, a, b, weight=weight, wvar=(alpha, beta), epsabs=0.0,
                             epsrel=epsrel, limit=QUAD_LIMIT)[:2]  # fmt: skip
    return float(v), float(e)


def _end_power(fx: Fn, end: float, side: int, width: float) -> tuple[float, bool]:
    """(α, has_log) with f ~ c·|x-end|^α (·log|x-end|) near the end; (0, False) if unclear."""
    hs = [width * 10.0**-k for k in (6, 7, 8)]
    vals = [fx(end + side * h) for h in hs]
    if not all(math.isfinite(v) and v != 0 for v in vals):
        return 0.0, False
    for has_log in (False, True):
        ws = [abs(v / math.log(h)) if has_log else abs(v) for v, h in zip(vals, hs, strict=True)]
        slopes = [math.log(ws[i + 1] / ws[i]) / math.log(hs[i + 1] / hs[i]) for i in (0, 1)]
        alpha = float(Fraction(slopes[1]).limit_denominator(12))
        if abs(alpha - slopes[1]) < 1e-6 and abs(alpha - slopes[0]) < 1e-5 and -1 < alpha <= 0:
            return alpha, has_log
    return 0.0, False


step_check.provide("quad", quad)  # the late binding described in calcml.symbolic
