"""The registry's elementwise functions on array namespaces other than NumPy (CuPy, ...).

One registry, its kernels resolved per namespace: `xp_forward(prim, xp)` reads `_XP_KERNELS`,
one `f(xp, x)` per primitive written with the array API standard's function names, and
`xp_derivative(prim, xp)` compiles the registry's own rule (`prim.partial`) with those kernels,
exactly as `elementwise.derivative` does for NumPy (`tanh' = 1 - y*y` reuses the forward value
here too). A primitive with no form in the standard (erf, gamma, sinc, ...) raises a one-line
CalcmlError naming the namespace; on CuPy, SciPy's special functions come from
`cupyx.scipy.special`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from calcml.autodiff.elementwise import Code, Kernel, compile_rule
from calcml.autodiff.namespaces import name_of, refuse
from calcml.core.expr import as_expr, symbol
from calcml.core.registry import Primitive

XpKernel = Callable[[Any, Any], Any]


def _xp_sigmoid(xp: Any, x: Any) -> Any:
    z = xp.exp(-xp.abs(x))  # as the registry's impl: e^-|x| never overflows
    return xp.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def _inverse(name: str) -> XpKernel:
    return lambda xp, x: 1.0 / getattr(xp, name)(x)


def _of_inverse(name: str) -> XpKernel:
    return lambda xp, x: getattr(xp, name)(1.0 / x)


def _named(name: str) -> XpKernel:
    return lambda xp, x: getattr(xp, name)(x)


#: The registry's elementwise functions in the array API standard's names: f(xp, x).
_XP_KERNELS: dict[str, XpKernel] = {
    **{n: _named(n) for n in (
        "exp", "log", "sin", "cos", "tan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
        "asin", "acos", "atan", "abs", "sign", "log1p", "expm1", "log2", "log10", "floor",
        "ceil")},
    "cot": _inverse("tan"), "sec": _inverse("cos"), "csc": _inverse("sin"),
    "sech": _inverse("cosh"), "csch": _inverse("sinh"), "coth": _inverse("tanh"),
    "asec": _of_inverse("acos"), "acsc": _of_inverse("asin"), "acot": _of_inverse("atan"),
    "asech": _of_inverse("acosh"), "acsch": _of_inverse("asinh"), "acoth": _of_inverse("atanh"),
    "heaviside": lambda xp, x: xp.astype(x > 0, x.dtype),
    "relu": lambda xp, x: xp.maximum(x, 0.0),  # one kernel, NaN kept (as np.maximum)
    "sigmoid": _xp_sigmoid,
    "softplus": lambda xp, x: xp.logaddexp(x, 0.0),
    "exp2": lambda xp, x: 2.0**x,
    "logit": lambda xp, x: xp.log(x / (1.0 - x)),
}  # fmt: skip

#: Primitives that are SciPy special functions on NumPy: on CuPy, `cupyx.scipy.special` has them.
_CUPY_SPECIAL = {"erf": "erf", "erfc": "erfc", "gamma": "gamma", "lgamma": "gammaln",
                 "digamma": "digamma"}  # fmt: skip

_xp_forward_cache: dict[tuple[Primitive, Any], Kernel] = {}


def _cupy_special(name: str) -> Kernel | None:
    try:
        from cupyx.scipy import special
    except ImportError:  # pragma: no cover - only where CuPy is installed
        return None
    return getattr(special, _CUPY_SPECIAL[name], None)


def xp_forward(prim: Primitive, xp: Any) -> Kernel:
    """`prim` as a kernel on arrays of namespace `xp` (the standard's functions only).

    Raises:
        CalcmlError: `prim` has no form in the array API standard (on CuPy: nor in
            `cupyx.scipy.special`).
    """
    key = (prim, xp)
    kernel = _xp_forward_cache.get(key)
    if kernel is None:
        make = _XP_KERNELS.get(prim.name)
        if make is not None:
            kernel = lambda x, make=make: make(xp, x)  # noqa: E731
        elif prim.name in _CUPY_SPECIAL and "cupy" in name_of(xp):
            kernel = _cupy_special(prim.name)
        if kernel is None:
            raise refuse(f"calcml.{prim.name} (no array-API form)", xp)
        _xp_forward_cache[key] = kernel
    return kernel


def _xp_power_of(xp: Any) -> Callable[[float], Kernel]:
    def power_of(e: float) -> Kernel:
        if e == 2.0:
            return _square_xp
        if e == -1.0:
            return _reciprocal_xp
        if e == 0.5:
            return xp.sqrt
        return lambda v: v**e

    return power_of


_xp_derivative_cache: dict[tuple[Primitive, Any], Code] = {}


def xp_derivative(prim: Primitive, xp: Any) -> Code:
    """The registry's `prim.partial` compiled for arrays of namespace `xp` (see `derivative`).

    >>> import array_api_strict as xps
    >>> from calcml.core.registry import TANH
    >>> x = xps.asarray([0.0, 1.0])
    >>> d = xp_derivative(TANH, xps)
    >>> bool(xps.all(d(xps.tanh(x), x) == 1 - xps.tanh(x) ** 2))
    True
    """
    key = (prim, xp)
    code = _xp_derivative_cache.get(key)
    if code is None:
        x = symbol("x")
        code = compile_rule(
            as_expr(prim.partial(x)),
            x,
            prim(x),
            kernel_of=lambda p: xp_forward(p, xp),
            power_of=_xp_power_of(xp),
            power=lambda a, b: a**b,
        )
        _xp_derivative_cache[key] = code
    return code


def _square_xp(v: Any) -> Any:
    return v * v


def _reciprocal_xp(v: Any) -> Any:
    return 1.0 / v
