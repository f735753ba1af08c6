"""`calcml.integrate`: antiderivatives, and definite integrals by the fundamental theorem.

A definite integral is F(b) - F(a) only where F is continuous on [a, b], so before subtracting:

1. the integrand's poles inside [a, b] are found (denominators' real roots through flint, log
   arguments, tan/sec poles); a non-integrable one (`(x - r)·f -> c ≠ 0`) is a divergence;
2. F is sampled densely and compared with the trapezoid rule on f: where they disagree by a
   jump that survives bisection (atan(tan x)-like shapes, log|...| across a pole) the range is
   split there;
3. each piece contributes F(right⁻) - F(left⁺), by substitution where F is continuous and by
   one-sided `limit`s at poles, jumps and infinite ends; an infinite or oscillating limit of F
   is a divergence (`DivergentIntegral`);
4. the exact value is cross-checked against numeric quadrature when the integrand has no
   parameters; where any step cannot be completed, the answer is numeric and says so.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from calcml.core.errors import BudgetExceeded, CalcmlError, NoClosedFormError
from calcml.core.evaluate import Program
from calcml.core.expr import Expr, Symbol, number
from calcml.core.limits import DEFAULT_INTEGRATION_SECONDS
from calcml.symbolic import integrand
from calcml.symbolic.definite_steps import ftc_step, numeric_step
from calcml.symbolic.inputs import default_variable, to_expr, to_symbol
from calcml.symbolic.integrate import Budget, antiderivative, integrate_indefinite
from calcml.symbolic.limit_values import Undefined
from calcml.symbolic.limits import Infinity, NoLimit, as_point, limit
from calcml.symbolic.quadrature import DivergentIntegral, QuadResult, quad
from calcml.symbolic.simplify import simplify
from calcml.symbolic.steps import Step

#: Points at which F is sampled to look for jumps.
JUMP_SAMPLES = 2001


class UnreliableIntegral(NoClosedFormError):
    """No closed form was found and numeric quadrature cannot be trusted on this integral."""


@dataclass(frozen=True)
class IntegralResult:
    """A computed integral.

    Attributes:
        input, var: the integrand and the variable.
        lower, upper: the limits (None for an antiderivative).
        value: the float value of a definite integral (None when it has symbols).
        exact: the exact value or antiderivative; None for a numeric answer.
        method: "symbolic" or "numeric".
        error_estimate: 0 for exact answers, QUADPACK's bound (or the two-split gap) otherwise.
        verified: the antiderivative was differentiated back and F checked continuous (symbolic),
            or two independent quadratures agreed (numeric).
        steps: the steps tree (with steps=True), ending in the returned answer.
        antiderivative: the F used by the fundamental theorem.
        note: how the answer was obtained, in words.
    """

    input: Expr
    var: Symbol
    lower: Expr | Infinity | None
    upper: Expr | Infinity | None
    value: float | None
    exact: Expr | None
    method: str
    error_estimate: float
    verified: bool
    steps: Step | None = None
    antiderivative: Expr | None = None
    note: str = ""

    def __float__(self) -> float:
        if self.value is None:
            raise TypeError("this integral has symbols left; it has no single value")
        return float(self.value)

    def __str__(self) -> str:
        shown = str(self.exact) if self.exact is not None else repr(self.value)
        if self.method == "numeric":
            shown += f" (numeric, error estimate {self.error_estimate:.1e})"
        return shown

    def _repr_latex_(self) -> str:
        shown = self.exact.latex() if self.exact is not None else f"{self.value:.15g}"
        if self.lower is None:
            return f"$\\int {self.input.latex()}\\,d{self.var.name} = {shown} + C$"
        return (f"$\\int_{{{_latex(self.lower)}}}^{{{_latex(self.upper)}}} {self.input.latex()}"
                f"\\,d{self.var.name} = {shown}$")  # fmt: skip


def _latex(p: Any) -> str:
    return p.latex() if hasattr(p, "latex") else str(p)


def integrate(expr: Any, spec: Any = None, *, steps: bool = False, numeric: bool = False,
              seconds: float = DEFAULT_INTEGRATION_SECONDS) -> Expr | IntegralResult:  # fmt: skip
    """∫ expr d(var), or ∫_a^b expr d(var).

    Arguments:
        expr: the integrand (expression or text).
        spec: the variable (antiderivative), or `(var, a, b)` (definite integral). Limits are
            numbers, expressions (`pi/2`), infinities (`"oo"`, `"-inf"`, `float("inf")`), or a
            symbol for the upper limit: `(t, a, x)` gives the accumulation function
            F(x) - F(a), whose derivative is f(x).
        steps: return an `IntegralResult` with the steps tree.
        numeric: skip the symbolic search and use quadrature (definite integrals only).
        seconds: the time budget of the antiderivative search.

    Returns:
        An antiderivative or accumulation function (`Expr`, without `+ C`), or an
        `IntegralResult` (always for numeric limits; for the others with `steps=True`).

    Raises:
        NoClosedFormError: no antiderivative and no numeric fallback (indefinite integrals).
        DivergentIntegral: the integral diverges. UnreliableIntegral: no closed form, and
            quadrature cannot be trusted.

    >>> from calcml import symbol, exp
    >>> x = symbol("x")
    >>> integrate(x**2, (x, 0, 3)).value
    9.0
    >>> integrate(exp(-x), (x, 0, "oo")).exact
    1
    >>> t = symbol("t")
    >>> integrate(2*t, (t, 1, x))
    x**2 - 1
    """
    f = to_expr(expr)
    if spec is None or isinstance(spec, Symbol | str):
        x = default_variable(f, spec)
        if numeric:
            raise ValueError("--numeric needs limits: numeric quadrature is for definite integrals")
        return _indefinite(f, x, steps, seconds)
    if not isinstance(spec, tuple | list) or len(spec) != 3:
        raise ValueError("the limits must be (var, a, b)")
    x, a, b = to_symbol(spec[0]), as_point(spec[1]), as_point(spec[2])
    if any(isinstance(p, Expr) and p.has(x) for p in (a, b)):
        raise ValueError(f"the limits must not contain the variable {x.name}")
    symbolic_limits = [isinstance(p, Expr) and bool(p.free_symbols) for p in (a, b)]
    if any(symbolic_limits):
        return _accumulation(f, x, a, b, steps, seconds)
    if numeric:
        return _numeric(f, x, a, b, "numeric quadrature (asked for)")
    return _definite(f, x, a, b, seconds)


def _indefinite(f: Expr, x: Symbol, steps: bool, seconds: float) -> Expr | IntegralResult:
    found = integrate_indefinite(f, x, steps=steps, seconds=seconds)
    if not steps:
        return found
    note = f"found by {found.method}"
    if not found.verified:  # the check could not decide: say why
        note += f"; not verified: {found.check.note}"
    return IntegralResult(f, x, None, None, None, found.result, "symbolic", 0.0, found.verified,
                          found.steps, found.result, note)  # fmt: skip


def _antiderivative(f: Expr, x: Symbol, seconds: float) -> Any:
    """The search's `Antiderivative`, None when no method finds one, "budget" when time ran out."""
    try:
        return antiderivative(f, x, budget=Budget(seconds))
    except BudgetExceeded:
        return "budget"


