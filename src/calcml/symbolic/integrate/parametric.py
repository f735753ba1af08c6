"""Rational functions whose coefficients hold parameters: ∫ 1/(x² + a²) dx, ∫ 1/(x² − a²) dx.

The integrand becomes P/Q with P, Q polynomials in x and the parameters (flint's multivariate
polynomials); Q is factored over Q[x, a, b, …] and the partial fractions are found over the field
Q(a, b, …), exactly as rational.py does over Q. Linear factors give logarithms and powers,
quadratic ones an arctangent or two logarithms, chosen by the sign of the discriminant: that
sign is decided assuming the parameters positive, and the step says so (`assumption`), or the
method declines. Factors of higher degree in x are left to other methods.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from flint import fmpq, fmpq_mpoly

from calcml.core.expr import (
    Add,
    Apply,
    Constant,
    Expr,
    Mul,
    Number,
    Pow,
    Symbol,
    add,
    mul,
    number,
    power,
)
from calcml.core.registry import ABS, ATAN, LOG
from calcml.symbolic.integrate.algebra import Frac, ParamField, Signs, UPoly
from calcml.symbolic.integrate.base import Antiderivative, Context, free_of, make
from calcml.symbolic.polys import sqrt_rational

#: Limits that keep multivariate factoring instant: generators, x-degree, terms of Q.
MAX_GENERATORS = 6
MAX_DEGREE = 24
MAX_TERMS = 120

MPoly = tuple[fmpq_mpoly, fmpq_mpoly]  # numerator, denominator


def parametric_rational(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ P/Q dx for P, Q polynomials in x whose coefficients hold parameters."""
    field = param_field(expr, var)
    if field is None:
        return None
    pq = to_mpoly(expr, field)
    if pq is None:
        return None
    p, q = pq
    degree = max(p.degrees()[0], q.degrees()[0])
    if q.degrees()[0] == 0 or len(q) > MAX_TERMS or degree > MAX_DEGREE:
        return None
    signs = Signs(field)
    _, factored = q.factor()
    factors = [(f, m) for f, m in factored if f.degrees()[0] > 0]
    monic = UPoly([field.one], field.zero)
    for f, m in factors:
        monic = monic * UPoly(field.x_coefficients(f), field.zero).monic() ** m
    scale = UPoly(field.x_coefficients(q), field.zero).lead()  # Q = scale·monic
    num = UPoly(field.x_coefficients(p), field.zero).scale(field.one / scale)
    quotient, remainder = num.divmod(monic)
    for coeff in quotient.c:
        signs.divides_by(coeff)
    terms = [_poly_integral(quotient, var, field)]
    subs = []
    for f, m in factors:
        ctx.budget.check()
        fx = UPoly(field.x_coefficients(f), field.zero)
        pieces = _pieces_for(remainder, monic, fx.monic(), m)
        for c, k in pieces:
            for coeff in c.c:
                signs.divides_by(coeff)
            found = _piece(c, fx, k, var, field, signs)
            if found is None:
                return None
            result, rule, details = found
            terms.append(result)
            piece = mul(_upoly_expr(c, var, field), power(_upoly_expr(fx.monic(), var, field), -k))
            subs.append(make(rule, piece, var, result, (), details))
    return make("partial fractions", expr, var, add(*terms), tuple(subs), signs.details(),
                "rational")  # fmt: skip


def param_field(expr: Expr, var: Symbol) -> ParamField | None:
    """The field Q(generators) of expr's var-free atoms (parameters, π, √2, sin(a)), or None
    when it has none (rational.py's case) or too many."""
    gens: list[Expr] = []
    seen: set[Expr] = set()
    for node in expr.walk():
        if node in seen or not free_of(node, var) or not _is_generator(node):
            continue
        seen.add(node)
        gens.append(node)
    if not gens or len(gens) > MAX_GENERATORS or not expr.has(var):
        return None
    return ParamField(var, sorted(gens, key=lambda g: g.key))


