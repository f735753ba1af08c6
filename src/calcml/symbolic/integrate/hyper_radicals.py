"""Roots of hyperbolic expressions that the Pythagorean identity turns into single powers.

cosh² x − sinh² x = 1 makes 1 + sinh² x = cosh² x, 1 − sech² x = tanh² x, csch x + sinh x =
cosh² x/sinh x, and so on: under a root such an expression B is c·sinhᵃ x·coshᵇ x (c > 0), and

    Bᵖ = K·c^p·sinh^(a·p) x·cosh^(b·p) x,   K = Bᵖ/(c^p·sinh^(a·p) x·cosh^(b·p) x),

where K is +1 or −1 and constant on each interval where sinh x keeps its sign (K = 1 wherever
Bᵖ is defined, unless a·p is an odd integer: then K = sign(sinh x), as √(cosh² x − 1) =
|sinh x|). The constant factor goes outside the integral:

    ∫ √(cosh² x − 1) dx = (√(cosh² x − 1)/sinh x)·∫ sinh x dx = √(cosh² x − 1)·coth x.

B is recognised numerically (log |B| fitted as log c + a·log|sinh x| + b·log cosh x at a few
points, a and b rounded to integers, c to a small fraction) and the identity B = c·sinhᵃ·coshᵇ is
then confirmed by the usual random-point check, so nothing unconfirmed is ever used.
"""

from __future__ import annotations

import math
from fractions import Fraction

from calcml.core.evaluate import evaluate_float
from calcml.core.expr import Apply, Expr, Number, Pow, Symbol, mul, number, power
from calcml.core.registry import COSH, SINH, TANH
from calcml.symbolic.integrate.base import Antiderivative, Context, factors, free_of, make
from calcml.symbolic.steps import Step
from calcml.symbolic.verify import agree

_HYPERBOLIC = frozenset({"sinh", "cosh", "tanh", "coth", "sech", "csch"})

#: Largest |a|, |b| in B = c·sinhᵃ·coshᵇ recognised (textbook radicands are of low degree).
MAX_DEGREE = 8

#: Sample points for the fit (x > 0, where sinh x > 0) and for the sign check (x < 0).
_FIT_POINTS = (0.31, 0.77, 1.29, 1.83)
_SIGN_POINT = -0.93

_HINT = ("cosh² x − sinh² x = 1 writes the radicand as c·sinhᵃ x·coshᵇ x; the factor "
         "Bᵖ/(c^p·sinh^(ap) x·cosh^(bp) x) is ±1, constant on each interval where sinh x keeps "
         "its sign, so it comes outside the integral")  # fmt: skip


