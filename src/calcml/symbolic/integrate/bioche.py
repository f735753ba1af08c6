"""Bioche's rules: a rational function of sin x and cos x, by the substitution its symmetry picks.

Write the integrand as R(s, c) with s = sin x, c = cos x (tan, cot, sec, csc and multiple angles
sin kx, cos kx rewritten first). The differential ω = R dx is tested, exactly, for invariance:

- under x → −x (R(−s, c) = −R(s, c)): u = cos x, and R dx = −R/s · du with s² = 1 − u²;
- under x → π − x (R(s, −c) = −R(s, c)): u = sin x, and R dx = R/c · du with c² = 1 − u²;
- under x → π + x (R(−s, −c) = R(s, c)): u = tan x, and R dx = R · du/(1 + u²) with
  s = u·c, c² = 1/(1 + u²).

Each leaves a rational function of u for the rational integrator. The tests are exact identities
between bivariate polynomials over Q (python-flint), not samples; when more than one rule holds,
the shortest verified answer wins. A rational function with none of these symmetries is left to
the Weierstrass substitution t = tan(x/2) (trig.half_angle).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from math import comb

from flint import fmpq, fmpq_mpoly, fmpq_mpoly_ctx, fmpq_poly

from calcml.core.expr import Add, Apply, Expr, Mul, Number, Pow, Symbol, add, mul, number, power
from calcml.core.registry import COS, SEC, SIN, TAN
from calcml.symbolic.integrate.base import Antiderivative, Context, free_of, make, split_constant
from calcml.symbolic.integrate.explain import substituted, without_atan_tan
from calcml.symbolic.polys import from_rational
from calcml.symbolic.steps import Step

#: Highest total degree in sin and cos the conversion builds (and highest multiple angle k).
MAX_DEGREE = 24
MAX_MULTIPLE = 8

_RING = fmpq_mpoly_ctx.get(("s", "c"), "lex")
_S, _C = _RING.gens()
_ONE = _RING.from_dict({(0, 0): 1})

Frac = tuple[fmpq_mpoly, fmpq_mpoly]
#: Reads one function application of x as a fraction in (s, c), or None.
AngleReader = Callable[[Apply, Symbol], "Frac | None"]

#: The three rules: (name of the symmetry, u as a function of x, du/dx).
_RULES = {
    "cos": ("x → −x", COS, lambda x: -SIN(x)),
    "sin": ("x → π − x", SIN, COS),
    "tan": ("x → π + x", TAN, lambda x: power(SEC(x), 2)),
}


def bioche(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ R(sin x, cos x) dx by u = cos x, sin x or tan x, whichever symmetry ω = R dx has."""
    from calcml.symbolic.integrate.substitution import to_sin_cos

    if free_of(expr, var):
        return None
    scale, g = split_constant(expr, var)
    if one_scaled_angle(to_sin_cos(g), var):
        return None  # sin 3x, cos 3x alone: the linear substitution t = 3x keeps the angle
    frac = to_frac(to_sin_cos(g), var)
    if frac is None:
        return None
    if frac[1].is_constant():
        return _cancelled(expr, var, ctx, scale, frac) if _is_quotient(g, var) else None
    u = ctx.dummy()
    best: Antiderivative | None = None
    for name in invariances(frac):
        ctx.budget.check()
        h = _in_u(name, frac, u)
        inner = None if h is None else ctx.integrate(h, u)
        if inner is None:
            continue
        found = _explained(name, expr, var, u, h, inner, scale)
        if best is None or found.result.size() < best.result.size():
            best = found
    if best is None:
        ctx.release(u)
    return best


def one_scaled_angle(g: Expr, var: Symbol) -> bool:
    """Are all the angles of sin and cos in g one k·x with k ≠ 1?"""
    angles = {n.arg for n in g.walk() if isinstance(n, Apply) and n.prim in (SIN, COS)}
    return len(angles) == 1 and next(iter(angles)) is not var


def _is_quotient(g: Expr, var: Symbol) -> bool:
    """Has g a denominator in x? (A polynomial in sin and cos is left to the power methods.)"""
    from calcml.symbolic.integrate.substitution import to_sin_cos

    return any(isinstance(n, Pow) and not free_of(n.base, var) and isinstance(n.exp, Number)
               and n.exp.value < 0 for n in to_sin_cos(g).walk())  # fmt: skip


def _explained(name: str, expr: Expr, var: Symbol, u: Symbol, h: Expr, inner: Antiderivative,
               scale: Expr) -> Antiderivative:  # fmt: skip
    symmetry, u_of, du_of = _RULES[name]
    u_x, du = u_of(var), du_of(var)
    hint = (f"Bioche's rule: the integrand ω = f(x) dx is unchanged under {symmetry}, so "
            f"u = {u_x.text()}, du = {du.text()} dx")  # fmt: skip
    found = substituted("Bioche's rule", expr, var, u, u_x, du, h, inner, scale=scale,
                        details=(("symmetry", symmetry),), method="Bioche's rule",
                        hint=hint)  # fmt: skip
    return without_atan_tan(found, expr, var)


