"""`calcml.linalg`: NumPy's linear algebra with gradients, batched over leading axes (NumPy
only: tensors of another array namespace get a one-line error).

Forward values are `np.linalg`'s; each vector-Jacobian product is the standard matrix-calculus
result, written with calcml's own operations so that it differentiates again. The rules and
their conditions (invertible matrices, distinct eigenvalues and singular values, full rank) are
documented where they are defined: `matrix.py` (inv, solve, det, slogdet, cholesky),
`decompositions.py` (eigh, eigvalsh, svd, qr, lstsq) and `norms.py` (norm).

>>> import numpy as np, calcml as cm
>>> A = cm.tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True)
>>> cm.linalg.det(A).backward()
>>> np.allclose(A.grad, np.linalg.det(A.data) * np.linalg.inv(A.data).T)
True
"""

from __future__ import annotations

from calcml.autodiff.decompositions import (
    EighResult,
    LstsqResult,
    QRResult,
    SVDResult,
    eigh,
    eigvalsh,
    lstsq,
    qr,
    svd,
)
from calcml.autodiff.matrix import LinAlgError, SlogdetResult, cholesky, det, inv, slogdet, solve
from calcml.autodiff.namespaces import numpy_only
from calcml.autodiff.norms import norm
from calcml.autodiff.numpy_ops import trace as _trace
from calcml.autodiff.ops import as_tensor
from calcml.autodiff.tensor import Tensor


def trace(x: object, /, *, offset: int = 0) -> Tensor:
    """The sum along a diagonal of each matrix in the last two axes (NumPy 2's
    `np.linalg.trace`).

    >>> trace(as_tensor([[1.0, 2.0], [3.0, 4.0]])).item()
    5.0
    """
    return _trace(as_tensor(x), offset, -2, -1)


__all__ = [
    "EighResult", "LinAlgError", "LstsqResult", "QRResult", "SVDResult", "SlogdetResult",
    "cholesky", "det", "eigh", "eigvalsh", "inv", "lstsq", "norm", "qr", "slogdet", "solve", "svd",
    "trace",
]  # fmt: skip

for _name in ("cholesky", "det", "eigh", "eigvalsh", "inv", "lstsq", "norm", "qr", "slogdet",
              "solve", "svd", "trace"):  # fmt: skip
    globals()[_name] = numpy_only(globals()[_name], f"calcml.linalg.{_name}")
