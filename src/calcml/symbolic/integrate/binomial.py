"""Binomial differentials ∫ x^m·(a + b·xⁿ)^p dx with rational m, n, p: Chebyshev's cases.

With u = xⁿ the integral is (1/n)·∫ u^q·(a + b·u)^p du, q = (m + 1)/n − 1. Chebyshev proved it
elementary exactly when p, q or p + q is an integer:

- q an integer ((m + 1)/n ∈ ℤ): t = (a + b·u)^(1/s), s the denominator of p, makes it rational;
- p + q an integer: u^q·(a + b·u)^p = u^(p+q)·((a + b·u)/u)^p and t = ((a + b·u)/u)^(1/s) does;
- p an integer: a rational function of x^(1/N), which the other methods already handle.

This method makes the substitution u = xⁿ and leaves t to the radical substitutions. A sum of
two powers, √(x + x^(5/2)), is first written x^(1/2)·(1 + x^(3/2))^(1/2), which holds for x ≥ 0,
where a fractional power of x is real. Only integrands with a fractional power of x (real for
x ≥ 0 only) are taken, so that u = xⁿ is one-to-one on the domain.
"""

from __future__ import annotations

from fractions import Fraction

from calcml.core.expr import Add, Expr, Mul, Number, Pow, Symbol, add, mul, number, power
from calcml.symbolic.integrate.base import Antiderivative, Context, free_of, split_constant
from calcml.symbolic.integrate.explain import substituted


def binomial(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ c·x^m·(a + b·xⁿ)^p dx in Chebyshev's integrable cases."""
    from calcml.symbolic.diff import diff

    shape = _shape(expr, var)
    if shape is None:
        return None
    c, m, a, b, n, p = shape
    q = (m + 1) / n - 1
    u = ctx.dummy()
    base = add(a, mul(b, u))
    if q.denominator == 1:
        g, case = mul(c, number(1 / n), power(u, number(q)), power(base, number(p))), "(m + 1)/n"
    elif (q + p).denominator == 1:
        g = mul(c, number(1 / n), power(u, number(q + p)),
                power(mul(base, power(u, -1)), number(p)))  # fmt: skip
        case = "(m + 1)/n + p"
    else:
        ctx.release(u)
        return None
    inner = ctx.integrate(g, u)
    if inner is None:
        ctx.release(u)
        return None
    u_of_x = power(var, number(n))
    return substituted("binomial differential", expr, var, u, u_of_x, diff(u_of_x, var),
                       g, inner, details=(("integer", case),),
                       hint=f"x^m·(a + b·xⁿ)^p with {case} an integer (Chebyshev): u = xⁿ, "
                            "then t = (a + b·u)^(1/s) or t = ((a + b·u)/u)^(1/s)")  # fmt: skip


def _shape(expr: Expr, var: Symbol):
    """(c, m, a, b, n, p) with expr = c·x^m·(a + b·xⁿ)^p, p not an integer and some power of x
    fractional; None otherwise."""
    c, rest = split_constant(expr, var)
    m, binomial_factor = Fraction(0), None
    for f in rest.args if isinstance(rest, Mul) else (rest,):
        if f is var:
            m += 1
        elif isinstance(f, Pow) and f.base is var and _rational(f.exp):
            m += Fraction(f.exp.value)
        elif isinstance(f, Pow) and isinstance(f.base, Add) and _rational(f.exp) \
                and binomial_factor is None and Fraction(f.exp.value).denominator > 1:
            binomial_factor = f
        else:
            return None
    if binomial_factor is None:
        return None
    terms = _two_powers(binomial_factor.base, var)
    if terms is None:
        return None
    (c1, e1), (c2, e2) = terms
    if all(v.denominator == 1 for v in (m, e1, e2)):
        return None  # real for x < 0 too, where u = xⁿ and x^(e1·p) do not hold
    p = Fraction(binomial_factor.exp.value)
    m, n = m + e1 * p, e2 - e1
    return (c, m, c1, c2, n, p) if n != 0 else None


def _two_powers(s: Add, var: Symbol) -> tuple[tuple[Expr, Fraction], ...] | None:
    """((c1, e1), (c2, e2)) with s = c1·x^e1 + c2·x^e2, e1 < e2, c's free of x."""
    if len(s.args) != 2:
        return None
    out = []
    for t in s.args:
        k, g = split_constant(t, var)
        if free_of(t, var):
            out.append((t, Fraction(0)))
        elif g is var:
            out.append((k, Fraction(1)))
        elif isinstance(g, Pow) and g.base is var and _rational(g.exp):
            out.append((k, Fraction(g.exp.value)))
        else:
            return None
    return tuple(sorted(out, key=lambda ce: ce[1]))


def _rational(e: Expr) -> bool:
    return isinstance(e, Number) and e.is_exact