def invariances(frac: Frac) -> list[str]:
    """Which of Bioche's symmetries ω = R(s, c) dx has: `"cos"` (x → −x), `"sin"` (x → π − x),
    `"tan"` (x → π + x); exact polynomial identities.

    >>> invariances((_S, _C))            # tan x: odd in s, odd in c, even in both
    ['cos', 'sin', 'tan']
    >>> invariances((_ONE, _S + 2))      # 1/(sin x + 2): no symmetry
    []
    """
    p, q = frac
    out = []
    if p.compose(-_S, _C) * q + p * q.compose(-_S, _C) == 0:
        out.append("cos")
    if p.compose(_S, -_C) * q + p * q.compose(_S, -_C) == 0:
        out.append("sin")
    if p.compose(-_S, -_C) * q - p * q.compose(-_S, -_C) == 0:
        out.append("tan")
    return out


def _in_u(name: str, frac: Frac, u: Symbol) -> Expr | None:
    """The integrand in u (dx included) for rule `name`, as a rational function of u."""
    p, q = frac
    if name == "cos":  # R dx = −R/s du: numerator and denominator made even in s
        q = -_S * q
        flip = q.compose(-_S, _C)
        pu, qu = _even(p * flip, 0), _even(q * flip, 0)
        return None if pu is None or qu is None else quotient_in(pu, qu, u)
    if name == "sin":  # R dx = R/c du: made even in c
        q = _C * q
        flip = q.compose(_S, -_C)
        pu, qu = _even(p * flip, 1), _even(q * flip, 1)
        return None if pu is None or qu is None else quotient_in(pu, qu, u)
    flip = q.compose(-_S, -_C)  # R dx = R du/(1 + u²): numerator and denominator of even degree
    p, q = p * flip, q * flip
    half = max(p.total_degree(), q.total_degree()) // 2
    pu, qu = _tan_form(p, half), _tan_form(q, half)
    if pu is None or qu is None:
        return None
    return quotient_in(pu, qu * fmpq_poly([1, 0, 1]), u)


