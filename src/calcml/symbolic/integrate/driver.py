"""The search: try the methods in one visible order, verify every candidate, memoize per call.

Every candidate antiderivative is differentiated back and compared with its integrand at random
points before anyone sees it; a candidate that fails is recorded in `ctx.rejected` (a bug in a
method, which tests count) and the search goes on to the next method.
"""

from __future__ import annotations

from calcml.core.evaluate import substitute
from calcml.core.expr import Expr, Symbol, symbol
from calcml.symbolic.integrate import (
    bioche,
    cancel_substitution,
    exponential_base,
    gaussian,
    hyper_bioche,
    hyper_powers,
    hyper_radicals,
    hyper_reduction,
    hyper_substitution,
    hyperbolic,
    param_radicals,
    parametric,
    parts,
    power_substitution,
    radicals,
    rational,
    risch,
    substitution,
    table,
    tidy,
    trig,
)
from calcml.symbolic.integrate.base import (
    MAX_INTEGRATION_DEPTH,
    Antiderivative,
    Budget,
    Context,
    Method,
    make,
    op,
)
from calcml.symbolic.simplify import simplify
from calcml.symbolic.steps import Step
from calcml.symbolic.verify import agree

#: The methods, in the order they are tried; the first verified answer wins.
METHODS: list[tuple[str, Method]] = [
    ("constant", table.constant),
    ("constant multiple", table.constant_multiple),
    ("linearity", table.linearity),
    ("power rule", table.power_rule),
    ("table", table.table),
    ("simple substitution", substitution.simple_substitution),
    ("power substitution", power_substitution.power_substitution),
    ("rational", rational.rational),
    ("rational with parameters", parametric.parametric_rational),
    ("hyperbolic Bioche's rule", hyper_bioche.hyperbolic_bioche),
    ("trigonometric powers", trig.trig_powers),
    ("trigonometric products", trig.trig_products),
    ("hyperbolic powers", hyper_powers.hyperbolic_powers),
    ("hyperbolic reduction", hyper_reduction.reduction_sum),
    ("Bioche's rule", bioche.bioche),
    ("Weierstrass substitution", trig.half_angle),
    ("quadratic radicals", radicals.quadratic_radical),
    ("reciprocal radicals", radicals.reciprocal_radical),
    ("quadratic radicals with parameters", param_radicals.param_radical),
    ("combine radicals", radicals.combined_radicals),
    ("Gaussian integral", gaussian.gaussian),
    ("Pythagorean radical", hyper_radicals.pythagorean_radical),
    ("exponential base", exponential_base.exponential_base),
    ("linear substitution", substitution.linear_substitution),
    ("substitution", substitution.derivative_divides),
    ("hyperbolic substitution", hyper_substitution.hyperbolic_substitution),
    ("substitution with cancellation", cancel_substitution.cancelled_substitution),
    ("exponential substitution", hyperbolic.exponential_substitution),
    ("laws of exponents", exponential_base.exponential_split),
    ("integration by parts", parts.by_parts),
    ("expand", table.expanded),
    ("common factor", hyper_reduction.common_factor),
    ("heuristic Risch", risch.poor_mans_risch),
]

#: How deeply the open-ended methods may nest inside themselves: they are what makes the search
#: tree wide, and textbook integrals rarely need more.
MAX_NESTED = {"substitution": 3, "integration by parts": 2, "linear substitution": 2}  # fmt: skip


def integrate_node(expr: Expr, var: Symbol, ctx: Context,
                   skip: frozenset[str] = frozenset()) -> Antiderivative | None:  # fmt: skip
    """One (sub-)integral: memo, cycle and depth guards, then the methods in order.

    Memo and cycle keys rename the variable to one placeholder, so that a substitution chain
    that comes back to the same integrand in a fresh dummy variable is recognized.
    """
    ctx.budget.check()
    key = expr if var is _CANON else substitute(expr, {var: _CANON})
    if key in ctx.memo:
        return _renamed(ctx.memo[key], expr, var)
    if key in ctx.open or ctx.depth >= MAX_INTEGRATION_DEPTH:
        ctx.cycles += 1
        return None
    ctx.open.add(key)
    ctx.depth += 1
    cycles = ctx.cycles
    try:
        found = _first_verified(expr, var, ctx, skip)
    finally:
        ctx.open.discard(key)
        ctx.depth -= 1
    if found is not None or (ctx.cycles == cycles and not skip):
        ctx.memo[key] = None if found is None else (found, var)
    return found


_CANON = symbol("_integration_variable")


def _renamed(hit: tuple[Antiderivative, Symbol] | None, expr: Expr,
             var: Symbol) -> Antiderivative | None:  # fmt: skip
    if hit is None or hit[1] is var:
        return None if hit is None else hit[0]
    found, old = hit
    result = substitute(found.result, {old: var})
    step = found.step
    return make(step.rule, expr, var, result, step.substeps, step.details, found.method,
                step.hint)  # fmt: skip


def _first_verified(expr: Expr, var: Symbol, ctx: Context,
                    skip: frozenset[str]) -> Antiderivative | None:  # fmt: skip
    for name, method in METHODS:
        if name in skip or ctx.active.get(name, 0) >= MAX_NESTED.get(name, MAX_INTEGRATION_DEPTH):
            continue
        ctx.active[name] = ctx.active.get(name, 0) + 1
        try:
            candidate = method(expr, var, ctx)
        finally:
            ctx.active[name] -= 1
        if candidate is None:
            continue
        if verified(expr, candidate.result, var):
            return candidate
        ctx.rejected.append((name, expr, candidate.result))
    return None


def verified(f: Expr, big_f: Expr, var: Symbol) -> bool:
    """Is d/dvar big_f = f at random points where both are finite?

    Points where the floats disagree are re-checked in ball arithmetic, so a right answer whose
    derivative cancels to rounding is kept. When the usual sample cannot decide, a wider one is
    tried; a candidate neither sample can confirm is dropped (the search goes on)."""
    from calcml.symbolic.diff import diff

    return agree(diff(big_f, var, verify=False), f, var)


def search(expr: Expr, var: Symbol, budget: Budget) -> tuple[Antiderivative | None, Context]:
    """The whole search for ∫ expr dvar, with the answer simplified and re-verified."""
    taken = frozenset(s.name for s in expr.free_symbols)
    ctx = Context(budget, integrate_node, taken=taken)
    found = integrate_node(expr, var, ctx)
    if found is None:
        return None, ctx
    return tidy.tidied(expr, var, _finish(expr, var, found)), ctx


def _finish(expr: Expr, var: Symbol, found: Antiderivative) -> Antiderivative:
    simpler = simplify(found.result)
    if simpler is found.result or not verified(expr, simpler, var):
        return found
    if agree(found.result, simpler, var):
        tidy = Step("simplify", found.result, simpler)
    else:  # equal up to a constant: another antiderivative, not the same expression
        tidy = Step("simplify (up to a constant)", expr, simpler, (), op(var),
                    hint="two antiderivatives of f differ by a constant")  # fmt: skip
    return make(found.step.rule, expr, var, simpler, (found.step, tidy),
                found.step.details, found.method, found.step.hint)  # fmt: skip
