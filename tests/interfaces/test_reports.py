"""Every report against an independent oracle: NumPy evaluation, SciPy quadrature and
distributions, SymPy, central differences and a hand-written descent loop."""

from __future__ import annotations

import contextlib
import json
import math

import numpy as np
import pytest
import scipy.integrate
import scipy.stats
import sympy
from click.testing import CliRunner

from calcml.interfaces.cli import main
from calcml.interfaces.reports import REPORTS


def build(name: str, **params: str) -> dict:
    return REPORTS[name].build(params)


def _runs(xs: list, ys: list) -> list[np.ndarray]:
    """The unbroken runs of a sampled curve (split at nulls), as arrays of x."""
    runs, cur = [], []
    for x, y in zip(xs, ys, strict=True):
        if x is None or y is None:
            if cur:
                runs.append(np.array(cur))
            cur = []
        else:
            cur.append(x)
    return runs + ([np.array(cur)] if cur else [])


def test_every_report_has_a_lane():
    assert {r.lane for r in REPORTS.values()} <= {"cheap", "slow"}
    assert {"diff", "integrate", "tangent", "grad", "critical", "minimize", "dist", "roc",
            "backprop", "samples", "riemann", "contour", "check",
            "extrema"} <= set(REPORTS)  # fmt: skip


