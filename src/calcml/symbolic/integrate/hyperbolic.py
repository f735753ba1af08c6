"""Rational functions of eˣ, sinh x and cosh x, through u = eˣ.

sinh kx = (uᵏ − u⁻ᵏ)/2, cosh kx = (uᵏ + u⁻ᵏ)/2, e^(kx) = uᵏ (k an integer) and dx = du/u turn
the integrand into a rational function of u for the rational integrator: ∫ eˣ/(1 + cosh x) dx,
∫ 1/(2 + sinh x) dx, ∫ 1/(3 + 5·cosh x) dx. The hyperbolic analogue of Bioche's rules and of the
Weierstrass substitution, written through the exponential as textbooks do.
"""

from __future__ import annotations

from fractions import Fraction

from calcml.core.evaluate import substitute
from calcml.core.expr import Apply, Expr, Number, Pow, Symbol, add, mul, power
from calcml.core.registry import EXP
from calcml.symbolic.integrate.base import Antiderivative, Context, free_of, split_constant
from calcml.symbolic.integrate.explain import substituted
from calcml.symbolic.polys import from_rational, to_rational

#: Largest |k| in e^(kx), sinh kx, cosh kx rewritten (the degree in u grows with it).
MAX_MULTIPLE = 6

_HALF = Fraction(1, 2)


def _sinh(w: Expr) -> Expr:
    return mul(_HALF, add(w, mul(-1, power(w, -1))))


def _cosh(w: Expr) -> Expr:
    return mul(_HALF, add(w, power(w, -1)))


#: By name, so that coth, sech and csch join once the registry has them.
_IN_U = {
    "exp": lambda w: w,
    "sinh": _sinh,
    "cosh": _cosh,
    "tanh": lambda w: mul(_sinh(w), power(_cosh(w), -1)),
    "coth": lambda w: mul(_cosh(w), power(_sinh(w), -1)),
    "sech": lambda w: power(_cosh(w), -1),
    "csch": lambda w: power(_sinh(w), -1),
}


def exponential_substitution(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ R(eˣ, sinh x, cosh x) dx = ∫ R(u, (u − 1/u)/2, (u + 1/u)/2) du/u with u = eˣ."""
    if not _is_quotient(expr, var):
        return None
    u = ctx.dummy()
    mapping = _mapping(expr, var, u)
    h = None if mapping is None else _rational_in(mul(substitute(expr, mapping),
                                                      power(u, -1)), var, u)  # fmt: skip
    inner = None if h is None else ctx.integrate(h, u)
    if inner is None:
        ctx.release(u)
        return None
    return substituted("exponential substitution", expr, var, u, EXP(var), EXP(var), h, inner,
                       hint=_HINT)  # fmt: skip


_HINT = ("u = eˣ, du = eˣ dx: sinh x = (u − 1/u)/2, cosh x = (u + 1/u)/2, so a rational "
         "function of eˣ, sinh x and cosh x becomes a rational function of u")  # fmt: skip


def _is_quotient(expr: Expr, var: Symbol) -> bool:
    """Only quotients (a negative power, or tanh, coth, sech, csch, which are quotients of
    sinh and cosh): polynomials in sinh and cosh have shorter answers by their powers."""
    return any((isinstance(n, Pow) and not free_of(n.base, var) and isinstance(n.exp, Number)
                and n.exp.value < 0)
               or (isinstance(n, Apply) and n.prim.name in _QUOTIENTS and not free_of(n, var))
               for n in expr.walk())  # fmt: skip


_QUOTIENTS = frozenset({"tanh", "coth", "sech", "csch"})


def _mapping(expr: Expr, var: Symbol, u: Symbol) -> dict[Expr, Expr] | None:
    """Each e^(kx), sinh kx, ... in u; None if some x is elsewhere (then R is not of the form)."""
    mapping: dict[Expr, Expr] = {}
    for node in expr.walk():
        if not (isinstance(node, Apply) and node.prim.name in _IN_U) or free_of(node.arg, var):
            continue
        k = _multiple(node.arg, var)
        if k is None:
            return None
        mapping[node] = _IN_U[node.prim.name](power(u, k))
    return mapping or None


def _multiple(arg: Expr, var: Symbol) -> int | None:
    if arg is var:
        return 1
    c, g = split_constant(arg, var)
    ok = g is var and isinstance(c, Number) and isinstance(c.value, int)
    return c.value if ok and 0 < abs(c.value) <= MAX_MULTIPLE else None


def _rational_in(h: Expr, var: Symbol, u: Symbol) -> Expr | None:
    if not free_of(h, var):
        return None
    pq = to_rational(h, u)
    return None if pq is None else from_rational(*pq, u)


__all__ = ["exponential_substitution"]
