"""Matrix decompositions with gradients: eigh, svd, qr and lstsq (re-exported by `linalg`).

A decomposition has several outputs; each is a node of its own whose rule is the standard
vector-Jacobian product with the other outputs' cotangents taken as zero (their contributions
add up in the input, as they should). With `create_graph` a rule recomputes the decomposition
on the input tensor, so that the factors it uses are themselves differentiable.

- `eigh` (Giles 2008; as autograd and JAX): with A = V diag(w) Vᵀ,
  Ā = V (diag(w̄) + F ∘ (Vᵀ V̄)) Vᵀ, symmetrized, where F_ij = 1/(w_j − w_i) off the diagonal.
  Eigenvalues must be distinct for the eigenvector gradient: at a repeated eigenvalue F is
  infinite and the gradient is inf or NaN (the eigenvectors are not unique there, so no
  gradient exists). The eigenvalue gradient has no such limit. A loss must not depend on the
  signs of the eigenvectors, which are arbitrary.
- `svd` (Townsend 2016): the same shape of formula with F_ij = 1/(s_j² − s_i²), plus the terms
  for the complements of U and V when A is not square. Needs distinct, nonzero singular values
  for U and V (the singular values alone need only that they be distinct or the gradient to
  be taken through `S` only), and `full_matrices=False` when A is not square.
- `qr` (reduced, m ≥ n, full rank; Walter and Lehmann 2018, as PyTorch):
  Ā = (Q̄ + Q copyltu(M)) R⁻ᵀ with M = R R̄ᵀ − Q̄ᵀ Q.
- `lstsq`: the least-squares solution through QR (R x = Qᵀ b; for wide A the minimum-norm
  solution through the QR of Aᵀ), so it needs A of full rank for gradients.

>>> import calcml as cm
>>> A = cm.tensor([[2.0, 1.0], [1.0, 2.0]], requires_grad=True)
>>> cm.linalg.eigh(A).eigenvalues.sum().backward()   # d trace(A)/dA = I
>>> np.round(A.grad, 12)
array([[1., 0.],
       [0., 1.]])
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from calcml.autodiff.graph import unary
from calcml.autodiff.matrix import LinAlgError, mT, require_square, solve, solve_any
from calcml.autodiff.ops import as_tensor
from calcml.autodiff.tensor import Op, Tensor, value_of


def _sym(x: Any) -> Any:
    return 0.5 * (x + mT(x))


def _off_diagonal_inverse(d: Any, n: int) -> Any:
    """F_ij = 1/(d_j − d_i) off the diagonal, 0 on it (d: (..., n))."""
    eye = np.eye(n)
    diff = d[..., None, :] - d[..., :, None] + eye
    return (1.0 - eye) / diff


# --- eigh ----------------------------------------------------------------------------------------


class EighResult(NamedTuple):
    eigenvalues: Tensor
    eigenvectors: Tensor


def _eig_factors(a: Any, saved: tuple[Any, Any]) -> tuple[Any, Any]:
    """(w, V): the saved arrays, or a fresh eigh of the input tensor under create_graph."""
    if a.__class__ is Tensor:
        return eigh(a)
    return saved


def _eigenvalues_rule(g: Any, y: Any, a: Any, w: Any, v: Any) -> Any:
    _, v = _eig_factors(a, (w, v))
    return (v * g[..., None, :]) @ mT(v)


def _eigenvectors_rule(g: Any, y: Any, a: Any, w: Any, v: Any) -> Any:
    w, v = _eig_factors(a, (w, v))
    f = _off_diagonal_inverse(w, np.shape(value_of(w))[-1])
    return _sym(v @ (f * (mT(v) @ g)) @ mT(v))


EIGVALS = Op("eigh.eigenvalues", (_eigenvalues_rule,))
EIGVECS = Op("eigh.eigenvectors", (_eigenvectors_rule,))


def eigh(a: Any, UPLO: str = "L") -> EighResult:
    """Eigenvalues (ascending) and eigenvectors of symmetric matrices, as `np.linalg.eigh`.

    >>> eigh(Tensor([[2.0, 0.0], [0.0, 1.0]])).eigenvalues
    Tensor([1., 2.])
    """
    x = as_tensor(a)
    require_square(x.data, "eigh")
    w, v = np.linalg.eigh(x.data, UPLO=UPLO)
    inputs = (x.data, w, v)
    return EighResult(unary(w, x, inputs, EIGVALS), unary(v, x, inputs, EIGVECS))


def eigvalsh(a: Any, UPLO: str = "L") -> Tensor:
    """The eigenvalues of symmetric matrices, as `np.linalg.eigvalsh`.

    >>> eigvalsh(Tensor([[0.0, 1.0], [1.0, 0.0]]))
    Tensor([-1.,  1.])
    """
    return eigh(a, UPLO).eigenvalues


# --- svd -----------------------------------------------------------------------------------------


class SVDResult(NamedTuple):
    U: Tensor
    S: Tensor
    Vh: Tensor


def _svd_vjp(a: Any, u: Any, s: Any, vh: Any, gu: Any, gs: Any, gvh: Any) -> Any:
    """Townsend's formula; each of gu, gs, gvh may be None (a zero cotangent)."""
    v = mT(vh)
    m, n = np.shape(value_of(a))[-2:]
    k = min(m, n)
    out = 0.0
    if gs is not None:
        out = out + (u * gs[..., None, :]) @ vh
    if gu is None and gvh is None:
        return out
    s2 = s * s
    f = _off_diagonal_inverse(s2, k)
    s_row = s[..., None, :]
    if gu is not None:
        utgu = mT(u) @ gu
        inner = (f * (utgu - mT(utgu))) * s_row
        out = out + u @ inner @ vh
        if m > k:
            out = out + ((gu - u @ utgu) / s_row) @ vh
    if gvh is not None:
        gv = mT(gvh)
        vtgv = mT(v) @ gv
        inner = s[..., :, None] * (f * (vtgv - mT(vtgv)))
        out = out + u @ inner @ vh
        if n > k:
            out = out + (u / s_row) @ mT(gv - v @ vtgv)
    return out


