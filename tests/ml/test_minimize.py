"""Descent on formulas: paths, the Rosenbrock reference runs, Newton, classification, plots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from calcml.ml.descent import minimize

REF = json.loads((Path(__file__).resolve().parents[1] / "data" / "optim_reference.json").read_text(
))
ROSEN = "(1-x)^2 + 100(y-x^2)^2"
ROSEN_RUNS = [r for r in REF["runs"] if r["problem"] == "rosenbrock"]


def _args(run: dict[str, Any]) -> tuple[str, float, dict[str, Any]]:
    hp = dict(run["hyperparameters"])
    if "betas" in hp:
        hp["betas"] = tuple(hp["betas"])
    return run["optimizer"].lower(), hp.pop("lr"), hp


@pytest.mark.parametrize("run", ROSEN_RUNS,
                         ids=lambda r: f"{r['optimizer']}-{r['hyperparameters']}")
def test_minimize_text_reproduces_the_rosenbrock_runs(run: dict[str, Any]) -> None:
    method, lr, hp = _args(run)
    result = minimize(ROSEN, [-1.5, 2.0], method=method, lr=lr, steps=100, **hp)
    assert result.points.shape == (101, 2)
    assert result.values[0] == 12.5
    for t in ("1", "10", "100"):
        np.testing.assert_allclose(result.points[int(t)], run["params"][t], rtol=1e-10, atol=1e-10)
    assert result.values[1] == pytest.approx(run["loss"]["1"], rel=1e-10)


def test_path_records_values_and_gradient_norms() -> None:
    r = minimize(lambda x, y: x**2 + 3 * y**2, [1.0, 1.0], method="gd", lr=0.1, steps=5)
    pts = r.points
    np.testing.assert_allclose(r.values, pts[:, 0] ** 2 + 3 * pts[:, 1] ** 2)
    np.testing.assert_allclose(r.grad_norms, np.hypot(2 * pts[:, 0], 6 * pts[:, 1]))
    np.testing.assert_allclose(pts[1], [0.8, 0.4])
    assert r.variables == ("x0", "x1") and r.classification is None


def test_newton_uses_the_hessian() -> None:
    r = minimize(ROSEN, [-1.5, 2.0], method="newton", lr=1.0, steps=20, tol=1e-12)
    np.testing.assert_allclose(r.x, [1.0, 1.0], atol=1e-12)
    assert r.converged and r.steps < 20
    assert r.classification.kind == "minimum"
    quad = minimize("3*(x-1)^2 + (y+2)^2 + x*y", [5.0, 5.0], method="newton", lr=1.0, steps=1)
    assert quad.grad_norms[-1] < 1e-10  # a quadratic: one Newton step


def test_classification_of_a_saddle_and_divergence() -> None:
    r = minimize("x^2 - y^2", [1.0, 0.0], method="gd", lr=0.1, steps=60)
    assert r.classification.kind == "saddle"
    d = minimize("x^2", [1.0], method="gd", lr=1.5, steps=2000)
    assert d.diverged and not np.isfinite(d.values[-1])


def test_one_variable_python_function_and_errors() -> None:
    r = minimize(lambda x: (x - 2) ** 2, 5.0, method="adam", lr=0.1, steps=500)
    assert r.x[0] == pytest.approx(2.0, abs=1e-3)
    with pytest.raises(ValueError, match="coordinates"):
        minimize("x^2 + y^2", [1.0], steps=1)
    with pytest.raises(ValueError, match="unknown method"):
        minimize("x^2", [1.0], method="bfgs")


def test_plot_writes_png(tmp_path: Path) -> None:
    r = minimize(ROSEN, [-1.5, 2.0], method="adam", lr=0.01, steps=300)
    out = r.plot(tmp_path / "path.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    one = minimize("(x-1)^2", [3.0], method="gd", lr=0.1, steps=20).plot(tmp_path / "one.png")
    assert one.stat().st_size > 1000
