"""The final answer in the textbook's shape: identities that shorten it, each shown as a step.

Five rewrites, both true for every x where the answer is defined (so the answer stays the same
function, not merely another antiderivative):

- the logarithm of a power is a multiple of a logarithm, ln(x⁶)/6 = ln|x|;
- a difference of logarithms with opposite coefficients is one logarithm of a quotient,
  c·ln|A| − c·ln|B| = c·ln|A/B|, as tables write ∫ dx/(x² − a²) = ln|(x − a)/(x + a)|/(2a);
- a power of an exponential is one exponential, (eᵘ)ⁿ = e^(n·u);
- a sum with fractional coefficients inside a product or a power has its denominators pulled
  out, 2·√3·(x + 1/2)/3 = √3·(2x + 1)/3 and 1/(x + 1/2) = 2/(2x + 1);
- an odd function of a negated argument is negated, asin(−1/|x|) = −asin(1/|x|).

The rewritten answer is compared with the original at random points before it is kept.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from math import gcd, lcm

from calcml.core.evaluate import substitute
from calcml.core.expr import (
    ONE,
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
from calcml.core.registry import ABS, EXP, LOG
from calcml.symbolic.integrate.base import Antiderivative, make
from calcml.symbolic.steps import Step
from calcml.symbolic.verify import agree

#: Most sums whose logarithms are combined in one answer (each needs a rebuild of the answer).
MAX_SUMS = 8


def tidied(expr: Expr, var: Symbol, found: Antiderivative) -> Antiderivative:
    """`found` with its answer rewritten by the identities above, as one more step."""
    new, said = found.result, []
    for rewrite, identity in _REWRITES:
        done = rewrite(new)
        if done is not new and agree(new, done, var):
            new = done
            said.append(identity)
    if not said:
        return found
    step = Step("simplify", found.result, new, (), "", hint="; ".join(said))
    if not found.step.substeps:
        return make(found.step.rule, expr, var, new, (found.step, step), found.step.details,
                    found.method, found.step.hint)  # fmt: skip
    # the rewrite as the last substep: the method's own first steps stay where readers look
    return Antiderivative(new, replace(found.step, result=new,
                                       substeps=(*found.step.substeps, step)), found.method)



def _logs_combined(e: Expr) -> Expr:
    for _ in range(MAX_SUMS):
        mapping = {}
        for node in e.walk():
            if isinstance(node, Add):
                joined = _joined_sum(node)
                if joined is not None:
                    mapping[node] = joined
                    break
        if not mapping:
            return e
        e = substitute(e, mapping)
    return e


def _joined_sum(node: Add) -> Expr | None:
    """The sum with pairs c·ln|A| − c·ln|B| joined; None when it has no such pair."""
    logs = [(t, *_log_term(t)) for t in node.args]
    logs = [(t, c, a) for t, c, a in logs if a is not None]
    used: set[Expr] = set()
    joined = []
    for t, c, a in logs:
        if t in used or c.value < 0:  # type: ignore[union-attr]
            continue
        partner = next((s for s, c2, _ in logs if s not in used and s is not t
                        and c2.value == -c.value), None)  # type: ignore[union-attr]  # fmt: skip
        if partner is None:
            continue
        b = next(b for s, _, b in logs if s is partner)
        used.update((t, partner))
        joined.append(mul(c, LOG(ABS(mul(a, power(b, -1))))))
    if not used:
        return None
    return add(*(t for t in node.args if t not in used), *joined)


def _log_term(t: Expr) -> tuple[Number | None, Expr | None]:
    """(c, A) when t = c·ln|A| or c·ln(A), c a number; (None, None) otherwise."""
    c, g = (t.args[0], t.args[1]) if (isinstance(t, Mul) and len(t.args) == 2
                                      and isinstance(t.args[0], Number)) else (None, t)  # fmt: skip
    if not (isinstance(g, Apply) and g.prim is LOG):
        return None, None
    inner = g.arg.arg if isinstance(g.arg, Apply) and g.arg.prim is ABS else g.arg
    return (c if c is not None else ONE), inner


def _exponentials_joined(e: Expr) -> Expr:
    mapping = {n: EXP(mul(n.exp, n.base.arg)) for n in e.walk()
               if isinstance(n, Pow) and isinstance(n.base, Apply) and n.base.prim is EXP
               and isinstance(n.exp, Number)}  # fmt: skip
    return substitute(e, mapping) if mapping else e



def _denominators_out(e: Expr) -> Expr:
    """Products and powers of sums with fractional coefficients, written over their primitive
    sums: c·(x + 1/2) = (c/2)·(2x + 1). (A lone sum keeps its form: c·(2x + 1) is
    distributed again by the canonical product.)"""
    for _ in range(MAX_SUMS):
        node = next((n for n in e.walk() if _primitive_form(n) is not None), None)
        if node is None:
            return e
        e = substitute(e, {node: _primitive_form(node)})
    return e


def _primitive_form(node: Expr) -> Expr | None:
    if isinstance(node, Pow) and isinstance(node.exp, Number) and node.exp.is_exact:
        split = _content(node.base)
        return None if split is None else mul(power(split[0], node.exp), power(split[1], node.exp))
    if not isinstance(node, Mul) or not any(isinstance(f, Add) for f in node.args):
        return None
    out, changed = [], False
    for f in node.args:
        split = _content(f)
        out.extend(split if split is not None else (f,))
        changed = changed or split is not None
    return mul(*out) if changed else None


def _content(e: Expr) -> tuple[Expr, Expr] | None:
    """(c, P) with e = c·P, c > 0 rational and P a sum with integer coprime coefficients,
    when e is a sum with a fractional coefficient; None otherwise."""
    if not isinstance(e, Add):
        return None
    coeffs = [_coefficient(t) for t in e.args]
    if all(c.denominator == 1 for c in coeffs):
        return None
    den = lcm(*(c.denominator for c in coeffs))
    num = gcd(*(c.numerator for c in coeffs))
    c = Fraction(num, den)
    return number(c), add(*(mul(number(1 / c), t) for t in e.args))


def _coefficient(t: Expr) -> Fraction:
    if isinstance(t, Number):
        return Fraction(t.value) if t.is_exact else Fraction(1)
    if isinstance(t, Mul) and isinstance(t.args[0], Number) and t.args[0].is_exact:
        return Fraction(t.args[0].value)
    return Fraction(1)


#: Odd functions: f(−u) = −f(u).
ODD = frozenset({"sin", "tan", "cot", "csc", "asin", "atan", "acot", "acsc", "sinh", "tanh",
                 "coth", "csch", "asinh", "atanh", "acoth", "acsch", "erf"})


def _odd_signs_out(e: Expr) -> Expr:
    """f(−u) written −f(u) for odd f, where u's sign shows as a negative leading coefficient."""
    mapping = {n: mul(-1, n.prim(mul(-1, n.arg))) for n in e.walk()
               if isinstance(n, Apply) and n.prim.name in ODD and _negated(n.arg)}  # fmt: skip
    return substitute(e, mapping) if mapping else e


