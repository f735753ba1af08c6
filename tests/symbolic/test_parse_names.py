"""Function names mean functions: a name calcml knows is read as the function, a name people use
as a function that calcml lacks is refused by name, and neither is ever read as a product."""

from __future__ import annotations

import pytest

import calcml as cm
from calcml.core.errors import ParseError
from calcml.core.expr import symbol
from calcml.core.registry import PRIMITIVES
from calcml.symbolic.parse import ALIASES, FUNCTIONS, parse, parse_definition
from calcml.symbolic.parse.unsupported import UNSUPPORTED

x, s, a, b = symbol("x"), symbol("s"), symbol("a"), symbol("b")
P = PRIMITIVES

READ_AS_FUNCTIONS = [
    ("gamma(x)", cm.gamma(x)), ("Gamma(x)", cm.gamma(x)), ("Γ(x)", cm.gamma(x)),
    ("Γ (x)", cm.gamma(x)), ("lgamma(x)", cm.lgamma(x)), ("lnΓ(x)", cm.lgamma(x)),
    ("gammaln(x)", cm.lgamma(x)), ("psi(x)", cm.digamma(x)), ("ψ(x)", cm.digamma(x)),
    ("ψ₁(x)", cm.trigamma(x)), ("ψ₃(x)", P["polygamma3"](x)),
    ("polygamma(0, x)", cm.digamma(x)), ("polygamma(4, x)", P["polygamma4"](x)),
    ("factorial(x)", cm.gamma(x + 1)), ("beta(a, b)", cm.beta(a, b)),
    ("x·sech(x²)²", x * cm.sech(x**2) ** 2), ("arcsec(x)", cm.asec(x)),
    ("arccot(x)", cm.acot(x)), ("arsech(x)", cm.asech(x)), ("arcsch(x)", cm.acsch(x)),
    ("arcoth(x)", cm.acoth(x)), ("log₂(x)", cm.log2(x)), ("log₁₀(x)", cm.log10(x)),
    ("atan2(x, 2)", cm.arctan2(x, 2 + 0 * x)), ("expit(x)", cm.sigmoid(x)),
    (r"\Gamma(x)", cm.gamma(x)), (r"\Gamma\left(x\right)", cm.gamma(x)),
    (r"\psi(x)", cm.digamma(x)), (r"\psi_1(x)", cm.trigamma(x)),
    (r"\psi_{3}\left(x\right)", P["polygamma3"](x)), (r"\ln\Gamma\left(x\right)", cm.lgamma(x)),
    (r"\coth x", cm.coth(x)), (r"\operatorname{arsech}(x)", cm.asech(x)),
    (r"\log_{10}\left(x\right)", cm.log10(x)),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), READ_AS_FUNCTIONS,
                         ids=[t for t, _ in READ_AS_FUNCTIONS])  # fmt: skip
def test_function_names_are_read_as_functions(text, expected):
    assert parse(text) is expected


STILL_SYMBOLS = [("gamma*x", symbol("gamma") * x), ("gamma x", symbol("gamma") * x),
                 ("Γ", symbol("Gamma")), ("2ψ", 2 * symbol("psi")), ("beta^2", symbol("beta") ** 2),
                 (r"\Gamma x", symbol("Gamma") * x), ("x(x + 1)", x * (x + 1))]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), STILL_SYMBOLS, ids=[t for t, _ in STILL_SYMBOLS])
def test_greek_letters_not_applied_stay_symbols(text, expected):
    assert parse(text) is expected


REFUSED = [
    ("f(x)", 1, "no undefined functions; type the function itself"),
    ("2 + g(x)", 5, "no undefined functions"), ("h(x)^2", 1, "no undefined functions"),
    ("zeta(s)", 1, "Riemann zeta"), ("ζ(s)", 1, "Riemann zeta"), ("x*Li(x)", 3, "li(x)"),
    ("Ei(x)", 1, "exp(t)/t"), ("Si(x)", 1, "sin(t)/t"), ("x + Ci(x)", 5, "cos(t)/t"),
    ("polylog(2, x)", 1, "polylog"),
    ("besselj(0, x)", 1, "Bessel"), ("mod(x, 3)", 1, "x - y*floor(x/y)"),
    ("round(x)", 1, "floor"), ("LambertW(x)", 1, "Lambert"), ("binomial(x, 2)", 1, "gamma(n+1)"),
    (r"f(x) + 1", 1, "no undefined functions"), (r"\zeta(s)", 1, "Riemann zeta"),
    (r"\operatorname{Li}(x)", 1, "li(x)"), ("beta(x)", 1, "takes 2 arguments"),
    ("polygamma(x, x)", None, "whole number"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "column", "fragment"), REFUSED,
                         ids=[t for t, _, _ in REFUSED])  # fmt: skip
def test_functions_calcml_lacks_are_refused_by_name(text, column, fragment):
    with pytest.raises(ParseError) as info:
        parse(text)
    message = str(info.value)
    assert fragment in message and "\n" not in message
    if column is not None:
        assert info.value.column == column and f"column {column}" in message


def test_a_definition_still_names_its_function():
    assert parse_definition("f(x) = x^2") == ("f", ("x",), x**2)
    assert parse_definition("g(t) = sech(t)") == ("g", ("t",), cm.sech(symbol("t")))


NAMES = sorted(set(FUNCTIONS) | set(ALIASES) | set(UNSUPPORTED))


@pytest.mark.parametrize("name", NAMES)
def test_no_function_name_is_ever_a_product(name):
    """`name(x)` (or `name(x, x)`) is a function or an error, never the symbol times x."""
    for text in (f"{name}(x)", f"{name}(2, x)"):
        try:
            e = parse(text)
        except ParseError:
            continue
        assert e is not symbol(name) * x and symbol(name) not in e.free_symbols, text
