"""The logarithmic substitution u = ln(c·xᵏ), du = k·dx/x, for ∫ f(ln x)/x dx in any form.

Derivative-divides replaces ln(7x) by u syntactically, so x·(integrand) must be free of x as
written; in 1/(x + x·ln 7x + x·ln² 7x) the x is spread over a sum and never cancels. Here every
logarithm ln(c′·xʲ) is written through u (ln c′ + j·(u − ln c)/k) and a power of x common to the
terms of each sum is taken out first, so the x's cancel:
∫ dx/(x + x·ln 7x + x·ln² 7x) = ∫ du/(1 + u + u²).
"""

from __future__ import annotations

from collections import Counter

from calcml.core.expr import (
    ONE,
    Apply,
    Expr,
    Number,
    Pow,
    Symbol,
    add,
    mul,
    power,
)
from calcml.core.registry import LOG
from calcml.symbolic.integrate.base import Antiderivative, Context, free_of, split_constant
from calcml.symbolic.integrate.common_factors import pull_common_factors, transform
from calcml.symbolic.integrate.explain import substituted

_HINT = "u = ln(c·xᵏ), du = k·dx/x; ln(c′·xʲ) = ln c′ + j·(u − ln c)/k"


def log_substitution(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ f(ln(c·xᵏ))/x dx = (1/k)·∫ f(u) du, with x taken out of sums so that it cancels."""
    logs = Counter(m for m in (_log_monomial(n, var) for n in expr.walk()) if m is not None)
    if not logs:
        return None
    (c, k), _ = logs.most_common(1)[0]
    u = ctx.dummy()
    ln_x = mul(add(u, mul(-1, LOG(c))), power(k, -1))
    mapping = {}
    for n in expr.walk():
        m = _log_monomial(n, var)
        if m is not None:
            mapping[n] = u if m == (c, k) else add(LOG(m[0]), mul(m[1], ln_x))
    g = pull_common_factors(mul(transform(expr, lambda n: mapping.get(n, n)), var,
                                power(k, -1)))  # fmt: skip
    inner = ctx.integrate(g, u) if free_of(g, var) and not free_of(g, u) else None
    if inner is None:
        ctx.release(u)
        return None
    u_of_x = LOG(mul(c, power(var, k)))
    du = mul(k, power(var, -1))
    return substituted("logarithmic substitution", expr, var, u, u_of_x, du, g, inner, hint=_HINT)


def _log_monomial(n: Expr, var: Symbol) -> tuple[Expr, Expr] | None:
    """(c, k) for n = ln(c·xᵏ), c free of x and k a nonzero number."""
    if not (isinstance(n, Apply) and n.prim is LOG):
        return None
    c, g = split_constant(n.arg, var)
    if isinstance(c, Number) and c.value <= 0:
        return None  # ln(−x): a different substitution (and ln c is not real)
    if g is var:
        return c, ONE
    if isinstance(g, Pow) and g.base is var and isinstance(g.exp, Number):
        return c, g.exp
    return None


__all__ = ["log_substitution"]
