"""∫ sinhᵐ x·coshⁿ x dx with fractional m or n: the substitution the parities choose.

The integer case is trig.py's (reduction formulas); here one exponent is a fraction, and the
hyperbolic analogue of Bioche's rules picks the substitution:

- m an odd integer: u = cosh x, du = sinh x dx, sinh² x = u² − 1;
- n an odd integer: u = sinh x, du = cosh x dx, cosh² x = 1 + u²;
- m + n an even integer: u = tanh x, dx = du/(1 − u²), as sinhᵐ·coshⁿ = tanhᵐ·cosh^(m+n) and
  cosh² x = 1/(1 − tanh² x).

Each leaves an algebraic integrand in u (a binomial differential or a rational function of a
root of u) for the rest of the search: ∫ sinh³ x/cosh^(3/2) x dx, ∫ √(tanh x) dx,
∫ cosh^(2/3) x/sinh^(8/3) x dx.
"""

from __future__ import annotations

from fractions import Fraction

from calcml.core.expr import Apply, Expr, Mul, Number, Pow, Symbol, add, mul, number, power
from calcml.core.registry import COSH, SINH, TANH
from calcml.symbolic.integrate.base import Antiderivative, Context, split_constant
from calcml.symbolic.integrate.explain import substituted

# name -> (sinh exponent, cosh exponent)
_NORMAL = {"sinh": (1, 0), "cosh": (0, 1), "tanh": (1, -1), "coth": (-1, 1),
           "sech": (0, -1), "csch": (-1, 0)}  # fmt: skip

#: Largest |exponent| handled (the binomial left in u grows with it).
MAX_POWER = 12


def hyperbolic_powers(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ c·sinhᵐ x·coshⁿ x dx, m or n a fraction, by u = cosh x, sinh x or tanh x."""
    shape = _powers(expr, var)
    if shape is None:
        return None
    c, m, n = shape
    if m.denominator == 1 and n.denominator == 1:
        return None  # trig.py's reduction formulas
    u = ctx.dummy()
    if m.denominator == 1 and m.numerator % 2:
        g = mul(power(add(power(u, 2), -1), number((m - 1) / 2)), power(u, number(n)))
        u_x, du, identity = COSH(var), SINH(var), "sinh² x = cosh² x − 1"
    elif n.denominator == 1 and n.numerator % 2:
        g = mul(power(add(power(u, 2), 1), number((n - 1) / 2)), power(u, number(m)))
        u_x, du, identity = SINH(var), COSH(var), "cosh² x = 1 + sinh² x"
    elif (m + n).denominator == 1 and (m + n).numerator % 2 == 0:
        k = -(m + n) / 2 - 1
        g = mul(power(u, number(m)), power(add(1, mul(-1, power(u, 2))), number(k)))
        u_x, du = TANH(var), power(COSH(var), -2)
        identity = "cosh² x = 1/(1 − tanh² x)"
    else:
        ctx.release(u)
        return None
    inner = ctx.integrate(g, u)
    if inner is None:
        ctx.release(u)
        return None
    return substituted("substitution", expr, var, u, u_x, du, g, inner, scale=c,
                       details=(("identity", identity),), method="hyperbolic powers",
                       hint=_HINT)  # fmt: skip


_HINT = ("hyperbolic Bioche's rules: an odd power of sinh x gives u = cosh x, an odd power of "
         "cosh x gives u = sinh x, an even total power gives u = tanh x")  # fmt: skip


def _powers(expr: Expr, var: Symbol) -> tuple[Expr, Fraction, Fraction] | None:
    """(c, m, n) with expr = c·sinhᵐ x·coshⁿ x; None for any other shape."""
    c, g = split_constant(expr, var)
    m, n = Fraction(0), Fraction(0)
    for f in g.args if isinstance(g, Mul) else (g,):
        found = function_power(f, var)
        if found is None or found[0] not in _NORMAL:
            return None
        dm, dn = _NORMAL[found[0]]
        m, n = m + dm * found[1], n + dn * found[1]
    if max(abs(m), abs(n)) > MAX_POWER or (m == 0 and n == 0):
        return None
    return c, m, n


def function_power(f: Expr, var: Symbol) -> tuple[str, Fraction] | None:
    """(name, k) when f = g(x)ᵏ for a function g of x itself, k a number; a power of a
    reciprocal, (1/sinh x)^(7/2), counts as sinh^(−7/2) x (both defined where sinh x > 0)."""
    k = Fraction(1)
    while isinstance(f, Pow):
        if not (isinstance(f.exp, Number) and isinstance(f.exp.value, int | Fraction)):
            return None
        k *= Fraction(f.exp.value)
        f = f.base
        if isinstance(f, Pow) and not (isinstance(f.exp, Number) and f.exp.value in (1, -1)):
            return None  # (g²)^(1/2) = |g|: only reciprocals are unwrapped
    if not (isinstance(f, Apply) and f.arg is var):
        return None
    return f.prim.name, k


__all__ = ["function_power", "hyperbolic_powers"]
