"""Powers and products of trigonometric and hyperbolic functions of x.

The integrand is normalized to c·sin^m·cos^n (tan, cot, sec, csc rewritten), or to
c·sinh^m·cosh^n (tanh likewise). An odd power gives a substitution (u = cos x or u = sin x) that
leaves a rational function of u; with both powers even, the Pythagorean identity turns it into a
sum of single powers, each integrated by its reduction formula. Arguments a·x+b reach here through
the linear substitution.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb

from calcml.core.evaluate import substitute
from calcml.core.expr import Apply, Expr, Mul, Number, Pow, Symbol, add, mul, number, power
from calcml.core.registry import ABS, COS, COSH, COT, CSC, LOG, SEC, SIN, SINH, TAN, TANH
from calcml.symbolic.integrate.base import Antiderivative, Context, free_of, split_constant
from calcml.symbolic.integrate.explain import plain, rewritten, substituted, without_atan_tan

#: Highest power the reduction formulas unroll.
MAX_TRIG_POWER = 40

# name -> (family, sin-like exponent, cos-like exponent)
_NORMAL = {
    "sin": ("trig", 1, 0), "cos": ("trig", 0, 1), "tan": ("trig", 1, -1),
    "cot": ("trig", -1, 1), "sec": ("trig", 0, -1), "csc": ("trig", -1, 0),
    "sinh": ("hyp", 1, 0), "cosh": ("hyp", 0, 1), "tanh": ("hyp", 1, -1),
    "coth": ("hyp", -1, 1), "sech": ("hyp", 0, -1), "csch": ("hyp", -1, 0),
}  # fmt: skip


def _powers(expr: Expr, var: Symbol) -> tuple[Expr, str, int, int] | None:
    """`(c, family, m, n)` with expr = c·s(x)^m·c(x)^n; None if it has another shape."""
    c, g = split_constant(expr, var)
    family, m, n = None, 0, 0
    for f in g.args if isinstance(g, Mul) else (g,):
        base, k = (f.base, f.exp) if isinstance(f, Pow) else (f, number(1))
        if not (isinstance(k, Number) and isinstance(k.value, int) and isinstance(base, Apply)):
            return None
        if base.arg is not var or base.prim.name not in _NORMAL:
            return None
        fam, dm, dn = _NORMAL[base.prim.name]
        if family not in (None, fam):
            return None
        family, m, n = fam, m + dm * k.value, n + dn * k.value
    if family is None or max(abs(m), abs(n)) > MAX_TRIG_POWER:
        return None
    return c, family, m, n


def trig_powers(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ sin^m·cos^n dx and ∫ sinh^m·cosh^n dx for integers m, n."""
    shape = _powers(expr, var)
    if shape is None:
        return None
    c, family, m, n = shape
    if (m, n) in ((1, 0), (0, 1)) and family == "trig":
        return _sin_or_cos(expr, var, ctx, c, m)  # the table has these
    s, co = (SIN, COS) if family == "trig" else (SINH, COSH)
    if family == "trig" and min(m, n) < 0 == max(m, n) and (m + n) % 2:
        which, k = ("c", n) if m == 0 else ("s", m)
        result = mul(c, _trig_single(which, k, var))
        return plain("reduction formula", expr, var, result, (), _REDUCTION["trig<0"],
                     "trigonometric powers")  # fmt: skip
    if (m, n) in ((2, 0), (0, 2)):
        return _squared(expr, var, ctx, c, family, m)
    if m % 2 or n % 2:
        return _odd_power(expr, var, ctx, c, family, m, n)
    if m < 0 and n < 0:
        sign = 1 if family == "trig" else -1  # sin² + cos² = 1, cosh² − sinh² = 1
        split = add(mul(sign, power(s(var), m + 2), power(co(var), n)),
                    mul(power(s(var), m), power(co(var), n + 2)))  # fmt: skip
        inner = ctx.integrate(mul(c, split), var)
        if inner is None:
            return None
        identity = "sin² x + cos² x = 1" if family == "trig" else "cosh² x − sinh² x = 1"
        return rewritten("trigonometric identity", expr, var, mul(c, split), inner,
                         (("identity", identity),), identity, "trigonometric powers")
    result = mul(c, _even_powers(family, m, n, var))
    return plain("reduction formula", expr, var, result, (), _REDUCTION[family],
                 "trigonometric powers")  # fmt: skip


