"""The first methods: constants, linearity, the power rule and the registry's table.

Parametric cases are answered generically with the excluded case stated in the step details,
e.g. `("condition", "n ≠ -1")` for ∫ x^n dx and `("condition", "a ≠ 0")` for ∫ f(a·x+b) dx.
"""

from __future__ import annotations

from calcml.core.expr import (
    ONE,
    Add,
    Apply,
    Expr,
    Mul,
    Number,
    Pow,
    Symbol,
    add,
    mul,
    number,
    power,
)
from calcml.core.registry import ABS, LOG
from calcml.symbolic.integrate.base import (
    Antiderivative,
    Context,
    free_of,
    linear_coefficients,
    make,
    split_constant,
)
from calcml.symbolic.simplify import expand


def constant(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ c dx = c·x."""
    if not free_of(expr, var):
        return None
    return make("constant", expr, var, mul(expr, var))


def constant_multiple(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ c·f dx = c·∫ f dx."""
    if not isinstance(expr, Mul):
        return None
    c, rest = split_constant(expr, var)
    if c is ONE:
        return None
    inner = ctx.integrate(rest, var)
    if inner is None:
        return None
    return make("constant multiple", expr, var, mul(c, inner.result), (inner,), (("c", c),),
                inner.method)  # fmt: skip


def linearity(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ (f + g) dx = ∫ f dx + ∫ g dx."""
    if not isinstance(expr, Add):
        return None
    parts = []
    for term in expr.args:
        found = ctx.integrate(term, var)
        if found is None:
            return None
        parts.append(found)
    return make("linearity", expr, var, add(*(p.result for p in parts)), tuple(parts))


def power_rule(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ x^n dx = x^(n+1)/(n+1) (n ≠ -1), ∫ x^-1 dx = ln|x|; also (a·x+b)^n."""
    if expr is var:
        return make("power rule", expr, var, mul(number(1) / 2, power(var, 2)))
    if not isinstance(expr, Pow) or not free_of(expr.exp, var):
        return None
    base, n = expr.base, expr.exp
    lin = (ONE, number(0)) if base is var else linear_coefficients(base, var)
    if lin is None:
        return None
    a = lin[0]
    details: list[tuple[str, object]] = []
    if isinstance(n, Number) and n.value == -1:
        result = mul(power(a, -1), LOG(ABS(base)))
    else:
        result = mul(power(mul(a, add(n, 1)), -1), power(base, add(n, 1)))
        if not isinstance(n, Number):
            details.append(("condition", f"{n} ≠ -1"))
    if not isinstance(a, Number):
        details.append(("condition", f"{a} ≠ 0"))
    rule = "power rule" if base is var else "linear substitution"
    if base is not var:
        details.insert(0, ("u", base))
    return make(rule, expr, var, result, (), tuple(details), "power rule")


def table(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ f(a·x+b) dx = F(a·x+b)/a from the registry; ∫ c^(a·x+b) dx = c^(a·x+b)/(a·ln c)."""
    if isinstance(expr, Apply) and expr.prim.antiderivative is not None:
        inner, antiderivative, rule = expr.arg, expr.prim.antiderivative, expr.prim.rule
    elif isinstance(expr, Pow) and free_of(expr.base, var):
        inner, rule = expr.exp, "exponential"
        base = expr.base

        def antiderivative(u: Expr) -> Expr:
            return mul(power(base, u), power(LOG(base), -1))
    else:
        return None
    lin = (ONE, number(0)) if inner is var else linear_coefficients(inner, var)
    if lin is None:
        return None
    a = lin[0]
    result = mul(power(a, -1), antiderivative(inner))
    details: tuple[tuple[str, object], ...] = (("rule", rule),)
    if inner is var:
        return make("table", expr, var, result, (), details)
    if not isinstance(a, Number):
        details += (("condition", f"{a} ≠ 0"),)
    return make("linear substitution", expr, var, result, (), (("u", inner), *details), "table")


def expanded(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """Distribute products over sums and integrate term by term."""
    if not isinstance(expr, Mul | Pow):
        return None
    wide = expand(expr)
    if wide is expr or not isinstance(wide, Add):
        return None
    inner = ctx.integrate(wide, var)
    if inner is None:
        return None
    return make("expand", expr, var, inner.result, (inner,), (), inner.method)
