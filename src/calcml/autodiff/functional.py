"""Functional transforms, as in JAX: functions in, functions out, plain arrays at the boundary.

`grad(f)` returns a function that wraps its arguments in tensors, runs `f`, walks the graph back
and returns NumPy arrays (a float for a float argument). Transforms nest: while a transform runs
`f`, an inner transform records its own backward pass (`create_graph=True`) and returns tensors,
so `grad(grad(f))`, `hessian = jacobian(grad(f))` and `hvp` need no extra rules. Higher orders
work because every derivative rule is written in operations that tensors support, and the
elementwise ones are the registry's `partial`s.

`jvp` (forward mode) is computed with the double-vjp trick rather than a separate forward-mode
engine: for a dummy cotangent u, `vjp(u) = Jᵀu` is linear in u, and its vjp applied to the
tangent v gives `J v`. It costs one forward and two backward passes.

>>> import calcml as cm
>>> grad(lambda x: x ** 3)(2.0)
12.0
>>> grad(grad(lambda x: x ** 3))(2.0)
12.0
>>> hessian(lambda x: (x ** 2).sum())(np.array([1.0, 2.0]))
array([[2., 0.],
       [0., 2.]])
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from calcml.autodiff.engine import gradients
from calcml.autodiff.graph import enable_grad, unary
from calcml.autodiff.namespaces import foreign, refuse, unwrap
from calcml.autodiff.ops import concatenate
from calcml.autodiff.tensor import Op, Tensor

Argnums = int | Sequence[int]

_DEPTH = 0  # how many transforms are running their function right now


@contextmanager
def _inside() -> Iterator[None]:
    global _DEPTH
    _DEPTH += 1
    try:
        yield
    finally:
        _DEPTH -= 1


ALIAS = Op("input", (None,), pointwise=True)


def _wrap(arg: Any) -> Tensor:
    """A fresh tensor standing for one argument (a node on top of it when it is a tensor)."""
    xp = foreign(unwrap(arg))
    if xp is not None:
        raise refuse("the functional transforms (grad, jacobian, hessian, jvp, vjp)", xp)
    if isinstance(arg, Tensor):
        if arg.requires_grad:
            return unary(arg.data, arg, (arg.data,), ALIAS)
        return Tensor(arg.data, requires_grad=True)
    return Tensor(arg, requires_grad=True)


def _unwrap(value: Any, like: Any = None) -> Any:
    """A result leaving the outermost transform: an array, or a float for a scalar argument."""
    if isinstance(value, Tensor):
        value = value.data
    if isinstance(like, float | int) or (like is None and np.ndim(value) == 0):
        return float(np.asarray(value).item())
    return np.asarray(value)


def _positions(argnums: Argnums, n: int) -> tuple[list[int], bool]:
    single = isinstance(argnums, int)
    nums = [argnums] if single else list(argnums)  # type: ignore[list-item]
    for i in nums:
        if not -n <= i < n:
            raise ValueError(f"argnums {i} is out of range for {n} arguments")
    return [i % n for i in nums], single


def _run(
    f: Callable[..., Any], args: Sequence[Any], nums: list[int], kwargs: dict[str, Any]
) -> tuple[Any, list[Tensor]]:
    leaves = [_wrap(args[i]) for i in nums]
    call = list(args)
    for i, leaf in zip(nums, leaves, strict=True):
        call[i] = leaf
    with _inside(), enable_grad():  # a transform records even inside no_grad()
        out = f(*call, **kwargs)
    return out, leaves


def _backprop(
    out: Any, leaves: list[Tensor], cotangent: Any, nested: bool, retain: bool = False
) -> list[Any]:
    if isinstance(out, Tensor) and out.requires_grad:
        return gradients(out, leaves, cotangent, create_graph=nested, retain_graph=retain or nested)
    zeros = [np.zeros_like(leaf.data) for leaf in leaves]
    return [Tensor(z) for z in zeros] if nested else zeros


def value_and_grad(f: Callable[..., Any], argnums: Argnums = 0) -> Callable[..., Any]:
    """`f` and its gradient in one pass.

    Arguments:
        f: a function of arrays returning a scalar (a one-element tensor).
        argnums: which positional argument(s) to differentiate with respect to.

    Returns:
        g(*args) -> (f(*args), gradient), the gradient shaped like its argument (a tuple of
        gradients when `argnums` is a tuple).

    >>> value_and_grad(lambda x, y: x * y, argnums=(0, 1))(3.0, 4.0)
    (12.0, (4.0, 3.0))
    """

    def wrapped(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
        nums, single = _positions(argnums, len(args))
        nested = _DEPTH > 0
        out, leaves = _run(f, args, nums, kwargs)
        if np.size(getattr(out, "data", out)) != 1:
            raise TypeError(
                f"grad needs a function with a scalar output, got shape "
                f"{np.shape(getattr(out, 'data', out))}; use jacobian or vjp"
            )
        grads = _backprop(out, leaves, None, nested)
        if not nested:
            out = float(np.asarray(getattr(out, "data", out)).reshape(()))
            grads = [_unwrap(g, args[i]) for g, i in zip(grads, nums, strict=True)]
        return out, (grads[0] if single else tuple(grads))

    return wrapped


def grad(f: Callable[..., Any], argnums: Argnums = 0) -> Callable[..., Any]:
    """The gradient of a scalar function, as a function (see `value_and_grad`).

    >>> import calcml as cm
    >>> grad(lambda x: cm.exp(2 * x).sum())(np.zeros(2))
    array([2., 2.])
    """
    vg = value_and_grad(f, argnums)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return vg(*args, **kwargs)[1]

    return wrapped


def vjp(f: Callable[..., Any], *args: Any) -> tuple[Any, Callable[[Any], tuple[Any, ...]]]:
    """Run `f` and return its value with a function that pulls cotangents back (reverse mode).

    Arguments:
        f: a function of the arrays `args`.
        args: where to linearize.

    Returns:
        (f(*args), vjp_fn) with vjp_fn(u) -> (uᵀ ∂f/∂arg for each arg); u is shaped like the
        output and vjp_fn may be called many times.

    >>> out, pull = vjp(lambda x: x * np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    >>> pull(np.array([1.0, 1.0]))
    (array([1., 2.]),)
    """
    nested = _DEPTH > 0
    out, leaves = _run(f, args, list(range(len(args))), {})

    def pull(cotangent: Any) -> tuple[Any, ...]:
        ct = cotangent if isinstance(cotangent, Tensor) else np.asarray(cotangent)
        grads = _backprop(out, leaves, ct, nested or isinstance(cotangent, Tensor), retain=True)
        if nested:
            return tuple(grads)
        return tuple(_unwrap(g, a) for g, a in zip(grads, args, strict=True))

    return (out if nested else _unwrap(out)), pull


def jvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    """Forward mode: f(primals) and J·tangents, by the double-vjp trick (module docstring).

    Arguments:
        f: a function of the arrays in `primals`.
        primals: where to linearize.
        tangents: one direction per primal, of its shape.

    Returns:
        (f(*primals), the directional derivative, shaped like the output).

    >>> jvp(lambda x: x ** 2, (np.array([1.0, 3.0]),), (np.array([1.0, 0.0]),))
    (array([1., 9.]), array([2., 0.]))
    """
    nested = _DEPTH > 0
    out, leaves = _run(f, primals, list(range(len(primals))), {})
    if not (isinstance(out, Tensor) and out.requires_grad):
        value = out.data if isinstance(out, Tensor) else out
        zero = np.zeros_like(np.asarray(value, dtype=float))
        return (out, Tensor(zero)) if nested else (_unwrap(value), _unwrap(zero, value))
    u = Tensor(np.zeros_like(out.data), requires_grad=True)
    pulled = gradients(out, leaves, u, create_graph=True)
    total: Any = 0.0
    for g, v in zip(pulled, tangents, strict=True):
        total = total + (g * (v if isinstance(v, Tensor) else np.asarray(v))).sum()
    (tangent_out,) = _backprop(total, [u], None, nested)
    if nested:
        return out, tangent_out
    return _unwrap(out), _unwrap(tangent_out, out.data)


def jacobian(f: Callable[..., Any], argnums: int = 0) -> Callable[..., Any]:
    """The Jacobian by reverse mode: every row pulled back in one batched pass.

    The cotangents are the rows of the identity, stacked, and go through the graph together
    (`gradients(..., batched=True)`), so the graph is walked once per chunk of rows rather than
    once per row; chunks keep the batch within `JACOBIAN_BATCH_ELEMENTS` numbers per node.

    Arguments:
        f: a function returning an array (or scalar).
        argnums: the positional argument to differentiate with respect to.

    Returns:
        J(*args) with shape `f(...).shape + args[argnums].shape`.

    >>> jacobian(lambda x: x[::-1] * 2.0)(np.array([1.0, 2.0]))
    array([[0., 2.],
           [2., 0.]])
    """

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        (i,), _ = _positions(argnums, len(args))
        nested = _DEPTH > 0
        out, (leaf,) = _run(f, args, [i], kwargs)
        value = out.data if isinstance(out, Tensor) else np.asarray(out)
        out_shape, in_shape = np.shape(value), leaf.data.shape
        n = int(np.prod(out_shape))
        if n == 0 or not (isinstance(out, Tensor) and out.requires_grad):
            zeros = np.zeros(out_shape + in_shape, dtype=leaf.data.dtype)
            return Tensor(zeros) if nested else zeros
        step = max(1, JACOBIAN_BATCH_ELEMENTS // _largest_node(out))
        rows = []
        for start in range(0, n, step):  # rows start..stop of the identity, made per chunk
            m = min(step, n - start)
            seed = np.zeros((m, n), dtype=leaf.data.dtype)
            seed[np.arange(m), np.arange(start, start + m)] = 1.0
            seed = seed.reshape((m, *out_shape))
            (block,) = gradients(
                out, [leaf], Tensor(seed) if nested else seed,
                create_graph=nested, retain_graph=True, batched=True,
            )  # fmt: skip
            rows.append(block)
        jac = rows[0] if len(rows) == 1 else (concatenate if nested else np.concatenate)(rows)
        return jac.reshape(out_shape + in_shape)

    return wrapped


#: How many numbers one node of a batched backward pass may hold (about 32 MB in float64).
JACOBIAN_BATCH_ELEMENTS = 1 << 22


def _largest_node(out: Tensor) -> int:
    """The most elements any node of `out`'s graph holds (a row batch multiplies it)."""
    largest, seen, todo = 1, {id(out)}, [out]
    while todo:
        node = todo.pop()
        largest = max(largest, np.size(node.data))
        for p in node._parents or ():
            if p is not None and id(p) not in seen:
                seen.add(id(p))
                todo.append(p)
    return largest


def hessian(f: Callable[..., Any], argnums: int = 0) -> Callable[..., Any]:
    """The Hessian of a scalar function: `jacobian(grad(f))`, shape `x.shape + x.shape`.

    >>> hessian(lambda x: x[0] * x[1] ** 2)(np.array([1.0, 2.0]))
    array([[0., 4.],
           [4., 2.]])
    """
    return jacobian(grad(f, argnums), argnums)


def hvp(f: Callable[..., Any], x: Any, v: Any) -> Any:
    """The Hessian of a scalar `f` at `x` times the vector `v`, without forming the Hessian.

    Reverse over reverse: the gradient is built as a graph, then `⟨∇f(x), v⟩` is differentiated.

    Arguments:
        f: a scalar function of one array.
        x: where.
        v: a direction shaped like x.

    Returns:
        H(x) v, shaped like x.

    >>> hvp(lambda x: (x ** 3).sum(), np.array([1.0, 2.0]), np.array([1.0, 1.0]))
    array([ 6., 12.])
    """
    nested = _DEPTH > 0
    out, (leaf,) = _run(f, (x,), [0], {})
    (g,) = _backprop(out, [leaf], None, True)
    direction = v if isinstance(v, Tensor) else np.asarray(v)
    (hv,) = _backprop((g * direction).sum(), [leaf], None, nested)
    return hv if nested else _unwrap(hv, x)
