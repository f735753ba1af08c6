"""Anomaly mode: stop at the first NaN or infinity, naming the operation and the user's line.

Off by default, and then free: the only cost is one flag test per operation. Inside
`detect_anomaly()` every operation checks its result, remembers the line of user code that made
it (file, line number and function, read from the stack once, when the tensor is made), and the
backward pass checks every gradient it computes.

>>> import numpy as np, calcml as cm
>>> from calcml.autodiff.tensor import Tensor
>>> x = Tensor([1.0, -1.0], requires_grad=True)
>>> with detect_anomaly(), np.errstate(invalid="ignore"):  # doctest: +ELLIPSIS
...     y = cm.log(x)
Traceback (most recent call last):
    ...
calcml.autodiff.anomaly.AnomalyError: log produced nan at <doctest ...>:2 in <module>: y = cm.log(x)
"""

from __future__ import annotations

import contextlib
import linecache
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np

from calcml.autodiff import graph as _graph
from calcml.autodiff.namespaces import foreign
from calcml.core.errors import CalcmlError

if TYPE_CHECKING:
    from calcml.autodiff.tensor import Op, Tensor

# Frames from these folders and files are calcml's machinery, not the user's code.
_INTERNAL = (
    os.path.dirname(__file__) + os.sep,
    os.path.dirname(os.path.dirname(__file__)) + os.sep + "core" + os.sep,
    contextlib.__file__,
)


class AnomalyError(CalcmlError, RuntimeError):
    """A NaN or infinity appeared; the message names the operation and where it was made.

    Attributes:
        op: the operation's name.
        origin: (file, line, function) of the user code that made the tensor, or None.
    """

    def __init__(self, message: str, op: str, origin: tuple[str, int, str] | None) -> None:
        self.op = op
        self.origin = origin
        super().__init__(message)


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Raise `AnomalyError` at the first NaN/inf in a forward result or a backward gradient.

    Tensors made inside the block remember the line of user code that made them, so a NaN that
    appears later, in `backward()`, is reported against that line.
    """
    before = _graph.set_anomaly(True, check_forward)
    try:
        yield
    finally:
        _graph.set_anomaly(before)


def backward_check() -> bool:
    """Whether the backward pass should check its gradients."""
    return _graph.anomaly_on()


def user_origin() -> tuple[str, int, str] | None:
    """(file, line, function) of the innermost caller outside calcml's engine."""
    frame = sys._getframe(1)
    while frame is not None:
        if not frame.f_code.co_filename.startswith(_INTERNAL):
            return (frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name)
        frame = frame.f_back
    return None


def describe(origin: tuple[str, int, str] | None) -> str:
    """`file:line in function: source` for an origin."""
    if origin is None:
        return "an unknown place"
    filename, line, function = origin
    source = linecache.getline(filename, line).strip()
    return f"{filename}:{line} in {function}" + (f": {source}" if source else "")


def _bad(values: Any) -> str | None:
    xp = foreign(values)
    if xp is not None:  # asks the device once per result: anomaly mode is for debugging
        if not xp.isdtype(values.dtype, ("real floating", "complex floating")):
            return None
        if bool(xp.all(xp.isfinite(values))):
            return None
        return "nan" if bool(xp.any(xp.isnan(values))) else "inf"
    arr = np.asarray(values)
    if arr.dtype.kind not in "fc" or np.isfinite(arr).all():
        return None
    return "nan" if np.isnan(arr).any() else "inf"


def check_forward(t: Tensor, op: Op | None) -> None:
    """Remember where `t` was made; raise if its value holds NaN or inf."""
    origin = user_origin()
    t._origin = origin
    bad = _bad(t.data)
    if bad is not None:
        name = "constant" if op is None else op.name
        raise AnomalyError(f"{name} produced {bad} at {describe(origin)}", name, origin)


def check_backward(node: Tensor, parent: Tensor, grad: Any) -> None:
    """Raise if the gradient that `node`'s rule sends to `parent` holds NaN or inf."""
    bad = _bad(getattr(grad, "data", grad))
    if bad is None:
        return
    origin = getattr(node, "_origin", None)
    name = node._op.name if node._op is not None else "leaf"
    position = next(i for i, p in enumerate(node._parents or ()) if p is parent)
    raise AnomalyError(
        f"backward of {name} produced {bad} in the gradient of its input {position}; "
        f"the {name} was made at {describe(origin)}",
        name,
        origin,
    )
