"""Exponential identities that expose a substitution: e^(A + B) = e^A·e^B, f^g = e^(g·ln f),
e^(c·ln f) = f^c, a^(c·ln u) = u^(c·ln a) and (a^g)ᵏ = a^(k·g).

Canonical form keeps e^(x + eˣ) and x^(−2 − 1/x) as single powers, so derivative-divides sees no
u whose derivative divides them; split, they are eˣ·e^(eˣ) (u = eˣ) and x⁻²·e^(−ln x/x)
(u = −ln x/x). 2^(ln x) = x^(ln 2) is a plain power. The answer is written back with powers
(e^(g·ln f) as f^g) where that is shorter, and verified like every other.
"""

from __future__ import annotations

from fractions import Fraction

from calcml.core.expr import ONE, ZERO, Add, Apply, Expr, Mul, Number, Pow, Symbol, add, mul, power
from calcml.core.registry import EXP, LOG
from calcml.symbolic.integrate.base import Antiderivative, Context, free_of, make
from calcml.symbolic.integrate.common_factors import transform
from calcml.symbolic.integrate.explain import rewritten

_HINT = ("e^(A + B) = e^A·e^B, f^g = e^(g·ln f), e^(c·ln f) = f^c, a^(c·ln u) = u^(c·ln a), "
         "(a^g)ᵏ = a^(k·g)")  # fmt: skip


def variable_powers(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ f dx with f^g (f and g in x) written e^(g·ln f), a^(c·ln u) as u^(c·ln a): tried
    before derivative-divides, whose guesses among the pieces of x^(−2 − 1/x) lead nowhere."""
    if not any(_applies(n, var) for n in expr.walk() if isinstance(n, Pow)):
        return None
    return exponential_identities(expr, var, ctx)


def exponential_identities(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ f dx with exponentials split and variable powers written through e, then ∫ again."""
    if not any(_applies(n, var) for n in expr.walk()):
        return None
    new = transform(expr, lambda n: _rule(n, var))
    if new is expr or not _applies_nowhere(new, var):
        return None
    inner = ctx.integrate(new, var)
    if inner is None:
        return None
    found = rewritten("exponential identities", expr, var, new, inner, hint=_HINT,
                      method=inner.method)  # fmt: skip
    tidy = transform(found.result, _as_power)
    if tidy is found.result:
        return found
    return make(found.step.rule, expr, var, tidy, (found.step.substeps[0], inner,
                                                   _tidy_step(found.result, tidy)),
                found.step.details, found.method, hint=_HINT)  # fmt: skip


def _tidy_step(before: Expr, after: Expr):
    from calcml.symbolic.steps import Step

    return Step("rewrite", before, after, (), "", hint="e^(g·ln f) = f^g")


def _applies(n: Expr, var: Symbol) -> bool:
    if isinstance(n, Pow):
        if free_of(n.exp, var):
            return _power_of_exponential(n, var)
        return not free_of(n.base, var) or _log_multiple(n.exp) is not None
    if isinstance(n, Apply) and n.prim is EXP:
        return _split_sum(n.arg, var) or _log_multiple(n.arg) is not None
    return False


def _applies_nowhere(e: Expr, var: Symbol) -> bool:
    return not any(_applies(n, var) for n in e.walk())


def _split_sum(arg: Expr, var: Symbol) -> bool:
    """e^(A + B) with at least two terms in x: worth splitting."""
    return isinstance(arg, Add) and sum(1 for t in arg.args if not free_of(t, var)) >= 2


def _log_multiple(e: Expr) -> tuple[Expr, Expr] | None:
    """(c, u) with e = c·ln u and c a number."""
    if isinstance(e, Apply) and e.prim is LOG:
        return ONE, e.arg
    if isinstance(e, Mul):
        logs = [f for f in e.args if isinstance(f, Apply) and f.prim is LOG]
        rest = mul(*(f for f in e.args if not (isinstance(f, Apply) and f.prim is LOG)))
        if len(logs) == 1 and isinstance(rest, Number):
            return rest, logs[0].arg
    return None


def _power_of_exponential(n: Pow, var: Symbol) -> bool:
    """(a^g)ᵏ or (e^g)ᵏ with a free of x and k not an integer (√(2ˣ)): a^g > 0 wherever it is
    real, so (a^g)ᵏ = a^(k·g). Integer powers are left to the exponential substitution, which
    reads (eˣ)² as u² at once."""
    if not isinstance(n.exp, Number) or Fraction(n.exp.value).denominator == 1:
        return False
    b = n.base
    if isinstance(b, Apply) and b.prim is EXP:
        return not free_of(b.arg, var)
    return isinstance(b, Pow) and free_of(b.base, var) and not free_of(b.exp, var)


def _rule(n: Expr, var: Symbol) -> Expr:
    if isinstance(n, Pow) and _power_of_exponential(n, var):
        b = n.base
        if isinstance(b, Apply):
            return EXP(mul(n.exp, b.arg))
        return power(b.base, mul(n.exp, b.exp))
    if isinstance(n, Pow) and not free_of(n.exp, var):
        if free_of(n.base, var):
            lm = _log_multiple(n.exp)
            return n if lm is None else power(lm[1], mul(lm[0], LOG(n.base)))
        return _exp_of(mul(n.exp, LOG(n.base)), var)
    if isinstance(n, Apply) and n.prim is EXP:
        return _exp_of(n.arg, var)
    return n


def _exp_of(arg: Expr, var: Symbol) -> Expr:
    """e^arg with a sum split into factors and e^(c·ln f) as f^c."""
    from calcml.symbolic.simplify import expand

    arg = expand(arg)
    terms = arg.args if isinstance(arg, Add) else (arg,)
    const = add(*(t for t in terms if free_of(t, var)))
    factors = [] if const is ZERO else [EXP(const)]
    for t in terms:
        if free_of(t, var):
            continue
        lm = _log_multiple(t)
        factors.append(power(lm[1], lm[0]) if lm is not None else EXP(t))
    return mul(*factors)


def tidy_exponentials(expr: Expr) -> Expr:
    """(e^a)ᵏ written e^(k·a) for a number k: 1/e^(−x) is eˣ, as a substitution u = e^(−x)
    leaves it when put back."""

    def rule(n: Expr) -> Expr:
        if (isinstance(n, Pow) and isinstance(n.exp, Number) and isinstance(n.base, Apply)
                and n.base.prim is EXP):  # fmt: skip
            return EXP(mul(n.exp, n.base.arg))
        return n

    return transform(expr, rule)


def _as_power(n: Expr) -> Expr:
    """e^(g·ln f) = f^g, when that has fewer nodes."""
    if not (isinstance(n, Apply) and n.prim is EXP and isinstance(n.arg, Mul)):
        return n
    logs = [f for f in n.arg.args if isinstance(f, Apply) and f.prim is LOG]
    if len(logs) != 1:
        return n
    g = mul(*(f for f in n.arg.args if f is not logs[0]))
    shorter = power(logs[0].arg, g)
    return shorter if shorter.size() < n.size() else n


__all__ = ["exponential_identities", "tidy_exponentials", "variable_powers"]
