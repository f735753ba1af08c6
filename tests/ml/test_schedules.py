"""Learning-rate schedules (PyTorch's closed forms)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from calcml.ml.optim import SGD
from calcml.ml.schedules import CosineAnnealingLR, ExponentialLR, StepLR, make_schedule


class P:
    def __init__(self) -> None:
        self.data, self.grad = np.zeros(1), None


def test_step_exponential_cosine_values() -> None:
    assert [StepLR(base_lr=1.0, step_size=3, gamma=0.5).lr_at(t) for t in (0, 2, 3, 7)] == \
        [1.0, 1.0, 0.5, 0.25]  # fmt: skip
    assert ExponentialLR(base_lr=2.0, gamma=0.9).lr_at(3) == pytest.approx(2.0 * 0.9**3)
    cos = CosineAnnealingLR(base_lr=0.3, T_max=10, eta_min=0.01)
    assert cos.lr_at(0) == 0.3 and cos.lr_at(10) == pytest.approx(0.01)
    assert cos.lr_at(5) == pytest.approx(0.01 + 0.29 * (1 + math.cos(math.pi / 2)) / 2)


def test_schedule_drives_the_optimizer() -> None:
    opt = SGD([P()], lr=0.1)
    sched = make_schedule("step", opt, step_size=2, gamma=0.1)
    rates = []
    for _ in range(5):
        rates.append(opt.lr)
        sched.step()
    np.testing.assert_allclose(rates, [0.1, 0.1, 0.01, 0.01, 0.001])
    with pytest.raises(ValueError):
        make_schedule("warmup", opt)
