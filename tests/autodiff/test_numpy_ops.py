"""NumPy's names on tensors: forward against NumPy, gradients against central differences
(first order, and second order where NumPy's function is twice differentiable)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import calcml as cm
from calcml.autodiff import Tensor

R = np.random.default_rng(1)
A = R.standard_normal((3, 4))
B = R.standard_normal((4, 2))
V = R.standard_normal(4)
W = R.standard_normal(4)
C3 = R.standard_normal((2, 3, 4))
POS = R.uniform(0.5, 2.0, (3, 4))
SQ = R.standard_normal((3, 3))

# name -> (calcml function, NumPy function, inputs, twice differentiable)
CASES = {
    "mod": (lambda a, b: a % b, np.mod, [A * 3, POS], True),
    "mod neg divisor": (lambda a, b: cm.mod(a, -b), lambda a, b: np.mod(a, -b), [A * 3, POS], True),
    "rmod": (lambda a: 7.5 % a, lambda a: 7.5 % a, [POS], True),
    "remainder": (cm.remainder, np.remainder, [A * 3, POS[0]], True),
    "fmod": (cm.fmod, np.fmod, [A * 3, POS], True),
    "fmax": (cm.fmax, np.fmax, [A, R.standard_normal((3, 1))], True),
    "fmin": (cm.fmin, np.fmin, [A, R.standard_normal(4)], True),
    "logaddexp2": (cm.logaddexp2, np.logaddexp2, [A * 40, A[0]], True),
    "square": (cm.square, np.square, [A], True),
    "reciprocal": (cm.reciprocal, np.reciprocal, [POS], True),
    "deg2rad": (cm.deg2rad, np.deg2rad, [A], True),
    "rad2deg": (cm.rad2deg, np.rad2deg, [A], True),
    "radians": (cm.radians, np.radians, [A], True),
    "degrees": (cm.degrees, np.degrees, [A], True),
    "prod": (cm.prod, np.prod, [A], True),
    "prod axis": (lambda a: cm.prod(a, axis=1), lambda a: np.prod(a, axis=1), [A], True),
    "prod axes keep": (lambda a: a.prod(axis=(0, 2), keepdims=True),
                       lambda a: a.prod(axis=(0, 2), keepdims=True), [C3], True),
    "prod zero": (cm.prod, np.prod, [np.array([0.0, 2.0, 3.0, -1.5, 0.7])], True),
    "prod two zeros": (cm.prod, np.prod, [np.array([0.0, 2.0, 0.0])], True),
    "var": (cm.var, np.var, [A], True),
    "var ddof axis": (lambda a: cm.var(a, axis=0, ddof=1), lambda a: np.var(a, axis=0, ddof=1),
                      [A], True),
    "std": (lambda a: a.std(axis=1, keepdims=True), lambda a: a.std(axis=1, keepdims=True),
            [A], True),
    "cumsum": (cm.cumsum, np.cumsum, [A], True),
    "cumsum axis": (lambda a: a.cumsum(axis=-2), lambda a: a.cumsum(axis=-2), [C3], True),
    "cumprod": (lambda a: cm.cumprod(a, axis=1), lambda a: np.cumprod(a, axis=1), [A], True),
    "cumprod zeros": (cm.cumprod, np.cumprod, [np.array([1.5, 0.0, 3.0, -2.0, 0.0, 1.1])], True),
    "trace": (lambda a: a.trace(), np.trace, [A], True),
    "trace offset axes": (lambda a: a.trace(1, 2, 1), lambda a: np.trace(a, 1, 2, 1), [C3], True),
    "linalg.trace": (lambda a: cm.linalg.trace(a, offset=-1),
                     lambda a: np.linalg.trace(a, offset=-1),
                     [C3], True),
    "diagonal": (lambda a: a.diagonal(-1), lambda a: a.diagonal(-1), [A], True),
    "diag 1-d": (lambda v: cm.diag(v, 1), lambda v: np.diag(v, 1), [V], True),
    "diag 2-d": (lambda a: cm.diag(a, 1), lambda a: np.diag(a, 1), [A], True),
    "tril": (lambda a: cm.tril(a, -1), lambda a: np.tril(a, -1), [C3], True),
    "triu": (cm.triu, np.triu, [A], True),
    "dot 1-1": (cm.dot, np.dot, [V, W], True),
    "dot scalar": (cm.dot, np.dot, [np.array(1.7), A], True),
    "dot 2-1": (cm.dot, np.dot, [A, V], True),
    "dot N-d": (cm.dot, np.dot, [C3, R.standard_normal((3, 4, 2))], True),
    "dot method": (lambda a, b: a.dot(b), np.dot, [A, B], True),
    "inner": (cm.inner, np.inner, [A, C3], True),
    "inner 1-d": (cm.inner, np.inner, [V, W], True),
    "outer": (cm.outer, np.outer, [V, A], True),
    "tensordot": (lambda a, b: cm.tensordot(a, b, axes=([1, 0], [0, 1])),
                  lambda a, b: np.tensordot(a, b, axes=([1, 0], [0, 1])),
                  [C3, R.standard_normal((3, 2, 5))], True),
    "tensordot int": (lambda a, b: cm.tensordot(a, b, 1), lambda a, b: np.tensordot(a, b, 1),
                      [A, B], True),
    "einsum matmul": (lambda a, b: cm.einsum("ij,jk->ik", a, b),
                      lambda a, b: np.einsum("ij,jk->ik", a, b), [A, B], True),
    "einsum trace": (lambda a: cm.einsum("ii", a), lambda a: np.einsum("ii", a), [SQ], True),
    "einsum diag out": (lambda a: cm.einsum("ii->i", a), lambda a: np.einsum("ii->i", a),
                        [SQ], True),
    "einsum sum only": (lambda a, b: cm.einsum("ij,k->i", a, b),
                        lambda a, b: np.einsum("ij,k->i", a, b), [A, V], True),
    "einsum ellipsis": (lambda a, b: cm.einsum("...ij,...jk", a, b),
                        lambda a, b: np.einsum("...ij,...jk", a, b),
                        [R.standard_normal((2, 1, 3, 4)), R.standard_normal((5, 4, 2))], True),
    "einsum three": (lambda a, b, c: cm.einsum("ij,jk,k->i", a, b, c),
                     lambda a, b, c: np.einsum("ij,jk,k->i", a, b, c),
                     [A, B, R.standard_normal(2)], True),
    "einsum implicit": (lambda a, b: cm.einsum("ba,bc", a, b),
                        lambda a, b: np.einsum("ba,bc", a, b), [A, A], True),
    "vstack": (lambda a, b: cm.vstack([a, b]), lambda a, b: np.vstack([a, b]), [V, A], True),
    "hstack": (lambda a, b: cm.hstack([a, b]), lambda a, b: np.hstack([a, b]), [V, W], True),
    "hstack 2-d": (lambda a, b: cm.hstack([a, b]), lambda a, b: np.hstack([a, b]),
                   [A, A[:, :2]], True),
    "column_stack": (lambda a, b: cm.column_stack([a, b]),
                     lambda a, b: np.column_stack([a, b]), [V, B], True),
    "dstack": (lambda a, b: cm.dstack([a, b]), lambda a, b: np.dstack([a, b]), [A, A], True),
    "stack": (lambda a, b: cm.stack([a, b], axis=-1), lambda a, b: np.stack([a, b], axis=-1),
              [A, A], True),
    "ravel": (cm.ravel, np.ravel, [C3], True),
    "flatten": (lambda a: a.flatten(), lambda a: a.flatten(), [C3], True),
    "squeeze": (lambda a: cm.squeeze(a, 1), lambda a: np.squeeze(a, 1), [A[:, None]], True),
    "squeeze all": (lambda a: a.squeeze(), lambda a: a.squeeze(), [A[None, :, None]], True),
    "expand_dims": (lambda a: cm.expand_dims(a, (0, 3)), lambda a: np.expand_dims(a, (0, 3)),
                    [A], True),
    "moveaxis": (lambda a: cm.moveaxis(a, [0, 1], [-1, 0]),
                 lambda a: np.moveaxis(a, [0, 1], [-1, 0]), [C3], True),
    "roll": (lambda a: cm.roll(a, 2), lambda a: np.roll(a, 2), [A], True),
    "roll axes": (lambda a: cm.roll(a, (1, -2), axis=(0, 2)),
                  lambda a: np.roll(a, (1, -2), axis=(0, 2)), [C3], True),
    "flip": (lambda a: cm.flip(a, 1), lambda a: np.flip(a, 1), [C3], True),
    "flip all": (cm.flip, np.flip, [A], True),
    "repeat": (lambda a: cm.repeat(a, 2, axis=1), lambda a: np.repeat(a, 2, axis=1), [A], True),
    "repeat list": (lambda a: a.repeat([1, 0, 3]), lambda a: a.repeat([1, 0, 3]), [V[:3]], True),
    "tile": (lambda a: cm.tile(a, (2, 1, 3)), lambda a: np.tile(a, (2, 1, 3)), [A], True),
    "sort": (cm.sort, np.sort, [A], True),
    "sort axis none": (lambda a: cm.sort(a, axis=None), lambda a: np.sort(a, axis=None), [A],
                       True),
    "sort axis 0": (lambda a: cm.sort(a, axis=0), lambda a: np.sort(a, axis=0), [C3], True),
    "pad constant": (lambda a: cm.pad(a, ((1, 0), (2, 3)), constant_values=7.0),
                     lambda a: np.pad(a, ((1, 0), (2, 3)), constant_values=7.0), [A], True),
    "pad reflect": (lambda a: cm.pad(a, 2, mode="reflect"),
                    lambda a: np.pad(a, 2, mode="reflect"), [A], True),
    "pad edge": (lambda a: cm.pad(a, (1, 2), mode="edge"),
                 lambda a: np.pad(a, (1, 2), mode="edge"), [A], True),
    "pad wrap": (lambda a: cm.pad(a, 1, mode="wrap"), lambda a: np.pad(a, 1, mode="wrap"),
                 [V], True),
    "pad symmetric": (lambda a: cm.pad(a, 3, mode="symmetric"),
                      lambda a: np.pad(a, 3, mode="symmetric"), [V], True),
    "logsumexp b": (lambda a, b: cm.logsumexp(a, axis=1, b=b),
                    lambda a, b: _scipy_lse(a, axis=1, b=b), [A, POS], True),
    "logsumexp b bcast": (lambda a, b: cm.logsumexp(a, b=b, keepdims=True),
                          lambda a, b: _scipy_lse(a, b=b, keepdims=True), [A, POS[0]], True),
}  # fmt: skip


def _scipy_lse(*args, **kwargs):  # type: ignore[no-untyped-def]
    from scipy.special import logsumexp

    return logsumexp(*args, **kwargs)


def _run(f, xs):  # type: ignore[no-untyped-def]
    out = f(*[Tensor(x) for x in xs])
    return [o.data for o in out] if isinstance(out, list) else out.data


@pytest.mark.parametrize("name", list(CASES))
def test_forward_matches_numpy(name: str) -> None:
    f, ref, xs, _ = CASES[name]
    np.testing.assert_allclose(_run(f, xs), ref(*xs), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", list(CASES))
def test_gradient_matches_central_differences(name: str, fd, rng) -> None:  # type: ignore[no-untyped-def]
    f, _, xs, _ = CASES[name]
    fd.first(f, xs, rng)


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c[3]])
def test_second_order_matches_central_differences(name: str, fd, rng) -> None:  # type: ignore[no-untyped-def]
    f, _, xs, _ = CASES[name]
    fd.second(f, xs, rng)


def test_split_pieces_match_numpy_and_carry_gradients(fd, rng) -> None:  # type: ignore[no-untyped-def]
    for args in ((3, 0), ([1, 3], 1)):
        pieces = cm.split(Tensor(A), *args) if args[1] == 0 else cm.split(Tensor(A.T), *args)
        ref = np.split(A, *args) if args[1] == 0 else np.split(A.T, *args)
        for p, r in zip(pieces, ref, strict=True):
            np.testing.assert_array_equal(p.data, r)
    fd.first(lambda a: cm.array_split(a, 3, axis=1)[1] * cm.split(a, 3)[2], [A], rng)
    with pytest.raises(ValueError, match="equal division"):
        cm.split(Tensor(A), 2)


# --- conventions at kinks, ties and zeros --------------------------------------------------------


def test_mod_gradients_are_one_and_minus_floor() -> None:
    gx, gy = cm.grad(lambda x, y: x % y, argnums=(0, 1))(7.5, 2.0)
    assert (gx, gy) == (1.0, -3.0)
    gx, gy = cm.grad(lambda x, y: cm.fmod(x, y), argnums=(0, 1))(-7.5, 2.0)
    assert (gx, gy) == (1.0, 3.0)


def test_fmax_ties_split_and_nan_sides() -> None:
    a = Tensor([1.0, np.nan, 2.0], requires_grad=True)
    b = Tensor([1.0, 3.0, np.nan], requires_grad=True)
    cm.fmax(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad, [0.5, 0.0, 1.0])
    np.testing.assert_array_equal(b.grad, [0.5, 1.0, 0.0])


def test_prod_and_cumprod_are_exact_at_zeros() -> None:
    x = np.array([2.0, 0.0, 3.0, 0.0])
    np.testing.assert_array_equal(cm.grad(lambda t: cm.prod(t))(x), [0.0] * 4)
    x = np.array([2.0, 0.0, 3.0])
    np.testing.assert_array_equal(cm.grad(lambda t: cm.prod(t))(x), [0.0, 6.0, 0.0])
    h = cm.hessian_of(lambda t: cm.prod(t))(x)
    np.testing.assert_array_equal(h, [[0, 3, 0], [3, 0, 2], [0, 2, 0]])


def test_logaddexp2_is_smooth_at_ties() -> None:
    """At x1 = x2 the second derivative is ln2·p(1-p) = ln2/4 (a max-based composition gives 0)."""
    h = cm.hessian_of(lambda t: cm.logaddexp2(t[0], t[1]))(np.array([3.0, 3.0]))
    np.testing.assert_allclose(h, np.log(2) / 4 * np.array([[1, -1], [-1, 1]]), rtol=1e-12)
    g = cm.grad(lambda t: cm.logaddexp2(t[0], t[1]))(np.array([-np.inf, 1.0]))
    np.testing.assert_array_equal(g, [0.0, 1.0])


def test_sort_ties_follow_the_stable_order() -> None:
    x = Tensor([1.0, 1.0, 0.0], requires_grad=True)
    (cm.sort(x) * Tensor([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 3.0, 1.0])


def test_stacking_scalars_and_vectors_like_numpy() -> None:
    for f, ref in ((cm.vstack, np.vstack), (cm.hstack, np.hstack), (cm.dstack, np.dstack),
                   (cm.column_stack, np.column_stack)):  # fmt: skip
        for parts in ([1.0, 2.0], [V, W], [A, A]):
            got = f([Tensor(p) for p in parts]).data
            np.testing.assert_array_equal(got, ref(parts))


def test_empty_and_dtype_rules() -> None:
    assert cm.prod(Tensor(np.zeros((2, 0))), axis=1).data.tolist() == [1.0, 1.0]
    f32 = Tensor(A.astype(np.float32))
    for f in (cm.prod, cm.cumsum, cm.square, lambda a: cm.einsum("ij->j", a), cm.sort):
        assert f(f32).dtype == np.float32


# --- hypothesis: shapes, axes and broadcasting ---------------------------------------------------

_shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)


@settings(max_examples=25, deadline=None)
@given(shape=_shapes, data=st.data())
def test_reductions_follow_numpy_on_any_axes(shape, data) -> None:  # type: ignore[no-untyped-def]
    x = np.random.default_rng(len(shape)).standard_normal(shape)
    axis = data.draw(st.none() | st.integers(-len(shape), len(shape) - 1))
    keep = data.draw(st.booleans())
    for f, ref in ((cm.prod, np.prod), (cm.var, np.var), (cm.std, np.std)):
        np.testing.assert_allclose(
            f(Tensor(x), axis=axis, keepdims=keep).data,
            ref(x, axis=axis, keepdims=keep),
            rtol=1e-10,
            atol=1e-12,
        )
    if axis is not None:
        for f, ref in (
            (cm.cumsum, np.cumsum),
            (cm.cumprod, np.cumprod),
            (cm.sort, np.sort),
            (cm.flip, np.flip),
        ):
            np.testing.assert_allclose(f(Tensor(x), axis).data, ref(x, axis), rtol=1e-10)
        from calcml.autodiff.check import check_grads

        check_grads(
            lambda t: cm.prod(t, axis=axis) * cm.cumprod(t, axis)[..., :1].sum(), x, order=1, seed=0
        )


@settings(max_examples=25, deadline=None)
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3))
def test_binary_ops_broadcast_like_numpy(shapes) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(0)
    a = rng.standard_normal(shapes.input_shapes[0]) * 3
    b = rng.uniform(0.5, 2.0, shapes.input_shapes[1])
    for f, ref in ((cm.mod, np.mod), (cm.fmod, np.fmod), (cm.fmax, np.fmax)):
        ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
        y = f(ta, tb)
        np.testing.assert_allclose(y.data, ref(a, b))
        y.sum().backward()
        assert ta.grad.shape == a.shape and tb.grad.shape == b.shape
    np.testing.assert_allclose(cm.einsum("...,...->...", Tensor(a), Tensor(b)).data, a * b)


@settings(max_examples=25, deadline=None)
@given(shape=hnp.array_shapes(min_dims=2, max_dims=4, max_side=3), data=st.data())
def test_shape_functions_follow_numpy(shape, data) -> None:  # type: ignore[no-untyped-def]
    x = np.random.default_rng(len(shape)).standard_normal(shape)
    nd = len(shape)
    src = data.draw(st.integers(-nd, nd - 1))
    dst = data.draw(st.integers(-nd, nd - 1))
    t = Tensor(x)
    np.testing.assert_array_equal(cm.moveaxis(t, src, dst).data, np.moveaxis(x, src, dst))
    np.testing.assert_array_equal(cm.roll(t, 2, axis=src).data, np.roll(x, 2, axis=src))
    np.testing.assert_array_equal(cm.expand_dims(t, dst).data, np.expand_dims(x, dst))
    np.testing.assert_array_equal(cm.tile(t, (2,) * (nd - 1)).data, np.tile(x, (2,) * (nd - 1)))
    k = data.draw(st.integers(0, nd))
    y = np.random.default_rng(1).standard_normal((*shape[nd - k :], 2))
    np.testing.assert_allclose(cm.tensordot(t, Tensor(y), k).data, np.tensordot(x, y, k),
                               rtol=1e-10, atol=1e-12)  # fmt: skip


BATCHED = [
    lambda a: cm.einsum("ij,jk->ik", a, B),
    lambda a: cm.einsum("ii->i", a[:, :3]),
    lambda a: cm.cumsum(a, axis=0),
    lambda a: cm.pad(a, 1, constant_values=2.0),
    lambda a: cm.logsumexp(a, axis=1, b=POS),
    lambda a: cm.logsumexp(POS, axis=0, b=a * a),
    lambda a: a % 0.7 + cm.fmax(a, 0.1),
    lambda a: cm.prod(a, axis=0),
]


@pytest.mark.parametrize("k", range(len(BATCHED)))
def test_batched_cotangents_give_the_jacobian(k: int) -> None:
    """`jacobian` pulls back a batch of cotangents in one pass: each rule must broadcast."""
    f = BATCHED[k]
    jac = cm.jacobian_of(f)(A)
    cols = []
    for i in range(A.size):
        e = np.zeros(A.size)
        e[i] = 1e-6
        e = e.reshape(A.shape)
        cols.append((f(Tensor(A + e)).data - f(Tensor(A - e)).data) / 2e-6)
    numeric = np.moveaxis(np.array(cols), 0, -1).reshape(jac.shape)
    np.testing.assert_allclose(jac, numeric, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("k", range(len(BATCHED)))
def test_hessians_pull_back_batches_through_graph_rules(k: int, fd) -> None:  # type: ignore[no-untyped-def]
    """`hessian` is a Jacobian of a recorded gradient: the rules run on tensors, batched."""
    fd.hessian(BATCHED[k], A, seed=k)


# name -> (calcml, HIPS autograd with `n` standing for autograd.numpy, inputs)
AUTOGRAD_CASES = {
    "mod": (lambda a, b: a % b, lambda n, a, b: n.mod(a, b), [A * 3, POS]),
    "prod": (lambda a: cm.prod(a, axis=1), lambda n, a: n.prod(a, axis=1), [A]),
    "cumsum": (lambda a: cm.cumsum(a, 0), lambda n, a: n.cumsum(a, 0), [A]),
    "var": (lambda a: cm.var(a, axis=0, ddof=1), lambda n, a: n.var(a, axis=0, ddof=1), [A]),
    "std": (lambda a: cm.std(a, axis=1), lambda n, a: n.std(a, axis=1), [A]),
    "dot": (cm.dot, lambda n, a, b: n.dot(a, b), [C3, R.standard_normal((3, 4, 2))]),
    "inner": (cm.inner, lambda n, a, b: n.inner(a, b), [A, C3]),
    "outer": (cm.outer, lambda n, a, b: n.outer(a, b), [V, W]),
    "einsum": (lambda a, b: cm.einsum("ij,jk->ik", a, b),
               lambda n, a, b: n.einsum("ij,jk->ik", a, b), [A, B]),
    "tensordot": (lambda a, b: cm.tensordot(a, b, 1), lambda n, a, b: n.tensordot(a, b, 1), [A, B]),
    "trace": (lambda a: a.trace(), lambda n, a: n.trace(a), [A]),
    "tril": (cm.tril, lambda n, a: n.tril(a), [A]),
    "roll": (lambda a: cm.roll(a, 1, 0), lambda n, a: n.roll(a, 1, 0), [A]),
    "tile": (lambda a: cm.tile(a, 2), lambda n, a: n.tile(a, 2), [V]),
    "repeat": (lambda a: cm.repeat(a, 2, 0), lambda n, a: n.repeat(a, 2, 0), [A]),
    "sort": (cm.sort, lambda n, a: n.sort(a), [V]),
    "pad": (lambda a: cm.pad(a, 1), lambda n, a: n.pad(a, 1, "constant"), [A]),
    "hstack": (lambda a, b: cm.hstack([a, b]), lambda n, a, b: n.hstack([a, b]), [A, A]),
}  # fmt: skip


@pytest.mark.parametrize("name", list(AUTOGRAD_CASES))
def test_against_hips_autograd_when_installed(name: str) -> None:
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    ours, theirs, xs = AUTOGRAD_CASES[name]
    w = np.random.default_rng(3).standard_normal(np.shape(theirs(np, *xs)))
    argnums = tuple(range(len(xs)))
    expected = autograd.grad(lambda *a: anp.sum(theirs(anp, *a) * w), argnums)(*xs)
    got = cm.grad(lambda *a: (ours(*a) * w).sum(), argnums)(*xs)
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)
