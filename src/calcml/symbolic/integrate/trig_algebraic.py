"""Algebraic functions of sin x and cos x: u = sin x, cos x, tan x, cot x, sec x or csc x.

Bioche's rules (bioche.py) handle rational functions of sin and cos; this module handles roots
and fractional powers, ∫ cos³ x·√(sin x) dx, ∫ √(tan x) dx, ∫ sin x/√(1 + sin² x) dx. With
s = sin x, c = cos x, every monomial s^a·c^b of the integrand (after dividing by du/dx) is
written in u with sin² x + cos² x = 1, when the exponents allow it:

    u = sin x:  s^a·c^b = u^a·(1 − u²)^(b/2)            (b even)
    u = cos x:  s^a·c^b = u^b·(1 − u²)^(a/2)            (a even)
    u = tan x:  s^a·c^b = u^a·(1 + u²)^(−(a+b)/2)       (a + b even)
    u = cot x:  s^a·c^b = u^b·(1 + u²)^(−(a+b)/2)       (a + b even)
    u = sec x:  s^a·c^b = (u² − 1)^(a/2)·u^(−a−b)       (a even)
    u = csc x:  s^a·c^b = (u² − 1)^(b/2)·u^(−a−b)       (b even)

The first u that leaves a function of u alone, and whose integral is found, is kept; the
answer is differentiated back like every other, so a branch the identities do not cover (a
root of a negative number) cannot slip through.
"""

from __future__ import annotations

from fractions import Fraction

