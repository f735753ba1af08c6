"""Extrema against independent oracles: NumPy's roots, SymPy's solve and diff, dense grids."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from calcml.core.expr import add, mul, number, power, symbols
from calcml.core.registry import abs_, cos, exp, relu, sin
from calcml.symbolic.extrema import classify_point, critical_points, extrema

x, y = symbols("x y")
X = sp.Symbol("x", real=True)

coefficients = st.lists(st.integers(-6, 6), min_size=3, max_size=7).filter(lambda c: c[-1] != 0)


def poly(coeffs: list[int]):
    return add(*(mul(number(c), power(x, k)) for k, c in enumerate(coeffs)))


def sympy_poly(coeffs: list[int]):
    return sum(c * X**k for k, c in enumerate(coeffs))


def numpy_critical(coeffs: list[int]) -> list[float]:
    d = np.polynomial.polynomial.polyder(np.array(coeffs, dtype=float))
    roots = np.roots(d[::-1]) if np.any(d) else np.array([])
    real = sorted(r.real for r in roots if abs(r.imag) < 1e-6)
    return [r for i, r in enumerate(real) if i == 0 or abs(r - real[i - 1]) > 1e-4]


@settings(max_examples=30, deadline=None)
@given(coefficients)
def test_polynomial_critical_points_match_numpy_and_sympy(coeffs):
    found = critical_points(poly(coeffs))
    assert found.complete
    ours = [p.coords()[0] for p in found]
    assert len(ours) == len(numpy_critical(coeffs))
    # numpy loses digits at multiple roots, hence the loose tolerance
    assert np.allclose(ours, numpy_critical(coeffs), atol=1e-3)
    exact = sorted({float(r) for r in sp.Poly(sp.diff(sympy_poly(coeffs), X), X).real_roots()})
    assert np.allclose(ours, exact, rtol=1e-12, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(coefficients)
def test_classification_matches_sympy_second_derivative(coeffs):
    second = sp.diff(sympy_poly(coeffs), X, 2)
    for p in critical_points(poly(coeffs)):
        value = float(second.subs(X, sp.Float(p.coords()[0], 50)))
        if p.test == "second-derivative test":
            assert (value > 0) == (p.kind == "minimum")
            assert (value < 0) == (p.kind == "maximum")
        else:
            assert abs(value) < 1e-6


@settings(max_examples=25, deadline=None)
@given(coefficients)
def test_global_extrema_match_a_dense_grid(coeffs):
    result = extrema(poly(coeffs), on=(-2, 3))
    grid = np.linspace(-2, 3, 200_001)
    values = np.polynomial.polynomial.polyval(grid, np.array(coeffs, dtype=float))
    assert math.isclose(float(result.maximum.value), values.max(), rel_tol=1e-6, abs_tol=1e-6)
    assert math.isclose(float(result.minimum.value), values.min(), rel_tol=1e-6, abs_tol=1e-6)
    assert float(result.maximum.value) >= values.max() - 1e-9


def test_cubic_on_interval_reports_ties():
    result = extrema(x**3 - 3 * x, on=(-2, 3))
    assert result.maximum.value is number(18)
    assert [p[x] for p in result.maximum.points] == [number(3)]
    assert result.minimum.value is number(-2)
    assert [p[x] for p in result.minimum.points] == [number(-2), number(1)]
    assert result.minimum.describe() == "-2 at x = -2 and x = 1"


def test_second_derivative_steps_for_the_cubic():
    found = critical_points(x**3 - 3 * x)
    assert [(str(p.point[x]), p.kind) for p in found] == [("-1", "maximum"), ("1", "minimum")]
    assert [p.data["derivative"] for p in found] == [number(-6), number(6)]
    assert "solve" in found.steps.rules()


def test_rosenbrock_minimum():
    found = critical_points((1 - x) ** 2 + 100 * (y - x**2) ** 2)
    assert found.complete and len(found) == 1
    p = found[0]
    assert (p.point[x], p.point[y]) == (number(1), number(1))
    assert p.kind == "minimum" and p.test == "Hessian test"
    assert all(v > 0 for v in p.data["eigenvalues"])


def test_saddle_of_x2_minus_y2():
    (p,) = critical_points(x**2 - y**2)
    assert p.kind == "saddle"
    assert sorted(p.data["eigenvalues"]) == [-2.0, 2.0]


def test_higher_derivative_test():
    (p,) = critical_points(x**4)
    assert (p.kind, p.test, p.data["order"]) == ("minimum", "higher-derivative test", 4)
    (q,) = critical_points(-(x**6))
    assert (q.kind, q.data["order"]) == ("maximum", 6)
    (r,) = critical_points(x**3)
    assert (r.kind, r.data["order"]) == ("neither", 3)


def test_radicals_and_certified_numeric_roots():
    found = critical_points(x**4 / 4 - x**2)
    assert [str(p.point[x]) for p in found] == ["-sqrt(2)", "0", "sqrt(2)"]
    assert [p.kind for p in found] == ["minimum", "maximum", "minimum"]
    quintic = critical_points(x**6 / 6 - x**2 / 2 - x)  # f' = x^5 - x - 1: not solvable
    (p,) = quintic
    lo, hi = p.enclosure[x]
    truth = next(r.real for r in np.roots([1, 0, 0, 0, -1, -1]) if abs(r.imag) < 1e-9)
    assert lo <= truth <= hi and hi - lo < 1e-12 and not p.exact


def test_rational_function_excludes_poles():
    f = x + 1 / (x**2 - 1)
    ours = [p.coords()[0] for p in critical_points(f)]
    sf = X + 1 / (X**2 - 1)
    theirs = sorted(float(r) for r in sp.solve(sp.diff(sf, X), X) if r.is_real)
    assert np.allclose(ours, theirs)
    hole = critical_points((x**2 - 1) / (x - 1) + x**2)  # undefined at 1; f' = 2x + 1
    assert [str(p.point[x]) for p in hole] == ["-1/2"]


def test_transcendental_brackets_contain_the_roots():
    found = critical_points(sin(x), domain=(0, 7))
    assert not found.complete
    truths = [math.pi / 2, 3 * math.pi / 2]
    assert [p.kind for p in found] == ["maximum", "minimum"]
    for p, t in zip(found, truths, strict=True):
        lo, hi = p.enclosure[x]
        assert lo <= t <= hi or math.isclose(p.coords()[0], t, rel_tol=1e-14)
    (p,) = critical_points(x * exp(-x))
    assert p.kind == "maximum" and math.isclose(p.coords()[0], 1.0)


def test_numeric_several_variables():
    found = critical_points(sin(x) + cos(y), domain=[(0, 3), (-1, 4)])
    assert not found.complete
    kinds = {(round(p.coords()[0], 9), round(p.coords()[1], 9)): p.kind for p in found}
    assert kinds == {(round(math.pi / 2, 9), 0.0): "maximum",
                     (round(math.pi / 2, 9), round(math.pi, 9)): "saddle"}  # fmt: skip


def test_exact_systems():
    found = critical_points(x**3 + y**3 - 3 * x * y)
    assert [(str(p.point[x]), str(p.point[y]), p.kind) for p in found] == \
        [("0", "0", "saddle"), ("1", "1", "minimum")]  # fmt: skip
    (p,) = critical_points(x**2 + x * y + y**2 - 3 * x)
    assert (p.point[x], p.point[y], p.kind) == (number(2), number(-1), "minimum")
    (q,) = critical_points(x**4 + y**4)
    assert q.kind == "inconclusive"


def test_unbounded_domains_use_limits():
    result = extrema(x**2, on=(-1, math.inf))
    assert result.maximum is None and result.minimum.value is number(0)
    assert "no global maximum (f → ∞ as x → ∞)" in result.notes
    bell = extrema(1 / (1 + x**2), on=(-math.inf, math.inf))
    assert bell.maximum.value is number(1) and bell.minimum is None
    pole = extrema(1 / x, on=(-1, 1))
    assert pole.maximum is None and pole.minimum is None


def test_kinks_are_candidates():
    f = abs_(x - 1) + abs_(x + 2) / 3
    result = extrema(f, on=(-5, 5))
    assert result.minimum.value is number(1)
    assert result.minimum.points[0][x] is number(1)
    r = extrema(relu(x - 1) - x / 2, on=(-3, 4))
    assert r.minimum.value is number(number(-1).value / 2) or float(r.minimum.value) == -0.5
    grid = np.linspace(-3, 4, 70_001)
    values = np.maximum(grid - 1, 0) - grid / 2
    assert math.isclose(float(r.maximum.value), values.max())


def test_box_matches_a_grid():
    result = extrema(x * y - x**2 / 4, on=[(-1, 2), (-1, 1)])
    gx, gy = np.meshgrid(np.linspace(-1, 2, 601), np.linspace(-1, 1, 401))
    values = gx * gy - gx**2 / 4
    assert math.isclose(float(result.maximum.value), values.max(), abs_tol=1e-9)
    assert math.isclose(float(result.minimum.value), values.min(), abs_tol=1e-9)


def test_classify_point_bridge():
    rosen = (1 - x) ** 2 + 100 * (y - x**2) ** 2
    report = classify_point(rosen, [0.999, 0.998])
    assert report.kind == "minimum"
    assert np.allclose(report.critical, [1, 1])
    # the sentence is about the critical point (1, 1), not about the point given: its distance
    # and the eigenvalues of Rosenbrock's Hessian [[802, -400], [-400, 200]] there
    eig = np.linalg.eigvalsh([[802.0, -400.0], [-400.0, 200.0]])
    distance = math.hypot(0.001, 0.002)
    assert report.sentence == (
        "the critical point that Newton's method finds from here, (x, y) = (1, 1), "
        f"{distance:.3g} away, is a local minimum (Hessian eigenvalues {eig[0]:.3g}, {eig[1]:.3g})")
    assert not report.sentence.startswith("converged")
    saddle = classify_point(x**2 - y**2, {"x": 0.0, "y": 0.0})
    assert saddle.kind == "saddle"
    assert "(x, y) = (0, 0), 0 away, is a saddle point" in saddle.sentence


def test_bad_input():
    with pytest.raises(ValueError, match="parameters"):
        critical_points(x**2 + y, vars="x")
    with pytest.raises(ValueError, match="a < b"):
        extrema(x**2, on=(3, 1))


@pytest.mark.parametrize("name", ["__init__", "polys", "numeric", "system", "critical",
                                  "domain", "bridge", "classify"])  # fmt: skip
def test_doctests(name):
    import importlib

    module = importlib.import_module(
        "calcml.symbolic.extrema" + ("" if name == "__init__" else f".{name}"))
    assert doctest.testmod(module).failed == 0
