"""Reverse mode: walk the graph backwards once, accumulating gradients.

Order. Every tensor gets a number from one global counter when it is made, and an operation's
inputs always exist before its result, so "newest first" is a reverse topological order.
The walk keeps a heap of the nodes reached so far, keyed by that number: it pops the newest,
whose gradient is then complete (everything that used it is newer and was popped before), and
pushes its parents the first time they receive a gradient. There is no separate topological sort
and no recursion: a chain of 100,000 operations is a loop of 100,000 steps.

Accumulation. A node's incoming contributions are summed in its `_g` slot; a value used twice
gets both. Broadcasting is undone in exactly one place, `unbroadcast` (in ops.py).

NaN from the branch not taken. `where(c, a, b)` sends exact zeros into the branch it did not take,
but that branch may have an infinite local derivative there (`log` at 0), and 0·∞ is NaN. The
convention here is the one every ML framework documents: a zero cotangent contributes zero. It is
free in the common case: the walk runs under `np.errstate(invalid="raise")`, so NumPy reports the
birth of a NaN (0·∞, ∞-∞, 0/0) as a FloatingPointError; only then is that one rule run again with
errors ignored and, for pointwise rules, the positions whose incoming gradient is zero masked to
zero *before* they meet the local derivative. NaN that flows in from a NaN value stays NaN.

Release. After the walk each node drops its parents and saved inputs (so memory is freed as soon
as `backward` returns) unless `retain_graph=True`.
"""

from __future__ import annotations

from heapq import heappop, heappush
from typing import Any

import numpy as np

from calcml.autodiff import anomaly
from calcml.autodiff import ops as _ops
from calcml.autodiff.graph import enable_grad
from calcml.autodiff.namespaces import device_of, foreign
from calcml.autodiff.ops import batch_lead, unbroadcast
from calcml.autodiff.tensor import Tensor, value_of

__all__ = ["backward", "batch_lead", "chain_rule_step", "gradients", "unbroadcast"]

_BACKWARD_ERRORS = {"invalid": "raise", "divide": "ignore", "over": "ignore", "under": "ignore"}


def backward(
    root: Tensor, gradient: Any = None, *, retain_graph: bool = False, create_graph: bool = False
) -> None:
    """`root.backward(...)`: accumulate into `.grad` of the leaves (see `Tensor.backward`)."""
    seed = _seed(root, gradient, create_graph)
    _walk(root, seed, create_graph, retain_graph or create_graph, None)


def gradients(
    root: Tensor,
    inputs: list[Tensor] | tuple[Tensor, ...],
    gradient: Any = None,
    *,
    create_graph: bool = False,
    retain_graph: bool | None = None,
    batched: bool = False,
) -> list[Any]:
    """The gradients of `root` with respect to `inputs`, without touching any `.grad`.

    Arguments:
        root: the output tensor.
        inputs: tensors (leaves or not) to differentiate with respect to.
        gradient: the cotangent shaped like `root` (ones for a one-element root).
        create_graph: return tensors that carry their own graph (for higher derivatives).
        retain_graph: keep the graph for another pass (default: `create_graph`).
        batched: `gradient` is a stack of cotangents, shape `(k,) + root.shape`, pulled back in
            one pass (every rule broadcasts over the leading axis), as k passes would: this is
            how `jacobian` gets all its rows at the cost of one walk of the graph.

    Returns:
        one gradient per input, shaped like it (with the leading `k` when batched): arrays, or
        tensors with `create_graph=True`; zeros for inputs the root does not depend on.

    >>> x = Tensor([1.0, 2.0], requires_grad=True)
    >>> gradients(x * x, [x], np.eye(2), batched=True)
    [array([[2., 0.],
           [0., 4.]])]
    """
    retain = create_graph if retain_graph is None else retain_graph
    first = {}  # an input listed twice gets the same gradient twice
    for i, t in enumerate(inputs):
        first.setdefault(id(t), i)
    found: list[Any] = [None] * len(inputs)
    lead = 1 if batched else 0
    if root.requires_grad:
        seed = _seed(root, gradient, create_graph, lead)
        _walk(root, seed, create_graph, retain, (first, found), lead)
    batch = np.shape(gradient)[:1] if batched else ()
    for i, t in enumerate(inputs):
        if found[first[id(t)]] is not None:
            found[i] = found[first[id(t)]]
        if found[i] is None:
            zeros = _zeros(batch + np.shape(t.data), t.data)
            found[i] = Tensor(zeros) if create_graph else zeros
        elif not create_graph and foreign(found[i]) is None:
            found[i] = np.asarray(found[i])
    return found