def _sin_or_cos(expr: Expr, var: Symbol, ctx: Context, c: Expr, m: int) -> Antiderivative | None:
    """1/sec x = cos x, 1/csc x = sin x (the table has sin and cos themselves)."""
    new = mul(c, SIN(var) if m else COS(var))
    if new is expr:
        return None
    inner = ctx.integrate(new, var)
    if inner is None:
        return None
    return rewritten("trigonometric identity", expr, var, new, inner, (), "sec x = 1/cos x, "
                     "csc x = 1/sin x", "trigonometric powers")  # fmt: skip


_REDUCTION = {
    "trig": "∫ sinⁿ x dx = −sinⁿ⁻¹ x·cos x/n + (n − 1)/n·∫ sinⁿ⁻² x dx, "
            "∫ cosⁿ x dx = cosⁿ⁻¹ x·sin x/n + (n − 1)/n·∫ cosⁿ⁻² x dx, with sin² x + cos² x = 1",
    "hyp": "∫ coshⁿ x dx = coshⁿ⁻¹ x·sinh x/n + (n − 1)/n·∫ coshⁿ⁻² x dx, with "
           "cosh² x − sinh² x = 1",
    "trig<0": "∫ secⁿ x dx = secⁿ⁻² x·tan x/(n − 1) + (n − 2)/(n − 1)·∫ secⁿ⁻² x dx, "
              "∫ sec x dx = ln|sec x + tan x|",
}  # fmt: skip

_HALF_ANGLE = {
    ("trig", 2): ("sin² x = (1 − cos 2x)/2", -1),
    ("trig", 0): ("cos² x = (1 + cos 2x)/2", 1),
    ("hyp", 2): ("sinh² x = (cosh 2x − 1)/2", -1),
    ("hyp", 0): ("cosh² x = (cosh 2x + 1)/2", 1),
}


def _squared(expr: Expr, var: Symbol, ctx: Context, c: Expr, family: str,
             m: int) -> Antiderivative | None:  # fmt: skip
    """sin² x = (1 − cos 2x)/2 and its kin written out as an identity, then integrated."""
    identity, sign = _HALF_ANGLE[(family, m)]
    double = (COS if family == "trig" else COSH)(mul(2, var))
    if family == "hyp":
        new = mul(c, Fraction(1, 2), add(double, sign))
    else:
        new = mul(c, Fraction(1, 2), add(1, mul(sign, double)))
    inner = ctx.integrate(new, var)
    if inner is None:
        return None
    return rewritten("trigonometric identity", expr, var, new, inner, (("identity", identity),),
                     identity, "trigonometric powers")  # fmt: skip


