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
