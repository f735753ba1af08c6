"""Rational functions P/Q over Q: polynomial part, partial fractions, Hermite, Rothstein–Trager.

Q is factored over Q with python-flint. Each partial fraction c/f^k (deg c < deg f) is integrated
exactly: linear f gives logarithms and powers; Hermite reduction lowers k for f of higher degree;
quadratic f gives a logarithm and an arctangent (completing the square) or two logarithms;
higher-degree f with k = 1 uses Rothstein–Trager when its log coefficients are rational; an
irreducible quartic otherwise splits into real quadratics over Q(θ) (quartic.py).
"""

from __future__ import annotations

from dataclasses import replace

from flint import fmpq, fmpq_poly

from calcml.core.expr import ZERO, Expr, Symbol, add, mul, number, power
from calcml.core.registry import ABS, ATAN, LOG
from calcml.symbolic.integrate.base import Antiderivative, Context, make, op, split_constant
from calcml.symbolic.integrate.cubic import real_cubic
from calcml.symbolic.integrate.explain import plain
from calcml.symbolic.integrate.quartic import real_quartic
from calcml.symbolic.polys import fraction, from_poly, from_rational, sqrt_rational, to_rational
from calcml.symbolic.steps import Step

Piece = tuple[fmpq_poly, fmpq_poly, int]  # c / f^k


