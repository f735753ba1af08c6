"""The search: try the methods in one visible order, verify every candidate, memoize per call.

Every candidate antiderivative is differentiated back and compared with its integrand at random
points before anyone sees it; a candidate that fails is recorded in `ctx.rejected` (a bug in a
method, which tests count) and the search goes on to the next method.
"""

from __future__ import annotations

from calcml.core.evaluate import substitute
from calcml.core.expr import Expr, Symbol, symbol
from calcml.symbolic.integrate import (
    binomial,
    bioche,
    cancel_substitution,
    euler,
    even_odd,
    even_radicals,
    exp_identities,
    exp_product,
    exp_trig,
    exponential_base,
    gaussian,
    hyper_bioche,
    hyper_powers,
    hyper_radicals,
    hyper_reduction,
    hyper_substitution,
    hyperbolic,
    inverse_parts,
    log_parts,
    log_substitution,
    nested_roots,
    param_radicals,
    parametric,
    parts,
    parts_sum,
    power_substitution,
    pseudo_elliptic,
    quadratic_inner,
    quarter_roots,
    radical_merge,
    radicals,
    rational,
    risch,
    root_fractions,
    root_substitution,
    square_roots_of_squares,
    substitution,
    table,
    tidy,
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
    verified,
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
    ("linearize products", trig_linearize.linearize),
    ("common angle", trig_linearize.common_angle),
    ("hyperbolic powers", hyper_powers.hyperbolic_powers),
    ("hyperbolic reduction", hyper_reduction.reduction_sum),
    ("Bioche's rule", bioche.bioche),
    ("Weierstrass substitution", trig.half_angle),
    ("Pythagorean square", trig_squares.pythagorean_squares),
    ("trigonometric substitution", trig_algebraic.trig_algebraic),
    ("hyperbolic substitution for roots", trig_algebraic.hyperbolic_algebraic),
    ("reduction formula", trig_reduction.fractional_powers),
    ("quadratic radicals", radicals.quadratic_radical),
    ("reciprocal radicals", radicals.reciprocal_radical),
    ("quadratic radicals with parameters", param_radicals.param_radical),
    ("square root of a square", square_roots_of_squares.square_root_of_square),
    ("common factors under roots", radical_merge.common_factor_radicals),
    ("combine radicals", radicals.combined_radicals),
    ("expand powers of roots", radical_merge.expand_root_powers),
    ("quarter roots", quarter_roots.quarter_root),
    ("pseudo-elliptic", pseudo_elliptic.pseudo_elliptic),
    ("nested square roots", nested_roots.nested_root),
    ("multiply by the conjugate", euler.conjugate),
    ("partial fractions under a root", root_fractions.root_fractions),
    ("even and odd parts", even_odd.even_odd),
    ("Gaussian integral", gaussian.gaussian),
    ("Pythagorean radical", hyper_radicals.pythagorean_radical),
    ("exponential base", exponential_base.exponential_base),
    ("the product rule backwards", exp_product.exp_product),
    ("cyclic integration by parts", exp_trig.exp_trig),
    ("product to sum before e^(ax)", exp_trig.exp_trig_products),
    ("logarithmic substitution", log_substitution.log_substitution),
    ("linear substitution", substitution.linear_substitution),
    ("parts for a logarithm of a root", log_parts.log_algebraic_parts),
    ("powers through e", exp_identities.variable_powers),
    ("substitution", substitution.derivative_divides),
    ("hyperbolic substitution", hyper_substitution.hyperbolic_substitution),
    ("substitution with cancellation", cancel_substitution.cancelled_substitution),
    ("Euler substitution", euler.euler),
    ("exponential substitution", hyperbolic.exponential_substitution),
    ("laws of exponents", exponential_base.exponential_split),
    ("exponential identities", exp_identities.exponential_identities),
    ("inverse tangent by parts", inverse_parts.inverse_tangent_parts),
    ("integration by parts", parts.by_parts),
    ("even radical substitution", even_radicals.even_radical),
    ("absolute value", trig_squares.absolute_values),
    ("expand", table.expanded),
    ("common factor", hyper_reduction.common_factor),
    ("radical substitution", root_substitution.root_substitution),
    ("binomial differential", binomial.binomial),
    ("hidden quadratic substitution", quadratic_inner.quadratic_inner),
    ("heuristic Risch", risch.poor_mans_risch),
    ("parts on a sum", parts_sum.parts_cancelling),
]

#: How deeply the open-ended methods may nest inside themselves: they are what makes the search
#: tree wide, and textbook integrals rarely need more.
MAX_NESTED = {"substitution": 3, "integration by parts": 2, "linear substitution": 2,
              "radical substitution": 2, "Euler substitution": 1, "square root of a square": 1,
              "common factors under roots": 1}  # fmt: skip


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


def search(expr: Expr, var: Symbol, budget: Budget) -> tuple[Antiderivative | None, Context]:
    """The whole search for ∫ expr dvar, with the answer simplified and re-verified."""
    taken = frozenset(s.name for s in expr.free_symbols)
    ctx = Context(budget, integrate_node, taken=taken)
    found = integrate_node(expr, var, ctx)
    if found is None:
        return None, ctx
    return tidy.tidied(expr, var, _finish(expr, var, found)), ctx


def _finish(expr: Expr, var: Symbol, found: Antiderivative) -> Antiderivative:
    simpler = exp_identities.tidy_exponentials(simplify(found.result))
    if simpler is found.result or not verified(expr, simpler, var):
        return found
    if agree(found.result, simpler, var):
        simplified = Step("simplify", found.result, simpler)
    else:  # equal up to a constant: another antiderivative, not the same expression
        simplified = Step("simplify (up to a constant)", expr, simpler, (), op(var),
                    hint="two antiderivatives of f differ by a constant")  # fmt: skip
    return make(found.step.rule, expr, var, simpler, (found.step, simplified),
                found.step.details, found.method, found.step.hint)  # fmt: skip
