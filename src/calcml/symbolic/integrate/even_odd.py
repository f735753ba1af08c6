"""∫ R(x)/√Q dx where R's denominator is symmetric about the centre of Q: even and odd parts.

With t = x − s, s = −b/(2a), Q = a·t² + d and t → −t leaves Q alone. A rational R(t) whose
denominator is even (or odd) in t splits into a polynomial, an odd part t·G(t²) and an even
part F(t²):

- the odd part is a function of Q times Q′: u = √Q, t² = (u² − d)/a, t·dt = u·du/a, so
  ∫ t·G(t²)/√Q dt = ∫ G((u² − d)/a)/a du;
- the even part takes Abel's substitution v = t/√Q (a multiple of (√Q)′): t² = d·v²/(1 − a·v²)
  and dt/√Q = dv/(1 − a·v²), so ∫ F(t²)/√Q dt = ∫ F(d·v²/(1 − a·v²))/(1 − a·v²) dv.

Both are rational in the new variable; ∫ dx/((p·t² + q)·√(a·t² + d)) becomes
∫ dv/((p·d − q·a)·v² + q), an arctangent or artanh of a multiple of t/√Q, as in the tables.
"""

from __future__ import annotations

from fractions import Fraction

from flint import fmpq, fmpq_poly

from calcml.core.expr import HALF, Expr, Symbol, add, mul, number, power
from calcml.symbolic.integrate.base import Antiderivative, Context, make
from calcml.symbolic.integrate.euler import in_parts
from calcml.symbolic.integrate.explain import substituted
from calcml.symbolic.integrate.root_fractions import rational_over_root
from calcml.symbolic.polys import fraction, from_poly, from_rational

#: Highest degree of R's denominator this method works with.
MAX_DEGREE = 12


