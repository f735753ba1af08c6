"""Derivative-divides when x cancels only after the substitution: ∫ dx/(x + x·ln²(7x) + x·ln(7x)).

Derivative-divides replaces u = ln(7x) by a symbol and gives up when x is left over, here in
x/(x + x·U² + x·U): the quotient does not depend on x, but the light canonical form does not
cancel the common factor. This method checks, at random points, that the quotient g(x, U) is the
same function of U for every x, and if so integrates g(x₀, U) for one x₀ of the domain:

    ∫ dx/(x·(1 + ln(7x) + ln²(7x))) = ∫ dU/(1 + U + U²),  U = ln(7x).

The substitution step states ∫ f dx = ∫ g(x₀, U) dU, which the step checker confirms as
g(x₀, u(x))·u′(x) = f(x), and the answer is verified like every other.
"""

from __future__ import annotations

from fractions import Fraction

from calcml.core.evaluate import evaluate_float, substitute
from calcml.core.expr import Apply, Expr, Number, Pow, Symbol, mul, number, power
from calcml.symbolic.integrate.base import (
    Antiderivative,
    Context,
    free_of,
    linear_coefficients,
    split_constant,
)
from calcml.symbolic.integrate.explain import substituted
from calcml.symbolic.verify import agree

#: Most candidate u tried.
MAX_CANDIDATES = 6

#: Deepest sub-integral tried (1: the integrand itself): the check costs, and the textbook
#: integrals of this kind need it at the top, or under a constant factor.
MAX_DEPTH = 2

#: x₀ tried in turn, and the value of U at which g(x₀, U) must be finite.
_X0 = (Fraction(1), Fraction(2), Fraction(1, 2), Fraction(3))
_U_PROBE = 0.737


def cancelled_substitution(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ g(u(x))·u′(x) dx = ∫ g(u) du when expr/u′ is free of x only after cancellation."""
    from calcml.symbolic.diff import diff

    if ctx.depth > MAX_DEPTH:
        return None
    for u in _candidates(expr, var):
        ctx.budget.check()
        big_u = ctx.dummy()
        g = substitute(mul(expr, power(diff(u, var, verify=False), -1)), {u: big_u})
        g0 = _free_of_x(g, var, big_u)
        inner = None
        if g0 is not None and (g0 is g or agree(g, g0, var)):
            inner = ctx.integrate(g0, big_u)
        if inner is None:
            ctx.release(big_u)
            continue
        du = diff(u, var, verify=False)
        return substituted("substitution", expr, var, big_u, u, du, g0, inner,
                           method="substitution", hint=_HINT)  # fmt: skip
    return None


_HINT = ("∫ g(u(x))·u′(x) dx = ∫ g(u) du: f(x)/u′(x), written in u, no longer depends on x "
         "once common factors cancel")  # fmt: skip


def _free_of_x(g: Expr, var: Symbol, big_u: Symbol) -> Expr | None:
    """g(x₀, U) when g may not depend on x; g itself when it is a constant (∫ c·u′ dx = c·u,
    which derivative-divides leaves); None when derivative-divides has already tried g."""
    if free_of(g, var):
        return g if free_of(g, big_u) else None
    return _at_a_point(g, var, big_u)


def _candidates(expr: Expr, var: Symbol) -> list[Expr]:
    """Functions of x (ln(7x), e^(x²), √(1 + x), ...) that are not linear in x themselves."""
    found = {n for n in expr.walk()
             if isinstance(n, Apply | Pow) and not free_of(n, var) and n is not expr
             and linear_coefficients(n, var) is None
             and not (isinstance(n, Pow) and n.base is var and free_of(n.exp, var))}  # fmt: skip
    return sorted(found, key=lambda e: (-e.size(), e.key))[:MAX_CANDIDATES]


def _at_a_point(g: Expr, var: Symbol, big_u: Symbol) -> Expr | None:
    """g with x = x₀, for the first x₀ at which it is finite (at a sample U)."""
    for x0 in _X0:
        try:
            g0 = substitute(g, {var: number(x0)})
            value = evaluate_float(g0, {big_u.name: _U_PROBE})
        except (ArithmeticError, ValueError):  # DomainError, LimitError are ValueErrors
            continue
        if value == value and abs(value) != float("inf"):
            g0 = _rational_constant(g0, big_u)
            return None if _new_constants(g0) - _new_constants(g) else g0
    return None


def _new_constants(e: Expr) -> set[Expr]:
    """Functions of numbers (cos 1, ln 2): left in g(x₀, U) by x₀, they would make the answer
    carry constants such as cos 1 that cancel only numerically."""
    return {n for n in e.walk() if isinstance(n, Apply) and not n.free_symbols}


def _rational_constant(g0: Expr, big_u: Symbol) -> Expr:
    """The constant factor that x = x₀ leaves (cosh 1·sinh 1·(coth 1 − tanh 1)) written as the
    small fraction it equals, when it is one to 12 digits (the caller's check confirms it)."""
    c, rest = split_constant(g0, big_u)
    if isinstance(c, Number):
        return g0
    try:
        v = evaluate_float(c, {})
    except (ArithmeticError, ValueError):
        return g0
    q = Fraction(v).limit_denominator(1000) if v == v and abs(v) < 1e6 else None
    if q is None or q == 0 or abs(float(q) - v) > 1e-12 * abs(v):
        return g0
    return mul(number(q), rest)


__all__ = ["cancelled_substitution"]
