"""Square roots of quadratics: ∫ P(x)·Q(x)^(k/2) dx for a polynomial P and an odd k ≥ -3.

For k ≥ -1 the integrand is R/√Q with R = P·Q^((k+1)/2), and ∫ R/√Q = T·√Q + λ·∫ dx/√Q with
deg T = deg R − 1 (undetermined coefficients; the system is triangular). ∫ dx/√Q completes the
square: arcsin when a < 0, arsinh or a logarithm when a > 0. For k = -3 and deg P ≤ 1 the answer
is (A·x + B)/√Q.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from flint import fmpq_poly

from calcml.core.evaluate import substitute
from calcml.core.expr import (
    HALF,
    ONE,
    ZERO,
    Expr,
    Mul,
    Number,
    Pow,
    Symbol,
    add,
    mul,
    number,
    power,
    symbol,
)
from calcml.core.registry import ABS, ASIN, ASINH, COS, LOG, SIN
from calcml.symbolic.integrate.base import Antiderivative, Context, free_of, make, op
from calcml.symbolic.integrate.explain import plain, rewritten
from calcml.symbolic.integrate.radical_merge import split_back
from calcml.symbolic.polys import fraction, from_poly, sqrt_rational, to_poly, to_rational
from calcml.symbolic.simplify import expand
from calcml.symbolic.steps import Step


def quadratic_radical(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ P(x)·(a·x² + b·x + c)^(k/2) dx."""
    shape = _shape(expr, var)
    if shape is None:
        return None
    p, q, k = shape
    if q[1] == 0 and q[2] < 0 < q[0] and p.degree() == 0 and k >= -1:
        found = trig_substitution(expr, var, ctx, fraction(p[0]), q, k)
        if found is not None:
            return found
    if k >= -1:
        r = p * q ** ((k + 1) // 2)
        found = _over_root(r, q, var)
        if found is not None:
            return _explained(expr, var, q, found[0], found[1], k, found[2:])
    elif k == -3 and p.degree() <= 1:
        found = _over_root_cubed(p, q, var)
    else:
        found = None
    if found is None:
        return None
    return _explained(expr, var, q, found[0], found[1], k)


def _explained(expr: Expr, var: Symbol, q: fmpq_poly, result: Expr, rule: str,
               k: int, parts: tuple = ()) -> Antiderivative:  # fmt: skip
    """∫ R/√Q dx = T·√Q + λ·∫ dx/√Q with T and λ found by undetermined coefficients, then the
    square of Q completed for ∫ dx/√Q; (A·x + B)/√Q for Q^(−3/2)."""
    root = power(from_poly(q, var), HALF)
    square = _square(q, var)
    if k == -3:
        return plain("undetermined coefficients", expr, var, result, (("form", "(A·x + B)/√Q"),),
                     "∫ (p·x + r)/Q^(3/2) dx = (A·x + B)/√Q, A and B from matching coefficients",
                     "quadratic radical")  # fmt: skip
    base = _inverse_root(q, var)
    if base is None or not parts:
        return plain("quadratic radical", expr, var, result, (), _RADICAL, "quadratic radical")
    lam, t_part = parts[1], mul(parts[0], root)
    subs: list = []
    if lam is not ZERO and t_part is not ZERO:
        subs.append(Step("undetermined coefficients", expr, t_part, (), op(var),
                         (("T·√Q", t_part), ("λ", lam)), integrals=((lam, power(root, -1), var),),
                         hint=_RADICAL))  # fmt: skip
    if lam is not ZERO:
        name = {"arcsine": "arcsine", "inverse sinh": "inverse hyperbolic sine"}.get(base[1],
                                                                                   base[1])
        done = Step(f"completing the square ({name})", power(root, -1), base[0],
                    (square,) if q[1] != 0 else (),
                    op(var), hint=_INVERSE_ROOT)  # fmt: skip
        subs.append(done)
    if len(subs) == 1:
        return Antiderivative(result, replace(subs[0], expr=expr, result=result),
                              "quadratic radical")  # fmt: skip
    return make("quadratic radical", expr, var, result, tuple(subs), (), "quadratic radical",
                _RADICAL)  # fmt: skip


_RADICAL = "∫ R(x)/√Q dx = T(x)·√Q + λ·∫ dx/√Q, with T and λ from matching coefficients"
_INVERSE_ROOT = ("∫ dx/√(d − a·t²) = asin(√a·t/√d)/√a, ∫ dx/√(a·t² + d) = asinh(√a·t/√d)/√a "
                 "(t = x + b/(2a), the square completed)")  # fmt: skip


def _square(q: fmpq_poly, var: Symbol) -> Step:
    """a·x² + b·x + c = a·(x + b/(2a))² + (c − b²/(4a)), written out."""
    a, b, c = fraction(q[2]), fraction(q[1]), fraction(q[0])
    square = add(mul(a, power(add(var, number(b / (2 * a))), 2)), number(c - b * b / (4 * a)))
    return Step("completing the square", from_poly(q, var), square, hint=_SQUARE)


_SQUARE = "a·x² + b·x + c = a·(x + b/(2a))² + (c − b²/(4a))"


def trig_substitution(expr: Expr, var: Symbol, ctx: Context, p0: Fraction, q: fmpq_poly,
                      k: int) -> Antiderivative | None:  # fmt: skip
    """∫ p0·(c − a·x²)^(k/2) dx with x = s·sin θ, s = √(c/a): √(c − a·x²) = √c·cos θ and
    dx = s·cos θ dθ; the θ integral is done, and the right triangle (opposite x, hypotenuse s)
    puts x back: sin θ = x/s, cos θ = √(c − a·x²)/√c."""
    a, c = -fraction(q[2]), fraction(q[0])
    s, sc = sqrt_rational(c / a), sqrt_rational(c)
    theta = symbol("θ")
    g = mul(p0, power(mul(sc, COS(theta)), k), s, COS(theta))
    inner = ctx.integrate(g, theta)
    if inner is None:
        return None
    root = power(from_poly(q, var), HALF)
    sin_t, cos_t = mul(var, power(s, -1)), mul(root, power(sc, -1))
    back = substitute(inner.result, {SIN(mul(2, theta)): mul(2, sin_t, cos_t),
                                     COS(mul(2, theta)): add(1, mul(-2, power(sin_t, 2))),
                                     SIN(theta): sin_t, COS(theta): cos_t,
                                     theta: ASIN(sin_t)})  # fmt: skip
    if not free_of(back, theta):
        return None
    theta_of_x = ASIN(sin_t)
    x_of_theta = mul(s, SIN(theta))
    named = (("x", x_of_theta), ("dx", mul(s, COS(theta))), ("θ", theta_of_x))
    rewrite = Step("rewrite in θ", expr, ZERO, (), op(var), named,
                   integrals=((ONE, g, theta),), relation=(theta, theta_of_x))  # fmt: skip
    adjacent = mul(root, power(sqrt_rational(a), -1))
    words = (f"sin θ = {sin_t.text()}: a right triangle with opposite side {var.name} and "
             f"hypotenuse {s.text()}, so its adjacent side is {adjacent.text()} and "
             f"cos θ = {cos_t.text()}")  # fmt: skip
    undo = Step("back-substitution", inner.result, back, (), "", (("triangle", words),),
                relation=(theta, theta_of_x))  # fmt: skip
    step = Step("trigonometric substitution", expr, back, (rewrite, inner.step, undo), op(var),
                named, relation=(theta, theta_of_x))  # fmt: skip
    return Antiderivative(back, step, "trigonometric substitution")


def split_half_power(expr: Expr, var: Symbol) -> tuple[Pow, Expr] | None:
    """(Q^(k/2), the other factors) when expr has exactly one factor that is an odd power of a
    square root of something in `var`; None otherwise."""
    radicals, others = [], []
    for f in expr.args if isinstance(expr, Mul) else (expr,):
        is_half = (isinstance(f, Pow) and isinstance(f.exp, Number) and f.exp.is_exact
                   and Fraction(f.exp.value).denominator == 2)  # fmt: skip
        (radicals if is_half and not free_of(f.base, var) else others).append(f)
    return (radicals[0], mul(*others)) if len(radicals) == 1 else None


def _shape(expr: Expr, var: Symbol) -> tuple[fmpq_poly, fmpq_poly, int] | None:
    """(P, Q, k) with expr = P·Q^(k/2), Q of degree 2 over Q, k odd; None otherwise."""
    split = split_half_power(expr, var)
    if split is None:
        return None
    radical, rest = split
    q, p = to_poly(radical.base, var), to_poly(rest, var)
    if q is None or p is None or q.degree() != 2:
        return None
    return p, q, int(Fraction(radical.exp.value) * 2)


def reciprocal_radical(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ R(x)/(x^m·√Q) dx = T·√Q/x^(m-1) + λ·∫ dx/√Q + μ·∫ dx/(x·√Q), m ≥ 1."""
    radicals = [f for f in (expr.args if isinstance(expr, Mul) else (expr,))
                if isinstance(f, Pow) and _odd_half(f.exp)]  # fmt: skip
    if len(radicals) != 1:
        return None
    q = to_poly(radicals[0].base, var)
    # R/(x^m·√Q) with R/x^m = expr/√Q
    pq = to_rational(mul(expr, power(radicals[0].base, HALF)), var)
    if q is None or pq is None or q.degree() != 2 or q[0] == 0:
        return None
    r, den = pq
    m = den.degree()
    if m < 1 or den != fmpq_poly([0] * m + [1]):
        return None
    solved = _solve_reciprocal(r, q, m)
    if solved is None:
        return None
    t, lam, mu = solved
    root = power(from_poly(q, var), HALF)
    terms = [mul(from_poly(t, var), root, power(var, 1 - m))]
    for coeff, base in ((lam, _inverse_root), (mu, _inverse_x_root)):
        if coeff != 0:
            found = base(q, var)
            if found is None:
                return None
            terms.append(mul(number(fraction(coeff)), found[0]))
    return make("quadratic radical", expr, var, add(*terms), (),
                (("rule", "undetermined coefficients"),))  # fmt: skip


def _odd_half(e: Expr) -> bool:
    return isinstance(e, Number) and e.is_exact and Fraction(e.value).denominator == 2 \
        and e.value >= -HALF.value


def _solve_reciprocal(r: fmpq_poly, q: fmpq_poly, m: int):
    """Solve R = T'·x·Q + T·((1-m)·Q + x·Q'/2) + λ·x^m + μ·x^(m-1) exactly (Gauss–Jordan)."""
    d = max(r.degree() - 1, m - 1)
    x = fmpq_poly([0, 1])
    dq = q.derivative()
    columns = []
    for j in range(d + 1):
        basis = fmpq_poly([0] * j + [1])
        columns.append(basis.derivative() * x * q + basis * ((1 - m) * q + x * dq / 2))
    columns += [fmpq_poly([0] * m + [1]), fmpq_poly([0] * (m - 1) + [1])]
    rows = max(max(c.degree() for c in columns), r.degree()) + 1
    matrix = [[fraction(c[i]) for c in columns] + [fraction(r[i])] for i in range(rows)]
    solution = solve_rational_system(matrix, len(columns))
    if solution is None:
        return None
    t = fmpq_poly([_fq(v) for v in solution[: d + 1]])
    return t, solution[d + 1], solution[d + 2]


def _fq(v: Fraction):
    from flint import fmpq

    return fmpq(v.numerator, v.denominator)


def solve_rational_system(rows: list[list[Fraction]], n: int) -> list[Fraction] | None:
    """A solution of the augmented system (free unknowns set to 0), or None if inconsistent."""
    pivots, r = [], 0
    for col in range(n):
        pivot = next((i for i in range(r, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        lead = rows[r][col]
        rows[r] = [v / lead for v in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][col] != 0:
                k = rows[i][col]
                rows[i] = [a - k * b for a, b in zip(rows[i], rows[r], strict=True)]
        pivots.append(col)
        r += 1
    if any(all(v == 0 for v in row[:n]) and row[n] != 0 for row in rows):
        return None
    out = [Fraction(0)] * n
    for i, col in enumerate(pivots):
        out[col] = rows[i][n]
    return out


def _inverse_x_root(q: fmpq_poly, var: Symbol) -> tuple[Expr, str] | None:
    """∫ dx/(x·√(a·x² + b·x + c)), c ≠ 0."""
    a, b, c = fraction(q[2]), fraction(q[1]), fraction(q[0])
    root = power(from_poly(q, var), HALF)
    if c > 0:
        sc = sqrt_rational(c)
        inner = mul(add(2 * c, mul(b, var), mul(2, sc, root)), power(var, -1))
        return mul(-1, power(sc, -1), LOG(ABS(inner))), "logarithm"
    disc = b * b - 4 * a * c
    if disc <= 0:
        return None
    sc = sqrt_rational(-c)
    inner = mul(add(mul(b, var), 2 * c), power(mul(ABS(var), sqrt_rational(disc)), -1))
    return mul(power(sc, -1), ASIN(inner)), "arcsine"


def _over_root(r: fmpq_poly, q: fmpq_poly, var: Symbol) -> tuple[Expr, str, Expr, Expr] | None:
    """∫ R/√Q = T·√Q + λ·∫ dx/√Q, solving R = T'·Q + T·Q'/2 + λ from the top degree down;
    (the answer, the rule for ∫ dx/√Q, T, λ)."""
    a = q[2]
    dq = q.derivative()
    n = r.degree()
    rem = r
    t = fmpq_poly([0])
    for j in range(n - 1, -1, -1):
        coeff = rem[j + 1] / (a * (j + 1))
        basis = fmpq_poly([0] * j + [1])
        rem = rem - coeff * (basis.derivative() * q + basis * dq / 2)
        t += coeff * basis
    if rem.degree() > 0:
        return None
    lam = rem[0]
    root = power(from_poly(q, var), HALF)
    base = _inverse_root(q, var) if lam != 0 else (number(0), "")
    if base is None:
        return None
    big_t, lam_ = from_poly(t, var), number(fraction(lam))
    return add(mul(big_t, root), mul(lam_, base[0])), base[1], big_t, lam_


def _inverse_root(q: fmpq_poly, var: Symbol) -> tuple[Expr, str] | None:
    """∫ dx/√(a·x² + b·x + c) with t = x + b/(2a) and Q = a·t² + d."""
    a, b, c = fraction(q[2]), fraction(q[1]), fraction(q[0])
    d = c - b * b / (4 * a)
    t = add(var, number(b / (2 * a)))
    sa = sqrt_rational(abs(a))
    if a < 0:
        if d <= 0:
            return None
        return mul(power(sa, -1), ASIN(mul(sa, t, power(sqrt_rational(d), -1)))), "arcsine"
    if d > 0:
        return mul(power(sa, -1), ASINH(mul(sa, t, power(sqrt_rational(d), -1)))), "inverse sinh"
    root = power(from_poly(q, var), HALF)
    return mul(power(sa, -1), LOG(ABS(add(mul(sa, t), root)))), "logarithm"


def _over_root_cubed(p: fmpq_poly, q: fmpq_poly, var: Symbol) -> tuple[Expr, str] | None:
    """∫ (p1·x + p0)/Q^(3/2) = (A·x + B)/√Q."""
    a, b, c = fraction(q[2]), fraction(q[1]), fraction(q[0])
    p1, p0 = fraction(p[1]), fraction(p[0])
    # numerator of d/dx[(A x + B)/√Q]·Q^(3/2): (A b/2 − B a)·x + (A c − B b/2)
    det = -(b / 2) * (b / 2) + a * c
    if det == 0:
        return None
    big_a = (p1 * (-b / 2) + a * p0) / det
    big_b = ((b / 2) * p0 - c * p1) / det
    result = mul(add(mul(big_a, var), big_b), power(from_poly(q, var), -HALF))
    return result, "undetermined coefficients"


def combined_radicals(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """A^r·B^r = (A·B)^r for a fractional r: where both sides are real, A, B ≥ 0, and the rule
    holds; (2 + 4x)^(3/2)·(3 − 6x)^(3/2) becomes a power of one quadratic."""
    groups: dict[Expr, list[Expr]] = {}
    others = []
    for f in expr.args if isinstance(expr, Mul) else (expr,):
        fractional = (isinstance(f, Pow) and isinstance(f.exp, Number) and f.exp.is_exact
                      and Fraction(f.exp.value).denominator > 1
                      and not free_of(f.base, var))  # fmt: skip
        (groups.setdefault(f.exp, []) if fractional else others).append(f)
    merged = {e: fs for e, fs in groups.items() if len(fs) > 1}
    if not merged:
        return None
    alone = (f for e, fs in groups.items() if e not in merged for f in fs)
    combined = (power(expand(mul(*(f.base for f in fs))), e) for e, fs in merged.items())
    new = mul(*others, *alone, *combined)
    inner = ctx.integrate(new, var)
    if inner is None:
        return None
    found = rewritten("combine radicals", expr, var, new, inner,
                      hint="√A·√B = √(A·B) for A, B ≥ 0", method=inner.method)  # fmt: skip
    return split_back(found, expr, var, merged)