def _svd_factors(a: Any, saved: tuple[Any, Any, Any]) -> tuple[Any, Any, Any]:
    return svd(a, full_matrices=False) if a.__class__ is Tensor else saved


def _svd_rule(which: int) -> Any:
    def rule(g: Any, y: Any, a: Any, u: Any, s: Any, vh: Any) -> Any:
        u, s, vh = _svd_factors(a, (u, s, vh))
        cot = [None, None, None]
        cot[which] = g
        return _svd_vjp(a, u, s, vh, *cot)

    return rule


def _no_full_rule(g: Any, y: Any, *_: Any) -> Any:
    raise ValueError(
        "svd: gradients through U or Vh of a non-square matrix need full_matrices=False "
        "(the extra columns span a complement whose basis is arbitrary)"
    )


_NO_FULL = Op("svd.full", (_no_full_rule,))
SVD_OPS = tuple(Op(f"svd.{name}", (_svd_rule(i),)) for i, name in enumerate(("U", "S", "Vh")))


def svd(a: Any, full_matrices: bool = True, compute_uv: bool = True) -> Any:
    """The singular value decomposition A = U diag(S) Vh, as `np.linalg.svd`.

    Returns an `SVDResult(U, S, Vh)`, or only S when `compute_uv=False`. Gradients through U or Vh
    of a non-square matrix need `full_matrices=False` (backward says so); S always has them.

    >>> svd(Tensor([[3.0, 0.0], [0.0, -2.0]])).S
    Tensor([3., 2.])
    """
    x = as_tensor(a)
    m, n = x.shape[-2:]
    u, s, vh = np.linalg.svd(x.data, full_matrices=False)
    inputs = (x.data, u, s, vh)
    s_t = unary(s, x, inputs, SVD_OPS[1])
    if not compute_uv:
        return s_t
    if full_matrices and m != n:
        u, _, vh = np.linalg.svd(x.data, full_matrices=True)
        return SVDResult(unary(u, x, (), _NO_FULL), s_t, unary(vh, x, (), _NO_FULL))
    return SVDResult(unary(u, x, inputs, SVD_OPS[0]), s_t, unary(vh, x, inputs, SVD_OPS[2]))


# --- qr and lstsq --------------------------------------------------------------------------------


class QRResult(NamedTuple):
    Q: Tensor
    R: Tensor


def _copyltu(m: Any, n: int) -> Any:
    low = m * np.tri(n, k=-1)
    return low + mT(low) + m * np.eye(n)


def _qr_rule(which: int) -> Any:
    def rule(g: Any, y: Any, a: Any, q: Any, r: Any) -> Any:
        if a.__class__ is Tensor:
            q, r = qr(a)
        n = np.shape(value_of(r))[-1]
        gq, gr = (g, 0.0) if which == 0 else (0.0, g)
        m = -(mT(gq) @ q) if which == 0 else r @ mT(gr)
        b = gq + q @ _copyltu(m, n)
        return mT(solve_any(r, mT(b)))

    return rule


QR_OPS = (Op("qr.Q", (_qr_rule(0),)), Op("qr.R", (_qr_rule(1),)))


def qr(a: Any, mode: str = "reduced") -> QRResult:
    """The reduced QR decomposition, as `np.linalg.qr` (gradients for m ≥ n, full rank).

    >>> q, r = qr(Tensor([[3.0], [4.0]]))
    >>> abs(r).item()
    5.0
    """
    if mode != "reduced":
        raise ValueError("qr: only mode='reduced' is supported")
    x = as_tensor(a)
    m, n = x.shape[-2:]
    if m < n and x.requires_grad:
        raise ValueError("qr: gradients need at least as many rows as columns")
    q, r = np.linalg.qr(x.data)
    inputs = (x.data, q, r)
    return QRResult(unary(q, x, inputs, QR_OPS[0]), unary(r, x, inputs, QR_OPS[1]))


class LstsqResult(NamedTuple):
    x: Tensor
    residuals: Tensor
    rank: int
    s: np.ndarray


def lstsq(a: Any, b: Any, rcond: float | None = None) -> LstsqResult:
    """The least-squares solution of `a @ x ≈ b` (2-D `a`), as `np.linalg.lstsq`.

    Returns `(x, residuals, rank, s)` like NumPy: residuals are the squared 2-norms of the
    columns of `b - a @ x` when a is tall and of full rank, else empty.

    >>> np.round(lstsq(Tensor([[1.0], [1.0]]), Tensor([1.0, 3.0])).x.data, 12)
    array([2.])
    """
    at, bt = as_tensor(a), as_tensor(b)
    _, _, rank, s = np.linalg.lstsq(at.data, bt.data, rcond=rcond)
    m, n = at.shape
    if rank < min(m, n):
        raise LinAlgError(f"lstsq: a has rank {rank} < {min(m, n)}; gradients need full rank")
    vector = bt.ndim == 1
    rhs = bt.reshape(-1, 1) if vector else bt
    if m >= n:
        q, r = qr(at)
        x = solve(r, mT(q) @ rhs)
    else:
        q, r = qr(mT(at))
        x = q @ solve(mT(r), rhs)
    resid = ((at @ x - rhs) ** 2).sum(axis=0) if m > n else Tensor(np.empty(0))
    return LstsqResult(x.reshape(-1) if vector else x, resid, int(rank), s)
