"""check_grads passes on correct derivatives and finds wrong ones, naming the entry."""

from __future__ import annotations

import numpy as np
import pytest

import calcml as cm
from calcml.autodiff import GradientCheckError, Tensor, check_grads
from calcml.autodiff.graph import unary
from calcml.autodiff.tensor import Op


def bad_sin(x: Tensor) -> Tensor:
    """sin with a wrong derivative at index 2 only (cos elsewhere)."""

    def local(y, v):
        d = np.cos(getattr(v, "data", v))  # an array, on tensors too (first order only)
        d[2] += 0.1
        return d

    return unary(np.sin(x.data), x, (x.data,), Op("bad_sin", (local,), pointwise=True))


def test_a_wrong_derivative_is_found_and_located() -> None:
    x = np.linspace(0.1, 0.9, 5)
    with pytest.raises(GradientCheckError) as info:
        check_grads(lambda t: bad_sin(t) * 2.0, x, order=1, modes=("reverse",))
    err = info.value
    assert err.argument == 0 and err.entry == (2,)
    assert "order 1 reverse" in str(err) and "index (2,)" in str(err)
    assert isinstance(err, AssertionError)


def test_wrong_forward_mode_is_found() -> None:
    with pytest.raises(GradientCheckError, match="forward"):
        check_grads(lambda t: bad_sin(t), np.linspace(0.1, 0.9, 5), order=1, modes=("forward",))


def test_report_lists_every_order_and_mode() -> None:
    report = check_grads(lambda x, y: cm.exp(x) * y, np.array([0.1, 0.2]), np.array([1.0, 2.0]),
                         order=3, rtol=1e-4)  # fmt: skip
    assert [(c.order, c.mode) for c in report.comparisons] == [
        (1, "reverse"), (1, "forward"), (2, "reverse"), (2, "forward"), (3, "reverse"),
        (3, "forward"),
    ]  # fmt: skip
    assert report.worst.ok and "worst" in str(report)


def test_tuple_outputs() -> None:
    check_grads(lambda x: (cm.sin(x), x.sum() * 2.0), np.array([0.5, 1.5]))
