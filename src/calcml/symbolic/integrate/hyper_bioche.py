"""Bioche's rules for sinh and cosh: a rational function of them, by the substitution its
symmetry picks.

Write the integrand as R(s, c) with s = sinh x, c = cosh x (tanh, coth, sech, csch and
multiples sinh kx, cosh kx written out by cosh kx + sinh kx = (c + s)ᵏ). As for sin and cos
(bioche.py), the symmetry of ω = R dx is tested exactly, on polynomials over Q:

- R(−s, c) = −R(s, c): u = cosh x, R dx = R/s du with s² = u² − 1;
- R(s, −c) = −R(s, c): u = sinh x, R dx = R/c du with c² = 1 + u²;
- R(−s, −c) = R(s, c): u = tanh x, R dx = R du/(1 − u²) with s = u·c, c² = 1/(1 − u²).

Each leaves a rational function of u, and an answer in tanh x, sinh x or cosh x, as textbooks
write it: ∫ dx/(1 + sinh² x) = tanh x, not −2/(e²ˣ + 1). Tried before the substitution u = eˣ,
which handles what has none of these symmetries. When more than one holds, the shortest
verified answer wins.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb

from flint import fmpq, fmpq_mpoly, fmpq_mpoly_ctx, fmpq_poly

from calcml.core.evaluate import substitute
from calcml.core.expr import Add, Apply, Expr, Mul, Number, Pow, Symbol, add, mul, number, power
from calcml.core.registry import ABS, COSH, LOG, SINH, TANH
from calcml.symbolic.integrate.base import Antiderivative, Context, free_of, make, split_constant
from calcml.symbolic.integrate.bioche import (
    MAX_MULTIPLE,
    invariances,
    quotient_in,
    to_frac,
)
from calcml.symbolic.integrate.explain import substituted
from calcml.symbolic.integrate.log_pairs import logs_to_atanh
from calcml.symbolic.steps import Step

# flint hands out one context per (names, order), so this is the ring bioche.py's rules use too
_RING = fmpq_mpoly_ctx.get(("s", "c"), "lex")
_S, _C = _RING.gens()
_ONE = _RING.from_dict({(0, 0): 1})

Frac = tuple[fmpq_mpoly, fmpq_mpoly]

#: (name of the symmetry, u as a function of x, du/dx)
_RULES = {
    "cos": ("x → −x", COSH, SINH),
    "sin": ("sinh x ↦ sinh x, cosh x ↦ −cosh x", SINH, COSH),
    "tan": ("sinh x ↦ −sinh x, cosh x ↦ −cosh x", TANH, lambda x: power(COSH(x), -2)),
}

#: Each function as P/Q in s = sinh, c = cosh.
_BASIC = {"sinh": (_S, _ONE), "cosh": (_C, _ONE), "tanh": (_S, _C), "coth": (_C, _S),
          "sech": (_ONE, _C), "csch": (_ONE, _S)}  # fmt: skip


def hyperbolic_bioche(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ R(sinh x, cosh x) dx by u = cosh x, sinh x or tanh x, as the symmetry of R dx picks."""
    scale, g = split_constant(expr, var)
    if not _is_quotient(g, var) or _one_scaled_angle(g, var):
        return None
    frac = to_frac(g, var, _angle, _reduced)
    if frac is None:
        return None
    if frac[1].is_constant():
        return _cancelled(expr, var, ctx, scale, frac)
    u = ctx.dummy()
    best: Antiderivative | None = None
    for name in invariances(frac):
        ctx.budget.check()
        h = _in_u(name, frac, u)
        inner = None if h is None else ctx.integrate(h, u)
        if inner is None:
            continue
        found = _explained(name, expr, var, u, h, inner, scale)
        if best is None or found.result.size() < best.result.size():
            best = found
    if best is None:
        ctx.release(u)
    return best


def _cancelled(expr: Expr, var: Symbol, ctx: Context, scale: Expr,
               frac: Frac) -> Antiderivative | None:  # fmt: skip
    """A quotient whose denominator cancels by cosh² x − sinh² x = 1 ((cosh² − sinh²)⁻³ = 1):
    the polynomial in sinh x and cosh x left, integrated term by term."""
    p, q = frac
    poly = add(*(mul(number(Fraction(int(k.p), int(k.q))), power(SINH(var), int(a)),
                     power(COSH(var), int(b))) for (a, b), k in p.terms()))  # fmt: skip
    new = mul(scale, poly, number(1 / Fraction(int(q.leading_coefficient().p),
                                               int(q.leading_coefficient().q))))
    inner = ctx.integrate(new, var)
    if inner is None:
        return None
    hint = "cosh² x − sinh² x = 1, and common factors of numerator and denominator divided out"
    identity = Step("hyperbolic identity", expr, new, (), "", hint=hint)
    return make("hyperbolic identity", expr, var, inner.result, (identity, inner),
                method="hyperbolic Bioche's rule", hint=hint)  # fmt: skip


