"""Substitutions that remove a root: t = (a·x + b)^(1/n) and t = ((a·x + b)/(c·x + d))^(1/n).

With t = √(x + 1), x = t² − 1 is a polynomial in t, so every other root of a linear expression
becomes a root of a quadratic in t (√(1 − x) = √(2 − t²)) and a root nested over √(x + 1)
loses one level (√(x + √(x + 1)) = √(t² + t − 1)): what is left is a rational function of t and
at most one quadratic radical, which the methods for those finish. The same holds for
t = ((a·x + b)/(c·x + d))^(1/n), whose inverse x = (d·tⁿ − b)/(a − c·tⁿ) is rational.
The root removed first is the one with the most negative power, so that what is left has its
radical in the numerator, where the quadratic-radical methods expect it.
"""

from __future__ import annotations

from fractions import Fraction
from math import lcm

from calcml.core.evaluate import substitute
from calcml.core.expr import ONE, Apply, Expr, Number, Pow, Symbol, add, mul, number, power
from calcml.core.registry import SIGN
from calcml.symbolic.integrate.base import Antiderivative, Context, free_of, make
from calcml.symbolic.integrate.euler import in_parts
from calcml.symbolic.integrate.explain import substituted
from calcml.symbolic.polys import fraction, from_poly, to_poly, to_rational
from calcml.symbolic.steps import Step

#: Most roots tried as the one to remove, per integrand.
MAX_TRIES = 2


def root_substitution(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ f dx with t = L^(1/n) for a linear or fractional-linear L under a root in f."""
    from calcml.symbolic.diff import diff

    if in_parts(ctx) or any(isinstance(n, Apply) and n.has(var) for n in expr.walk()):
        return None  # algebraic integrands only: a logarithm of roots is a by-parts detour
    for base, n in _candidates(expr, var)[:MAX_TRIES]:
        inverse = _inverse(base, var, n, ctx)
        if inverse is None:
            continue
        t, x_of_t = inverse
        mapping: dict[Expr, Expr] = {var: x_of_t}
        for node in expr.walk():
            if isinstance(node, Pow) and node.base is base and isinstance(node.exp, Number):
                mapping[node] = power(t, int(Fraction(node.exp.value) * n))
        g = _tidy(mul(substitute(expr, mapping), diff(x_of_t, t, verify=False)), t)
        if not free_of(g, var):
            ctx.release(t)
            continue
        inner = ctx.integrate(g, t)
        if inner is None:
            ctx.release(t)
            continue
        u = power(base, number(Fraction(1, n)))
        found = substituted("radical substitution", expr, var, t, u, diff(u, var, verify=False),
                            g, inner, hint="t = ⁿ√L makes x, and so dx, rational in t")
        return _positive_root_sign(found, expr, var, u) if n % 2 == 0 else found  # fmt: skip
    return None


def _candidates(expr: Expr, var: Symbol) -> list[tuple[Expr, int]]:
    """(L, n) for each linear or fractional-linear L under a fractional power, n the lcm of
    the denominators of its powers; the most negative power first."""
    powers: dict[Expr, list[Fraction]] = {}
    for node in expr.walk():
        if isinstance(node, Pow) and isinstance(node.exp, Number) and node.exp.is_exact \
                and Fraction(node.exp.value).denominator > 1 and not free_of(node.base, var):
            powers.setdefault(node.base, []).append(Fraction(node.exp.value))
    out = []
    for base, exps in powers.items():
        pq = to_rational(base, var)
        if pq is None or max(pq[0].degree(), pq[1].degree()) != 1:
            continue
        out.append((min(exps), base, lcm(*(e.denominator for e in exps))))
    if len(powers) < 2 and all(to_poly(b, var) is not None for _, b, _ in out):
        return []  # one linear root alone: the linear substitution's case
    return [(base, n) for _, base, n in sorted(out, key=lambda c: (c[0], c[1].key))]


def _inverse(base: Expr, var: Symbol, n: int, ctx: Context) -> tuple[Symbol, Expr] | None:
    """(t, x as a function of t) for t = base^(1/n), base = (a·x + b)/(c·x + d)."""
    pq = to_rational(base, var)
    if pq is None:
        return None
    num, den = pq
    a, b, c, d = (number(fraction(k)) for k in (num[1], num[0], den[1], den[0]))
    if num[1] * den[0] - num[0] * den[1] == 0:
        return None
    t = ctx.dummy("tuvw")
    tn = power(t, n)
    return t, mul(add(mul(d, tn), mul(-1, b)), power(add(a, mul(-1, c, tn)), -1))


def _tidy(g: Expr, t: Symbol) -> Expr:
    """Radicands that are polynomials in t written expanded: √(2 − t²), not √(1 − (t² − 1))."""
    mapping = {}
    for node in g.walk():
        if isinstance(node, Pow) and isinstance(node.exp, Number) and node.has(t) \
                and not isinstance(node.exp.value, int):
            p = to_poly(node.base, t)
            if p is not None:
                mapping[node] = power(from_poly(p, t), node.exp)
    return substitute(g, mapping) if mapping else g


def _positive_root_sign(found: Antiderivative, expr: Expr, var: Symbol,
                        u: Expr) -> Antiderivative:  # fmt: skip
    """sign(ⁿ√L) written 1 (n even: the root is positive wherever it is defined and not 0), as
    a last step; a sign(t) from the t-integral otherwise survives the substitution."""
    one = substitute(found.result, {SIGN(u): ONE})
    if one is found.result:
        return found
    tidy = Step("simplify", found.result, one, hint="sign(ⁿ√L) = 1 where ⁿ√L > 0")
    return make(found.step.rule, expr, var, one, (found.step, tidy), found.step.details,
                found.method, found.step.hint)  # fmt: skip
