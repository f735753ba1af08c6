"""Products of powers of sines and cosines of different angles, linearized.

∫ cos²(3x)·sin³(2x) dx: with cos θ = (e^(iθ) + e^(−iθ))/2 and sin θ = (e^(iθ) − e^(−iθ))/(2i)
the product expands into a sum of e^(i(m₁θ₁ + m₂θ₂ + …)) with integer mⱼ, and each pair of
conjugate terms is a real cos or sin of m₁θ₁ + m₂θ₂ + …: the repeated product-to-sum formula.
What is left is a sum of sin and cos of linear arguments, integrated term by term; the answer
is the one tables give (−3 cos 2x/16 + 3 cos 4x/64 + …), with no powers.

Angles that are all multiples of one g·x (sin 8x and sin 4x) are first put in t = g·x, so that
Bioche's rules see sin 2t and sin t rather than degree-8 polynomials in sin x and cos x.
"""

from __future__ import annotations

from fractions import Fraction
from math import gcd

from calcml.core.evaluate import substitute
from calcml.core.expr import Apply, Expr, Mul, Number, Pow, Symbol, add, mul, number
from calcml.core.registry import COS, COT, CSC, SEC, SIN, TAN
from calcml.symbolic.integrate.base import (
    Antiderivative,
    Context,
    linear_coefficients,
    split_constant,
)
from calcml.symbolic.integrate.explain import rewritten, substituted

#: Highest total degree of the product that is expanded (2^degree terms at most).
MAX_DEGREE = 12

Complex = tuple[Fraction, Fraction]
_HINT = ("cos θ = (e^(iθ) + e^(−iθ))/2, sin θ = (e^(iθ) − e^(−iθ))/(2i): a product of powers "
         "expands into a sum of cos and sin of m₁θ₁ + m₂θ₂ + … (product to sum, repeated)")


def linearize(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ c·Π sin^p(aⱼx + bⱼ)·cos^q(aⱼx + bⱼ) dx with at least two different angles."""
    shape = _factors(expr, var)
    if shape is None:
        return None
    c, factors = shape
    angles = sorted({f.arg for f, _ in factors}, key=lambda e: e.key)
    if len(angles) < 2:
        return None
    terms: dict[tuple[int, ...], Complex] = {(0,) * len(angles): (Fraction(1), Fraction(0))}
    for f, n in factors:
        j = angles.index(f.arg)
        for _ in range(n):
            terms = _times(terms, j, f.prim is SIN)
    new = mul(c, _real(terms, angles))
    inner = ctx.integrate(new, var)
    if inner is None:
        return None
    return rewritten("product to sum", expr, var, new, inner, hint=_HINT,
                     method="trigonometric products")  # fmt: skip


def _factors(expr: Expr, var: Symbol) -> tuple[Expr, list[tuple[Apply, int]]] | None:
    c, g = split_constant(expr, var)
    out, degree = [], 0
    for f in g.args if isinstance(g, Mul) else (g,):
        base, e = (f.base, f.exp) if isinstance(f, Pow) else (f, number(1))
        if not (isinstance(e, Number) and isinstance(e.value, int) and e.value > 0):
            return None
        if not (isinstance(base, Apply) and base.prim in (SIN, COS)):
            return None
        if linear_coefficients(base.arg, var) is None and base.arg is not var:
            return None
        out.append((base, e.value))
        degree += e.value
    return (c, out) if 2 < degree <= MAX_DEGREE else None


def _times(terms: dict, j: int, is_sin: bool) -> dict:
    """terms·cos θⱼ or terms·sin θⱼ, in exponentials: shift mⱼ by ±1 with weight 1/2 or ∓i/2."""
    half = Fraction(1, 2)
    # cos: (½, 0) for +1 and −1;  sin = (e^(iθ) − e^(−iθ))/(2i): −i/2 for +1, +i/2 for −1
    weights = {1: (Fraction(0), -half), -1: (Fraction(0), half)} if is_sin else \
        {1: (half, Fraction(0)), -1: (half, Fraction(0))}  # fmt: skip
    out: dict = {}
    for key, (re, im) in terms.items():
        for step, (wr, wi) in weights.items():
            k = (*key[:j], key[j] + step, *key[j + 1 :])
            r, i = out.get(k, (Fraction(0), Fraction(0)))
            out[k] = (r + re * wr - im * wi, i + re * wi + im * wr)
    return out


def _real(terms: dict, angles: list[Expr]) -> Expr:
    """Σ c_m·e^(i·m·θ) (a real function) as Σ (2·Re c_m·cos m·θ − 2·Im c_m·sin m·θ)."""
    parts = []
    for key, (re, im) in terms.items():
        first = next((m for m in key if m), 0)
        if first < 0 or (re == 0 and im == 0):
            continue  # the conjugate key carries this pair
        if first == 0:
            parts.append(number(re))
            continue
        theta = add(*(mul(m, a) for m, a in zip(key, angles, strict=True) if m))
        sign = _sign(theta)  # cos(−θ) = cos θ, sin(−θ) = −sin θ: angles with a positive slope
        theta = mul(sign, theta)
        parts.append(add(mul(2 * re, COS(theta)), mul(-2 * im * sign, SIN(theta))))
    return add(*parts)


def _sign(theta: Expr) -> int:
    """−1 when θ's coefficient of x (or, without x, θ itself) is a negative number."""
    symbols = sorted(theta.free_symbols, key=lambda s: s.name)
    lead = linear_coefficients(theta, symbols[0])[0] if symbols else theta
    if symbols and linear_coefficients(theta, symbols[0]) is None:
        return 1
    return -1 if isinstance(lead, Number) and lead.value < 0 else 1


def common_angle(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """t = g·x when every trigonometric angle is an integer multiple kⱼ·x and g = gcd(kⱼ) > 1."""
    ks = []
    for n in expr.walk():
        if isinstance(n, Apply) and n.prim in (SIN, COS, TAN, COT, SEC, CSC) and n.arg.has(var):
            c, g = split_constant(n.arg, var)
            if g is not var or not (isinstance(c, Number) and isinstance(c.value, int)):
                return None
            ks.append(abs(c.value))
    g = gcd(*ks) if len(set(ks)) > 1 else 1
    if g <= 1:
        return None
    t = ctx.dummy("tuvw")
    h = mul(Fraction(1, g), substitute(expr, {var: mul(Fraction(1, g), t)}))
    inner = ctx.integrate(h, t)
    if inner is None:
        ctx.release(t)
        return None
    return substituted("linear substitution", expr, var, t, mul(g, var), number(g), h, inner,
                       hint=f"every angle is a multiple of {g}x: t = {g}x, dt = {g} dx")


__all__ = ["common_angle", "linearize"]