def _accumulation(f: Expr, x: Symbol, a: Any, b: Any, steps: bool, seconds: float
                  ) -> Expr | IntegralResult:  # fmt: skip
    """∫_a^b f with a symbolic limit: F(b) - F(a), a function of the limits' symbols."""
    found = _antiderivative(f, x, seconds)
    if found is None or found == "budget":
        why = "no antiderivative" if found is None else f"the {seconds:g} s budget ran out; no " \
              "antiderivative"  # fmt: skip
        raise NoClosedFormError(f"{why} of {f} found, so ∫ with a variable limit has no closed "
                                "form here")  # fmt: skip
    F = found.result
    ends = [_value_at(F, x, p, side) for p, side in ((b, "-"), (a, "+"))]
    result = ends[0] - ends[1]
    if not steps:
        return result
    step = ftc_step(f, x, F, [a, b], [(ends[0], ends[1])], [False, False], result, found.step)
    return IntegralResult(f, x, a, b, None, result, "symbolic", 0.0, True, step, F,
                          "accumulation function: its derivative is the integrand")  # fmt: skip


def _value_at(F: Expr, x: Symbol, p: Any, side: str, cut: bool = False) -> Expr:
    """F at a limit point: substitution where F is continuous there, else a one-sided limit."""
    if isinstance(p, Expr) and not cut and (p.free_symbols or
                                            _continuous_at(F, x, float(p), side)):  # fmt: skip
        return F.subs({x: p})
    try:
        v = limit(F, x, p, side)
    except Undefined as exc:  # F is not real there: not this theorem's business, go numeric
        raise ValueError(f"the antiderivative is not real near {p}: {exc}") from None
    except NoLimit as exc:
        raise DivergentIntegral(f"the integral does not converge at {_text(p)}: {exc}",
                                str(p)) from None
    if isinstance(v, Infinity):
        raise DivergentIntegral(f"the integral diverges at {_text(p)}: the antiderivative tends "
                                f"to {v.text()}", str(p))  # fmt: skip
    return v


