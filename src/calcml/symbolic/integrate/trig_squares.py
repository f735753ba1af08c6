"""Roots of Pythagorean squares, √(1 − cos² x) = |sin x|, and odd powers of |g(x)|.

A base B(sin x, cos x) under an odd power of a square root is often κ·G(x)² by sin² + cos² = 1,
with G one of sin, cos, tan, cot, sec, csc: 1 − cos² x = sin² x, 1 + tan² x = sec² x,
1 − cos 2x = 2 sin² x. Then B^(k/2) = κ^(k/2)·|G|^k, and for odd k

    |G|^k = σ·G^k   with   σ = |G|/G,

a factor that is constant (±1) on every interval where G ≠ 0. So σ comes out of the integral
like a constant, ∫ f·|G|^k dx = σ·∫ f·G^k dx, and what is left has no root and no absolute value:
∫ √(1 − cos² x) dx = (|sin x|/sin x)·(−cos x) = −cot x·|sin x|, as Rubi writes it. The test for
B = κ·G² is exact: polynomial identities over Q modulo s² + c² − 1 (python-flint).
"""

from __future__ import annotations

from fractions import Fraction

from flint import fmpq, fmpq_mpoly

from calcml.core.evaluate import substitute
from calcml.core.expr import Add, Apply, Expr, Mul, Number, Pow, Symbol, mul, number, power
from calcml.core.registry import ABS, COS, COSH, COT, CSC, SEC, SIN, SINH, TAN, TANH
from calcml.symbolic.integrate.base import (
    Antiderivative,
    Context,
    free_of,
    make,
    split_constant,
)
from calcml.symbolic.integrate.explain import constant_multiple
from calcml.symbolic.steps import Step

_HINT = ("sin² x + cos² x = 1 (or cosh² x − sinh² x = 1) makes the base κ·G², so its odd "
         "power of a square root is κ^(k/2)·|G|^k = κ^(k/2)·σ·G^k with σ = |G|/G = ±1, "
         "constant where G ≠ 0")  # fmt: skip


_ABS_HINT = "|g|^k = σ·g^k for odd k, with σ = |g|/g = ±1, constant where g ≠ 0"


