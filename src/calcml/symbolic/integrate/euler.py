"""Rational functions of x and one √(a·x² + b·x + c): conjugates, then Euler's substitutions.

Write y = √Q. Any rational function of x and y is A(x) + B(x)·y, because y² = Q: a denominator
p + q·y is cleared with its conjugate, (p − q·y)/(p² − q²·Q). That rewrite alone turns
1/(x − √(x² + 1)) into −x − √(x² + 1). What is still not done by the methods tried before is
made rational by one of Euler's substitutions, each an exact definition of t (so it holds on
every interval, not on one branch):

- Q = a·(x − r)(x − s) with rational roots: t = √Q/(x − r), so x = (a·s − r·t²)/(a − t²);
- a = k² a rational square: t = √Q + k·x, so x = (t² − c)/(b + 2k·t);
- c = k² a rational square: t = (√Q − k)/x, so x = (2k·t − b)/(a − t²).

The rational integrand in t goes back to the search (partial fractions), and t is put back.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import NamedTuple

from flint import fmpq_poly

from calcml.core.evaluate import substitute
from calcml.core.expr import HALF, Add, Expr, Number, Pow, Symbol, add, mul, number, power, symbol
from calcml.symbolic.integrate.algebra import ParamField
from calcml.symbolic.integrate.base import Antiderivative, Context
from calcml.symbolic.integrate.explain import rewritten, substituted
from calcml.symbolic.integrate.parametric import to_mpoly
from calcml.symbolic.polys import fraction, from_poly, from_rational, to_poly, to_rational

#: Highest degree in x of the rationalized numerator and denominator.
MAX_DEGREE = 16


class Surd(NamedTuple):
    """The one quadratic Q under odd powers of a square root, as written and as a polynomial."""

    base: Expr
    q: fmpq_poly
    radicals: tuple[Pow, ...]


def find_surd(expr: Expr, var: Symbol) -> Surd | None:
    """The quadratic Q when every radical in expr is Q^(k/2) for one Q; None otherwise."""
    radicals: dict[Pow, None] = {}
    bases = set()
    for node in expr.walk():
        if isinstance(node, Pow) and node.has(var) and not _integer_power(node):
            if not (isinstance(node.exp, Number) and node.exp.is_exact
                    and Fraction(node.exp.value).denominator == 2):  # fmt: skip
                return None
            radicals[node] = None
            bases.add(node.base)
    if len(bases) != 1:
        return None
    base = bases.pop()
    q = to_poly(base, var)
    if q is None or q.degree() != 2:
        return None
    return Surd(base, q, tuple(radicals))


def _integer_power(node: Pow) -> bool:
    return isinstance(node.exp, Number) and isinstance(node.exp.value, int)


def in_y(expr: Expr, surd: Surd, var: Symbol) -> tuple[list[fmpq_poly], list[fmpq_poly]] | None:
    """expr = (n0 + n1·y)/(d0 + d1·y) with y = √Q, each n, d a polynomial in x over Q."""
    y = symbol("_surd")
    mapping = {r: power(y, int(Fraction(r.exp.value) * 2)) for r in surd.radicals}
    field = ParamField(var, [y])
    pq = to_mpoly(substitute(expr, mapping), field)
    if pq is None:
        return None
    return _reduced(pq[0], surd.q), _reduced(pq[1], surd.q)


def _reduced(p, q: fmpq_poly) -> list[fmpq_poly]:
    """Σ c·x^i·y^j with y² = Q, as [part free of y, coefficient of y]."""
    out = [fmpq_poly([0]), fmpq_poly([0])]
    for (i, j), c in p.terms():
        out[j % 2] += fmpq_poly([0] * i + [c]) * q ** (j // 2)
    return out


def in_parts(ctx: Context) -> bool:
    """Is this integral the ∫ v·du of an integration by parts? The heavy algebraic methods stay
    out of it: an algebraic ∫ v·du that needs them marks a detour, whose answer would be far
    longer than the one another method (expanding, say) finds for the whole integrand."""
    return ctx.active.get("integration by parts", 0) > 0


def conjugate(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ R(x, √Q) dx with √Q in a denominator or in a power of a sum: multiply by the conjugate,
    so that the integrand is A(x) + B(x)·√Q, and integrate that."""
    if in_parts(ctx):
        return None
    surd = find_surd(expr, var)
    if surd is None:
        return None
    parts = in_y(expr, surd, var)
    if parts is None:
        return None
    (n0, n1), (d0, d1) = parts
    if (d0.is_zero() or d1.is_zero()) and not _in_a_sum(expr, surd):
        return None  # already A(x) + B(x)·Q^(k/2): nothing to rationalize
    den = d0 * d0 - d1 * d1 * surd.q
    if den.is_zero() or max(den.degree(), n0.degree() + d0.degree()) > MAX_DEGREE:
        return None
    free = n0 * d0 - n1 * d1 * surd.q
    with_root = n1 * d0 - n0 * d1
    new = add(_ratio(free, den, var), mul(_ratio(with_root, den, var), power(surd.base, HALF)))
    if new is expr:
        return None
    inner = ctx.integrate(new, var)
    if inner is None:
        return None
    found = rewritten("multiply by the conjugate", expr, var, new, inner, hint=_CONJUGATE)
    return Antiderivative(found.result, replace(found.step, hint=_CONJUGATE), found.method)


