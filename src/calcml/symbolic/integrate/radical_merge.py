"""Products of square roots: √A·√(A·B) = A·√B, and (A·B)^r written A^r·B^r where it must be.

Both keep an answer right wherever the integrand is real, including where A and B are both
negative: there √A·√B = −√(A·B) in complex arithmetic, while √A·√(A·B) = A·√B still holds.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import pairwise

from calcml.core.evaluate import substitute
from calcml.core.expr import Add, Apply, Expr, Mul, Number, Pow, Symbol, mul, power
from calcml.core.registry import ABS, ATAN, LOG
from calcml.symbolic.integrate.base import Antiderivative, Context, free_of, make
from calcml.symbolic.integrate.explain import rewritten
from calcml.symbolic.polys import fraction, from_poly, sqrt_rational, to_poly
from calcml.symbolic.simplify import expand
from calcml.symbolic.steps import Step


def common_factor_radicals(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """A^e·(A·B)^e = A^(2e)·B^e for e = k/2: 1/(√(x + 1)·√(1 − x²)) = 1/((x + 1)·√(1 − x)),
    √(2 + 4x²)·√(3 + 6x²) = √6·(1 + 2x²). With √A = i·√|A| for A < 0 the rule holds at
    every x where the left side is real."""
    groups: dict[Expr, list[Pow]] = {}
    others: list[Expr] = []
    for f in expr.args if isinstance(expr, Mul) else (expr,):
        half = (isinstance(f, Pow) and isinstance(f.exp, Number) and f.exp.is_exact
                and Fraction(f.exp.value).denominator == 2 and not free_of(f.base, var))
        (groups.setdefault(f.exp, []) if half else others).append(f)
    new_factors, changed = list(others), False
    for e, fs in groups.items():
        merged = _merge(fs, e, var)
        changed |= merged is not None
        new_factors.extend(fs if merged is None else merged)
    if not changed:
        return None
    new = mul(*new_factors)
    inner = ctx.integrate(new, var)
    if inner is None:
        return None
    return rewritten("combine radicals", expr, var, new, inner, hint=_HINT, method=inner.method)


_HINT = "√A·√(A·B) = A·√B wherever the left side is real"


def _merge(fs: list[Pow], e: Expr, var: Symbol) -> list[Expr] | None:
    """The first pair A^e, (A·B)^e of fs replaced by A^(2e)·B^e; None when no base divides
    another."""
    polys = [to_poly(f.base, var) for f in fs]
    for i, a in enumerate(polys):
        for j, c in enumerate(polys):
            if i == j or a is None or c is None or a.degree() < 1:
                continue
            b, rem = divmod(c, a)
            if rem.is_zero() and not (b.degree() == 0 and b[0] < 0):  # √A·√(−A): never real
                rest = [f for k, f in enumerate(fs) if k not in (i, j)]
                return [*rest, power(fs[i].base, mul(2, e)), _power_of(b, e, var)]
    return None


def _power_of(b, e: Number, var: Symbol) -> Expr:
    """b^e, with a constant b's square root in lowest terms (√(3/2) = √6/2)."""
    if b.degree() > 0:
        return power(from_poly(b, var), e)
    k = int(Fraction(e.value) * 2)
    return power(sqrt_rational(fraction(b[0])), k)


def split_back(found: Antiderivative, expr: Expr, var: Symbol,
                merged: dict[Expr, list[Expr]]) -> Antiderivative:  # fmt: skip
    """(A·B)^r in the answer written A^r·B^r again, as a last step, where it must be.

    Where A and B are both negative the integrand is real too (√A·√B = −√(A·B) there), and
    only the split form stays an antiderivative on that side. The answer is an algebraic
    function of s = (A·B)^r with s² known, plus logarithms of such: replacing s by A^r·B^r,
    which has the same square, keeps d/dx F = f on both sides. Answers with other functions
    of s (asin of s, say) are declined."""
    if not any(Fraction(e.value).denominator % 2 == 0 and _all_negative_somewhere(fs, var)
               for e, fs in merged.items()):  # fmt: skip
        return found  # √A·√B = √(A·B) wherever the integrand is real
    mapping: dict[Expr, Expr] = {}
    for e, fs in merged.items():
        whole = expand(mul(*(f.base for f in fs)))
        for node in found.result.walk():
            if isinstance(node, Pow) and node.base is whole and isinstance(node.exp, Number) \
                    and Fraction(node.exp.value).denominator == Fraction(e.value).denominator:
                mapping[node] = mul(*(power(f.base, node.exp) for f in fs))
    if not mapping or not _only_logs_of(found.result, set(mapping)):
        return None
    split = substitute(found.result, mapping)
    tidy = Step("split the radicals", found.result, split, (), "",
                hint="√(A·B) = √A·√B for A, B ≥ 0")  # fmt: skip
    return make(found.step.rule, expr, var, split, (found.step, tidy), found.step.details,
                found.method, found.step.hint)  # fmt: skip


def _only_logs_of(result: Expr, radicals: set[Expr]) -> bool:
    """Is every function applied to one of `radicals` a logarithm, |·| or an arctangent, whose
    derivatives are rational in their argument?"""

    for node in result.walk():
        if isinstance(node, Apply) and node.prim not in (LOG, ABS, ATAN) \
                and any(r in radicals for r in node.arg.walk()):
            return False
    return True


def _all_negative_somewhere(factors: list[Expr], var: Symbol) -> bool:
    """Are the bases of `factors` all negative at some x (there √A·√B = −√(A·B))? Tested at
    the midpoints between their real roots and beyond them; True when undecided."""
    polys = [to_poly(f.base, var) for f in factors]
    if any(p is None for p in polys):
        return True
    zs = (complex(z) for p in polys for z, _ in p.complex_roots())
    roots = sorted(z.real for z in zs if abs(z.imag) < 1e-12)
    if not roots:
        points = [0.0]
    else:
        points = [roots[0] - 1, roots[-1] + 1]
        points += [(a + b) / 2 for a, b in pairwise(roots)]
    return any(all(float(p(fq(x))) < 0 for p in polys) for x in points)


def fq(x: float):
    from flint import fmpq

    f = Fraction(x).limit_denominator(10**9)
    return fmpq(f.numerator, f.denominator)


def expand_root_powers(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """(√A + √B)ⁿ multiplied out first, as a teacher does: (√(1 + x) + √(1 − x))²/x becomes
    2/x + 2·√(1 + x)·√(1 − x)/x, two integrals with textbook answers. Only a power that is a
    factor of the integrand: one inside a denominator is the conjugate method's."""
    factors = expr.args if isinstance(expr, Mul) else (expr,)
    if not any(_root_sum_power(f, var) for f in factors):
        return None
    new = expand(expr)
    if new is expr:
        return None
    inner = ctx.integrate(new, var)
    if inner is None:
        return None
    return rewritten("expand", expr, var, new, inner,
                     hint="multiply out, then integrate term by term", method=inner.method)


def _root_sum_power(node: Expr, var: Symbol) -> bool:
    """A positive integer power of a sum with a square root of something in var as a term."""
    if not (isinstance(node, Pow) and isinstance(node.exp, Number)
            and isinstance(node.exp.value, int) and 1 < node.exp.value <= 4
            and isinstance(node.base, Add)):  # fmt: skip
        return False
    return any(isinstance(t, Pow) and isinstance(t.exp, Number) and t.base.has(var)
               and Fraction(t.exp.value).denominator == 2 for t in node.base.args)  # fmt: skip
