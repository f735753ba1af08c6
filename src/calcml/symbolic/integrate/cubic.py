"""∫ c/f dx for an irreducible cubic f over Q: its real root θ by Cardano, then Q(θ).

x³ − 3 = (x − ∛3)(x² + ∛3·x + ∛9). A cubic with one real root has it in radicals (Cardano's
formula for the depressed cubic y³ + p·y + q, x = y − a/3):

    θ = ∛(−q/2 + √Δ) + ∛(−q/2 − √Δ),  Δ = (q/2)² + (p/3)³ > 0,

and f = (x − θ)·g over the field Q(θ) = Q[t]/f(t), with g a real quadratic that has no real
root. Partial fractions over Q(θ) give A·ln|x − θ| plus a logarithm and an arctangent for g
(the same formulas as for the quartic case, quartic.py). With three real roots (Δ < 0) the
roots have no real expression in radicals; θ is then written with Viète's cosine formula.
"""

from __future__ import annotations

import math
from fractions import Fraction
from math import isqrt

from flint import fmpq_poly

from calcml.core.expr import Expr, Symbol, add, mul, number, power
from calcml.core.registry import ABS, ACOS, COS, LOG
from calcml.symbolic.integrate.algebra import NumberField, UPoly
from calcml.symbolic.integrate.quartic import integrate_quadratic_factor, monic_quadratic_expr
from calcml.symbolic.polys import fraction, sqrt_rational


def real_cubic(c: fmpq_poly, f: fmpq_poly, var: Symbol) -> tuple[Expr, Expr] | None:
    """∫ c/f dx for monic irreducible f of degree 3 and deg c < 3, with f's real
    factorization (for the steps)."""
    root = cardano(f)
    if root is None:
        return None
    theta, approx = root
    field = NumberField(f, theta, approx)
    zero, one = field.zero, field.one
    t = field.of(fmpq_poly([0, 1]))
    lin = UPoly([-t, one], zero)
    big_f = UPoly([field.of(fraction(f[k])) for k in range(4)], zero)
    g, rem = big_f.divmod(lin)
    if not rem.is_zero():  # pragma: no cover - θ is a root of f by construction
        return None
    big_c = UPoly([field.of(fraction(k)) for k in c.coeffs()], zero)
    _, s, u = lin.xgcd(g)  # s·lin + u·g = 1
    a = ((big_c * u) % lin)[0]
    quad = integrate_quadratic_factor((big_c * s) % g, g, var, field)
    line = add(var, mul(-1, theta))
    result = add(mul(field.to_expr(a), LOG(ABS(line))), quad)
    return result, mul(line, monic_quadratic_expr(g, var))


def cardano(f: fmpq_poly) -> tuple[Expr, float] | None:
    """A real root of a monic cubic (in radicals when it is the only one) and its value."""
    a, b, c = (fraction(f[k]) for k in (2, 1, 0))
    p = b - a * a / 3
    q = 2 * a**3 / 27 - a * b / 3 + c
    delta = (q / 2) ** 2 + (p / 3) ** 3
    shift = number(-a / 3)
    if delta < 0:
        return _trigonometric(p, q, shift, float(-a / 3))
    if delta == 0:  # pragma: no cover - a repeated root: f would not be irreducible
        return None
    if p == 0:
        y, approx = _cube_root(-q)
        return add(y, shift), approx + float(-a / 3)
    root_delta = sqrt_rational(delta)
    u = add(number(-q / 2), root_delta)
    v = add(number(-q / 2), mul(-1, root_delta))
    uu, vv = -float(q) / 2 + float(delta) ** 0.5, -float(q) / 2 - float(delta) ** 0.5
    y = add(_real_cbrt(u, uu), _real_cbrt(v, vv))
    approx = _cbrt_float(uu) + _cbrt_float(vv) + float(-a / 3)
    return add(y, shift), approx


def _trigonometric(p: Fraction, q: Fraction, shift: Expr,
                   shift_value: float) -> tuple[Expr, float]:  # fmt: skip
    """The largest of three real roots of y³ + p·y + q (p < 0) by Viète's cosine form,
    y = 2·√(−p/3)·cos(acos((3q/(2p))·√(−3/p))/3), the real form Cardano's formula lacks."""
    m = sqrt_rational(-p / 3)
    arg = mul(number(3 * q / (2 * p)), sqrt_rational(-3 / p))
    y = mul(2, m, COS(mul(number(Fraction(1, 3)), ACOS(arg))))
    value = 2 * math.sqrt(float(-p / 3)) * math.cos(
        math.acos(float(3 * q / (2 * p)) * math.sqrt(float(-3 / p))) / 3)
    return add(y, shift), value + shift_value


def _cube_root(v: Fraction) -> tuple[Expr, float]:
    """∛v for rational v, real, with the sign outside: ∛(−3) = −∛3, ∛4 = 2^(2/3)."""
    sign = -1 if v < 0 else 1
    base, k = abs(v), 1
    n, d = isqrt(base.numerator), isqrt(base.denominator)
    if n * n == base.numerator and d * d == base.denominator:
        base, k = Fraction(n, d), 2
    return mul(sign, power(number(base), number(Fraction(k, 3)))), _cbrt_float(float(v))


def _real_cbrt(e: Expr, value: float) -> Expr:
    """The real cube root of e (whose value is given), with the sign outside the root."""
    return power(e, number(Fraction(1, 3))) if value >= 0 else \
        mul(-1, power(mul(-1, e), number(Fraction(1, 3))))


def _cbrt_float(v: float) -> float:
    return abs(v) ** (1 / 3) * (1 if v >= 0 else -1)

