"""The substitution u = xᵏ for integrands x^(k−1)·g(xᵏ), tried before partial fractions.

∫ x/(x⁴ + 1) dx is atan(x²)/2 in every textbook: u = x² turns it into ∫ du/(2(u² + 1)).
Partial fractions answer it too, but over the factors x² ± √2·x + 1 of x⁴ + 1, with two
arctangents of quartic-root arguments. Whenever every power of x in x·f(x) is a multiple of
one k ≥ 2, the substitution lowers the degree k-fold, and its answer is the textbook's.
For a rational function it also pays when it only removes a factor 1/x:
∫ dx/(x·(1 + x⁵)) = ln|x| − ln|1 + x⁵|/5 rather than five partial fractions.
"""

from __future__ import annotations

from fractions import Fraction
from math import gcd

from calcml.core.evaluate import substitute
from calcml.core.expr import Apply, Expr, Number, Pow, Symbol, mul, number, power
from calcml.symbolic.integrate.base import Antiderivative, Context, free_of
from calcml.symbolic.integrate.explain import substituted

#: Largest k tried: x^(k-1)·g(x^k) with a larger k is rare, and the degree stays bounded.
MAX_POWER = 12


def power_substitution(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ x^(k−1)·g(xᵏ) dx = (1/k)·∫ g(u) du with u = xᵏ."""
    from calcml.symbolic.diff import diff

    if free_of(expr, var):
        return None
    lifted = mul(expr, var)  # x·f(x) = xᵏ·g(xᵏ): every power of x a multiple of k
    k = _common_power(lifted, var)
    if k is None:
        return None
    u = ctx.dummy()
    mapping = {node: power(u, number(Fraction(node.exp.value) / k)) for node in lifted.walk()
               if isinstance(node, Pow) and node.base is var}  # fmt: skip
    g = mul(substitute(lifted, mapping), power(mul(k, u), -1))
    if not free_of(g, var):
        ctx.release(u)
        return None
    inner = ctx.integrate(g, u)
    if inner is None:
        ctx.release(u)
        return None
    x_k = power(var, k)
    return substituted("substitution", expr, var, u, x_k, diff(x_k, var, verify=False), g, inner)


def _common_power(e: Expr, var: Symbol) -> int | None:
    """The gcd k ≥ 2 of the exponents of var in e when var only occurs as integer powers of
    itself, and either one exponent is above k (the degree drops) or e is a rational function
    (u = xᵏ then takes out the factor 1/x: ∫ dx/(x·(1 + x⁵)) = ∫ du/(5u·(1 + u))). Elsewhere
    the other substitutions say x·f(x²) as the textbook does (u = tan x², not u = x²)."""
    k, top, rational = 0, 0, True
    for node in e.walk():
        if node is var:
            continue
        if isinstance(node, Apply) or (isinstance(node, Pow) and not _integer(node.exp)):
            rational = rational and free_of(node, var)
        for child in node.args:
            if child is not var:
                continue
            if not (isinstance(node, Pow) and isinstance(node.exp, Number)
                    and isinstance(node.exp.value, int)):  # fmt: skip
                return None
            k = gcd(k, node.exp.value)
            top = max(top, abs(node.exp.value))
    if e is var or k < 2 or k > MAX_POWER or top < k or (top == k and not rational):
        return None  # top = k: only a factor x removed, worth it for rational functions only
    return k


def _integer(e: Expr) -> bool:
    return isinstance(e, Number) and isinstance(e.value, int)
