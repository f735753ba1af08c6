"""Integration by parts on one term of a sum, when ∫ v du cancels the other terms.

∫ (2x·sec x + x²·sec x·tan x) dx: neither term alone has an elementary answer in a few steps
(∫ x·sec x dx has none at all), but parts on the second, u = x², dv = sec x·tan x dx, leaves
−∫ 2x·sec x dx, which cancels the first: the answer is x²·sec x. This is the product rule read
backwards, (u·v)′ = u′·v + u·v′, found by the usual LIATE choice of u.
"""

from __future__ import annotations

from calcml.core.expr import Add, Expr, Mul, Symbol, add, mul, number, power
from calcml.symbolic.integrate.base import Antiderivative, Context, make, op
from calcml.symbolic.steps import Step

#: Most terms of a sum that are tried as the one integrated by parts.
MAX_TERMS = 6

#: Deepest sub-integral (1: the user's own, 2: after a constant factor) where it is tried.
MAX_DEPTH = 2


def parts_cancelling(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ (T + R) dx = u·v when parts on T leaves ∫ v du = ∫ R dx."""
    from calcml.symbolic.diff import diff
    from calcml.symbolic.integrate.parts import choose_parts
    from calcml.symbolic.simplify import expand, simplify
    from calcml.symbolic.verify import agree

    if ctx.active.get("substitution", 0) or ctx.depth > MAX_DEPTH:
        return None  # deeper (or inside derivative-divides) it costs time and finds detours
    terms = _terms(expr, expand)
    if terms is None:
        return None
    for j, term in enumerate(terms[:MAX_TERMS]):
        ctx.budget.check()
        choice = choose_parts(term, var)
        if choice is None or choice[1] is number(1):
            continue
        u, dv = choice
        c = mul(term, power(mul(u, dv), -1))
        v_found = ctx.integrate(mul(c, dv), var, frozenset({"integration by parts"}))
        if v_found is None:
            continue
        v, du = v_found.result, diff(u, var, verify=False)
        rest = add(*terms[:j], *terms[j + 1 :])
        if not agree(rest, simplify(mul(v, du)), var):
            continue
        result = mul(u, v)
        named = (("u", u), ("dv", mul(c, dv)), ("du", du), ("v", v))
        formula = Step("parts formula", term, result, (), op(var), named,
                       integrals=((number(-1), mul(v, du), var),))  # fmt: skip
        return make("integration by parts", expr, var, result, (v_found, formula), named,
                    "integration by parts", "∫ (u·v′ + u′·v) dx = u·v: parts on u·v′ leaves "
                    "−∫ u′·v dx, which cancels the other term")  # fmt: skip
    return None


def _terms(expr: Expr, expand) -> list[Expr] | None:
    if isinstance(expr, Mul) and any(isinstance(f, Add) for f in expr.args):
        expr = expand(expr)
    return list(expr.args) if isinstance(expr, Add) and len(expr.args) > 1 else None


__all__ = ["parts_cancelling"]
