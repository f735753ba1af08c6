"""`check_grads`: compare automatic derivatives with central differences, as HIPS autograd does.

For a function F (its outputs flattened into one vector), a random unit cotangent u and random
directions v (one per argument), reverse mode gives uᵀ J v through `vjp` and forward mode through
`jvp`; central differences give uᵀ (F(x + εv) - F(x - εv)) / 2ε, all in float64. Second order
repeats the check on x ↦ vjp(F, x)(u), whose derivatives are computed by differentiating the
backward pass itself, and so on for higher orders.

When a check fails, the error names the order, the mode and the argument, and then locates the
worst entry of that argument's gradient by differencing one coordinate at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from calcml.autodiff.functional import jvp, vjp
from calcml.autodiff.namespaces import numpy_only
from calcml.autodiff.ops import concatenate
from calcml.autodiff.tensor import Tensor
from calcml.core.errors import CalcmlError

_LOCATE_LIMIT = 512  # coordinates differenced one by one to locate a failure


@dataclass(frozen=True)
class Comparison:
    """One directional derivative, computed two ways.

    Attributes:
        order: 1 for first derivatives, 2 for second, ...
        mode: "reverse" (vjp) or "forward" (jvp).
        automatic: uᵀ J v from automatic differentiation.
        numeric: the same from central differences.
        error: |automatic - numeric|.
        tolerance: atol + rtol·|numeric|.
    """

    order: int
    mode: str
    automatic: float
    numeric: float
    error: float
    tolerance: float

    @property
    def ok(self) -> bool:
        return bool(self.error <= self.tolerance)

    def __str__(self) -> str:
        return (
            f"order {self.order} {self.mode}: automatic {self.automatic:.10g}, numeric "
            f"{self.numeric:.10g}, error {self.error:.3g} (tolerance {self.tolerance:.3g})"
        )


@dataclass(frozen=True)
class GradientReport:
    """Every comparison `check_grads` made; `worst` is the one closest to failing."""

    comparisons: tuple[Comparison, ...]

    @property
    def worst(self) -> Comparison:
        return max(self.comparisons, key=lambda c: c.error / c.tolerance)

    def __str__(self) -> str:
        return "\n".join(str(c) for c in self.comparisons) + f"\nworst: {self.worst}"


class GradientCheckError(CalcmlError, AssertionError):
    """Automatic and numeric derivatives disagree; the message says where.

    Attributes:
        comparison: the failed `Comparison`.
        argument: the index of the argument whose gradient is wrong (reverse mode), or None.
        entry: the index of the worst entry in that argument, or None.
    """

    def __init__(
        self,
        message: str,
        comparison: Comparison,
        argument: int | None = None,
        entry: tuple[int, ...] | None = None,
    ) -> None:
        self.comparison = comparison
        self.argument = argument
        self.entry = entry
        super().__init__(message)


def _flat(out: Any) -> Any:
    """A function's output(s) as one flat vector (a tensor where the output was one)."""
    parts = out if isinstance(out, tuple | list) else (out,)
    flats = [p.reshape(-1) if isinstance(p, Tensor) else np.reshape(p, -1) for p in parts]
    if len(flats) == 1:
        return flats[0]
    if any(isinstance(p, Tensor) for p in flats):
        return concatenate(flats)
    return np.concatenate(flats)


def _evaluate(fun: Callable[..., Any], args: Sequence[np.ndarray]) -> np.ndarray:
    out = fun(*[Tensor(a) for a in args])  # constant tensors: no graph is recorded
    return np.asarray(out.data if isinstance(out, Tensor) else out, dtype=np.float64)


