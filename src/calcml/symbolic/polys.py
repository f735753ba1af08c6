"""Polynomials and rational functions of one variable, exactly, through python-flint.

Expressions convert to `fmpq_poly` (rational coefficients) only when every coefficient is an
exact rational: a parameter or a float makes the expression non-polynomial here, and callers fall
back to other methods. Conversions walk the DAG iteratively, so size never costs stack depth.
"""

from __future__ import annotations

from fractions import Fraction

from flint import fmpq, fmpq_poly

from calcml.core.expr import Add, Expr, Mul, Number, Pow, Symbol, add, mul, number, power

#: Highest degree a conversion builds; beyond it the expression is treated as non-polynomial.
MAX_POLY_DEGREE = 400

Rational = tuple[fmpq_poly, fmpq_poly]


def fraction(c: fmpq | int | Fraction) -> Fraction:
    """A flint rational as a Python `Fraction`."""
    if isinstance(c, Fraction):
        return c
    c = fmpq(c)
    return Fraction(int(c.p), int(c.q))


def to_rational(expr: Expr, var: Symbol) -> Rational | None:
    """`(P, Q)` with `expr = P/Q`, Q monic and coprime to P; None when not rational over Q."""
    done: dict[Expr, Rational | None] = {}
    for node in expr.walk():
        done[node] = _rational_node(node, var, done)
    return done[expr]


def to_poly(expr: Expr, var: Symbol) -> fmpq_poly | None:
    """The polynomial `expr` in `var` over Q, or None."""
    pq = to_rational(expr, var)
    if pq is None or pq[1].degree() != 0:
        return None
    return pq[0] / pq[1][0]


def _rational_node(node: Expr, var: Symbol, done: dict) -> Rational | None:
    one = fmpq_poly([1])
    if node is var:
        return fmpq_poly([0, 1]), one
    if isinstance(node, Number):
        return (fmpq_poly([_fmpq(node.value)]), one) if node.is_exact else None
    if not node.args or any(done[a] is None for a in node.args):
        return None
    if isinstance(node, Add):
        return _combine(done, node.args, _add)
    if isinstance(node, Mul):
        return _combine(done, node.args, _mul)
    if isinstance(node, Pow):
        return _power(done[node.base], node.exp)
    return None


def _fmpq(v: int | Fraction) -> fmpq:
    f = Fraction(v)
    return fmpq(f.numerator, f.denominator)


def _combine(done: dict, args: tuple[Expr, ...], op) -> Rational | None:
    acc = done[args[0]]
    for a in args[1:]:
        acc = op(acc, done[a])
        if acc is None:
            return None
    return acc


def _add(a: Rational, b: Rational) -> Rational | None:
    return _normal(a[0] * b[1] + b[0] * a[1], a[1] * b[1])


def _mul(a: Rational, b: Rational) -> Rational | None:
    return _normal(a[0] * b[0], a[1] * b[1])


def _power(base: Rational | None, exp: Expr) -> Rational | None:
    if base is None or not isinstance(exp, Number) or not isinstance(exp.value, int):
        return None
    n = exp.value
    if abs(n) * max(base[0].degree(), base[1].degree(), 1) > MAX_POLY_DEGREE:
        return None
    if n < 0:
        if base[0].is_zero():
            return None
        return _normal(base[1] ** -n, base[0] ** -n)
    return _normal(base[0] ** n, base[1] ** n)


def _normal(p: fmpq_poly, q: fmpq_poly) -> Rational | None:
    if max(p.degree(), q.degree()) > MAX_POLY_DEGREE:
        return None
    g = p.gcd(q)
    if g.degree() > 0:
        p, q = p // g, q // g
    lc = q.leading_coefficient()
    return p / lc, q / lc


def from_poly(p: fmpq_poly, var: Expr) -> Expr:
    """The expression `Σ c_k var^k` of a flint polynomial (var may be any expression)."""
    terms = [mul(number(fraction(c)), power(var, k)) for k, c in enumerate(p.coeffs()) if c != 0]
    return add(*terms)


def from_rational(p: fmpq_poly, q: fmpq_poly, var: Expr) -> Expr:
    """The expression `P/Q`."""
    if q.degree() == 0:
        return from_poly(p / q[0], var)
    return mul(from_poly(p, var), power(from_poly(q, var), -1))


def sqrt_rational(value: Fraction | int) -> Expr:
    """√value for a rational value ≥ 0, with square factors taken out: √(3/4) = √3/2."""
    v = Fraction(value)
    num = v.numerator * v.denominator
    outside, inside = _square_part(num)
    root = power(number(inside), number(Fraction(1, 2)))
    return mul(number(Fraction(outside, v.denominator)), root)


def _square_part(n: int) -> tuple[int, int]:
    """n = outside² · inside with inside free of small square factors."""
    outside, inside, p = 1, n, 2
    while p * p <= inside and p < 10_000:
        while inside % (p * p) == 0:
            inside //= p * p
            outside *= p
        p += 1
    return outside, inside
