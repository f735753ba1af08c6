"""Exact solutions of polynomial systems that factor or triangularize simply.

The solver tries, in order: split an equation that factors into its factors (x·y = 0 gives
x = 0 or y = 0); solve an equation in one unknown exactly and substitute its roots; eliminate
an unknown that appears linearly with a constant coefficient. Anything else returns None and
the numeric search takes over.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import flint

from calcml.core.expr import Expr, Number, Symbol
from calcml.symbolic.extrema.polys import mpoly_to_expr, real_roots
from calcml.symbolic.simplify import expand

Solution = dict[int, Expr]

#: Most solution branches explored before giving up on an exact answer.
MAX_BRANCHES = 200


def solve_system(eqs: list[Any], variables: tuple[Symbol, ...]) -> list[dict[Symbol, Expr]] | None:
    """Every real solution of the polynomial equations `eqs` (fmpq_mpoly) = 0, exactly; None when
    the system is beyond these simple methods (or has non-isolated solutions).

    >>> from calcml.core.expr import symbols
    >>> from calcml.symbolic.extrema.polys import multivariate
    >>> x, y = symbols("x y")
    >>> eqs = [multivariate(e, (x, y))[0] for e in (2*x*y, x**2 + y**2 - 1)]
    >>> sorted(str(tuple(s.values())) for s in solve_system(eqs, (x, y)))
    ['(-1, 0)', '(0, -1)', '(0, 1)', '(1, 0)']
    """
    budget = [MAX_BRANCHES]
    found = _solve(list(eqs), list(range(len(variables))), variables, budget)
    if found is None:
        return None
    return [{variables[i]: s[i] for i in sorted(s)} for s in _unique(found)]


def _solve(eqs: list[Any], unknowns: list[int], names: tuple[Symbol, ...],
           budget: list[int]) -> list[Solution] | None:  # fmt: skip
    budget[0] -= 1
    if budget[0] < 0:
        return None
    eqs = [e for e in eqs if not e.is_zero()]
    if any(e.is_constant() for e in eqs):
        return []
    if not unknowns:
        return [{}]
    if not eqs:
        return None
    for method in (_split, _univariate, _linear):
        result = method(eqs, unknowns, names, budget)
        if result is not NotImplemented:
            return result
    return None


def _split(eqs: list, unknowns: list[int], names: tuple, budget: list[int]) -> Any:
    for k, e in enumerate(eqs):
        factors = [g for g, _ in e.factor()[1] if not g.is_constant()]
        if len(factors) < 2:
            continue
        others = eqs[:k] + eqs[k + 1 :]
        out: list[Solution] = []
        for g in factors:
            sub = _solve([g, *others], unknowns, names, budget)
            if sub is None:
                return None
            out.extend(sub)
        return out
    return NotImplemented


def _univariate(eqs: list, unknowns: list[int], names: tuple, budget: list[int]) -> Any:
    for k, e in enumerate(eqs):
        used = [i for i in unknowns if e.degrees()[i] > 0]
        if len(used) != 1:
            continue
        v = used[0]
        others = eqs[:k] + eqs[k + 1 :]
        out: list[Solution] = []
        for root in real_roots(_to_univariate(e, v)):
            rest = _substitute_root(others, v, root.exact, names)
            if rest is None:
                return None
            sub = _solve(rest, [i for i in unknowns if i != v], names, budget)
            if sub is None:
                return None
            out.extend({**s, v: root.exact} for s in sub)  # type: ignore[dict-item]
        return out
    return NotImplemented


def _to_univariate(e: Any, v: int) -> flint.fmpq_poly:
    coeffs: dict[int, Any] = {}
    for monom, c in e.to_dict().items():
        coeffs[monom[v]] = coeffs.get(monom[v], 0) + c
    return flint.fmpq_poly([coeffs.get(k, 0) for k in range(max(coeffs) + 1)])


def _substitute_root(eqs: list, v: int, value: Expr | None, names: tuple) -> list | None:
    """The equations with unknown v set to value; None when that leaves Q (a radical root)."""
    involved = [e for e in eqs if e.degrees()[v] > 0]
    if not involved:
        return eqs
    if not (isinstance(value, Number) and value.is_exact):
        return None
    q = Fraction(value.value)
    fixed = {names[v].name: flint.fmpq(q.numerator, q.denominator)}
    return [e.subs(fixed) if e.degrees()[v] > 0 else e for e in eqs]


def _linear(eqs: list, unknowns: list[int], names: tuple, budget: list[int]) -> Any:
    for k, e in enumerate(eqs):
        for v in unknowns:
            split = _linear_in(e, v)
            if split is None:
                continue
            others = eqs[:k] + eqs[k + 1 :]
            value = split  # v = value, an mpoly free of v
            gens = list(e.context().gens())
            gens[v] = value
            rest = [o.compose(*gens) for o in others]
            sub = _solve(rest, [i for i in unknowns if i != v], names, budget)
            if sub is None:
                return None
            return [{**s, v: _back_substitute(value, s, names)} for s in sub]
    return NotImplemented


def _linear_in(e: Any, v: int) -> Any | None:
    """If e = c·v + r with c a nonzero rational and r free of v, the mpoly -r/c; else None."""
    if e.degrees()[v] != 1:
        return None
    ctx = e.context()
    coeff = None
    rest = {}
    for monom, c in e.to_dict().items():
        if monom[v] == 1:
            if any(m for i, m in enumerate(monom) if i != v):
                return None
            coeff = c
        else:
            rest[monom] = c
    if coeff is None:
        return None
    return -ctx.from_dict(rest) / coeff if rest else ctx.from_dict({})


def _back_substitute(value: Any, solution: Solution, names: tuple) -> Expr:
    expr = mpoly_to_expr(value, names)
    return expand(expr.subs({names[i]: c for i, c in solution.items()}))


def _unique(solutions: list[Solution]) -> list[Solution]:
    seen: set[tuple] = set()
    out = []
    for s in solutions:
        key = tuple(sorted((i, id(c)) for i, c in s.items()))
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


__all__ = ["solve_system"]