def _is_generator(node: Expr) -> bool:
    if isinstance(node, Symbol | Constant | Apply):
        return True
    return isinstance(node, Pow) and not (isinstance(node.exp, Number)
                                          and isinstance(node.exp.value, int))  # fmt: skip


def to_mpoly(expr: Expr, field: ParamField) -> MPoly | None:
    """expr = P/Q with P, Q polynomials in x and the generators; None when it is not."""
    var = field.gens[0]
    index = {g: i for i, g in enumerate(field.gens)}
    done: dict[Expr, MPoly | None] = {}
    one = field.ctx.constant(1)
    for node in expr.walk():
        if node in done:
            continue
        if node in index:
            done[node] = (field.gen(index[node]), one)
        elif isinstance(node, Number):
            done[node] = (field.ctx.constant(_fmpq(node.value)), one) if node.is_exact else None
        elif node is var or not node.args or any(done.get(a) is None for a in node.args):
            done[node] = None
        elif isinstance(node, Add | Mul):
            done[node] = _fold(node, done)
        elif isinstance(node, Pow) and isinstance(node.exp, Number):
            done[node] = _power(done[node.base], node.exp.value)
        else:
            done[node] = None
    return done.get(expr)


def _fmpq(v: int | Fraction) -> fmpq:
    f = Fraction(v)
    return fmpq(f.numerator, f.denominator)


def _fold(node: Expr, done: dict[Expr, MPoly | None]) -> MPoly | None:
    acc = done[node.args[0]]
    for a in node.args[1:]:
        b = done[a]
        assert acc is not None and b is not None
        if isinstance(node, Add):
            acc = _reduce(acc[0] * b[1] + b[0] * acc[1], acc[1] * b[1])
        else:
            acc = _reduce(acc[0] * b[0], acc[1] * b[1])
        if acc is None:
            return None
    return acc


def _power(base: MPoly | None, n: int | Fraction) -> MPoly | None:
    if base is None or not isinstance(n, int) or abs(n) > MAX_DEGREE:
        return None
    if n < 0:
        return None if base[0].is_zero() else _reduce(base[1] ** -n, base[0] ** -n)
    return _reduce(base[0] ** n, base[1] ** n)


def _reduce(p: fmpq_mpoly, q: fmpq_mpoly) -> MPoly | None:
    if len(p) > 4 * MAX_TERMS or len(q) > 4 * MAX_TERMS:
        return None
    g = p.gcd(q)
    if not g.is_one() and not g.is_zero():
        p, q = p / g, q / g
    return p, q


def _pieces_for(r: UPoly, q: UPoly, f: UPoly, e: int) -> list[tuple[UPoly, int]]:
    """The partial fractions c/f^k (k ≤ e, deg c < deg f) of r/q that belong to the factor f^e."""
    big_f = f**e
    g = q // big_f
    one, s, _ = g.xgcd(big_f)
    assert one.degree() == 0, "factors of a squarefree factorization are coprime"
    numerator = (r * s) % big_f
    pieces, k = [], e
    while not numerator.is_zero():
        numerator, c = numerator.divmod(f)
        if not c.is_zero():
            pieces.append((c, k))
        k -= 1
    return pieces


def _piece(c: UPoly, fx: UPoly, k: int, var: Symbol, field: ParamField,
           signs: Signs) -> tuple[Expr, str, tuple[tuple[str, Any], ...]] | None:  # fmt: skip
    """∫ c/f^k dx for f = fx/lead(fx) monic; fx (as printed) goes inside logarithms."""
    f = fx.monic()
    big_f = _upoly_expr(fx, var, field)
    lead = field.to_expr(fx.lead())
    if f.degree() == 1:
        c0 = field.to_expr(c[0])
        if k == 1:
            return mul(c0, LOG(ABS(big_f))), "logarithm", _nonzero(lead)
        coeff = mul(c0, power(lead, k - 1), number(Fraction(1, 1 - k)))
        return mul(coeff, power(big_f, 1 - k)), "power rule", _nonzero(lead)
    if f.degree() != 2:
        return None
    parts: list[Expr] = []
    while k > 1:
        c, part = _hermite_step(c, f, k)
        parts.append(mul(_upoly_expr(part, var, field), power(_upoly_expr(f, var, field), 1 - k)))
        k -= 1
    local = Signs(field)
    logs = _quadratic(c, f, big_f, var, field, local)
    if logs is None:
        return None
    signs.assumed |= local.assumed
    signs.nonzero |= local.nonzero
    rule = "Hermite reduction" if parts else "completing the square"
    return add(*parts, logs), rule, local.details()