def pythagorean_squares(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ f·B^(k/2) dx = σ·∫ f·κ^(k/2)·G^k dx for roots of Pythagorean squares B = κ·G²
    (√(1 − cos² x), (1 + tan² x)^(3/2), ...), σ = |G|/G."""
    return _signs_out(expr, var, ctx, roots=True)


def absolute_values(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ f·|g|^k dx = σ·∫ f·g^k dx (σ = |g|/g, k odd): tried late, after the methods that
    answer ∫ |sin x|·cos x dx in fewer symbols."""
    return _signs_out(expr, var, ctx, roots=False)


def _signs_out(expr: Expr, var: Symbol, ctx: Context, roots: bool) -> Antiderivative | None:
    c, g = split_constant(expr, var)
    sigmas: list[Expr] = []
    new: list[Expr] = []
    for f in g.args if isinstance(g, Mul) else (g,):
        found = _unsigned(f, var, roots)
        if found is None:
            new.append(f)
        else:
            new.append(found[0])
            sigmas.append(found[1])
    if not sigmas:
        return None
    sigma = mul(*sigmas)
    h = mul(c, *new)
    inner = ctx.integrate(h, var)
    if inner is None:
        return None
    other = _by_substitution(expr, var, ctx)
    if other is not None and other.result.size() < inner.result.size() + sigma.size():
        return other  # √(1 + tan² x): u = tan x gives asinh(tan x), shorter than |sec x|·...
    rule, hint = ("Pythagorean square", _HINT) if roots else ("absolute value", _ABS_HINT)
    pulled = inner if sigma is number(1) else constant_multiple(sigma, h, var, inner, rule)
    details = (("σ", sigma),)
    identity = Step(rule, expr, mul(sigma, h), (), "", details, hint=hint)
    return make(rule, expr, var, pulled.result, (identity, pulled), details, rule, hint)


def _by_substitution(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """The same integral by u = sin x, tan x, ... (trig_algebraic), when that applies."""
    from calcml.symbolic.integrate.base import verified
    from calcml.symbolic.integrate.trig_algebraic import hyperbolic_algebraic, trig_algebraic

    found = trig_algebraic(expr, var, ctx) or hyperbolic_algebraic(expr, var, ctx)
    if found is None or not verified(expr, found.result, var):
        return None
    return found


def _unsigned(f: Expr, var: Symbol, roots: bool) -> tuple[Expr, Expr] | None:
    """(κ^(k/2)·G^k, |G|/G) for a factor f = B^(k/2) with B = κ·G² (roots) or |G|^k, k odd."""
    base, e = (f.base, f.exp) if isinstance(f, Pow) else (f, number(1))
    if not (isinstance(e, Number) and e.is_exact) or free_of(base, var):
        return None
    k = Fraction(e.value)
    if isinstance(base, Apply) and base.prim is ABS:
        if roots or k.denominator != 1 or not k.numerator % 2:
            return None
        g = base.arg
        return power(g, e), mul(base, power(g, -1))
    if not roots or not isinstance(base, (Add, Mul)) or k.denominator != 2 or not _has_trig(base):
        return None
    square = square_of(base, var)
    if square is None:
        return None
    kappa, g, rest = square
    odd = number(2 * k)
    positive = g in (COSH(var), power(COSH(var), -1))  # cosh x > 0: no sign to take out
    return (mul(power(number(kappa), e), power(g, odd), power(rest, e)),
            number(1) if positive else mul(ABS(g), power(g, -1)))  # fmt: skip


def _has_trig(e: Expr) -> bool:
    prims = (SIN, COS, TAN, COT, SEC, CSC, SINH, COSH, TANH)
    return any(isinstance(n, Apply) and n.prim in prims for n in e.walk())


def _gens():
    """sin and cos as generators of the ring bioche.py works in (flint hands out one context
    per (names, order), so this is that same ring)."""
    from flint import fmpq_mpoly_ctx

    ring = fmpq_mpoly_ctx.get(("s", "c"), "lex")
    s, c = ring.gens()
    return s, c, ring.from_dict({(0, 0): 1})


def square_of(base: Expr, var: Symbol) -> tuple[Fraction, Expr, Expr] | None:
    """(κ, G, R) with base = κ·G(x)²·R(x), κ > 0 rational, G ∈ {sin, cos, tan, cot, sec,
    csc} and R = 1 or one power of sin x or cos x; None when there is none.

    >>> from calcml import parse, symbol
    >>> x = symbol("x")
    >>> k, g, r = square_of(parse("1 + tan(x)^2"), x); (k, g.text(), r.text())
    (Fraction(1, 1), 'sec(x)', '1')
    >>> k, g, r = square_of(parse("1 - cos(2*x)"), x); (k, g.text(), r.text())
    (Fraction(2, 1), 'sin(x)', '1')
    >>> k, g, r = square_of(parse("csc(x) - sin(x)"), x); (k, g.text(), r.text())
    (Fraction(1, 1), 'cos(x)', '1/sin(x)')
    """
    from calcml.symbolic.integrate.bioche import to_frac
    from calcml.symbolic.integrate.substitution import to_sin_cos

    hyp = any(isinstance(n, Apply) and n.prim in _HYP for n in base.walk())
    if hyp:  # sinh, cosh written as sin, cos stand-ins; the identity is then c² = 1 + s²
        base = substitute(base, {n: _HYP[n.prim](n.arg) for n in base.walk()
                                 if isinstance(n, Apply) and n.prim in _HYP})  # fmt: skip
    frac = to_frac(to_sin_cos(base), var)
    if frac is None:
        return None
    p, q = frac
    s, c, one = _gens()
    names = _HYP_NAMES if hyp else _TRIG_NAMES
    candidates = [(gp, gq, names[k]) for k, (gp, gq) in enumerate(
        ((s, one), (c, one), (s, c), (c, s), (one, c), (one, s)))]  # fmt: skip
    for gp, gq, g_of in candidates:
        kappa = _ratio(_reduce(p * gq * gq, hyp), _reduce(q * gp * gp, hyp))
        if kappa is not None and kappa > 0:
            return kappa, g_of(var), number(1)
    for gp, gq, g_of in candidates:  # no exact square: a square times one power of sin or cos
        found = _monomial_ratio(_reduce(p * gq * gq, hyp), _reduce(q * gp * gp, hyp))
        if found is not None and found[0] > 0:
            kappa, a, b = found
            s_of, c_of = (SINH, COSH) if hyp else (SIN, COS)
            return kappa, g_of(var), mul(power(s_of(var), a), power(c_of(var), b))
    return None


_HYP = {SINH: SIN, COSH: COS, TANH: lambda a: mul(SIN(a), power(COS(a), -1))}
_TRIG_NAMES = (SIN, COS, TAN, COT, SEC, CSC)
_HYP_NAMES = (SINH, COSH, TANH, lambda a: power(TANH(a), -1), lambda a: power(COSH(a), -1),
              lambda a: power(SINH(a), -1))  # fmt: skip


def _monomial_ratio(n: fmpq_mpoly, d: fmpq_mpoly) -> tuple[Fraction, int, int] | None:
    """(κ, a, b) with n/d = κ·s^a·c^b, exactly one of a, b nonzero; or None."""
    if d.is_zero() or n.is_zero():
        return None
    g = n.gcd(d)
    n, d = n / g, d / g
    if len(n) != 1 or len(d) != 1:
        return None
    (en, kn), (ed, kd) = next(iter(n.terms())), next(iter(d.terms()))
    a, b = int(en[0]) - int(ed[0]), int(en[1]) - int(ed[1])
    if (a == 0) == (b == 0):
        return None
    k = fmpq(kn) / fmpq(kd)
    return Fraction(int(k.p), int(k.q)), a, b


def _reduce(p: fmpq_mpoly, hyp: bool = False) -> fmpq_mpoly:
    """p with every c² replaced by 1 − s² (1 + s² for cosh, sinh): a normal form modulo
    s² + c² − 1 (c² − s² − 1)."""
    s, c, one = _gens()
    square = one + s * s if hyp else one - s * s
    out = 0 * one
    for exps, coeff in p.terms():
        a, b = int(exps[0]), int(exps[1])
        out += fmpq(coeff) * s**a * c ** (b % 2) * square ** (b // 2)
    return out


def _ratio(n: fmpq_mpoly, d: fmpq_mpoly) -> Fraction | None:
    """κ with n = κ·d exactly, or None."""
    if d.is_zero() or n.is_zero():
        return None
    exps, coeff = next(iter(d.terms()))
    other = dict(n.terms()).get(exps)
    if other is None:
        return None
    k = fmpq(other) / fmpq(coeff)
    if n - k * d != 0:
        return None
    return Fraction(int(k.p), int(k.q))


__all__ = ["absolute_values", "pythagorean_squares", "square_of"]