def test_samples_match_numpy_and_the_derivative():
    r = build("samples", expr="x^2*sin(x)", xmin="-3", xmax="2", n="301")
    x = np.array(r["x"], dtype=float)
    np.testing.assert_allclose(r["y"], x**2 * np.sin(x), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(r["dy"], 2 * x * np.sin(x) + x**2 * np.cos(x), rtol=1e-12,
                               atol=1e-14)  # fmt: skip
    assert None not in r["y"] and None not in r["dy"]


@pytest.mark.parametrize(("expr", "lo", "hi", "cuts"), [
    ("tan(x)", -4, 4, [-math.pi / 2, math.pi / 2]),
    ("1/(x-0.3)", -2, 2, [0.3]),
    ("sign(x) + x", -1.05, 1.05, [0.0]),
    ("sign(x - 0.5) + 2sign(x + 1)", -2.1, 2.1, [-1, 0.5]),
])  # fmt: skip
def test_curves_break_exactly_at_poles_and_jumps(expr, lo, hi, cuts):
    r = build("samples", expr=expr, xmin=str(lo), xmax=str(hi), n="401")
    runs = [run for run in _runs(r["x"], r["y"]) if len(run) > 1]  # a lone sample draws nothing
    assert len(runs) == len(cuts) + 1
    for left, right, cut in zip(runs, runs[1:], cuts, strict=False):
        assert left[-1] <= cut <= right[0]


@pytest.mark.parametrize("expr", ["atan(200x)", "x^3 - 40x", "exp(3x)", "abs(x)"])
def test_steep_but_continuous_curves_are_not_broken(expr):
    r = build("samples", expr=expr, xmin="-2", xmax="2", n="201")
    assert len(_runs(r["x"], r["y"])) == 1


def test_outside_the_domain_is_null_not_joined():
    r = build("samples", expr="sqrt(x)", xmin="-1", xmax="1", n="201")
    x = np.array(r["x"], dtype=float)
    y = np.array([np.nan if v is None else v for v in r["y"]])
    assert np.all(np.isnan(y[x < 0])) and np.allclose(y[x >= 0], np.sqrt(x[x >= 0]))


def test_riemann_sums_match_numpy_and_the_exact_area():
    r = build("riemann", expr="exp(x)*cos(x)", a="-1", b="2", nmax="50")
    f = lambda x: np.exp(x) * np.cos(x)  # noqa: E731
    exact, _ = scipy.integrate.quad(f, -1, 2)
    assert math.isclose(r["exact"]["value"], exact, rel_tol=1e-12)
    for n in (1, 7, 50):
        h = 3 / n
        i = np.arange(n)
        for rule, shift in (("left", 0), ("right", 1), ("midpoint", 0.5)):
            oracle = np.sum(f(-1 + (i + shift) * h)) * h
            assert math.isclose(r["sums"][rule][n - 1], oracle, rel_tol=1e-12)
    # midpoint error falls like 1/n²
    errs = [abs(r["sums"]["midpoint"][n - 1] - exact) for n in (10, 20, 40)]
    assert errs[0] / errs[1] > 3.5 and errs[1] / errs[2] > 3.5
    F = dict(zip(r["F"]["x"], r["F"]["y"], strict=True))
    assert F[-1.0] == 0.0  # F(a) = 0
    xs = np.array(r["F"]["x"])
    at_b = xs[np.argmin(abs(xs - 2))]
    assert math.isclose(F[at_b], scipy.integrate.quad(f, -1, at_b)[0], rel_tol=1e-3)


def test_contour_grid_matches_numpy():
    r = build("contour", expr="(1-x)^2 + 100(y-x^2)^2", n="17")
    X, Y = np.meshgrid(r["x"], r["y"])
    np.testing.assert_allclose(r["z"], (1 - X) ** 2 + 100 * (Y - X**2) ** 2, rtol=1e-12)


def test_integrate_report_antiderivative_and_definite_value():
    r = build("integrate", expr="x^2*exp(x)")
    x = sympy.Symbol("x")
    assert sympy.simplify(sympy.diff(sympy.sympify(r["result"]), x) - x**2 * sympy.exp(x)) == 0
    assert r["mathml"].startswith("<math") and r["steps"]["mathml"].startswith("<math")
    d = build("integrate", expr="1/(1+x^2)", **{"from": "0", "to": "3"})
    assert math.isclose(d["value"], scipy.integrate.quad(lambda t: 1 / (1 + t * t), 0, 3)[0],
                        rel_tol=1e-12)  # fmt: skip


def test_tangent_and_grad_against_central_differences():
    t = build("tangent", expr="x*exp(-x)", at="0.7")
    f = lambda x: x * math.exp(-x)  # noqa: E731
    assert math.isclose(t["slope_value"], (f(0.7 + 1e-6) - f(0.7 - 1e-6)) / 2e-6, rel_tol=1e-7)
    g = build("grad", expr="x^2*y + sin(y)", at="1.5,0.5")
    h = lambda x, y: x**2 * y + math.sin(y)  # noqa: E731
    assert math.isclose(g["value"][0], (h(1.5 + 1e-6, 0.5) - h(1.5 - 1e-6, 0.5)) / 2e-6,
                        rel_tol=1e-7)  # fmt: skip
    assert math.isclose(g["value"][1], (h(1.5, 0.5 + 1e-6) - h(1.5, 0.5 - 1e-6)) / 2e-6,
                        rel_tol=1e-7)  # fmt: skip


def test_critical_points_against_sympy():
    r = build("critical", expr="x^3 - 3x + y^2")
    x, y = sympy.symbols("x y")
    f = x**3 - 3 * x + y**2
    sols = sympy.solve([sympy.diff(f, x), sympy.diff(f, y)], [x, y], dict=True)
    assert sorted((p["approx"]["x"], p["approx"]["y"]) for p in r["points"]) == sorted(
        (float(s[x]), float(s[y])) for s in sols
    )
    for p in r["points"]:
        H = sympy.hessian(f, (x, y)).subs({x: p["approx"]["x"], y: p["approx"]["y"]})
        eig = sorted(float(v) for v in H.eigenvals())
        np.testing.assert_allclose(sorted(p["data"]["eigenvalues"]), eig)


def test_extrema_against_a_dense_grid():
    r = build("extrema", expr="x^4 - 4x^2 + x", on="-3,2.5")
    x = np.linspace(-3, 2.5, 200_001)
    y = x**4 - 4 * x**2 + x
    assert math.isclose(float(sympy.sympify(r["minimum"]["value"])), y.min(), rel_tol=1e-8)
    assert math.isclose(float(sympy.sympify(r["maximum"]["value"])), y.max(), rel_tol=1e-8)


def test_minimize_path_is_plain_gradient_descent():
    r = build("minimize", expr="x^2 + 10y^2", start="3,1", method="gd", lr="0.04", steps="30")
    p = np.array([3.0, 1.0])
    path = [p.copy()]
    for _ in range(30):
        p = p - 0.04 * np.array([2 * p[0], 20 * p[1]])
        path.append(p.copy())
    np.testing.assert_allclose(r["path"], path, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(r["loss"], [a**2 + 10 * b**2 for a, b in path], rtol=1e-12)


def test_backprop_gradient_against_central_differences():
    r = build("backprop", expr="log(1 + exp(-(w*x + b)))", at="w=0.3, x=2, b=-1")
    f = lambda w, x, b: math.log(1 + math.exp(-(w * x + b)))  # noqa: E731
    at = {"w": 0.3, "x": 2.0, "b": -1.0}
    assert math.isclose(r["value"], f(**at), rel_tol=1e-12)
    assert r["nodes"][-1]["value"] == r["value"] and r["nodes"][-1]["grad"] == 1.0
    for name in at:
        up, down = dict(at), dict(at)
        up[name] += 1e-6
        down[name] -= 1e-6
        assert math.isclose(r["gradient"][name], (f(**up) - f(**down)) / 2e-6, rel_tol=1e-6)
    assert r["check"]["ok"] is True


def test_dist_against_scipy():
    r = build("dist", family="gamma", k="2", theta="1.5", cdf="2", mean="1", var="1", n="101")
    ref = scipy.stats.gamma(a=2, scale=1.5)
    cdf, mean, var = r["results"]
    assert math.isclose(cdf["value"], ref.cdf(2), rel_tol=1e-10)
    assert math.isclose(mean["value"], ref.mean(), rel_tol=1e-10)
    assert math.isclose(var["value"], ref.var(), rel_tol=1e-10)
    xs = np.array(r["x"])
    assert len(xs) == 101 and xs[0] < 0 < ref.mean() + 3 * ref.std() < xs[-1]
    np.testing.assert_allclose(r["pdf"], ref.pdf(xs), rtol=1e-10, atol=1e-300)
    with pytest.raises(ValueError, match="no parameter"):
        build("dist", family="normal", lam="2")


def test_roc_curve_is_a_curve_and_its_area_is_the_auc():
    r = build("roc")
    fpr, tpr = np.array(r["fpr"]), np.array(r["tpr"])
    assert fpr[0] == tpr[0] == 0 and fpr[-1] == tpr[-1] == 1
    assert np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0)
    area = float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))
    assert math.isclose(r["auc"], area, rel_tol=1e-12) and 0.95 < r["auc"] <= 1
    assert r["positives"] + r["negatives"] == r["n_test"]


