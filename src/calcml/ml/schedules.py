"""Learning-rate schedules (step, exponential, cosine), as PyTorch's `lr_scheduler` defines them.

A schedule is a function of the epoch t = 0, 1, 2, ... giving the learning rate; attached to an
optimizer, `step()` moves to the next epoch and writes the rate into every parameter group.

>>> s = StepLR(base_lr=0.1, step_size=2, gamma=0.5)
>>> [s.lr_at(t) for t in range(5)]
[0.1, 0.1, 0.05, 0.05, 0.025]
>>> round(CosineAnnealingLR(base_lr=1.0, T_max=4).lr_at(2), 12)
0.5
"""

from __future__ import annotations

import math
from typing import Any


class Schedule:
    """Base class: `lr_at(t)`, and `step()` to advance an attached optimizer."""

    def __init__(self, optimizer: Any = None, *, base_lr: float | None = None) -> None:
        if base_lr is None:
            if optimizer is None:
                raise ValueError("give an optimizer or a base_lr")
            base_lr = float(optimizer.param_groups[0].get("initial_lr", optimizer.lr))
        self.optimizer = optimizer
        self.base_lr = float(base_lr)
        self.last_epoch = 0
        self._apply()

    def lr_at(self, t: int) -> float:
        raise NotImplementedError

    def get_last_lr(self) -> float:
        return self.lr_at(self.last_epoch)

    def step(self) -> float:
        """Advance one epoch; returns the new learning rate."""
        self.last_epoch += 1
        return self._apply()

    def _apply(self) -> float:
        lr = self.lr_at(self.last_epoch)
        if self.optimizer is not None:
            self.optimizer.lr = lr
        return lr


class ConstantLR(Schedule):
    """The same rate every epoch."""

    def lr_at(self, t: int) -> float:
        return self.base_lr


class StepLR(Schedule):
    """lr_t = base_lr * gamma ** (t // step_size)."""

    def __init__(self, optimizer: Any = None, step_size: int = 10, gamma: float = 0.1, *,
                 base_lr: float | None = None) -> None:  # fmt: skip
        if step_size < 1:
            raise ValueError("step_size must be at least 1")
        self.step_size, self.gamma = int(step_size), float(gamma)
        super().__init__(optimizer, base_lr=base_lr)

    def lr_at(self, t: int) -> float:
        return self.base_lr * self.gamma ** (t // self.step_size)


class ExponentialLR(Schedule):
    """lr_t = base_lr * gamma ** t."""

    def __init__(self, optimizer: Any = None, gamma: float = 0.9, *,
                 base_lr: float | None = None) -> None:  # fmt: skip
        self.gamma = float(gamma)
        super().__init__(optimizer, base_lr=base_lr)

    def lr_at(self, t: int) -> float:
        return self.base_lr * self.gamma**t


class CosineAnnealingLR(Schedule):
    """lr_t = eta_min + (base_lr - eta_min) (1 + cos(pi t / T_max)) / 2 (one half-period)."""

    def __init__(self, optimizer: Any = None, T_max: int = 100, eta_min: float = 0.0, *,
                 base_lr: float | None = None) -> None:  # fmt: skip
        if T_max < 1:
            raise ValueError("T_max must be at least 1")
        self.T_max, self.eta_min = int(T_max), float(eta_min)
        super().__init__(optimizer, base_lr=base_lr)

    def lr_at(self, t: int) -> float:
        cos = (1 + math.cos(math.pi * t / self.T_max)) / 2
        return self.eta_min + (self.base_lr - self.eta_min) * cos


SCHEDULES: dict[str, type[Schedule]] = {
    "constant": ConstantLR, "step": StepLR, "exponential": ExponentialLR,
    "cosine": CosineAnnealingLR,
}  # fmt: skip


def make_schedule(name: str | None, optimizer: Any, **options: Any) -> Schedule:
    """A schedule by name (constant, step, exponential, cosine) attached to `optimizer`."""
    key = (name or "constant").lower()
    if key not in SCHEDULES:
        raise ValueError(f"unknown schedule {name!r}; choose from {', '.join(SCHEDULES)}")
    return SCHEDULES[key](optimizer, **options)
