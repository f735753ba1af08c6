"""Exact polynomial arithmetic for extrema, through python-flint.

Expressions become rational functions N/D over Q (univariate `fmpq_poly` or multivariate
`fmpq_mpoly`) by one iterative pass over the DAG; real roots come from factoring: linear
factors give rational roots, quadratics give radicals, higher degrees give certified numeric
roots (flint's ball arithmetic isolates every root and proves the real ones real).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint

from calcml.core.expr import Add, Expr, Mul, Number, Pow, Symbol, number, power

#: Highest degree the converter builds; beyond it the numeric methods take over.
MAX_POLY_DEGREE = 400

Ring = Any  # fmpq_poly or fmpq_mpoly


def to_rational(expr: Expr, gen: Callable[[Symbol], Ring | None],
                const: Callable[[Fraction], Ring]) -> tuple[Ring, Ring] | None:  # fmt: skip
    """`expr` as (N, D), coprime with D normalized, or None when it is not rational over Q.

    >>> from calcml.core.expr import symbol
    >>> x = symbol("x")
    >>> univariate(1 / (x**2 - 1) + x, x)
    (x^3 + (-1)*x + 1, x^2 + (-1))
    """
    done: dict[Expr, tuple[Ring, Ring]] = {}
    for node in expr.walk():
        pair = _convert(node, done, gen, const)
        if pair is None:
            return None
        done[node] = pair
    num, den = done[expr]
    return _normalize(num, den)


def _convert(node: Expr, done: dict, gen: Callable, const: Callable) -> tuple | None:
    if isinstance(node, Number):
        return (const(Fraction(node.value)), const(Fraction(1))) if node.is_exact else None
    if isinstance(node, Symbol):
        g = gen(node)
        return None if g is None else (g, const(Fraction(1)))
    if isinstance(node, Add | Mul):
        pairs = [done[a] for a in node.args]
        num, den = pairs[0]
        for n, d in pairs[1:]:
            num, den = (num * d + n * den, den * d) if isinstance(node, Add) else (num * n, den * d)
            if _degree(num) + _degree(den) > MAX_POLY_DEGREE:
                return None
            num, den = _normalize(num, den)
        return num, den
    if isinstance(node, Pow):
        return _power(done[node.base], node.exp)
    return None


def _power(pair: tuple[Ring, Ring], exp: Expr) -> tuple | None:
    if not (isinstance(exp, Number) and isinstance(exp.value, int)):
        return None
    num, den = pair
    k = exp.value
    if abs(k) * max(_degree(num), _degree(den), 1) > MAX_POLY_DEGREE:
        return None
    if k < 0:
        if num.is_zero():
            return None
        num, den, k = den, num, -k
    return _normalize(num**k, den**k)


def _degree(p: Ring) -> int:
    if isinstance(p, flint.fmpq_poly):
        return max(int(p.degree()), 0)
    return max(int(p.total_degree()), 0)


def _normalize(num: Ring, den: Ring) -> tuple[Ring, Ring]:
    g = num.gcd(den)
    if not g.is_one() and not g.is_zero():
        num, den = num / g if not isinstance(g, flint.fmpq_poly) else num // g, \
            den / g if not isinstance(g, flint.fmpq_poly) else den // g  # fmt: skip
    lead = den.leading_coefficient()
    return num / lead, den / lead


def univariate(expr: Expr, var: Symbol) -> tuple[flint.fmpq_poly, flint.fmpq_poly] | None:
    """`expr` as N/D in `var` (fmpq_poly), or None."""
    x = flint.fmpq_poly([0, 1])
    return to_rational(expr, lambda s: x if s is var else None,
                       lambda c: flint.fmpq_poly([flint.fmpq(c.numerator, c.denominator)]))


def multivariate(expr: Expr, variables: tuple[Symbol, ...]) -> tuple[Ring, Ring] | None:
    """`expr` as N/D in `variables` (fmpq_mpoly), or None."""
    ctx = mpoly_context(variables)
    gens = dict(zip(variables, ctx.gens(), strict=True))
    return to_rational(expr, gens.get,
                       lambda c: ctx.from_dict({(0,) * len(variables):
                                                flint.fmpq(c.numerator, c.denominator)}))


def mpoly_context(variables: tuple[Symbol, ...]) -> Any:
    return flint.fmpq_mpoly_ctx.get(tuple(v.name for v in variables), "lex")


def mpoly_to_expr(p: Any, variables: tuple[Symbol, ...]) -> Expr:
    """An fmpq_mpoly back as a calcml expression."""
    from calcml.core.expr import add, mul

    terms = []
    for monom, coeff in p.to_dict().items():
        c = Fraction(int(coeff.p), int(coeff.q))
        powers = (power(v, int(k)) for v, k in zip(variables, monom, strict=True))
        terms.append(mul(number(c), *powers))
    return add(*terms)


def poly_to_expr(p: flint.fmpq_poly, var: Symbol) -> Expr:
    from calcml.core.expr import add, mul

    return add(*(mul(_fraction(c), power(var, k)) for k, c in enumerate(p.coeffs()) if c != 0))


def _fraction(c: Any) -> Number:
    return number(Fraction(int(c.p), int(c.q)))


# --- real roots ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Root:
    """A real root of a polynomial.

    `exact` is the root as an expression (rational or radical) or None when it is only known
    numerically; [lo, hi] always encloses it (floats rounded outward); `multiplicity` is its
    multiplicity in the polynomial; `factor` is the irreducible factor it is a root of.
    """

    exact: Expr | None
    approx: float
    lo: float
    hi: float
    multiplicity: int
    factor: flint.fmpq_poly


def real_roots(p: flint.fmpq_poly) -> list[Root]:
    """The real roots of a nonzero polynomial, sorted, exact where factoring allows.

    >>> [str(r.exact) for r in real_roots(flint.fmpq_poly([-2, 0, 1]))]
    ['-sqrt(2)', 'sqrt(2)']
    """
    if p.is_zero():
        raise ValueError("the zero polynomial has every number as a root")
    roots: list[Root] = []
    for g, m in p.factor()[1]:
        roots.extend(_factor_roots(g, int(m)))
    return sorted(roots, key=lambda r: r.approx)


def _factor_roots(g: flint.fmpq_poly, m: int) -> list[Root]:
    if g.degree() == 1:
        c = g.coeffs()
        r = Fraction(int((-c[0] / c[1]).p), int((-c[0] / c[1]).q))
        return [Root(number(r), float(r), _down(r), _up(r), m, g)]
    balls = sorted((_enclosure(z.real) for z, _ in g.complex_roots() if z.imag.is_zero()),
                   key=lambda b: b[0])  # fmt: skip
    radicals = _quadratic_roots(g) if g.degree() == 2 and balls else [None] * len(balls)
    return [Root(e, (lo + hi) / 2, lo, hi, m, g)
            for e, (lo, hi) in zip(radicals, balls, strict=True)]


def _quadratic_roots(g: flint.fmpq_poly) -> list[Expr]:
    """(−b ∓ √disc)/(2a) for an irreducible quadratic with real roots, smaller first."""
    c, b, a = (Fraction(int(v.p), int(v.q)) for v in g.coeffs())
    disc = b * b - 4 * a * c
    coeff, radicand = _sqrt_parts(disc)
    centre, half = number(-b / (2 * a)), number(abs(coeff / (2 * a)))
    root = power(number(radicand), number(Fraction(1, 2)))
    return [centre - half * root, centre + half * root]


def _sqrt_parts(q: Fraction) -> tuple[Fraction, int]:
    """√q = coeff·√radicand with radicand a squarefree integer."""
    n = q.numerator * q.denominator
    square, free = 1, 1
    for prime, k in flint.fmpz(n).factor():
        square *= int(prime) ** (int(k) // 2)
        free *= int(prime) ** (int(k) % 2)
    return Fraction(square, q.denominator), free


def _enclosure(ball: Any) -> tuple[float, float]:
    return _down(_exact(ball.lower())), _up(_exact(ball.upper()))


def _exact(ball: Any) -> Fraction:
    man, exp = ball.man_exp()
    return Fraction(int(man)) * Fraction(2) ** int(exp)


def _down(r: Fraction) -> float:
    f = float(r)
    return math.nextafter(f, -math.inf) if Fraction(f) > r else f


def _up(r: Fraction) -> float:
    f = float(r)
    return math.nextafter(f, math.inf) if Fraction(f) < r else f