def rational(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ P/Q dx for P, Q with rational coefficients."""
    pq = to_rational(expr, var)
    if pq is None:
        return None
    p, q = pq
    quotient, remainder = divmod(p, q)
    poly = from_poly(quotient, var)
    if remainder.is_zero():
        return plain("polynomial", expr, var, from_poly(quotient.integral(), var), (),
                     _POLY_HINT, "rational")  # fmt: skip
    pieces = partial_fractions(remainder, q)
    done: list[Antiderivative] = []
    for f, cs in _grouped(pieces):
        ctx.budget.check()
        found = _piece(cs, f, var)
        if found is None:
            return None
        piece = add(*(_fraction(c, f, k, var) for k, c in cs.items()))
        result, rule, details, subs = found
        done.append(make(rule, piece, var, result, subs, details, hint=_HINTS.get(rule, "")))
    if quotient.is_zero() and len(done) == 1:
        return Antiderivative(done[0].result, replace(done[0].step, expr=expr), "rational")
    if not quotient.is_zero():
        done.insert(0, plain("polynomial", poly, var, from_poly(quotient.integral(), var), (),
                             _POLY_HINT))  # fmt: skip
    return _decomposed(expr, var, poly, pieces, done)


_POLY_HINT = "∫ Σ aₖ·xᵏ dx = Σ aₖ·xᵏ⁺¹/(k + 1)"
_HINTS = {
    "logarithm": "∫ A/(x − r) dx = A·ln|x − r|",
    "power rule": "∫ A/(x − r)ᵏ dx = A·(x − r)¹⁻ᵏ/(1 − k)",
}


def _decomposed(expr: Expr, var: Symbol, poly: Expr, pieces: list[Piece],
                done: list[Antiderivative]) -> Antiderivative:  # fmt: skip
    """P/Q = the form with its coefficients solved, split by the sum rule, each term
    integrated."""
    form, named = _form(pieces, var)
    if poly is not ZERO:
        form = f"{poly.text()} + {form}"
    decomposition = add(poly, *(_fraction(c, f, k, var) for c, f, k in pieces))
    rewrite = Step("partial fractions", expr, decomposition, (), "",
                   (("form", form), *named))  # fmt: skip
    terms = tuple((*split_constant(d.step.expr, var), var) for d in done)
    split = Step("split the integral", expr, ZERO, (), op(var), integrals=terms,
                 hint="∫ (f + g) dx = ∫ f dx + ∫ g dx")  # fmt: skip
    result = add(*(d.result for d in done))
    return make("partial fractions", expr, var, result, (rewrite, split, *done),
                (("form", form), ("decomposition", decomposition)), "rational")  # fmt: skip


def _form(pieces: list[Piece], var: Symbol) -> tuple[str, tuple[tuple[str, Expr], ...]]:
    """The shape of the decomposition with unknown numerators, `A/(x − 1) + (B·x + C)/(x² + 1)`,
    and the solved values of A, B, C..."""
    letters = iter(_letters())
    terms, named = [], []
    for c, f, k in pieces:
        coefficients = []
        for j in range(f.degree() - 1, -1, -1):
            name = next(letters)
            named.append((name, number(fraction(c[j]))))
            power_ = "" if j == 0 else f"·{var.name}" + ("" if j == 1 else f"^{j}")
            coefficients.append(name + power_)
        top = " + ".join(coefficients)
        top = f"({top})" if len(coefficients) > 1 else top
        bottom = power(from_poly(f, var), k)
        shown = bottom.text()
        terms.append(f"{top}/{shown if bottom.__class__.__name__ == 'Pow' else f'({shown})'}")
    return " + ".join(terms), tuple(named)


def _fraction(c: fmpq_poly, f: fmpq_poly, k: int, var: Symbol) -> Expr:
    """c/f^k with f^k kept as a power, as the decomposition is written."""
    return mul(from_poly(c, var), power(from_poly(f, var), -k))


def _letters():
    n = 0
    while True:
        yield "ABCDEFGHJKLMNPQRSTUVWXYZ"[n % 24] + (str(n // 24 + 1) if n >= 24 else "")
        n += 1


def partial_fractions(r: fmpq_poly, q: fmpq_poly) -> list[Piece]:
    """`r/q = Σ c/f^k` with f irreducible monic and deg c < deg f (q monic, deg r < deg q)."""
    _, factored = q.factor()
    pieces: list[Piece] = []
    for f, e in factored:
        f = f / f.leading_coefficient()
        big_f = f**e
        g = q // big_f
        one, s, _ = g.xgcd(big_f)
        numerator = (r * s / one[0]) % big_f
        k = e
        while not numerator.is_zero():
            numerator, c = divmod(numerator, f)
            if not c.is_zero():
                pieces.append((c, f, k))
            k -= 1
    return pieces


def _grouped(pieces: list[Piece]) -> list[tuple[fmpq_poly, dict[int, fmpq_poly]]]:
    """Linear pieces one by one; the powers of one factor of higher degree together, so that
    Hermite reduction sees their sum (whose logarithmic part may vanish where each one's does
    not)."""
    groups: list[tuple[fmpq_poly, dict[int, fmpq_poly]]] = []
    for c, f, k in pieces:
        if groups and f.degree() > 1 and groups[-1][0] == f:
            groups[-1][1][k] = c
        else:
            groups.append((f, {k: c}))
    return groups


def _piece(cs: dict[int, fmpq_poly], f: fmpq_poly,
           var: Symbol) -> tuple[Expr, str, tuple, tuple] | None:  # fmt: skip
    """∫ Σ c_k/f^k dx, the name of the rule used, its details and its sub-steps."""
    k = max(cs)
    c = cs[k]
    if f.degree() == 1:
        root = from_poly(f, var)
        if k == 1:
            return mul(number(fraction(c[0])), LOG(ABS(root))), "logarithm", (), ()
        return mul(number(fraction(c[0]) / (1 - k)), power(root, 1 - k)), "power rule", (), ()
    rational_part: list[Expr] = []
    while k > 1:
        c, part = _hermite_step(c, f, k)
        rational_part.append(from_rational(part, f ** (k - 1), var))
        k -= 1
        c = c + cs.get(k, fmpq_poly([0]))
    details: tuple = ()
    subs: tuple = ()
    if rational_part:
        details = (("rational part", add(*rational_part)),)
    if c.is_zero():
        return add(*rational_part), "Hermite reduction", details, ()
    if f.degree() == 2:
        logs = _quadratic(c, f, var)
        rule = "completing the square"
        subs = (_square(f, var),) if f[1] != 0 else ()
    else:
        logs = _rothstein_trager(c, f, var)
        rule = "Rothstein–Trager"
        if logs is None and f.degree() in (3, 4):
            found = (real_cubic if f.degree() == 3 else real_quartic)(c, f, var)
            logs, rule = (None, rule) if found is None else (found[0], "real quadratic factors")
            details += () if found is None else (("factors", found[1]),)
    if logs is None:
        return None
    if rational_part:
        rule = "Hermite reduction"
    return add(*rational_part, logs), rule, details, subs


def _square(f: fmpq_poly, var: Symbol) -> Step:
    """x² + p·x + q = (x + p/2)² + (q − p²/4), the square written out."""
    p, q = fraction(f[1]), fraction(f[0])
    square = add(power(add(var, number(p / 2)), 2), number(q - p * p / 4))
    return Step("completing the square", from_poly(f, var), square,
                hint="x² + p·x + q = (x + p/2)² + (q − p²/4)")


def _hermite_step(c: fmpq_poly, f: fmpq_poly, k: int) -> tuple[fmpq_poly, fmpq_poly]:
    """c/f^k = d/dx[part/f^(k-1)] + new_c/f^(k-1), for squarefree f."""
    df = f.derivative()
    _, _, t = f.xgcd(df)  # s·f + t·f' = 1
    big_t = (c * t) % f
    big_s = (c - big_t * df) // f
    part = -big_t / (k - 1)
    new_c = big_s + big_t.derivative() / (k - 1)
    return new_c % f, part


def _quadratic(c: fmpq_poly, f: fmpq_poly, var: Symbol) -> Expr:
    """∫ (B·x + C)/(x² + p·x + q) dx: a logarithm plus an arctangent or a second logarithm."""
    b_coef, c_coef = fraction(c[1]), fraction(c[0])
    p, q = fraction(f[1]), fraction(f[0])
    disc = p * p / 4 - q  # f = (x + p/2)² − disc
    t = add(var, number(p / 2))
    fx = from_poly(f, var)
    log_part = mul(number(b_coef / 2), LOG(fx if disc < 0 else ABS(fx)))
    d = c_coef - b_coef * p / 2
    if d == 0:
        return log_part
    if disc < 0:
        m = sqrt_rational(-disc)
        return add(log_part, mul(number(d), power(m, -1), ATAN(mul(t, power(m, -1)))))
    r = sqrt_rational(disc)
    logs = add(LOG(ABS(add(t, -r))), -LOG(ABS(add(t, r))))
    return add(log_part, mul(number(d / 2), power(r, -1), logs))


def _rothstein_trager(c: fmpq_poly, f: fmpq_poly, var: Symbol) -> Expr | None:
    """Σ z·ln|gcd(f, c − z·f')| over the roots z of res_x(f, c − z·f'), when all are rational."""
    df = f.derivative()
    n = f.degree()
    points = [fmpq(j) for j in range(n + 1)]
    values = [f.resultant(c - z * df) for z in points]
    res = _interpolate(points, values)
    _, factored = res.factor()
    if any(g.degree() != 1 for g, _ in factored):
        return None
    terms = []
    for g, _ in factored:
        z = -g[0] / g[1]
        h = f.gcd(c - z * df)
        terms.append(mul(number(fraction(z)), LOG(ABS(from_poly(h, var)))))
    return add(*terms)


def _interpolate(xs: list[fmpq], ys: list[fmpq]) -> fmpq_poly:
    total = fmpq_poly([0])
    for j, (xj, yj) in enumerate(zip(xs, ys, strict=True)):
        term = fmpq_poly([yj])
        for i, xi in enumerate(xs):
            if i != j:
                term = term * fmpq_poly([-xi, 1]) / (xj - xi)
        total += term
    return total

