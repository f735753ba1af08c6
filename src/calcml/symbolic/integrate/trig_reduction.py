"""Sums of fractional powers of sin x or cos x whose non-elementary parts cancel.

∫ cos^(1/2) x dx is not elementary (an elliptic integral), nor is ∫ cos^(−3/2) x dx, but their
sum is: the reduction formula

    ∫ cosⁿ x dx = cosⁿ⁻¹ x·sin x/n + (n − 1)/n·∫ cosⁿ⁻² x dx
    ∫ sinⁿ x dx = −sinⁿ⁻¹ x·cos x/n + (n − 1)/n·∫ sinⁿ⁻² x dx
    (and for cosh, sinh: ∫ sinhⁿ x dx = sinhⁿ⁻¹ x·cosh x/n − (n − 1)/n·∫ sinhⁿ⁻² x dx)

holds for every real n ≠ 0, so each power in a sum Σ cⱼ·cos^(pⱼ) x (all pⱼ equal modulo 2) is
moved, up or down in steps of 2, to one exponent p₀ in (−1, 1]. When the coefficients of
∫ cos^(p₀) x dx add up to 0, what is left is the answer: ∫ (√(cos x) + cos^(−3/2) x) dx =
2 sin x/√(cos x). With a common factor xᵐ the sum is the dv of integration by parts,
∫ xᵐ·S dx = xᵐ·V − ∫ m·xᵐ⁻¹·V dx with V = ∫ S dx.
"""

from __future__ import annotations

from fractions import Fraction
from math import floor

from calcml.core.expr import Add, Apply, Expr, Mul, Number, Pow, Symbol, add, mul, number, power
from calcml.core.registry import COS, COSH, CSC, SEC, SIN, SINH
from calcml.symbolic.integrate.base import Antiderivative, Context, make, op, split_constant
from calcml.symbolic.integrate.explain import plain
from calcml.symbolic.steps import Step

#: Most steps of 2 the reduction takes from any exponent to the base one.
MAX_STEPS = 12

_AS = {SIN: (SIN, 1), COS: (COS, 1), CSC: (SIN, -1), SEC: (COS, -1), SINH: (SINH, 1),
       COSH: (COSH, 1)}  # fmt: skip
#: f: (g, sign, rho) in ∫fⁿ = sign·fⁿ⁻¹·g/n + rho·(n − 1)/n·∫fⁿ⁻²
_FORMULA = {COS: (SIN, 1, 1), SIN: (COS, -1, 1), COSH: (SINH, 1, 1), SINH: (COSH, 1, -1)}
_HINT = ("∫ cosⁿ x dx = cosⁿ⁻¹ x·sin x/n + (n − 1)/n·∫ cosⁿ⁻² x dx, ∫ sinⁿ x dx = "
         "−sinⁿ⁻¹ x·cos x/n + (n − 1)/n·∫ sinⁿ⁻² x dx, for any n ≠ 0: the non-elementary "
         "integrals cancel")  # fmt: skip


