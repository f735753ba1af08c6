"""Exit codes when calcml's own check speaks: 3 for a result proven wrong (calcml's bug, not the
input's), 0 with "not verified" and the reason for a result the check could not decide."""

from __future__ import annotations

import json

from click.testing import CliRunner

from calcml.interfaces.cli import main
from calcml.interfaces.output import EXIT_SELF_CHECK
from calcml.symbolic import diff as diff_module
from calcml.symbolic import rigorous
from calcml.symbolic.verify import Check, check_derivative


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def _plant_a_bug(monkeypatch) -> None:
    """Differentiation that adds x to every derivative, as a broken rule would."""
    real = diff_module._differentiate

    def buggy(f, x, n, with_steps, verify):
        current, tree, _ = real(f, x, n, with_steps, False)
        wrong = current + x
        return wrong, tree, check_derivative(f, wrong, x)

    monkeypatch.setattr(diff_module, "_differentiate", buggy)


def test_a_result_proven_wrong_exits_3_and_asks_for_a_report(monkeypatch):
    _plant_a_bug(monkeypatch)
    out = run("diff", "x^3*sin(e^(5x))")
    assert out.exit_code == EXIT_SELF_CHECK == 3
    lines = out.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: calcml's own check failed")
    assert "please report" in lines[0] and "ball arithmetic proves" in lines[0]
    assert "Traceback" not in out.output


def test_the_once_refused_derivatives_exit_0_verified():
    for text in ["x*cos(sinh(3x))", "x^3*sin(e^(5x))", "tan(sinh(x)^4)*(1-x)", "x/ln(3x)",
                 "cos(e^(x^2))"]:  # fmt: skip
        out = run("diff", text, "--json")
        assert out.exit_code == 0, out.output
        assert json.loads(out.output)["verified"] is True


def test_an_undecided_check_exits_0_marked_not_verified_with_the_reason(monkeypatch):
    monkeypatch.delitem(rigorous.SERIES, "cos")  # as for a function balls cannot evaluate
    out = run("diff", "cos(exp(exp(x^2+6)))")  # its phase is near 10^175: floats cannot tell
    assert out.exit_code == 0
    assert "⚠ not verified" in out.output and "no interval form for cos" in out.output
    payload = json.loads(run("diff", "cos(exp(exp(x^2+6)))", "--json").output)
    assert payload["verified"] is False and "no interval form for cos" in payload["check"]


def test_grad_says_how_it_was_checked():
    out = run("grad", "x*cos(sinh(3x*y)) + y^2")
    assert out.exit_code == 0 and "✓ verified" in out.output
    payload = json.loads(run("grad", "x^2*y", "--json").output)
    assert payload["verified"] is True and "central differences" in payload["check"]


def _integral_check(monkeypatch, check: Check) -> None:
    import calcml.symbolic.integrate as integrate_module

    monkeypatch.setattr(integrate_module, "check_derivative", lambda *a, **k: check)


def test_an_antiderivative_proven_wrong_exits_3(monkeypatch):
    _integral_check(monkeypatch, Check(False, 3, 0.5, "it is wrong at (1.5): ...", rejected=True))
    out = CliRunner().invoke(main, ["integrate", "x*sin(x)"])
    assert out.exit_code == 3 and "calcml's own check failed" in out.output


def test_an_undecided_antiderivative_is_shown_with_the_reason(monkeypatch):
    _integral_check(monkeypatch, Check(False, 1, 0.0, "could not check: (the reason)"))
    out = CliRunner().invoke(main, ["integrate", "x*sin(x)"])
    assert out.exit_code == 0
    assert "⚠" in out.output and "not verified: could not check: (the reason)" in out.output
