"""The search: try the methods in one visible order, verify every candidate, memoize per call.

Every candidate antiderivative is differentiated back and compared with its integrand at random
points before anyone sees it; a candidate that fails is recorded in `ctx.rejected` (a bug in a
method, which tests count) and the search goes on to the next method.
"""

from __future__ import annotations

import numpy as np

from calcml.core.evaluate import substitute
from calcml.core.expr import Expr, Symbol, symbol
from calcml.symbolic.integrate import (
    bioche,
    even_radicals,
    gaussian,
    hyperbolic,
    inverse_parts,
    param_radicals,
    parametric,
    parts,
    parts_sum,
    radicals,
    rational,
    risch,
    substitution,
    table,
    trig,
    trig_algebraic,
    trig_linearize,
    trig_reduction,
    trig_squares,
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
from calcml.symbolic.verify import Check, check_equal

#: The methods, in the order they are tried; the first verified answer wins.
METHODS: list[tuple[str, Method]] = [
    ("constant", table.constant),
    ("constant multiple", table.constant_multiple),
    ("linearity", table.linearity),
    ("power rule", table.power_rule),
    ("table", table.table),
    ("simple substitution", substitution.simple_substitution),
    ("rational", rational.rational),
    ("rational with parameters", parametric.parametric_rational),
    ("trigonometric powers", trig.trig_powers),
    ("trigonometric products", trig.trig_products),
    ("linearize products", trig_linearize.linearize),
    ("common angle", trig_linearize.common_angle),
    ("Bioche's rule", bioche.bioche),
    ("Weierstrass substitution", trig.half_angle),
    ("Pythagorean square", trig_squares.pythagorean_squares),
    ("trigonometric substitution", trig_algebraic.trig_algebraic),
    ("hyperbolic substitution", trig_algebraic.hyperbolic_algebraic),
    ("reduction formula", trig_reduction.fractional_powers),
    ("quadratic radicals", radicals.quadratic_radical),
    ("reciprocal radicals", radicals.reciprocal_radical),
    ("quadratic radicals with parameters", param_radicals.param_radical),
    ("combine radicals", radicals.combined_radicals),
    ("Gaussian integral", gaussian.gaussian),
    ("linear substitution", substitution.linear_substitution),
    ("substitution", substitution.derivative_divides),
    ("inverse tangent by parts", inverse_parts.inverse_tangent_parts),
    ("integration by parts", parts.by_parts),
    ("even radical substitution", even_radicals.even_radical),
    ("absolute value", trig_squares.absolute_values),
    ("expand", table.expanded),
    ("exponential substitution", hyperbolic.exponential_substitution),
    ("heuristic Risch", risch.poor_mans_risch),
    ("parts on a sum", parts_sum.parts_cancelling),
]

#: How deeply the open-ended methods may nest inside themselves: they are what makes the search
#: tree wide, and textbook integrals rarely need more.
MAX_NESTED = {"substitution": 3, "integration by parts": 2, "linear substitution": 2}  # fmt: skip

#: Relative tolerance of the check that d/dx of a candidate equals the integrand.
VERIFY_RTOL = 1e-7


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


def agree(a: Expr, b: Expr, var: Symbol) -> bool:
    """Do `a` and `b` agree at random points (and, where too few are finite, over wider
    ranges)? The check behind every antiderivative and every rewrite step."""
    if a is b:
        return True
    check = check_equal(a, b, var, rtol=VERIFY_RTOL)
    if check.passed or check.rejected:
        return check.passed
    return _wide_check(a, b, var).passed


def _wide_check(a: Expr, b: Expr, var: Symbol) -> Check:
    """A second check over wider ranges, for integrands defined only far from the origin."""
    symbols = sorted(a.free_symbols | b.free_symbols | {var}, key=lambda s: s.name)
    rng = np.random.default_rng(1)
    cols = [np.concatenate([rng.uniform(-40, 40, 32), rng.uniform(1, 12, 32),
                            rng.uniform(-1, 1, 32)])
            if s is var else rng.uniform(0.5, 2.0, 96) for s in symbols]  # fmt: skip
    return check_equal(a, b, var, rtol=VERIFY_RTOL, points=np.array(cols))


def search(expr: Expr, var: Symbol, budget: Budget) -> tuple[Antiderivative | None, Context]:
    """The whole search for ∫ expr dvar, with the answer simplified and re-verified."""
    taken = frozenset(s.name for s in expr.free_symbols)
    ctx = Context(budget, integrate_node, taken=taken)
    found = integrate_node(expr, var, ctx)
    if found is None:
        return None, ctx
    return _finish(expr, var, found), ctx


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