def _even(p: fmpq_mpoly, which: int) -> fmpq_poly | None:
    """p(s, c), even in variable `which` (0: s, 1: c), with that square as 1 − u² and the other
    variable as u."""
    out = fmpq_poly([0])
    one_minus = fmpq_poly([1, 0, -1])
    for exps, coeff in p.terms():
        k, j = int(exps[which]), int(exps[1 - which])
        if k % 2:
            return None
        out += fmpq_poly([fmpq(coeff)]) * one_minus ** (k // 2) * fmpq_poly([0, 1]) ** j
    return out


def _tan_form(p: fmpq_mpoly, half: int) -> fmpq_poly | None:
    """(1 + u²)^half · p(s, c) with s = u·c and c² = 1/(1 + u²): each monomial s^a·c^b of even
    degree a + b becomes u^a·(1 + u²)^(half − (a + b)/2)."""
    out = fmpq_poly([0])
    one_plus = fmpq_poly([1, 0, 1])
    for (a, b), coeff in ((tuple(map(int, e)), k) for e, k in p.terms()):
        if (a + b) % 2:
            return None
        out += fmpq_poly([fmpq(coeff)]) * fmpq_poly([0, 1]) ** a * one_plus ** (half - (a + b) // 2)
    return out


def quotient_in(p: fmpq_poly, q: fmpq_poly, u: Symbol) -> Expr | None:
    """p(u)/q(u) in lowest terms with a monic denominator, as an expression (None if q = 0)."""
    if q.is_zero():
        return None
    g = p.gcd(q)
    if g.degree() > 0:
        p, q = p // g, q // g
    lc = q.leading_coefficient()
    return from_rational(p / lc, q / lc, u)


def to_frac(expr: Expr, var: Symbol, angle: AngleReader | None = None,
            reduce: Callable[[fmpq_mpoly], fmpq_mpoly] | None = None) -> Frac | None:  # fmt: skip
    """`(P, Q)` with expr = P(sin x, cos x)/Q(sin x, cos x) over Q; None when expr has another
    function of x, a bare x, a parameter or an inexact number. Iterative over the DAG.

    `angle` reads a function application as a fraction in (s, c) (sin and cos by default; the
    hyperbolic rules pass their own reader for sinh and cosh), and `reduce` rewrites each of P
    and Q by an identity before the common factor is divided out."""
    angle = angle or _angle
    done: dict[Expr, Frac | None] = {}
    for node in expr.walk():
        done[node] = _node(node, var, done, angle)
    found = done[expr]
    if found is None or found[1].is_zero():
        return None
    p, q = found if reduce is None else (reduce(found[0]), reduce(found[1]))
    g = p.gcd(q)
    return (p, q) if g.is_constant() else (p / g, q / g)


def in_sin_cos(frac: Frac, var: Symbol) -> Expr:
    """P(sin x, cos x)/Q(sin x, cos x) as an expression (multiple angles written out).

    >>> from calcml.core.expr import symbol
    >>> x = symbol("x")
    >>> in_sin_cos(to_frac(COS(2 * x) * power(add(SIN(x), COS(x)), -1), x), x).text()
    'cos(x) - sin(x)'
    """
    def poly(p: fmpq_mpoly) -> Expr:
        return add(*(mul(number(Fraction(int(c.p), int(c.q))), power(SIN(var), int(a)),
                         power(COS(var), int(b))) for (a, b), c in p.terms()))  # fmt: skip

    p, q = frac
    return mul(poly(p), power(poly(q), -1))


def _cancelled(expr: Expr, var: Symbol, ctx: Context, scale: Expr,
               frac: Frac) -> Antiderivative | None:  # fmt: skip
    """A quotient whose denominator cancels (cos 2x/(sin x + cos x) = cos x − sin x): the
    polynomial in sin x and cos x, integrated term by term."""
    new = mul(scale, in_sin_cos(frac, var))
    inner = ctx.integrate(new, var)
    if inner is None:
        return None
    hint = ("P/Q with the common factor of P and Q divided out, after writing sin kx and cos kx "
            "in sin x and cos x")  # fmt: skip
    identity = Step("cancel a common factor", expr, new, (), "", hint=hint)
    return make("cancel a common factor", expr, var, inner.result, (identity, inner),
                method="cancel a common factor", hint=hint)  # fmt: skip


def _node(node: Expr, var: Symbol, done: dict, angle: AngleReader) -> Frac | None:
    if isinstance(node, Number):
        ok = node.is_exact and not isinstance(node.value, complex)
        return (_RING.from_dict({(0, 0): fmpq(*_ratio(node.value))}), _ONE) if ok else None
    if isinstance(node, Apply):
        return angle(node, var)
    if isinstance(node, Symbol) or not node.args or any(done[a] is None for a in node.args):
        return None
    if isinstance(node, Add):
        p, q = done[node.args[0]]
        for a in node.args[1:]:
            p2, q2 = done[a]
            p, q = (p * q2 + p2 * q, q * q2) if q != q2 else (p + p2, q)
        return _capped(p, q)
    if isinstance(node, Mul):
        p, q = _ONE, _ONE
        for a in node.args:
            p, q = p * done[a][0], q * done[a][1]
        return _capped(p, q)
    if isinstance(node, Pow):
        return _power(done[node.base], node.exp)
    return None


def _ratio(v) -> tuple[int, int]:
    f = Fraction(v)
    return f.numerator, f.denominator


def _power(base: Frac, exp: Expr) -> Frac | None:
    if not (isinstance(exp, Number) and isinstance(exp.value, int)):
        return None
    n = exp.value
    p, q = base if n >= 0 else (base[1], base[0])
    if p.is_zero() or abs(n) * max(p.total_degree(), q.total_degree()) > MAX_DEGREE:
        return None
    return p ** abs(n), q ** abs(n)


def _capped(p: fmpq_mpoly, q: fmpq_mpoly) -> Frac | None:
    if max(p.total_degree(), q.total_degree()) > MAX_DEGREE:
        g = p.gcd(q)
        p, q = p / g, q / g
    if max(p.total_degree(), q.total_degree()) > MAX_DEGREE:
        return None
    return p, q


def _angle(node: Apply, var: Symbol) -> Frac | None:
    """sin(k·x), cos(k·x) for an integer k as homogeneous polynomials in s, c (de Moivre), so
    that quotients such as cos 2x/(cos x + sin x) cancel."""
    if node.prim not in (SIN, COS):
        return None
    if node.arg is var:
        k = 1
    else:
        c, g = split_constant(node.arg, var)
        if g is not var or not isinstance(c, Number) or not isinstance(c.value, int):
            return None
        k = c.value
    if k == 0 or abs(k) > MAX_MULTIPLE:
        return None
    sign = -1 if (k < 0 and node.prim is SIN) else 1
    k, odd = abs(k), node.prim is SIN  # cos kx + i·sin kx = (c + i·s)^k, homogeneous in s, c
    terms = {(j, k - j): comb(k, j) * (-1) ** (j // 2) for j in range(int(odd), k + 1, 2)}
    poly = _RING.from_dict(terms)
    return sign * poly, _ONE


__all__ = ["bioche", "in_sin_cos", "invariances", "quotient_in", "to_frac"]
