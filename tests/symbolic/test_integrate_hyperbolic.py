"""Hyperbolic integrands: Bioche's rules for sinh and cosh, roots that cosh² − sinh² = 1 makes
single powers, fractional powers, reduction formulas that cancel, and u = a hyperbolic function.

Oracle: the integrand is evaluated by SymPy (never by calcml) and compared with central
differences of calcml's antiderivative at random points where both are finite; the steps must
name the method and pass the step checker. The integrals are textbook exercises of each class.
"""

from __future__ import annotations

import pytest

from calcml.core.expr import symbol
from calcml.symbolic.integrate import integrate_indefinite
from calcml.symbolic.parse import parse
from calcml.symbolic.steps import formula

from .test_integrate_trig_rational import central_differences_match
from .test_steps_checked import _assert_all_checked

x = symbol("x")

#: (integrand, the method that must show in the steps, a word its step must contain)
CASES = [
    ("1/(4 + 5*sinh(x)**2)", "Bioche's rule", "u = tanh(x)"),
    ("sinh(x)**3/(2 + cosh(x))", "Bioche's rule", "u = cosh(x)"),
    ("cosh(x)/(1 + sinh(x)**2)", "Bioche's rule", ""),
    ("tanh(x)**3*sech(x)**4", "Bioche's rule", ""),
    ("cosh(x)*tanh(3*x)", "Bioche's rule", "u = cosh(x)"),
    ("(cosh(x)**2 - sinh(x)**2)**(-2)", "hyperbolic identity", ""),
    ("sqrt(4 + 4*sinh(x)**2)", "Pythagorean identity|Pythagorean square", ""),
    ("sqrt(cosh(x)**2 - 1)*cosh(x)", "Pythagorean identity|Pythagorean square|substitution", ""),
    ("(1 + csch(x)**2)**(-1/2)", "Pythagorean identity|Pythagorean square", ""),
    ("sqrt(sinh(x)*tanh(x))", "Pythagorean identity|Pythagorean square", ""),
    ("sinh(x)**5/sqrt(cosh(x))", "substitution", "u = cosh(x)"),
    ("cosh(x)**3*sinh(x)**(1/3)", "substitution", "u = sinh(x)"),
    ("sinh(x)**(1/2)/cosh(x)**(5/2)", "substitution", "u = tanh(x)"),
    ("cosh(x)**(-7/2) - 3*cosh(x)**(-3/2)/5", "reduction formula", "coshᵖ"),
    ("x*sinh(x)**(3/2) + x/(3*sqrt(sinh(x)))", "integration by parts", ""),
    ("sech(x)*tanh(x)*sqrt(2 + sech(x))", "substitution", ""),
    ("sech(x)**2*sqrt(4 + tanh(x)**2)", "substitution", "u = tanh(x)"),
]


@pytest.mark.parametrize(("text", "rule", "words"), CASES, ids=[c[0] for c in CASES])
def test_hyperbolic_solved_checked_and_named(text: str, rule: str, words: str) -> None:
    f = parse(text)  # read by calcml; the oracle evaluates the text with SymPy
    found = integrate_indefinite(f, x, steps=True)
    assert found.verified and found.rejected == 0, text
    assert central_differences_match(text, found.result) >= 20
    _assert_all_checked(found.steps, text)
    # "a|b": the trigonometric work's Pythagorean square, earlier in the order, takes the same
    # identity cosh² − sinh² = 1 under the root
    named = [s for s in found.steps.walk() if s.rule in rule.split("|")]
    assert named, f"{text}: no {rule!r} step in {[s.rule for s in found.steps.walk()]}"
    if words:
        shown = [f"u = {s.get('u').text()}" if s.get("u") is not None else formula(s)
                 for s in named]  # fmt: skip
        assert any(words in t for t in shown), shown


@pytest.mark.parametrize(("text", "answer"), [
    ("1/(1 + sinh(x)**2)", "tanh(x)"),
    ("1/(1 - cosh(x)**2)", "coth(x)"),
    ("sech(x)**2*(1 + cosh(x)**2)", "x + tanh(x)"),
    ("(sech(x)**2 + tanh(x)**2)**(-3)", "x"),
    ("sqrt(1 + sinh(x)**2)", "sinh(x)"),
])  # fmt: skip
def test_answers_as_short_as_the_textbook(text: str, answer: str) -> None:
    """tanh x, not −2/(e²ˣ + 1): the substitution the symmetry picks, and ln|tanh x ± 1| tidied."""
    assert integrate_indefinite(text, "x").text() == answer


def test_sign_factor_outside_the_integral() -> None:
    """√(cosh² x − 1) = |sinh x|: the ±1 factor √(cosh² x − 1)/sinh x is constant on x < 0 and on
    x > 0, and comes outside; the answer is right on both sides (checked by SymPy above)."""
    text = "sqrt(cosh(x)**2 - 1)"
    found = integrate_indefinite(text, "x", steps=True)
    assert central_differences_match(text, found.result) >= 40
    shown = found.result.text()  # the ±1 factor as √(cosh² x − 1)/sinh x, or as |sinh x|/sinh x
    assert "√(cosh(x)² - 1)" in shown or "|sinh(x)|" in shown


def test_reciprocal_powers_count_as_powers() -> None:
    """(1/sinh x)^(5/2), as csch is sometimes written, is sinh^(−5/2) x for the reduction."""
    text = "x/(1/sinh(x))**(5/2) + 3*x/(5*sqrt(1/sinh(x)))"
    found = integrate_indefinite(text, "x", steps=True)
    assert central_differences_match(text, found.result) >= 20


@pytest.mark.parametrize(("text", "rule"), [
    ("2**x/(1 + 4**x)", "substitution"),
    ("(9**x - 1)/(3**x + 1)", "substitution"),
    ("exp(2*x)/sqrt(9 + exp(4*x))", "substitution"),
    ("exp(x + exp(x))*cos(exp(exp(x)))", "laws of exponents"),
    ("3**log(x)*x**2", "laws of exponents|exponential identities"),
    ("1/(x*(2 + log(5*x) + log(5*x)**2))", "substitution|logarithmic substitution"),
    ("x**x*(1 + log(x))", "substitution|exponential identities"),
])  # fmt: skip
def test_exponential_and_logarithmic_compositions(text: str, rule: str) -> None:
    """aˣ as a power of gˣ, e^(a + b) = eᵃ·eᵇ, a^(ln g) = g^(ln a), and derivative-divides when
    x cancels only after u = ln(5x) is put in."""
    found = integrate_indefinite(parse(text), x, steps=True)
    assert found.verified and found.rejected == 0, text
    assert central_differences_match(text, found.result) >= 20
    _assert_all_checked(found.steps, text)
    rules = set(rule.split("|"))  # two methods that say the same, whichever the order tries first
    assert any(s.rule in rules for s in found.steps.walk()), [s.rule for s in found.steps.walk()]


@pytest.mark.parametrize(("text", "answer"), [
    ("1/(1 + cosh(x)**2)", "√2·atanh(√2·tanh(x)/2)/2"),
    ("sinh(x)/cosh(2*x)", "-√2·atanh(√2/(2·cosh(x)))/2"),
])  # fmt: skip
def test_logarithm_pairs_become_atanh_on_the_right_side(text: str, answer: str) -> None:
    """|tanh x/√2| < 1 everywhere: atanh(w/a); |√2·cosh x| > 1 everywhere: atanh(a/w)."""
    found = integrate_indefinite(parse(text), x, steps=True)
    assert found.result.text() == answer
    assert central_differences_match(text, found.result) >= 40

