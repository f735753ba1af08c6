"""∫ xᵐ·atan(g(x)) dx by parts when g has square roots whose derivative rationalizes.

For atan(√x − √(x + 1)) the derivative g′/(1 + g²) as differentiation writes it is a tangle of
roots, and ∫ v du looks hopeless; but it is −1/(4·√x·(x + 1)). The roots r = √P(x), q = √Q(x)
(at most two, P and Q polynomials) are taken as new variables with r² = P and q² = Q, the
derivative becomes N(x, r, q)/D(x, r, q), and multiplying by the conjugates D(x, −r, q) and then
D(x, r, −q) leaves a denominator in x alone. Then integration by parts with u = atan(g),
dv = xᵐ dx, v = xᵐ⁺¹/(m + 1) has a simple ∫ v du.
"""

from __future__ import annotations

from fractions import Fraction

from flint import fmpq, fmpq_mpoly, fmpq_mpoly_ctx

from calcml.core.expr import Add, Apply, Expr, Mul, Number, Pow, Symbol, add, mul, number, power
from calcml.core.registry import ATAN
from calcml.symbolic.integrate.base import Antiderivative, Context, make, op, split_constant
from calcml.symbolic.steps import Step

#: Highest total degree the rationalization builds.
MAX_DEGREE = 40

_RING = fmpq_mpoly_ctx.get(("x", "r", "q"), "lex")
_X, _R, _Q = _RING.gens()
_ONE = _RING.from_dict({(0, 0, 0): 1})

Frac = tuple[fmpq_mpoly, fmpq_mpoly]


