"""Compiled programs: integer powers of any input kind."""

from __future__ import annotations

import numpy as np

import calcml as cm


def test_integer_powers_of_integer_inputs_do_not_wrap_or_refuse() -> None:
    f = cm.compile(cm.parse("x^40 + x^-2"), ["x"])
    np.testing.assert_allclose(f(np.array([3, 2])), [3.0**40 + 1 / 9, 2.0**40 + 0.25])
    assert f(10) == 10.0**40 + 0.01
    with np.errstate(over="ignore"):
        assert cm.compile(cm.parse("x^400"), ["x"])(10) == np.inf