from calcml.core.evaluate import substitute
from calcml.core.expr import (
    Add,
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
from calcml.core.registry import COS, COSH, COT, CSC, SEC, SIN, SINH, TAN, TANH
from calcml.symbolic.integrate.base import Antiderivative, Context, bare, free_of
from calcml.symbolic.integrate.explain import substituted

#: The substitutions in the order they are tried: (u(x), du/dx in sin and cos, du/dx as shown).
_CHOICES = {
    "sin": (SIN, lambda x: COS(x), lambda x: COS(x)),
    "cos": (COS, lambda x: mul(-1, SIN(x)), lambda x: mul(-1, SIN(x))),
    "tan": (TAN, lambda x: power(COS(x), -2), lambda x: power(SEC(x), 2)),
    "cot": (COT, lambda x: mul(-1, power(SIN(x), -2)), lambda x: mul(-1, power(CSC(x), 2))),
    "sec": (SEC, lambda x: mul(SIN(x), power(COS(x), -2)), lambda x: mul(SEC(x), TAN(x))),
    "csc": (CSC, lambda x: mul(-1, COS(x), power(SIN(x), -2)),
            lambda x: mul(-1, CSC(x), COT(x))),
}  # fmt: skip

_HINT = "sin² x + cos² x = 1 writes every power of sin x and cos x that is left in u"


def trig_algebraic(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ f(sin x, cos x) dx for f with roots or fractional powers, by the first of u = sin x,
    cos x, tan x, cot x, sec x, csc x that turns it into a function of u."""
    from calcml.symbolic.integrate.substitution import to_sin_cos

    g = to_sin_cos(expr)
    if not _eligible(g, var):
        return None
    return _first_substitution(expr, g, var, ctx, _CHOICES, "sin² x + cos² x = 1",
                               "trigonometric substitution", _HINT)  # fmt: skip


def _first_substitution(expr: Expr, g: Expr, var: Symbol, ctx: Context, choices: dict,
                        identity: str, method: str, hint: str) -> Antiderivative | None:
    """The first u of `choices` (name → (u(x), du/dx in sin and cos, du/dx as shown)) that
    writes g (expr in sin and cos) as an integrable function of u."""
    for name, (u_of, du_sc, du_shown) in choices.items():
        ctx.budget.check()
        u = ctx.dummy()
        h = in_u(mul(g, power(du_sc(var), -1)), var, u, name)
        inner = None if h is None or free_of(h, u) else ctx.integrate(h, u)
        if inner is None:
            ctx.release(u)
            continue
        return substituted("substitution", expr, var, u, u_of(var), du_shown(var), h, inner,
                           details=(("identity", identity),), method=method, hint=hint)
    return None


#: The hyperbolic substitutions, written with sin and cos standing for sinh and cosh while
#: the integrand is rewritten: (u(x), du/dx in the stand-ins, du/dx as shown).
_HYPERBOLIC = {
    "sinh": (SINH, lambda x: COS(x), lambda x: COSH(x)),
    "cosh": (COSH, lambda x: SIN(x), lambda x: SINH(x)),
    "tanh": (TANH, lambda x: power(COS(x), -2), lambda x: power(COSH(x), -2)),
}  # fmt: skip
_HYP_HINT = "cosh² x − sinh² x = 1 writes every power of sinh x and cosh x that is left in u"


def hyperbolic_algebraic(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ f(sinh x, cosh x) dx for f with roots or fractional powers, by u = sinh x, cosh x or
    tanh x (cosh² x − sinh² x = 1)."""
    if not any(isinstance(n, Apply) and n.prim in (SINH, COSH, TANH) for n in expr.walk()):
        return None
    if any(isinstance(n, Apply) and n.prim in (SIN, COS, TAN, COT, SEC, CSC) for n in expr.walk()):
        return None
    stand = {n: _STAND_IN[n.prim](n.arg) for n in expr.walk()
             if isinstance(n, Apply) and n.prim in _STAND_IN}  # fmt: skip
    g = substitute(expr, stand)
    if not _eligible(g, var):
        return None
    return _first_substitution(expr, g, var, ctx, _HYPERBOLIC, "cosh² x − sinh² x = 1",
                               "hyperbolic substitution", _HYP_HINT)  # fmt: skip


_STAND_IN = {
    SINH: SIN,
    COSH: COS,
    TANH: lambda a: mul(SIN(a), power(COS(a), -1)),
}


def _eligible(g: Expr, var: Symbol) -> bool:
    """Only sin x and cos x carry x, and some power of them is not an integer (rational
    functions of sin and cos are Bioche's)."""
    trig = [n for n in g.walk() if isinstance(n, Apply) and n.prim in (SIN, COS)]
    if not trig or bare(g, var, (SIN, COS)):
        return False  # x outside sin and cos (or no sin, cos at all)
    fractional = False
    for n in g.walk():
        if isinstance(n, Apply) and n.prim in (SIN, COS) and n.arg is not var:
            return False
        if isinstance(n, Pow) and not free_of(n.base, var):
            if not (isinstance(n.exp, Number) and n.exp.is_exact):
                return False
            fractional = fractional or Fraction(n.exp.value).denominator != 1
    return fractional


def in_u(g: Expr, var: Symbol, u: Symbol, name: str) -> Expr | None:
    """g(sin x, cos x) as a function of u for the substitution `name`; None when a power of
    sin or cos is left that the identity cannot write in u (or x appears elsewhere).

    >>> from calcml import parse, symbol
    >>> x, u = symbol("x"), symbol("u")
    >>> in_u(parse("cos(x)^2*sqrt(sin(x))"), x, u, "sin").text()
    '√u·(-u² + 1)'
    >>> in_u(parse("cos(x)*sqrt(sin(x))"), x, u, "sin") is None
    True
    """
    done: dict[Expr, Expr | None] = {}
    for node in g.walk():
        done[node] = _node(node, var, u, name, done)
    return done[g]


def _node(node: Expr, var: Symbol, u: Symbol, name: str, done: dict) -> Expr | None:
    if free_of(node, var):
        return node
    mono = _exponents(node, var)
    if mono is not None:
        return _monomial(name, mono[0], mono[1], u)
    if isinstance(node, Mul):
        trig = [f for f in node.args if _exponents(f, var) is not None]
        rest = [done[f] for f in node.args if _exponents(f, var) is None]
        a = sum((_exponents(f, var)[0] for f in trig), Fraction(0))
        b = sum((_exponents(f, var)[1] for f in trig), Fraction(0))
        head = _monomial(name, a, b, u)
        return None if head is None or None in rest else mul(head, *rest)
    kids = [done[a] for a in node.args] if node.args else [None]
    if None in kids or isinstance(node, Symbol):
        return None
    if isinstance(node, Add):
        return add(*kids)
    if isinstance(node, Pow):
        return power(kids[0], node.exp) if free_of(node.exp, var) else None
    if isinstance(node, Apply):
        return node.prim(kids[0])
    return None


def _exponents(node: Expr, var: Symbol) -> tuple[Fraction, Fraction] | None:
    """(a, b) when node is sin(x)^a, cos(x)^b or their product with exact exponents."""
    if isinstance(node, Mul):
        parts = [_exponents(f, var) for f in node.args]
        if None in parts:
            return None
        return sum((p[0] for p in parts), Fraction(0)), sum((p[1] for p in parts), Fraction(0))
    base, e = (node.base, node.exp) if isinstance(node, Pow) else (node, number(1))
    if isinstance(base, Mul) and isinstance(e, Number) and e.is_exact:
        inner = _exponents(base, var)  # √(tan³ x) = (sin³ x/cos³ x)^(1/2): the answer is checked
        k = Fraction(e.value)
        return None if inner is None else (inner[0] * k, inner[1] * k)
    if (isinstance(base, Pow) and isinstance(base.exp, Number) and isinstance(e, Number)
            and isinstance(base.exp.value, int) and base.exp.value % 2):
        base, e = base.base, mul(base.exp, e)  # (1/sin x)^(9/2) = sin^(−9/2), √(tan³ x): odd
    if not (isinstance(base, Apply) and base.arg is var and base.prim in (SIN, COS)):
        return None
    if not (isinstance(e, Number) and e.is_exact):
        return None
    k = Fraction(e.value)
    return (k, Fraction(0)) if base.prim is SIN else (Fraction(0), k)


def _monomial(name: str, a: Fraction, b: Fraction, u: Symbol) -> Expr | None:
    """s^a·c^b in u by the table in the module docstring, or None."""
    def half(k: Fraction) -> Expr | None:
        return number(_as_number(k / 2)) if (k / 2).denominator == 1 else None

    one_minus, one_plus, minus_one = (add(1, mul(-1, power(u, 2))), add(1, power(u, 2)),
                                      add(power(u, 2), -1))  # fmt: skip
    if name == "sinh":
        k = half(b)
        return None if k is None else mul(power(u, _num(a)), power(one_plus, k))
    if name == "cosh":
        k = half(a)
        return None if k is None else mul(power(u, _num(b)), power(minus_one, k))
    if name == "tanh":
        k = half(-(a + b))
        return None if k is None else mul(power(u, _num(a)), power(one_minus, k))
    if name in ("sin", "cos"):
        own, other = (a, b) if name == "sin" else (b, a)
        k = half(other)
        return None if k is None else mul(power(u, _num(own)), power(one_minus, k))
    if name in ("tan", "cot"):
        k = half(-(a + b))
        own = a if name == "tan" else b
        return None if k is None else mul(power(u, _num(own)), power(one_plus, k))
    k = half(a if name == "sec" else b)
    return None if k is None else mul(power(minus_one, k), power(u, _num(-a - b)))


def _as_number(k: Fraction) -> int | Fraction:
    return int(k) if k.denominator == 1 else k


def _num(k: Fraction) -> Expr:
    return number(_as_number(k))


__all__ = ["hyperbolic_algebraic", "in_u", "trig_algebraic"]
