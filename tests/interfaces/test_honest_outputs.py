"""Outputs say only what the run did: descents, checks, notation. Numbers are recomputed here
independently (a NumPy Adam with PyTorch's equations, Rosenbrock's gradient by hand)."""

from __future__ import annotations

import json
import math
import re

import numpy as np
from click.testing import CliRunner

from calcml.interfaces.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def _rosenbrock_grad(p: np.ndarray) -> np.ndarray:
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def _adam(start: list[float], lr: float, steps: int) -> np.ndarray:
    """torch.optim.Adam's update (betas 0.9, 0.999, eps 1e-8), written out."""
    p, m, v = np.array(start, float), np.zeros(2), np.zeros(2)
    for t in range(1, steps + 1):
        g = _rosenbrock_grad(p)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        p = p - lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return p


def test_tour_reports_where_adam_stopped_not_a_convergence() -> None:
    out = run("tour")
    assert out.exit_code == 0, out.output
    end = _adam([-1.5, 2.0], 0.01, 2000)
    grad_norm = float(np.linalg.norm(_rosenbrock_grad(end)))
    distance = math.dist(end, (1.0, 1.0))
    assert f"({end[0]:.4f}, {end[1]:.4f})" in out.output
    assert (f"stopped after 2000 steps (the step limit), |∇f| = {grad_norm:.3g}; "
            "no stopping rule on |∇f| was set") in out.output  # fmt: skip
    assert f"(x, y) = (1, 1), {distance:.3g} away, is a local minimum" in out.output
    assert "converged" not in out.output
    assert grad_norm > 0.05 and distance > 0.1  # it really had not reached the minimum


def test_minimize_says_whether_its_stopping_rule_was_met() -> None:
    # gd on x² + 10y² with lr 0.01: each step multiplies x by 0.98 and y by 0.8
    args = ["minimize", "x^2 + 10y^2", "--from", "3,1", "--lr", "0.01", "--steps", "50"]
    grad = math.hypot(2 * 3 * 0.98**50, 20 * 0.8**50)
    missed = json.loads(run(*args, "--tol", "1e-3", "--json").output)
    assert missed["converged"] is False and missed["steps"] == 50
    assert math.isclose(missed["grad_norm"], grad, rel_tol=1e-9)
    assert missed["stopping"] == (f"stopped after 50 steps (the step limit), |∇f| = {grad:.3g}; "
                                  "the stopping rule |∇f| ≤ 0.001 was not met")  # fmt: skip
    met = run(*args, "--tol", "3").output
    # |∇f| ≤ 3 first holds after k steps, k the least with hypot(6·0.98^k, 20·0.8^k) ≤ 3
    k = next(k for k in range(51) if math.hypot(6 * 0.98**k, 20 * 0.8**k) <= 3)
    assert f"stopped after {k} steps: |∇f| = " in met and "the stopping rule was met" in met


def test_grad_and_tangent_verified_only_when_checked() -> None:
    # asin(x + 5) is real only for x in [-6, -4]: no point of the check's sample lies there
    grad = json.loads(run("grad", "asin(x+5)*y", "--json").output)
    assert grad["verified"] is False and "could not check" in grad["check"]
    ok = json.loads(run("grad", "x^2*y + y^3", "--json").output)
    assert ok["verified"] is True and ok["check"].startswith("checked by central differences")
    tangent = json.loads(run("tangent", "asin(x+5)", "--at", "-5", "--json").output)
    assert tangent["verified"] is False
    assert "⚠ f′ not verified: could not check" in run("tangent", "asin(x+5)", "--at", "-5").output
    checked = run("tangent", "x^2", "--at", "3").output
    assert "✓ f′ verified: checked by central differences" in checked
    assert json.loads(run("tangent", "x^2", "--at", "3", "--json").output)["verified"] is True


def test_one_notation_for_infinity_and_bounds() -> None:
    out = run("dist", "normal", "--cdf", "1.96", "--steps").output
    assert "∫_{-∞}^{1.96}" in out and "∫_{-∞}^{x}" in out and "lim t→-∞" in out
    assert not re.search(r"(?<![\w*])-?oo\b", out)  # no -oo beside -∞
    exp = run("dist", "exponential", "--lam", "2", "--mean", "--steps").output
    assert "∫_{0}^{∞}" in exp and "0.0" not in exp
    whole = run("integrate", "exp(-x^2)", "--from", "-oo", "--to", "oo").output
    assert whole.startswith("∫ from -∞ to ∞ of e^(-x²) dx = √π")
    diverges = run("integrate", "1/x", "--from", "1", "--to", "oo")
    assert diverges.exit_code == 1 and "tends to ∞" in diverges.output


def test_tour_labels_use_the_printers_notation() -> None:
    out = run("tour").output
    assert "eˣ" not in out and "e^(−" not in out  # the printer writes e^x and e^(-x²)
    assert "∫ e^x·sin(x) dx = " in out and "(cyclic integration by parts)" in out
    assert "error ≤ 0e+00" not in out  # a closed form has no quadrature error to report
    assert "√π·erf(1)/2 ≈ 0.746824132812427" in out


def test_moments_name_the_integrator_as_their_source() -> None:
    out = run("dist", "exponential", "--lam", "2", "--mean", "--steps").output
    assert "checked against quadrature" not in out and "source = calcml's integrator" in out
    assert "table of closed forms" not in out


def test_area_and_loss_plots_are_reachable(tmp_path) -> None:
    area = tmp_path / "area.png"
    r = run("integrate", "sin(x)", "--from", "0", "--to", "4", "--plot", str(area))
    assert r.exit_code == 0 and area.read_bytes()[:4] == b"\x89PNG"
    assert f"≈ {1 - math.cos(4):.15g}" in r.output
    refused = run("integrate", "exp(-x^2)", "--from", "-oo", "--to", "oo", "--plot", str(area))
    assert refused.exit_code == 2 and "finite" in refused.output
    loss = tmp_path / "loss.png"
    t = run("train", "logistic", "--data", "breast_cancer", "--plot", str(loss))
    assert t.exit_code == 0 and loss.read_bytes()[:4] == b"\x89PNG"


def test_global_claims_are_qualified_when_the_search_was_numeric() -> None:
    numeric = run("extrema", "x*exp(-x)", "--on", "0,inf").output  # f' = (1 - x)e^(-x)
    assert f"global maximum (among the candidates found): {math.exp(-1):.12g} at x = 1" in numeric
    exact = run("extrema", "x^3 - 3x", "--on", "-2,3").output  # f(3) = 18 beats f(-1) = 2
    assert "global maximum: 18 at x = 3" in exact and "among" not in exact


def test_tour_says_where_the_moments_came_from() -> None:
    from calcml.stats.distributions import normal

    source = dict(normal(0, 1).mean(steps=True).steps.details)["source"]
    line = next(s for s in run("tour").output.splitlines() if "mean, variance" in s)
    assert f"found by {source}" in line and "table" not in line
