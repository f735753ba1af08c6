"""Pseudo-elliptic integrals ∫ N/(D·√C) dx, C a cubic or quartic: an arctangent or artanh of
P/√C.

Most such integrals are elliptic, but some are the derivative of T(P/√C) for T = atan or artanh:

    d/dx atan(P/√C) = W/(√C·(C + P²)),  d/dx artanh(P/√C) = W/(√C·(C − P²)),
    W = P′·C − P·C′/2.

The textbook cases have P = λ·Lᵏ for a rational linear factor L of C and k = 1 or 2, e.g.
∫ (1 + x)/((2 − x)·√(−1 − x³)) dx = (2/3)·atan((1 + x)²/(3·√(−1 − x³))). With μ = λ² and
W = λ·W₁, N/(D·√C) = κ·W/(√C·(C ± P²)) is the polynomial identity
N·(C ± μ·L²ᵏ) = κ·λ·D·W₁, linear in the two unknowns μ and κ·λ: an exact linear system decides
whether such a P exists (μ > 0 needed).
"""

from __future__ import annotations

from fractions import Fraction

from flint import fmpq_poly

from calcml.core.expr import HALF, Expr, Symbol, add, mul, number, power
from calcml.core.registry import ABS, ATAN, LOG
from calcml.symbolic.integrate.base import Antiderivative, Context
from calcml.symbolic.integrate.euler import Surd, in_y
from calcml.symbolic.integrate.explain import plain
from calcml.symbolic.integrate.radicals import solve_rational_system, split_half_power
from calcml.symbolic.polys import fraction, from_poly, sqrt_rational, to_poly


def pseudo_elliptic(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ N/(D·√C) dx = κ·atan(P/√C) or κ·artanh(P/√C), deg C ∈ {3, 4}, P = λ·Lᵏ."""
    shape = _shape(expr, var)
    if shape is None:
        return None
    n, d, c, base = shape
    for lin, _ in c.factor()[1]:
        if lin.degree() != 1:
            continue
        for k in (1, 2):
            for sign in (1, -1):
                ctx.budget.check()
                found = _solve(n, d, c, lin, k, sign)
                if found is not None:
                    return _answer(expr, var, base, lin, k, sign, *found)
    return None


def _shape(expr: Expr, var: Symbol):
    """(N, D, C, C as written) with expr = N/(D·√C) over Q, deg C ∈ {3, 4}; None otherwise."""
    split = split_half_power(expr, var)
    if split is None:
        return None
    radical = split[0]
    c = to_poly(radical.base, var)
    if c is None or c.degree() not in (3, 4):
        return None
    parts = in_y(expr, Surd(radical.base, c, (radical,)), var)
    if parts is None:
        return None
    (n0, n1), (d0, d1) = parts
    if n0.is_zero() and d1.is_zero() and not d0.is_zero():
        num, den = n1 * c, d0
    elif n1.is_zero() and d0.is_zero() and not d1.is_zero():
        num, den = n0, d1
    else:
        return None
    g = num.gcd(den)
    return num / g, den / g, c, radical.base


def _solve(n: fmpq_poly, d: fmpq_poly, c: fmpq_poly, lin: fmpq_poly, k: int,
           sign: int) -> tuple[Fraction, Fraction] | None:  # fmt: skip
    """(μ, κ·λ) with N·(C + sign·μ·L²ᵏ) = κ·λ·D·W₁, μ > 0; None when there is none."""
    lk = lin**k
    w1 = lk.derivative() * c - lk * c.derivative() / 2
    col_mu = n * lin ** (2 * k) * sign
    col_k = -(d * w1)
    rhs = -(n * c)
    rows = max(col_mu.degree(), col_k.degree(), rhs.degree()) + 1
    matrix = [[fraction(col_mu[i]), fraction(col_k[i]), fraction(rhs[i])] for i in range(rows)]
    solution = solve_rational_system(matrix, 2)
    if solution is None:
        return None
    mu, kl = solution
    if mu <= 0 or kl == 0:
        return None
    return mu, kl


def _answer(expr: Expr, var: Symbol, base: Expr, lin: fmpq_poly, k: int, sign: int,
            mu: Fraction, kl: Fraction) -> Antiderivative:  # fmt: skip
    lam = sqrt_rational(mu)
    p = mul(lam, power(from_poly(lin, var), k))
    root = power(base, HALF)
    kappa = mul(number(kl), power(lam, -1))
    if sign > 0:
        result = mul(kappa, ATAN(mul(p, power(root, -1))))
    else:  # artanh(P/√C) = ½·ln|(√C + P)/(√C − P)|, real on both sides of |P| = √C
        ratio = mul(add(root, p), power(add(root, mul(-1, p)), -1))
        result = mul(kappa, HALF, LOG(ABS(ratio)))
    return plain("pseudo-elliptic", expr, var, result, (("P", p),),
                 "d/dx atan(P/√C) = (P′·C − P·C′/2)/(√C·(C + P²)), and artanh with C − P²; "
                 "P = λ·Lᵏ for a linear factor L of C")  # fmt: skip

