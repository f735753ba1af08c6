"""The final answer in the textbook's shape: identities that shorten it, each shown as a step.

Six rewrites, each true for every x where the answer is defined (so the answer stays the same
function, not merely another antiderivative):

- the logarithm of a power is a multiple of a logarithm, ln(x⁶)/6 = ln|x|;
- a difference of logarithms with opposite coefficients is one logarithm of a quotient,
  c·ln|A| − c·ln|B| = c·ln|A/B|, as tables write ∫ dx/(x² − a²) = ln|(x − a)/(x + a)|/(2a);
- a power of an exponential is one exponential, (eᵘ)ⁿ = e^(n·u);
- a sum with fractional coefficients inside a product or a power has its denominators pulled
  out, 2·√3·(x + 1/2)/3 = √3·(2x + 1)/3 and 1/(x + 1/2) = 2/(2x + 1);
- a polynomial answer is factored over Q when that is shorter, x³·(x + 2)⁶/3;
- an odd function of a negated argument is negated, asin(−1/|x|) = −asin(1/|x|), and an
  even one loses the sign, cos(−x) = cos(x).

The rewritten answer is compared with the original at random points before it is kept. Last,
a constant factor inside a logarithm term of the answer is dropped, ln|(3x + 2)/(3x)| →
ln|(3x + 2)/x|: that changes the answer by a constant, so it is checked by differentiating back
and said as "simplify (up to a constant)".
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
from calcml.symbolic.integrate.base import Antiderivative, make, op
from calcml.symbolic.polys import fraction, from_poly, to_poly
from calcml.symbolic.steps import Step
from calcml.symbolic.verify import agree

#: Most sums whose logarithms are combined in one answer (each needs a rebuild of the answer).
MAX_SUMS = 8


def tidied(expr: Expr, var: Symbol, found: Antiderivative) -> Antiderivative:
    """`found` with its answer rewritten by the identities above, as one more step."""
    new, said = found.result, []
    for rewrite, identity in _REWRITES:
        done = rewrite(new) if rewrite is not _factored else _factored(new, var)
        if done is not new and agree(new, done, var):
            new = done
            said.append(identity)
    if not said:
        return _constants_out_of_logs(expr, var, found)
    step = Step("simplify", found.result, new, (), "", hint="; ".join(said))
    if not found.step.substeps:
        return make(found.step.rule, expr, var, new, (found.step, step), found.step.details,
                    found.method, found.step.hint)  # fmt: skip
    # the rewrite as the last substep: the method's own first steps stay where readers look
    return _constants_out_of_logs(expr, var, _appended(found, new, step))


def _appended(found: Antiderivative, new: Expr, step: Step) -> Antiderivative:
    """`found` with `step` (old answer = new answer) as its last substep."""
    return Antiderivative(new, replace(found.step, result=new,
                                       substeps=(*found.step.substeps, step)), found.method)


def _constants_out_of_logs(expr: Expr, var: Symbol, found: Antiderivative) -> Antiderivative:
    """c·ln|k·A| as a term of the answer written c·ln|A|: another antiderivative (they differ
    by the constant c·ln|k|), as tables write ln|(x − 1)/x| rather than ln|(3x − 3)/(3x)|."""
    from calcml.symbolic.diff import diff

    old = found.result
    terms = old.args if isinstance(old, Add) else (old,)
    mapping = {}
    for t in terms:
        c, a = _log_term(t)
        if a is not None and isinstance(a, Mul) and isinstance(a.args[0], Number):
            mapping[t] = mul(c, LOG(ABS(mul(power(a.args[0], -1), a))))
    if not mapping:
        return found
    new = substitute(old, mapping)
    if not agree(diff(new, var, verify=False), expr, var):
        return found
    step = Step("simplify (up to a constant)", expr, new, (), op(var),
                hint="ln|k·A| = ln|A| + ln|k|: two antiderivatives of f differ by a constant")
    if not found.step.substeps:
        return make(found.step.rule, expr, var, new, (found.step, step), found.step.details,
                    found.method, found.step.hint)  # fmt: skip
    return _appended(found, new, step)



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
    """The sum with its logarithms of coefficients ±c joined into one, c·ln|A₁·A₂/(B₁·B₂)|;
    None when no coefficient occurs with both signs."""
    groups: dict[Fraction, list[tuple[Expr, Fraction, Expr]]] = {}
    for t in node.args:
        c, a = _log_term(t)
        if a is not None and c.is_exact:  # type: ignore[union-attr]
            value = Fraction(c.value)  # type: ignore[union-attr]
            groups.setdefault(abs(value), []).append((t, value, a))
    used: set[Expr] = set()
    joined = []
    for size, members in groups.items():
        if len({v > 0 for _, v, _ in members}) < 2:
            continue
        used.update(t for t, _, _ in members)
        quotient = mul(*(a if v > 0 else power(a, -1) for _, v, a in members))
        joined.append(mul(number(size), LOG(ABS(quotient))))
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
        if split is None:
            return None
        scale = power(split[0], node.exp)  # a root of the content only where it is rational:
        if not isinstance(scale, Number):  # √((3 − √5)/8) is not simpler as √2·√(3 − √5)/4
            return None
        return mul(scale, power(split[1], node.exp))
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


#: Even functions: f(−u) = f(u).
EVEN = frozenset({"cos", "sec", "cosh", "sech"})


def _odd_signs_out(e: Expr) -> Expr:
    """f(−u) written −f(u) for odd f and f(u) for even f, where u's sign shows as a negative
    leading coefficient."""
    mapping = {n: mul(-1 if n.prim.name in ODD else 1, n.prim(mul(-1, n.arg)))
               for n in e.walk() if isinstance(n, Apply) and n.prim.name in ODD | EVEN
               and _negated(n.arg)}  # fmt: skip
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


def _factored(e: Expr, var: Symbol) -> Expr:
    """A polynomial answer as the product of its factors over Q when that is shorter:
    x⁹/3 + 4x⁸ + … + 64x³/3 = x³·(x + 2)⁶/3."""
    p = to_poly(e, var) if e.size() > 6 else None
    if p is None or p.degree() < 3 or p.degree() > MAX_FACTOR_DEGREE:
        return e
    content, factors = p.factor()
    product = mul(number(fraction(content)), *(power(from_poly(f, var), m) for f, m in factors))
    return product if 3 * product.size() <= 2 * e.size() else e  # clearly shorter only


#: Highest degree of a polynomial answer that is factored.
MAX_FACTOR_DEGREE = 40


_REWRITES = (
    (_log_powers, "ln|Aⁿ| = n·ln|A|"),
    (_logs_combined, "c·ln|A| − c·ln|B| = c·ln|A/B|"),
    (_exponentials_joined, "(eᵘ)ⁿ = e^(n·u)"),
    (_denominators_out, "c·(x + p/q) = (c/q)·(q·x + p)"),
    (_factored, "the polynomial factored"),
    (_odd_signs_out, "f(−u) = −f(u) for odd f, f(−u) = f(u) for even f"),
)
