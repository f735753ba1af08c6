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

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from calcml.autodiff.tensor import Op, Tensor

# Creation order, counting down: the newest tensor has the smallest number, so a min-heap pops
# it first (engine.py).
_next_seq = itertools.count(0, -1).__next__
_new = object.__new__
_GRAD_ENABLED = True  # switched by no_grad()
_ANOMALY = False  # switched by anomaly.detect_anomaly()


_PLAIN = (float, int, np.ndarray, np.generic)


def _operand(x: Any) -> Any:
    """A non-tensor operand as NumPy sees it, or None when Tensor should not handle it."""
    if isinstance(x, _PLAIN):
        return x
    if isinstance(x, list | tuple):
        return np.asarray(x, dtype=np.float64)
    return None


def _value(x: Any) -> Any:
    return x.data if x.__class__ is Tensor else x


# --- making results ------------------------------------------------------------------------------


def _const(y: Any) -> Tensor:
    """A result outside the graph."""
    t = _new(Tensor)
    t.data = y
    t.grad = None
    t.requires_grad = False
    t._parents = ()
    t._inputs = ()
    t._op = None
    t._seq = _next_seq()
    t._g = None
    if _ANOMALY:
        _anomaly.check_forward(t, None)
    return t


def _node(y: Any, parents: tuple[Tensor | None, ...], inputs: tuple[Any, ...], op: Op) -> Tensor:
    """A result inside the graph (the caller checked that some parent requires gradients)."""
    if not _GRAD_ENABLED:
        return _const(y)
    t = _new(Tensor)
    t.data = y
    t.grad = None
    t.requires_grad = True
    t._parents = parents
    t._inputs = inputs
    t._op = op
    t._seq = _next_seq()
    t._g = None
    if _ANOMALY:
        _anomaly.check_forward(t, op)
    return t


# _unary and _binary repeat _node's body: they run once per operation, and a call less is a
# measurable share of an operation on small arrays.


def _unary(y: Any, a: Tensor, inputs: tuple[Any, ...], op: Op) -> Tensor:
    if not (a.requires_grad and _GRAD_ENABLED):
        return _const(y)
    t = _new(Tensor)
    t.data = y
    t.grad = None
    t.requires_grad = True
    t._parents = (a,)
    t._inputs = inputs
    t._op = op
    t._seq = _next_seq()
    t._g = None
    if _ANOMALY:
        _anomaly.check_forward(t, op)
    return t


def _binary(y: Any, a: Tensor | None, b: Tensor | None, inputs: tuple[Any, ...], op: Op) -> Tensor:
    if not (
        _GRAD_ENABLED
        and ((a is not None and a.requires_grad) or (b is not None and b.requires_grad))
    ):
        return _const(y)
    t = _new(Tensor)
    t.data = y
    t.grad = None
    t.requires_grad = True
    t._parents = (a, b)
    t._inputs = inputs
    t._op = op
    t._seq = _next_seq()
    t._g = None
    if _ANOMALY:
        _anomaly.check_forward(t, op)
    return t


def _nary(y: Any, parents: tuple[Tensor | None, ...], inputs: tuple[Any, ...], op: Op) -> Tensor:
    for p in parents:
        if p is not None and p.requires_grad:
            return _node(y, parents, inputs, op)
    return _const(y)


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


def set_anomaly(on: bool) -> bool:
    """Switch the forward checks of anomaly mode; returns the previous setting."""
    global _ANOMALY
    before = _ANOMALY
    _ANOMALY = on
    return before


def anomaly_on() -> bool:
    return _ANOMALY


from calcml.autodiff import anomaly as _anomaly  # noqa: E402 - anomaly imports this module
