"""Algebraic rewrites that expose an indeterminate form's dominant behaviour to the limit engine,
and the leading term `c·x^p` of an algebraic expression."""

from __future__ import annotations

from fractions import Fraction

from calcml.core.errors import DomainError
from calcml.core.expr import (
    HALF,
    ONE,
    Add,
    Apply,
    Expr,
    Mul,
    Number,
    Pow,
    Symbol,
    add,
    mul,
    power,
)
from calcml.core.registry import EXP
from calcml.symbolic.limit_values import as_float
from calcml.symbolic.simplify import expand


def exp_form(e: Expr) -> Expr:
    """sinh, cosh, tanh as exponentials, products expanded and exp(a)·exp(b) merged."""
    hyper = {"sinh": lambda u: (EXP(u) - EXP(-u)) / 2, "cosh": lambda u: (EXP(u) + EXP(-u)) / 2,
             "tanh": lambda u: (EXP(u) - EXP(-u)) * (EXP(u) + EXP(-u)) ** -1}  # fmt: skip
    done: dict[Expr, Expr] = {}
    for n in e.walk():
        args = [done[c] for c in n.args]
        if isinstance(n, Apply) and n.prim.name in hyper:
            done[n] = hyper[n.prim.name](args[0])
        elif isinstance(n, Mul):
            exps = [f for f in args if isinstance(f, Apply) and f.prim is EXP]
            rest = [f for f in args if not (isinstance(f, Apply) and f.prim is EXP)]
            done[n] = expand(mul(*rest, *([EXP(add(*(f.arg for f in exps)))] if exps else [])))
        else:
            done[n] = n.func(*args) if n.args else n
    out = expand(done[e])
    return _merge_exps(out) if out is not e else e


def _merge_exps(e: Expr) -> Expr:
    terms = e.args if isinstance(e, Add) else (e,)
    out = []
    for t in terms:
        fs = factors(t)
        exps = [f for f in fs if isinstance(f, Apply) and f.prim is EXP]
        rest = [f for f in fs if not (isinstance(f, Apply) and f.prim is EXP)]
        out.append(mul(*rest, *([EXP(add(*(f.arg for f in exps)))] if len(exps) > 1 else exps)))
    return add(*out)


def has_growth(n: Expr, x: Symbol) -> bool:
    """exp(...) or a power with a varying exponent: where logarithms show dominance."""
    return (isinstance(n, Apply) and n.prim is EXP) or (isinstance(n, Pow) and n.exp.has(x))


def is_sqrt(a: Expr) -> bool:
    """Has the product `a` a square-root factor (where the conjugate trick applies)?"""
    return any(isinstance(p, Pow) and p.exp is HALF for p in factors(a))


def expand_difference(a: Expr, b: Expr) -> Expr:
    """`a + b = (a² - b²)/(a - b)`, with the numerator expanded (the conjugate trick)."""
    return expand(a * a - b * b) * (a - b) ** -1


def factors(e: Expr) -> tuple[Expr, ...]:
    """The factors of a product (a lone factor for anything else)."""
    return e.args if isinstance(e, Mul) else (e,)


def together(e: Expr) -> Expr:
    """A sum over one common denominator (numerator expanded); `e` itself if it has none."""
    terms = e.args if isinstance(e, Add) else (e,)
    dens: dict[Expr, Expr] = {}
    for t in terms:
        for f in factors(t):
            if isinstance(f, Pow) and isinstance(f.exp, Number) and f.exp.value < 0:
                dens[f.base] = _max_exp(dens.get(f.base), -f.exp)
    if not dens:
        return e
    d = mul(*(power(b, k) for b, k in dens.items()))
    return expand(add(*(t * d for t in terms))) * power(d, -1)


def _max_exp(old: Expr | None, new: Expr) -> Expr:
    return new if old is None or float(new) > float(old) else old


def leading_term(e: Expr, x: Symbol, at_inf: bool) -> tuple[Expr, Fraction] | None:
    """(c, p) with e ~ c·x^p (c a nonzero closed expression), for algebraic e; else None."""
    done: dict[Expr, tuple[Expr, Fraction] | None] = {}
    for n in e.walk():
        done[n] = _lead_node(n, x, at_inf, done)
    return done[e]


def _lead_node(n: Expr, x: Symbol, at_inf: bool, done: dict) -> tuple[Expr, Fraction] | None:
    if n is x:
        return ONE, Fraction(1)
    if not n.has(x):
        return None if not as_float(n) else (n, Fraction(0))
    kids = [done[a] for a in n.args]
    if any(k is None for k in kids) or isinstance(n, Apply):
        return None
    if isinstance(n, Mul):
        return mul(*(c for c, _ in kids)), sum((p for _, p in kids), Fraction(0))
    if isinstance(n, Pow):
        (bc, bp), k = kids[0], n.exp
        if not (isinstance(k, Number) and k.is_exact):
            return None
        try:
            return power(bc, k), bp * Fraction(k.value)
        except DomainError:
            return None
    pick = max if at_inf else min
    p = pick(kp for _, kp in kids)
    c = add(*(kc for kc, kp in kids if kp == p))
    scale = max(abs(as_float(kc) or 0.0) for kc, _ in kids)
    value = as_float(c)
    return None if value is None or abs(value) <= 1e-12 * scale else (c, p)
