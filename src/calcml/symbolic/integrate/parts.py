"""Integration by parts, ∫ u dv = u·v − ∫ v du, with u chosen by LIATE.

Parts is repeated in a loop (x³·eˣ needs three rounds) rather than by recursion, which lets the
loop notice when ∫ v du comes back to a multiple k of the original integral (eˣ·sin x): then
I = A + k·I is solved for I algebraically.
"""

from __future__ import annotations

from dataclasses import dataclass

from calcml.core.expr import (
    ONE,
    ZERO,
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
from calcml.symbolic.integrate.base import Antiderivative, Context, free_of, op, split_constant
from calcml.symbolic.integrate.explain import constant_multiple
from calcml.symbolic.simplify import poly_coefficients, simplify
from calcml.symbolic.steps import Step

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


def choose_parts(f: Expr, var: Symbol) -> tuple[Expr, Expr] | None:
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
    c, f = split_constant(expr, var)
    rounds: list[_Round] = []
    current = f
    for _ in range(MAX_PARTS_ROUNDS):
        ctx.budget.check()
        found = _round(current, var, ctx)
        if found is None:
            return None
        rounds.append(found)
        sign = -1 if len(rounds) % 2 else 1  # now ∫ f = Σ ± u·v + sign·∫ nxt
        ratio = simplify(mul(found.nxt, power(f, -1)))
        if free_of(ratio, var):
            k = mul(sign, ratio)
            if k is ONE:
                return None
            done = add(*(mul((-1) ** j, r.u, r.v) for j, r in enumerate(rounds)))
            answer = mul(done, power(add(1, mul(-1, k)), -1))
            again = Step("the same integral again", found.nxt, ZERO, (), op(var),
                         integrals=((ratio, f, var),))  # fmt: skip
            solved = (("I", f"∫ {f.text()} d{var.name}"), ("cyclic", k),
                      ("solve", f"I = {add(done, mul(k, symbol('I'))).text()}, "
                                f"so I = {answer.text()}"))  # fmt: skip
            return _assemble(expr, var, c, f, rounds, Antiderivative(mul(ratio, answer), again,
                                                                      "parts"), solved)
        rest = ctx.integrate(found.nxt, var, frozenset({"integration by parts"}))
        if rest is not None:
            return _assemble(expr, var, c, f, rounds, rest, ())
        current = found.nxt
    return None


@dataclass(frozen=True)
class _Round:
    """One use of ∫ u dv = u·v − ∫ v du on ∫ current dx."""

    current: Expr
    u: Expr
    dv: Expr
    du: Expr
    v: Expr
    v_step: Step
    nxt: Expr


def _round(current: Expr, var: Symbol, ctx: Context) -> _Round | None:
    from calcml.symbolic.diff import diff

    choice = choose_parts(current, var)
    if choice is None:
        return None
    u, dv = choice
    scale, _ = split_constant(current, var)
    v_found = ctx.integrate(dv, var)
    if v_found is None:
        return None
    dv = mul(scale, dv)
    v_step = v_found.step
    if scale is not ONE:
        v_step = constant_multiple(scale, v_found.step.expr, var, v_found).step
    v = mul(scale, v_found.result)
    du = diff(u, var, verify=False)
    return _Round(current, u, dv, du, v, v_step, simplify(mul(v, du)))


def _assemble(expr: Expr, var: Symbol, c: Expr, f: Expr, rounds: list[_Round],
              rest: Antiderivative, solved: tuple) -> Antiderivative:  # fmt: skip
    """The rounds as nested steps, innermost first: each ∫ current dx = u·v − ∫ v du, with
    v found, the formula, and the remaining integral (the next round, or `rest`)."""
    inner = rest.step
    value = rest.result
    for r in reversed(rounds):
        value = add(mul(r.u, r.v), mul(-1, value))
        named = (("u", r.u), ("dv", r.dv), ("du", r.du), ("v", r.v))
        formula = Step("parts formula", r.current, mul(r.u, r.v), (), op(var), named,
                       integrals=((number(-1), r.nxt, var),))  # fmt: skip
        extra = solved if r is rounds[0] else ()
        inner = Step("integration by parts", r.current, value, (r.v_step, formula, inner),
                     op(var), (*named, *extra))  # fmt: skip
    found = Antiderivative(value, inner, "integration by parts")
    if c is ONE:
        return found
    return constant_multiple(c, f, var, found, "integration by parts")
