"""Arithmetic on tensors and the registry's elementwise functions, next to their derivatives.

Each operator is one NumPy operation forward and one rule per operand backward (micrograd's
habit). Pointwise rules return the local derivative, `rule(y, a, b) = ∂y/∂a` elementwise (a
rule of None means 1); the engine multiplies it by the incoming gradient and undoes
broadcasting. Subtraction and negation are one-line rules rather than compositions, so each
costs one node.

Conventions at 0 (PyTorch's and autograd's): d(x^0)/dx = 0 everywhere, x = 0 included;
d(x^y)/dy = 0 at x = 0 (0^y is flat in y for y > 0); d(x^y)/dx at x = y = 0 is 0; sqrt = x^0.5
has slope +inf at 0 (its one-sided derivative), abs and relu have slope 0 there (registry).

The operators are installed on `Tensor` from one factory (`operator_methods`), so `t + 1`, `1 + t`,
`array + t` and `t + t` all take the same short path.

>>> from calcml.autodiff.tensor import Tensor
>>> a = Tensor([1.0, 2.0], requires_grad=True)
>>> ((a * a - 2 / a) ** 2).sum().backward()
>>> a.grad
array([-8., 27.])
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from calcml.autodiff import elementwise, elementwise_xp
from calcml.autodiff import ops as _ops
from calcml.autodiff.graph import binary, operand, unary
from calcml.autodiff.namespaces import dtype_in, foreign, same_place
from calcml.autodiff.tensor import Op, Tensor, value_of
from calcml.core.registry import PRIMITIVES, Primitive

_PRIM_OPS: dict[Primitive, Op] = {}  # registry function -> its Op, filled by prim_op
_XP_OPS: dict[tuple[Primitive, Any], Op] = {}  # (function, namespace) -> Op, for other namespaces

# --- rules ---------------------------------------------------------------------------------------


def _minus_one(y: Any, *_: Any) -> float:
    return -1.0


def _pow_base(y: Any, a: Any, b: Any) -> Any:
    # b·a^(b-1), with d(a^0)/da = 0 everywhere (the plain formula is 0·∞ = NaN at a = 0, and
    # PyTorch and autograd both give 0).
    cls = b.__class__
    if cls is int or cls is float:
        if b == 2:
            return 2.0 * a
        if b == 1:
            return 1.0
        if b == 0:
            return 0.0
        return b * a ** (b - 1)
    if cls is Tensor:
        return _pow_base_varying(a, b)
    # A constant array exponent: where it is 0 the exponent b - 1 becomes 0, so the term is 0·1.
    xp = foreign(b)
    if xp is not None:
        return b * a ** (b - xp.astype(b != 0, b.dtype))
    return b * a ** (b - (b != 0))


def _pow_base_varying(a: Any, b: Tensor) -> Any:
    """b·a^(b-1) for an exponent that is itself differentiated (create_graph).

    Only the points a = 0, b = 0 are masked (to 0): elsewhere the rule stays b·a^(b-1) so that
    its own derivative in b, a^(b-1)(1 + b ln a), is right at b = 0 too.
    """
    zero = (value_of(b) == 0) & (value_of(a) == 0)
    if foreign(zero) is None and not np.any(zero):  # (another namespace: no trip to the host)
        return b * a ** (b - 1)
    safe = _ops.where(zero, 1.0, a)
    return _ops.where(zero, 0.0, b * safe ** (b - 1))


def _pow_exponent(y: Any, a: Any, b: Any) -> Any:
    # d(a^b)/db = a^b ln a, taken as 0 where a = 0 (PyTorch's convention: 0^b is flat in b).
    zero = value_of(a) == 0
    if a.__class__ is Tensor:
        return y * _ops.where(zero, 1.0, a).log()
    xp = foreign(a)
    if xp is not None:
        return y * xp.log(_ops.where_any(zero, 1.0, a))
    return y * np.log(np.where(zero, 1.0, a))


def _swap_last(x: Any) -> Any:
    """The last two axes swapped (`.mT` for other namespaces, which have no `swapaxes`)."""
    return x.swapaxes(-1, -2) if foreign(x) is None else x.mT


def _matmul_a(g: Any, y: Any, a: Any, b: Any) -> Any:
    if b.ndim == 1:  # (..., k) @ (k,) -> (...)
        ga = g[..., None] * b
    elif a.ndim == 1:  # (k,) @ (..., k, n) -> (..., n)
        ga = (g[..., None, :] @ _swap_last(b))[..., 0, :]
    else:
        ga = g @ (b.T if b.ndim == 2 else _swap_last(b))
    return _ops.unbroadcast(ga, a.shape, _ops.batch_lead(g, y))


def _matmul_b(g: Any, y: Any, a: Any, b: Any) -> Any:
    if b.ndim == 1 and a.ndim == 1:  # (k,) @ (k,) -> ()
        gb = g[..., None] * a
    elif b.ndim == 1:  # (..., m, k) @ (k,) -> (..., m): contract g with a over m (and ...)
        gb = g @ a if a.ndim == 2 else (g[..., None, :] @ a)[..., 0, :]
    elif a.ndim == 1:  # (k,) @ (..., k, n) -> (..., n)
        gb = a[:, None] * g[..., None, :]
    else:
        gb = (a.T if a.ndim == 2 else _swap_last(a)) @ g
    return _ops.unbroadcast(gb, b.shape, _ops.batch_lead(g, y))


def _cast_back(g: Any, y: Any, x: Any) -> Any:
    xp = foreign(g)
    return g.astype(x.dtype) if xp is None else xp.astype(g, x.dtype)


ADD = Op("add", (None, None), pointwise=True)  # None: the local derivative is 1
SUB = Op("sub", (None, _minus_one), pointwise=True)
MUL = Op("mul", (lambda y, a, b: b, lambda y, a, b: a), pointwise=True)
DIV = Op("div", (lambda y, a, b: 1.0 / b, lambda y, a, b: -y / b), pointwise=True)
POW = Op("pow", (_pow_base, _pow_exponent), pointwise=True)
NEG = Op("neg", (_minus_one,), pointwise=True)
MATMUL = Op("matmul", (_matmul_a, _matmul_b))
CAST = Op("cast", (_cast_back,))


# --- the operators -------------------------------------------------------------------------------

Method = Callable[[Tensor, Any], Any]


def operator_methods(op: Op, fn: Callable[[Any, Any], Any]) -> tuple[Method, Method]:
    """`t ∘ other` and `other ∘ t` for one binary operation `fn` with derivative record `op`.

    Public so that numpy_ops.py makes `%` with the same factory.
    """

    def forward(self: Tensor, other: Any) -> Any:
        cls = other.__class__
        if cls is Tensor:
            a, b = self.data, other.data
            try:
                y = fn(a, b)
            except (TypeError, ValueError, RuntimeError):
                same_place(a, b)  # a clear error when the operands live apart
                raise
            return binary(y, self, other, (a, b), op)
        b = other if cls is float else operand(other)
        if b is None:
            return NotImplemented
        a = self.data
        try:
            y = fn(a, b)
        except (TypeError, ValueError, RuntimeError):
            same_place(a, b)
            raise
        return binary(y, self, None, (a, b), op)

    def reflected(self: Tensor, other: Any) -> Any:
        a = operand(other)
        if a is None:
            return NotImplemented
        b = self.data
        try:
            y = fn(a, b)
        except (TypeError, ValueError, RuntimeError):
            same_place(a, b)
            raise
        return binary(y, None, self, (a, b), op)

    return forward, reflected


# operator.add and friends keep NumPy scalars on their fast path (np.add would not).
for _op, _fn, _names in (
    (ADD, operator.add, ("__add__", "__radd__")),
    (SUB, operator.sub, ("__sub__", "__rsub__")),
    (MUL, operator.mul, ("__mul__", "__rmul__")),
    (DIV, operator.truediv, ("__truediv__", "__rtruediv__")),
    (POW, operator.pow, ("__pow__", "__rpow__")),
    (MATMUL, operator.matmul, ("__matmul__", "__rmatmul__")),
):
    for _name, _method in zip(_names, operator_methods(_op, _fn), strict=True):
        _method.__name__ = _method.__qualname__ = _name
        setattr(Tensor, _name, _method)


def _astype(self: Tensor, dtype: Any) -> Tensor:
    """A differentiable cast; the gradient is cast back to this tensor's dtype."""
    d = self.data
    xp = foreign(d)
    y = d.astype(dtype) if xp is None else xp.astype(d, dtype_in(xp, dtype))
    return unary(y, self, (d,), CAST)