def _is_quotient(g: Expr, var: Symbol) -> bool:
    return any((isinstance(n, Pow) and not free_of(n.base, var) and isinstance(n.exp, Number)
                and n.exp.value < 0)
               or (isinstance(n, Apply) and n.prim.name in ("tanh", "coth", "sech", "csch")
                   and not free_of(n, var))
               for n in g.walk())  # fmt: skip


def _one_scaled_angle(g: Expr, var: Symbol) -> bool:
    """All arguments one k·x with k ≠ 1: the linear substitution t = kx keeps the angle."""
    args = {n.arg for n in g.walk() if isinstance(n, Apply) and n.prim.name in _BASIC}
    return len(args) == 1 and next(iter(args)) is not var


def _explained(name: str, expr: Expr, var: Symbol, u: Symbol, h: Expr, inner: Antiderivative,
               scale: Expr) -> Antiderivative:  # fmt: skip
    symmetry, u_of, du_of = _RULES[name]
    u_x, du = u_of(var), du_of(var)
    hint = (f"Bioche's rule for hyperbolic functions: ω = f(x) dx is unchanged under {symmetry}, "
            f"so u = {u_x.text()}, du = {du.text()} dx")  # fmt: skip
    found = substituted("Bioche's rule", expr, var, u, u_x, du, h, inner, scale=scale,
                        details=(("symmetry", symmetry),), method="hyperbolic Bioche's rule",
                        hint=hint)  # fmt: skip
    return _tidy(found, expr, var)


def _tidy(found: Antiderivative, expr: Expr, var: Symbol) -> Antiderivative:
    """ln|tanh θ ± 1| = ±θ − ln(cosh θ) (as 1 ± tanh θ = e^(±θ)/cosh θ) and 1/tanhⁿ θ =
    cothⁿ θ, as a last step: the logarithms of u = tanh x ± 1 that partial fractions leave
    mostly cancel to x."""
    from calcml.core.registry import coth

    terms = found.result.args if isinstance(found.result, Add) else (found.result,)
    out = []
    for term in terms:
        c, g = split_constant(term, var)
        theta, sign = _log_tanh_shift(g)
        if theta is None:
            out.append(term)
        else:
            out.extend((mul(c, sign, theta), mul(-1, c, LOG(COSH(theta)))))
    tidy = add(*out)
    mapping = {n: power(coth(n.base.arg), mul(-1, n.exp)) for n in tidy.walk()
               if isinstance(n, Pow) and isinstance(n.base, Apply) and n.base.prim is TANH
               and isinstance(n.exp, Number) and n.exp.value < 0}  # fmt: skip
    tidy = substitute(tidy, mapping) if mapping else tidy
    tidy = logs_to_atanh(tidy, expr, var)
    if tidy is found.result or tidy.size() > found.result.size():
        return found
    step = Step("simplify", found.result, tidy, (), "",
                hint="1 ± tanh θ = e^(±θ)/cosh θ, so ln|tanh θ ± 1| = ±θ − ln(cosh θ); "
                     "1/tanh θ = coth θ; ln|w + a| − ln|w − a| = 2·atanh(w/a) (|w| < |a|) "
                     "or 2·atanh(a/w) (|w| > |a|)")
    return make(found.step.rule, expr, var, tidy, (found.step, step), found.step.details,
                found.method, found.step.hint)  # fmt: skip


def _log_tanh_shift(g: Expr) -> tuple[Expr | None, int]:
    """(θ, ±1) when g = ln|tanh θ ± 1| (or ln|1 − tanh θ|), else (None, 0)."""
    if not (isinstance(g, Apply) and g.prim is LOG and isinstance(g.arg, Apply)
            and g.arg.prim is ABS and isinstance(g.arg.arg, Add) and len(g.arg.arg.args) == 2):
        return None, 0
    a, b = g.arg.arg.args
    if isinstance(a, Number) and not isinstance(b, Number):
        a, b = b, a
    if not isinstance(b, Number) or abs(b.value) != 1:
        return None, 0
    if isinstance(a, Apply) and a.prim is TANH:
        return a.arg, int(b.value)  # tanh θ + 1 → +θ, tanh θ − 1 → −θ
    if isinstance(a, Mul) and len(a.args) == 2 and a.args[0] is number(-1) \
            and isinstance(a.args[1], Apply) and a.args[1].prim is TANH:
        return a.args[1].arg, -int(b.value)  # 1 − tanh θ → −θ
    return None, 0


