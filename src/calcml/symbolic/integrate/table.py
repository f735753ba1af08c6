"""The first methods: constants, linearity, the power rule and the registry's table.

Parametric cases are answered generically with the excluded case stated in the step details,
e.g. `("condition", "n ≠ -1")` for ∫ x^n dx and `("condition", "a ≠ 0")` for ∫ f(a·x+b) dx.
"""

from __future__ import annotations

from calcml.core.expr import (
    ONE,
    ZERO,
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
    symbol,
)
from calcml.core.registry import ABS, LOG
from calcml.symbolic.integrate import explain
from calcml.symbolic.integrate.base import (
    Antiderivative,
    Context,
    free_of,
    linear_coefficients,
    make,
    op,
    split_constant,
)
from calcml.symbolic.integrate.explain import plain, rewritten
from calcml.symbolic.simplify import expand
from calcml.symbolic.steps import Step


def constant(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ c dx = c·x."""
    if not free_of(expr, var):
        return None
    return plain("constant", expr, var, mul(expr, var))


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
    return explain.constant_multiple(c, rest, var, inner)


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
    terms = tuple((*split_constant(t, var), var) for t in expr.args)
    split = Step("split the integral", expr, ZERO, (), op(var), integrals=terms,
                 hint="∫ (f + g) dx = ∫ f dx + ∫ g dx")  # fmt: skip
    return make("sum rule", expr, var, add(*(p.result for p in parts)), (split, *parts),
                method="linearity")  # fmt: skip


def power_rule(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ x^n dx = x^(n+1)/(n+1) (n ≠ -1), ∫ x^-1 dx = ln|x|; also (a·x+b)^n."""
    if expr is var:
        return plain("power rule", expr, var, mul(number(1) / 2, power(var, 2)),
                     hint="∫ xⁿ dx = xⁿ⁺¹/(n + 1) (n ≠ −1)")
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
    if base is var:
        hint = "∫ 1/x dx = ln|x|" if _minus_one(n) else "∫ xⁿ dx = xⁿ⁺¹/(n + 1) (n ≠ −1)"
        return plain("power rule", expr, var, result, tuple(details), hint)
    hint = ("∫ 1/(a·x + b) dx = ln|a·x + b|/a" if _minus_one(n)
            else "∫ (a·x + b)ⁿ dx = (a·x + b)ⁿ⁺¹/(a·(n + 1)) (n ≠ −1)")  # fmt: skip
    details[:0] = [("u", base), ("du", a)]
    return plain("linear substitution", expr, var, result, tuple(details), hint, "power rule")


def _minus_one(n: Expr) -> bool:
    return isinstance(n, Number) and n.value == -1


def table(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ f(a·x+b) dx = F(a·x+b)/a from the registry; ∫ c^(a·x+b) dx = c^(a·x+b)/(a·ln c)."""
    if isinstance(expr, Apply) and expr.prim.antiderivative is not None:
        inner, antiderivative = expr.arg, expr.prim.antiderivative
    elif isinstance(expr, Pow) and free_of(expr.base, var):
        inner = expr.exp
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
    u = symbol("u")
    entry = f"∫ {_shown(expr, inner, u)} du = {antiderivative(u).text()}"
    if inner is var:
        return plain("table of integrals", expr, var, result, (), entry.replace("u", var.name),
                     "table")  # fmt: skip
    details: tuple[tuple[str, object], ...] = (("u", inner), ("du", a))
    if not isinstance(a, Number):
        details += (("condition", f"{a} ≠ 0"),)
    hint = f"{entry}, so ∫ f(a·x + b) dx = F(a·x + b)/a"
    return plain("linear substitution", expr, var, result, details, hint, "table")


def _shown(expr: Expr, inner: Expr, u: Symbol) -> str:
    from calcml.core.evaluate import substitute

    return substitute(expr, {inner: u}).text()


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
    return rewritten("expand", expr, var, wide, inner, hint="multiply out the products",
                     method=inner.method)  # fmt: skip
