"""∫ √(c + √(c² + e·x²)) dx = 2x·(√(c² + e·x²) + 2c)/(3·√(c + √(c² + e·x²))).

With s = √(c² + e·x²), s′ = e·x/s and e·x² = s² − c² = (s − c)(s + c). For
F = 2x·(s + 2c)/(3·√(c + s)):
F′ = (2/3)·[(s + 2c)/√(c + s) + x·s′/√(c + s) − x·(s + 2c)·s′/(2·(c + s)^(3/2))], and putting
x·s′ = (s² − c²)/s over the common denominator 2s·(c + s)^(3/2) leaves √(c + s). The nested root
is why no substitution of the other methods reaches it: u = √(c² + e·x²) needs x = ±√(…), and
this closed form is the one odd antiderivative that serves both signs of x.
"""

from __future__ import annotations

from fractions import Fraction

from calcml.core.expr import HALF, Add, Expr, Number, Pow, Symbol, add, mul, number, power
from calcml.symbolic.integrate.base import Antiderivative, Context, split_constant
from calcml.symbolic.integrate.explain import plain
from calcml.symbolic.polys import fraction, to_poly


def nested_root(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ k·√(c + √(c² + e·x²)) dx for rational c ≠ 0 and e."""
    k, rest = split_constant(expr, var)
    if not (isinstance(rest, Pow) and rest.exp is HALF and isinstance(rest.base, Add)):
        return None
    consts = [t for t in rest.base.args if isinstance(t, Number)]
    roots = [t for t in rest.base.args if isinstance(t, Pow) and t.exp is HALF]
    if len(consts) != 1 or len(roots) != 1 or len(rest.base.args) != 2:
        return None
    c = Fraction(consts[0].value)
    q = to_poly(roots[0].base, var)
    if c == 0 or q is None or q.degree() != 2 or q[1] != 0 or fraction(q[0]) != c * c:
        return None
    s = roots[0]
    result = mul(k, number(Fraction(2, 3)), var, add(s, number(2 * c)), power(rest, -1))
    return plain("table of integrals", expr, var, result, (("s", s),),
                 "∫ √(c + s) dx = 2x·(s + 2c)/(3·√(c + s)) for s = √(c² + e·x²)")  # fmt: skip