def inverse_tangent_parts(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ c·xᵐ·atan(g) dx = c·(xᵐ⁺¹/(m+1)·atan(g) − ∫ xᵐ⁺¹/(m+1)·du), du rationalized."""
    from calcml.symbolic.diff import diff

    c, g = split_constant(expr, var)
    factors = g.args if isinstance(g, Mul) else (g,)
    inv = [f for f in factors if isinstance(f, Apply) and f.prim is ATAN]
    rest = mul(*(f for f in factors if not (isinstance(f, Apply) and f.prim is ATAN)))
    m = _power_of(rest, var)
    if len(inv) != 1 or m is None or m == -1:
        return None
    u = inv[0]
    roots = _roots(u.arg, var)
    if roots is None or not (len(roots) == 2 or isinstance(u.arg, Add)):
        return None
    du = rationalized(diff(u, var, verify=False), var, roots)
    if du is None:
        return None
    v = mul(Fraction(1) / (m + 1), power(var, m + 1))
    nxt = mul(c, v, du)
    inner = ctx.integrate(nxt, var)
    if inner is None:
        return None
    result = add(mul(c, u, v), mul(-1, inner.result))
    named = (("u", u), ("dv", mul(c, power(var, m))), ("du", du), ("v", mul(c, v)))
    formula = Step("parts formula", expr, mul(c, u, v), (), op(var), named,
                   integrals=((number(-1), nxt, var),),
                   hint="du rationalized: roots taken as variables, the denominator multiplied "
                        "by its conjugates")  # fmt: skip
    return make("integration by parts", expr, var, result, (formula, inner), named,
                "integration by parts")  # fmt: skip


def _power_of(e: Expr, var: Symbol) -> int | None:
    if e is var:
        return 1
    if isinstance(e, Number) and e.value == 1:
        return 0
    if isinstance(e, Pow) and e.base is var and isinstance(e.exp, Number):
        k = e.exp.value
        return k if isinstance(k, int) else None
    return None


def _roots(arg: Expr, var: Symbol) -> list[Expr] | None:
    """The radicands P of the square roots √P in arg (polynomials in x), at most two."""
    from calcml.symbolic.simplify import poly_coefficients

    found: list[Expr] = []
    for n in arg.walk():
        if isinstance(n, Pow) and isinstance(n.exp, Number) and n.base.has(var):
            k = Fraction(n.exp.value) if n.exp.is_exact else None
            if k is None or (k.denominator != 1 and k.denominator != 2):
                return None
            if k.denominator == 2 and n.base not in found:
                if poly_coefficients(n.base, var, max_degree=4) is None:
                    return None
                found.append(n.base)
    return found if 0 < len(found) <= 2 else None


def rationalized(e: Expr, var: Symbol, roots: list[Expr]) -> Expr | None:
    """e (rational in x and √P, √Q) with a denominator free of roots; None if e has another
    shape.

    >>> from calcml import parse, symbol
    >>> from calcml.symbolic.diff import diff
    >>> x = symbol("x")
    >>> g = parse("atan(sqrt(x) - sqrt(x + 1))")
    >>> rationalized(diff(g, x), x, [x, parse("x + 1")]).text()
    '√x/(4·(x² + x))'
    """
    polys = [_poly(r, var) for r in roots]
    if None in polys:
        return None
    done: dict[Expr, Frac | None] = {}
    for node in e.walk():
        done[node] = _node(node, var, roots, done)
    frac = done[e]
    if frac is None or frac[1].is_zero():
        return None
    p, q = _reduce(frac[0], polys), _reduce(frac[1], polys)
    for n, gen in enumerate((_R, _Q)[: len(roots)]):
        if all(int(exps[n + 1]) % 2 == 0 for exps, _ in q.terms()):
            continue
        flip = q.compose(_X, -_R if gen is _R else _R, -_Q if gen is _Q else _Q)
        p, q = _reduce(p * flip, polys), _reduce(q * flip, polys)
        if max(p.total_degree(), q.total_degree()) > MAX_DEGREE:
            return None
    g = p.gcd(q)
    p, q = p / g, q / g
    lead = fmpq(next(iter(q.terms()))[1])
    p, q = p / lead, q / lead  # a monic denominator: no −4x² − 4x
    return mul(_expr(p, var, roots), power(_expr(q, var, roots), -1))


def _poly(e: Expr, var: Symbol) -> fmpq_mpoly | None:
    from calcml.symbolic.simplify import poly_coefficients

    coeffs = poly_coefficients(e, var, max_degree=4)
    if coeffs is None:
        return None
    out = 0 * _ONE
    for k, c in enumerate(coeffs):
        if not (isinstance(c, Number) and c.is_exact):
            return None
        out += fmpq(*_ratio(c.value)) * _X**k
    return out


def _ratio(v) -> tuple[int, int]:
    f = Fraction(v)
    return f.numerator, f.denominator


def _reduce(p: fmpq_mpoly, polys: list[fmpq_mpoly]) -> fmpq_mpoly:
    """r² → P(x), q² → Q(x)."""
    squares = [*polys, _ONE, _ONE][:2]
    out = 0 * _ONE
    for exps, coeff in p.terms():
        i, j, k = (int(t) for t in exps)
        out += (fmpq(coeff) * _X**i * _R ** (j % 2) * squares[0] ** (j // 2) * _Q ** (k % 2)
                * squares[1] ** (k // 2))  # fmt: skip
    return out


def _node(node: Expr, var: Symbol, roots: list[Expr], done: dict) -> Frac | None:
    if node is var:
        return _X, _ONE
    if isinstance(node, Number):
        return (fmpq(*_ratio(node.value)) * _ONE, _ONE) if node.is_exact else None
    if isinstance(node, Pow) and node.base in roots and isinstance(node.exp, Number):
        k = Fraction(node.exp.value)
        if k.denominator == 2:
            gen = (_R, _Q)[roots.index(node.base)]
            j = int(k * 2)
            return (gen**j, _ONE) if j > 0 else (_ONE, gen ** (-j))
    if not node.args or any(done.get(a) is None for a in node.args):
        return None
    if isinstance(node, Add):
        p, q = done[node.args[0]]
        for a in node.args[1:]:
            p2, q2 = done[a]
            p, q = p * q2 + p2 * q, q * q2
        return p, q
    if isinstance(node, Mul):
        p, q = _ONE, _ONE
        for a in node.args:
            p, q = p * done[a][0], q * done[a][1]
        return p, q
    if isinstance(node, Pow) and isinstance(node.exp, Number) and isinstance(node.exp.value, int):
        n = node.exp.value
        p, q = done[node.base] if n >= 0 else done[node.base][::-1]
        return (p ** abs(n), q ** abs(n)) if abs(n) <= 8 and not p.is_zero() else None
    return None


def _expr(p: fmpq_mpoly, var: Symbol, roots: list[Expr]) -> Expr:
    gens = [power(r, Fraction(1, 2)) for r in roots] + [number(1), number(1)]
    return add(*(mul(number(Fraction(int(fmpq(c).p), int(fmpq(c).q))), power(var, int(i)),
                     power(gens[0], int(j)), power(gens[1], int(k)))
                 for (i, j, k), c in p.terms()))  # fmt: skip


__all__ = ["inverse_tangent_parts", "rationalized"]
