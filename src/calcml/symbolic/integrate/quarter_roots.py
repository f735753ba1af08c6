"""∫ dx/((a + b·xⁿ)^(1/4)·(2a + b·xⁿ)) for n = 2 and n = 4: arctangent plus artanh.

These are the elementary cases of a family that is otherwise elliptic. With Q = a + b·xⁿ and
w = k·x/Q^(1/4), w′ = k·(Q − n·b·xⁿ/4)/Q^(5/4) and d/dx[atan w + artanh w] = 2w′/(1 − w⁴):

- n = 4, k⁴ = b/2 (b > 0): w′ = k·a/Q^(5/4), 1 − w⁴ = (2a + b·x⁴)/(2Q), so
  ∫ = (atan w + artanh w)/(4a·k), and w⁴ < 1/2;
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
    """∫ c/((a + b·xⁿ)^(1/4)·(2a + b·xⁿ)) dx, n ∈ {2, 4}."""
    shape = _shape(expr, var)
    if shape is None:
        return None
    c, root, a, b, n = shape
    q = root.base
    if n == 4 and b > 0:
        k = _root4(b / 2)
        w = mul(k, var, power(root, -1))
        result = mul(c, power(mul(4 * a, k), -1), add(ATAN(w), ATANH(w)))
    elif n == 2 and a < 0 < b:
        k = _root4(b * b / (4 * -a))
        w = mul(k, var, power(root, -1))
        result = mul(c, power(mul(4 * a, k), -1), add(ATAN(w), _arcoth(w)))
    elif n == 2 and a > 0:
        s = 1 if b > 0 else -1
        a14, a34 = _root4(a), power(number(a), number(Fraction(3, 4)))
        sq = power(q, number(Fraction(1, 2)))
        den = power(mul(_sqrt(abs(b)), var, root), -1)
        w1 = mul(add(a34, mul(s, a14, sq)), den)
        w2 = mul(add(a34, mul(-s, a14, sq)), den)
        second = ATANH(w2) if b > 0 else _arcoth(w2)
        result = mul(c, -s, a14, power(mul(2 * a, _sqrt(abs(b))), -1), add(ATAN(w1), second))
    else:
        return None
    return plain("table of integrals", expr, var, result, (("w", w if n == 4 or a < 0 else w1),),
                 "∫ dx/((a + b·xⁿ)^(1/4)·(2a + b·xⁿ)), n = 2, 4: an arctangent and an artanh "
                 "of w = k·x/(a + b·xⁿ)^(1/4) (for n = 2, a > 0: of (a^(3/4) ± a^(1/4)·√Q)/"
                 "(√|b|·x·Q^(1/4)))")  # fmt: skip


def _shape(expr: Expr, var: Symbol):
    """(c, Q^(1/4), a, b, n) with expr = c·Q^(−1/4)·(2a + b·xⁿ)^(−1), Q = a + b·xⁿ."""
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
    a, b = fraction(q[0]), fraction(q[n])
    scale = fraction(d[n]) / b  # d = scale·(2a + b·xⁿ)
    if a == 0 or fraction(d[0]) != scale * 2 * a:
        return None
    return mul(c, number(1 / scale)), power(root.base, number(Fraction(1, 4))), a, b, n


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

