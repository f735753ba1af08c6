"""NumPy's names for tensors in one place: the functions `calcml.NAME` and the `Tensor` methods.

The functions live in `numpy_ops.py` (elementwise helpers and reductions), `shapes.py` (shape
functions and stacking) and `contract.py` (dot, tensordot, einsum); linear algebra is
`calcml.linalg`. A method is installed where `np.ndarray` has one of the same name and meaning
(`t.prod(axis=0)`, `t.cumsum()`, `t.var(ddof=1)`); `sort` is not one, since NumPy's method sorts
in place. NumPy's `trace` is the method `t.trace()` and `calcml.linalg.trace` (NumPy 2's, over
the last two axes): the name `calcml.trace` already belongs to the tracer that turns a Python
function into an expression (`explain.trace`).

>>> import calcml as cm
>>> t = cm.tensor([[1.0, 2.0], [3.0, 4.0]])
>>> t.prod(axis=0), t.trace().item(), (t % 3.0).ravel()
(Tensor([3., 8.]), 5.0, Tensor([1., 2., 0., 1.]))
"""

from __future__ import annotations

from calcml.autodiff.contract import dot, einsum, inner, outer, tensordot
from calcml.autodiff.namespaces import numpy_only
from calcml.autodiff.numpy_ops import (
    cumprod,
    cumsum,
    deg2rad,
    degrees,
    diag,
    diagonal,
    fmax,
    fmin,
    fmod,
    logaddexp2,
    mod,
    prod,
    rad2deg,
    radians,
    reciprocal,
    remainder,
    select,
    square,
    std,
    trace,
    tril,
    triu,
    var,
)
from calcml.autodiff.shapes import (
    array_split,
    atleast_1d,
    atleast_2d,
    column_stack,
    dstack,
    expand_dims,
    flatten,
    flip,
    hstack,
    moveaxis,
    pad,
    ravel,
    repeat,
    roll,
    sort,
    split,
    squeeze,
    tile,
    vstack,
)
from calcml.autodiff.tensor import Tensor

__all__ = [
    "array_split", "atleast_1d", "atleast_2d", "column_stack", "cumprod", "cumsum", "deg2rad",
    "degrees", "diag", "diagonal", "dot", "dstack", "einsum", "expand_dims", "flatten", "flip",
    "fmax", "fmin", "fmod", "hstack", "inner", "logaddexp2", "mod", "moveaxis", "outer", "pad",
    "prod",
    "rad2deg", "radians", "ravel", "reciprocal", "remainder", "repeat", "roll", "select", "sort",
    "split",
    "square", "squeeze", "std", "tensordot", "tile", "tril", "triu", "var", "vstack",
]  # fmt: skip

# Written for NumPy alone: tensors of another array namespace (CuPy) get a one-line error.
for _name in __all__:
    globals()[_name] = numpy_only(globals()[_name])
Tensor.__mod__ = numpy_only(Tensor.__mod__, "the % operator")  # type: ignore[method-assign]
Tensor.__rmod__ = numpy_only(Tensor.__rmod__, "the % operator")  # type: ignore[method-assign]

_METHODS = {
    "prod": prod, "cumsum": cumsum, "cumprod": cumprod, "var": var, "std": std,
    "trace": trace, "diagonal": diagonal, "ravel": ravel, "flatten": flatten,
    "squeeze": squeeze, "repeat": repeat, "dot": dot,
}  # fmt: skip

for _name, _fn in _METHODS.items():
    setattr(Tensor, _name, _fn)
