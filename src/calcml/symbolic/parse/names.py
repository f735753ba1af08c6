"""Names of functions, constants and letters the parser knows."""

from __future__ import annotations

import difflib
import keyword
from collections.abc import Callable
from fractions import Fraction

from calcml.core.expr import HALF, ZERO, Expr, apply, number, power
from calcml.core.registry import ABS, PRIMITIVES, log_base, relu

#: Longest name of a symbol or function, in characters (a limit local to parsing).
MAX_NAME_LENGTH = 100

# --- names -------------------------------------------------------------------------------------

Handler = tuple[int, int, Callable[[list[Expr]], Expr]]  # least and most arguments, builder


def _unary(name: str) -> Handler:
    prim = PRIMITIVES[name]
    return 1, 1, lambda a: prim(a[0])


def _log(a: list[Expr]) -> Expr:
    return PRIMITIVES["log"](a[0]) if len(a) == 1 else log_base(a[0], a[1])


def _max(a: list[Expr]) -> Expr:
    """max(0, x) is relu(x); otherwise (a + b + |a - b|)/2, exact for real a and b."""
    if a[0] is ZERO or a[1] is ZERO:
        return relu(a[1] if a[0] is ZERO else a[0])
    return (a[0] + a[1] + apply(ABS, a[0] - a[1])) * HALF


def _min(a: list[Expr]) -> Expr:
    """min(0, x) is -relu(-x); otherwise (a + b - |a - b|)/2."""
    if a[0] is ZERO or a[1] is ZERO:
        return -relu(-(a[1] if a[0] is ZERO else a[0]))
    return (a[0] + a[1] - apply(ABS, a[0] - a[1])) * HALF


FUNCTIONS: dict[str, Handler] = {
    **{name: _unary(name) for name in PRIMITIVES},
    "log": (1, 2, _log),
    "sqrt": (1, 1, lambda a: power(a[0], HALF)),
    "cbrt": (1, 1, lambda a: power(a[0], number(Fraction(1, 3)))),
    "log10": (1, 1, lambda a: log_base(a[0], number(10))),
    "log2": (1, 1, lambda a: log_base(a[0], number(2))),
    "max": (2, 2, _max),
    "min": (2, 2, _min),
}
ALIASES = {
    "ln": "log", "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arsinh": "asinh",
    "arcsinh": "asinh", "arcosh": "acosh", "arccosh": "acosh", "artanh": "atanh",
    "arctanh": "atanh", "cosec": "csc", "sgn": "sign", "Abs": "abs", "ReLU": "relu",
    "Heaviside": "heaviside", "logistic": "sigmoid",
}  # fmt: skip
_INVERSES = {"sin": "asin", "cos": "acos", "tan": "atan", "sinh": "asinh", "cosh": "acosh",
             "tanh": "atanh"}  # fmt: skip
_CONSTANTS = {"pi": "pi", "e": "E", "E": "E"}
_INFINITIES = {"inf", "Inf", "INF", "infinity", "Infinity", "oo", "nan", "NaN", "NAN", "zoo"}
_KEYWORDS = set(keyword.kwlist) - {"lambda"}  # λ is a common parameter name
_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ϑ": "theta", "ι": "iota", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "ρ": "rho", "σ": "sigma", "ς": "sigma",
    "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
    "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi",
    "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}  # fmt: skip
_GREEK_NAMES = set(_GREEK.values()) | {"omicron", "Upsilon"}
# Letters that look like Latin ones; rejected with the Latin letter as a suggestion.
_LOOKALIKES = dict(zip("аеорсухіјѕԁһӏАВЕКМНОРСТХοΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
                       "aeopcyxijsdhlABEKMHOPCTXoABEZHIKMNOPTYX", strict=True))  # fmt: skip


def _function_key(name: str) -> str | None:
    key = ALIASES.get(name, name)
    return key if key in FUNCTIONS else None


def _suggest(name: str, choices: list[str]) -> str:
    lowered = {c.lower(): c for c in choices}
    found = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return f"; did you mean '{lowered[found[0]]}'?" if found else ""


_FUNCTION_NAMES = sorted(set(FUNCTIONS) | set(ALIASES))