def _neg(self: Tensor) -> Tensor:
    a = self.data
    return unary(-a, self, (a,), NEG)


# --- the registry's elementwise functions --------------------------------------------------------


def _calcml_apply(self: Tensor, prim: Primitive) -> Tensor:
    """`calcml.sin(t)` and every other registry function land here."""
    x = self.data
    if x.__class__ not in _HOST:
        xp = foreign(x)
        if xp is not None:
            op = _XP_OPS.get((prim, xp)) or namespace_op(prim, xp)
            return unary(op.kernel(x), self, (x,), op)
    op = _PRIM_OPS.get(prim)
    if op is None:
        op = prim_op(prim)
    return unary(op.kernel(x), self, (x,), op)


_HOST = frozenset((np.ndarray, np.float64, np.float32))  # the classes that skip the lookup


def _sinc_partial(x: Any) -> Any:
    """sinc' on tensors, finite at its removable 0/0 (x = 0): the quotient (cos(πx) − sinc x)/x
    away from 0 and its Taylor series −π²x/3 + π⁴x³/30 near 0, joined by `where` so that
    second derivatives are finite too (the same split as `elementwise._sinc_prime`)."""
    small = np.abs(value_of(x)) < 1e-4
    safe = _ops.where(small, 1.0, x)
    quotient = (PRIMITIVES["cos"](np.pi * safe) - PRIMITIVES["sinc"](safe)) / safe
    return _ops.where(small, -(np.pi**2) * x / 3 + np.pi**4 * x**3 / 30, quotient)


