"""∫ c/f dx for an irreducible quartic f over Q that splits over the reals into two quadratics
whose coefficients lie in Q(θ), θ a quadratic irrational or a real root such as 2^(3/4).

x⁴ + 1 = (x² − √2·x + 1)(x² + √2·x + 1). The pairing of f's complex roots into real quadratics
x² + u·x + v comes from flint's certified root isolation; u and v are then identified exactly by
their minimal polynomials, factors of the resultants whose roots are the sums z_i + z_j and the
products z_i·z_j of f's roots. The partial fractions over Q(θ) and the logarithm/arctangent of
each quadratic follow as over Q. θ must have a closed form: a root of a quadratic, of t^n − c, or
of a biquadratic t⁴ + p·t² + q; otherwise the method declines.
"""

from __future__ import annotations

from fractions import Fraction

from flint import fmpq_mpoly_ctx, fmpq_poly

from calcml.core.expr import HALF, Expr, Symbol, add, mul, number, power
from calcml.core.registry import ABS, ATAN, LOG
from calcml.symbolic.integrate.algebra import NFElem, NumberField, UPoly
from calcml.symbolic.polys import fraction, sqrt_rational

#: A numeric root is taken as real when its imaginary part is below this.
REAL_TOLERANCE = 1e-12


def real_quartic(c: fmpq_poly, f: fmpq_poly, var: Symbol) -> tuple[Expr, Expr] | None:
    """∫ c/f dx for monic irreducible f of degree 4 and deg c < 4, with f's real factorization
    (for the steps); None when the factors' coefficients have no closed form here."""
    roots = [complex(z) for z, m in f.complex_roots() for _ in range(m)]
    for (z1, z2), _ in _pairings(roots):
        u, v = -(z1 + z2), z1 * z2
        split = _split(f, u.real, v.real)
        if split is not None:
            return _integrate(c, split, var)
    return None


def _pairings(roots: list[complex]) -> list[tuple[tuple[complex, complex], ...]]:
    """Pairings of the four roots into two real quadratics (conjugates together)."""
    real = sorted((z for z in roots if abs(z.imag) < REAL_TOLERANCE), key=lambda z: z.real)
    upper = sorted((z for z in roots if z.imag >= REAL_TOLERANCE), key=lambda z: z.real)
    pairs = [(z, z.conjugate()) for z in upper]
    if len(real) == 2:
        return [((real[0], real[1]), pairs[0])]
    if len(real) == 4:
        return [((real[0], real[i]), tuple(real[j] for j in range(1, 4) if j != i))
                for i in range(1, 4)]  # fmt: skip
    return [tuple(pairs)] if len(pairs) == 2 else []


def _split(f: fmpq_poly, u: float, v: float) -> tuple[NumberField, list[NFElem]] | None:
    """The field Q(θ) and the exact (u, v, u', v') of f = (x² + u·x + v)(x² + u'·x + v')."""
    a3, a2, a1, _ = (fraction(f[k]) for k in (3, 2, 1, 0))
    m_sum = _minimal_poly(_resultant(f, sums=True), -u)  # the sum z1 + z2 is −u
    m_u = None if m_sum is None else fmpq_poly([c * (-1) ** k for k, c in enumerate(m_sum)])
    m_v = _minimal_poly(_resultant(f, sums=False), v)
    if m_u is None or m_v is None:
        return None
    if m_u.degree() > 1:
        field = _field(m_u, u)
        if field is None:
            return None
        uu = field.of(fmpq_poly([0, 1]))
        u2 = field.of(a3) - uu
        s = field.of(a2) - uu * u2
        if (u2 - uu).is_zero():
            return None
        vv = (field.of(a1) - uu * s) / (u2 - uu)
    elif m_v.degree() > 1:
        field = _field(m_v, v)
        if field is None:
            return None
        uu = field.of(fraction(-m_u[0] / m_u[1]))
        u2 = field.of(a3) - uu
        vv = field.of(fmpq_poly([0, 1]))
        s = field.of(a2) - uu * u2
    else:
        return None
    if abs(vv.value() - v) > 1e-8 * (1 + abs(v)):
        return None
    return field, [uu, vv, u2, s - vv]


def _resultant(f: fmpq_poly, sums: bool) -> fmpq_poly:
    """A polynomial whose roots include every z_i + z_j (or z_i·z_j) of f's roots z."""
    ctx = fmpq_mpoly_ctx.get(("s", "y"), "lex")
    s, y = ctx.gens()
    n = f.degree()
    fy = sum((f[k] * y**k for k in range(n + 1)), ctx.constant(0))
    if sums:
        other = sum((f[k] * (s - y) ** k for k in range(n + 1)), ctx.constant(0))
    else:
        other = sum((f[k] * s**k * y ** (n - k) for k in range(n + 1)), ctx.constant(0))
    d = fy.resultant(other, "y").to_dict()
    top = max((k[0] for k in d), default=0)
    return fmpq_poly([d.get((k, 0), 0) for k in range(top + 1)])


