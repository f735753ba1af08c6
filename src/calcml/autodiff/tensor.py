"""The Tensor: an array that remembers the operation and the inputs that made it.

The array is NumPy's by default, or one of any other array-API namespace (CuPy on a GPU), which
every operation on the tensor then keeps to (`namespaces.py`).

Each result of an operation on tensors that require gradients is a graph node holding the
operation's record (`Op`), its parent tensors and the input values its derivative needs.
`backward()` (in `engine.py`) walks those nodes in reverse creation order. The operators and the
registry's elementwise functions are in `arithmetic.py`, next to their derivative rules;
structural operations (reductions, shapes, where) in `ops.py`, indexing in `indexing.py`,
softmax and friends in `nnops.py`.

Derivative rules come in two kinds (see `Op`):

- pointwise: `rule(y, *inputs)` returns the local derivative ∂y/∂input elementwise (a rule of
  None stands for 1); the engine multiplies it by the incoming gradient and undoes
  broadcasting in one helper.
- general: `rule(g, y, *inputs)` returns the vector-Jacobian product itself.

The same rule runs on NumPy arrays (plain backward) and on tensors (`create_graph=True`), so
higher derivatives need no extra code. Elementwise functions are the exception: on arrays they use
the registry's derivative compiled to NumPy (`elementwise.derivative`), on tensors the registry's
`partial` itself.

Per-operation cost is kept small on purpose: `__slots__`, results built without `__init__`, no
checks beyond "does an input require gradients". The switches (`no_grad`, anomaly mode) are
process-wide, not per thread.

This module imports nothing else from `calcml.autodiff`: the methods that need later modules are
installed onto `Tensor` by those modules when they are imported (listed in the class body).

>>> import numpy as np, calcml as cm
>>> x = cm.Tensor([1.0, 2.0], requires_grad=True)
>>> y = (cm.sin(x) * x).sum()
>>> y.backward()
>>> np.allclose(x.grad, np.cos(x.data) * x.data + np.sin(x.data))
True
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from calcml.autodiff.namespaces import device_name, foreign, move, namespace, to_host
from calcml.core.registry import PRIMITIVES

Array = np.ndarray
Rule = Callable[..., Any]

# Creation order, counting down: the newest tensor has the smallest number, so a min-heap pops
# it first (engine.py). Public because graph.py's fast constructors number their results too.
next_seq = itertools.count(0, -1).__next__


class Op:
    """The record of one kind of operation: its name and one derivative rule per input.

    Attributes:
        name: shown by `explain`, `detect_anomaly` and `repr`.
        rules: rules evaluated on NumPy arrays, one per tensor input.
        graph_rules: rules evaluated on tensors (for `create_graph=True`); the same as `rules`
            unless given.
        pointwise: whether the rules return local derivatives (see the module docstring).
        kernel: the forward computation, for registry functions (None otherwise).
    """

    __slots__ = ("graph_rules", "kernel", "name", "pointwise", "rules")

    def __init__(
        self,
        name: str,
        rules: tuple[Rule | None, ...],
        *,
        pointwise: bool = False,
        graph_rules: tuple[Rule | None, ...] | None = None,
        kernel: Callable[[Any], Any] | None = None,
    ) -> None:
        self.name = name
        self.rules = rules
        self.graph_rules = rules if graph_rules is None else graph_rules
        self.pointwise = pointwise
        self.kernel = kernel

    def __repr__(self) -> str:
        return f"<op {self.name}>"


def value_of(x: Any) -> Any:
    """The array behind `x`: `x.data` for a tensor, `x` itself otherwise.

    Shared by every rule module: rules run on arrays and on tensors alike and call this where
    they need the plain value.
    """
    return x.data if x.__class__ is Tensor else x


def _to_array(data: Any, dtype: Any, device: Any = None) -> Any:
    if device is not None or foreign(data) is not None:  # another namespace, or a move to one
        return move(data, data if device is None else device, dtype)
    if dtype is not None:
        return np.array(data, dtype=dtype)
    arr = np.array(data)
    return arr if arr.dtype.kind == "f" else arr.astype(np.float64)


class Tensor:
    """A NumPy array with reverse-mode automatic differentiation (PyTorch's names).

    Arguments:
        data: anything `np.array` accepts (copied). Floating arrays keep their dtype; everything
            else becomes float64. Pass `dtype=np.float32` (or call `.float32()`) for float32.
            An array of another array-API namespace (a CuPy array) keeps its namespace and
            device, and every operation on the tensor runs there (see `namespaces.py`).
        requires_grad: record operations on this tensor so `backward()` can fill `.grad`.
        dtype: the NumPy dtype to convert to (or the namespace's own dtype).
        name: a label shown by `explain` and `to_dot`.
        device: 'cpu' (NumPy), 'cuda' or 'cuda:N' (CuPy: needs a GPU; the default dtype there is
            float32), or an array whose namespace and device to use.

    Attributes:
        data: the value. Leaves hold an `np.ndarray`; results of 0-d operations may hold a NumPy
            scalar (NumPy's own convention, and much faster for scalar graphs).
        grad: after `backward()`, the gradient array (same shape and dtype as `data`) for leaf
            tensors that require gradients; accumulates across calls like PyTorch's.

    >>> import calcml as cm
    >>> w = cm.Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> loss = (w @ np.array([1.0, -1.0])).sum()
    >>> loss.backward()
    >>> w.grad
    array([[ 1., -1.],
           [ 1., -1.]])
    """

    __slots__ = (
        "_g",
        "_inputs",
        "_name",
        "_op",
        "_origin",
        "_parents",
        "_seq",
        "data",
        "grad",
        "requires_grad",
    )
    __array_ufunc__ = None  # `ndarray + tensor` defers to Tensor.__radd__
    __hash__ = object.__hash__  # identity, although `==` is elementwise as in NumPy

    def __init__(
        self,
        data: Any,
        requires_grad: bool = False,
        dtype: Any = None,
        name: str | None = None,
        device: Any = None,
    ) -> None:
        self.data = _to_array(data.data if isinstance(data, Tensor) else data, dtype, device)
        self.grad: Any = None
        self.requires_grad = requires_grad
        self._parents: tuple[Tensor | None, ...] | None = ()
        self._inputs: tuple[Any, ...] | None = ()
        self._op: Op | None = None
        self._seq = next_seq()
        self._g: Any = None
        self._name = name

    # --- properties ----------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def xp(self) -> Any:
        """The array namespace of `data`: NumPy, or the array-API namespace of its array."""
        return namespace(self.data)

    @property
    def device(self) -> Any:
        """'cpu' for NumPy data, 'cuda:N' for CuPy, else the namespace's device object."""
        return device_name(self.data)

    def to(self, device: Any, dtype: Any = None) -> Tensor:
        """A copy on `device` ('cpu', 'cuda', 'cuda:N', or an array or tensor to sit beside),
        outside the graph; host data moved to a GPU becomes float32 unless `dtype` is given.

        >>> Tensor([1.0, 2.0]).to("cpu").device
        'cpu'
        """
        return Tensor(move(self.data, device, dtype), requires_grad=self.requires_grad)

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user rather than by an operation."""
        return self._op is None

    @property
    def name(self) -> str | None:
        return getattr(self, "_name", None)

    def named(self, name: str) -> Tensor:
        """Label this tensor for `explain` and `to_dot`; returns the tensor itself."""
        self._name = name
        return self

    @property
    def op(self) -> str | None:
        """The name of the operation that made this tensor (None for leaves)."""
        return None if self._op is None else self._op.name

    def __repr__(self) -> str:
        body = np.array2string(to_host(self.data), separator=", ", prefix="Tensor(")
        extra = ", requires_grad=True" if self.requires_grad else ""
        if foreign(self.data) is not None:
            extra += f", dtype={self.data.dtype}, device={self.device}"
        elif self.data.dtype != np.float64:
            extra += f", dtype={self.data.dtype}"
        return f"Tensor({body}{extra})"

    def __len__(self) -> int:
        return len(self.data)

    def __iter__(self) -> Iterator[Tensor]:
        return (self[i] for i in range(len(self.data)))

    def __array__(self, dtype: Any = None, copy: Any = None) -> Array:
        if foreign(self.data) is not None:  # as CuPy does: no silent copy to the host
            raise TypeError("this tensor's data is not a NumPy array; use .numpy() or .to('cpu')")
        arr = np.asarray(self.data)
        return arr if dtype is None else arr.astype(dtype)

    def __bool__(self) -> bool:
        return bool(self.data)  # NumPy's rule: only one-element tensors have a truth value

    def __float__(self) -> float:
        return self.item()

    def item(self) -> float:
        """The value of a one-element tensor as a Python float."""
        d, xp = self.data, foreign(self.data)
        if xp is None:
            return float(d.item())
        return float(xp.reshape(d, ()) if d.ndim else d)  # one scalar comes to the host

    def numpy(self) -> Array:
        """The value as an ndarray (shares memory with NumPy `data`; a copy from a device)."""
        return to_host(self.data)

    def float32(self) -> Tensor:
        """`astype(np.float32)`."""
        return self.astype(np.float32)

    def float64(self) -> Tensor:
        """`astype(np.float64)`."""
        return self.astype(np.float64)

    # Installed by later modules at import (see the package docstring): `detach` (graph.py);
    # `astype`, `__neg__`, `__calcml_apply__`, the arithmetic operators and one method per
    # registry function (arithmetic.py); `sum`, `mean`, `max`, `min`, `reshape`, `transpose`,
    # `swapaxes`, `T` (ops.py); `__getitem__` (indexing.py); `backward` (engine.py); `__mod__`
    # (numpy_ops.py).

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return self.__calcml_apply__(PRIMITIVES["abs"])

    def sqrt(self) -> Tensor:
        """`self ** 0.5`, as `calcml.sqrt` does on tensors."""
        return self**0.5

    # Comparisons give boolean arrays (no gradient), for masks and `where`.
    def __lt__(self, other: Any) -> Array:
        return self.data < value_of(other)

    def __le__(self, other: Any) -> Array:
        return self.data <= value_of(other)

    def __gt__(self, other: Any) -> Array:
        return self.data > value_of(other)

    def __ge__(self, other: Any) -> Array:
        return self.data >= value_of(other)

    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        return self.data == value_of(other)

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        return self.data != value_of(other)


def tensor(
    data: Any,
    dtype: Any = None,
    requires_grad: bool = False,
    name: str | None = None,
    device: Any = None,
) -> Tensor:
    """Make a tensor (a copy of `data`), on `device` when given ('cpu', 'cuda'); see `Tensor`.

    >>> tensor([1, 2]).dtype
    dtype('float64')
    >>> tensor([1, 2], dtype=np.float32).dtype
    dtype('float32')
    """
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, name=name, device=device)