def even_odd(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ R(x)/√Q dx = ∫ P/√Q dx + ∫ (odd part)/√Q dx + ∫ (even part)/√Q dx."""
    if in_parts(ctx):
        return None
    split = rational_over_root(expr, var)
    if split is None:
        return None
    num, den, surd = split
    a, b, c = (fraction(surd.q[k]) for k in (2, 1, 0))
    s, d = -b / (2 * a), c - b * b / (4 * a)
    shift = fmpq_poly([_fq(s), 1])
    num_t, den_t = num(shift), den(shift)
    parity = _parity(den_t)
    if d == 0 or parity == 0 or den_t.degree() > MAX_DEGREE:
        return None
    quotient, rest = divmod(num_t, den_t)
    even, odd = _parts(rest)
    if parity < 0:
        even, odd = odd, even  # an odd denominator swaps the parts
    root = power(surd.base, HALF)
    t_of_x = add(var, number(-s))
    subs = []
    if not quotient.is_zero():
        poly = mul(from_poly(quotient, t_of_x), power(root, -1))
        found = ctx.integrate(poly, var)
        if found is None:
            return None
        subs.append(found)
    for part, build in ((odd, _odd_part), (even, _even_part)):
        if part.is_zero():
            continue
        found = build(part, den_t, a, d, t_of_x, root, var, ctx)
        if found is None:
            return None
        subs.append(found)
    if len(subs) < 2 and quotient.is_zero() and (odd.is_zero() or even.is_zero()):
        only = subs[0]
        return Antiderivative(only.result, only.step, only.method)
    result = add(*(f.result for f in subs))
    return make("even and odd parts", expr, var, result, tuple(subs),
                (("t", t_of_x),), hint=_HINT)  # fmt: skip


_HINT = ("with t = x + b/(2a): R(t) = P(t) + t·G(t²) + F(t²); u = √Q for the odd part, "
         "Abel's substitution v = t/√Q for the even part")


def _parity(p: fmpq_poly) -> int:
    """1 when p(−t) = p(t), −1 when p(−t) = −p(t), 0 otherwise."""
    coeffs = p.coeffs()
    if all(c == 0 for c in coeffs[1::2]):
        return 1
    if all(c == 0 for c in coeffs[0::2]):
        return -1
    return 0


def _parts(p: fmpq_poly) -> tuple[fmpq_poly, fmpq_poly]:
    """(even part, odd part) of a polynomial."""
    coeffs = p.coeffs()
    even = [c if k % 2 == 0 else 0 for k, c in enumerate(coeffs)]
    odd = [c if k % 2 else 0 for k, c in enumerate(coeffs)]
    return fmpq_poly(even or [0]), fmpq_poly(odd or [0])


def _in_w(p: fmpq_poly) -> fmpq_poly:
    """An even polynomial in t as a polynomial in w = t²."""
    return fmpq_poly(p.coeffs()[0::2] or [0])


def _odd_part(part: fmpq_poly, den: fmpq_poly, a: Fraction, d: Fraction, t_of_x: Expr,
              root: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:  # fmt: skip
    """∫ (part/den)(t)/√Q dt, an odd function of t, with u = √Q."""
    from calcml.symbolic.diff import diff

    # part/den = t·N(w)/D(w), w = t²: N/D = part/(t·den), made even in both
    t = fmpq_poly([0, 1])
    top, bottom = (part // t, den) if _parity(den) > 0 else (part, den * t)
    w_of_u = fmpq_poly([_fq(-d / a), 0, _fq(1 / a)])
    n, m = _in_w(top)(w_of_u), _in_w(bottom)(w_of_u)
    u = ctx.dummy()
    g = from_rational(*_reduced(n, m * _fq(a)), u)
    inner = ctx.integrate(g, u)
    if inner is None:
        ctx.release(u)
        return None
    piece = mul(from_rational(part, den, t_of_x), power(root, -1))
    return substituted("substitution", piece, var, u, root, diff(root, var, verify=False), g,
                       inner)  # fmt: skip


def _even_part(part: fmpq_poly, den: fmpq_poly, a: Fraction, d: Fraction, t_of_x: Expr,
               root: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:  # fmt: skip
    """∫ (part/den)(t)/√Q dt, an even function of t, with v = t/√Q."""
    from calcml.symbolic.diff import diff

    t = fmpq_poly([0, 1])
    top, bottom = (part, den) if _parity(den) > 0 else (part // t, den // t)
    n, m = _in_w(top), _in_w(bottom)
    # N(w)/D(w) at w = d·v²/(1 − a·v²), over 1 − a·v²: homogenize with h = 1 − a·v²
    h = fmpq_poly([1, 0, _fq(-a)])
    dv2 = fmpq_poly([0, 0, _fq(d)])
    k = max(n.degree(), m.degree())
    big_n = sum((n[i] * dv2**i * h ** (k - i) for i in range(n.degree() + 1)), fmpq_poly([0]))
    big_m = sum((m[i] * dv2**i * h ** (k - i) for i in range(m.degree() + 1)), fmpq_poly([0]))
    v = ctx.dummy("vwtu")
    g = from_rational(*_reduced(big_n, big_m * h), v)
    inner = ctx.integrate(g, v)
    if inner is None:
        ctx.release(v)
        return None
    v_of_x = mul(t_of_x, power(root, -1))
    piece = mul(from_rational(part, den, t_of_x), power(root, -1))
    return substituted("Abel's substitution", piece, var, v, v_of_x,
                       diff(v_of_x, var, verify=False), g, inner,
                       hint="v = t/√Q: t² = d·v²/(1 − a·v²), dt/√Q = dv/(1 − a·v²)")  # fmt: skip


def _reduced(p: fmpq_poly, q: fmpq_poly) -> tuple[fmpq_poly, fmpq_poly]:
    g = p.gcd(q)
    p, q = p / g, q / g
    lead = q.leading_coefficient()
    return p / lead, q / lead


def _fq(v: Fraction) -> fmpq:
    return fmpq(v.numerator, v.denominator)
