"""`calcml minimize` and `calcml train` end to end (click's runner, in process)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from calcml.interfaces.cli import main

REF = json.loads((Path(__file__).resolve().parents[1] / "data" / "optim_reference.json").read_text(
))
ROSEN = "(1-x)^2 + 100(y-x^2)^2"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _cli_flags(run_: dict) -> list[str]:
    hp = run_["hyperparameters"]
    if set(hp) - {"lr", "momentum", "nesterov"}:
        return []
    method = run_["optimizer"].lower()
    if hp.get("nesterov"):
        method = "nesterov"
    flags = ["--method", method, "--lr", str(hp["lr"])]
    if "momentum" in hp:
        flags += ["--momentum", str(hp["momentum"])]
    return flags


CASES = [r for r in REF["runs"] if r["problem"] == "rosenbrock" and _cli_flags(r)]


@pytest.mark.parametrize("steps", ["10", "100"])
@pytest.mark.parametrize("ref", CASES, ids=lambda r: f"{r['optimizer']}-{r['hyperparameters']}")
def test_minimize_json_reproduces_reference_runs(ref: dict, steps: str) -> None:
    code, out = run("minimize", ROSEN, "--from", "-1.5,2", *_cli_flags(ref), "--steps", steps,
                    "--json")  # fmt: skip
    assert code == 0, out
    payload = json.loads(out)
    np.testing.assert_allclose(payload["x"], ref["params"][steps], rtol=1e-10, atol=1e-10)
    assert payload["steps"] == int(steps) and payload["variables"] == ["x", "y"]


@pytest.mark.slow
def test_minimize_adam_1000_steps_matches_reference() -> None:
    ref = next(r for r in CASES if r["optimizer"] == "Adam" and len(r["hyperparameters"]) == 1)
    code, out = run("minimize", ROSEN, "--from", "-1.5,2", "--method", "adam", "--lr", "0.01",
                    "--steps", "1000", "--json")  # fmt: skip
    assert code == 0, out
    np.testing.assert_allclose(json.loads(out)["x"], ref["params"]["1000"], rtol=1e-10)


def test_minimize_text_summary_and_plot(tmp_path: Path) -> None:
    png = tmp_path / "path.png"
    code, out = run("minimize", ROSEN, "--from", "-1.5,2", "--method", "adam", "--lr", "0.01",
                    "--steps", "300", "--plot", str(png))  # fmt: skip
    assert code == 0, out
    assert "adam, lr = 0.01, 300 steps" in out and "end:" in out
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_minimize_bad_input_is_one_line() -> None:
    code, out = run("minimize", "x^2 + y^2", "--from", "1", "--json")
    assert code == 2 and out.startswith("error:") and len(out.strip().splitlines()) == 1


def test_train_logistic_breast_cancer_json() -> None:
    code, out = run("train", "logistic", "--data", "breast_cancer", "--json")
    assert code == 0, out
    m = json.loads(out)
    assert round(m["test_accuracy"], 3) == 0.958
    assert m["train_accuracy"] == pytest.approx(0.9906103286384976)
    assert m["loss"] == pytest.approx(0.06351915169367614, rel=1e-9)
    if m["roc_auc"] is not None:
        assert round(m["roc_auc"], 3) == 0.995


def test_train_text_output_and_regression() -> None:
    code, out = run("train", "logistic", "--data", "iris")
    assert code == 0, out
    assert "test accuracy: 0.9737" in out and "iteration" in out
    code, out = run("train", "ridge", "--data", "diabetes", "--json")
    assert code == 0 and 0.3 < json.loads(out)["test_r2"] < 0.4  # standardized features
    code, out = run("train", "linear", "--data", "digits")
    assert code == 2 and "regression data set" in out


def test_train_mlp_digits_small() -> None:
    code, out = run("train", "mlp", "--data", "digits", "--hidden", "64", "--epochs", "20",
                    "--json")  # fmt: skip
    assert code == 0, out
    assert json.loads(out)["test_accuracy"] >= 0.95