def _sampled(F: Expr, x: Symbol) -> Expr:
    """F with its parameters at sample values (positive, as in the Rubi convention), for the
    numeric continuity checks of an answer that keeps the parameters symbolic."""
    params = sorted(F.free_symbols - {x}, key=lambda s: s.name)
    return F.subs({p: number(1.25 + 0.17 * i) for i, p in enumerate(params)}) if params else F


def _on_pole(F: Expr, x: Symbol, p: Any) -> bool:
    """Is the finite point p a zero of a denominator, log argument or tan/sec pole inside F?"""
    if isinstance(p, Infinity):
        return False
    t = float(p)
    for g in integrand.features(_sampled(F, x), x)["pole"]:
        with np.errstate(all="ignore"):
            v = float(np.asarray(Program([g], [x])(np.float64(t))[0], dtype=float))
        if not math.isfinite(v) or abs(v) <= 1e-12:
            return True
    return False


def _continuous_at(F: Expr, x: Symbol, t: float, side: str) -> bool:
    """F finite at t and no jump between t and a point just inside the range."""
    h = 1e-9 * (1 + abs(t)) * (1 if side == "+" else -1)
    with np.errstate(all="ignore"):
        v = np.asarray(Program([_sampled(F, x)], [x])(np.array([t, t + h]))[0], dtype=float)
    v = np.broadcast_to(v, (2,))
    return bool(np.all(np.isfinite(v)) and abs(v[1] - v[0]) <= 1e-6 * (1 + abs(v[0])))


def _definite(f: Expr, x: Symbol, a: Any, b: Any, seconds: float) -> IntegralResult:
    lo, hi = float(a), float(b)
    if lo > hi:
        r = _definite(f, x, b, a, seconds)
        exact = None if r.exact is None else -r.exact
        return IntegralResult(f, x, a, b, None if r.value is None else -r.value, exact, r.method,
                              r.error_estimate, r.verified, r.steps, r.antiderivative,
                              r.note + " (limits swapped: the sign flips)")  # fmt: skip
    numeric_ok = not (f.free_symbols - {x})
    found = _antiderivative(f, x, seconds)
    if found is None or found == "budget":
        why = ("no closed-form antiderivative found" if found is None else
               f"the {seconds:g} s budget ran out before an antiderivative was found")  # fmt: skip
        if not numeric_ok:
            raise NoClosedFormError(f"{why}, and {f} has parameters, so numeric quadrature "
                                    "cannot stand in")  # fmt: skip
        return _numeric(f, x, a, b, why)
    F = found.result
    try:
        if not numeric_ok:
            _no_pole_for_sampled_parameters(f, F, x, lo, hi)
        cuts = _cut_points(f, F, x, lo, hi) if numeric_ok else []
        edges = [a, *cuts, b]
        singular = [(i > 0 and i < len(edges) - 1) or _on_pole(F, x, e)
                    for i, e in enumerate(edges)]  # fmt: skip
        parts = [(_value_at(F, x, q, "-", singular[i + 1]), _value_at(F, x, p, "+", singular[i]))
                 for i, (p, q) in enumerate(itertools.pairwise(edges))]  # fmt: skip
    except DivergentIntegral:
        raise
    except (CalcmlError, ValueError, ArithmeticError) as exc:
        if not numeric_ok:
            raise
        return _numeric(f, x, a, b, f"the fundamental theorem could not be completed ({exc})")
    exact = simplify(sum((hi_v - lo_v for hi_v, lo_v in parts), number(0)))
    value = _float(exact)
    check: QuadResult | None = None
    if numeric_ok:
        try:
            check = quad(f, x, a, b)
        except DivergentIntegral:
            raise
        except (CalcmlError, ValueError, ArithmeticError):
            check = None
        if check is not None and check.reliable and value is not None and abs(
                check.value - value) > max(1e3 * check.error_estimate, 1e-8 * abs(value)):
            return _numeric(f, x, a, b, f"the symbolic value {value:.12g} disagreed with "
                                        "quadrature, so the numeric one is given")  # fmt: skip
    step = ftc_step(f, x, F, edges, parts, singular, exact, found.step)
    note = "fundamental theorem" + (f", split at {', '.join(map(str, cuts))}" if cuts else "")
    return IntegralResult(f, x, a, b, value, exact, "symbolic", 0.0, True, step, F, note)


def _float(e: Expr) -> float | None:
    if e.free_symbols:
        return None
    return float(e)