def _zeros(shape: tuple[int, ...], like: Any, fill: str = "zeros") -> Any:
    """Zeros (or ones) of `shape` in `like`'s namespace, dtype and device."""
    xp = foreign(like)
    if xp is None:
        return getattr(np, fill)(shape, dtype=like.dtype)
    return getattr(xp, fill)(shape, dtype=like.dtype, device=device_of(like))


def _seed(root: Tensor, gradient: Any, create_graph: bool, lead: int = 0) -> Any:
    if not root.requires_grad:
        raise RuntimeError(
            "this tensor does not require gradients: no input that requires "
            "gradients was used to compute it"
        )
    shape = np.shape(root.data)
    if gradient is None:
        if np.size(root.data) != 1:
            raise ValueError(
                f"backward() of a tensor of shape {shape} needs `gradient`, the "
                "cotangent of that shape (it is implicit only for one element)"
            )
        seed: Any = _zeros(shape, root.data, "ones")
    elif isinstance(gradient, Tensor):
        seed = gradient if create_graph else _copy(gradient.data, root.data)
    else:
        seed = _copy(gradient, root.data)
        if seed.shape[lead:] != shape or seed.ndim != len(shape) + lead:
            expected = ("(k,) + " if lead else "") + str(shape)
            raise ValueError(f"gradient has shape {seed.shape}, expected {expected}")
    if create_graph and not isinstance(seed, Tensor):
        seed = Tensor(seed)
    return seed


def _copy(gradient: Any, like: Any) -> Any:
    """A copy of `gradient` in `like`'s namespace and dtype (a NumPy array's by default)."""
    xp = foreign(like)
    if xp is None:
        return np.array(gradient, dtype=like.dtype)
    return xp.asarray(gradient, dtype=like.dtype, device=device_of(like), copy=True)


def _walk(
    root: Tensor,
    seed: Any,
    graph: bool,
    retain: bool,
    targets: tuple[dict[int, int], list[Any]] | None,
    lead: int = 0,
) -> None:
    """The backward pass. `targets` collects gradients instead of filling leaves' `.grad`;
    `lead` is the number of batch axes in front of every cotangent (0 or 1)."""
    check = anomaly.backward_check()
    seen: set[int] = set()
    root._g = seed
    heap: list[tuple[int, Tensor]] = [(root._seq, root)]
    try:
        with np.errstate(**_BACKWARD_ERRORS), enable_grad() if graph else _nothing():
            while heap:
                node = heappop(heap)[1]
                g = node._g
                node._g = None
                if targets is not None:
                    i = targets[0].get(id(node))
                    if i is not None:
                        targets[1][i] = g
                parents = node._parents
                if not parents:
                    if parents is None:
                        raise RuntimeError(_RELEASED)
                    if targets is None:
                        _store(node, g, seen, graph)
                    continue
                op = node._op
                if graph:
                    rules, y, xs = op.graph_rules, node, _graph_inputs(node)
                else:
                    rules, y, xs = op.rules, node.data, node._inputs
                pointwise = op.pointwise
                for p, rule in zip(parents, rules):  # noqa: B905 - ops may save extra inputs
                    if p is None or not p.requires_grad:
                        continue
                    try:
                        if pointwise:
                            gp = g if rule is None else g * rule(y, *xs)
                            shape = p.data.shape
                            if lead:
                                shape = g.shape[:lead] + shape
                            if gp.shape != shape:
                                gp = unbroadcast(gp, shape[lead:], lead)
                        else:
                            gp = rule(g, y, *xs)
                    except FloatingPointError:
                        gp = _rerun(op, rule, g, y, xs, p, lead)
                    if check:
                        anomaly.check_backward(node, p, gp)
                    pg = p._g
                    if pg is None:
                        p._g = gp
                        heappush(heap, (p._seq, p))
                    else:
                        p._g = pg + gp
                if not retain:
                    node._parents = None
                    node._inputs = None
    finally:
        for _, node in heap:  # an error stopped the walk: leave no half-summed gradients behind
            node._g = None