def _nonzero(lead: Expr) -> tuple[tuple[str, Any], ...]:
    return () if isinstance(lead, Number) else (("condition", f"{lead} ≠ 0"),)


def _hermite_step(c: UPoly, f: UPoly, k: int) -> tuple[UPoly, UPoly]:
    """c/f^k = d/dx[part/f^(k-1)] + new_c/f^(k-1), for squarefree f (as in rational.py)."""
    df = f.derivative()
    _, _, t = f.xgcd(df)
    big_t = (c * t) % f
    big_s = (c - big_t * df) // f
    inv = f.zero.of_int(1) / f.zero.of_int(k - 1)
    part = big_t.scale(-inv)
    new_c = big_s + big_t.derivative().scale(inv)
    return new_c % f, part


def _quadratic(c: UPoly, f: UPoly, big_f: Expr, var: Symbol, field: ParamField,
               signs: Signs) -> Expr | None:  # fmt: skip
    """∫ (B·x + C)/(x² + p·x + q) dx: a logarithm, and an arctangent or two logarithms."""
    two = field.of(2)
    b_coef, c_coef, p, q = c[1], c[0], f[1], f[0]
    log_part = mul(field.to_expr(b_coef / two), LOG(ABS(big_f)))
    d = c_coef - b_coef * p / two
    if d.is_zero():
        return log_part
    disc = p * p / field.of(4) - q  # f = (x + p/2)² − disc
    signs.divides_by(d)
    sign = signs.of(disc)
    if sign is None or sign == 0:
        return None
    t = add(var, field.to_expr(p / two))
    d_expr = field.to_expr(d)
    # (1/m)·atan(t/m) and (1/r)·ln|(t − r)/(t + r)| are even in m and r: any square root will do
    if sign < 0:
        m = sqrt_frac(-disc, field)
        return add(log_part, mul(d_expr, power(m, -1), ATAN(mul(t, power(m, -1)))))
    r = sqrt_frac(disc, field)
    logs = add(LOG(ABS(add(t, mul(-1, r)))), mul(-1, LOG(ABS(add(t, r)))))
    return add(log_part, mul(d_expr, number(Fraction(1, 2)), power(r, -1), logs))


def sqrt_frac(e: Frac, field: ParamField) -> Expr:
    """A square root of e with square factors taken out: √(4a²/b) = 2·a/√b (up to sign)."""
    return mul(_sqrt_poly(e.num, field), power(_sqrt_poly(e.den, field), -1))


def _sqrt_poly(p: fmpq_mpoly, field: ParamField) -> Expr:
    content, factored = p.factor()
    outside = [power(field.poly_expr(f), m // 2) for f, m in factored]
    inside = [power(field.poly_expr(f), m % 2) for f, m in factored]
    c = Fraction(int(content.p), int(content.q)) if hasattr(content, "p") else Fraction(content)
    root = sqrt_rational(abs(c))
    rest = mul(*inside) if c > 0 else mul(-1, *inside)  # c·P > 0 with c < 0: √(c·P) = √|c|·√(−P)
    return mul(root, *outside, power(rest, number(Fraction(1, 2))))


def _upoly_expr(p: UPoly, var: Symbol, field: ParamField) -> Expr:
    return add(*(mul(field.to_expr(c), power(var, k)) for k, c in enumerate(p.c)))


def _poly_integral(p: UPoly, var: Symbol, field: ParamField) -> Expr:
    return add(*(mul(field.to_expr(c), number(Fraction(1, k + 1)), power(var, k + 1))
                 for k, c in enumerate(p.c)))  # fmt: skip
