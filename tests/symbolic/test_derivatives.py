"""Gradients, Jacobians and Hessians: SymPy as the oracle, and the two ways partials are found
(term by term for sums of monomials, the reverse sweep otherwise) agreeing with each other."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import calcml as cm
from calcml.core.expr import add, number, symbols
from calcml.symbolic.diff import _sweep, live_nodes, reverse_partials
from calcml.symbolic.termwise import termwise_partials

from .sympy_oracle import to_sympy, values_agree

x, y, z, a = symbols("x y z a")
XYZ = [x, y, z]
rng = np.random.default_rng(3)
POINTS = [dict(zip("xyza", map(float, row), strict=True)) for row in rng.uniform(0.2, 1.5, (6, 4))]

CASES = [
    "x^2*y + y^3 + 3*x*y*z",  # a polynomial: term by term
    "a*x^3*y^2 - 7*x*z + sin(a)*y^4 + 2",  # parameters ride along as coefficients
    "x^(1/2)*y^-2 + 5*z^(3/2)",  # fractional and negative powers
    "x*sin(y) + exp(x*z)",  # functions of the variables: the reverse sweep
    "(x + y)^3 + x*y",  # a power of a sum: the reverse sweep
    "log(x^2 + y^2 + z^2) + tanh(x*y*z)",
]


def _sympy(text: str) -> sympy.Expr:
    return to_sympy(cm.parse(text))


@pytest.mark.parametrize("text", CASES)
def test_gradient_and_hessian_match_sympy(text: str) -> None:
    f, theirs = cm.parse(text), _sympy(text)
    names = [sympy.Symbol(v.name, real=True) for v in XYZ]
    for ours, var in zip(cm.gradient(f, XYZ), names, strict=True):
        assert values_agree(ours, sympy.diff(theirs, var), POINTS) >= 4
    hessian = cm.hessian(f, XYZ)
    for i, row in enumerate(hessian):
        for j, entry in enumerate(row):
            assert entry is hessian[j][i]
            assert values_agree(entry, sympy.diff(theirs, names[i], names[j]), POINTS) >= 4


def test_jacobian_rows_are_gradients() -> None:
    fs = ["x*y + z", "x^2 - y*z^3", "sin(x)*y"]
    assert cm.jacobian(fs, "x y z") == [cm.gradient(f, "x y z") for f in fs]
    assert cm.jacobian(["x*y", "x + y"], "x y") == [[y, x], [number(1), number(1)]]


def _both(f, variables):
    order = list(f.walk())
    live = live_nodes(order, set(variables))
    return termwise_partials(f, variables, live), _sweep(f, variables, order, live)


def test_term_by_term_applies_only_to_sums_of_monomials() -> None:
    monomials = cm.parse("3*x^4*y - x*y*z/2 + a*z^-1 + x^(1/2) + 7")
    assert _both(monomials, XYZ)[0] is not None
    for text in ("x*sin(y)", "(x + y)^2*z", "2^x + y", "x*(y + z)*a"):
        assert _both(cm.parse(text), XYZ)[0] is None, text
    assert termwise_partials(cm.parse("a^2"), XYZ, set()) == [number(0)] * 3


monomial = st.builds(
    lambda c, exps, k: number(c) * a**k * x ** exps[0] * y ** exps[1] * z ** exps[2],
    st.integers(-9, 9).filter(bool),
    st.tuples(*[st.sampled_from([0, 1, 2, 3, -1, number(1) / 2])] * 3),
    st.integers(0, 2),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(monomial, min_size=1, max_size=12), st.permutations(XYZ))
def test_term_by_term_partials_equal_the_sweeps(terms, order) -> None:
    """Equal values everywhere; the forms may differ: the sweep adds up a shared factor's
    adjoints first (y²+a·y² gives 2y·(a+1)), term by term keeps the terms (2a·y + 2y)."""
    f = add(*terms)
    wanted = list(order[: 1 + len(terms) % 3])
    fast, general = _both(f, wanted)
    assert fast is not None
    assert reverse_partials(f, wanted) == fast
    run = cm.compile([*fast, *general], ["x", "y", "z", "a"])
    with np.errstate(all="ignore"):
        values = run(*rng.uniform(0.3, 2.0, (4, 16)))
    n = len(wanted)
    for ours, theirs in zip(values[:n], values[n:], strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_quartic_hessian_of_the_benchmark_shape_matches_sympy() -> None:
    """A smaller cousin of the derivatives benchmark (d): 40 terms of degree 4 in 5 variables."""
    terms, r = [], np.random.default_rng(7)
    for _ in range(40):
        powers = np.bincount(r.integers(0, 5, 4), minlength=5)
        mono = "*".join(f"y{v}**{p}" for v, p in enumerate(powers) if p)
        terms.append(f"{int(r.integers(-9, 10)) or 1}*{mono}")
    text = " + ".join(terms)
    names = [f"y{i}" for i in range(5)]
    ours = cm.hessian(cm.parse(text), names)
    theirs = sympy.hessian(sympy.sympify(text), sympy.symbols(names))
    for i in range(5):
        for j in range(5):
            assert sympy.expand(sympy.sympify(str(ours[i][j])) - theirs[i, j]) == 0