_CONJUGATE = "1/(p + q·√Q) = (p − q·√Q)/(p² − q²·Q), then ∫ (A(x) + B(x)·√Q) dx"


def _in_a_sum(expr: Expr, surd: Surd) -> bool:
    """Is some power of √Q a term of a sum (as in (x + √Q)³)?"""
    radicals = set(surd.radicals)
    return any(isinstance(n, Add) and any(a in radicals for a in n.args) for n in expr.walk())


def _ratio(p: fmpq_poly, q: fmpq_poly, var: Symbol) -> Expr:
    g = p.gcd(q)
    p, q = p / g, q / g
    lead = q.leading_coefficient()
    return from_rational(p / lead, q / lead, var)


def euler(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ R(x, √Q) dx by the Euler substitution that keeps the coefficients rational."""
    from calcml.symbolic.diff import diff

    if in_parts(ctx):
        return None
    surd = find_surd(expr, var)
    if surd is None or in_y(expr, surd, var) is None:
        return None
    t = ctx.dummy("tuvw")
    choice = _choose(surd, var, t)
    if choice is None:
        ctx.release(t)
        return None
    t_of_x, x_of_t, root_of_t, kind = choice
    mapping = {r: power(root_of_t, int(Fraction(r.exp.value) * 2)) for r in surd.radicals}
    mapping[var] = x_of_t
    g = mul(substitute(expr, mapping), diff(x_of_t, t, verify=False))
    pq = to_rational(g, t)
    if pq is None:
        ctx.release(t)
        return None
    g = from_rational(*pq, t)
    inner = ctx.integrate(g, t)
    if inner is None:
        ctx.release(t)
        return None
    return substituted("Euler substitution", expr, var, t, t_of_x,
                       diff(t_of_x, var, verify=False), g, inner, hint=kind)  # fmt: skip


def _choose(surd: Surd, var: Symbol, t: Symbol) -> tuple[Expr, Expr, Expr, str] | None:
    """(t as a function of x, x as a function of t, √Q as a function of t, the rule in words)."""
    a, b, c = (fraction(surd.q[k]) for k in (2, 1, 0))
    root = power(surd.base, HALF)
    disc = b * b - 4 * a * c
    r_disc = _rational_sqrt(disc)
    if r_disc is not None and disc > 0:
        r, s = (-b + r_disc) / (2 * a), (-b - r_disc) / (2 * a)
        if r == 0 or (s != 0 and abs(s) < abs(r)):
            r, s = s, r  # t = √Q/x when 0 is a root: the simplest form
        x_of_t = mul(add(number(a * s), mul(number(-r), power(t, 2))),
                     power(add(number(a), mul(-1, power(t, 2))), -1))  # fmt: skip
        root_t = mul(number(a * (s - r)), t, power(add(number(a), mul(-1, power(t, 2))), -1))
        return (mul(root, power(add(var, number(-r)), -1)), x_of_t, root_t,
                "√Q = t·(x − r) at a root r of Q: x and √Q are rational in t")  # fmt: skip
    k = _rational_sqrt(a) if a > 0 else None
    if k is not None:
        x_of_t = mul(add(power(t, 2), number(-c)), power(add(number(b), mul(2 * k, t)), -1))
        return (add(root, mul(number(k), var)), x_of_t, add(t, mul(number(-k), x_of_t)),
                "√(a·x² + b·x + c) = t − √a·x: squaring leaves x linear in t")  # fmt: skip
    k = _rational_sqrt(c) if c > 0 else None
    if k is not None:
        x_of_t = mul(add(mul(2 * k, t), number(-b)),
                     power(add(number(a), mul(-1, power(t, 2))), -1))  # fmt: skip
        return (mul(add(root, number(-k)), power(var, -1)), x_of_t,
                add(mul(x_of_t, t), number(k)),
                "√(a·x² + b·x + c) = x·t + √c: squaring leaves x linear in t")  # fmt: skip
    return None


def _rational_sqrt(v: Fraction) -> Fraction | None:
    """√v when it is rational, else None."""
    if v < 0:
        return None
    from math import isqrt

    n, d = isqrt(v.numerator), isqrt(v.denominator)
    return Fraction(n, d) if n * n == v.numerator and d * d == v.denominator else None


__all__ = ["conjugate", "euler", "find_surd", "from_poly"]
