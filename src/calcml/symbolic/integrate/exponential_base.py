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
from calcml.core.expr import ONE, Add, Apply, E, Expr, Number, Pow, Symbol, mul, number, power
from calcml.core.registry import ABS, EXP, LOG
from calcml.symbolic.integrate.base import Antiderivative, Context, free_of, make, split_constant
from calcml.symbolic.integrate.explain import substituted
from calcml.symbolic.polys import from_rational, to_rational
from calcml.symbolic.steps import Step

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




def exponential_split(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """e^(a + b) = eᵃ·eᵇ, e^(k·g) = (e^g)ᵏ and a^(ln g) = g^(ln a), so that derivative-divides
    finds u = e^g inside (∫ e^(x + eˣ) dx = ∫ eˣ·e^(eˣ) dx) and the power rule sees a power
    (∫ 2^(ln x) dx = ∫ x^(ln 2) dx)."""
    nodes = [n for n in expr.walk() if isinstance(n, Apply) and n.prim is EXP
             and not free_of(n.arg, var)]  # fmt: skip
    mapping: dict[Expr, Expr] = {}
    for n in nodes:
        if isinstance(n.arg, Add) and _nonlinear(n.arg, var):
            mapping[n] = mul(*(EXP(t) for t in n.arg.args))
    args = {n.arg for n in nodes}
    for n in nodes:
        c, g = split_constant(n.arg, var)
        if n not in mapping and isinstance(c, Number) and isinstance(c.value, int) \
                and abs(c.value) > 1 and g in args and g is not var:
            mapping[n] = power(EXP(g), c.value)
    for n in expr.walk():  # a^(ln g) = g^(ln a), where g > 0 (the domain of ln g)
        if isinstance(n, Pow) and isinstance(n.base, Number) and isinstance(n.exp, Apply) \
                and n.exp.prim is LOG and not free_of(n.exp, var) and n.base.value > 0:
            mapping[n] = power(n.exp.arg, LOG(n.base))
    if not mapping:
        return None
    new = substitute(expr, mapping)
    inner = None if new is expr else ctx.integrate(new, var)
    if inner is None:
        return None
    hint = "e^(a + b) = eᵃ·eᵇ, e^(k·a) = (eᵃ)ᵏ and a^(ln g) = g^(ln a)"
    identity = Step("laws of exponents", expr, new, (), "", hint=hint)
    return make("laws of exponents", expr, var, inner.result, (identity, inner),
                method=inner.method, hint=hint)  # fmt: skip


def _nonlinear(arg: Add, var: Symbol) -> bool:
    """Two or more terms in x, one of them a function (not a polynomial) of x."""
    terms = [t for t in arg.args if not free_of(t, var)]
    return len(terms) > 1 and any(isinstance(n, Apply) for t in terms for n in t.walk()
                                  if not free_of(n, var))  # fmt: skip


__all__ = ["exponential_base", "exponential_split"]
