"""Fast NumPy kernels for the registry's elementwise functions, and their compiled derivatives.

The tensor engine reads every elementwise derivative from the registry (`Primitive.partial`).
Evaluating that rule through the generic functions on a NumPy array costs microseconds per call
(dispatch and `np.errstate`), so on the plain-array path the engine uses a compiled form instead:

- `forward(prim)`: the primitive's value as one NumPy (or SciPy) ufunc call where one exists,
  `prim.impl` otherwise. A test checks each kernel against `prim.impl` on the record's domain.
- `derivative(prim)`: `prim.partial(x)` built once on a symbol, then compiled to nested closures
  over NumPy ufuncs. Every occurrence of `prim(x)` in the rule is replaced by the forward value
  `y`, so `tanh' = 1 - tanh(x)^2` runs as `1 - y*y` and `exp' = exp(x)` costs nothing: the saving
  is derived from the registry's rule, not written by hand.

The kernels follow NumPy, including its RuntimeWarnings (`log(0)` warns, as in NumPy).

Other array namespaces get their kernels from `elementwise_xp.py`, through `compile_rule` too.

>>> import numpy as np
>>> from calcml.core.registry import TANH
>>> d = derivative(TANH)
>>> x = np.array([0.0, 1.0])
>>> np.allclose(d(np.tanh(x), x), 1 - np.tanh(x) ** 2)
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from calcml.core.expr import Add, Apply, Expr, Mul, Number, Pow, as_expr, symbol
from calcml.core.registry import Primitive

Kernel = Callable[[Any], Any]
#: A compiled derivative: d(y, x) -> f'(x) as an array (or a float when f' is constant).
Derivative = Callable[[Any, Any], Any] | float


def _special(name: str) -> Kernel:
    # SciPy's special functions load on first use, as in the registry: a cold import stays cheap.
    from scipy import special

    return getattr(special, name)


def _reciprocal_of(f: Kernel) -> Kernel:
    def kernel(x: Any) -> Any:
        return 1.0 / f(x)

    return kernel


def _of_reciprocal(f: Kernel) -> Kernel:
    def kernel(x: Any) -> Any:
        return f(1.0 / x)

    return kernel


def _relu(x: Any) -> Any:
    return np.maximum(x, 0.0)


def _heaviside(x: Any) -> Any:
    # (x > 0) as x's float type: 0 at 0 and at NaN like the registry's impl; np.heaviside is
    # several times slower.
    return (x > 0).astype(x.dtype) if hasattr(x, "dtype") else float(x > 0)


def _softplus(x: Any) -> Any:
    return np.logaddexp(0.0, x)


# name -> a zero-argument factory of the fast kernel (factories keep SciPy's import lazy).
_KERNELS: dict[str, Callable[[], Kernel]] = {
    "exp": lambda: np.exp,
    "log": lambda: np.log,
    "sin": lambda: np.sin,
    "cos": lambda: np.cos,
    "tan": lambda: np.tan,
    "cot": lambda: _reciprocal_of(np.tan),
    "sec": lambda: _reciprocal_of(np.cos),
    "csc": lambda: _reciprocal_of(np.sin),
    "asin": lambda: np.arcsin,
    "acos": lambda: np.arccos,
    "atan": lambda: np.arctan,
    "sinh": lambda: np.sinh,
    "cosh": lambda: np.cosh,
    "tanh": lambda: np.tanh,
    "asinh": lambda: np.arcsinh,
    "acosh": lambda: np.arccosh,
    "atanh": lambda: np.arctanh,
    "abs": lambda: np.abs,
    "sign": lambda: np.sign,
    "heaviside": lambda: _heaviside,
    "erf": lambda: _special("erf"),
    "sigmoid": lambda: _special("expit"),
    "softplus": lambda: _softplus,
    "relu": lambda: _relu,
    "sech": lambda: _reciprocal_of(np.cosh),
    "csch": lambda: _reciprocal_of(np.sinh),
    "coth": lambda: _reciprocal_of(np.tanh),
    "asec": lambda: _of_reciprocal(np.arccos),
    "acsc": lambda: _of_reciprocal(np.arcsin),
    "acot": lambda: _of_reciprocal(np.arctan),
    "asech": lambda: _of_reciprocal(np.arccosh),
    "acsch": lambda: _of_reciprocal(np.arcsinh),
    "acoth": lambda: _of_reciprocal(np.arctanh),
    "gamma": lambda: _special("gamma"),
    "lgamma": lambda: _special("gammaln"),
    "digamma": lambda: _special("digamma"),
    "log1p": lambda: np.log1p,
    "expm1": lambda: np.expm1,
    "log2": lambda: np.log2,
    "log10": lambda: np.log10,
    "exp2": lambda: np.exp2,
    "logit": lambda: _special("logit"),
    "erfc": lambda: _special("erfc"),
    "sinc": lambda: np.sinc,
    "floor": lambda: np.floor,
    "ceil": lambda: np.ceil,
}

_forward_cache: dict[Primitive, Kernel] = {}


def forward(prim: Primitive) -> Kernel:
    """The fastest NumPy kernel computing `prim` elementwise (falls back to `prim.impl`).

    Arguments:
        prim: a registry record.

    Returns:
        kernel(array) -> array of the same shape and floating dtype.

    >>> from calcml.core.registry import RELU
    >>> forward(RELU)(np.array([-1.0, 2.0]))
    array([0., 2.])
    """
    kernel = _forward_cache.get(prim)
    if kernel is None:
        factory = _KERNELS.get(prim.name)
        kernel = factory() if factory is not None else prim.impl
        _forward_cache[prim] = kernel
    return kernel


# --- compiling a registry rule to closures -------------------------------------------------------

Code = float | Callable[[Any, Any], Any]


def _arg_x(y: Any, x: Any) -> Any:
    return x


def _arg_y(y: Any, x: Any) -> Any:
    return y


def _unary(kernel: Kernel, c: Code) -> Code:
    if isinstance(c, float):
        return float(kernel(c))
    if c is _arg_x:
        return lambda y, x: kernel(x)
    if c is _arg_y:
        return lambda y, x: kernel(y)
    return lambda y, x: kernel(c(y, x))


def _square(v: Any) -> Any:
    return v * v


def _reciprocal(v: Any) -> Any:
    return 1.0 / v


def _rsqrt(v: Any) -> Any:
    return 1.0 / np.sqrt(v)


def _power_kernel(e: float) -> Kernel:
    special = {2.0: _square, -1.0: _reciprocal, 0.5: np.sqrt, -0.5: _rsqrt}.get(e)
    return special if special is not None else (lambda v: np.power(v, e))


def _sum(
    const: float,
    parts: list[Callable[[Any, Any], Any]],
    negated: dict[Any, Callable[[Any, Any], Any]],
) -> Code:
    if not parts:
        return const
    if len(parts) == 1:
        (f,) = parts
        if const == 0:
            return f
        h = negated.get(f)
        if h is not None:  # c + (-h) as one subtraction: 1 - tanh² costs two passes, not three
            return lambda y, x: const - h(y, x)
        return lambda y, x: const + f(y, x)

    def total(y: Any, x: Any) -> Any:
        acc = parts[0](y, x)
        for f in parts[1:]:
            acc = acc + f(y, x)
        return acc + const if const else acc

    return total


_NEGATED: dict[Any, Callable[[Any, Any], Any]] = {}  # a negating closure -> what it negates


def _negation(f: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def negated(y: Any, x: Any) -> Any:
        return -f(y, x)

    _NEGATED[negated] = f
    return negated


def _product(const: float, parts: list[Callable[[Any, Any], Any]]) -> Code:
    if not parts or const == 0:
        return const
    if len(parts) == 1:
        (f,) = parts
        if const == 1:
            return f
        if const == -1:
            return _negation(f)
        return lambda y, x: const * f(y, x)
    if len(parts) == 2 and const == 1:
        f, h = parts
        return lambda y, x: f(y, x) * h(y, x)

    def prod(y: Any, x: Any) -> Any:
        acc = parts[0](y, x)
        for f in parts[1:]:
            acc = acc * f(y, x)
        return acc * const if const != 1 else acc

    return prod


def _split(codes: list[Code]) -> tuple[list[float], list[Callable[[Any, Any], Any]]]:
    consts = [c for c in codes if isinstance(c, float)]
    parts = [c for c in codes if not isinstance(c, float)]
    return consts, parts


def _np_power(a: Any, b: Any) -> Any:
    return np.power(a, b)


def compile_rule(
    expr: Expr,
    x: Expr,
    y: Expr,
    kernel_of: Callable[[Primitive], Kernel] | None = None,
    power_of: Callable[[float], Kernel] = _power_kernel,
    power: Callable[[Any, Any], Any] = _np_power,
) -> Code:
    """Compile `expr` (in the symbol `x`, with the node `y` standing for the forward value).

    Arguments:
        expr: the derivative expression.
        x: the symbol the rule is written in.
        y: the subexpression `prim(x)`, read from the forward value instead of recomputed.
        kernel_of, power_of, power: the kernels of registry functions, of a constant power and
            of a general power (NumPy's by default; another namespace's for `xp_derivative`).

    Returns:
        a float when `expr` is constant, else code(y, x) evaluating it on arrays.
    """
    kernel_of = forward if kernel_of is None else kernel_of
    done: dict[Expr, Code] = {}
    for node in expr.walk():  # children before parents, iteratively
        if node is y:
            done[node] = _arg_y
        elif node is x:
            done[node] = _arg_x
        elif not node.free_symbols:
            done[node] = float(node)
        elif isinstance(node, Apply):
            done[node] = _unary(kernel_of(node.prim), done[node.arg])
        elif isinstance(node, Pow) and isinstance(node.exp, Number):
            done[node] = _unary(power_of(float(node.exp.value)), done[node.base])
        elif isinstance(node, Pow):
            base, exponent = done[node.base], done[node.exp]
            b = base if callable(base) else (lambda y, x, v=base: v)
            e = exponent if callable(exponent) else (lambda y, x, v=exponent: v)
            done[node] = lambda yy, xx, b=b, e=e: power(b(yy, xx), e(yy, xx))
        elif isinstance(node, Add | Mul):
            consts, parts = _split([done[a] for a in node.args])
            if isinstance(node, Add):
                done[node] = _sum(float(sum(consts)), parts, _NEGATED)
            else:
                done[node] = _product(float(np.prod(consts)) if consts else 1.0, parts)
        else:  # pragma: no cover - the registry only builds the nodes above
            raise TypeError(f"cannot compile {type(node).__name__} node {node}")
    return done[expr]


_derivative_cache: dict[Primitive, Code] = {}


def _sinc_prime(y: Any, x: Any) -> Any:
    """sinc'(x) = (cos(πx) − sinc x)/x, whose 0/0 at x = 0 is removable: near 0 its Taylor
    series −π²x/3 + π⁴x³/30 (error below 1e-20 for |x| < 1e-4) replaces the quotient."""
    x = np.asarray(x, dtype=float) if not hasattr(x, "dtype") else x
    small = np.abs(x) < 1e-4
    safe = np.where(small, 1.0, x)
    quotient = (np.cos(np.pi * safe) - np.sinc(safe)) / safe
    series = -(np.pi**2) * x / 3 + np.pi**4 * x**3 / 30
    return np.where(small, series, quotient)


#: Rules whose registry form has a removable singularity (0/0) at a point where the function is
#: smooth: on arrays they run as these kernels, so the gradient there is finite, not NaN.
_REMOVABLE: dict[str, Callable[[Any, Any], Any]] = {"sinc": _sinc_prime}


def derivative(prim: Primitive) -> Code:
    """The registry's `prim.partial`, compiled for NumPy arrays.

    Arguments:
        prim: a registry record.

    Returns:
        d(y, x) -> f'(x) with y = f(x) the forward value (same shape as x), or a float when
        f' is a constant (sign and heaviside: 0).

    >>> from calcml.core.registry import EXP, SIGN
    >>> d = derivative(EXP)
    >>> float(d(np.exp(1.0), 1.0)) == float(np.exp(1.0))
    True
    >>> derivative(SIGN)
    0.0
    """
    code = _derivative_cache.get(prim)
    if code is None and prim.name in _REMOVABLE:
        code = _derivative_cache[prim] = _REMOVABLE[prim.name]
    if code is None:
        x = symbol("x")
        code = compile_rule(as_expr(prim.partial(x)), x, prim(x))
        _derivative_cache[prim] = code
    return code