def _odd_power(expr, var, ctx, c, family, m, n) -> Antiderivative | None:
    """Odd power of sin: u = cos x (sin² = 1 − u²); odd power of cos: u = sin x."""
    u = ctx.dummy()
    # cot³ x = cos³ x/sin³ x: u = sin x leaves (1 − u²)/u³, no partial fractions
    m_odd = bool(m % 2) and not (n % 2 and m < 0 < n)
    if family == "trig":
        if m_odd:
            g = mul(-1, power(add(1, mul(-1, power(u, 2))), (m - 1) // 2), power(u, n))
            u_x, du = COS(var), mul(-1, SIN(var))
        else:
            g = mul(power(add(1, mul(-1, power(u, 2))), (n - 1) // 2), power(u, m))
            u_x, du = SIN(var), COS(var)
    elif m_odd:
        g = mul(power(add(power(u, 2), -1), (m - 1) // 2), power(u, n))
        u_x, du = COSH(var), SINH(var)
    else:
        g = mul(power(add(power(u, 2), 1), (n - 1) // 2), power(u, m))
        u_x, du = SINH(var), COSH(var)
    inner = ctx.integrate(g, u)
    if inner is None:
        return None
    identity = {("trig", True): "sin² x = 1 − cos² x", ("trig", False): "cos² x = 1 − sin² x",
                ("hyp", True): "sinh² x = cosh² x − 1", ("hyp", False): "cosh² x = 1 + sinh² x"}
    return substituted("substitution", expr, var, u, u_x, du, g, inner, scale=c,
                       details=(("identity", identity[(family, m_odd)]),),
                       method="trigonometric powers")  # fmt: skip


def _even_powers(family: str, m: int, n: int, var: Symbol) -> Expr:
    """Both powers even: expand with the Pythagorean identity into single powers."""
    if n < 0 <= m or (m >= 0 and n >= 0):
        # sin^m = (1 − cos²)^(m/2);  sinh^m = (cosh² − 1)^(m/2)
        terms = []
        for j in range(m // 2 + 1):
            sign = (-1) ** j if family == "trig" else (-1) ** (m // 2 - j)
            terms.append(mul(comb(m // 2, j) * sign, _single(family, "c", n + 2 * j, var)))
        return add(*terms)
    terms = []
    for j in range(n // 2 + 1):  # cos^n = (1 − sin²)^(n/2);  cosh^n = (1 + sinh²)^(n/2)
        sign = (-1) ** j if family == "trig" else 1
        terms.append(mul(comb(n // 2, j) * sign, _single(family, "s", m + 2 * j, var)))
    return add(*terms)


def _single(family: str, which: str, k: int, x: Symbol) -> Expr:
    """∫ f(x)^k dx by its reduction formula, unrolled (k even)."""
    if family == "trig":
        return _trig_single(which, k, x)
    return _hyp_single(which, k, x)


def _trig_single(which: str, k: int, x: Symbol) -> Expr:
    s, c = SIN(x), COS(x)
    if k >= 0:  # ∫cos^k = cos^(k-1)·sin/k + (k-1)/k ∫cos^(k-2)   (sin: signs flip)
        head, tail, sign = (c, s, 1) if which == "c" else (s, c, -1)
        return _unroll(k, x, lambda j: mul(sign, power(head, j - 1), tail, Fraction(1, j)),
                       lambda j: Fraction(j - 1, j), base1=mul(sign, tail))  # fmt: skip
    p = -k  # ∫sec^p = sec^(p-2)·tan/(p-1) + (p-2)/(p-1) ∫sec^(p-2); csc likewise
    head, tail, sign = (SEC(x), TAN(x), 1) if which == "c" else (CSC(x), COT(x), -1)
    base1 = mul(sign, LOG(ABS(add(head, tail))))
    return _unroll(p, x, lambda j: mul(sign, power(head, j - 2), tail, Fraction(1, j - 1)),
                   lambda j: Fraction(j - 2, j - 1), base1=base1)  # fmt: skip


def _hyp_single(which: str, k: int, x: Symbol) -> Expr:
    s, c = SINH(x), COSH(x)
    if k >= 0:  # ∫cosh^k = cosh^(k-1)·sinh/k + (k-1)/k ∫cosh^(k-2); sinh: − (k-1)/k
        head, tail, sign = (c, s, 1) if which == "c" else (s, c, -1)
        return _unroll(k, x, lambda j: mul(power(head, j - 1), tail, Fraction(1, j)),
                       lambda j: sign * Fraction(j - 1, j))  # fmt: skip
    p = -k  # ∫cosh^-p = sinh·cosh^(1-p)/(p-1) + (p-2)/(p-1) ∫cosh^(2-p); sinh: both terms −
    head, tail, sign = (c, s, 1) if which == "c" else (s, c, -1)
    if p == 2:
        return TANH(x) if which == "c" else mul(-1, c, power(s, -1))
    return _unroll(p, x, lambda j: mul(sign, tail, power(head, 1 - j), Fraction(1, j - 1)),
                   lambda j: sign * Fraction(j - 2, j - 1), base2=TANH(x) if which == "c"
                   else mul(-1, c, power(s, -1)))  # fmt: skip


def _unroll(k: int, x: Symbol, head, ratio, base2: Expr | None = None,
            base1: Expr | None = None) -> Expr:  # fmt: skip
    """Σ of reduction-formula heads from k down (then ∫ f^0 = x, base2 at 2 or base1 at 1)."""
    terms, scale = [], Fraction(1)
    j = k
    while j > 1 and not (base2 is not None and j == 2):
        terms.append(mul(scale, head(j)))
        scale *= ratio(j)
        j -= 2
    last = {0: x, 1: base1, 2: base2}[j]
    assert last is not None
    terms.append(mul(scale, last))
    return add(*terms)


def trig_products(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """sin(A)·cos(B), sin(A)·sin(B), cos(A)·cos(B) with A ≠ B: product-to-sum."""
    c, g = split_constant(expr, var)
    if not isinstance(g, Mul) or len(g.args) != 2:
        return None
    f1, f2 = g.args
    if not all(isinstance(f, Apply) and f.prim in (SIN, COS) for f in (f1, f2)):
        return None
    if f1.arg is f2.arg or free_of(f1.arg, var) or free_of(f2.arg, var):
        return None
    if f1.prim is COS and f2.prim is SIN:
        f1, f2 = f2, f1
    a, b = f1.arg, f2.arg
    diff_, total = add(a, mul(-1, b)), add(a, b)
    half = Fraction(1, 2)
    if f1.prim is SIN and f2.prim is COS:
        sum_ = mul(half, add(SIN(total), SIN(diff_)))
    elif f1.prim is SIN:
        sum_ = mul(half, add(COS(diff_), mul(-1, COS(total))))
    else:
        sum_ = mul(half, add(COS(diff_), COS(total)))
    inner = ctx.integrate(mul(c, sum_), var)
    if inner is None:
        return None
    return rewritten("product to sum", expr, var, mul(c, sum_), inner,
                     hint="sin A·cos B = (sin(A + B) + sin(A − B))/2, sin A·sin B = "
                          "(cos(A − B) − cos(A + B))/2, cos A·cos B = (cos(A − B) + cos(A + B))/2",
                     method="trigonometric products")  # fmt: skip



def half_angle(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """Weierstrass: t = tan(x/2) turns a rational function of sin x and cos x rational in t.

    Tried right after Bioche's rules (bioche.py), which give shorter answers when they apply,
    and only for quotients."""
    from calcml.symbolic.integrate.substitution import to_sin_cos
    from calcml.symbolic.polys import from_rational, to_rational

    g = to_sin_cos(expr)
    trig = [n for n in g.walk() if isinstance(n, Apply) and not free_of(n, var)]
    if not trig:
        return None
    if any(n.prim not in (SIN, COS) or n.arg is not var for n in trig):
        g = _multiple_angles(g, var)  # sin 2x = 2 sin x cos x, ...
        if g is None:
            return None
    if not any(isinstance(n, Pow) and not free_of(n.base, var) and isinstance(n.exp, Number)
               and n.exp.value < 0 for n in g.walk()):  # fmt: skip
        return None  # a polynomial in sin x and cos x: the power and product rules are shorter
    t = ctx.dummy("tuvw")
    one_t2 = power(add(1, power(t, 2)), -1)
    mapping = {SIN(var): mul(2, t, one_t2), COS(var): mul(add(1, mul(-1, power(t, 2))), one_t2)}
    h = mul(substitute(g, mapping), 2, one_t2)
    pq = None if not free_of(h, var) else to_rational(h, t)
    if pq is None:
        return None
    h = from_rational(*pq, t)
    found = ctx.integrate(h, t)
    if found is None:
        return None
    u = TAN(mul(Fraction(1, 2), var))
    du = mul(Fraction(1, 2), power(SEC(mul(Fraction(1, 2), var)), 2))
    done = substituted("Weierstrass substitution", expr, var, t, u, du, h, found,
                       details=(("sin x", mapping[SIN(var)]), ("cos x", mapping[COS(var)])),
                       hint=_WEIERSTRASS)  # fmt: skip
    return without_atan_tan(done, expr, var)


def _multiple_angles(g: Expr, var: Symbol) -> Expr | None:
    """g with sin kx, cos kx written in sin x and cos x; None if g is not rational in them."""
    from calcml.symbolic.integrate.bioche import in_sin_cos, one_scaled_angle, to_frac

    frac = None if one_scaled_angle(g, var) else to_frac(g, var)
    return None if frac is None else in_sin_cos(frac, var)


_WEIERSTRASS = ("Weierstrass substitution t = tan(x/2), dx = 2 dt/(1 + t²): sin x = 2t/(1 + t²), "
                "cos x = (1 − t²)/(1 + t²), so any rational function of sin x and cos x becomes "
                "a rational function of t")  # fmt: skip
