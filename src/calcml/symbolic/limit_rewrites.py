"""Algebraic rewrites that expose an indeterminate form's dominant behaviour to the limit engine."""

from __future__ import annotations

from calcml.core.expr import HALF, Add, Apply, Expr, Mul, Number, Pow, Symbol, add, mul, power
from calcml.core.registry import EXP


def _exp_form(e: Expr) -> Expr:
    """sinh, cosh, tanh as exponentials, products expanded and exp(a)·exp(b) merged."""
    from calcml.symbolic.simplify import expand

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
        fs = _factors(t)
        exps = [f for f in fs if isinstance(f, Apply) and f.prim is EXP]
        rest = [f for f in fs if not (isinstance(f, Apply) and f.prim is EXP)]
        out.append(mul(*rest, *([EXP(add(*(f.arg for f in exps)))] if len(exps) > 1 else exps)))
    return add(*out)


def _has_growth(n: Expr, x: Symbol) -> bool:
    """exp(...) or a power with a varying exponent: where logarithms show dominance."""
    return (isinstance(n, Apply) and n.prim is EXP) or (isinstance(n, Pow) and n.exp.has(x))


def _is_sqrt(a: Expr) -> bool:
    return any(isinstance(p, Pow) and p.exp is HALF for p in _factors(a))


def expand_difference(a: Expr, b: Expr) -> Expr:
    """`a + b = (a² - b²)/(a - b)`, with the numerator expanded (the conjugate trick)."""
    from calcml.symbolic.simplify import expand

    return expand(a * a - b * b) * (a - b) ** -1


def _factors(e: Expr) -> tuple[Expr, ...]:
    return e.args if isinstance(e, Mul) else (e,)


def _together(e: Expr) -> Expr:
    """A sum over one common denominator (numerator expanded); `e` itself if it has none."""
    from calcml.symbolic.simplify import expand

    terms = e.args if isinstance(e, Add) else (e,)
    dens: dict[Expr, Expr] = {}
    for t in terms:
        for f in _factors(t):
            if isinstance(f, Pow) and isinstance(f.exp, Number) and f.exp.value < 0:
                dens[f.base] = _max_exp(dens.get(f.base), -f.exp)
    if not dens:
        return e
    d = mul(*(power(b, k) for b, k in dens.items()))
    return expand(add(*(t * d for t in terms))) * power(d, -1)


def _max_exp(old: Expr | None, new: Expr) -> Expr:
    return new if old is None or float(new) > float(old) else old
