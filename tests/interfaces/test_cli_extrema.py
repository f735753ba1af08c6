"""`calcml extrema` and `calcml critical` through click's runner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

pytest.importorskip("calcml.symbolic.parse", reason="the parser is not built yet")

from calcml.interfaces.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_extrema_with_steps():
    r = run("extrema", "x^3 - 3x", "--on", "-2,3", "--steps")
    assert r.exit_code == 0, r.output
    assert "f'(x) = 3x² - 3 = 0" in r.output
    assert "x = -1, 1" in r.output
    assert "f''(-1) = -6 < 0: local maximum" in r.output
    assert "f''(1) = 6 > 0: local minimum" in r.output
    assert "global maximum: 18 at x = 3" in r.output
    assert "global minimum: -2 at x = -2 and x = 1" in r.output


def test_extrema_json():
    r = run("extrema", "x^3 - 3x", "--on", "-2,3", "--json")
    data = json.loads(r.output)
    assert data["maximum"] == {"value": "18", "points": [{"x": "3"}]}
    assert data["minimum"]["points"] == [{"x": "-2"}, {"x": "1"}]


def test_critical_two_variables():
    r = run("critical", "x^2 + x*y + y^2 - 3x")
    assert r.exit_code == 0, r.output
    assert "x = 2, y = -1: minimum" in r.output
    data = json.loads(run("critical", "x^2 + x*y + y^2 - 3x", "--json").output)
    assert data["points"][0]["point"] == {"x": "2", "y": "-1"}


def test_bad_input_exits_2():
    assert run("extrema", "x^2", "--on", "3,-2").exit_code == 2
    assert run("extrema", "x^2", "--on", "nonsense").exit_code == 2


def test_help_has_an_example():
    assert 'calcml extrema "x^3 - 3x" --on -2,3' in run("extrema", "--help").output
