"""The elementary records: exp, log, the trigonometric and hyperbolic functions and their
inverses, abs, sign, heaviside, erf, and the ML activations sigmoid, softplus and relu.

Each record holds the function's NumPy implementation, its derivative written in calcml's own
operations (so one rule serves symbolic `diff`, reverse mode on tensors and higher orders), its
antiderivative where the table knows one, its printing forms, the step rule it produces and a
domain for the generated tests. `registry` gathers these with the other families.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from calcml.core import canonical
from calcml.core.errors import DomainError
from calcml.core.expr import ONE, PI, ZERO, Add, Apply, Expr, Mul, Number, mul, number, power
from calcml.core.registry_base import (
    Fn,
    Primitive,
    at_zero,
    lift,
    math_scalar,
    np,
    numpy_impl,
    sqrt,
)
from calcml.core.signs import sign_of

# --- exact values --------------------------------------------------------------------------------


def _pi_multiple(x: Expr) -> Fraction | None:
    """k such that x = k·π, for exact rational k; None otherwise."""
    if x is ZERO:
        return Fraction(0)
    if x is PI:
        return Fraction(1)
    if isinstance(x, Mul) and len(x.args) == 2 and x.args[1] is PI:
        c = x.args[0]
        if isinstance(c, Number) and c.is_exact:
            return Fraction(c.value)
    return None


def _exact_of(table: dict[Fraction, Any], period: int) -> Callable[[Expr], Expr | None]:
    def simplify(x: Expr) -> Expr | None:
        k = _pi_multiple(x)
        if k is None:
            return None
        k = k % period
        return table.get(k)

    return simplify


def _sqrt_n(n: int, scale: Fraction = Fraction(1)) -> Expr:
    return number(scale) * power(number(n), number(Fraction(1, 2)))


_SIN = {
    Fraction(0): ZERO, Fraction(1, 6): number(Fraction(1, 2)),
    Fraction(1, 4): _sqrt_n(2, Fraction(1, 2)),
    Fraction(1, 3): _sqrt_n(3, Fraction(1, 2)), Fraction(1, 2): ONE,
    Fraction(2, 3): _sqrt_n(3, Fraction(1, 2)), Fraction(3, 4): _sqrt_n(2, Fraction(1, 2)),
    Fraction(5, 6): number(Fraction(1, 2)), Fraction(1): ZERO,
}  # fmt: skip
_SIN.update({k + 1: -v for k, v in list(_SIN.items())})
_COS = {k: _SIN[(k + Fraction(1, 2)) % 2] for k in _SIN}
_TAN = {Fraction(0): ZERO, Fraction(1, 4): ONE, Fraction(3, 4): -ONE, Fraction(1, 3): _sqrt_n(3),
        Fraction(2, 3): -_sqrt_n(3), Fraction(1, 6): _sqrt_n(3, Fraction(1, 3)),
        Fraction(5, 6): _sqrt_n(3, Fraction(-1, 3))}  # fmt: skip


def _exp_exact(x: Expr) -> Expr | None:
    if x is ZERO:
        return ONE
    if isinstance(x, Apply) and x.prim is LOG:
        return None  # exp(log(x)) = x only for x > 0: keep it visible
    return None


def _log_exact(x: Expr) -> Expr | None:
    if x is ONE:
        return ZERO
    if isinstance(x, Apply) and x.prim is EXP:
        return x.arg  # log(exp(u)) = u for every real u
    if isinstance(x, Number) and x.is_exact and x.value <= 0:
        raise DomainError(f"log({x.value}) is not defined for real numbers")
    return None


def _abs_exact(x: Expr) -> Expr | None:
    """|u| = u when the shape of u proves u ≥ 0 (|x² + 1| = x² + 1), −u when it proves u ≤ 0."""
    if isinstance(x, Number):
        return number(abs(x.value))
    if sign_of(x) is not None:
        return x  # already non-negative
    if _looks_negative(x):
        minus = mul(-1, x)
        if sign_of(minus) is not None:
            return minus
    return None


def _looks_negative(x: Expr) -> bool:
    """Every term has a negative coefficient (−x² − 1, −3·eˣ): worth trying −u ≥ 0."""
    terms = x.args if isinstance(x, Add) else (x,)
    return all((isinstance(t, Mul) and isinstance(t.args[0], Number) and t.args[0].value < 0)
               or (isinstance(t, Number) and t.value < 0) for t in terms)  # fmt: skip


def _sign_exact(x: Expr) -> Expr | None:
    if isinstance(x, Number):
        return number((x.value > 0) - (x.value < 0))
    return None


def _step_exact(x: Expr) -> Expr | None:
    if isinstance(x, Number):
        return number(int(x.value > 0))
    return None


def _relu_exact(x: Expr) -> Expr | None:
    if isinstance(x, Number):
        return number(max(x.value, 0))
    return None


def _sigmoid_impl(x: Any) -> Any:
    """1/(1+e^-x) without overflow: e^-|x| is never large."""
    x = np.asarray(x, dtype=np.result_type(x, np.float64) if not _is_float32(x) else np.float32)
    z = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))
    return out.astype(x.dtype, copy=False) if out.ndim else out.dtype.type(out)


def _is_float32(x: Any) -> bool:
    return getattr(x, "dtype", None) == np.float32


def _erf_impl(x: Any) -> Any:
    # SciPy's special functions load lazily: a cold `calcml diff` must not pay for them.
    from scipy.special import erf as scipy_erf

    return scipy_erf(x)


def _sigmoid_scalar(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


#: Each function on one Python float, with `math`: small checks evaluate these without NumPy.
_SCALARS: dict[str, Fn] = {
    name: math_scalar(fn)
    for name, fn in {
        "exp": math.exp, "log": math.log, "sin": math.sin, "cos": math.cos, "tan": math.tan,
        "cot": lambda x: 1.0 / math.tan(x), "sec": lambda x: 1.0 / math.cos(x),
        "csc": lambda x: 1.0 / math.sin(x), "asin": math.asin, "acos": math.acos,
        "atan": math.atan, "sinh": math.sinh, "cosh": math.cosh, "tanh": math.tanh,
        "asinh": math.asinh, "acosh": math.acosh, "atanh": math.atanh, "abs": math.fabs,
        "sign": lambda x: float((x > 0) - (x < 0)), "heaviside": lambda x: float(x > 0),
        "erf": math.erf, "sigmoid": _sigmoid_scalar,
        "softplus": lambda x: max(x, 0.0) + math.log1p(math.exp(-abs(x))),
        "relu": lambda x: max(x, 0.0),
    }.items()
}  # fmt: skip


def _record(name: str, impl: Fn | str, partial: Fn, rule: str, domain: tuple[float, float], *,
            latex: str | None = None, text: str | None = None, antiderivative: Fn | None = None,
            simplify: Callable[[Expr], Expr | None] | None = None) -> Primitive:  # fmt: skip
    return Primitive(
        name=name,
        scalar=_SCALARS[name],
        impl=numpy_impl(impl),
        partial=partial,
        rule=rule,
        latex=latex if latex is not None else f"\\operatorname{{{name}}}",
        text=text or name,
        domain=domain,
        antiderivative=antiderivative,
        simplify=simplify,
    )


# The derivative lambdas refer to the generic functions defined below; they are looked up
# when called, so records may mention functions defined after them.
EXP = _record("exp", "exp", lambda x: exp(x), "exponential", (-3, 3), latex="\\exp",
              antiderivative=lambda u: exp(u), simplify=_exp_exact)  # fmt: skip
LOG = _record("log", "log", lambda x: 1 / x, "logarithm", (0.2, 5), latex="\\ln", text="ln",
              antiderivative=lambda u: u * log(u) - u, simplify=_log_exact)  # fmt: skip
SIN = _record("sin", "sin", lambda x: cos(x), "trigonometric", (-3, 3), latex="\\sin",
              antiderivative=lambda u: -cos(u), simplify=_exact_of(_SIN, 2))  # fmt: skip
COS = _record("cos", "cos", lambda x: -sin(x), "trigonometric", (-3, 3), latex="\\cos",
              antiderivative=lambda u: sin(u), simplify=_exact_of(_COS, 2))  # fmt: skip
TAN = _record("tan", "tan", lambda x: sec(x) ** 2, "trigonometric", (-1.2, 1.2), latex="\\tan",
              antiderivative=lambda u: -log(abs_(cos(u))), simplify=_exact_of(_TAN, 1))  # fmt: skip
COT = _record("cot", lambda x: 1 / np.tan(x), lambda x: -csc(x) ** 2, "trigonometric",
              (0.3, 2.8), latex="\\cot", antiderivative=lambda u: log(abs_(sin(u))))  # fmt: skip
SEC = _record("sec", lambda x: 1 / np.cos(x), lambda x: sec(x) * tan(x), "trigonometric",
              (-1.2, 1.2), latex="\\sec",
              antiderivative=lambda u: log(abs_(sec(u) + tan(u))))  # fmt: skip
CSC = _record("csc", lambda x: 1 / np.sin(x), lambda x: -csc(x) * cot(x), "trigonometric",
              (0.3, 2.8), latex="\\csc",
              antiderivative=lambda u: -log(abs_(csc(u) + cot(u))))  # fmt: skip
ASIN = _record("asin", "arcsin", lambda x: 1 / sqrt(1 - x**2), "inverse trigonometric",
               (-0.9, 0.9), latex="\\arcsin", text="asin",
               antiderivative=lambda u: u * asin(u) + sqrt(1 - u**2),
               simplify=at_zero(ZERO))  # fmt: skip
ACOS = _record("acos", "arccos", lambda x: -1 / sqrt(1 - x**2), "inverse trigonometric",
               (-0.9, 0.9), latex="\\arccos", text="acos",
               antiderivative=lambda u: u * acos(u) - sqrt(1 - u**2))  # fmt: skip
ATAN = _record("atan", "arctan", lambda x: 1 / (1 + x**2), "inverse trigonometric", (-3, 3),
               latex="\\arctan", text="atan",
               antiderivative=lambda u: u * atan(u) - log(1 + u**2) / 2,
               simplify=at_zero(ZERO))  # fmt: skip
SINH = _record("sinh", "sinh", lambda x: cosh(x), "hyperbolic", (-3, 3), latex="\\sinh",
               antiderivative=lambda u: cosh(u), simplify=at_zero(ZERO))  # fmt: skip
COSH = _record("cosh", "cosh", lambda x: sinh(x), "hyperbolic", (-3, 3), latex="\\cosh",
               antiderivative=lambda u: sinh(u), simplify=at_zero(ONE))  # fmt: skip
TANH = _record("tanh", "tanh", lambda x: 1 - tanh(x) ** 2, "hyperbolic", (-3, 3), latex="\\tanh",
               antiderivative=lambda u: log(cosh(u)), simplify=at_zero(ZERO))  # fmt: skip
ASINH = _record("asinh", "arcsinh", lambda x: 1 / sqrt(x**2 + 1), "inverse hyperbolic", (-3, 3),
                latex="\\operatorname{arsinh}",
                antiderivative=lambda u: u * asinh(u) - sqrt(u**2 + 1),
                simplify=at_zero(ZERO))  # fmt: skip
ACOSH = _record("acosh", "arccosh", lambda x: 1 / sqrt(x**2 - 1), "inverse hyperbolic", (1.2, 4),
                latex="\\operatorname{arcosh}",
                antiderivative=lambda u: u * acosh(u) - sqrt(u**2 - 1))  # fmt: skip
ATANH = _record("atanh", "arctanh", lambda x: 1 / (1 - x**2), "inverse hyperbolic", (-0.9, 0.9),
                latex="\\operatorname{artanh}",
                antiderivative=lambda u: u * atanh(u) + log(1 - u**2) / 2,
                simplify=at_zero(ZERO))  # fmt: skip
ABS = _record("abs", "abs", lambda x: sign(x), "absolute value", (-3, 3), latex="",
              antiderivative=lambda u: u * abs_(u) / 2, simplify=_abs_exact)  # fmt: skip
SIGN = _record("sign", "sign", lambda x: lift(x, ZERO) * x, "sign", (-3, 3),
               latex="\\operatorname{sign}", simplify=_sign_exact)  # fmt: skip
# heaviside is relu's derivative (0 at 0, PyTorch's convention); it is its own primitive so that
# d/dx relu(x) reads as a step function rather than as sign(relu(x)).
HEAVISIDE = _record("heaviside", lambda x: (np.asarray(x) > 0).astype(np.result_type(x, 1.0)),
                    lambda x: lift(x, ZERO) * x, "step function", (-3, 3),
                    latex="\\operatorname{H}", antiderivative=lambda u: relu(u),
                    simplify=_step_exact)  # fmt: skip
ERF = _record("erf", _erf_impl, lambda x: lift(x, 2 / sqrt(PI)) * exp(-(x**2)), "error function",
              (-2, 2), latex="\\operatorname{erf}",
              antiderivative=lambda u: u * erf(u) + exp(-(u**2)) / sqrt(PI),
              simplify=at_zero(ZERO))  # fmt: skip
# sigmoid, softplus and relu are primitives on purpose: their stable NumPy forms never overflow,
# and their derivatives read as ML practitioners write them.
SIGMOID = _record("sigmoid", _sigmoid_impl, lambda x: sigmoid(x) * (1 - sigmoid(x)), "sigmoid",
                  (-4, 4), latex="\\sigma", antiderivative=lambda u: softplus(u))  # fmt: skip
SOFTPLUS = _record("softplus", lambda x: np.logaddexp(0, x), lambda x: sigmoid(x), "softplus",
                   (-4, 4), latex="\\operatorname{softplus}")  # fmt: skip
RELU = _record("relu", lambda x: np.maximum(x, 0), lambda x: heaviside(x), "relu", (-3, 3),
               latex="\\operatorname{ReLU}", antiderivative=lambda u: relu(u) ** 2 / 2,
               simplify=_relu_exact)  # fmt: skip

exp, log, sin, cos, tan, cot, sec, csc = EXP, LOG, SIN, COS, TAN, COT, SEC, CSC
asin, acos, atan, sinh, cosh, tanh = ASIN, ACOS, ATAN, SINH, COSH, TANH
asinh, acosh, atanh, sign, heaviside, erf = ASINH, ACOSH, ATANH, SIGN, HEAVISIDE, ERF
sigmoid, softplus, relu = SIGMOID, SOFTPLUS, RELU
abs_ = ABS

canonical.bind_late(EXP=EXP, ABS=ABS)
