"""detect_anomaly names the operation and the user's line, in forward and in backward."""

from __future__ import annotations

import numpy as np
import pytest

import calcml as cm
from calcml.autodiff import AnomalyError, Tensor, detect_anomaly


def test_forward_nan_names_the_operation_and_line() -> None:
    x = Tensor([1.0, -1.0], requires_grad=True)
    with pytest.raises(AnomalyError) as info, detect_anomaly(), np.errstate(invalid="ignore"):
        y = cm.log(x)  # the line that should be named
        del y
    err = info.value
    assert err.op == "log"
    assert err.origin is not None and err.origin[0] == __file__
    assert "the line that should be named" in str(err)


def test_backward_inf_names_the_operation_where_it_was_made() -> None:
    x = Tensor([0.0, 4.0], requires_grad=True)
    with detect_anomaly():
        y = cm.sqrt(x).sum()  # sqrt is x**0.5; its derivative is infinite at 0
        with pytest.raises(AnomalyError) as info:
            y.backward()
    assert info.value.op == "pow"
    assert "backward of pow produced inf" in str(info.value)
    assert "its derivative is infinite at 0" in str(info.value)


def test_off_by_default_and_restored() -> None:
    x = Tensor([0.0], requires_grad=True)
    with detect_anomaly():
        pass
    with np.errstate(divide="ignore"):
        y = cm.log(x)  # no error outside the block
    assert np.isneginf(y.data[0])
    assert not hasattr(y, "_origin") or y._origin is None


def test_finite_computations_pass() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    with detect_anomaly():
        (cm.exp(x) * x).sum().backward()
    np.testing.assert_allclose(x.grad, np.exp(x.data) * (1 + x.data))
