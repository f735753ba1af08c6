"""`calcml diff`, `grad`, `tangent`, `tour` and `--help`, driven as a user would."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from calcml.interfaces.cli import main
from calcml.interfaces.commands import COMMANDS


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_diff_prints_the_derivative_steps_and_check():
    out = run("diff", "x^3*sin(x)", "--steps")
    assert out.exit_code == 0
    assert "product" in out.output and "power" in out.output
    assert "3x²·sin(x)" in out.output and "✓ verified" in out.output


@pytest.mark.parametrize(("typed", "shown"), [("1/2x", "d/dx [x/2] = 1/2"),
                                               ("x^3", "d/dx [x³] = 3x²")])
def test_diff_shows_how_the_input_was_read(typed, shown):
    out = run("diff", typed)
    assert out.exit_code == 0 and shown in out.output


def test_diff_of_higher_order_names_the_order():
    assert "d²/dx² [x⁴] = 12x²" in run("diff", "x^4", "--order", "2").output


def test_diff_json_has_the_documented_fields():
    out = run("diff", "sin(x^2)", "--steps", "--json")
    payload = json.loads(out.output)
    assert payload["result"] == "2*x*cos(x**2)"
    assert payload["verified"] is True
    assert {"input", "latex", "steps"} <= set(payload)
    step = payload["steps"]
    assert step["rule"] == "chain" and {"expr", "result", "substeps"} <= set(step)


def test_diff_order_and_value_at_a_point():
    payload = json.loads(run("diff", "x^4", "--order", "2", "--at", "3", "--json").output)
    assert payload["result"] == "12*x**2" and payload["value"] == 108


def test_diff_latex():
    assert run("diff", "x^2/(x+1)", "--latex").output.strip().startswith("\\frac")


@pytest.mark.parametrize("bad", ["sinn(x)", "x^", "((x)", "__import__('os')", "10^10^10", "1/0"])
def test_bad_input_is_one_line_on_stderr_and_exit_2(bad):
    out = CliRunner().invoke(main, ["diff", "--", bad])
    assert out.exit_code == 2
    lines = out.stderr.strip().splitlines() if hasattr(out, "stderr") else out.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:")
    assert "Traceback" not in out.output


def test_grad_and_value():
    payload = json.loads(run("grad", "(1-x)^2 + 100(y-x^2)^2", "--at", "1,1", "--json").output)
    assert payload["variables"] == ["x", "y"]
    assert payload["value"] == [0, 0]


def test_tangent_line_and_plot(tmp_path):
    png = tmp_path / "t.png"
    out = run("tangent", "x^2", "--at", "3", "--plot", str(png))
    assert out.exit_code == 0 and "y = 6x - 9" in out.output
    assert png.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_explains_itself_with_an_example(name):
    out = run(name, "--help")
    assert out.exit_code == 0
    assert "Example" in out.output or "example" in out.output


def test_tour_runs_end_to_end():
    out = run("tour")
    assert out.exit_code == 0, out.output
    assert "fundamental theorem" in out.output and "ROC AUC" in out.output