def _negated(u: Expr) -> bool:
    """u = −v with v's leading coefficient positive (−x, −1/|x|; for a sum, every term)."""
    terms = u.args if isinstance(u, Add) else (u,)
    return all(isinstance(t, Mul) and isinstance(t.args[0], Number) and t.args[0].value < 0
               for t in terms)  # fmt: skip


def _log_powers(e: Expr) -> Expr:
    """ln|Aⁿ| = n·ln|A| (and ln(Aⁿ) for even n): ln(x⁶)/6 is ln|x|."""
    mapping = {}
    for n in e.walk():
        if isinstance(n, Apply) and n.prim is LOG:
            inner = n.arg.arg if isinstance(n.arg, Apply) and n.arg.prim is ABS else n.arg
            if isinstance(inner, Pow) and isinstance(inner.exp, Number) and inner.exp.is_exact:
                mapping[n] = mul(inner.exp, LOG(ABS(inner.base)))
    return substitute(e, mapping) if mapping else e


_REWRITES = (
    (_log_powers, "ln|Aⁿ| = n·ln|A|"),
    (_logs_combined, "c·ln|A| − c·ln|B| = c·ln|A/B|"),
    (_exponentials_joined, "(eᵘ)ⁿ = e^(n·u)"),
    (_denominators_out, "c·(x + p/q) = (c/q)·(q·x + p)"),
    (_odd_signs_out, "f(−u) = −f(u) for odd f"),
)