def chain_rule_step(node: Tensor, g: Any) -> list[tuple[int, Any, Any]]:
    """One step of the chain rule at `node`, on arrays, for `explain`.

    Arguments:
        node: a graph node whose graph is still there.
        g: the gradient of the output with respect to `node`.

    Returns:
        (input position, local derivative, gradient sent to that input) for each input that
        requires gradients; the local derivative is None for non-pointwise operations (their
        Jacobian is applied as a whole) and 1.0 where the rule says "identity".
    """
    steps = []
    op, y, xs = node._op, node.data, node._inputs
    if op is None or node._parents is None or xs is None:
        return steps
    with np.errstate(all="ignore"):
        for i, (p, rule) in enumerate(zip(node._parents, op.rules)):  # noqa: B905
            if p is None or not p.requires_grad:
                continue
            if op.pointwise:
                local = 1.0 if rule is None else rule(y, *xs)
                sent = unbroadcast(g * local, p.data.shape)
            else:
                local, sent = None, rule(g, y, *xs)
            steps.append((i, local, np.asarray(sent)))
    return steps


_RELEASED = (
    "the graph behind this tensor was released by an earlier backward(); "
    "pass retain_graph=True to the first backward() to go through it twice"
)


def _graph_inputs(node: Tensor) -> tuple[Any, ...]:
    """A node's inputs as tensors where they were tensors (for rules run with create_graph)."""
    parents, inputs = node._parents, node._inputs
    xs = [x if p is None else p for p, x in zip(parents, inputs, strict=False)]
    return (*xs, *inputs[len(parents) :])


def _rerun(
    op: Any, rule: Any, g: Any, y: Any, xs: tuple[Any, ...], p: Tensor, lead: int = 0
) -> Any:
    """A rule that gave birth to NaN, run again with zero cotangents contributing zero."""
    with np.errstate(all="ignore"):
        if not op.pointwise:
            return rule(g, y, *xs)
        if rule is None:
            return unbroadcast(g, p.data.shape, lead)
        d = rule(y, *xs)
        zero = value_of(g) == 0
        gp = _ops.where(zero, 0.0, g * d) if isinstance(g, Tensor) else np.where(zero, 0.0, g * d)
        return unbroadcast(gp, p.data.shape, lead)


def _store(leaf: Tensor, g: Any, seen: set[int], graph: bool) -> None:
    """Add a leaf's gradient to `.grad`: its own writable array, of its shape and dtype."""
    if graph:
        leaf.grad = g if leaf.grad is None else leaf.grad + g
        return
    data = leaf.data
    xp = None if data.__class__ is np.ndarray else foreign(data)
    if xp is not None:
        if id(g) in seen or g.dtype != data.dtype or g.shape != data.shape:
            g = xp.astype(xp.broadcast_to(g, data.shape), data.dtype, copy=True)
        seen.add(id(g))
        leaf.grad = g if leaf.grad is None else leaf.grad + g
        return
    if (
        g.__class__ is not np.ndarray
        or g.base is not None
        or id(g) in seen
        or g.dtype != data.dtype
        or g.shape != data.shape
    ):
        g = np.array(np.broadcast_to(g, np.shape(data)), dtype=data.dtype)
    seen.add(id(g))
    leaf.grad = g if leaf.grad is None else leaf.grad + g


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _backward_method(
    self: Tensor, gradient: Any = None, *, retain_graph: bool = False, create_graph: bool = False
) -> None:
    """Accumulate d(self)/d(leaf) into `leaf.grad` for every leaf that requires gradients.

    Arguments:
        gradient: the cotangent, shaped like `self`; may be omitted for one-element tensors.
        retain_graph: keep the graph so `backward` can run through it again.
        create_graph: record the backward pass itself, for higher derivatives; `.grad` then
            holds tensors (and the graph is retained).
    """
    backward(self, gradient, retain_graph=retain_graph, create_graph=create_graph)


_backward_method.__name__, _backward_method.__qualname__ = "backward", "Tensor.backward"
Tensor.backward = _backward_method  # type: ignore[method-assign]  # see the package docstring
