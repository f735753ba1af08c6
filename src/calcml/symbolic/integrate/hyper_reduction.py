"""Sums of powers of one hyperbolic function whose reduction formulas cancel, and ∫ xᵏ·(sum).

∫ cosh^p x dx for fractional p has no elementary antiderivative, but the reduction formulas

    ∫ coshᵖ x dx = sinh x·coshᵖ⁻¹ x/p + (p − 1)/p·∫ coshᵖ⁻² x dx,
    ∫ sinhᵖ x dx = cosh x·sinhᵖ⁻¹ x/p − (p − 1)/p·∫ sinhᵖ⁻² x dx      (p ≠ 0)

bring every power of a sum Σ cₚ·coshᵖ x (exponents a multiple of 2 apart) down to the lowest one;
when its coefficient comes out 0, the sum has an elementary antiderivative:

    ∫ (cosh^(−5/2) x − cosh^(−1/2) x/3) dx = 2·sinh x/(3·cosh^(3/2) x).

`common_factor` writes xᵏ·A + xᵏ·B as xᵏ·(A + B), so that integration by parts (u = xᵏ) sees
the sum whole after linearity has failed on its terms one by one.
"""

from __future__ import annotations

from fractions import Fraction

from calcml.core.expr import ZERO, Add, Expr, Number, Pow, Symbol, add, mul, number, power
from calcml.core.registry import COSH, SINH
from calcml.symbolic.integrate.base import Antiderivative, Context, factors, make, split_constant
from calcml.symbolic.integrate.explain import plain
from calcml.symbolic.integrate.hyper_powers import function_power
from calcml.symbolic.steps import Step

#: name -> (family, sign of the exponent): sech^p = cosh^(−p), csch^p = sinh^(−p).
_FAMILY = {"cosh": ("cosh", 1), "sech": ("cosh", -1), "sinh": ("sinh", 1), "csch": ("sinh", -1)}

#: Most reduction steps unrolled for one sum.
MAX_STEPS = 12


def reduction_sum(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ Σ cₚ·fᵖ x dx (f = sinh or cosh, some p fractional) by the reduction formulas."""
    shape = _terms(expr, var)
    if shape is None:
        return None
    family, coeffs = shape
    explicit: list[Expr] = []
    for _ in range(MAX_STEPS):
        if len(coeffs) <= 1:
            break
        top = max(coeffs)
        c = coeffs.pop(top)
        explicit.append(mul(c, _head(family, top, var)))
        below = top - 2
        coeffs[below] = add(coeffs.get(below, ZERO), mul(c, _ratio(family, top)))
        if coeffs[below] is ZERO:
            del coeffs[below]
    if len(coeffs) > 1:
        return None
    if coeffs:  # the lowest power left: elementary only if its own method finds it
        (low, c), = coeffs.items()
        rest = ctx.integrate(mul(c, power(_f(family, var), number(low))), var)
        if rest is None:
            return None
        explicit.append(rest.result)
    hint = _HINT[family]
    return plain("reduction formula", expr, var, add(*explicit), (), hint, "reduction formula")


_HINT = {
    "cosh": "∫ coshᵖ x dx = sinh x·coshᵖ⁻¹ x/p + (p − 1)/p·∫ coshᵖ⁻² x dx (p ≠ 0), applied "
            "until one power is left; its coefficient is 0",
    "sinh": "∫ sinhᵖ x dx = cosh x·sinhᵖ⁻¹ x/p − (p − 1)/p·∫ sinhᵖ⁻² x dx (p ≠ 0), applied "
            "until one power is left; its coefficient is 0",
}  # fmt: skip


def _f(family: str, var: Symbol) -> Expr:
    return COSH(var) if family == "cosh" else SINH(var)


def _head(family: str, p: Fraction, var: Symbol) -> Expr:
    other = SINH(var) if family == "cosh" else COSH(var)
    return mul(number(1 / p), other, power(_f(family, var), number(p - 1)))


def _ratio(family: str, p: Fraction) -> Expr:
    r = (p - 1) / p
    return number(r if family == "cosh" else -r)


def _terms(expr: Expr, var: Symbol) -> tuple[str, dict[Fraction, Expr]] | None:
    """(family, {p: cₚ}) for a sum of constant multiples of powers of one of sinh, cosh (or
    their reciprocals), the exponents a multiple of 2 apart, one at least fractional."""
    if not isinstance(expr, Add):
        return None
    family, coeffs = None, {}
    for term in expr.args:
        c, g = split_constant(term, var)
        found = function_power(g, var)
        if found is None or found[0] not in _FAMILY:
            return None
        fam, sign = _FAMILY[found[0]]
        if family not in (None, fam):
            return None
        family = fam
        p = sign * found[1]
        coeffs[p] = add(coeffs.get(p, ZERO), c)
    ps = sorted(coeffs)
    if all(p.denominator == 1 for p in ps) or any((p - ps[0]) % 2 for p in ps):
        return None
    if 0 in coeffs or (ps[-1] - ps[0]) / 2 > MAX_STEPS:
        return None
    return family, coeffs


def common_factor(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """xᵏ·A + xᵏ·B + ... = xᵏ·(A + B + ...), integrated whole (by parts, u = xᵏ)."""
    if not isinstance(expr, Add):
        return None
    k = _common_power(expr, var)
    if k is None:
        return None
    xk = power(var, k)
    inside = add(*(mul(t, power(xk, -1)) for t in expr.args))
    new = mul(xk, inside)
    if not isinstance(inside, Add) or new is expr:
        return None
    inner = ctx.integrate(new, var)
    if inner is None:
        return None
    hint = "a·b + a·c = a·(b + c): the sum integrated whole"
    identity = Step("common factor", expr, new, (), "", hint=hint)
    return make("common factor", expr, var, inner.result, (identity, inner),
                method=inner.method, hint=hint)  # fmt: skip


def _common_power(expr: Add, var: Symbol) -> int | None:
    """The least k ≥ 1 with x^k a factor of every term, when every term has one."""
    least = None
    for term in expr.args:
        ks = [f.exp.value if isinstance(f, Pow) else 1 for f in factors(term)
              if f is var or (isinstance(f, Pow) and f.base is var and isinstance(f.exp, Number)
                              and isinstance(f.exp.value, int) and f.exp.value > 0)]  # fmt: skip
        if not ks:
            return None
        least = ks[0] if least is None else min(least, ks[0])
    return least


__all__ = ["common_factor", "reduction_sum"]
