"""Substitutions: derivative-divides (u = a subexpression) and linear or radical substitutions.

Derivative-divides tries u = each subexpression of the integrand, largest first, and keeps it
when integrand/u' is a function of u alone. When var survives the syntactic replacement, it is
eliminated by solving u for var in the two shapes that are easy to invert (u = a·x^k + b and
u = e^(a·x+b)); anything wrong this introduces is caught by verification.
"""

from __future__ import annotations

from fractions import Fraction
from math import lcm

from calcml.core.evaluate import substitute
from calcml.core.expr import (
    ONE,
    ZERO,
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
from calcml.core.registry import COS, EXP, SIN
from calcml.symbolic.integrate.base import (
    Antiderivative,
    Context,
    bare,
    free_of,
    linear_coefficients,
    split_constant,
)
from calcml.symbolic.integrate.explain import substituted

#: Most candidate u's derivative-divides tries for one integrand.
MAX_CANDIDATES = 12


def derivative_divides(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ g(u(x))·u'(x) dx = ∫ g(u) du."""
    from calcml.symbolic.diff import diff

    for u in _candidates(expr, var):
        ctx.budget.check()
        du = diff(u, var, verify=False)
        if du is ZERO:
            continue
        big_u = ctx.dummy()
        g = _in_terms_of(mul(expr, power(du, -1)), u, big_u, var)
        inner = None if g is None or free_of(g, big_u) else ctx.integrate(g, big_u)
        if inner is None:
            ctx.release(big_u)
            continue
        return substituted("substitution", expr, var, big_u, u, du, g, inner)
    return None


def simple_substitution(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ g(u(x))·u′(x) dx = ∫ g(u) du where g(u) is c·uⁿ or c·f(u) from the table: the
    substitution a teacher sees at once (∫ x/(x² + 1) dx, ∫ x·√(1 − x²) dx), tried before the
    general methods so that their steps read as the textbook's."""
    from calcml.symbolic.diff import diff

    if not isinstance(expr, Mul):
        return None
    for u in _quotient_bases(expr, var):
        du = diff(u, var, verify=False)
        big_u = ctx.dummy()
        g = substitute(mul(expr, power(du, -1)), {u: big_u})
        if free_of(g, var) and _table_shaped(g, big_u):
            inner = ctx.integrate(g, big_u)
            if inner is not None:
                return substituted("substitution", expr, var, big_u, u, du, g, inner)
        ctx.release(big_u)  # not used: the next substitution is u again
    return None


def _quotient_bases(expr: Mul, var: Symbol) -> list[Expr]:
    """The sums under a reciprocal or a root (x² + 1 in x/(x² + 1) or x·√(1 − x²)): where the
    rational and radical methods, tried before substitution, would otherwise answer a plain
    substitution."""
    return [f.base for f in expr.args
            if isinstance(f, Pow) and isinstance(f.base, Add) and not free_of(f.base, var)
            and isinstance(f.exp, Number) and not _positive_integer(f.exp.value)][:3]  # fmt: skip


def _positive_integer(v) -> bool:
    return v > 0 and Fraction(v).denominator == 1


def _table_shaped(g: Expr, u: Symbol) -> bool:
    """g = c·uⁿ (n a number ≠ 0) or c·f(u) with f in the table."""
    _, h = split_constant(g, u)
    if isinstance(h, Pow):
        return h.base is u and isinstance(h.exp, Number)
    return isinstance(h, Apply) and h.arg is u and h.prim.antiderivative is not None


def _candidates(expr: Expr, var: Symbol) -> list[Expr]:
    found: set[Expr] = set()
    for node in expr.walk():
        if node is var or node is expr or free_of(node, var):
            continue
        if isinstance(node, Apply):
            found.update((node, node.arg))
        elif isinstance(node, Pow):
            found.update((node, node.base))
            j = node.exp.value if node.base is var and isinstance(node.exp, Number) else 0
            if isinstance(j, int) and j:  # x^(n-1)·f(x^n) also hides u = x^d for d | n
                found.update(power(var, d) for d in range(2, min(abs(j), 12)) if j % d == 0)
        elif isinstance(node, Add):
            found.add(node)
    found.discard(var)
    ranked = sorted(found, key=lambda e: (-e.size(), e.key))
    return [u for u in ranked if linear_coefficients(u, var) is None][:MAX_CANDIDATES]


def _in_terms_of(q: Expr, u: Expr, big_u: Symbol, var: Symbol) -> Expr | None:
    g = substitute(q, {u: big_u})
    if free_of(g, var):
        return g
    sin_cos = to_sin_cos(g)
    if sin_cos is not g:
        q, g = sin_cos, sin_cos
        if free_of(g, var):
            return g
    inverse = _inverse(u, big_u, var)
    if inverse is None:
        return None
    g = substitute(inverse(q), {u: big_u})
    return g if free_of(g, var) else None


def _inverse(u: Expr, big_u: Symbol, var: Symbol):
    """A rewrite of expressions in var into big_u, from solving u = big_u for var."""
    shift = add(*(t for t in u.args if free_of(t, var))) if isinstance(u, Add) else ZERO
    c, g = split_constant(add(u, mul(-1, shift)), var)
    if g is var or (isinstance(g, Pow) and g.base is var and isinstance(g.exp, Number)):
        k = Fraction(1) if g is var else Fraction(g.exp.value)
        w = mul(add(big_u, mul(-1, shift)), power(c, -1))  # = var^k
        return lambda e: _power_rewrite(e, {u: big_u}, var, k, w)
    if isinstance(g, Apply) and g.prim is EXP and shift is ZERO:
        lin = linear_coefficients(g.arg, var) if g.arg is not var else (ONE, ZERO)
        if lin is not None:
            return lambda e: _exp_powers(e, lin, mul(big_u, power(c, -1)), var)
    return None


def _power_rewrite(e: Expr, mapping: dict[Expr, Expr], var: Symbol, k: Fraction,
                   w: Expr) -> Expr:  # fmt: skip
    """Replace var^j by w^(j/k) where j/k is an integer (so no branch of a root is chosen)."""
    mapping = dict(mapping)
    for node in e.walk():
        for child in node.args:
            if child is not var:
                continue
            if isinstance(node, Pow) and node.base is var and isinstance(node.exp, Number):
                r = Fraction(node.exp.value) / k
                if r.denominator != 1:
                    return e
                mapping.setdefault(node, power(w, int(r)))
            elif (1 / k).denominator != 1:
                return e
    if (1 / k).denominator == 1:
        mapping.setdefault(var, power(w, int(1 / k)))
    return substitute(e, mapping)


def _exp_powers(e: Expr, lin: tuple[Expr, Expr], w: Expr, var: Symbol) -> Expr:
    """Replace each e^(m·x+f) by w^(m/a)·e^(f - m·b/a), where w = e^(a·x+b)."""
    a, b = lin
    mapping: dict[Expr, Expr] = {}
    for node in e.walk():
        if isinstance(node, Apply) and node.prim is EXP:
            other = (ONE, ZERO) if node.arg is var else linear_coefficients(node.arg, var)
            if other is not None:
                ratio = mul(other[0], power(a, -1))
                if not (isinstance(ratio, Number) and isinstance(ratio.value, int)):
                    return e
                mapping[node] = mul(power(w, ratio), EXP(add(other[1], -mul(ratio, b))))
    return substitute(e, mapping)  # var left outside e^(...) means: not a function of u


def linear_substitution(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """t = a·x+b when every inner argument is that one linear expression; radicals of it
    become powers of t = (a·x+b)^(1/n), which turns them rational."""
    from calcml.symbolic.diff import diff

    inner = _common_inner(expr, var)
    if inner is None:
        return None
    base, (a, b), n, radicals = inner
    t = ctx.dummy("tuvw")
    x_of_t = mul(add(power(t, n), -b), power(a, -1))
    mapping: dict[Expr, Expr] = {r: power(t, mul(r.exp, n)) for r in radicals}
    mapping[var] = x_of_t
    mapping[base] = power(t, n)
    dx_dt = mul(n, power(t, n - 1), power(a, -1))
    g = mul(substitute(expr, mapping), dx_dt)
    if not free_of(g, var):
        return None
    found = ctx.integrate(g, t)
    if found is None:
        return None
    u = base if n == 1 else power(base, number(Fraction(1, n)))
    du = diff(u, var, verify=False)
    return substituted("linear substitution", expr, var, t, u, du, g, found)


def _centred(e: Expr, inner: Expr, var: Symbol) -> bool:
    """Does t = inner make e simpler: a quadratic with its vertex at inner = 0 (x² + 2x with
    t = x + 1), or a quotient of linear polynomials with inner on top or below?"""
    from calcml.symbolic.polys import to_rational

    pq, lin = to_rational(e, var), to_rational(inner, var)
    if pq is None or lin is None or lin[0].degree() != 1:
        return False
    p, q = pq
    root = -lin[0][0] / lin[0][1]
    if q.degree() == 0 and p.degree() == 2:
        return -p[1] / (2 * p[2]) == root
    return max(p.degree(), q.degree()) <= 1 and (p(root) == 0 or q(root) == 0)


def _nested_or_inside(e: Expr, var: Symbol) -> bool:
    """Has e a root of a linear expression (x + √(x + 1)), or does var occur in e only inside
    function applications (sin(3x + 7)² + 3)? Then t = (a·x + b)^(1/n) may help."""
    for n in e.walk():
        if (isinstance(n, Pow) and isinstance(n.exp, Number) and isinstance(n.exp.value, Fraction)
                and (n.base is var or linear_coefficients(n.base, var) is not None)):
            return True

    return not bare(e, var)


def _common_inner(expr: Expr, var: Symbol):
    """`(L, (a, b), n, radicals)`: the one linear inner expression a·x+b (arguments and bases),
    and the lcm n of the denominators of its fractional powers."""
    linear: set[Expr] = set()
    radicals: list[Pow] = []
    foreign: list[Expr] = []  # other roots: √(x³ + 1)
    n = 1
    for node in expr.walk():
        if isinstance(node, Apply) and not free_of(node.arg, var):
            inner = node.arg
        elif isinstance(node, Pow) and not free_of(node.base, var):
            if not free_of(node.exp, var):
                return None
            inner = node.base
            lin = inner is var or linear_coefficients(inner, var) is not None
            root = isinstance(node.exp, Number) and isinstance(node.exp.value, Fraction)
            if root and not lin and not _nested_or_inside(inner, var):
                foreign.append(inner)
            if lin and root:
                radicals.append(node)
                n = lcm(n, node.exp.value.denominator)
        else:
            continue
        if inner is var or linear_coefficients(inner, var) is not None:
            linear.add(inner)
    bases = {r.base for r in radicals}
    if len(bases) > 1:
        return None
    if bases:
        only = next(iter(bases))
        if only not in linear:
            return None
    else:
        linear.discard(var)
        if len(linear) != 1:
            return None
        only = next(iter(linear))
    lin = (ONE, ZERO) if only is var else linear_coefficients(only, var)
    if not all(_centred(f, only, var) for f in foreign):
        return None  # t = x + c cannot help √(x³ + 1) when no root of x + c is to be removed
    return only, lin, n, radicals


_AS_SIN_COS = {
    "tan": lambda a: mul(SIN(a), power(COS(a), -1)),
    "cot": lambda a: mul(COS(a), power(SIN(a), -1)),
    "sec": lambda a: power(COS(a), -1),
    "csc": lambda a: power(SIN(a), -1),
}


def to_sin_cos(expr: Expr) -> Expr:
    """tan, cot, sec and csc written with sin and cos, so that quotients of them cancel."""
    mapping = {n: _AS_SIN_COS[n.prim.name](n.arg) for n in expr.walk()
               if isinstance(n, Apply) and n.prim.name in _AS_SIN_COS}  # fmt: skip
    return substitute(expr, mapping) if mapping else expr
