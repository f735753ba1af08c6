"""cm.linalg: forward against NumPy, gradients against central differences (first and second
order), batched over leading axes, and against PyTorch when it is installed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import calcml as cm
from calcml.autodiff import Tensor

la = cm.linalg
R = np.random.default_rng(2)
M = R.standard_normal((3, 3)) + 3 * np.eye(3)
MB = R.standard_normal((2, 3, 3)) + 3 * np.eye(3)
TALL = R.standard_normal((5, 3))
WIDE = R.standard_normal((2, 4))


def _spd(x):  # type: ignore[no-untyped-def]
    """A symmetric positive-definite matrix made of x (so the directions stay symmetric)."""
    return x @ x.swapaxes(-1, -2) + 3 * np.eye(x.shape[-1])


def _sym(x):  # type: ignore[no-untyped-def]
    return 0.5 * (x + x.swapaxes(-1, -2)) + np.diag([0.0, 2.0, 5.0])


WS = R.standard_normal((3, 3))  # fixed weights for sign-invariant functions of eigenvectors

# name -> (calcml function, NumPy function, inputs, twice differentiable)
CASES = {
    "inv": (la.inv, np.linalg.inv, [M], True),
    "inv batched": (la.inv, np.linalg.inv, [MB], True),
    "solve vector": (la.solve, np.linalg.solve, [M, R.standard_normal(3)], True),
    "solve matrix": (la.solve, np.linalg.solve, [M, R.standard_normal((3, 2))], True),
    "solve batched": (la.solve, np.linalg.solve, [MB, R.standard_normal((2, 3, 2))], True),
    "solve broadcast": (la.solve, np.linalg.solve, [M, R.standard_normal((2, 3, 4))], True),
    "det": (la.det, np.linalg.det, [M], True),
    "det batched": (la.det, np.linalg.det, [MB], True),
    "slogdet": (lambda a: la.slogdet(a)[1], lambda a: np.linalg.slogdet(a)[1], [MB], True),
    "slogdet negative": (lambda a: la.slogdet(a).logabsdet,
                         lambda a: np.linalg.slogdet(a)[1], [-M], True),
    "cholesky": (lambda x: la.cholesky(_spd(x)), lambda x: np.linalg.cholesky(_spd(x)),
                 [M], True),
    "cholesky batched": (lambda x: la.cholesky(_spd(x)), lambda x: np.linalg.cholesky(_spd(x)),
                         [MB], True),
    "eigvalsh": (lambda x: la.eigvalsh(_sym(x)), lambda x: np.linalg.eigvalsh(_sym(x)),
                 [M], True),
    "eigh vectors": (lambda x: (la.eigh(_sym(x)).eigenvectors ** 2 * WS).sum(),
                     lambda x: (np.linalg.eigh(_sym(x))[1] ** 2 * WS).sum(), [M], True),
    "eigh batched": (lambda x: (la.eigh(_sym(x))[1] ** 2 * WS).sum(axis=-1) + la.eigh(_sym(x))[0],
                     lambda x: (np.linalg.eigh(_sym(x))[1] ** 2 * WS).sum(axis=-1)
                     + np.linalg.eigh(_sym(x))[0], [MB], True),
    "svd S": (lambda a: la.svd(a, compute_uv=False), lambda a: np.linalg.svd(a, compute_uv=False),
              [TALL], True),
    "svd U tall": (lambda a: la.svd(a, full_matrices=False).U ** 2,
                   lambda a: np.linalg.svd(a, full_matrices=False)[0] ** 2, [TALL], True),
    "svd Vh tall": (lambda a: la.svd(a, full_matrices=False).Vh ** 2,
                    lambda a: np.linalg.svd(a, full_matrices=False)[2] ** 2, [TALL], True),
    "svd U wide": (lambda a: la.svd(a, full_matrices=False)[0] ** 2,
                   lambda a: np.linalg.svd(a, full_matrices=False)[0] ** 2, [WIDE], True),
    "svd Vh wide": (lambda a: la.svd(a, full_matrices=False)[2] ** 2,
                    lambda a: np.linalg.svd(a, full_matrices=False)[2] ** 2, [WIDE], True),
    "svd square batched": (lambda a: la.svd(a)[0] * la.svd(a)[2],
                           lambda a: np.linalg.svd(a)[0] * np.linalg.svd(a)[2], [MB], True),
    "qr Q": (lambda a: la.qr(a).Q, lambda a: np.linalg.qr(a)[0], [TALL], True),
    "qr R": (lambda a: la.qr(a).R, lambda a: np.linalg.qr(a)[1], [TALL], True),
    "qr square batched": (lambda a: la.qr(a)[0] + la.qr(a)[1], lambda a: np.sum(np.linalg.qr(a), 0),
                          [MB], True),
    "lstsq tall": (lambda a, b: la.lstsq(a, b)[0], lambda a, b: np.linalg.lstsq(a, b)[0],
                   [TALL, R.standard_normal(5)], True),
    "lstsq residuals": (lambda a, b: la.lstsq(a, b).residuals,
                        lambda a, b: np.linalg.lstsq(a, b)[1], [TALL, R.standard_normal((5, 2))],
                        True),
    "lstsq wide": (lambda a, b: la.lstsq(a, b)[0], lambda a, b: np.linalg.lstsq(a, b)[0],
                   [WIDE, R.standard_normal(2)], True),
    "norm": (la.norm, np.linalg.norm, [MB], True),
    "norm vector axis": (lambda a: la.norm(a, axis=-1, keepdims=True),
                         lambda a: np.linalg.norm(a, axis=-1, keepdims=True), [MB], True),
    "norm ord 1": (lambda a: la.norm(a, 1, axis=1), lambda a: np.linalg.norm(a, 1, axis=1),
                   [MB], True),
    "norm ord inf": (lambda a: la.norm(a, np.inf, axis=0), lambda a: np.linalg.norm(a, np.inf, 0),
                     [TALL], True),
    "norm ord 3": (lambda a: la.norm(a, 3, axis=0), lambda a: np.linalg.norm(a, 3, axis=0),
                   [TALL], True),
    "norm ord 0": (lambda a: la.norm(a[0], 0), lambda a: np.linalg.norm(a[0], 0), [TALL], False),
    "norm fro": (lambda a: la.norm(a, "fro"), lambda a: np.linalg.norm(a, "fro"), [TALL], True),
    "norm nuc": (lambda a: la.norm(a, "nuc"), lambda a: np.linalg.norm(a, "nuc"), [TALL], True),
    "norm 2": (lambda a: la.norm(a, 2), lambda a: np.linalg.norm(a, 2), [TALL], True),
    "norm -2 axes": (lambda a: la.norm(a, -2, axis=(0, 2)),
                     lambda a: np.linalg.norm(a, -2, axis=(0, 2)), [MB], True),
    "norm 1 matrix": (lambda a: la.norm(a, 1), lambda a: np.linalg.norm(a, 1), [TALL], True),
    "norm -inf keep": (lambda a: la.norm(a, -np.inf, axis=(1, 2), keepdims=True),
                       lambda a: np.linalg.norm(a, -np.inf, axis=(1, 2), keepdims=True), [MB],
                       True),
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_forward_matches_numpy(name: str) -> None:
    f, ref, xs, _ = CASES[name]
    out = f(*[Tensor(x) for x in xs])
    np.testing.assert_allclose(out.data, ref(*xs), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("name", list(CASES))
def test_gradient_matches_central_differences(name: str, fd, rng) -> None:  # type: ignore[no-untyped-def]
    f, _, xs, _ = CASES[name]
    fd.first(f, xs, rng, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c[3]])
def test_second_order_matches_central_differences(name: str, fd, rng) -> None:  # type: ignore[no-untyped-def]
    f, _, xs, _ = CASES[name]
    fd.second(f, xs, rng, rtol=1e-4, atol=1e-5)


def test_batched_cotangents_give_the_jacobian() -> None:
    """jacobian pulls back a batch of cotangents in one pass: every rule must broadcast."""
    for f in (
        la.inv,
        la.det,
        lambda a: la.cholesky(_spd(a)),
        lambda a: la.eigvalsh(_sym(a)),
        lambda a: la.svd(a, compute_uv=False),
        lambda a: la.qr(a).R,
    ):
        jac = cm.jacobian_of(f)(M)
        cols = []
        for k in range(M.size):
            e = np.zeros(M.size)
            e[k] = 1e-6
            e = e.reshape(M.shape)
            cols.append((f(Tensor(M + e)).data - f(Tensor(M - e)).data) / 2e-6)
        numeric = np.moveaxis(np.array(cols), 0, -1).reshape(jac.shape)
        np.testing.assert_allclose(jac, numeric, rtol=1e-5, atol=1e-6)


def test_norm_at_zero_has_gradient_zero() -> None:
    for ord_, x in ((None, np.zeros(3)), (2, np.zeros(3)), ("fro", np.zeros((2, 2)))):
        g = cm.grad(lambda t, o=ord_: la.norm(t, o))(x)
        np.testing.assert_array_equal(g, np.zeros_like(x))
    g = cm.grad(lambda t: la.norm(t, axis=1).sum())(np.array([[0.0, 0.0], [3.0, 4.0]]))
    np.testing.assert_allclose(g, [[0.0, 0.0], [0.6, 0.8]])


def test_errors_are_one_line() -> None:
    with pytest.raises(la.LinAlgError, match="square"):
        la.inv(Tensor(TALL))
    with pytest.raises(ValueError, match="full_matrices=False"):
        la.svd(Tensor(TALL, requires_grad=True)).U.sum().backward()
    assert cm.grad(lambda a: la.svd(a)[1].sum())(TALL).shape == TALL.shape
    with pytest.raises(la.LinAlgError, match="rank"):
        la.lstsq(Tensor(np.ones((3, 2))), Tensor(np.ones(3)))


def test_logdet_hessian_is_minus_inverse_kron() -> None:
    """d²/dA² log det A [V, V] = -tr(A⁻¹ V A⁻¹ V): the second-order rule, exactly."""
    v = R.standard_normal((3, 3))
    hv = cm.hvp(lambda a: la.slogdet(a)[1], M, v)
    ai = np.linalg.inv(M)
    np.testing.assert_allclose(hv, -(ai @ v @ ai).T, rtol=1e-10)


S = _spd(M)
WT = R.standard_normal((5, 3))
# name -> (calcml, PyTorch with `t` standing for the torch module, input)
TORCH_CASES = {
    "cholesky": (lambda a: (la.cholesky(a) * WS).sum(),
                 lambda t, a: (t.linalg.cholesky(a) * t.tensor(WS)).sum(), S),
    "inv": (lambda a: (la.inv(a) * WS).sum(),
            lambda t, a: (t.linalg.inv(a) * t.tensor(WS)).sum(), M),
    "slogdet": (lambda a: la.slogdet(a)[1], lambda t, a: t.linalg.slogdet(a)[1], -M),
    "det": (la.det, lambda t, a: t.linalg.det(a), M),
    "solve": (lambda a: (la.solve(a, WS) ** 2).sum(),
              lambda t, a: (t.linalg.solve(a, t.tensor(WS)) ** 2).sum(), M),
    "eigh": (lambda a: (la.eigh(a)[1] ** 2 * WS).sum() + (la.eigh(a)[0] * WS[0]).sum(),
             lambda t, a: (t.linalg.eigh(a)[1] ** 2 * t.tensor(WS)).sum()
             + (t.linalg.eigh(a)[0] * t.tensor(WS[0])).sum(), S),
    "svd": (lambda a: (la.svd(a, full_matrices=False)[0] ** 2 * WT).sum()
            + (la.svd(a, full_matrices=False)[2] ** 2 * WS).sum() + la.svd(a)[1].sum(),
            lambda t, a: (t.linalg.svd(a, full_matrices=False)[0] ** 2 * t.tensor(WT)).sum()
            + (t.linalg.svd(a, full_matrices=False)[2] ** 2 * t.tensor(WS)).sum()
            + t.linalg.svd(a)[1].sum(), TALL),
    "qr": (lambda a: (la.qr(a)[0] * WT).sum() + (la.qr(a)[1] * WS).sum(),
           lambda t, a: (t.linalg.qr(a)[0] * t.tensor(WT)).sum()
           + (t.linalg.qr(a)[1] * t.tensor(WS)).sum(),
           TALL),
    "lstsq": (lambda a: (la.lstsq(a, WT[:, 0])[0] ** 2).sum(),
              lambda t, a: (t.linalg.lstsq(a, t.tensor(WT[:, :1])).solution ** 2).sum(), TALL),
    "norms": (lambda a: la.norm(a, "nuc") + la.norm(a, 2) + la.norm(a, 1)
              + la.norm(a, axis=0).sum(),
              lambda t, a: t.linalg.matrix_norm(a, "nuc") + t.linalg.matrix_norm(a, 2)
              + t.linalg.matrix_norm(a, 1) + t.linalg.vector_norm(a, dim=0).sum(), TALL),
}  # fmt: skip


@pytest.mark.parametrize("name", list(TORCH_CASES))
def test_against_pytorch_when_installed(name: str) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs, x = TORCH_CASES[name]
    a = torch.tensor(x, requires_grad=True)
    (g,) = torch.autograd.grad(theirs(torch, a), a)
    np.testing.assert_allclose(cm.grad(ours)(x), g.numpy(), rtol=1e-8, atol=1e-10)


def test_repeated_eigenvalues_documented_behaviour() -> None:
    """At A = I the eigenvalues' gradient exists (it is I for their sum); the eigenvectors' does
    not (they are not unique), and the rule says so with non-finite values, not wrong numbers."""
    g = cm.grad(lambda a: la.eigvalsh(a).sum())(np.eye(3))
    np.testing.assert_allclose(g, np.eye(3), atol=1e-12)
    with np.errstate(all="ignore"):
        g = cm.grad(lambda a: (la.eigh(a).eigenvectors ** 2 * WS).sum())(np.eye(3))
    assert not np.all(np.isfinite(g))


@settings(max_examples=20, deadline=None)
@given(batch=hnp.array_shapes(min_dims=0, max_dims=2, max_side=3), n=st.integers(1, 4))
def test_batched_shapes_follow_numpy(batch, n) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(n)
    a = rng.standard_normal((*batch, n, n)) + 3 * np.eye(n)
    b = rng.standard_normal((*batch, n, 2))
    np.testing.assert_allclose(la.inv(Tensor(a)).data, np.linalg.inv(a), rtol=1e-10)
    np.testing.assert_allclose(la.solve(Tensor(a), Tensor(b)).data, np.linalg.solve(a, b),
                               rtol=1e-10)  # fmt: skip
    np.testing.assert_allclose(la.det(Tensor(a)).data, np.linalg.det(a), rtol=1e-10)
    t = Tensor(a, requires_grad=True)
    (la.slogdet(t)[1].sum() + (la.inv(t) ** 2).sum()).backward()
    assert t.grad.shape == a.shape and np.all(np.isfinite(t.grad))


HESSIAN_CASES = [
    la.inv,
    la.det,
    lambda a: la.slogdet(a)[1],
    lambda a: la.solve(a, M[0]),
    lambda a: la.cholesky(_spd(a)),
    lambda a: la.eigvalsh(_sym(a)),
    lambda a: la.eigh(_sym(a))[1] ** 2,
    lambda a: la.svd(a)[0] * la.svd(a)[2] + la.svd(a, compute_uv=False),
    lambda a: la.qr(a).Q + la.qr(a).R,
    lambda a: la.norm(a, "nuc") + la.norm(a, 2),
]


@pytest.mark.parametrize("k", range(len(HESSIAN_CASES)))
def test_full_hessians_match_differences_of_gradients(k: int, fd) -> None:  # type: ignore[no-untyped-def]
    """`hessian` runs the rules on tensors with a batch of cotangents: all must compose."""
    fd.hessian(HESSIAN_CASES[k], M, seed=k)
