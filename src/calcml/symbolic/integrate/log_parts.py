"""Integration by parts for ln g and atan g with g algebraic: ∫ v′·ln(A + B·√R) dx.

With u = ln g, du = g′/g dx has the roots of g in its denominator, where no radical method can
use them. Multiplying by the conjugates (A − B·√R for one root; one root at a time for more)
puts them in the numerator:

    g′/g = g′·(A − B·√R)/(A² − B²·R) = r₀ + r₁·√R,

rational functions r₀, r₁, which the rational and radical methods integrate after v is
multiplied in: ∫ x·ln(4x − 1 + 4·√(x² − x)) dx. The same holds for u = atan g, du = g′/(1 + g²):
atan(√x − √(x + 1)) has du = dx/(4·√x·(x + 1)). The arithmetic is `root_field`'s.
"""

from __future__ import annotations

from fractions import Fraction

from calcml.core.expr import ONE, Add, Apply, Expr, Mul, Pow, Symbol, add, mul, power
from calcml.symbolic.integrate.base import Antiderivative, Context, op, split_constant
from calcml.symbolic.integrate.explain import constant_multiple
from calcml.symbolic.integrate.root_field import Element, RootField
from calcml.symbolic.polys import from_poly, from_rational, to_poly, to_rational
from calcml.symbolic.steps import Step

_KINDS = {"log": "ln g: du = g′/g dx", "atan": "atan g: du = g′/(1 + g²) dx"}
_HALF = Fraction(1, 2)