def _unit(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    v = rng.standard_normal(shape)
    norm = np.linalg.norm(v)
    return v / norm if norm > 0 else v


def check_grads(
    f: Callable[..., Any],
    *args: Any,
    order: int = 2,
    eps: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    modes: Sequence[str] = ("reverse", "forward"),
    seed: int = 0,
) -> GradientReport:
    """Check f's derivatives up to `order` against central differences.

    Arguments:
        f: a function of arrays (written with calcml operations) returning an array, a scalar
            or a tuple of arrays.
        args: the point; converted to float64.
        order: the highest derivative order to check.
        eps: the finite-difference step.
        rtol, atol: a comparison passes when |automatic - numeric| <= atol + rtol·|numeric|.
        modes: "reverse" (vjp) and/or "forward" (jvp).
        seed: for the random directions.

    Returns:
        a `GradientReport` listing every comparison.

    Raises:
        GradientCheckError: at the first comparison that fails, naming the worst entry.

    >>> import calcml as cm
    >>> report = check_grads(lambda x: cm.sin(x) * x, np.array([0.3, 1.2]))
    >>> report.worst.ok
    True
    """
    rng = np.random.default_rng(seed)
    point = [np.array(a, dtype=np.float64) for a in args]
    comparisons: list[Comparison] = []
    fun: Callable[..., Any] = lambda *xs: _flat(f(*xs))  # noqa: E731
    for level in range(1, order + 1):
        out = _evaluate(fun, point)
        u = _unit(rng, out.shape)
        vs = [_unit(rng, p.shape) for p in point]
        shifted = [
            [p + eps * v for p, v in zip(point, vs, strict=True)],
            [p - eps * v for p, v in zip(point, vs, strict=True)],
        ]
        numeric_out = (_evaluate(fun, shifted[0]) - _evaluate(fun, shifted[1])) / (2 * eps)
        numeric = float(u @ numeric_out)
        if "reverse" in modes:
            pulled = vjp(fun, *point)[1](u)
            automatic = float(sum(np.sum(g * v) for g, v in zip(pulled, vs, strict=True)))
            where = (fun, point, u, pulled, eps)
            comparisons.append(_compare(level, "reverse", automatic, numeric, rtol, atol, where))
        if "forward" in modes:
            tangent = np.asarray(jvp(fun, point, vs)[1])
            automatic = float(u @ tangent.reshape(-1))
            comparisons.append(_compare(level, "forward", automatic, numeric, rtol, atol, None))
        fun = _pulled_back(fun, u)
    return GradientReport(tuple(comparisons))


def _pulled_back(fun: Callable[..., Any], u: np.ndarray) -> Callable[..., Any]:
    """x ↦ uᵀ ∂fun/∂x, flattened: the function whose derivatives are the next order's."""

    def pulled(*xs: Any) -> Any:
        return _flat(vjp(fun, *xs)[1](u))

    return pulled


def _compare(
    order: int,
    mode: str,
    automatic: float,
    numeric: float,
    rtol: float,
    atol: float,
    where: tuple[Any, ...] | None,
) -> Comparison:
    error, tolerance = abs(automatic - numeric), atol + rtol * abs(numeric)
    c = Comparison(order, mode, automatic, numeric, error, tolerance)
    if c.ok:
        return c
    message = f"derivative check failed: {c}"
    if where is None:
        raise GradientCheckError(message, c)
    argument, entry, auto_entry, numeric_entry = _locate(*where)
    message += (
        f"; worst entry: argument {argument}, index {entry}: automatic "
        f"{auto_entry:.10g}, numeric {numeric_entry:.10g}"
    )
    raise GradientCheckError(message, c, argument, entry)


def _locate(
    fun: Callable[..., Any],
    point: list[np.ndarray],
    u: np.ndarray,
    pulled: Sequence[Any],
    eps: float,
) -> tuple[int, tuple[int, ...], float, float]:
    """The entry of uᵀJ where reverse mode and coordinate-wise differences disagree most."""
    best = (0, (), 0.0, 0.0)
    worst = -1.0
    for i, p in enumerate(point):
        auto = np.asarray(pulled[i], dtype=np.float64)
        for flat in range(min(p.size, _LOCATE_LIMIT)):
            index = np.unravel_index(flat, p.shape)
            plus, minus = [q.copy() for q in point], [q.copy() for q in point]
            plus[i][index] += eps
            minus[i][index] -= eps
            num = float(u @ (_evaluate(fun, plus) - _evaluate(fun, minus))) / (2 * eps)
            err = abs(float(auto[index]) - num)
            if err > worst:
                worst = err
                best = (i, tuple(int(k) for k in index), float(auto[index]), num)
    return best


check_grads = numpy_only(check_grads)  # NumPy-only: a one-line error for other namespaces
