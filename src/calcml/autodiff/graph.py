"""Making results: a graph node when an input requires gradients, a constant otherwise.

Every operation ends in one of these functions, so this is where the per-operation cost is paid:
they build the tensor without `__init__` and check nothing beyond "does an input require
gradients, and is recording on". The process-wide switches live here too: `no_grad()` (stop
recording) and the anomaly flag that `detect_anomaly()` sets.

>>> from calcml.autodiff.tensor import Tensor
>>> w = Tensor([1.0], requires_grad=True)
>>> (w * 2).requires_grad, (Tensor([1.0]) * 2).requires_grad
(True, False)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from calcml.autodiff.namespaces import foreign
from calcml.autodiff.tensor import Op, Tensor, next_seq

_new = object.__new__
_GRAD_ENABLED = True  # switched by no_grad()
_ANOMALY = False  # switched by anomaly.detect_anomaly()
_check_forward: Callable[[Tensor, Op | None], None] | None = None  # given with the switch


_PLAIN = (float, int, np.ndarray, np.generic)


def operand(x: Any) -> Any:
    """A non-tensor operand as NumPy sees it (an array of another namespace as it is), or None
    when Tensor should not handle it.

    Shared by the operator methods (arithmetic.py, numpy_ops.py) that accept plain operands.
    """
    if isinstance(x, _PLAIN):
        return x
    if isinstance(x, list | tuple):
        return np.asarray(x, dtype=np.float64)
    return x if foreign(x) is not None else None  # an array of another namespace


# --- making results ------------------------------------------------------------------------------


def const(y: Any) -> Tensor:
    """A result outside the graph (public: every op module makes results with these makers)."""
    t = _new(Tensor)
    t.data = y
    t.grad = None
    t.requires_grad = False
    t._parents = ()
    t._inputs = ()
    t._op = None
    t._seq = next_seq()
    t._g = None
    if _ANOMALY:
        _check_forward(t, None)
    return t


def _node(y: Any, parents: tuple[Tensor | None, ...], inputs: tuple[Any, ...], op: Op) -> Tensor:
    """A result inside the graph (the caller checked that some parent requires gradients)."""
    if not _GRAD_ENABLED:
        return const(y)
    t = _new(Tensor)
    t.data = y
    t.grad = None
    t.requires_grad = True
    t._parents = parents
    t._inputs = inputs
    t._op = op
    t._seq = next_seq()
    t._g = None
    if _ANOMALY:
        _check_forward(t, op)
    return t


# unary and binary repeat _node's body: they run once per operation, and a call less is a
# measurable share of an operation on small arrays.


def unary(y: Any, a: Tensor, inputs: tuple[Any, ...], op: Op) -> Tensor:
    """The result of an operation on one tensor `a` (a node if `a` requires gradients)."""
    if not (a.requires_grad and _GRAD_ENABLED):
        return const(y)
    t = _new(Tensor)
    t.data = y
    t.grad = None
    t.requires_grad = True
    t._parents = (a,)
    t._inputs = inputs
    t._op = op
    t._seq = next_seq()
    t._g = None
    if _ANOMALY:
        _check_forward(t, op)
    return t


def binary(y: Any, a: Tensor | None, b: Tensor | None, inputs: tuple[Any, ...], op: Op) -> Tensor:
    """The result of an operation on two operands; None stands for a non-tensor operand."""
    if not (
        _GRAD_ENABLED
        and ((a is not None and a.requires_grad) or (b is not None and b.requires_grad))
    ):
        return const(y)
    t = _new(Tensor)
    t.data = y
    t.grad = None
    t.requires_grad = True
    t._parents = (a, b)
    t._inputs = inputs
    t._op = op
    t._seq = next_seq()
    t._g = None
    if _ANOMALY:
        _check_forward(t, op)
    return t


def nary(y: Any, parents: tuple[Tensor | None, ...], inputs: tuple[Any, ...], op: Op) -> Tensor:
    """The result of an operation on any number of operands (None for non-tensors)."""
    for p in parents:
        if p is not None and p.requires_grad:
            return _node(y, parents, inputs, op)
    return const(y)


@contextmanager
def no_grad() -> Iterator[None]:
    """Within this block operations record no graph (for evaluation and parameter updates).

    >>> w = Tensor([1.0], requires_grad=True)
    >>> with no_grad():
    ...     y = w * 2
    >>> y.requires_grad
    False
    """
    global _GRAD_ENABLED
    before = _GRAD_ENABLED
    _GRAD_ENABLED = False
    try:
        yield
    finally:
        _GRAD_ENABLED = before


@contextmanager
def enable_grad() -> Iterator[None]:
    """Record the graph again inside a `no_grad` block (used for `create_graph`)."""
    global _GRAD_ENABLED
    before = _GRAD_ENABLED
    _GRAD_ENABLED = True
    try:
        yield
    finally:
        _GRAD_ENABLED = before


def set_anomaly(on: bool, check: Callable[[Tensor, Op | None], None] | None = None) -> bool:
    """Switch the forward checks of anomaly mode; returns the previous setting.

    `check(tensor, op)` is run on every new result while the switch is on; anomaly.py passes its
    `check_forward` (this module sits below anomaly.py and does not import it).
    """
    global _ANOMALY, _check_forward
    before = _ANOMALY
    if check is not None:
        _check_forward = check
    _ANOMALY = on
    return before


def anomaly_on() -> bool:
    return _ANOMALY


def _detach(self: Tensor) -> Tensor:
    """The same values (shared memory), cut from the graph: no gradient flows through."""
    return const(self.data)


_detach.__name__, _detach.__qualname__ = "detach", "Tensor.detach"
Tensor.detach = _detach  # type: ignore[method-assign]  # installed here: see the package docstring