@pytest.mark.parametrize(("kind", "expr", "answer", "right"), [
    ("derivative", "x^2*sin(x)", "2x*sin(x) + x^2*cos(x)", True),
    ("derivative", "x^2*sin(x)", "2x*cos(x)", False),
    ("derivative", "exp(2x)", "exp(2x)", False),
    ("integral", "x*cos(x)", "x*sin(x) + cos(x)", True),
    ("integral", "x*cos(x)", "x*sin(x) + cos(x) + C", True),
    ("integral", "x*cos(x)", "x*sin(x) + cos(x) - 12.5", True),
    ("integral", "x*cos(x)", "x*sin(x) - cos(x)", False),
    ("integral", "1/x", "ln(abs(x))", True),
    ("integral", "1/x", "ln(x)", False),
    ("integral", "2x", "x^2 + x", False),
])  # fmt: skip
def test_check_verdicts(kind, expr, answer, right):
    r = build("check", kind=kind, expr=expr, answer=answer)
    assert r["correct"] is right
    if right:
        assert r["counterexample"] is None and "steps" not in r
        return
    c = r["counterexample"]
    t = sympy.Symbol("x")
    user = sympy.sympify(r["answer"].replace("abs", "Abs"))
    f = sympy.sympify(r["input"].replace("abs", "Abs"))
    got = sympy.diff(user, t) if kind == "integral" else user
    want = f if kind == "integral" else sympy.diff(f, t)
    assert math.isclose(c["expected"], float(want.subs(t, c["at"])), rel_tol=1e-9)
    if c["answer"] is not None:
        assert math.isclose(c["answer"], float(got.subs(t, c["at"])), rel_tol=1e-9)
    else:
        assert not sympy.sympify(r["answer"]).subs(t, c["at"]).is_real
    assert r["steps"] is not None


