"""Contractions: dot, inner, outer, tensordot and einsum, with NumPy's semantics.

`tensordot` (and so `dot` and `inner`) is a composition of `transpose`, `reshape` and `@`, whose
rules already exist. `einsum` has a rule of its own: the gradient for one operand is another
einsum, of the cotangent with the other operands, written back to that operand's subscripts.
Two cases need more than that, and both become extra constant operands of the same einsum:
- an index that appears only in that operand (summed away at once) gets an operand of ones;
- an index repeated in the operand (`"ii->"`, a trace) gets an identity matrix that puts the
  gradient back on the diagonal.
Because the rule calls `einsum` itself, it differentiates again.

>>> import calcml as cm
>>> a = cm.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
>>> cm.einsum("ii->", a).backward()
>>> a.grad
array([[1., 0.],
       [0., 1.]])
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from typing import Any

import numpy as np

from calcml.autodiff import ops as _ops
from calcml.autodiff.engine import batch_lead
from calcml.autodiff.graph import nary
from calcml.autodiff.ops import as_tensor
from calcml.autodiff.tensor import Op, Tensor, value_of

# --- tensordot and friends -----------------------------------------------------------------------


def _axes_pair(axes: Any, na: int, nb: int) -> tuple[list[int], list[int]]:
    if isinstance(axes, int | np.integer):
        n = int(axes)
        return list(range(na - n, na)), list(range(n))
    sa, sb = axes
    sa = [sa] if isinstance(sa, int | np.integer) else list(sa)
    sb = [sb] if isinstance(sb, int | np.integer) else list(sb)
    if len(sa) != len(sb):
        raise ValueError("shape-mismatch for sum")
    return [int(i) % na for i in sa], [int(i) % nb for i in sb]


def tensordot(a: Any, b: Any, axes: Any = 2) -> Tensor:
    """Sum products over the given axes of `a` and `b`, as `np.tensordot`.

    >>> tensordot(Tensor(np.ones((2, 3))), Tensor(np.ones((3, 4))), axes=1).shape
    (2, 4)
    """
    a, b = as_tensor(a), as_tensor(b)
    sa, sb = _axes_pair(axes, a.ndim, b.ndim)
    if [a.shape[i] for i in sa] != [b.shape[i] for i in sb]:
        raise ValueError("shape-mismatch for sum")
    fa = [i for i in range(a.ndim) if i not in sa]
    fb = [i for i in range(b.ndim) if i not in sb]
    k = int(np.prod([a.shape[i] for i in sa]))
    out = tuple(a.shape[i] for i in fa) + tuple(b.shape[i] for i in fb)
    am = _ops.transpose(a, tuple(fa + sa)).reshape(-1, k)
    bm = _ops.transpose(b, tuple(sb + fb)).reshape(k, -1)
    return (am @ bm).reshape(out)


def dot(a: Any, b: Any) -> Tensor:
    """`np.dot`: a product for scalars, `@` for 1-D and 2-D, and for N-d a sum over the last
    axis of `a` and the second-to-last of `b`.

    >>> dot(Tensor([1.0, 2.0]), Tensor([3.0, 4.0])).item()
    11.0
    """
    a, b = as_tensor(a), as_tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.ndim <= 2 and b.ndim <= 2:
        return a @ b
    return tensordot(a, b, ([a.ndim - 1], [max(b.ndim - 2, 0)]))


def inner(a: Any, b: Any) -> Tensor:
    """`np.inner`: a sum of products over the last axes of `a` and `b` (a product for scalars).

    >>> inner(Tensor([[1.0, 2.0]]), Tensor([3.0, 4.0]))
    Tensor([11.])
    """
    a, b = as_tensor(a), as_tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    return tensordot(a, b, ([a.ndim - 1], [b.ndim - 1]))


def outer(a: Any, b: Any) -> Tensor:
    """`np.outer`: every product of an entry of `a` with one of `b` (both flattened).

    >>> outer(Tensor([1.0, 2.0]), Tensor([1.0, 10.0]))
    Tensor([[ 1., 10.],
            [ 2., 20.]])
    """
    return as_tensor(a).reshape(-1, 1) * as_tensor(b).reshape(1, -1)


# --- einsum --------------------------------------------------------------------------------------

_LETTERS = string.ascii_letters


def _parse(subscripts: str, shapes: Sequence[tuple[int, ...]]) -> tuple[list[str], str]:
    """Explicit subscripts for each operand and the output, with `...` spelled out in letters."""
    spec = subscripts.replace(" ", "")
    ins_text, arrow, out = spec.partition("->")
    ins = ins_text.split(",")
    if len(ins) != len(shapes):
        raise ValueError("einsum: the subscripts name a different number of operands")
    free = [c for c in _LETTERS if c not in spec]
    dots = [len(s) - (len(sub) - 3) for sub, s in zip(ins, shapes, strict=True) if "..." in sub]
    width = max(dots, default=0)
    ell = "".join(free[:width])
    ins = [
        sub.replace("...", ell[width - (len(s) - (len(sub) - 3)) :]) if "..." in sub else sub
        for sub, s in zip(ins, shapes, strict=True)
    ]
    if not arrow:  # implicit mode: the indices seen once, in alphabetical order
        joined = "".join(ins)
        out = "".join(sorted(c for c in set(joined) if joined.count(c) == 1 and c not in ell))
        out = ell + out
    else:
        out = out.replace("...", ell)
    return ins, out


def _sizes(ins: list[str], shapes: Sequence[tuple[int, ...]]) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for sub, shape in zip(ins, shapes, strict=True):
        for c, n in zip(sub, shape, strict=True):
            sizes[c] = max(sizes.get(c, 1), n)
    return sizes


def _einsum_any(spec: str, *operands: Any) -> Any:
    if any(o.__class__ is Tensor for o in operands):
        return einsum(spec, *operands)
    return np.einsum(spec, *operands, optimize=len(operands) > 2)


def _einsum_rule(k: int) -> Any:
    def rule(g: Any, y: Any, *xs: Any) -> Any:
        *operands, (ins, out, sizes) = xs
        fresh = iter(c for c in _LETTERS if c not in sizes)
        batch = "".join(next(fresh) for _ in range(batch_lead(g, y)))
        subs, args = [batch + out], [g]
        for j, x in enumerate(operands):
            if j != k:
                subs.append(ins[j])
                args.append(x)
        present = set("".join(subs))
        target, seen = [], set()
        for c, n in zip(ins[k], np.shape(value_of(operands[k])), strict=True):
            if c in seen:  # a repeated index: the identity puts the gradient on the diagonal
                new = next(fresh)
                subs.append(c + new)
                args.append(np.eye(sizes[c]))
                target.append(new)
            elif n == 1 and sizes[c] > 1:  # broadcast here: sum the gradient over that index
                new = next(fresh)
                subs.append(new)
                args.append(np.ones(1))
                target.append(new)
            else:
                seen.add(c)
                target.append(c)
                if c not in present:  # summed only in this operand: every entry gets g
                    subs.append(c)
                    args.append(np.ones(sizes[c]))
        return _einsum_any(",".join(subs) + "->" + batch + "".join(target), *args)

    return rule


def einsum(subscripts: str, *operands: Any, optimize: Any = None) -> Tensor:
    """Einstein summation, as `np.einsum` (explicit `->` or implicit mode, `...` allowed).

    Arguments:
        subscripts: e.g. `"ij,jk->ik"` (matrix product), `"...ij->...ji"`, `"ii->"` (trace).
        operands: tensors or arrays.
        optimize: passed to `np.einsum` (by default it optimizes for three or more operands).

    >>> einsum("ij,j->i", Tensor([[1.0, 2.0], [3.0, 4.0]]), Tensor([1.0, 1.0]))
    Tensor([3., 7.])
    """
    if not operands:
        raise ValueError("einsum needs at least one operand")
    datas = tuple(value_of(o) for o in operands)
    shapes = [np.shape(d) for d in datas]
    ins, out = _parse(subscripts, shapes)
    spec = ",".join(ins) + "->" + out
    best = len(datas) > 2 if optimize is None else optimize
    y = np.asarray(np.einsum(spec, *datas, optimize=best))
    parents = tuple(o if o.__class__ is Tensor else None for o in operands)
    if all(p is None for p in parents):
        parents = (as_tensor(datas[0]), *parents[1:])
    op = Op("einsum", tuple(_einsum_rule(k) for k in range(len(datas))))
    return nary(y, parents, (*datas, (ins, out, _sizes(ins, shapes))), op)
