"""u = sinh x, cosh x, tanh x, csch x, sech x or coth x for integrands algebraic in them.

Derivative-divides replaces a subexpression u by a symbol and gives up when x is left, as in
√(1 + csch x)·coth³ x·csch x: dividing by du = −csch x·coth x dx leaves coth² x, which is
1 + csch² x only by cosh² x − sinh² x = 1. Here every hyperbolic function of x is written in
s = sinh x and c = cosh x, and s, c in u by formulas that hold for every real x:

    u = sinh x:  s = u,  c = √(1 + u²)        u = csch x:  s = 1/u,  c = √(1 + 1/u²)
    u = tanh x:  c = 1/√(1 − u²),  s = u·c    u = coth x:  c = 1/√(1 − 1/u²),  s = c/u

(cosh x > 0 always), and, when s occurs only squared, u = cosh x (s² = u² − 1) and u = sech x
(s² = 1/u² − 1). The integrand becomes algebraic in u — √(1 + u)·(1 + u²) here — for the rest
of the search. Tried only where the integrand is not a rational function of sinh and cosh
(Bioche's rules are shorter there).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from calcml.core.evaluate import substitute
from calcml.core.expr import Apply, Expr, Number, Pow, Symbol, add, apply, mul, number, power
from calcml.core.registry import COSH, PRIMITIVES, SINH
from calcml.symbolic.integrate.base import Antiderivative, Context, free_of
from calcml.symbolic.integrate.explain import substituted

_HYPERBOLIC = ("sinh", "cosh", "tanh", "coth", "sech", "csch")

#: Most substitutions tried for one integrand (smallest integrand in u first).
MAX_TRIES = 3

_HALF = number(Fraction(1, 2))


def _sq(e: Expr) -> Expr:
    return power(e, _HALF)


# name -> (s in u, c in u, du/dx in s and c); None for s means only s² is known.
_FORMULAS: dict[str, tuple[Callable, Callable, Callable]] = {
    "sinh": (lambda u: u, lambda u: _sq(add(1, power(u, 2))), lambda s, c: c),
    "csch": (lambda u: power(u, -1), lambda u: _sq(add(1, power(u, -2))),
             lambda s, c: mul(-1, c, power(s, -2))),
    "tanh": (lambda u: mul(u, power(add(1, mul(-1, power(u, 2))), -_HALF)),
             lambda u: power(add(1, mul(-1, power(u, 2))), -_HALF),
             lambda s, c: power(c, -2)),
    "coth": (lambda u: mul(power(u, -1), power(add(1, mul(-1, power(u, -2))),
                                               -_HALF)),
             lambda u: power(add(1, mul(-1, power(u, -2))), -_HALF),
             lambda s, c: mul(-1, power(s, -2))),
    "cosh": (lambda u: _sq(add(power(u, 2), -1)), lambda u: u, lambda s, c: s),
    "sech": (lambda u: _sq(add(power(u, -2), -1)), lambda u: power(u, -1),
             lambda s, c: mul(-1, s, power(c, -2))),
}  # fmt: skip

#: u for which s = ±√(…): the substitution is exact only if the result is even in s.
_SIGNED = frozenset({"cosh", "sech"})

_IN_SC = {"sinh": lambda s, c: s, "cosh": lambda s, c: c, "tanh": lambda s, c: mul(s, power(c, -1)),
          "coth": lambda s, c: mul(c, power(s, -1)), "sech": lambda s, c: power(c, -1),
          "csch": lambda s, c: power(s, -1)}  # fmt: skip


def hyperbolic_substitution(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ R(x) dx with R algebraic in sinh x, cosh x: u = one of the six functions of x."""
    nodes = _hyperbolic_nodes(expr, var)
    if nodes is None or _rational_in_sinh_cosh(expr, var):
        return None
    u = ctx.dummy()
    tries = []
    for name in _HYPERBOLIC:
        g = _in_u(expr, nodes, name, u)
        if g is not None:
            tries.append((g.size(), name, g))
    for _, name, g in sorted(tries, key=lambda t: t[0])[:MAX_TRIES]:
        ctx.budget.check()
        inner = ctx.integrate(g, u)
        if inner is None:
            continue
        u_x = _function(name, var)
        s, c = SINH(var), COSH(var)
        du = _FORMULAS[name][2](s, c)
        return substituted("substitution", expr, var, u, u_x, du, g, inner,
                           details=(("identity", "cosh² x − sinh² x = 1"),),
                           method="hyperbolic substitution", hint=_HINT)  # fmt: skip
    ctx.release(u)
    return None


_HINT = ("every hyperbolic function written in sinh x and cosh x, and these in u by "
         "cosh² x − sinh² x = 1 (cosh x > 0)")  # fmt: skip


def _function(name: str, var: Symbol) -> Expr:
    return apply(PRIMITIVES[name], var)


def _hyperbolic_nodes(expr: Expr, var: Symbol) -> list[Apply] | None:
    """The hyperbolic functions of x itself in expr; None if x occurs anywhere else."""
    found, stack = [], [expr]
    while stack:
        node = stack.pop()
        if node is var:
            return None
        if isinstance(node, Apply) and node.prim.name in _HYPERBOLIC and node.arg is var:
            found.append(node)
            continue
        stack.extend(node.args)
    return found or None


def _rational_in_sinh_cosh(expr: Expr, var: Symbol) -> bool:
    return not any((isinstance(n, Pow) and not free_of(n.base, var)
                   and not (isinstance(n.exp, Number) and isinstance(n.exp.value, int)))
                   or (isinstance(n, Apply) and n.prim.name not in _HYPERBOLIC
                       and not free_of(n, var))
                   for n in expr.walk())  # fmt: skip


def _in_u(expr: Expr, nodes: list[Apply], name: str, u: Symbol) -> Expr | None:
    s_of, c_of, du_of = _FORMULAS[name]
    s, c = s_of(u), c_of(u)
    g = _rewrite(expr, nodes, s, c, du_of(s, c))
    if name in _SIGNED and g is not _rewrite(expr, nodes, mul(-1, s), c, du_of(mul(-1, s), c)):
        return None  # odd in sinh x: s = ±√(…) has no single sign
    return g


def _rewrite(expr: Expr, nodes: list[Apply], s: Expr, c: Expr, du: Expr) -> Expr:
    mapping = {n: _IN_SC[n.prim.name](s, c) for n in nodes}
    return mul(substitute(expr, mapping), power(du, -1))


__all__ = ["hyperbolic_substitution"]
