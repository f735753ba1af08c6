"""`calcml integrate`: human output with + C and steps, --json, --latex, and exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from calcml.interfaces.cli import main


def run(*args: str):
    return CliRunner().invoke(main, ["integrate", *args])


def test_definite_with_steps_shows_power_rule_and_theorem():
    r = run("x^2", "--from", "0", "--to", "3", "--steps")
    assert r.exit_code == 0, r.output
    assert "power rule" in r.output and "fundamental theorem" in r.output
    assert r.output.splitlines()[-2].endswith("= 9")


def test_antiderivative_has_plus_c_but_json_does_not():
    r = run("x*cos(x)")
    assert r.exit_code == 0 and "+ C" in r.output
    r = run("x*cos(x)", "--json", "--steps")
    payload = json.loads(r.output)
    assert sorted(payload["result"].split(" + ")) == ["cos(x)", "x*sin(x)"]
    assert payload["method"] == "symbolic" and payload["verified"] is True
    assert payload["steps"]["rule"] and "value" not in payload and payload["latex"]


def test_definite_json_carries_value_and_error():
    payload = json.loads(run("x^2", "--from", "0", "--to", "3", "--json").output)
    assert payload["value"] == 9.0 and payload["error_estimate"] == 0.0
    assert payload["result"] == "9" and payload["method"] == "symbolic"
    assert payload["steps"]["rule"] == "fundamental theorem"
    payload = json.loads(run("exp(-x^2)", "--from", "-oo", "--to", "oo", "--json").output)
    assert payload["method"] == "symbolic" and payload["result"] == "sqrt(pi)"
    payload = json.loads(run("exp(-x^4)", "--from", "-oo", "--to", "oo", "--json").output)
    assert payload["method"] == "numeric" and abs(payload["value"] - 1.8128049541109545) < 1e-12
    assert 0 < payload["error_estimate"] < 1e-9


def test_numeric_flag_and_human_numeric_output():
    r = run("sin(x)/x", "--from", "0", "--to", "inf", "--numeric")
    assert r.exit_code == 0 and "1.5707963267949" in r.output and "numeric" in r.output


def test_variable_upper_limit():
    r = run("cos(t)", "--wrt", "t", "--from", "0", "--to", "x")
    assert r.exit_code == 0 and "sin(x)" in r.output


def test_latex():
    r = run("x^2", "--from", "0", "--to", "3", "--latex")
    assert r.exit_code == 0 and "\\int_{0}^{3}" in r.output
    r = run("x^2", "--latex", "--steps")
    assert "\\begin{itemize}" in r.output


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("1/x", "--from", "-1", "--to", "1"), 1, "diverges"),
        (("x/(pi*(1+x^2))", "--from", "-oo", "--to", "oo"), 1, "diverges"),
        (("sin(x^2)",), 1, "no closed form"),
        (("x^^2",), 2, "column"),
        (("x^2", "--from", "0"), 2, "both"),
        (("x^2", "--seconds", "0"), 2, "positive"),
        (("a*b",), 2, "which variable"),
        (("x", "--from", "0", "--to", "x"), 2, "must not contain"),
    ],
)
def test_exit_codes(args, code, words):
    r = run(*args)
    assert r.exit_code == code, r.output
    assert words in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_expression_with_leading_minus_is_not_an_option():
    r = run("-x^2", "--from", "-1", "--to", "0", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["result"] == "-1/3"
