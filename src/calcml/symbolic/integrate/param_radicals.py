"""Square roots of quadratics with parameters: ∫ dx/√(a² − x²) = asin(x/a), ∫ √(x² + a²) dx, …

The same reduction as radicals.py, over the field Q(a, b, …) instead of Q: for
∫ P(x)·Q(x)^(k/2) dx with k ≥ -1, ∫ R/√Q = T·√Q + λ·∫ dx/√Q (R = P·Q^((k+1)/2), T found from
the top degree down), and ∫ dx/√Q completes the square. Which of arcsine, inverse sinh or
logarithm applies depends on the signs of the leading coefficient and of the shifted constant:
they are decided assuming the parameters positive (the step says so), or the method declines.
"""

from __future__ import annotations

from fractions import Fraction

from calcml.core.expr import HALF, Expr, Symbol, add, mul, power
from calcml.core.registry import ABS, ASIN, ASINH, LOG
from calcml.symbolic.integrate.algebra import Frac, ParamField, Signs, UPoly
from calcml.symbolic.integrate.base import Antiderivative, Context, make
from calcml.symbolic.integrate.parametric import param_field, to_mpoly
from calcml.symbolic.integrate.radicals import split_half_power
from calcml.symbolic.polys import sqrt_rational


def param_radical(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ P(x)·(a·x² + b·x + c)^(k/2) dx with parameters in P and the quadratic."""
    field = param_field(expr, var)
    if field is None:
        return None
    shape = _shape(expr, var, field)
    if shape is None:
        return None
    p, q, k, base = shape
    signs = Signs(field)
    if k >= -1:
        r = p * q ** ((k + 1) // 2)
        result = _over_root(r, q, base, var, field, signs)
    elif k == -3 and p.degree() <= 1:
        result = _over_root_cubed(p, q, base, var, field, signs)
    else:
        return None
    if result is None:
        return None
    t = add(var, field.to_expr(q[1] / (field.of(2) * q[2])))
    return make("quadratic radical", expr, var, result, (),
                (("completing the square", t), *signs.details()))  # fmt: skip


def _shape(expr: Expr, var: Symbol, field: ParamField) -> tuple[UPoly, UPoly, int, Expr] | None:
    """(P, Q, k, Q as written) with expr = P·Q^(k/2), Q quadratic in x, k odd."""
    split = split_half_power(expr, var)
    if split is None:
        return None
    radical, rest = split
    q, p = upoly(radical.base, field), upoly(rest, field)
    if q is None or p is None or q.degree() != 2:
        return None
    return p, q, int(Fraction(radical.exp.value) * 2), radical.base


def upoly(expr: Expr, field: ParamField) -> UPoly | None:
    """A polynomial in x with coefficients in Q(parameters), or None."""
    pq = to_mpoly(expr, field)
    if pq is None or pq[1].degrees()[0] > 0:
        return None
    den = Frac(pq[1])
    return UPoly([c / den for c in field.x_coefficients(pq[0])], field.zero)


def _over_root(r: UPoly, q: UPoly, base: Expr, var: Symbol, field: ParamField,
               signs: Signs) -> Expr | None:  # fmt: skip
    """∫ R/√Q = T·√Q + λ·∫ dx/√Q, solving R = T'·Q + T·Q'/2 + λ from the top degree down."""
    a, half_dq = q[2], q.derivative().scale(field.of(Fraction(1, 2)))
    rem, t = r, UPoly([], field.zero)
    for j in range(r.degree() - 1, -1, -1):
        coeff = rem[j + 1] / (a * field.of(j + 1))
        basis = UPoly([field.zero] * j + [field.one], field.zero)
        rem = rem - (basis.derivative() * q + basis * half_dq).scale(coeff)
        t = t + basis.scale(coeff)
    if rem.degree() > 0:
        return None
    for c in t.c:
        signs.divides_by(c)
    terms = [mul(_expr(t, var, field), power(base, HALF))]
    if not rem.is_zero():
        signs.divides_by(rem[0])
        inverse = _inverse_root(q, base, var, field, signs)
        if inverse is None:
            return None
        terms.append(mul(field.to_expr(rem[0]), inverse))
    return add(*terms)


def _inverse_root(q: UPoly, base: Expr, var: Symbol, field: ParamField,
                  signs: Signs) -> Expr | None:  # fmt: skip
    """∫ dx/√(a·x² + b·x + c) with t = x + b/(2a) and Q = a·t² + d."""
    a, b, c = q[2], q[1], q[0]
    d = c - b * b / (field.of(4) * a)
    t = add(var, field.to_expr(b / (field.of(2) * a)))
    sign_a, sign_d = signs.of(a), signs.of(d)
    if sign_a is None or sign_d is None:
        return None
    sa = positive_root(-a if sign_a < 0 else a, field, signs)
    if sign_a < 0:
        if sign_d <= 0:
            return None
        return mul(power(sa, -1), ASIN(mul(sa, t, power(positive_root(d, field, signs), -1))))
    if sign_d > 0:
        return mul(power(sa, -1), ASINH(mul(sa, t, power(positive_root(d, field, signs), -1))))
    return mul(power(sa, -1), LOG(ABS(add(mul(sa, t), power(base, HALF)))))


def _over_root_cubed(p: UPoly, q: UPoly, base: Expr, var: Symbol, field: ParamField,
                     signs: Signs) -> Expr | None:  # fmt: skip
    """∫ (p1·x + p0)/Q^(3/2) = (A·x + B)/√Q."""
    a, b, c = q[2], q[1], q[0]
    p1, p0 = p[1], p[0]
    half_b = b / field.of(2)
    det = a * c - half_b * half_b
    if det.is_zero():
        return None
    big_a = (a * p0 - p1 * half_b) / det
    big_b = (half_b * p0 - c * p1) / det
    signs.divides_by(big_a)
    signs.divides_by(big_b)
    top = add(mul(field.to_expr(big_a), var), field.to_expr(big_b))
    return mul(top, power(base, -HALF))


def positive_root(e: Frac, field: ParamField, signs: Signs) -> Expr:
    """The positive square root of e > 0: factors taken out of the root keep their sign known
    (parameters assumed positive, recorded in `signs`) or get an absolute value."""
    return mul(_root_poly(e.num, field, signs), power(_root_poly(e.den, field, signs), -1))


def _root_poly(p, field: ParamField, signs: Signs) -> Expr:
    content, factored = p.factor()
    c = Fraction(int(content.p), int(content.q))
    outside, inside = [], []
    for f, m in factored:
        fe = field.poly_expr(f)
        if m % 2:
            inside.append(fe)
        if m // 2:
            s = Signs(field)
            sign = s.of(Frac(f))
            if sign is None:
                fe = ABS(fe)
            else:
                signs.assumed |= s.assumed
                fe = fe if sign > 0 else mul(-1, fe)
            outside.append(power(fe, m // 2))
    return mul(sqrt_rational(abs(c)), *outside, power(mul(*inside), HALF))


def _expr(p: UPoly, var: Symbol, field: ParamField) -> Expr:
    return add(*(mul(field.to_expr(c), power(var, k)) for k, c in enumerate(p.c)))
