"""Every primitive record is complete, and its derivative matches central differences."""

from __future__ import annotations

import numpy as np
import pytest

from calcml.core.expr import Expr, symbol
from calcml.core.registry import PRIMITIVES, Primitive

NAMES = sorted(PRIMITIVES)
REQUIRED = ["exp", "log", "sin", "cos", "tan", "cot", "sec", "csc", "asin", "acos", "atan",
            "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "abs", "sign", "erf", "sigmoid",
            "softplus", "relu"]  # fmt: skip


def test_the_registry_holds_every_required_function():
    assert set(REQUIRED) <= set(PRIMITIVES)


@pytest.mark.parametrize("name", NAMES)
def test_record_is_complete(name):
    p: Primitive = PRIMITIVES[name]
    assert p.name == name
    assert callable(p.impl) and callable(p.partial)
    assert p.rule and p.text
    lo, hi = p.domain
    assert lo < hi
    x = symbol("x")
    node = p(x)
    assert isinstance(node, Expr)
    assert isinstance(p.partial(x), Expr)
    assert str(node) == f"{name}(x)" or (name == "abs" and str(node) == "abs(x)")


def _points(p: Primitive) -> np.ndarray:
    lo, hi = p.domain
    xs = np.random.default_rng(0).uniform(lo, hi, 40)
    return xs[np.abs(xs) > 0.05]  # keep away from the kinks of abs, sign, relu, heaviside at 0


@pytest.mark.parametrize("name", NAMES)
def test_numeric_partial_matches_central_differences(name):
    p = PRIMITIVES[name]
    xs = _points(p)
    h = 1e-6
    numeric = (p.impl(xs + h) - p.impl(xs - h)) / (2 * h)
    exact = np.broadcast_to(p.partial(xs), xs.shape)
    np.testing.assert_allclose(exact, numeric, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", NAMES)
def test_symbolic_partial_evaluates_like_the_numeric_one(name):
    p = PRIMITIVES[name]
    x = symbol("x")
    d = p.partial(x)
    for v in _points(p)[:8]:
        assert float(d.subs({x: float(v)})) == pytest.approx(float(p.partial(v)), rel=1e-12)


@pytest.mark.parametrize("name", [n for n in NAMES if PRIMITIVES[n].antiderivative])
def test_table_antiderivative_differentiates_back(name):
    p = PRIMITIVES[name]
    xs = _points(p)
    h = 1e-6
    F = p.antiderivative
    numeric = (np.asarray(F(xs + h), float) - np.asarray(F(xs - h), float)) / (2 * h)
    np.testing.assert_allclose(numeric, p.impl(xs), rtol=1e-5, atol=1e-6)


def test_stable_forms_do_not_overflow():
    big = np.array([-800.0, -40.0, 0.0, 40.0, 800.0])
    s = PRIMITIVES["sigmoid"].impl(big)
    assert np.all(np.isfinite(s)) and s[0] == 0.0 and s[-1] == 1.0
    sp = PRIMITIVES["softplus"].impl(big)
    assert np.all(np.isfinite(sp)) and sp[-1] == 800.0


def test_primitives_work_on_floats_arrays_and_expressions():
    sin = PRIMITIVES["sin"]
    assert sin(0.5) == pytest.approx(np.sin(0.5))
    np.testing.assert_allclose(sin(np.array([0.1, 0.2])), np.sin([0.1, 0.2]))
    assert str(sin(symbol("x"))) == "sin(x)"


def test_only_the_polygamma_family_lacks_a_scalar_form():
    """`math` has no ψ; every other record evaluates one float without NumPy."""
    lacking = {n for n in NAMES if PRIMITIVES[n].scalar is None}
    assert lacking == {n for n in NAMES if n in ("digamma", "trigamma") or
                       n.startswith("polygamma")}  # fmt: skip


@pytest.mark.parametrize("name", [n for n in NAMES if PRIMITIVES[n].scalar is not None])
def test_scalar_form_matches_numpy(name):
    """The one-float `math` form (quick checks without NumPy) equals the NumPy implementation on
    the record's domain and far outside it, where both must agree on being non-finite."""
    p = PRIMITIVES[name]
    xs = np.concatenate([_points(p), [-50.0, -2.0, -1.0, 0.0, 1.0, 2.0, 50.0, 800.0]])
    with np.errstate(all="ignore"):
        want = np.asarray(p.impl(xs), dtype=float)
    got = np.array([p.scalar(float(x)) for x in xs])
    finite = np.isfinite(want)
    np.testing.assert_allclose(got[finite], want[finite], rtol=1e-13, atol=1e-300)
    assert not np.isfinite(got[~finite]).any()
