"""∫ dx/((a + b·xⁿ)^(1/4)·(g + h·xⁿ)) for n = 2 and n = 4: arctangent plus artanh.

These are the elementary cases of a family that is otherwise elliptic. With Q = a + b·xⁿ and
w = k·x/Q^(1/4), w′ = k·(Q − n·b·xⁿ/4)/Q^(5/4) and d/dx[atan w + artanh w] = 2w′/(1 − w⁴):

- n = 4, any g + h·x⁴ with k⁴ = b − h·a/g > 0: w′ = k·a/Q^(5/4) and
  1 − w⁴ = a·(g + h·x⁴)/(g·Q), so ∫ dx/(Q^(1/4)·(g + h·x⁴)) = (atan w + artanh w)/(2g·k);
- n = 2, a < 0 < b, k⁴ = b²/(4|a|): Q − k⁴·x⁴ = −(2a + b·x²)²/(4|a|), so
  ∫ = (atan w + arcoth w)/(4a·k) (here |w| ≥ 1, so artanh becomes ½·ln|(w + 1)/(w − 1)|);
- n = 2, a > 0: k is complex; the real form (checked by differentiating back) is
  −sign(b)·a^(1/4)/(2a·√|b|)·[atan w₁ + artanh w₂], w₁,₂ = (a^(3/4) ± s·a^(1/4)·√Q)/(√|b|·x·Q^(1/4))
  with s = sign(b) for w₁ and −sign(b) for w₂.
"""

from __future__ import annotations

from fractions import Fraction

from calcml.core.expr import Expr, Mul, Pow, Symbol, add, mul, number, power
from calcml.core.registry import ABS, ATAN, ATANH, LOG
from calcml.symbolic.integrate.base import Antiderivative, Context, split_constant
from calcml.symbolic.integrate.explain import plain
from calcml.symbolic.polys import fraction, to_poly


def quarter_root(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ c/((a + b·xⁿ)^(1/4)·(g + h·xⁿ)) dx: n = 4 with k⁴ = b − h·a/g > 0, or n = 2 with
    g + h·x² a multiple of 2a + b·x²."""
    shape = _shape(expr, var)
    if shape is None:
        return None
    c, root, a, b, n, g, h = shape
    q = root.base
    w1 = None
    if n == 4 and b - h * a / g > 0:
        k = _root4(b - h * a / g)
        w = mul(k, var, power(root, -1))
        second = ATANH(w) if h / g > 0 else _arcoth(w)  # w⁴ < 1 exactly when h·x⁴/g > −1
        result = mul(c, power(mul(2 * g, k), -1), add(ATAN(w), second))
    elif n == 2 and h * 2 * a == g * b and a < 0 < b:
        k = _root4(b * b / (4 * -a))
        w = mul(k, var, power(root, -1))
        result = mul(c, 2 * a / g, power(mul(4 * a, k), -1), add(ATAN(w), _arcoth(w)))
    elif n == 2 and h * 2 * a == g * b and a > 0:
        s = 1 if b > 0 else -1
        a14, a34 = _root4(a), power(number(a), number(Fraction(3, 4)))
        sq = power(q, number(Fraction(1, 2)))
        den = power(mul(_sqrt(abs(b)), var, root), -1)
        w1 = mul(add(a34, mul(s, a14, sq)), den)
        w = mul(add(a34, mul(-s, a14, sq)), den)
        second = ATANH(w) if b > 0 else _arcoth(w)
        result = mul(c, 2 * a / g, -s, a14, power(mul(2 * a, _sqrt(abs(b))), -1),
                     add(ATAN(w1), second))  # fmt: skip
    else:
        return None
    return plain("table of integrals", expr, var, result, (("w", w if w1 is None else w1),),
                 "∫ dx/((a + b·xⁿ)^(1/4)·(g + h·xⁿ)) for n = 4, or n = 2 with g + h·x² ∝ "
                 "2a + b·x²: an arctangent and an artanh of w = k·x/(a + b·xⁿ)^(1/4) (for n = 2, "
                 "a > 0: of (a^(3/4) ± a^(1/4)·√Q)/(√|b|·x·Q^(1/4)))")  # fmt: skip


def _shape(expr: Expr, var: Symbol):
    """(c, Q^(1/4), a, b, n, g, h) with expr = c·Q^(−1/4)·(g + h·xⁿ)^(−1), Q = a + b·xⁿ."""
    c, rest = split_constant(expr, var)
    factors = rest.args if isinstance(rest, Mul) else (rest,)
    if len(factors) != 2:
        return None
    root = next((f for f in factors if isinstance(f, Pow) and f.exp == number(Fraction(-1, 4))),
                None)  # fmt: skip
    other = next((f for f in factors if f is not root), None)
    if root is None or not (isinstance(other, Pow) and other.exp == number(-1)):
        return None
    q, d = to_poly(root.base, var), to_poly(other.base, var)
    if q is None or d is None or q.degree() not in (2, 4) or d.degree() != q.degree():
        return None
    n = q.degree()
    if any(q[k] != 0 or d[k] != 0 for k in range(1, n)):
        return None
    a, b, g, h = (fraction(p[k]) for p, k in ((q, 0), (q, n), (d, 0), (d, n)))
    if a == 0 or g == 0:
        return None
    return c, power(root.base, number(Fraction(1, 4))), a, b, n, g, h


def _root4(v: Fraction) -> Expr:
    """v^(1/4) for rational v > 0 in lowest terms: (1/4)^(1/4) = √2/2, 48^(1/4) = 2·3^(1/4)."""
    from math import isqrt

    q = v.denominator
    n = v.numerator * q**3  # v^(1/4) = (p·q³)^(1/4)/q
    k = 1
    for f in range(2, min(int(n ** 0.25) + 2, 10**4)):
        while n % f**4 == 0:
            n //= f**4
            k *= f
    r = isqrt(n)
    rest = _sqrt(Fraction(r)) if r * r == n else power(number(n), number(Fraction(1, 4)))
    return mul(number(Fraction(k, q)), rest)


def _sqrt(v: Fraction) -> Expr:
    from calcml.symbolic.polys import sqrt_rational

    return sqrt_rational(v)


def _arcoth(w: Expr) -> Expr:
    """½·ln|(w + 1)/(w − 1)|: artanh's derivative 1/(1 − w²), real for |w| > 1 too."""
    return mul(number(Fraction(1, 2)), LOG(ABS(mul(add(w, 1), power(add(w, -1), -1)))))