def log_algebraic_parts(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ w·F(g) dx = v·F(g) − ∫ v·(r₀ + Σ rᵢ·√Rᵢ) dx with F = ln or atan and v = ∫ w dx."""
    from calcml.symbolic.diff import diff

    c, f = split_constant(expr, var)
    split = _inverse_factor(f, var)
    if split is None:
        return None
    u, w = split
    field = RootField.of(u.arg, var)
    du_el = None if field is None else _du(field, u, diff(u.arg, var, verify=False))
    if du_el is None:
        return None
    v_found = ctx.integrate(w, var)
    if v_found is None:
        return None
    v = v_found.result
    du_clean = field.to_expr(du_el)
    nxt = _split_roots(mul(v, du_clean), var)
    if nxt is None:
        return None
    rest = ctx.integrate(nxt, var, frozenset({"integration by parts"}))
    if rest is None:
        return None
    du_raw = diff(u, var, verify=False)
    return _assemble(var, c, f, u, w, v_found, du_raw, du_clean, rest)


def _inverse_factor(f: Expr, var: Symbol) -> tuple[Apply, Expr] | None:
    """(F(g), w) where f = w·F(g), F = ln or atan, g holding a square root of a polynomial."""
    fs = f.args if isinstance(f, Mul) else (f,)
    found = [g for g in fs if isinstance(g, Apply) and g.prim.name in _KINDS]
    if len(found) != 1 or not _has_root(found[0].arg, var):
        return None
    w = mul(*(g for g in fs if g is not found[0]))
    if any(isinstance(n, Apply) and n.prim.name in _KINDS for n in w.walk()):
        return None
    return found[0], w


def _has_root(g: Expr, var: Symbol) -> bool:
    return any(isinstance(n, Pow) and n.base.has(var) and not _integer(n.exp)
               for n in g.walk())  # fmt: skip


def _integer(e: Expr) -> bool:
    return getattr(e, "is_exact", False) and Fraction(e.value).denominator == 1


def _du(field: RootField, u: Apply, dg: Expr) -> Element | None:
    """du/dx in the field: g′/g for ln g, g′/(1 + g²) for atan g."""
    g, d = field.element(u.arg), field.element(dg)
    if g is None or d is None:
        return None
    if u.prim.name == "atan":
        square = field.mul(g, g)
        g = None if square is None else field.add(field.element(ONE) or {}, square)
    inv = None if g is None else field.inverse(g)
    return None if inv is None else field.mul(d, inv)


def _split_roots(product: Expr, var: Symbol) -> Expr | None:
    """v·du as Σ r·Π√R, each term with one root written (r·R)/√R, √L·√R (L linear, L | R)
    written L·√(R/L) and √A·√B as √(A·B): the left sides are real only where the radicands
    are ≥ 0, and equal to the right there (√x·√(x² − x) = x·√(x − 1))."""
    field = RootField.of(product, var)
    if field is None:
        return product
    el = field.element(product)
    if el is None:
        return product
    terms = []
    for mask, coeff in el.items():
        term = _one_term(field, mask, from_rational(*coeff, var), var)
        if term is None:
            return None
        terms.append(term)
    return add(*terms)


def _one_term(field: RootField, mask: int, coeff: Expr, var: Symbol) -> Expr | None:
    roots = [i for i in range(len(field.radicands)) if mask >> i & 1]
    if len(roots) == 2:
        (i, low), (_, high) = sorted(((k, field.polys[k]) for k in roots),
                                     key=lambda kp: kp[1].degree())  # fmt: skip
        if low.degree() == 1 and high % low == 0:
            return _over_root(mul(coeff, field.radicands[i]), high // low, var)
        return _over_root(coeff, low * high, var)  # √A·√B = √(A·B) wherever the left is real
    if len(roots) == 1:
        return _over_root(coeff, field.polys[roots[0]], var)
    return mul(coeff, field.sqrt_product(mask))


def _over_root(coeff: Expr, r, var: Symbol) -> Expr | None:
    """coeff·√r as (coeff·r)/√r, with coeff·r normalized."""
    radicand = from_poly(r, var)
    if r.degree() == 0:
        return mul(coeff, power(radicand, _HALF))
    num = to_rational(mul(coeff, radicand), var)
    if num is None:
        return None
    return mul(from_rational(*num, var), power(radicand, -_HALF))


def _assemble(var: Symbol, c: Expr, f: Expr, u: Apply, w: Expr, v_found: Antiderivative,
              du_raw: Expr, du_clean: Expr, rest: Antiderivative) -> Antiderivative:  # fmt: skip
    """The step: v found, du by the conjugates, the parts formula, the remaining integral."""
    v = v_found.result
    conj = Step("multiply by the conjugate", du_raw, du_clean, (), "",
                (("u", u), ("conjugate", _conjugate_text(u.arg, var))),
                hint="1/(A + B·√R) = (A − B·√R)/(A² − B²·R); " + _KINDS[u.prim.name])  # fmt: skip
    nxt = mul(v, du_clean)
    value = add(mul(v, u), mul(-1, rest.result))
    named = (("u", u), ("dv", w), ("du", du_clean), ("v", v))
    formula = Step("parts formula", f, mul(v, u), (), op(var), named,
                   integrals=((mul(-1, ONE), nxt, var),))  # fmt: skip
    subs = [v_found.step, conj, formula]
    if rest.step.expr is not nxt:
        subs.append(Step("combine radicals", nxt, rest.step.expr, (), "",
                         hint="c·√R = c·R/√R; √A·√B = √(A·B) where A ≥ 0 and B ≥ 0"))  # fmt: skip
    step = Step("integration by parts", f, value, (*subs, rest.step), op(var), named)
    found = Antiderivative(value, step, "integration by parts")
    return found if c is ONE else constant_multiple(c, f, var, found, "integration by parts")


def _conjugate_text(g: Expr, var: Symbol) -> str:
    """g with the sign of its root terms flipped (the conjugate of A + B·√R), for the step."""
    terms = g.args if isinstance(g, Add) else (g,)
    roots = [t for t in terms if _has_root(t, var)]
    if len(roots) == len(terms) or to_poly(g, var) is not None:
        return "one root at a time"
    return add(*(mul(-1, t) if t in roots else t for t in terms)).text()


__all__ = ["log_algebraic_parts"]