#: Tensor forms of rules whose registry form has a removable singularity.
_REMOVABLE_ON_TENSORS: dict[str, Callable[[Any], Any]] = {"sinc": _sinc_partial}


def prim_op(prim: Primitive) -> Op:
    """The Op of a registry function: its derivative is the record's `partial`.

    On arrays the rule is the partial compiled to NumPy (`elementwise.derivative`); on tensors
    (`create_graph=True`) it is `prim.partial` itself, so it can be differentiated again.
    """
    partial = _REMOVABLE_ON_TENSORS.get(prim.name, prim.partial)

    def on_tensors(y: Tensor, x: Tensor) -> Any:
        return partial(x)

    compiled = elementwise.derivative(prim)
    numpy_rule = compiled if callable(compiled) else (lambda y, x, c=compiled: c)
    op = Op(
        prim.name,
        (numpy_rule,),
        pointwise=True,
        graph_rules=(on_tensors,),
        kernel=elementwise.forward(prim),
    )
    _PRIM_OPS[prim] = op
    return op


def namespace_op(prim: Primitive, xp: Any) -> Op:
    """The Op of a registry function on arrays of namespace `xp`: the kernel and the compiled
    derivative built from the standard's functions (`elementwise_xp.xp_forward`), the same
    tensor rule as on NumPy for `create_graph=True`."""
    partial = _REMOVABLE_ON_TENSORS.get(prim.name, prim.partial)

    def on_tensors(y: Tensor, x: Tensor) -> Any:
        return partial(x)

    compiled = elementwise_xp.xp_derivative(prim, xp)
    rule = compiled if callable(compiled) else (lambda y, x, c=compiled: c)
    op = Op(prim.name, (rule,), pointwise=True, graph_rules=(on_tensors,),
            kernel=elementwise_xp.xp_forward(prim, xp))  # fmt: skip
    _XP_OPS[(prim, xp)] = op
    return op


def _function_method(prim: Primitive) -> Callable[[Tensor], Tensor]:
    def method(self: Tensor) -> Tensor:
        return self.__calcml_apply__(prim)

    method.__name__ = method.__qualname__ = prim.name
    method.__doc__ = f"`calcml.{prim.name}` of this tensor, elementwise."
    return method


# Installed on Tensor here, next to their rules (see the package docstring).
for _name, _method in (("astype", _astype), ("__neg__", _neg), ("__calcml_apply__", _calcml_apply)):
    _method.__name__, _method.__qualname__ = _name, f"Tensor.{_name}"
    setattr(Tensor, _name, _method)

# Every registry function is also a method (`t.exp()`, `t.tanh()`): adding a record adds one.
for _prim_name, _prim in PRIMITIVES.items():
    if not hasattr(Tensor, _prim_name):
        setattr(Tensor, _prim_name, _function_method(_prim))
