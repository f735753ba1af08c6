"""Common factors taken out of sums, so that quotients cancel: e^x + x·e^x = e^x·(1 + x).

Canonical form merges equal bases in a product but never factors a sum, so after a substitution
(1 + x)·eˣ/(eˣ + x·eˣ) or x/(x + x·u + x·u²) keeps its x's. Writing every sum as
(common factor)·(sum of the rest), children first, lets the canonical product cancel them.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from calcml.core.expr import Add, Expr, Mul, Number, Pow, add, mul, number, power


def transform(expr: Expr, rule: Callable[[Expr], Expr]) -> Expr:
    """`rule` applied to every node, children first, to the rebuilt node (iterative)."""
    done: dict[Expr, Expr] = {}
    for node in expr.walk():
        if node.args:
            args = tuple(done[a] for a in node.args)
            same = all(a is b for a, b in zip(args, node.args, strict=True))
            node_now = node if same else node.func(*args)
        else:
            node_now = node
        done[node] = rule(node_now)
    return done[expr]


def pull_common_factors(expr: Expr) -> Expr:
    """Every sum written g·Σ(tᵢ/g) with g the product of the powers common to all its terms
    (exact numeric exponents of one sign: x² + x³ = x²·(1 + x), 1/x + u/x = (1 + u)/x)."""
    return transform(expr, _pull)


def _pull(n: Expr) -> Expr:
    if not isinstance(n, Add):
        return n
    maps = [_powers(t) for t in n.args]
    common: dict[Expr, Fraction] = {}
    for base, e in maps[0].items():
        es = [m.get(base) for m in maps]
        if all(v is not None and v * e > 0 for v in es):
            common[base] = min(es) if e > 0 else max(es)
    if not common:
        return n
    g = mul(*(power(b, number(e)) for b, e in common.items()))
    return mul(g, add(*(mul(t, power(g, -1)) for t in n.args)))


def _powers(term: Expr) -> dict[Expr, Fraction]:
    """The factors of a term with their exact numeric exponents (numbers left out)."""
    out: dict[Expr, Fraction] = {}
    for f in term.args if isinstance(term, Mul) else (term,):
        if isinstance(f, Number):
            continue
        if isinstance(f, Pow) and isinstance(f.exp, Number) and f.exp.is_exact:
            out[f.base] = Fraction(f.exp.value)
        else:
            out[f] = Fraction(1)
    return out


__all__ = ["pull_common_factors", "transform"]
