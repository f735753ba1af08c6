"""∫ e^(a·x + c)·sin(b·x + d) dx and the cosine, in the textbook's closed form.

Integrating by parts twice brings the integral back (the cyclic case), and solving for it gives

    ∫ e^(ax)·sin(bx) dx = e^(ax)·(a·sin bx − b·cos bx)/(a² + b²),
    ∫ e^(ax)·cos(bx) dx = e^(ax)·(a·cos bx + b·sin bx)/(a² + b²),

which is what the formula states directly. With numbers for a and b, parts itself is shown (the
cycle is the lesson, and its answer is as short); with symbolic a and b the two rounds of parts
leave nested fractions that no simplification undoes, so the formula is used.
"""

from __future__ import annotations

from fractions import Fraction
from math import gcd, lcm

from calcml.core.expr import (
    ONE,
    ZERO,
    Apply,
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
from calcml.core.registry import COS, EXP, SIN
from calcml.symbolic.integrate.base import (
    Antiderivative,
    Context,
    linear_coefficients,
    split_constant,
)
from calcml.symbolic.integrate.explain import plain, rewritten

_HINTS = {
    "sin": "∫ e^(ax)·sin(bx) dx = e^(ax)·(a·sin bx − b·cos bx)/(a² + b²)",
    "cos": "∫ e^(ax)·cos(bx) dx = e^(ax)·(a·cos bx + b·sin bx)/(a² + b²)",
}


def exp_trig(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """c·e^(a·x + p)·sin(b·x + q) or ·cos(b·x + q), by the formula of the cyclic parts."""
    c, f = split_constant(expr, var)
    if not (isinstance(f, Mul) and len(f.args) == 2):
        return None
    e = next((g for g in f.args if isinstance(g, Apply) and g.prim is EXP), None)
    t = next((g for g in f.args if isinstance(g, Apply) and g.prim in (SIN, COS)), None)
    if e is None or t is None:
        return None
    lin_e = _linear(e.arg, var)
    lin_t = _linear(t.arg, var)
    if lin_e is None or lin_t is None:
        return None
    a, b = lin_e[0], lin_t[0]
    if isinstance(a, Number) and isinstance(b, Number):
        return None  # parts shows the cycle, and its answer is as short
    s, k = SIN(t.arg), COS(t.arg)
    norm = add(mul(a, a), mul(b, b))
    g = _content(a, b)  # e^(2x)·(2·sin 2x − 2·cos 2x)/8 is written e^(2x)·(sin 2x − cos 2x)/4
    other = mul(-1, b) if t.prim is SIN else b  # the coefficients of inner are a and other
    if all(isinstance(v, Number) and v.value <= 0 for v in (a, other)):
        g = mul(-1, g)
    a, b = mul(a, power(g, -1)), mul(b, power(g, -1))
    inner = add(mul(a, s), mul(-1, b, k)) if t.prim is SIN else add(mul(a, k), mul(b, s))
    result = mul(c, g, e, inner, power(norm, -1))
    details = () if isinstance(norm, Number) else (("condition", f"{norm} ≠ 0"),)
    return plain("cyclic integration by parts", expr, var, result, details,
                 _HINTS[t.prim.name], "integration by parts (cyclic)")  # fmt: skip


def exp_trig_products(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """c·e^(a·x + p)·sinᵐ(kθ)·cosⁿ(jθ)·…: the trigonometric product written as a sum of
    sines and cosines of multiples of θ (through z = e^(iθ)), each then by the formula."""
    c, f = split_constant(expr, var)
    fs = f.args if isinstance(f, Mul) else (f,)
    exps = [g for g in fs if isinstance(g, Apply) and g.prim is EXP]
    trig = [g for g in fs if g not in exps]
    if len(exps) != 1 or _linear(exps[0].arg, var) is None or len(trig) < 1:
        return None
    linear = _linearized(mul(*trig), var)
    if linear is None or linear is mul(*trig):
        return None
    new = mul(c, exps[0], linear)
    from calcml.symbolic.simplify import expand

    wide = expand(new)
    inner = ctx.integrate(wide, var)
    if inner is None:
        return None
    return rewritten("product to sum", expr, var, wide, inner,
                     hint="sinᵐθ·cosⁿθ as a sum of sin kθ and cos kθ (z = e^(iθ))",
                     method=inner.method)  # fmt: skip


#: Largest total degree (in multiples of θ) of a trigonometric product linearized.
MAX_DEGREE = 12

Gauss = tuple[Fraction, Fraction]


def _linearized(t: Expr, var: Symbol) -> Expr | None:
    """A product of (integer) powers of sin kθ and cos kθ as Σ aⱼ·cos jθ + bⱼ·sin jθ."""
    fs = t.args if isinstance(t, Mul) else (t,)
    parts: list[tuple[str, Expr, int]] = []
    for g in fs:
        base, n = (g.base, g.exp) if isinstance(g, Pow) else (g, number(1))
        if not (isinstance(base, Apply) and base.prim in (SIN, COS) and isinstance(n, Number)
                and isinstance(n.value, int) and n.value > 0):  # fmt: skip
            return None
        parts.append((base.prim.name, base.arg, n.value))
    theta = _theta([p[1] for p in parts], var)
    if theta is None:
        return None
    poly: dict[int, Gauss] = {0: (Fraction(1), Fraction(0))}
    degree = 0
    for name, arg, n in parts:
        ratio = mul(arg, power(theta, -1))
        if not (isinstance(ratio, Number) and isinstance(ratio.value, int)):
            return None
        k = ratio.value
        degree += abs(k) * n
        if degree > MAX_DEGREE:
            return None
        for _ in range(n):
            poly = _times(poly, _factor(name, k))
    terms = []
    for j, (re, im) in poly.items():
        if j == 0:
            terms.append(number(re))
        elif j > 0:  # C_j z^j + conj(C_j) z^-j = 2·Re C_j·cos jθ − 2·Im C_j·sin jθ
            terms.append(mul(number(2 * re), COS(mul(j, theta))))
            terms.append(mul(number(-2 * im), SIN(mul(j, theta))))
    return add(*terms)


def _factor(name: str, k: int) -> dict[int, Gauss]:
    """sin kθ = (zᵏ − z⁻ᵏ)/(2i), cos kθ = (zᵏ + z⁻ᵏ)/2."""
    h = Fraction(1, 2)
    if name == "cos":
        return {k: (h, Fraction(0)), -k: (h, Fraction(0))}
    return {k: (Fraction(0), -h), -k: (Fraction(0), h)}


def _times(a: dict[int, Gauss], b: dict[int, Gauss]) -> dict[int, Gauss]:
    out: dict[int, Gauss] = {}
    for i, (ar, ai) in a.items():
        for j, (br, bi) in b.items():
            r, m = out.get(i + j, (Fraction(0), Fraction(0)))
            out[i + j] = (r + ar * br - ai * bi, m + ar * bi + ai * br)
    return {k: v for k, v in out.items() if v != (0, 0)}


def _content(a: Expr, b: Expr) -> Expr:
    """The positive rational gcd of two numbers (1 for symbols)."""
    if not (isinstance(a, Number) and isinstance(b, Number) and a.is_exact and b.is_exact):
        return ONE
    fa, fb = Fraction(a.value), Fraction(b.value)
    return number(Fraction(gcd(fa.numerator, fb.numerator), lcm(fa.denominator, fb.denominator)))


def _theta(args: list[Expr], var: Symbol) -> Expr | None:
    """θ with every argument an integer multiple of it: the one argument, or g·x for
    arguments c·x with rational c (g the gcd of the c's)."""
    if len(set(args)) == 1:
        return args[0]
    slopes = []
    for arg in args:
        lin = _linear(arg, var)
        if lin is None or lin[1] is not ZERO or not isinstance(lin[0], Number):
            return None
        slopes.append(lin[0])
    g = slopes[0]
    for s in slopes[1:]:
        g = _content(g, s)
    return mul(g, var)


def _linear(arg: Expr, var: Symbol) -> tuple[Expr, Expr] | None:
    return (ONE, ZERO) if arg is var else linear_coefficients(arg, var)


__all__ = ["exp_trig", "exp_trig_products"]
