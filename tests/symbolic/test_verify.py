"""The numeric derivative check: its quick path in Python floats agrees with the NumPy path."""

from __future__ import annotations

import subprocess
import sys

import pytest

from calcml.core.expr import symbol
from calcml.symbolic import verify
from calcml.symbolic.diff import diff
from calcml.symbolic.parse import parse

x = symbol("x")
CASES = ["x^3*sin(x)", "sqrt(x)*log(x)", "abs(x)*x", "1/(x - 1)", "asin(x/4)", "x^(2/3)",
         "x^(1/3)", "tan(x)", "a*exp(-b*x^2)", "sigmoid(3x) + softplus(x) + relu(x)^2",
         "acosh(x^2 + 1)", "erf(x)*atanh(x/5)", "sign(x)*x^2 + heaviside(x)"]  # fmt: skip


@pytest.mark.parametrize("text", CASES)
def test_quick_and_numpy_paths_agree(text, monkeypatch):
    f = parse(text)
    right, wrong = diff(f, x, verify=False), diff(f, x, verify=False) + x
    monkeypatch.setattr(verify, "_numpy_loaded", lambda: False)  # as in a cold command
    quick = [verify.check_derivative(f, d, x) for d in (right, wrong)]
    monkeypatch.setattr(verify, "_SMALL_PROGRAM", -1)  # force the NumPy path
    full = [verify.check_derivative(f, d, x) for d in (right, wrong)]
    assert [c.passed for c in quick] == [c.passed for c in full] == [True, False]
    assert abs(quick[0].points - full[0].points) <= 4  # same sampling scheme, other draws


def test_a_cold_diff_command_does_not_load_numpy():
    """Importing NumPy costs more than the rest of `calcml diff` together (see core/lazy.py)."""
    code = ("import sys; from click.testing import CliRunner; "
            "from calcml.interfaces.cli import main; "
            "r = CliRunner().invoke(main, ['diff', 'x^3*sin(x)', '--steps']); "
            "assert r.exit_code == 0, r.output; print('numpy' in sys.modules)")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_cold_diff_loads_python_flint_only_for_points_floats_cannot_settle():
    code = ("import sys; from click.testing import CliRunner; "
            "from calcml.interfaces.cli import main; "
            "r = [CliRunner().invoke(main, ['diff', e]) for e in sys.argv[1:]]; "
            "assert all(x.exit_code == 0 for x in r); print('flint' in sys.modules)")  # fmt: skip
    for texts, loaded in ((["x^3*sin(x)", "exp(-x^2)*cos(3x)"], "False"),
                          (["x^3*sin(e^(5x))"], "True")):  # fmt: skip
        out = subprocess.run([sys.executable, "-c", code, *texts], capture_output=True,
                             text=True, check=True)  # fmt: skip
        assert out.stdout.strip() == loaded


# --- the re-check in ball arithmetic -------------------------------------------------------------


def test_points_central_differences_cannot_settle_are_rechecked_in_ball_arithmetic():
    f = parse("x^3*sin(e^(5x))")  # once refused: it oscillates faster than the step near x = 3
    check = verify.check_derivative(f, diff(f, x, verify=False), x)
    assert check.passed and "ball arithmetic" in check.note


def test_a_wrong_derivative_is_rejected_only_with_a_proof():
    f = parse("x^3*sin(e^(5x))")
    check = verify.check_derivative(f, diff(f, x, verify=False) * (1 + 1e-6), x)
    assert check.rejected and not check.passed
    assert "ball arithmetic proves a relative error of 1.0e-06" in check.note


def test_without_a_proof_a_disagreement_leaves_the_result_unverified(monkeypatch):
    from calcml.symbolic import rigorous

    monkeypatch.delitem(rigorous.SERIES, "sin")  # as for a function balls cannot evaluate
    f = parse("x^3*sin(e^(5x))")
    check = verify.check_derivative(f, diff(f, x, verify=False) + x, x)
    assert not check.passed and not check.rejected
    assert "no interval form for sin" in check.note


def test_a_small_derivative_is_checked_relative_to_itself():
    """|f'| ≈ 1e-8 beside |f| ≈ 1: an error of 1e-6 in f' is far below the floats' noise."""
    f = parse("tanh(x^2 + 10)")
    right = diff(f, x, verify=False)
    assert verify.check_derivative(f, right, x).passed
    assert verify.check_derivative(f, right * (1 + 1e-6), x).rejected


def test_user_floats_keep_the_old_measure():
    """A float in f brings rounding into f' that an exact comparison would call an error."""
    f = parse("0.1*x^3 - 0.30000000000000004*x^2*1.7 + exp(0.3*x)")
    assert verify.check_derivative(f, diff(f, x, verify=False), x).passed


def test_values_that_cancel_in_floats_are_compared_in_ball_arithmetic():
    import numpy as np

    a = parse("cosh(x)^2 - sinh(x)^2")
    far = np.array([[36.0, 37.5, 39.0, 40.0]])  # floats give 0 or ±2^k instead of 1
    check = verify.check_equal(a, parse("1"), x, points=far)
    assert check.passed and "ball arithmetic" in check.note
    assert verify.check_equal(a, parse("2"), x, points=far).rejected


def test_gradients_and_hessians_are_checked_the_same_way():
    from calcml.core.errors import VerificationError
    from calcml.symbolic.derivatives import checked_gradient, hessian

    y = symbol("y")
    f = parse("x*cos(sinh(3x*y)) + y^2")
    grads, check = checked_gradient(f, "x y")
    assert check.passed
    wrong = verify.check_gradient(f, [grads[0], grads[1] * (1 + 1e-6)], [x, y])
    assert wrong.rejected
    assert hessian(f, "x y")[1][1] == diff(grads[1], y, verify=False)
    import calcml.symbolic.derivatives as derivatives

    with pytest.raises(VerificationError, match="the gradient"):
        derivatives._require(wrong, "the gradient", f)
