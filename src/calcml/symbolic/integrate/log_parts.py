"""Integration by parts for the logarithm of an algebraic function, ∫ v′·ln(A + B·√R) dx.

With u = ln g, g = A + B·√R (A, B rational in x, R a polynomial), du = g′/g dx has the root in
its denominator, where no radical method can use it. Multiplying by the conjugate A − B·√R
puts it in the numerator:

    g′/g = g′·(A − B·√R)/(A² − B²·R) = C/N + D·R/(N·√R),

a rational function plus a rational function over √R, which the rational and radical methods
integrate after v is multiplied in: ∫ x·ln(4x − 1 + 4·√(x² − x)) dx.
"""

from __future__ import annotations

from fractions import Fraction

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
    number,
    power,
)
from calcml.symbolic.integrate.base import Antiderivative, Context, free_of, op, split_constant
from calcml.symbolic.integrate.explain import constant_multiple
from calcml.symbolic.polys import from_poly, from_rational, to_poly, to_rational
from calcml.symbolic.steps import Step

#: Largest degree of R under the root, and of the numerators and denominators built from it.
MAX_DEGREE = 12


def log_algebraic_parts(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ w·ln g dx = v·ln g − ∫ v·(C/N + D·R/(N·√R)) dx with v = ∫ w dx."""
    c, f = split_constant(expr, var)
    split = _log_factor(f, var)
    if split is None:
        return None
    log_g, w = split
    conj = _conjugate_derivative(log_g.arg, var)
    if conj is None:
        return None
    du, rational_part, root_part = conj
    v_found = ctx.integrate(w, var)
    if v_found is None:
        return None
    v = v_found.result
    nxt = add(mul(v, rational_part), _merged(v, root_part, var))
    rest = ctx.integrate(nxt, var, frozenset({"integration by parts"}))
    if rest is None:
        return None
    return _assemble(var, c, f, log_g, w, v_found, du, rational_part, root_part, rest)


def _log_factor(f: Expr, var: Symbol) -> tuple[Apply, Expr] | None:
    """(ln g, w) where f = w·ln g, w free of logarithms, g holding a square root of x."""
    fs = f.args if isinstance(f, Mul) else (f,)
    logs = [g for g in fs if isinstance(g, Apply) and g.prim.name == "log"]
    if len(logs) != 1 or _root(logs[0].arg, var) is None:
        return None
    w = mul(*(g for g in fs if g is not logs[0]))
    if any(isinstance(n, Apply) and n.prim.name == "log" for n in w.walk()):
        return None
    return logs[0], w


def _root(g: Expr, var: Symbol) -> Pow | None:
    """The one √R (R a polynomial in x of degree ≤ MAX_DEGREE) that g = A + B·√R holds."""
    roots = {n for n in g.walk() if isinstance(n, Pow) and isinstance(n.exp, Number)
             and n.exp.value in (HALF.value, -HALF.value) and not free_of(n.base, var)}  # fmt: skip
    bases = {n.base for n in roots}
    if len(bases) != 1:
        return None
    base = next(iter(bases))
    r = to_poly(base, var)
    if r is None or not 1 <= r.degree() <= MAX_DEGREE:
        return None
    return power(base, HALF)


def _conjugate_derivative(g: Expr, var: Symbol) -> tuple[Expr, Expr, Expr] | None:
    """(g′/g, C/N, D·R/(N·√R)) with g′/g = C/N + D·R/(N·√R), the last two normalized."""
    from calcml.symbolic.diff import diff

    root = _root(g, var)
    if root is None or not isinstance(g, Add):
        return None
    r = root.base
    a = add(*(t for t in g.args if not t.has(root)))
    b = add(*(mul(t, power(root, -1)) for t in g.args if t.has(root)))
    if b.has(root) or a.has(root) or to_rational(mul(a, b), var) is None:
        return None
    p1 = diff(a, var, verify=False)  # g′ = p1 + q1·√R
    q1 = add(diff(b, var, verify=False), mul(b, diff(r, var, verify=False), power(mul(2, r), -1)))
    n = add(mul(a, a), mul(-1, b, b, r))
    c_over_n = to_rational(mul(add(mul(p1, a), mul(-1, q1, b, r)), power(n, -1)), var)
    d_over_n = to_rational(mul(add(mul(q1, a), mul(-1, p1, b)), power(n, -1)), var)
    if c_over_n is None or d_over_n is None or c_over_n[1].degree() > MAX_DEGREE:
        return None
    rational_part = from_rational(*c_over_n, var)
    dr = to_rational(mul(from_rational(*d_over_n, var), r), var)
    if dr is None:
        return None
    root_part = mul(from_rational(*dr, var), power(r, _MINUS_HALF))
    return diff(g, var, verify=False), rational_part, root_part


def _merged(v: Expr, root_part: Expr, var: Symbol) -> Expr:
    """v·root_part with L^(k/2)/√R written L^((k−1)/2)/√(R/L) when the linear L divides R
    (both sides are real only where L > 0 and R > 0, and there they are equal):
    √x·(…)/√(x² − x) = (…)/√(x − 1)."""
    product = mul(v, root_part)
    roots = [f for f in (root_part.args if isinstance(root_part, Mul) else (root_part,))
             if isinstance(f, Pow) and f.exp is _MINUS_HALF]  # fmt: skip
    r = to_poly(roots[0].base, var) if len(roots) == 1 else None
    if r is None:
        return product
    for f in product.args if isinstance(product, Mul) else ():
        if not (isinstance(f, Pow) and isinstance(f.exp, Number)
                and Fraction(f.exp.value).denominator == 2):  # fmt: skip
            continue
        lin = to_poly(f.base, var)
        if lin is None or lin.degree() != 1 or (r % lin) != 0:
            continue
        rest = mul(*(g for g in product.args if g is not f and g is not roots[0]))
        return mul(rest, power(f.base, add(f.exp, -HALF.value)),
                   power(from_poly(r // lin, var), _MINUS_HALF))  # fmt: skip
    return product


_MINUS_HALF = number(Fraction(-1, 2))


def _assemble(var: Symbol, c: Expr, f: Expr, log_g: Apply, w: Expr,
              v_found: Antiderivative, du_raw: Expr, rational_part: Expr, root_part: Expr,
              rest: Antiderivative) -> Antiderivative:  # fmt: skip
    """The step: v found, du by the conjugate, the parts formula, the remaining integral."""
    g = log_g.arg
    v = v_found.result
    du = mul(du_raw, power(g, -1))
    du_clean = add(rational_part, root_part)
    conj = Step("multiply by the conjugate", du, du_clean, (), "",
                (("conjugate", _conjugate_text(g, var)),),
                hint="1/(A + B·√R) = (A − B·√R)/(A² − B²·R)")  # fmt: skip
    nxt = mul(v, du_clean)
    value = add(mul(v, log_g), mul(-1, rest.result))
    named = (("u", log_g), ("dv", w), ("du", du_clean), ("v", v))
    formula = Step("parts formula", f, mul(v, log_g), (), op(var), named,
                   integrals=((mul(-1, ONE), nxt, var),))  # fmt: skip
    subs = [v_found.step, conj, formula]
    if rest.step.expr is not nxt:
        subs.append(Step("combine radicals", nxt, rest.step.expr, (), "",
                         hint="√L·√(R/L) = √R where L > 0 and R > 0"))  # fmt: skip
    step = Step("integration by parts", f, value, (*subs, rest.step), op(var), named)
    found = Antiderivative(value, step, "integration by parts")
    return found if c is ONE else constant_multiple(c, f, var, found, "integration by parts")


def _conjugate_text(g: Expr, var: Symbol) -> str:
    root = _root(g, var)
    a = add(*(t for t in g.args if not t.has(root)))
    b = add(*(mul(t, power(root, -1)) for t in g.args if t.has(root)))
    return add(a, mul(-1, b, root)).text()


__all__ = ["log_algebraic_parts"]
