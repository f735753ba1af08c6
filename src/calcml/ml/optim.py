"""Optimizers with PyTorch's update equations, operation for operation.

Each optimizer updates parameters: objects with a NumPy `.data` array and a `.grad` array (a
calcml `Tensor` or `Parameter`, or anything shaped like one). The formulas are those of
`torch.optim`'s single-tensor code paths (`foreach=False`), written in the same order, so that
trajectories agree with PyTorch to rounding (see `tests/ml/test_optim_reference.py`).

A parameter whose data belongs to another array namespace (a CuPy array on a GPU) is updated in
place in that namespace and in its own dtype, as PyTorch does on a GPU; NumPy parameters are
updated in float64 as before. `Newton` and `clip_grad_norm` are NumPy-only.

>>> import numpy as np
>>> class P:  # any object with .data and .grad
...     def __init__(self, v): self.data, self.grad = np.array(v, dtype=float), None
>>> p = P([1.0, -2.0])
>>> opt = SGD([p], lr=0.1, momentum=0.9)
>>> for _ in range(3):
...     p.grad = 2 * p.data          # gradient of |p|^2
...     opt.step()
>>> p.data.round(6).tolist()
[0.062, -0.124]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

import numpy as np

from calcml.autodiff.namespaces import foreign, refuse, unwrap

Params = Iterable[Any] | Iterable[dict[str, Any]]


def _assign(p: Any, value: np.ndarray) -> None:
    """Write new values into a parameter, in place when its array allows it."""
    data = p.data
    if isinstance(data, np.ndarray) and data.flags.writeable and data.shape == np.shape(value):
        data[...] = value
    else:
        p.data = np.asarray(value, dtype=np.float64)


def _grad(p: Any) -> np.ndarray | None:
    g = getattr(p, "grad", None)
    if g is None:
        return None
    xp = foreign(p.data)
    if xp is not None:
        raise refuse("this optimizer", xp)
    return np.asarray(getattr(g, "data", g), dtype=np.float64)


def _step_foreign(opt: Optimizer, p: Any, xp: Any, group: dict[str, Any]) -> None:
    """One update of a parameter held by namespace `xp`, in its dtype, written in place."""
    g = unwrap(p.grad)
    if g is None:
        return
    data = p.data
    if g.dtype != data.dtype:
        g = xp.astype(g, data.dtype)
    if group.get("maximize"):
        g = -g
    state = opt.state.setdefault(id(p), {})
    data[...] = opt._update(data, g, state, group)


class Optimizer:
    """Base class: parameter groups, per-parameter state, `step` and `zero_grad`."""

    defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, params: Params, **hyper: Any) -> None:
        unknown = set(hyper) - set(self.defaults)
        if unknown:
            raise TypeError(f"{type(self).__name__} got unknown options {sorted(unknown)}")
        items = list(params)
        if not items:
            raise ValueError("optimizer got an empty parameter list")
        groups = items if isinstance(items[0], dict) else [{"params": items}]
        self.param_groups: list[dict[str, Any]] = []
        for g in groups:
            group = {**self.defaults, **hyper, **g, "params": list(g["params"])}
            if group["lr"] is None or group["lr"] < 0:
                raise ValueError(f"invalid learning rate {group['lr']!r}")
            group.setdefault("initial_lr", group["lr"])
            self.param_groups.append(group)
        self.state: dict[int, dict[str, Any]] = {}

    @property
    def lr(self) -> float:
        """The learning rate of the first group (what schedules change)."""
        return float(self.param_groups[0]["lr"])

    @lr.setter
    def lr(self, value: float) -> None:
        for g in self.param_groups:
            g["lr"] = value

    def params(self) -> list[Any]:
        return [p for g in self.param_groups for p in g["params"]]

    def zero_grad(self) -> None:
        """Forget the gradients (set to None, as PyTorch's default does)."""
        for p in self.params():
            p.grad = None

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient; returns closure() if given."""
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            for p in group["params"]:
                xp = foreign(p.data)
                if xp is not None:
                    _step_foreign(self, p, xp, group)
                    continue
                g = _grad(p)
                if g is None:
                    continue
                if group.get("maximize"):
                    g = -g
                state = self.state.setdefault(id(p), {})
                _assign(p, self._update(np.asarray(p.data, dtype=np.float64), g, state, group))
        return loss

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> np.ndarray:  # fmt: skip
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with momentum, dampening, Nesterov and weight decay.

    g <- g + wd p;  b <- g (first step), else mu b + (1 - dampening) g;
    g <- g + mu b (Nesterov) or b;  p <- p - lr g.
    """

    defaults: ClassVar[dict[str, Any]] = {
        "lr": 1e-3, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False,
        "maximize": False}  # fmt: skip

    def __init__(self, params: Params, lr: float = 1e-3, **hyper: Any) -> None:
        super().__init__(params, lr=lr, **hyper)
        for g in self.param_groups:
            if g["nesterov"] and (g["momentum"] <= 0 or g["dampening"] != 0):
                raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> np.ndarray:  # fmt: skip
        wd, mu = group["weight_decay"], group["momentum"]
        if wd != 0:
            g = g + wd * p
        if mu != 0:
            buf = state.get("momentum_buffer")
            buf = _copy(g) if buf is None else buf * mu + (1 - group["dampening"]) * g
            state["momentum_buffer"] = buf
            g = g + mu * buf if group["nesterov"] else buf
        return p + (-group["lr"]) * g


class GradientDescent(SGD):
    """Plain gradient descent: p <- p - lr * grad."""

    def __init__(self, params: Params, lr: float = 1e-3, **hyper: Any) -> None:
        super().__init__(params, lr=lr, **hyper)


GD = GradientDescent


def _copy(a: Any) -> Any:
    xp = foreign(a)
    return a.copy() if xp is None else xp.asarray(a, copy=True)


def _xp(a: Any) -> Any:
    """The namespace of a parameter array (NumPy for NumPy's)."""
    return foreign(a) or np


def _lerp(a: np.ndarray, b: np.ndarray, w: float) -> np.ndarray:
    """torch.lerp: a + w (b - a) for w < 0.5, else b - (b - a)(1 - w)."""
    return a + w * (b - a) if w < 0.5 else b - (b - a) * (1 - w)


class Adam(Optimizer):
    """Adam (Kingma and Ba) with PyTorch's coupled weight decay and AMSGrad.

    m <- lerp(m, g, 1 - b1);  v <- b2 v + (1 - b2) g^2;
    p <- p - lr/(1 - b1^t) * m / (sqrt(v)/sqrt(1 - b2^t) + eps).
    """

    defaults: ClassVar[dict[str, Any]] = {
        "lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False,
        "maximize": False}  # fmt: skip
    decoupled = False

    def __init__(self, params: Params, lr: float = 1e-3, **hyper: Any) -> None:
        super().__init__(params, lr=lr, **hyper)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> np.ndarray:  # fmt: skip
        lr, wd, eps = group["lr"], group["weight_decay"], group["eps"]
        beta1, beta2 = group["betas"]
        if not state:
            xp = _xp(p)
            state.update(step=0, exp_avg=xp.zeros_like(p), exp_avg_sq=xp.zeros_like(p))
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = xp.zeros_like(p)
        state["step"] += 1
        t = state["step"]
        if wd != 0:
            if self.decoupled:
                p = p * (1 - lr * wd)
            else:
                g = g + wd * p
        m = state["exp_avg"] = _lerp(state["exp_avg"], g, 1 - beta1)
        v = state["exp_avg_sq"] = state["exp_avg_sq"] * beta2 + (1 - beta2) * g * g
        step_size = lr / (1 - beta1**t)
        bias_correction2_sqrt = math.sqrt(1 - beta2**t)
        if group["amsgrad"]:
            v = state["max_exp_avg_sq"] = _xp(p).maximum(state["max_exp_avg_sq"], v)
        denom = _xp(p).sqrt(v) / bias_correction2_sqrt + eps
        return p + (-step_size) * m / denom


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter): p <- p (1 - lr wd) first.

    PyTorch's default weight_decay for AdamW is 0.01 (for Adam it is 0).
    """

    defaults: ClassVar[dict[str, Any]] = {**Adam.defaults, "weight_decay": 1e-2}
    decoupled = True


class Adagrad(Optimizer):
    """Adagrad: s <- s + g^2;  p <- p - lr/(1 + (t-1) lr_decay) * g / (sqrt(s) + eps)."""

    defaults: ClassVar[dict[str, Any]] = {"lr": 1e-2, "lr_decay": 0.0, "weight_decay": 0.0,
                "initial_accumulator_value": 0.0, "eps": 1e-10, "maximize": False}  # fmt: skip

    def __init__(self, params: Params, lr: float = 1e-2, **hyper: Any) -> None:
        super().__init__(params, lr=lr, **hyper)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> np.ndarray:  # fmt: skip
        if not state:
            state.update(step=0, sum=_xp(p).full_like(p, group["initial_accumulator_value"]))
        state["step"] += 1
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        s = state["sum"] = state["sum"] + 1 * g * g
        std = _xp(p).sqrt(s) + group["eps"]
        return p + (-clr) * g / std


class RMSprop(Optimizer):
    """RMSprop (Hinton), optionally centered and with momentum, as in PyTorch.

    v <- a v + (1 - a) g^2;  centered: m <- lerp(m, g, 1 - a), d = sqrt(v - m^2) + eps, else
    d = sqrt(v) + eps;  momentum: b <- mu b + g/d, p <- p - lr b;  else p <- p - lr g/d.
    """

    defaults: ClassVar[dict[str, Any]] = {
        "lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0,
        "centered": False, "maximize": False}  # fmt: skip

    def __init__(self, params: Params, lr: float = 1e-2, **hyper: Any) -> None:
        super().__init__(params, lr=lr, **hyper)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> np.ndarray:  # fmt: skip
        alpha, lr, mu = group["alpha"], group["lr"], group["momentum"]
        if not state:
            state.update(step=0, square_avg=_xp(p).zeros_like(p))
            if mu > 0:
                state["momentum_buffer"] = _xp(p).zeros_like(p)
            if group["centered"]:
                state["grad_avg"] = _xp(p).zeros_like(p)
        state["step"] += 1
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p
        sq = state["square_avg"] = state["square_avg"] * alpha + (1 - alpha) * g * g
        if group["centered"]:
            ga = state["grad_avg"] = _lerp(state["grad_avg"], g, 1 - alpha)
            avg = _xp(p).sqrt(sq + -1 * ga * ga)
        else:
            avg = _xp(p).sqrt(sq)
        avg = avg + group["eps"]
        if mu > 0:
            buf = state["momentum_buffer"] = state["momentum_buffer"] * mu + g / avg
            return p + (-lr) * buf
        return p + (-lr) * g / avg


class Newton(Optimizer):
    """Newton's method: p <- p - lr H^{-1} g, with the Hessian H supplied at each step.

    `damping` adds λI to H (Levenberg); a singular H falls back to the least-squares solution.
    All parameters are treated as one flat vector (small problems only).

    >>> class P:
    ...     data, grad = np.array([3.0, -1.0]), None
    >>> p = P(); opt = Newton([p])
    >>> p.grad = np.array([2 * 3.0, 20 * -1.0])   # f = x^2 + 10 y^2
    >>> opt.step(hessian=np.diag([2.0, 20.0])); p.data.tolist()
    [0.0, 0.0]
    """

    defaults: ClassVar[dict[str, Any]] = {"lr": 1.0, "damping": 0.0, "maximize": False}

    def __init__(self, params: Params, lr: float = 1.0, **hyper: Any) -> None:
        super().__init__(params, lr=lr, **hyper)

    def step(self, closure: Callable[[], Any] | None = None, *,  # type: ignore[override]
             hessian: Any = None) -> Any:  # fmt: skip
        loss = closure() if closure is not None else None
        if hessian is None:
            raise ValueError("Newton.step needs the Hessian: step(hessian=H)")
        params = self.params()
        for p in params:
            if foreign(p.data) is not None:
                raise refuse("Newton", foreign(p.data))
        grads = [_grad(p) for p in params]
        if any(g is None for g in grads):
            raise ValueError("Newton.step needs every parameter's gradient")
        g = np.concatenate([np.ravel(x) for x in grads])  # type: ignore[arg-type]
        H = np.asarray(getattr(hessian, "data", hessian), dtype=np.float64).reshape(g.size, g.size)
        group = self.param_groups[0]
        H = H + group["damping"] * np.eye(g.size)
        try:
            d = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            d = np.linalg.lstsq(H, g, rcond=None)[0]
        if group.get("maximize"):
            d = -d
        self.last_direction = -d
        offset = 0
        for p in params:
            size = np.size(p.data)
            step = d[offset : offset + size].reshape(np.shape(p.data))
            _assign(p, np.asarray(p.data, dtype=np.float64) - group["lr"] * step)
            offset += size
        return loss


OPTIMIZERS: dict[str, type[Optimizer]] = {
    "gd": GradientDescent, "sgd": SGD, "momentum": SGD, "nesterov": SGD, "adagrad": Adagrad,
    "rmsprop": RMSprop, "adam": Adam, "adamw": AdamW, "newton": Newton,
}  # fmt: skip


def make_optimizer(name: str, params: Params, **hyper: Any) -> Optimizer:
    """An optimizer by name: gd, sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, newton.

    `momentum` and `nesterov` are SGD with momentum 0.9 unless given.
    """
    key = name.lower()
    if key not in OPTIMIZERS:
        raise ValueError(f"unknown method {name!r}; choose from {', '.join(OPTIMIZERS)}")
    if key in ("momentum", "nesterov"):
        hyper.setdefault("momentum", 0.9)
        hyper["nesterov"] = key == "nesterov"
    return OPTIMIZERS[key](params, **hyper)


def clip_grad_norm(params: Iterable[Any], max_norm: float, norm_type: float = 2.0) -> float:
    """Scale all gradients together so their joint norm is at most `max_norm` (PyTorch's
    `clip_grad_norm_`: coefficient max_norm / (norm + 1e-6), capped at 1). Returns the norm
    before clipping.

    >>> class P:
    ...     def __init__(self, g): self.data, self.grad = np.zeros(2), np.array(g)
    >>> ps = [P([3.0, 4.0])]
    >>> clip_grad_norm(ps, 1.0), ps[0].grad.round(6).tolist()
    (5.0, [0.6, 0.8])
    """
    items = [p for p in params if getattr(p, "grad", None) is not None]
    if not items:
        return 0.0
    for p in items:
        if foreign(p.data) is not None:
            raise refuse("clip_grad_norm", foreign(p.data))
    grads = [_grad(p) for p in items]
    if math.isinf(norm_type):
        total = max(float(np.max(np.abs(g))) if g.size else 0.0 for g in grads)  # type: ignore[union-attr]
    else:
        norms = np.array([np.linalg.norm(np.ravel(g), ord=norm_type) for g in grads])  # type: ignore[arg-type]
        total = float(np.linalg.norm(norms, ord=norm_type))
    coef = min(max_norm / (total + 1e-6), 1.0)
    for p, g in zip(items, grads, strict=True):
        new = g * coef
        if isinstance(p.grad, np.ndarray) and p.grad.flags.writeable:
            p.grad[...] = new
        elif hasattr(p.grad, "data"):
            p.grad.data = new
        else:
            p.grad = new
    return total
