"""Substitution u = q(x) for a quadratic q that the integrand only hides: (2x + 1)·g(x) with g a
function of x² + x although x² + x is nowhere written.

∫ x³·(1 + x)³·√(1 − x² − 2x³ − x⁴)·(1 + 2x) dx: the factor 2x + 1 is q′ for q = x² + x, and the
rest is unchanged by the reflection x → −1 − x, which fixes q. A polynomial unchanged by that
reflection is a polynomial in q (in y = x + 1/2 it is even, so a polynomial in y² = q + 1/4), so
g(x) = G(q(x)) and ∫ q′·G(q) dx = ∫ G(u) du. Derivative-divides finds u only where q is written
out; this method reads it off the linear factor.
"""

from __future__ import annotations

from fractions import Fraction

from flint import fmpq, fmpq_poly

from calcml.core.expr import Expr, Mul, Number, Pow, Symbol, mul, power
from calcml.symbolic.integrate.base import Antiderivative, Context, free_of, split_constant
from calcml.symbolic.integrate.explain import substituted
from calcml.symbolic.polys import fraction, from_poly, from_rational, to_poly, to_rational


def quadratic_inner(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ (α·x + β)·G(α·x²/2 + β·x) dx = ∫ G(u) du."""
    c, rest = split_constant(expr, var)
    factors = rest.args if isinstance(rest, Mul) else (rest,)
    for lin in factors:
        p = to_poly(lin, var)
        if p is None or p.degree() != 1:
            continue
        others = [f for f in factors if f is not lin]
        g = _in_u(others, var, p)
        if g is None:
            continue
        u = ctx.dummy()
        g_u = mul(c, _substitute_u(g, u))
        inner = ctx.integrate(g_u, u)
        if inner is None:
            ctx.release(u)
            return None
        q = from_poly(p.integral(), var)
        return substituted("substitution", expr, var, u, q, lin, g_u, inner,
                           hint="the other factors are unchanged by the reflection that fixes "
                                "q, so they are a function of q")  # fmt: skip
    return None


def _in_u(others: list[Expr], var: Symbol, lin: fmpq_poly):
    """The other factors as (rational part in u, [(radicand in u, exponent)]), or None when
    they are not all functions of q = ∫ lin."""
    alpha, beta = fraction(lin[1]), fraction(lin[0])
    s = -beta / alpha
    q_at_s = alpha * s * s / 2 + beta * s
    w_of_u = fmpq_poly([_fq(-q_at_s * 2 / alpha), _fq(2 / alpha)])  # (x − s)² in terms of u
    shift = fmpq_poly([_fq(s), 1])
    rational, radicals = [], []
    for f in others:
        if isinstance(f, Pow) and isinstance(f.exp, Number) and not isinstance(f.exp.value, int):
            radicals.append(f)
        elif free_of(f, var):
            return None  # constants were split off already
        else:
            rational.append(f)
    pq = to_rational(mul(*rational), var)
    if pq is None or not radicals:
        return None  # without a root, partial fractions do it
    num, den = (_even_in_u(p(shift), w_of_u) for p in pq)
    if num is None or den is None:
        return None
    converted = []
    for r in radicals:
        base = to_poly(r.base, var)
        b_u = None if base is None else _even_in_u(base(shift), w_of_u)
        if b_u is None:
            return None
        converted.append((b_u, r.exp))
    return num, den, converted


def _even_in_u(p: fmpq_poly, w_of_u: fmpq_poly) -> fmpq_poly | None:
    """p(y) even in y, as a polynomial in u through y² = w(u); None when p is not even."""
    coeffs = p.coeffs()
    if any(c != 0 for c in coeffs[1::2]):
        return None
    return fmpq_poly(coeffs[0::2] or [0])(w_of_u)


def _substitute_u(g, u: Symbol) -> Expr:
    num, den, radicals = g
    parts = [from_rational(num, den, u) if den.degree() > 0 else from_poly(num / den[0], u)]
    parts += [power(from_poly(b, u), e) for b, e in radicals]
    return mul(*parts)


def _fq(v: Fraction) -> fmpq:
    return fmpq(v.numerator, v.denominator)
