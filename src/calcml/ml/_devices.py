"""What the models need to fit and predict on arrays of another array-API namespace (CuPy on a
GPU, `array_api_strict` in tests), in one place.

The rule, for every model: X decides. When X belongs to another namespace, the labels and
targets are moved beside it (host arrays are copied there once), the parameters live there,
and predictions come back in that namespace. The only values that come back to the host are
Python floats a model reports (a loss per epoch, a score, a stopping test), each an explicit
`float()` that waits for the device, never one per mini-batch step.

>>> import numpy as np
>>> on_device(np.zeros(2)) is None
True
>>> abs_max(np.array([1.0, -3.0]))
3.0
"""

from __future__ import annotations

from typing import Any

import numpy as np

from calcml.autodiff.namespaces import device_of, foreign, name_of, to_host
from calcml.core.errors import CalcmlError


def on_device(X: Any) -> Any:
    """X's namespace when it is not NumPy's (the models then fit there), else None."""
    return foreign(X)


def floating(xp: Any, X: Any) -> Any:
    """X itself when its dtype is floating, else X as the namespace's float64."""
    return X if xp.isdtype(X.dtype, "real floating") else xp.astype(X, xp.float64)


def beside(xp: Any, a: Any, like: Any, dtype: Any = None) -> Any:
    """`a` as an array of `xp` on like's device: itself when it is already there, a copy of a
    host array otherwise (the one explicit host-to-device copy of labels or targets)."""
    src = foreign(a)
    if src is not None and (src is not xp or device_of(a) != device_of(like)):
        raise CalcmlError(
            f"X and y live apart: {name_of(xp)} on {device_of(like)} and {name_of(src)} on "
            f"{device_of(a)}; move one beside the other first"
        )
    if src is xp:
        return a if dtype is None or a.dtype == dtype else xp.astype(a, dtype)
    return xp.asarray(np.asarray(a), dtype=dtype, device=device_of(like))


def encode_labels(xp: Any, y: Any, like: Any) -> tuple[Any, Any]:
    """(sorted classes, each label's class index), both arrays of `xp` beside `like`."""
    y = beside(xp, y, like)
    classes = xp.sort(xp.unique_values(y))
    return classes, xp.searchsorted(classes, y)


def host_copy(a: Any, why: str) -> np.ndarray:
    """A NumPy copy of `a`: for an array of another namespace, an explicit copy from the device;
    where that device refuses copies (`array_api_strict`'s test device), a one-line error that
    says `why` the copy was needed."""
    xp = foreign(a)
    if xp is None:
        return np.asarray(a)
    try:
        return to_host(a)
    except Exception as exc:
        raise CalcmlError(
            f"{why} needs these {name_of(xp)} values on the host, and their device refused the "
            f"copy ({type(exc).__name__}); pass them as a NumPy array"
        ) from None


def zeros_beside(X: Any, shape: tuple[int, ...]) -> Any:
    """Zeros of `shape`: float64 NumPy for a NumPy X, else in X's namespace, device and dtype."""
    xp = foreign(X)
    if xp is None:
        return np.zeros(shape)
    return xp.zeros(shape, dtype=X.dtype, device=device_of(X))


def take_rows(a: Any, index: Any) -> Any:
    """The rows `index` (a host integer array) of `a`: NumPy fancy indexing, or on another
    namespace `take` with the index array copied to a's device (one small copy)."""
    xp = foreign(a)
    if xp is None:
        return a[index]
    return xp.take(a, xp.asarray(np.asarray(index), device=device_of(a)), axis=0)


def snapshot(a: Any) -> Any:
    """A copy of an array, in its own namespace and on its own device."""
    xp = foreign(a)
    return np.array(a) if xp is None else xp.asarray(a, copy=True)


def abs_max(a: Any) -> float:
    """max |a| as a Python float (on another namespace: one wait for the device)."""
    xp = foreign(a)
    if xp is None:
        return float(np.max(np.abs(a)))
    return float(xp.max(xp.abs(a)))


def softmax_rows(xp: Any, z: Any) -> Any:
    """Row-wise softmax, shifted by the row maximum (as the NumPy path)."""
    e = xp.exp(z - xp.max(z, axis=1, keepdims=True))
    return e / xp.sum(e, axis=1, keepdims=True)


def logistic(xp: Any, z: Any) -> Any:
    """The logistic function in its stable two-sided form."""
    e = xp.exp(-xp.abs(z))
    return xp.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def accuracy(xp: Any, y: Any, pred: Any) -> float:
    """The fraction of equal labels, computed beside `pred`."""
    y = beside(xp, y, pred)
    return float(xp.mean(xp.astype(y == pred, xp.float64)))


def r2(xp: Any, y: Any, pred: Any) -> float:
    """1 - SS_res / SS_tot, computed beside `pred` (in float64 where the namespace has it)."""
    y = xp.astype(beside(xp, y, pred), xp.float64)
    pred = xp.astype(pred, xp.float64)
    ss_tot = float(xp.sum((y - xp.mean(y)) ** 2))
    ss_res = float(xp.sum((y - pred) ** 2))
    return 1.0 - ss_res / ss_tot if ss_tot > 0 else (1.0 if ss_res == 0 else 0.0)