def _in_u(name: str, frac: Frac, u: Symbol) -> Expr | None:
    """The integrand in u (dx included) for rule `name`, as a rational function of u."""
    p, q = frac
    if name == "cos":  # R dx = R/s du, made even in s; s² = u² − 1
        q = _S * q
        flip = q.compose(-_S, _C)
        pu, qu = _even(p * flip, 0, 1), _even(q * flip, 0, 1)
        return None if pu is None or qu is None else quotient_in(pu, qu, u)
    if name == "sin":  # R dx = R/c du, made even in c; c² = 1 + u²
        q = _C * q
        flip = q.compose(_S, -_C)
        pu, qu = _even(p * flip, 1, 1), _even(q * flip, 1, 1)
        return None if pu is None or qu is None else quotient_in(pu, qu, u)
    flip = q.compose(-_S, -_C)  # R dx = R du/(1 − u²), numerator and denominator of even degree
    p, q = p * flip, q * flip
    half = max(p.total_degree(), q.total_degree()) // 2
    pu, qu = _tanh_form(p, half), _tanh_form(q, half)
    if pu is None or qu is None:
        return None
    return quotient_in(pu, qu * fmpq_poly([1, 0, -1]), u)


def _even(p: fmpq_mpoly, which: int, sign: int) -> fmpq_poly | None:
    """p(s, c), even in variable `which` (0: s, 1: c), with s² = u² − 1 (which = 0) or
    c² = 1 + u² (which = 1), and the other variable as u."""
    out = fmpq_poly([0])
    square = fmpq_poly([-1, 0, 1]) if which == 0 else fmpq_poly([1, 0, 1])
    for exps, coeff in p.terms():
        k, j = int(exps[which]), int(exps[1 - which])
        if k % 2:
            return None
        out += fmpq_poly([fmpq(coeff)]) * square ** (k // 2) * fmpq_poly([0, 1]) ** j
    return out


def _tanh_form(p: fmpq_mpoly, half: int) -> fmpq_poly | None:
    """(1 − u²)^half · p(s, c) with s = u·c, c² = 1/(1 − u²): s^a·c^b (a + b even) becomes
    u^a·(1 − u²)^(half − (a + b)/2)."""
    out = fmpq_poly([0])
    one_minus = fmpq_poly([1, 0, -1])
    for (a, b), coeff in ((tuple(map(int, e)), k) for e, k in p.terms()):
        if (a + b) % 2:
            return None
        rest = one_minus ** (half - (a + b) // 2)
        out += fmpq_poly([fmpq(coeff)]) * fmpq_poly([0, 1]) ** a * rest
    return out


def _reduced(p: fmpq_mpoly) -> fmpq_mpoly:
    """p with cosh² x = 1 + sinh² x until cosh x appears at most to the first power."""
    out = _RING.from_dict({})
    one_plus = _ONE + _S * _S
    for (a, b), k in ((tuple(map(int, e)), k) for e, k in p.terms()):
        out += _RING.from_dict({(a, b % 2): k}) * one_plus ** (b // 2)
    return out


def _angle(node: Apply, var: Symbol) -> Frac | None:
    """sinh kx, cosh kx (k an integer) as polynomials in s, c: cosh kx + sinh kx = (c + s)ᵏ;
    tanh, coth, sech, csch as their quotients."""
    if node.prim.name not in _BASIC:
        return None
    if node.arg is var:
        k = 1
    else:
        c, g = split_constant(node.arg, var)
        if g is not var or not isinstance(c, Number) or not isinstance(c.value, int):
            return None
        k = c.value
    if k == 0 or abs(k) > MAX_MULTIPLE:
        return None
    sign = -1 if k < 0 else 1
    k = abs(k)
    sinh_k = _RING.from_dict({(j, k - j): comb(k, j) for j in range(1, k + 1, 2)})
    cosh_k = _RING.from_dict({(j, k - j): comb(k, j) for j in range(0, k + 1, 2)})
    s, c = sign * sinh_k, cosh_k
    num, den = _BASIC[node.prim.name]
    return _sub(num, s, c), _sub(den, s, c)


def _sub(p: fmpq_mpoly, s: fmpq_mpoly, c: fmpq_mpoly) -> fmpq_mpoly:
    return p.compose(s, c)


__all__ = ["hyperbolic_bioche"]