def test_check_reports_the_constant():
    r = build("check", kind="integral", expr="3x^2", answer="x^3 + 4.25")
    assert r["correct"] and r["constant"] == pytest.approx(4.25)


@pytest.mark.parametrize(("args", "code"), [
    (["derivative", "x^3", "3x^2"], 0),
    (["integral", "sin(x)", "-cos(x) + C"], 0),
    (["derivative", "x^3", "3x"], 1),
    (["integral", "sin(x)", "cos(x)"], 1),
    (["derivative", "x^3", "3y"], 2),
    (["derivative", "x^3", "3x +"], 2),
])  # fmt: skip
def test_check_command_exit_codes(args, code):
    out = CliRunner().invoke(main, ["check", *args])
    assert out.exit_code == code, out.output
    if code == 1:
        assert "✗" in out.output and "steps:" in out.output
    if code == 2:
        assert "Traceback" not in out.output


@pytest.mark.parametrize(("cli", "name", "params"), [
    (["diff", "x^3*sin(x)", "--steps", "--json"], "diff", {"expr": "x^3*sin(x)", "steps": "1"}),
    (["tangent", "x^2", "--at", "3", "--json"], "tangent", {"expr": "x^2", "at": "3"}),
    (["integrate", "x^2", "--from", "0", "--to", "3", "--json"], "integrate",
     {"expr": "x^2", "from": "0", "to": "3"}),
    (["dist", "gamma", "--k", "2", "--theta", "1", "--cdf", "3", "--mean", "--json"], "dist",
     {"family": "gamma", "k": "2", "theta": "1", "cdf": "3", "mean": "1"}),
    (["check", "integral", "x", "x^2", "--json"], "check",
     {"kind": "integral", "expr": "x", "answer": "x^2"}),
])  # fmt: skip
def test_cli_json_is_the_report(cli, name, params):
    out = CliRunner().invoke(main, cli)
    expected = json.loads(json.dumps(REPORTS[name].build(params)))
    expected.pop("seconds", None)
    got = json.loads(out.output)
    assert got == expected


@pytest.mark.slow
@pytest.mark.parametrize("name", ["samples", "riemann", "contour", "tangent", "grad", "backprop",
                                  "check", "minimize", "extrema"])  # fmt: skip
def test_hostile_inputs_fail_as_user_errors(name, tmp_path):
    """Every entry of the shared corpus either answers or raises an error the interfaces turn
    into one line (exit 2, HTTP 4xx); nothing runs, nothing is written."""
    from pathlib import Path

    from calcml.core.errors import CalcmlError

    corpus = Path(__file__).resolve().parents[1] / "data" / "hostile_inputs.jsonl"
    marker = tmp_path / "marker"
    extra = {"riemann": {"a": "0", "b": "1"}, "tangent": {"at": "1"}, "check": {"answer": "x"},
             "minimize": {"start": "1,1", "steps": "20"},
             "extrema": {"on": "-1,1"}}.get(name, {})  # fmt: skip
    user_errors = (CalcmlError, ValueError, ArithmeticError, RecursionError, MemoryError)
    for line in corpus.read_text().splitlines():
        text = json.loads(line)["input"].replace("{MARKER}", str(marker))
        with contextlib.suppress(*user_errors):
            REPORTS[name].build({**extra, "expr": text})
    assert not marker.exists()
