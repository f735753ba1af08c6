"""Even functions of x and √(p·x² + q): the substitution t = x/√(p·x² + q).

With Q = p·x² + q, t² = x²/Q gives x² = q·t²/(1 − p·t²), Q = q/(1 − p·t²) and
dt = q/Q^(3/2) dx, so R(x², √Q)·dx is a rational function of t whenever R is even in x:

    ∫ dx/((x² + 1)·√(x² + 2)) = ∫ dt/(1 + t²) = atan(x/√(x² + 2)).

This is how ∫ √(1 + sec² x) dx (u = tan x: ∫ √(u² + 2)/(u² + 1) du) and its kin come out in
the arctangent of a quotient, as the tables write them. Tried after the general radical methods,
which give shorter answers for the integrals they know.
"""

from __future__ import annotations

from fractions import Fraction

from calcml.core.evaluate import substitute
from calcml.core.expr import Expr, Number, Pow, Symbol, add, mul, number, power
from calcml.symbolic.integrate.base import Antiderivative, Context, free_of
from calcml.symbolic.integrate.explain import substituted

_HINT = ("t = x/√(p·x² + q): x² = q·t²/(1 − p·t²), p·x² + q = q/(1 − p·t²), "
         "dt = q/(p·x² + q)^(3/2) dx, so an even function of x and the root is rational in t")


def even_radical(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ R(x, √(p·x² + q)) dx with R even in x, by t = x/√(p·x² + q)."""
    from calcml.symbolic.polys import from_rational, to_rational

    quad = _radicand(expr, var)
    if quad is None:
        return None
    big_q, p, q = quad
    t = ctx.dummy("tuvw")
    sign = 1 if q > 0 else -1
    inner_q = mul(sign, add(1, mul(-p, power(t, 2))))  # s·(1 − p·t²) > 0 on the branch
    x_of_t = mul(number(abs(q)) ** Fraction(1, 2), t, power(inner_q, Fraction(-1, 2)))
    mapping = {n: mul(power(number(abs(q)), n.exp), power(inner_q, mul(-1, n.exp)))
               for n in expr.walk() if isinstance(n, Pow) and n.base is big_q}  # fmt: skip
    mapping[var] = x_of_t
    dx_dt = mul(sign, number(abs(q)) ** Fraction(1, 2), power(inner_q, Fraction(-3, 2)))
    h = mul(substitute(expr, mapping), dx_dt)
    pq = None if not free_of(h, var) else to_rational(h, t)
    if pq is None:
        ctx.release(t)
        return None
    h = from_rational(*pq, t)
    inner = ctx.integrate(h, t)
    if inner is None:
        ctx.release(t)
        return None
    u = mul(var, power(big_q, Fraction(-1, 2)))
    du = mul(q, power(big_q, Fraction(-3, 2)))
    return substituted("substitution", expr, var, t, u, du, h, inner,
                       method="even radical substitution", hint=_HINT)  # fmt: skip


def _radicand(expr: Expr, var: Symbol) -> tuple[Expr, Fraction, Fraction] | None:
    """(Q, p, q): the one base Q = p·x² + q (p, q ≠ 0 rational) of every half-integer power."""
    from calcml.symbolic.simplify import poly_coefficients

    bases = {n.base for n in expr.walk() if isinstance(n, Pow) and not free_of(n.base, var)
             and not (isinstance(n.exp, Number) and isinstance(n.exp.value, int))}  # fmt: skip
    if len(bases) != 1:
        return None
    big_q = bases.pop()
    for n in expr.walk():
        if isinstance(n, Pow) and n.base is big_q and not (
                isinstance(n.exp, Number) and Fraction(n.exp.value).denominator == 2):
            return None
    coeffs = poly_coefficients(big_q, var, max_degree=2)
    if coeffs is None or len(coeffs) != 3:
        return None
    q, lin, p = coeffs
    if not all(isinstance(c, Number) and c.is_exact for c in (q, lin, p)):
        return None
    if lin.value != 0 or q.value == 0 or p.value == 0:
        return None
    return big_q, Fraction(p.value), Fraction(q.value)


__all__ = ["even_radical"]
