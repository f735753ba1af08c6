"""calcml: calculus for machine learning.

>>> import calcml as cm
>>> cm.diff("x^3*sin(x)", "x")
x**3*cos(x) + 3*x**2*sin(x)
"""

from calcml.core.errors import (
    BudgetExceeded,
    CalcmlError,
    DomainError,
    LimitError,
    NoClosedFormError,
    ParseError,
    VerificationError,
)
from calcml.core.evaluate import compile
from calcml.core.expr import PI, E, Expr, symbol, symbols
from calcml.core.registry import (
    PRIMITIVES,
    acos,
    acosh,
    acot,
    acoth,
    acsc,
    acsch,
    arctan2,
    asec,
    asech,
    asin,
    asinh,
    atan,
    atanh,
    beta,
    ceil,
    cos,
    cosh,
    cot,
    coth,
    csc,
    csch,
    digamma,
    erf,
    erfc,
    exp,
    exp2,
    expm1,
    floor,
    gamma,
    heaviside,
    hypot,
    lgamma,
    log,
    log1p,
    log2,
    log10,
    logaddexp,
    logit,
    polygamma,
    relu,
    sec,
    sech,
    sigmoid,
    sign,
    sin,
    sinc,
    sinh,
    softplus,
    sqrt,
    tan,
    tanh,
    trigamma,
)
from calcml.core.registry import (
    abs_ as abs,
)

pi = PI
e = E

# NumPy's names for tensors (calcml.autodiff.numpy_api), loaded lazily like the rest below.
_NUMPY_NAMES = (
    "array_split", "atleast_1d", "atleast_2d", "column_stack", "cumprod", "cumsum", "deg2rad",
    "degrees", "diag", "diagonal", "dot", "dstack", "einsum", "expand_dims", "flatten", "flip",
    "fmax", "fmin", "fmod", "hstack", "inner", "logaddexp2", "mod", "moveaxis", "outer", "pad",
    "prod",
    "rad2deg", "radians", "ravel", "reciprocal", "remainder", "repeat", "roll", "select", "sort",
    "split",
    "square", "squeeze", "std", "tensordot", "tile", "tril", "triu", "var", "vstack",
)  # fmt: skip

# The rest of the public surface loads on first use: `import calcml` (and so a cold
# `calcml diff`) pays only for the core, the parser and differentiation.
_LAZY: dict[str, str] = {
    "parse": "calcml.symbolic.parse",
    "parse_definition": "calcml.symbolic.parse",
    "diff": "calcml.symbolic.diff",
    "Derivation": "calcml.symbolic.diff",
    "gradient": "calcml.symbolic.derivatives",
    "jacobian": "calcml.symbolic.derivatives",
    "hessian": "calcml.symbolic.derivatives",
    "tangent": "calcml.symbolic.derivatives",
    "derivative_at": "calcml.symbolic.derivatives",
    "simplify": "calcml.symbolic.simplify",
    "expand": "calcml.symbolic.simplify",
    "integrate": "calcml.symbolic.definite",
    "limit": "calcml.symbolic.limits",
    "oo": "calcml.symbolic.limits",
    "critical_points": "calcml.symbolic.extrema",
    "extrema": "calcml.symbolic.extrema",
    "classify_point": "calcml.symbolic.extrema",
    "Tensor": "calcml.autodiff",
    "tensor": "calcml.autodiff",
    "no_grad": "calcml.autodiff",
    "grad": "calcml.autodiff",
    "value_and_grad": "calcml.autodiff",
    "vjp": "calcml.autodiff",
    "jvp": "calcml.autodiff",
    "hvp": "calcml.autodiff",
    "check_grads": "calcml.autodiff",
    "detect_anomaly": "calcml.autodiff",
    "explain": "calcml.autodiff",
    "trace": "calcml.autodiff",
    "softmax": "calcml.autodiff",
    "log_softmax": "calcml.autodiff",
    "logsumexp": "calcml.autodiff",
    "where": "calcml.autodiff",
    "maximum": "calcml.autodiff",
    "minimum": "calcml.autodiff",
    "clip": "calcml.autodiff",
    "concatenate": "calcml.autodiff",
    "stack": "calcml.autodiff",
    **{name: "calcml.autodiff.numpy_api" for name in _NUMPY_NAMES},
    "minimize": "calcml.ml",
    "fit_mle": "calcml.stats.mle",
}
# `hessian` and `jacobian` of the autodiff side, for functions of arrays:
_RENAMED = {"hessian_of": ("calcml.autodiff", "hessian"),
            "jacobian_of": ("calcml.autodiff", "jacobian")}  # fmt: skip
_SUBMODULES = {"ml", "stats", "autodiff", "symbolic", "core", "metrics", "distributions", "linalg"}
_SUBMODULE_PATHS = {"metrics": "calcml.stats.metrics",
                    "distributions": "calcml.stats.distributions",
                    "linalg": "calcml.autodiff.linalg"}  # fmt: skip


def __getattr__(name: str):
    import importlib

    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif name in _RENAMED:
        module, attr = _RENAMED[name]
        value = getattr(importlib.import_module(module), attr)
    elif name in _SUBMODULES:
        value = importlib.import_module(_SUBMODULE_PATHS.get(name, f"calcml.{name}"))
    else:
        raise AttributeError(f"module 'calcml' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | set(_RENAMED) | _SUBMODULES)


__all__ = [
    "E", "PI", "PRIMITIVES", "BudgetExceeded", "CalcmlError", "DomainError", "Expr",
    "LimitError", "NoClosedFormError", "ParseError", "VerificationError",
    "abs", "acos", "acosh", "asin", "asinh", "atan", "atanh", "compile", "cos", "cosh", "cot",
    "csc", "e", "erf", "exp", "heaviside", "log", "pi", "relu", "sec", "sigmoid", "sign", "sin",
    "sinh", "softplus", "sqrt", "symbol", "symbols", "tan", "tanh",
    # the Γ family, reciprocal hyperbolic and inverse functions, NumPy's careful functions
    "acot", "acoth", "acsc", "acsch", "arctan2", "asec", "asech", "beta", "ceil", "coth", "csch",
    "digamma", "erfc", "exp2", "expm1", "floor", "gamma", "hypot", "lgamma", "log1p", "log2",
    "log10", "logaddexp", "logit", "polygamma", "sech", "sinc", "trigamma",
    *_LAZY, *_RENAMED,
]  # fmt: skip
