"""Integration by parts, ∫ u dv = u·v − ∫ v du, with u chosen by LIATE.

Parts is repeated in a loop (x³·eˣ needs three rounds) rather than by recursion, which lets the
loop notice when ∫ v du comes back to a multiple k of the original integral (eˣ·sin x): then
I = A + k·I is solved for I algebraically.
"""

from __future__ import annotations

from calcml.core.expr import ONE, Apply, Expr, Mul, Number, Pow, Symbol, add, mul, power
from calcml.symbolic.integrate.base import Antiderivative, Context, free_of, make, split_constant
from calcml.symbolic.polys import poly_coefficients
from calcml.symbolic.simplify import simplify

#: Most rounds of integration by parts in one chain.
MAX_PARTS_ROUNDS = 6

_INVERSE = {"asin", "acos", "atan", "asinh", "acosh", "atanh"}
_TRIG = {"sin", "cos", "tan", "cot", "sec", "csc", "sinh", "cosh", "tanh"}


def _liate(f: Expr, var: Symbol) -> int:
    """0 logarithm, 1 inverse trig, 2 algebraic, 3 trig, 4 exponential, 5 other."""
    base = f.base if isinstance(f, Pow) and _positive_int(f.exp) else f
    if isinstance(base, Apply):
        name = base.prim.name
        if name == "log":
            return 0
        if name in _INVERSE or name == "erf":
            return 1
        if name in _TRIG:
            return 3
        if name == "exp":
            return 4
        return 5
    if isinstance(f, Pow) and free_of(f.base, var):
        return 4
    if poly_coefficients(f, var, max_degree=12) is not None:
        return 2
    return 5


def _positive_int(e: Expr) -> bool:
    return isinstance(e, Number) and isinstance(e.value, int) and e.value > 0


def _choose(f: Expr, var: Symbol) -> tuple[Expr, Expr] | None:
    """(u, dv) by LIATE; dv = 1 for a lone logarithm or inverse function."""
    _, g = split_constant(f, var)
    fs = list(g.args) if isinstance(g, Mul) else [g]
    ranks = [_liate(x, var) for x in fs]
    if len(fs) == 1:
        if ranks[0] <= 1 or (isinstance(g, Apply) and _has_log(g.arg)):
            return g, ONE
        return None
    best = min(range(len(fs)), key=lambda i: ranks[i])
    if ranks[best] == 5:
        return None
    return fs[best], mul(*fs[:best], *fs[best + 1 :])


def _has_log(e: Expr) -> bool:
    return any(isinstance(n, Apply) and n.prim.name == "log" for n in e.walk())


def by_parts(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ u dv = u·v − ∫ v du, repeated; cyclic chains solved for the integral."""
    from calcml.symbolic.diff import diff

    c, f = split_constant(expr, var)
    done, sign, current, subs = [], 1, f, []
    for _ in range(MAX_PARTS_ROUNDS):
        ctx.budget.check()
        choice = _choose(current, var)
        if choice is None:
            return None
        u, dv = choice
        scale, _ = split_constant(current, var)
        v_found = ctx.integrate(dv, var)
        if v_found is None:
            return None
        v = mul(scale, v_found.result)
        du = diff(u, var, verify=False)
        nxt = simplify(mul(v, du))
        done.append(mul(sign, u, v))
        subs.append(make("integration by parts", current, var, add(mul(u, v), mul(-1, nxt)),
                         (v_found,), (("u", u), ("dv", dv))))  # fmt: skip
        sign = -sign
        # now ∫ f = Σ done + sign·∫ nxt
        ratio = simplify(mul(nxt, power(f, -1)))
        if free_of(ratio, var):
            k = mul(sign, ratio)
            if k is ONE:
                return None
            result = mul(c, add(*done), power(add(1, mul(-1, k)), -1))
            return make("integration by parts", expr, var, result, tuple(subs),
                        (("u", subs[0].step.details[0][1]), ("dv", subs[0].step.details[1][1]),
                         ("cyclic", k)))  # fmt: skip
        rest = ctx.integrate(nxt, var, frozenset({"integration by parts"}))
        if rest is not None:
            result = mul(c, add(*done, mul(sign, rest.result)))
            first = subs[0].step.details
            return make("integration by parts", expr, var, result, (*subs, rest), first)
        current = nxt
    return None
