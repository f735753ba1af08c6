"""Steps as a teacher writes them, shared by the methods: substitution, rewrites, plain notes.

Each builder returns an `Antiderivative` whose step tree states true equations only (they are
checked by `calcml.symbolic.step_check` before anyone sees them), for instance a substitution as

    substitution (u = x² + 1; du = 2x·dx): ∫ x/(x² + 1) dx = ln|x² + 1|/2
      rewrite in u: ∫ x/(x² + 1) dx = ∫ 1/(2u) du
      power rule: ∫ 1/(2u) du = ln|u|/2
      undo the substitution: ln|u|/2 = ln|x² + 1|/2
"""

from __future__ import annotations

from typing import Any

from calcml.core.evaluate import substitute
from calcml.core.expr import ONE, ZERO, Apply, Expr, Symbol, mul
from calcml.symbolic.integrate.base import Antiderivative, make, op
from calcml.symbolic.steps import Step


def substituted(rule: str, expr: Expr, var: Symbol, u: Symbol, u_of_x: Expr, du: Expr,
                g: Expr, inner: Antiderivative, *, scale: Expr = ONE,
                details: tuple[tuple[str, Any], ...] = (), method: str | None = None,
                result: Expr | None = None, hint: str = "") -> Antiderivative:  # fmt: skip
    """∫ expr dx = scale·∫ g du with u = u_of_x, du = du·dx; integrated; u put back.

    `hint` names the substitution in words when the rule's own formula does not say it.

    `result` (when given) is the answer in x in the method's own form; it must equal
    scale·G(u_of_x), which the undo step states and the checker confirms.
    """
    back = mul(scale, substitute(inner.result, {u: u_of_x}))
    result = back if result is None else result
    named = (("u", u_of_x), ("du", du))
    rewrite = Step("rewrite in " + u.name, expr, ZERO, (), op(var), named,
                   integrals=((scale, g, u),), relation=(u, u_of_x))  # fmt: skip
    undo = Step("undo the substitution", mul(scale, inner.result), result, (), "",
                (("u", u_of_x),), relation=(u, u_of_x))  # fmt: skip
    step = Step(rule, expr, result, (rewrite, inner.step, undo), op(var),
                (*named, *details), relation=(u, u_of_x), hint=hint)  # fmt: skip
    return Antiderivative(result, step, method or rule)


def constant_multiple(c: Expr, expr: Expr, var: Symbol, inner: Antiderivative,
                      method: str | None = None) -> Antiderivative:  # fmt: skip
    """∫ c·f dx = c·∫ f dx = c·F: the pulled-out constant as its own step, then ∫ f dx."""
    whole = mul(c, expr)
    result = mul(c, inner.result)
    pulled = Step("take the constant out", whole, ZERO, (), op(var), (("c", c),),
                  integrals=((c, expr, var),), hint="∫ c·f dx = c·∫ f dx")  # fmt: skip
    step = Step("constant multiple", whole, result, (pulled, inner.step), op(var), (("c", c),))
    return Antiderivative(result, step, method or inner.method)


def rewritten(rule: str, expr: Expr, var: Symbol, new: Expr, inner: Antiderivative,
              details: tuple[tuple[str, Any], ...] = (), hint: str = "",
              method: str | None = None) -> Antiderivative:  # fmt: skip
    """The integrand replaced by an equal expression (an identity), then integrated."""
    identity = Step(rule, expr, new, (), "", details, hint=hint)
    return make(rule, expr, var, inner.result, (identity, inner), details, method, hint=hint)


def plain(rule: str, expr: Expr, var: Symbol, result: Expr,
          details: tuple[tuple[str, Any], ...] = (), hint: str = "",
          method: str | None = None) -> Antiderivative:  # fmt: skip
    """A method with no textbook form: one step stating what was found, with its hint."""
    step = Step(rule, expr, result, (), op(var), details, hint=hint)
    return Antiderivative(result, step, method or rule)


def without_atan_tan(found: Antiderivative, expr: Expr, var: Symbol) -> Antiderivative:
    """atan(tan θ) written θ, as a last step: the two differ by a multiple of π that is constant
    on each interval where tan θ is defined, so θ is an antiderivative too, and one defined
    on a wider range (2·atan(tan(x/2)) jumps at x = π, x does not)."""
    from calcml.core.registry import ATAN, TAN

    mapping = {n: n.arg.arg for n in found.result.walk()
               if isinstance(n, Apply) and n.prim is ATAN and isinstance(n.arg, Apply)
               and n.arg.prim is TAN}  # fmt: skip
    if not mapping:
        return found
    simpler = substitute(found.result, mapping)
    tidy = Step("simplify (up to a constant)", expr, simpler, (), op(var),
                hint="atan(tan θ) = θ + k·π: two antiderivatives of f differ by a constant")
    return make(found.step.rule, expr, var, simpler, (found.step, tidy), found.step.details,
                found.method, found.step.hint)  # fmt: skip