def _minimal_poly(res: fmpq_poly, value: float) -> fmpq_poly | None:
    """The irreducible factor of res that vanishes at value (numerically), or None."""
    best, best_err = None, float("inf")
    for g, _ in res.factor()[1]:
        coeffs = [float(fraction(c)) for c in g.coeffs()]
        err = abs(sum(c * value**k for k, c in enumerate(coeffs)))
        err /= sum(abs(c) * abs(value) ** k for k, c in enumerate(coeffs)) or 1.0
        if err < best_err:
            best, best_err = g, err
    return best if best_err < 1e-10 else None


def _field(m: fmpq_poly, approx: float) -> NumberField | None:
    """Q(θ) for the real root θ ≈ approx of m, when θ has a closed form."""
    theta = _closed_form(m / m.leading_coefficient(), approx)
    if theta is None:
        return None
    return NumberField(m / m.leading_coefficient(), theta, approx)


def _closed_form(m: fmpq_poly, approx: float) -> Expr | None:
    """θ as an expression: the quadratic formula, c^(1/n), or √((−p ± √(p² − 4q))/2)."""
    n = m.degree()
    cs = [fraction(m[k]) for k in range(n + 1)]
    if n == 2:
        disc = cs[1] ** 2 - 4 * cs[0]
        sign = 1 if approx > -cs[1] / 2 else -1
        return add(number(-cs[1] / 2), mul(number(Fraction(sign, 2)), sqrt_rational(disc)))
    if all(c == 0 for c in cs[1:n]) and cs[0] < 0:
        root = power(number(-cs[0]), number(Fraction(1, n)))
        return root if approx > 0 else mul(-1, root)
    if n == 4 and cs[1] == 0 and cs[3] == 0:
        p, q = cs[2], cs[0]
        disc = p * p - 4 * q
        if disc < 0:
            return None
        square = approx * approx
        sign = 1 if square > -p / 2 else -1
        inner = add(number(-p / 2), mul(number(Fraction(sign, 2)), sqrt_rational(disc)))
        root = power(inner, HALF)
        return root if approx > 0 else mul(-1, root)
    return None


def _integrate(c: fmpq_poly, split: tuple[NumberField, list[NFElem]],
               var: Symbol) -> tuple[Expr, Expr]:  # fmt: skip
    field, (u, v, u2, v2) = split
    zero, one = field.zero, field.one
    g1, g2 = UPoly([v, u, one], zero), UPoly([v2, u2, one], zero)
    big_c = UPoly([field.of(fraction(k)) for k in c.coeffs()], zero)
    _, s, t = g1.xgcd(g2)  # s·g1 + t·g2 = 1
    terms = []
    for num, g in (((big_c * t) % g1, g1), ((big_c * s) % g2, g2)):
        terms.append(integrate_quadratic_factor(num, g, var, field))
    return add(*terms), mul(monic_quadratic_expr(g1, var), monic_quadratic_expr(g2, var))


def monic_quadratic_expr(g: UPoly, var: Symbol) -> Expr:
    e = g.zero.k.to_expr
    return add(power(var, 2), mul(e(g[1]), var), e(g[0]))


def integrate_quadratic_factor(c: UPoly, g: UPoly, var: Symbol, field: NumberField) -> Expr:
    """∫ (B·x + C)/(x² + p·x + q) dx over Q(θ)."""
    two = field.of(2)
    b_coef, c_coef, p, q = c[1], c[0], g[1], g[0]
    e = field.to_expr
    log_part = mul(e(b_coef / two), LOG(ABS(monic_quadratic_expr(g, var))))
    d = c_coef - b_coef * p / two
    if d.is_zero():
        return log_part
    disc = p * p / field.of(4) - q
    t = add(var, e(p / two))
    if disc.value() < 0:
        m = _sqrt(-disc)
        return add(log_part, mul(e(d), power(m, -1), ATAN(mul(t, power(m, -1)))))
    r = _sqrt(disc)
    logs = add(LOG(ABS(add(t, mul(-1, r)))), mul(-1, LOG(ABS(add(t, r)))))
    return add(log_part, mul(e(d), HALF, power(r, -1), logs))


def _sqrt(e: NFElem) -> Expr:
    """√e for e > 0, with square factors taken out when e is rational or k·θ^(2j) (then
    √k·θ^j, a square root up to sign, which is all the callers need: their formulas are even
    in it)."""
    if e.p.degree() <= 0:
        return sqrt_rational(fraction(e.p[0]))
    terms = [(j, c) for j, c in enumerate(e.p.coeffs()) if c != 0]
    if len(terms) == 1 and terms[0][0] % 2 == 0 and terms[0][1] > 0:
        j, c = terms[0]
        return mul(sqrt_rational(fraction(c)), power(e.k.theta, j // 2))
    return power(e.k.to_expr(e), HALF)
