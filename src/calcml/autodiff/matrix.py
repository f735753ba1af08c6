"""Inverse, solve, determinants and Cholesky with gradients, batched over leading axes.

Each function runs `np.linalg` forward; its vector-Jacobian product is the standard matrix-calculus
result (Giles 2008; Murray 2016 for Cholesky; Seeger et al. 2017), written with this module's own
functions and `@`, so the rules differentiate again (Hessians of log-determinants, for example).
Cotangents may carry batch axes in front (see `engine`): every rule is a chain of `@` and
elementwise products, which broadcast over them.

- `inv(A)`: Ā = -A⁻ᵀ Ȳ A⁻ᵀ.
- `solve(A, B)`: B̄ = A⁻ᵀ X̄ (one more solve), Ā = -B̄ Xᵀ.
- `det(A)`: Ā = ȳ det(A) A⁻ᵀ, the cofactor matrix; at a singular A the cofactors are computed
  through the SVD instead (first order only: a second derivative there needs A⁻¹).
- `slogdet(A)`: the gradient of log|det A| is A⁻ᵀ; the sign is a constant.
- `cholesky(A)`: Ā = ½ sym(L⁻ᵀ Φ(Lᵀ L̄) L⁻¹), Φ = lower triangle with the diagonal halved. NumPy
  reads only the lower triangle of A; the gradient is symmetrized, as in PyTorch and JAX, so it
  is right for perturbations that keep A symmetric.
- eigh, svd, qr and lstsq are in `decompositions.py`, the norms in `norms.py`; `linalg.py`
  gathers them all as `calcml.linalg`.

>>> import calcml as cm
>>> A = cm.tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True)
>>> cm.linalg.slogdet(A)[1].backward()
>>> np.allclose(A.grad, np.linalg.inv(A.data).T)
True
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from calcml.autodiff import engine as _engine
from calcml.autodiff.graph import nary, unary
from calcml.autodiff.ops import as_tensor
from calcml.autodiff.tensor import Op, Tensor, value_of

LinAlgError = np.linalg.LinAlgError


def mT(x: Any) -> Any:
    """The matrix transpose of the last two axes (arrays or tensors)."""
    return x.swapaxes(-1, -2)


def _inv_any(x: Any) -> Any:
    return inv(x) if x.__class__ is Tensor else np.linalg.inv(x)


def solve_any(a: Any, b: Any) -> Any:
    """`solve` on tensors, `np.linalg.solve` on arrays: for rules here and in decompositions.py."""
    if a.__class__ is Tensor or b.__class__ is Tensor:
        return solve(a, b)
    return np.linalg.solve(a, b)


def require_square(x: Any, name: str) -> None:
    """Raise `LinAlgError` unless the last two axes are square (shared with decompositions.py)."""
    shape = np.shape(x)
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise LinAlgError(f"{name}: the last two dimensions must be square, got shape {shape}")


# --- inv and solve -------------------------------------------------------------------------------


def _inv_rule(g: Any, y: Any, a: Any) -> Any:
    yt = mT(y)
    return -(yt @ g @ yt)


INV = Op("inv", (_inv_rule,))


def inv(a: Any) -> Tensor:
    """The inverse of each matrix in the last two axes, as `np.linalg.inv`.

    >>> inv(Tensor([[2.0, 0.0], [0.0, 4.0]]))
    Tensor([[0.5 , 0.  ],
            [0.  , 0.25]])
    """
    x = as_tensor(a)
    require_square(x.data, "inv")
    return unary(np.linalg.inv(x.data), x, (x.data,), INV)


def _as_matrix(v: Any, vector: bool) -> Any:
    return v[..., None] if vector else v


def _solve_b(g: Any, y: Any, a: Any, b: Any, vector: bool) -> Any:
    lead = _engine.batch_lead(g, y)
    gb = solve_any(mT(a), _as_matrix(g, vector))
    gb = gb[..., 0] if vector else gb
    return _engine.unbroadcast(gb, np.shape(value_of(b)), lead)


def _solve_a(g: Any, y: Any, a: Any, b: Any, vector: bool) -> Any:
    lead = _engine.batch_lead(g, y)
    gb = solve_any(mT(a), _as_matrix(g, vector))
    ga = -(gb @ mT(_as_matrix(y, vector)))
    return _engine.unbroadcast(ga, np.shape(value_of(a)), lead)


SOLVE = Op("solve", (_solve_a, _solve_b))


def solve(a: Any, b: Any) -> Tensor:
    """The solution x of `a @ x = b`, as `np.linalg.solve` (b is a vector only when 1-D).

    >>> solve(Tensor([[2.0, 0.0], [0.0, 4.0]]), Tensor([2.0, 2.0]))
    Tensor([1. , 0.5])
    """
    av, bv = value_of(a), value_of(b)
    require_square(av, "solve")
    vector = np.ndim(bv) == 1
    y = np.linalg.solve(av, bv)
    pa = a if a.__class__ is Tensor else None
    pb = b if b.__class__ is Tensor else None
    if pa is None and pb is None:
        pa = as_tensor(av)
    return nary(y, (pa, pb), (av, bv, vector), SOLVE)


# --- determinants --------------------------------------------------------------------------------


def _det_rule(g: Any, y: Any, a: Any) -> Any:
    if a.__class__ is not Tensor and not np.all(y):  # singular: the cofactors, without A⁻¹
        return g[..., None, None] * _cofactors(a)
    return (g * y)[..., None, None] * mT(_inv_any(a))


def _cofactors(a: np.ndarray) -> np.ndarray:
    """The cofactor matrix adj(A)ᵀ = ∂det/∂A, also for singular A: with A = U S Vh,
    adj(A) = det(U) det(Vh) Vhᵀ adj(S) Uᵀ, where adj(S)_ii = Π_{j≠i} s_j (no division)."""
    u, s, vh = np.linalg.svd(a)
    ones = np.ones((*s.shape[:-1], 1))
    before = np.cumprod(np.concatenate([ones, s[..., :-1]], axis=-1), axis=-1)
    after = np.cumprod(np.concatenate([ones, s[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    sign = np.linalg.det(u) * np.linalg.det(vh)
    adj = sign[..., None, None] * ((mT(vh) * (before * after)[..., None, :]) @ mT(u))
    return mT(adj)


DET = Op("det", (_det_rule,))


def det(a: Any) -> Tensor:
    """The determinant of each matrix in the last two axes, as `np.linalg.det`.

    >>> round(det(Tensor([[1.0, 2.0], [3.0, 4.0]])).item(), 12)
    -2.0
    """
    x = as_tensor(a)
    require_square(x.data, "det")
    return unary(np.asarray(np.linalg.det(x.data)), x, (x.data,), DET)


def _logabsdet_rule(g: Any, y: Any, a: Any) -> Any:
    return g[..., None, None] * mT(_inv_any(a))


LOGABSDET = Op("logabsdet", (_logabsdet_rule,))


class SlogdetResult(NamedTuple):
    """`(sign, logabsdet)`, as NumPy's: the sign is a plain array (its gradient is zero)."""

    sign: np.ndarray
    logabsdet: Tensor


