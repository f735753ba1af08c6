"""The product rule backwards for exponentials: ∫ e^g·(g′·f + f′) dx = e^g·f.

A textbook pattern that hides a sum of two integrals that are not elementary on their own:
∫ eˣ·(ln x + 1/x) dx = eˣ·ln x (∫ eˣ·ln x and ∫ eˣ/x need the exponential integral), or
∫ e^(x²)·(2x·ln x + 1/x) dx = e^(x²)·ln x. The candidates for f are the terms of the cofactor
divided by g′; the one for which g′·f + f′ equals the cofactor (checked at random points) is
the answer.
"""

from __future__ import annotations

from calcml.core.expr import Add, Apply, Expr, Mul, Symbol, add, mul, power
from calcml.core.registry import EXP
from calcml.symbolic.integrate.base import Antiderivative, Context, free_of, split_constant
from calcml.symbolic.integrate.explain import plain
from calcml.symbolic.simplify import expand, simplify
from calcml.symbolic.verify import check_equal

#: Most terms of the cofactor tried as f·g′.
MAX_TERMS = 8
#: Only the integrand and its first sub-integrals (after a constant or a sum is split off):
#: deeper, the pattern is rare and the checks add up.
MAX_DEPTH = 2

_HINT = "(e^g·f)′ = e^g·(g′·f + f′), so ∫ e^g·(g′·f + f′) dx = e^g·f"


def exp_product(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ c·e^g·h dx = c·e^g·f where h = g′·f + f′ and f·g′ is a term of h."""
    from calcml.symbolic.diff import diff

    if ctx.depth > MAX_DEPTH:
        return None
    c, f = split_constant(expr, var)
    fs = f.args if isinstance(f, Mul) else (f,)
    exps = [e for e in fs if isinstance(e, Apply) and e.prim is EXP and not free_of(e.arg, var)]
    if len(exps) != 1:
        return None
    e = exps[0]
    h = mul(*(g for g in fs if g is not e))
    if free_of(h, var) or h.has(e):
        return None
    dg = diff(e.arg, var, verify=False)
    wide = expand(h)
    terms = wide.args if isinstance(wide, Add) else (wide,)
    if len(terms) < 2 or len(terms) > MAX_TERMS:
        return None
    for t in terms:
        ctx.budget.check()
        cand = simplify(mul(t, power(dg, -1)))
        if _equal(add(mul(dg, cand), diff(cand, var, verify=False)), h, var):
            result = mul(c, e, cand)
            return plain("product rule backwards", expr, var, result, (("f", cand),), _HINT,
                         "the product rule backwards")  # fmt: skip
    return None


def _equal(a: Expr, b: Expr, var: Symbol) -> bool:
    return a is b or check_equal(a, b, var, rtol=1e-7).passed


__all__ = ["exp_product"]