def _no_pole_for_sampled_parameters(f: Expr, F: Expr, x: Symbol, lo: float,
                                    hi: float) -> None:  # fmt: skip
    """With parameters, F(b) - F(a) holds only if no pole of f or F falls in [a, b]: refuse
    when one does for some sampled parameter values (of either sign) rather than guess."""
    params = sorted((f.free_symbols | F.free_symbols) - {x}, key=lambda s: s.name)
    for values in ((0.5,), (1.3,), (2.7,), (-0.6,), (-1.9,)):
        env = {p: number(values[0] * (1 + 0.13 * i)) for i, p in enumerate(params)}
        feats = integrand.features(f.subs(env), x)["pole"]
        feats += integrand.features(F.subs(env), x)["pole"]
        inside = integrand.roots([g for g in feats if not g.free_symbols - {x}], x, lo, hi)
        if inside:
            names = ", ".join(p.name for p in params)
            raise NoClosedFormError(f"the integrand or its antiderivative has a pole inside "
                                    f"[{lo:g}, {hi:g}] for some values of {names}; the answer "
                                    "depends on the parameters")  # fmt: skip


def _cut_points(f: Expr, F: Expr, x: Symbol, lo: float, hi: float) -> list[Any]:
    """Where F must not be evaluated across: poles of f and jumps of F, as exact points."""
    feats = integrand.features(f, x)
    poles = integrand.roots(feats["pole"] + integrand.features(F, x)["pole"], x, lo, hi)
    jumps = _jumps(F, f, x, lo, hi, poles)
    cuts = sorted({*poles, *jumps})
    exact = [integrand.exact_point(c) for c in cuts]
    if any(isinstance(c, float) for c in exact):
        raise ValueError("a discontinuity of the antiderivative is at an irrational point")
    return [number(c) if not isinstance(c, Expr) else c for c in exact]


def _jumps(F: Expr, f: Expr, x: Symbol, lo: float, hi: float, poles: list[float]
           ) -> list[float]:  # fmt: skip
    """Points where F jumps: its increments disagree with f's trapezoid rule, at every scale."""
    if math.isinf(lo) or math.isinf(hi):
        grid = integrand.scan_grid(lo, hi)
    else:
        grid = np.linspace(lo, hi, JUMP_SAMPLES)[1:-1]
    prog = Program([F, f], [x])

    def values(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with np.errstate(all="ignore"):
            out = prog(np.asarray(t, dtype=float))
        return tuple(np.broadcast_to(np.asarray(v, dtype=float), np.shape(t)) for v in out)

    fv_big, fv = values(grid)
    if np.any(np.isfinite(fv) & ~np.isfinite(fv_big)):
        raise ValueError("the antiderivative is not finite everywhere the integrand is")
    with np.errstate(all="ignore"):
        d_big = np.diff(fv_big)
        expected = (fv[:-1] + fv[1:]) / 2 * np.diff(grid)
        scale = 1e-6 * (1 + np.max(np.abs(np.where(np.isfinite(fv_big), fv_big, 0))))
        bad = np.nonzero(np.isfinite(d_big) & np.isfinite(expected) &
                         (np.abs(d_big - expected) > max(scale, 1e-9)))[0]  # fmt: skip
    found: list[float] = []
    for i in bad[:20]:
        left, right = grid[i], grid[i + 1]
        if any(left <= p <= right for p in poles):
            continue
        for _ in range(80):
            mid = (left + right) / 2
            ends = values(np.array([left, mid, right]))[0]
            if abs(ends[1] - ends[0]) >= abs(ends[2] - ends[1]):
                right = mid
            else:
                left = mid
            if right - left <= 4e-16 * (1 + abs(mid)):
                break
        ends = values(np.array([left, right]))[0]
        if abs(ends[1] - ends[0]) > max(scale, 1e-9):
            found.append(float((left + right) / 2))
    return found


def _numeric(f: Expr, x: Symbol, a: Any, b: Any, why: str) -> IntegralResult:
    r = quad(f, x, a, b)
    if not r.reliable:
        raise UnreliableIntegral(f"{why + '; ' if why else ''}numeric quadrature is {r.note}; "
                                 "calcml will not give a number it cannot vouch for")  # fmt: skip
    step = numeric_step(f, x, a, b, r.value, r.error_estimate, r.note)
    return IntegralResult(f, x, a, b, r.value, None, "numeric", r.error_estimate, True, step,
                          None, f"{why + ': ' if why else ''}{r.note}")  # fmt: skip


def _text(p: Any) -> str:
    """A point as the human printer writes it (`π/2`, `∞`), for messages."""
    return p.text() if isinstance(p, Expr | Infinity) else str(p)


def _show(p: Any) -> Any:
    """A bound for a step: expressions as they are, infinities as `∞` like the printer's text."""
    if isinstance(p, Expr):
        return p
    return p.text() if isinstance(p, Infinity) else str(p)
