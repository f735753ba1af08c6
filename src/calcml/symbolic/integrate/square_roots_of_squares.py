"""Roots of perfect squares: √(S²·R) = |S|·√R, and |S|ᵏ = sign(S)ᵏ·Sᵏ with sign(S) constant.

√(x² + 2x + 1)/√(x² + 1) is |x + 1|/√(x² + 1). Where S ≠ 0, sign(S) is constant, so for an
integrand |S|ᵏ·h(x), ∫ |S|ᵏ·h dx = sign(S)ᵏ·∫ Sᵏ·h dx on each interval where S keeps its sign
(the answer, like the integrand's |S|, jumps only where S = 0).
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from flint import fmpq_poly

from calcml.core.expr import Expr, Mul, Number, Pow, Symbol, mul, power
from calcml.core.registry import SIGN
from calcml.symbolic.integrate.base import Antiderivative, Context, make
from calcml.symbolic.integrate.explain import rewritten
from calcml.symbolic.polys import from_poly, from_rational, to_rational


def square_root_of_square(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ (S²·R)^(k/2)·h dx = sign(S)ᵏ·∫ Sᵏ·R^(k/2)·h dx, k odd."""
    if ctx.active.get("substitution", 0) or ctx.active.get("integration by parts", 0):
        return None  # deep in a search a square under a root is a detour (and costs seconds)
    factors = expr.args if isinstance(expr, Mul) else (expr,)
    for f in factors:
        split = _split(f, var)
        if split is None:
            continue
        s, r_part, k = split
        rest = [g for g in factors if g is not f]
        new = mul(*rest, power(s, k), r_part)
        if _imaginary_constant(new):
            return None  # a negative constant left under the root: (−1)^(3/2) is not real
        inner = ctx.integrate(new, var)
        if inner is None:
            return None
        signed = mul(SIGN(s), new)  # = expr wherever S ≠ 0, since |S| = sign(S)·S
        result = mul(SIGN(s), inner.result)
        pulled = make("constant sign", signed, var, result, (inner,), (("S", s),),
                      hint="sign(S) is constant where S ≠ 0: ∫ sign(S)·g dx = sign(S)·∫ g dx")
        found = rewritten("square root of a square", expr, var, signed, pulled, hint=_HINT)
        return Antiderivative(found.result, replace(found.step, hint=_HINT), found.method)
    return None


def _imaginary_constant(e: Expr) -> bool:
    """Does e hold a negative number to a fractional power?"""
    return any(isinstance(n, Pow) and isinstance(n.base, Number) and n.base.value < 0
               and isinstance(n.exp, Number) and Fraction(n.exp.value).denominator != 1
               for n in e.walk())  # fmt: skip


_HINT = "√(S²·R) = |S|·√R = sign(S)·S·√R, and sign(S) is constant where S ≠ 0"


def _split(f: Expr, var: Symbol) -> tuple[Expr, Expr, int] | None:
    """(S, R^(k/2), k) with f = (S²·R)^(k/2), k odd, S not constant; None otherwise."""
    if not (isinstance(f, Pow) and isinstance(f.exp, Number) and f.exp.is_exact
            and Fraction(f.exp.value).denominator == 2 and f.base.has(var)):  # fmt: skip
        return None
    pq = to_rational(f.base, var)
    if pq is None:
        return None
    (s_num, r_num), (s_den, r_den) = (_square_part(p) for p in pq)
    if s_num.degree() < 1 and s_den.degree() < 1:
        return None
    e = f.exp
    s = from_rational(s_num, s_den, var) if s_den.degree() > 0 else from_poly(s_num, var)
    r_part = mul(power(from_poly(r_num, var), e), power(from_poly(r_den, var), mul(-1, e)))
    return s, r_part, int(Fraction(e.value) * 2)


def _square_part(p: fmpq_poly) -> tuple[fmpq_poly, fmpq_poly]:
    """(S, R) with p = S²·R, R squarefree up to its constant (positive S's leading term)."""
    content, factored = p.factor()
    s, r = fmpq_poly([1]), fmpq_poly([content])
    for g, m in factored:
        s *= g ** (m // 2)
        r *= g ** (m % 2)
    return s, r