def fractional_powers(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ xᵐ·Σ cⱼ·f(x)^(pⱼ) dx, f = sin or cos, pⱼ fractional and equal modulo 2."""
    shape = _shape(expr, var)
    if shape is None:
        return None
    m, prim, coeffs = shape
    v = reduce_sum(prim, coeffs, var)
    if v is None:
        return None
    s = add(*(mul(c, power(prim(var), p)) for p, c in coeffs.items()))
    v_step = plain("reduction formula", s, var, v, (), _HINT, "reduction formula")
    if m == 0:
        return v_step
    u, du = power(var, m), mul(m, power(var, m - 1))
    rest = mul(du, v)
    inner = ctx.integrate(rest, var)
    if inner is None:
        return None
    result = add(mul(u, v), mul(-1, inner.result))
    named = (("u", u), ("dv", s), ("du", du), ("v", v))
    formula = Step("parts formula", expr, mul(u, v), (), op(var), named,
                   integrals=((number(-1), rest, var),))  # fmt: skip
    return make("integration by parts", expr, var, result, (v_step, formula, inner), named,
                "reduction formula")  # fmt: skip


def _shape(expr: Expr, var: Symbol) -> tuple[int, Apply, dict[Fraction, Expr]] | None:
    """(m, sin or cos, {p: c}) with expr = x^m·Σ c·f(x)^p; None for another shape."""
    sums = [f for f in expr.args if isinstance(f, Add)] if isinstance(expr, Mul) else []
    if len(sums) == 1:  # x·(cos^(5/2) x − 3·√(cos x)/5): the sum distributed
        rest = mul(*(f for f in expr.args if f is not sums[0]))
        expr = add(*(mul(rest, t) for t in sums[0].args))
    terms = expr.args if isinstance(expr, Add) else (expr,)
    found: dict[Fraction, Expr] = {}
    ms, prims = set(), set()
    for t in terms:
        c, g = split_constant(t, var)
        m, prim, p = 0, None, None
        for f in g.args if isinstance(g, Mul) else (g,):
            base, e = (f.base, f.exp) if isinstance(f, Pow) else (f, number(1))
            if not (isinstance(e, Number) and e.is_exact):
                return None
            if isinstance(base, Pow) and base.exp is number(-1):  # (1/cosh x)^(3/2)
                base, e = base.base, number(-Fraction(e.value))
            if base is var and isinstance(e.value, int) and e.value > 0:
                m += e.value
            elif isinstance(base, Apply) and base.arg is var and base.prim in _AS and p is None:
                prim, sign = _AS[base.prim]
                p = sign * Fraction(e.value)
            else:
                return None
        if p is None or p.denominator == 1:
            return None
        ms.add(m)
        prims.add(prim)
        found[p] = add(found.get(p, number(0)), c)
    if len(ms) != 1 or len(prims) != 1 or len(found) < 2:
        return None
    if len({(p - min(found)) % 2 for p in found}) != 1:
        return None
    return ms.pop(), prims.pop(), found


def reduce_sum(prim: Apply, coeffs: dict[Fraction, Expr], var: Symbol) -> Expr | None:
    """∫ Σ c·f(x)^p dx by the reduction formula when the base integral's coefficient
    cancels; None otherwise.

    >>> from calcml import symbol
    >>> x = symbol("x")
    >>> reduce_sum(COS, {Fraction(1, 2): number(1), Fraction(-3, 2): number(1)}, x).text()
    '2·sin(x)/√(cos(x))'
    """
    p = next(iter(coeffs))
    p0 = p - 2 * floor((p + 1) / 2)  # the exponent in (−1, 1] that the others reduce to
    if max(abs(q - p0) for q in coeffs) > 2 * MAX_STEPS:
        return None
    # ∫fⁿ = sign·fⁿ⁻¹·g/n + rho·(n − 1)/n·∫fⁿ⁻², g the other function of the pair
    other, sign, rho = _FORMULA[prim]
    f, g = prim(var), other(var)
    c = dict(coeffs)
    parts: list[Expr] = []
    while max(c) > p0:  # down: n → n − 2
        n = max(c)
        k = c.pop(n)
        parts.append(mul(sign, k, Fraction(1) / n, power(f, n - 1), g))
        c[n - 2] = add(c.get(n - 2, number(0)), mul(k, rho * (n - 1) / n))
    while min(c) < p0:  # up: ∫fⁿ = (n+2)/(rho·(n+1))·∫fⁿ⁺² − sign·fⁿ⁺¹·g/(rho·(n+1))
        n = min(c)
        k = c.pop(n)
        parts.append(mul(-sign, k, Fraction(1) / (rho * (n + 1)), power(f, n + 1), g))
        c[n + 2] = add(c.get(n + 2, number(0)), mul(k, (n + 2) / (rho * (n + 1))))
    left = c.get(p0, number(0))
    if not (isinstance(left, Number) and left.value == 0):
        return None
    return add(*parts)


__all__ = ["fractional_powers", "reduce_sum"]
