"""∫ C(x)/√Q dx for a rational C whose denominator has rational linear factors only.

Partial fractions split C/√Q into P/√Q (a polynomial P, done by the quadratic-radical method)
and terms A/((x − r)^k·√Q). With v = x − r each of those is ∫ A/(v^k·√Q̃(v)) dv, Q̃(v) = Q(v + r),
whose answer T(v)·√Q̃/v^(k−1) + λ·∫ dv/√Q̃ + μ·∫ dv/(v·√Q̃) comes from matching coefficients
(radicals.reciprocal_radical). These are the textbook's answers (a logarithm or an arcsine of
(b·v + 2c)/(v·…)), far shorter than what Euler's substitutions give for the same integrands.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from flint import fmpq_poly

from calcml.core.evaluate import substitute
from calcml.core.expr import HALF, Expr, Symbol, add, mul, number, power, symbol
from calcml.symbolic.integrate.base import Antiderivative, Context, make
from calcml.symbolic.integrate.euler import find_surd, in_y
from calcml.symbolic.integrate.explain import rewritten
from calcml.symbolic.integrate.radicals import reciprocal_radical
from calcml.symbolic.integrate.rational import partial_fractions
from calcml.symbolic.polys import fraction, from_poly

#: Most partial-fraction terms this method integrates one by one.
MAX_TERMS = 8


def root_fractions(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ C(x)/√Q dx = ∫ P/√Q dx + Σ ∫ A/((x − r)^k·√Q) dx."""
    split = rational_over_root(expr, var)
    if split is None:
        return None
    c_num, c_den, surd = split
    if c_den.degree() == 0:  # a common factor cancelled: P/√Q, the quadratic-radical case
        return _polynomial_over_root(expr, var, c_num / c_den[0], surd, ctx)
    quotient, rest = divmod(c_num, c_den)
    lead = c_den.leading_coefficient()
    pieces = partial_fractions(rest / lead, c_den / lead)
    if len(pieces) > MAX_TERMS or any(f.degree() != 1 for _, f, _ in pieces):
        return None
    if any(surd.q(-f[0]) == 0 for _, f, _ in pieces):
        return None  # a root of Q: Euler's third substitution does these
    root = power(surd.base, HALF)
    subs, terms = [], []
    if not quotient.is_zero():
        found = ctx.integrate(mul(from_poly(quotient, var), power(root, -1)), var)
        if found is None:
            return None
        subs.append(found)
    for c, f, k in pieces:
        ctx.budget.check()
        found = _shifted(fraction(c[0]), -fraction(f[0]), k, surd.q, root, var, ctx)
        if found is None:
            return None
        subs.append(found)
    terms = [s.step.expr for s in subs]
    result = add(*(s.result for s in subs))
    decomposition = add(*terms)
    rewrite = make("partial fractions", expr, var, result, tuple(subs),
                   (("decomposition", decomposition),), "quadratic radical")  # fmt: skip
    return rewrite


def _polynomial_over_root(expr: Expr, var: Symbol, p: fmpq_poly, surd,
                          ctx: Context) -> Antiderivative | None:  # fmt: skip
    """expr = P/√Q once a common factor of numerator and denominator cancels."""
    new = mul(from_poly(p, var), power(surd.base, -HALF))
    inner = ctx.integrate(new, var)
    if inner is None:
        return None
    found = rewritten("cancel a common factor", expr, var, new, inner, hint=_CANCEL,
                      method=inner.method)  # fmt: skip
    return Antiderivative(found.result, replace(found.step, hint=_CANCEL), found.method)


_CANCEL = "R(x)·√Q = R(x)·Q/√Q; a factor common to R·Q's numerator and denominator cancels"


def rational_over_root(expr: Expr, var: Symbol):
    """(numerator, denominator of C, the surd) with expr = C/√Q, C rational and not a
    polynomial; None otherwise."""
    surd = find_surd(expr, var)
    if surd is None:
        return None
    parts = in_y(expr, surd, var)
    if parts is None:
        return None
    (n0, n1), (d0, d1) = parts
    if n0.is_zero() and d1.is_zero() and not d0.is_zero():
        num, den = n1 * surd.q, d0  # n1·√Q/d0 = n1·Q/(d0·√Q)
    elif n1.is_zero() and d0.is_zero() and not d1.is_zero():
        num, den = n0, d1
    else:
        return None
    g = num.gcd(den)
    num, den = num / g, den / g
    if den.degree() < 1 and g.degree() < 1:
        return None  # already P/√Q
    return num, den, surd


def _shifted(a: Fraction, r: Fraction, k: int, q: fmpq_poly, root: Expr, var: Symbol,
             ctx: Context) -> Antiderivative | None:  # fmt: skip
    """∫ a/((x − r)^k·√Q) dx through v = x − r and the reciprocal-radical formula in v."""
    v = symbol("_shift")
    shifted_q = q(fmpq_poly([_fq(r), 1]))
    g = mul(number(a), power(v, -k), power(from_poly(shifted_q, v), -HALF))
    inner = reciprocal_radical(g, v, ctx)
    if inner is None:
        return None
    back = substitute(inner.result, {power(from_poly(shifted_q, v), HALF): root,
                                     v: add(var, number(-r))})  # fmt: skip
    term = mul(number(a), power(add(var, number(-r)), -k), power(root, -1))
    return make("quadratic radical", term, var, back, (),
                (("rule", "undetermined coefficients"), ("shift", add(var, number(-r)))))


def _fq(v: Fraction):
    from flint import fmpq

    return fmpq(v.numerator, v.denominator)
