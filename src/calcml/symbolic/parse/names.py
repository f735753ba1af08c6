"""Names of functions, constants and letters the parser knows."""

from __future__ import annotations

import difflib
import keyword
import re
from collections.abc import Callable
from fractions import Fraction

from calcml.core.errors import ParseError
from calcml.core.expr import HALF, ONE, ZERO, Expr, Number, apply, number, power
from calcml.core.registry import (
    ABS,
    PRIMITIVES,
    arctan2,
    beta,
    gamma,
    hypot,
    log_base,
    logaddexp,
    polygamma_record,
    relu,
)
from calcml.core.registry_special import MAX_POLYGAMMA_ORDER, polygamma_by_name

#: Longest name of a symbol or function, in characters (a limit local to parsing).
MAX_NAME_LENGTH = 100

# --- names -------------------------------------------------------------------------------------

Handler = tuple[int, int, Callable[[list[Expr]], Expr]]  # least and most arguments, builder


def _unary(name: str) -> Handler:
    prim = PRIMITIVES[name]
    return 1, 1, lambda a: prim(a[0])


def _log(a: list[Expr]) -> Expr:
    """ln x, or log(x, b) = ln x/ln b (`log2(x)` and `log10(x)` are records of their own)."""
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


def _polygamma(a: list[Expr]) -> Expr:
    """polygamma(n, x) = ψₙ(x), for an integer order n written as a number."""
    n = a[0]
    if not (isinstance(n, Number) and isinstance(n.value, int) and n.value >= 0):
        raise ParseError(f"polygamma(n, x) needs a whole number n ≥ 0 as its order, not {n}")
    if n.value > MAX_POLYGAMMA_ORDER:
        raise ParseError(f"polygamma of order {n.value}: calcml has orders 0 to "
                         f"{MAX_POLYGAMMA_ORDER}")  # fmt: skip
    return polygamma_record(n.value)(a[1])


FUNCTIONS: dict[str, Handler] = {
    **{name: _unary(name) for name in PRIMITIVES},
    "log": (1, 2, _log),
    "sqrt": (1, 1, lambda a: power(a[0], HALF)),
    "cbrt": (1, 1, lambda a: power(a[0], number(Fraction(1, 3)))),
    "max": (2, 2, _max),
    "min": (2, 2, _min),
    # Two-argument functions, written with calcml's one-argument records (see the registry).
    "beta": (2, 2, lambda a: beta(a[0], a[1])),
    "logaddexp": (2, 2, lambda a: logaddexp(a[0], a[1])),
    "hypot": (2, 2, lambda a: hypot(a[0], a[1])),
    "atan2": (2, 2, lambda a: arctan2(a[0], a[1])),
    "polygamma": (2, 2, _polygamma),
    "factorial": (1, 1, lambda a: gamma(a[0] + ONE)),
}
ALIASES = {
    "ln": "log", "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arsinh": "asinh",
    "arcsinh": "asinh", "arcosh": "acosh", "arccosh": "acosh", "artanh": "atanh",
    "arctanh": "atanh", "cosec": "csc", "sgn": "sign", "Abs": "abs", "ReLU": "relu",
    "Heaviside": "heaviside", "logistic": "sigmoid", "expit": "sigmoid",
    "arcsec": "asec", "arccsc": "acsc", "arccosec": "acsc", "arccot": "acot", "arsech": "asech",
    "arcsech": "asech", "arcsch": "acsch", "arccsch": "acsch", "arcoth": "acoth",
    "arccoth": "acoth", "arctan2": "atan2", "log_2": "log2", "log_10": "log10",
    "Gamma": "gamma", "loggamma": "lgamma", "lngamma": "lgamma", "gammaln": "lgamma",
    "psi": "digamma", "psi_0": "digamma", "psi_1": "trigamma", "Beta": "beta",
}  # fmt: skip
#: Names that are Greek letters as well as functions: a function only when applied, `gamma(x)`;
#: `gamma x` and `gamma*x` are the symbol γ times x.
_APPLIED_ONLY = {"gamma", "Gamma", "beta", "Beta", "psi", "psi_0", "psi_1"}
#: The tables below are shared with the tokenizers (lexer, latex) and the Unicode pass, which
#: classify names with them; they live here, the lowest module, so each is written once.
APPLIED = re.compile(r"\s*\(")  # an opening bracket follows: the name is applied
#: `sin^-1 x` is asin(x): the inverse each function power -1 stands for.
INVERSES = {"sin": "asin", "cos": "acos", "tan": "atan", "sinh": "asinh", "cosh": "acosh",
            "tanh": "atanh"}  # fmt: skip
CONSTANTS = {"pi": "pi", "e": "E", "E": "E"}
INFINITIES = {"inf", "Inf", "INF", "infinity", "Infinity", "oo", "nan", "NaN", "NAN", "zoo"}
KEYWORDS = set(keyword.kwlist) - {"lambda"}  # λ is a common parameter name
#: Greek letters typed as characters, with the names they are spelled as.
GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ϑ": "theta", "ι": "iota", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "ρ": "rho", "σ": "sigma", "ς": "sigma",
    "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
    "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi",
    "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}  # fmt: skip
GREEK_NAMES = set(GREEK.values()) | {"omicron", "Upsilon"}
# Letters that look like Latin ones; rejected with the Latin letter as a suggestion.
LOOKALIKES = dict(zip("аеорсухіјѕԁһӏАВЕКМНОРСТХοΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
                      "aeopcyxijsdhlABEKMHOPCTXoABEZHIKMNOPTYX", strict=True))  # fmt: skip


def function_key(name: str, applied: bool = True) -> str | None:
    """The FUNCTIONS key a name stands for, or None; `applied`: an opening bracket follows."""
    if name in _APPLIED_ONLY and not applied:
        return None
    key = ALIASES.get(name, name)
    if key in FUNCTIONS:
        return key
    m = re.fullmatch(r"psi_([0-9]{1,3})", name)
    if m and applied:
        name = f"polygamma{m.group(1)}"
    prim = polygamma_by_name(name)
    if prim is None:
        return None
    FUNCTIONS.setdefault(prim.name, _unary(prim.name))
    return prim.name


def suggest(name: str, choices: list[str]) -> str:
    """The "; did you mean 'sin'?" hint for a close match, shared by every tokenizer's messages."""
    lowered = {c.lower(): c for c in choices}
    found = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return f"; did you mean '{lowered[found[0]]}'?" if found else ""


#: Every function name and alias, the choices `suggest` offers for an unknown function.
FUNCTION_NAMES = sorted(set(FUNCTIONS) | set(ALIASES))
