"""Gaussian integrals: ∫ P(x)·e^(A·x² + B·x + C) dx with A < 0, through the error function.

Completing the square, A·x² + B·x + C = −α·(x − h)² + k with α = −A, gives
∫ e^(…) dx = e^k·√π/(2√α)·erf(√α·(x − h)). A polynomial factor is reduced first, which is what
repeated integration by parts does: d/dx[T·e^q] = (T' + T·q')·e^q, so P = T' + T·q' + λ is
solved for T from the top degree down (q' is linear, so the system is triangular) and
∫ P·e^q = T·e^q + λ·∫ e^q. Parameters are allowed; A < 0 is decided assuming them positive (and
said), and A > 0 (the imaginary error function, not in the registry) is declined.
"""

from __future__ import annotations

from calcml.core.expr import HALF, PI, Apply, Expr, Mul, Number, Symbol, add, mul, power
from calcml.core.registry import ERF, EXP
from calcml.symbolic.integrate.algebra import ParamField, Signs, UPoly
from calcml.symbolic.integrate.base import Antiderivative, Context, make
from calcml.symbolic.integrate.param_radicals import positive_root, upoly
from calcml.symbolic.integrate.parametric import param_field


def gaussian(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ P(x)·e^(A·x² + B·x + C) dx = T·e^q + λ·e^k·√π/(2√α)·erf(√α·(x − h))."""
    exps = [f for f in _factors(expr) if isinstance(f, Apply) and f.prim is EXP and f.has(var)]
    if len(exps) != 1:
        return None
    field = param_field(expr, var) or ParamField(var, [])
    q = upoly(exps[0].arg, field)
    rest = mul(*(f for f in _factors(expr) if f is not exps[0]))
    p = upoly(rest, field)
    if q is None or p is None or q.degree() != 2:
        return None
    signs = Signs(field)
    if signs.of(q[2]) != -1:
        return None
    t, lam = _reduce(p, q)
    if lam.is_zero() and p.degree() == 1:
        return None  # x·e^(−x²): the substitution u = −x² says it better
    alpha = -q[2]
    h = q[1] / (field.of(2) * alpha)
    k = q[0] + q[1] * q[1] / (field.of(4) * alpha)
    root = positive_root(alpha, field, signs)
    shifted = add(var, field.to_expr(-h))
    terms = [mul(_expr(t, var, field), exps[0])]
    if not lam.is_zero():
        # √π/(2√α) as one root √(π/α)/2 when α is a number: √(2π) then cancels a normal pdf's
        a = field.to_expr(alpha)
        ratio = power(mul(PI, power(a, -1)), HALF) if isinstance(a, Number) else \
            mul(power(PI, HALF), power(root, -1))
        scale = mul(field.to_expr(lam), EXP(field.to_expr(k)), ratio, HALF)
        terms.append(mul(scale, ERF(mul(root, shifted))))
    square = add(mul(field.to_expr(-alpha), power(shifted, 2)), field.to_expr(k))
    details = [("completing the square", square)]
    if p.degree() > 0:
        details.append(("reduction", f"∫ P·e^q = T·e^q + λ·∫ e^q, T = {_expr(t, var, field)}"))
    return make("Gaussian integral", expr, var, add(*terms), (),
                (*details, *signs.details()))  # fmt: skip


def _factors(expr: Expr) -> tuple[Expr, ...]:
    return expr.args if isinstance(expr, Mul) else (expr,)


def _reduce(p: UPoly, q: UPoly) -> tuple[UPoly, object]:
    """(T, λ) with P = T' + T·q' + λ."""
    field_zero = q.zero
    dq = q.derivative()
    rem, t = p, UPoly([], field_zero)
    for j in range(p.degree() - 1, -1, -1):
        coeff = rem[j + 1] / dq[1]
        basis = UPoly([field_zero] * j + [field_zero.one()], field_zero)
        rem = rem - (basis.derivative() + basis * dq).scale(coeff)
        t = t + basis.scale(coeff)
    assert rem.degree() <= 0, "q' is linear, so only a constant is left"
    return t, rem[0]


def _expr(p: UPoly, var: Symbol, field: ParamField) -> Expr:
    return add(*(mul(field.to_expr(c), power(var, k)) for k, c in enumerate(p.c)))