def slogdet(a: Any) -> SlogdetResult:
    """The sign and log |det| of each matrix, as `np.linalg.slogdet` (stable for large n)."""
    x = as_tensor(a)
    require_square(x.data, "slogdet")
    sign, logdet = np.linalg.slogdet(x.data)
    return SlogdetResult(sign, unary(np.asarray(logdet), x, (x.data,), LOGABSDET))


# --- Cholesky ------------------------------------------------------------------------------------


def _phi(x: Any, n: int) -> Any:
    """The lower triangle with its diagonal halved (constant weights, so it differentiates)."""
    return x * (np.tri(n) - 0.5 * np.eye(n))


def _cholesky_rule(g: Any, y: Any, a: Any) -> Any:
    n = np.shape(value_of(a))[-1]
    l_inv = _inv_any(y)
    s = mT(l_inv) @ _phi(mT(y) @ g, n) @ l_inv
    return 0.5 * (s + mT(s))


CHOLESKY = Op("cholesky", (_cholesky_rule,))


def cholesky(a: Any) -> Tensor:
    """The lower Cholesky factor L (L Lᵀ = a) of each symmetric positive-definite matrix.

    >>> cholesky(Tensor([[4.0, 2.0], [2.0, 2.0]]))
    Tensor([[2., 0.],
            [1., 1.]])
    """
    x = as_tensor(a)
    require_square(x.data, "cholesky")
    return unary(np.linalg.cholesky(x.data), x, (x.data,), CHOLESKY)
