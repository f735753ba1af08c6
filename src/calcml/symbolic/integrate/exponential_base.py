"""Rational functions of aˣ, bˣ, ... with bases that are powers of one number: u = gˣ.

aˣ = e^(x·ln a), so powers of numbers are exponentials: 4ˣ = (2ˣ)², 3⁻ˣ = 1/3ˣ, and with
u = gˣ, du = gˣ·ln g dx, a rational function of them becomes a rational function of u:

    ∫ dx/(2 + 3ˣ + 3⁻ˣ) = ∫ du/(ln 3·(u + 1)²) = −1/(ln 3·(3ˣ + 1)),
    ∫ (1 + 4ˣ)/(1 + 2ˣ) dx = ∫ (1 + u²)/(ln 2·u·(1 + u)) du.

The common base g is the smallest integer (or its reciprocal) of which every base is a power;
exponents must be integer multiples of x so that the result is rational in u.
"""

from __future__ import annotations

from fractions import Fraction

from calcml.core.evaluate import substitute
from calcml.core.expr import ONE, Apply, E, Expr, Number, Pow, Symbol, mul, number, power
from calcml.core.registry import ABS, EXP, LOG
from calcml.symbolic.integrate.base import Antiderivative, Context, free_of, split_constant
from calcml.symbolic.integrate.explain import substituted
from calcml.symbolic.polys import from_rational, to_rational

#: Largest |k| in (gˣ)ᵏ rewritten (the degree of the rational function grows with it).
MAX_MULTIPLE = 8

_HINT = ("aˣ = e^(x·ln a): with u = gˣ, du = gˣ·ln g dx, every power of a number g^k is u^k, so "
         "the integrand becomes a rational function of u")  # fmt: skip


def exponential_base(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ R(aˣ, bˣ, ...) dx with a, b, ... powers of one number g (or e), by u = g^(d·x)."""
    powers = [n for n in expr.walk() if isinstance(n, Pow) and isinstance(n.base, Number)
              and not free_of(n.exp, var)]  # fmt: skip
    exps = [n for n in expr.walk() if isinstance(n, Apply) and n.prim is EXP
            and not free_of(n, var)]  # fmt: skip
    if bool(powers) == bool(exps):
        return None  # none, or both e^(…) and a^(…): not one base
    g = E if exps else _common_base({n.base.value for n in powers})
    ks = None if g is None else _multiples(exps or powers, g, var)
    if ks is None:
        return None
    d = _gcd(ks.values())
    u = ctx.dummy()
    ln_g = ONE if g is E else LOG(number(g))
    h = substitute(expr, {n: power(u, int(k / d)) for n, k in ks.items()})
    inner = None
    if free_of(h, var):
        h = mul(h, power(u, -1))
        pq = to_rational(h, u)
        h = h if pq is None else from_rational(*pq, u)
        inner = ctx.integrate(h, u)
    if inner is None:
        ctx.release(u)
        return None
    scale = power(mul(d, ln_g), -1)
    g_x = EXP(mul(d, var)) if g is E else power(number(g), mul(d, var))
    back = mul(scale, substitute(inner.result, {u: g_x}))
    tidy = substitute(back, {LOG(ABS(g_x)): mul(d, var, ln_g)})  # ln|g^(dx)| = d·x·ln g
    tidy = substitute(tidy, {n: EXP(mul(n.exp, n.base.arg)) for n in tidy.walk()
                             if isinstance(n, Pow) and isinstance(n.base, Apply)
                             and n.base.prim is EXP and isinstance(n.exp, Number)})  # (eˣ)² = e²ˣ
    return substituted("substitution", expr, var, u, g_x, mul(g_x, d, ln_g), h, inner,
                       scale=scale, result=tidy, method="exponential base",
                       hint=_HINT)  # fmt: skip


def _multiples(nodes: list[Expr], g, var: Symbol) -> dict[Expr, Fraction] | None:
    """{node: k} with node = g^(k·x); None if some node is not of that form."""
    out = {}
    for n in nodes:
        k = _multiple(n, g, var)
        if k is None:
            return None
        out[n] = k
    return out


def _gcd(ks) -> Fraction:
    """The largest d with every k/d an integer (k, d rational)."""
    from math import gcd, lcm

    ks = list(ks)
    den = lcm(*(k.denominator for k in ks))
    num = 0
    for k in ks:
        num = gcd(num, int(k * den))
    return Fraction(num, den)


def _common_base(bases: set) -> Fraction | None:
    """The g > 1 (an integer) with every base = g^k, k a nonzero integer; None if none."""
    ints = set()
    for b in bases:
        b = Fraction(b) if not isinstance(b, float) else None
        if b is None or b <= 0 or b == 1:
            return None
        b = b if b > 1 else 1 / b
        if b.denominator != 1:
            return None
        ints.add(b.numerator)
    g = min(_root_base(b) for b in ints)
    return Fraction(g) if all(_log_int(b, g) is not None for b in ints) else None


def _root_base(n: int) -> int:
    """The smallest r with n = r^k."""
    for k in range(n.bit_length(), 1, -1):
        r = round(n ** (1 / k))
        for c in (r - 1, r, r + 1):
            if c > 1 and c**k == n:
                return c
    return n


def _log_int(b: int, g: int) -> int | None:
    k, v = 0, 1
    while v < b:
        v, k = v * g, k + 1
    return k if v == b else None


def _multiple(node: Expr, g, var: Symbol) -> Fraction | None:
    """k with node = g^(k·x): e^(c·x) (g = e), or base g^j with exponent c·x (k = j·c)."""
    if g is E:
        j, exponent = 1, node.arg
    else:
        b = Fraction(node.base.value)
        j = _log_int(int(b if b > 1 else 1 / b), int(g))
        if j is None:
            return None
        j, exponent = (j if b > 1 else -j), node.exp
    c, rest = (ONE, var) if exponent is var else split_constant(exponent, var)
    if rest is not var or not isinstance(c, Number) or isinstance(c.value, float):
        return None
    k = j * Fraction(c.value)
    return k if abs(k) <= MAX_MULTIPLE and k.denominator <= MAX_MULTIPLE else None


__all__ = ["exponential_base"]