def pythagorean_radical(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ R·Bᵖ dx with B = c·sinhᵃ x·coshᵇ x by cosh² − sinh² = 1, p a fraction."""
    for f in factors(expr):
        if not _is_root_of_hyperbolic(f, var):
            continue
        shape = _monomial(f.base, var)
        if shape is None:
            continue
        found = _integrate_monomial(expr, f, shape, var, ctx)
        if found is not None:
            return found
    return None


def _is_root_of_hyperbolic(f: Expr, var: Symbol) -> bool:
    if not (isinstance(f, Pow) and isinstance(f.exp, Number)):
        return False
    p = f.exp.value
    if not isinstance(p, Fraction) or p.denominator == 1 or free_of(f.base, var):
        return False
    return _only_hyperbolic(f.base, var)


def _only_hyperbolic(b: Expr, var: Symbol) -> bool:
    """var occurs in b only as the argument of sinh, cosh, tanh, coth, sech, csch."""
    stack = [b]
    while stack:
        node = stack.pop()
        if node is var:
            return False
        if isinstance(node, Apply) and not free_of(node, var):
            if node.prim.name not in _HYPERBOLIC or node.arg is not var:
                return False
            continue
        stack.extend(node.args)
    return True


def _monomial(b: Expr, var: Symbol) -> tuple[Fraction, int, int] | None:
    """(c, a, b) with B = c·sinhᵃ·coshᵇ, c a positive fraction, confirmed; None otherwise."""

    rows, values = [], []
    for x0 in _FIT_POINTS:
        v = _value(b, var, x0)
        if v is None or v == 0:
            return None
        rows.append((math.log(math.sinh(x0)), math.log(math.cosh(x0))))
        values.append(math.log(abs(v)))
    fit = _solve(rows, values)
    if fit is None:
        return None
    a, bb = (round(t) for t in fit)
    if max(abs(a - fit[0]), abs(bb - fit[1])) > 1e-6 or max(abs(a), abs(bb)) > MAX_DEGREE:
        return None
    c = _constant(b, var, a, bb)
    if c is None or c <= 0 or (a == 0 and bb == 0):
        return None
    x = var
    candidate = mul(c, power(SINH(x), a), power(COSH(x), bb))
    return (c, a, bb) if agree(b, candidate, var) else None


def _value(e: Expr, var: Symbol, x0: float) -> float | None:
    try:
        v = evaluate_float(e, {var.name: x0})
    except (ArithmeticError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _solve(rows: list[tuple[float, float]], values: list[float]) -> tuple[float, float] | None:
    """Least squares for log|B| = log c + a·s + b·t (the normal equations, 3×3)."""
    import numpy as np

    m = np.array([[1.0, s, t] for s, t in rows])
    sol, *_ = np.linalg.lstsq(m, np.array(values), rcond=None)
    if not np.all(np.isfinite(sol)):
        return None
    return float(sol[1]), float(sol[2])


def _constant(b: Expr, var: Symbol, a: int, bb: int) -> Fraction | None:
    """c = B/(sinhᵃ·coshᵇ), the same at x > 0 and x < 0, as a small fraction."""
    ratios = []
    for x0 in (_FIT_POINTS[0], _SIGN_POINT):
        v = _value(b, var, x0)
        if v is None:
            return None
        ratios.append(v / (math.sinh(x0) ** a * math.cosh(x0) ** bb))
    if not math.isclose(ratios[0], ratios[1], rel_tol=1e-9):
        return None
    c = Fraction(ratios[0]).limit_denominator(1000)
    return c if math.isclose(float(c), ratios[0], rel_tol=1e-12) else None


def _integrate_monomial(expr: Expr, f: Pow, shape: tuple[Fraction, int, int], var: Symbol,
                        ctx: Context) -> Antiderivative | None:  # fmt: skip
    c, a, b = shape
    p = f.exp.value
    n, m = a * p, b * p
    if n.denominator != 1 and a % 2 == 0:
        return None  # |sinh x|^n with n fractional: no power of sinh x equals it for x < 0
    single = mul(power(c, p), _powers(var, n, m))
    rest = mul(*(g for g in factors(expr) if g is not f))
    new = mul(rest, single)
    sign = None
    if n.denominator == 1 and n.numerator % 2:
        sign = mul(f, power(single, -1))  # ±1: sign(sinh x)
    inner = ctx.integrate(new, var)
    if inner is None:
        return None
    k = number(1) if sign is None else sign
    identity = Step("Pythagorean identity", expr, mul(k, new), (), "",
                    (("radicand", mul(c, power(SINH(var), a), power(COSH(var), b))),),
                    hint=_HINT)  # fmt: skip
    if sign is None:
        return make("Pythagorean identity", expr, var, inner.result, (identity, inner),
                    method="Pythagorean radical", hint=_HINT)  # fmt: skip
    result = mul(sign, inner.result)
    return make("Pythagorean identity", expr, var, result, (identity, inner),
                (("constant on each interval", sign),), "Pythagorean radical", _HINT)


def _powers(var: Symbol, n: Fraction, m: Fraction) -> Expr:
    """sinhⁿ·coshᵐ, written tanhⁿ when m = −n."""
    if n == -m:
        return power(TANH(var), number(n))
    return mul(power(SINH(var), number(n)), power(COSH(var), number(m)))


__all__ = ["pythagorean_radical"]
