"""THE primitive registry: one record per elementary function, read by every part of calcml.

Each record holds the function's NumPy implementation, its derivative written in calcml's own
operations (so one rule serves symbolic `diff`, reverse mode on tensors and higher orders), its
antiderivative where the table knows one, its printing forms, the step rule it produces and a
domain for the generated tests. Adding a function is adding one record.

The module also defines the generic functions (`sin`, `exp`, ...) that work on expressions,
tensors, arrays and floats alike: an expression gives an expression, an object with a
`__calcml_apply__(prim)` method (a tensor) handles itself, anything else goes to NumPy.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from calcml.core.expr import (
    ONE,
    PI,
    ZERO,
    Apply,
    Expr,
    Mul,
    Number,
    apply,
    number,
    power,
)
from calcml.core.lazy import LazyModule

Fn = Callable[[Any], Any]

np: Any = LazyModule("numpy", globals(), "np")


@dataclass(frozen=True, eq=False)
class Primitive:
    """One elementary function.

    Attributes:
        name: the name in Python syntax and in `calcml` (`cm.sin`).
        impl: the NumPy implementation, elementwise on arrays and floats.
        partial: f'(x) written with calcml operations.
        rule: the name of the differentiation step rule (`"trigonometric"`).
        latex: the LaTeX head (`\\sin`).
        text: the human head (`sin`, `ln`).
        domain: an interval inside the domain where f is smooth, for tests and checks.
        antiderivative: ∫ f(u) du as a function of u, where the table knows one.
        simplify: exact values and safe identities applied on construction, or None.
        scalar: the function on one Python float with `math` (None where math has none).
    """

    name: str
    impl: Fn
    partial: Fn
    rule: str
    latex: str
    text: str
    domain: tuple[float, float]
    antiderivative: Fn | None = None
    simplify: Callable[[Expr], Expr | None] | None = None
    scalar: Fn | None = None

    def __call__(self, x: Any) -> Any:
        if isinstance(x, Expr):
            return apply(self, x)
        hook = getattr(type(x), "__calcml_apply__", None)
        if hook is not None:
            return hook(x, self)
        return self.impl(x)

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"


def lift(x: Any, exact: Expr) -> Any:
    """A constant in the same world as x: the node for expressions, a float otherwise."""
    return exact if isinstance(x, Expr) else float(exact)


def sqrt(x: Any) -> Any:
    """Square root: a power `x^(1/2)` on expressions, `np.sqrt` on numbers and arrays."""
    if isinstance(x, Expr):
        return power(x, number(Fraction(1, 2)))
    if hasattr(type(x), "__calcml_apply__"):
        return x**0.5
    return np.sqrt(x)


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


def _at_zero(value: Expr) -> Callable[[Expr], Expr | None]:
    return lambda x: value if x is ZERO else None


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
        from calcml.core.errors import DomainError

        raise DomainError(f"log({x.value}) is not defined for real numbers")
    return None


_NON_NEGATIVE = ("abs", "exp", "cosh", "sigmoid", "softplus", "relu")


def _abs_exact(x: Expr) -> Expr | None:
    if isinstance(x, Number):
        return number(abs(x.value))
    if isinstance(x, Apply) and x.prim.name in _NON_NEGATIVE:
        return x  # already non-negative
    return None


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


def _np(fn: Fn | str) -> Fn:
    """Silence NumPy's warnings (callers check finiteness where it matters); a name stands for
    that NumPy function, looked up on the first call (NumPy loads lazily, see `lazy`)."""

    def impl(x: Any) -> Any:
        with np.errstate(all="ignore"):
            return (getattr(np, fn) if isinstance(fn, str) else fn)(x)

    impl.__name__ = fn if isinstance(fn, str) else getattr(fn, "__name__", "impl")
    impl.unguarded = fn  # type: ignore[attr-defined]  # for callers that silence NumPy once
    return impl


def _scalar(fn: Fn) -> Fn:
    """A `math` implementation on one float: NaN where math raises (NumPy gives NaN or ±inf;
    the checks that use it discard every non-finite value alike)."""

    def scalar(x: float) -> float:
        try:
            return fn(x)
        except (ValueError, OverflowError, ZeroDivisionError):
            return math.nan

    return scalar


def _sigmoid_scalar(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


#: Each function on one Python float, with `math`: small checks evaluate these without NumPy.
_SCALARS: dict[str, Fn] = {
    name: _scalar(fn)
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
        impl=_np(impl),
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
               simplify=_at_zero(ZERO))  # fmt: skip
ACOS = _record("acos", "arccos", lambda x: -1 / sqrt(1 - x**2), "inverse trigonometric",
               (-0.9, 0.9), latex="\\arccos", text="acos",
               antiderivative=lambda u: u * acos(u) - sqrt(1 - u**2))  # fmt: skip
ATAN = _record("atan", "arctan", lambda x: 1 / (1 + x**2), "inverse trigonometric", (-3, 3),
               latex="\\arctan", text="atan",
               antiderivative=lambda u: u * atan(u) - log(1 + u**2) / 2,
               simplify=_at_zero(ZERO))  # fmt: skip
SINH = _record("sinh", "sinh", lambda x: cosh(x), "hyperbolic", (-3, 3), latex="\\sinh",
               antiderivative=lambda u: cosh(u), simplify=_at_zero(ZERO))  # fmt: skip
COSH = _record("cosh", "cosh", lambda x: sinh(x), "hyperbolic", (-3, 3), latex="\\cosh",
               antiderivative=lambda u: sinh(u), simplify=_at_zero(ONE))  # fmt: skip
TANH = _record("tanh", "tanh", lambda x: 1 - tanh(x) ** 2, "hyperbolic", (-3, 3), latex="\\tanh",
               antiderivative=lambda u: log(cosh(u)), simplify=_at_zero(ZERO))  # fmt: skip
ASINH = _record("asinh", "arcsinh", lambda x: 1 / sqrt(x**2 + 1), "inverse hyperbolic", (-3, 3),
                latex="\\operatorname{arsinh}",
                antiderivative=lambda u: u * asinh(u) - sqrt(u**2 + 1),
                simplify=_at_zero(ZERO))  # fmt: skip
ACOSH = _record("acosh", "arccosh", lambda x: 1 / sqrt(x**2 - 1), "inverse hyperbolic", (1.2, 4),
                latex="\\operatorname{arcosh}",
                antiderivative=lambda u: u * acosh(u) - sqrt(u**2 - 1))  # fmt: skip
ATANH = _record("atanh", "arctanh", lambda x: 1 / (1 - x**2), "inverse hyperbolic", (-0.9, 0.9),
                latex="\\operatorname{artanh}",
                antiderivative=lambda u: u * atanh(u) + log(1 - u**2) / 2,
                simplify=_at_zero(ZERO))  # fmt: skip
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
              simplify=_at_zero(ZERO))  # fmt: skip
# sigmoid, softplus and relu are primitives on purpose: their stable NumPy forms never overflow,
# and their derivatives read as ML practitioners write them.
SIGMOID = _record("sigmoid", _sigmoid_impl, lambda x: sigmoid(x) * (1 - sigmoid(x)), "sigmoid",
                  (-4, 4), latex="\\sigma", antiderivative=lambda u: softplus(u))  # fmt: skip
SOFTPLUS = _record("softplus", lambda x: np.logaddexp(0, x), lambda x: sigmoid(x), "softplus",
                   (-4, 4), latex="\\operatorname{softplus}")  # fmt: skip
RELU = _record("relu", lambda x: np.maximum(x, 0), lambda x: heaviside(x), "relu", (-3, 3),
               latex="\\operatorname{ReLU}", antiderivative=lambda u: relu(u) ** 2 / 2,
               simplify=_relu_exact)  # fmt: skip

class _Registry(dict):
    """The records by name; ψₙ of any order n (`polygamma7`) is found by name, made on first
    use, without being listed (the derivative chain ψ' = ψ₁, ψ₁' = ψ₂, … has no end)."""

    def __missing__(self, name: str) -> Primitive:
        from calcml.core.registry_special import polygamma_by_name

        found = polygamma_by_name(name) if isinstance(name, str) else None
        if found is None:
            raise KeyError(name)
        return found


PRIMITIVES: dict[str, Primitive] = _Registry(
    (p.name, p)
    for p in (
        EXP, LOG, SIN, COS, TAN, COT, SEC, CSC, ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH,
        ACOSH, ATANH, ABS, SIGN, HEAVISIDE, ERF, SIGMOID, SOFTPLUS, RELU,
    )
)

exp, log, sin, cos, tan, cot, sec, csc = EXP, LOG, SIN, COS, TAN, COT, SEC, CSC
asin, acos, atan, sinh, cosh, tanh = ASIN, ACOS, ATAN, SINH, COSH, TANH
asinh, acosh, atanh, sign, heaviside, erf = ASINH, ACOSH, ATANH, SIGN, HEAVISIDE, ERF
sigmoid, softplus, relu = SIGMOID, SOFTPLUS, RELU
abs_ = ABS


# More records, one module per family; they use the helpers above, so they load after them.
from calcml.core import registry_numeric as _numeric  # noqa: E402
from calcml.core import registry_reciprocal as _reciprocal  # noqa: E402
from calcml.core import registry_special as _special  # noqa: E402

PRIMITIVES.update((p.name, p) for family in (_reciprocal, _special, _numeric)
                  for p in family.RECORDS)  # fmt: skip
sech, csch, coth, asec, acsc, acot = _reciprocal.RECORDS[:6]
asech, acsch, acoth = _reciprocal.RECORDS[6:]
gamma, lgamma, digamma, trigamma = _special.RECORDS[:4]
polygamma, polygamma_record, beta = _special.polygamma, _special.polygamma_record, _special.beta
log1p, expm1, log2, log10, exp2, logit, erfc, sinc, floor, ceil = _numeric.RECORDS
logaddexp, hypot, arctan2 = _numeric.logaddexp, _numeric.hypot, _numeric.arctan2


def log_base(x: Any, base: Any) -> Any:
    """`log(x, b) = ln x / ln b`."""
    return log(x) / log(base)


#: Euler's number as the float a NumPy user expects next to `math.pi`.
E_FLOAT = math.e
