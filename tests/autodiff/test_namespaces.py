"""Tensors on array-API namespaces other than NumPy: every supported op, its gradient and an MLP
training step agree with the NumPy run, results stay in the namespace, and what is NumPy-only
says so in one line.

`array_api_strict` implements the standard and nothing else, so a NumPy-ism in a rule fails
here. Its arrays live on the device "device1", which refuses any conversion to NumPy: a trip
to the host inside an operation fails too. That device stands in for a GPU; the CuPy tests at
the end run the same checks on a real one and skip where CuPy or a GPU is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import calcml as cm
from calcml.autodiff import Tensor
from calcml.autodiff.indexing import scatter
from calcml.core.errors import CalcmlError
from calcml.ml import losses
from calcml.ml.nn import MLP
from calcml.ml.optim import SGD, Adagrad, Adam, RMSprop

xps = pytest.importorskip("array_api_strict")
DEVICE = xps.Device("device1")
CPU = xps.Device("CPU_DEVICE")

PRECISIONS = [("float64", 1e-12), ("float32", 1e-5)]


@pytest.fixture(autouse=True)
def device_refuses_dlpack(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """device1 refuses `np.asarray` but lets `np.from_dlpack` through: shut that door too, so a
    hidden copy of device data to the host fails the test (tests of the explicit copies,
    `.to("cpu")` and `.numpy()`, are marked `host_copy` and keep it open)."""
    if request.node.get_closest_marker("host_copy"):
        return
    real = np.from_dlpack

    def refusing(x: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(x, "device", None) == DEVICE:
            raise RuntimeError("device1 refuses copies to the host")
        return real(x, *args, **kwargs)

    monkeypatch.setattr(np, "from_dlpack", refusing)


def to_strict(a: np.ndarray, dtype: str) -> Any:
    return xps.asarray(np.asarray(a, dtype=dtype), device=DEVICE)


def host(a: Any) -> np.ndarray:
    if isinstance(a, np.ndarray | np.generic | float):
        return np.asarray(a)
    return np.asarray(a.to_device(CPU))


def inputs(shapes: list[tuple[int, ...]], seed: int, low: float = 0.3) -> list[np.ndarray]:
    """Values with |v| in [low, 2] and random signs: away from every kink (abs, relu at 0)."""
    rng = np.random.default_rng(seed)
    out = []
    for shape in shapes:
        v = rng.uniform(low, 2.0, shape)
        out.append(v * rng.choice([-1.0, 1.0], shape))
    return out


def positive(shapes: list[tuple[int, ...]], seed: int) -> list[np.ndarray]:
    return [np.abs(v) for v in inputs(shapes, seed)]


# name -> (function of tensors returning a tensor, input arrays)
M, V, R, C = (3, 4), (4,), (1, 4), (3, 1)
CASES: dict[str, tuple[Callable[..., Any], list[np.ndarray]]] = {
    "add_broadcast": (lambda a, b, c: a + b + c, inputs([M, V, C], 0)),
    "sub_rsub": (lambda a, b: a - b - (2.0 - a), inputs([M, R], 1)),
    "mul_div": (lambda a, b: a * b / (b * b + 1.0) - 1.0 / b, inputs([M, V], 2)),
    "pow_number": (lambda a: a**2 + a**3.5 + a**-1 + a**0.5, positive([M], 3)),
    "pow_tensor": (lambda a, b: a**b, positive([M, V], 4)),
    "neg": (lambda a: -a * 3.0, inputs([M], 5)),
    "matmul_2d": (lambda a, b: a @ b, inputs([(3, 4), (4, 2)], 6)),
    "matmul_vec": (lambda a, b: a @ b, inputs([(3, 4), (4,)], 7)),
    "vec_matmul": (lambda a, b: a @ b, inputs([(4,), (4, 2)], 8)),
    "sum_mean": (lambda a: a.sum(axis=0) * a.mean(axis=1, keepdims=True) + a.sum(),
                 inputs([M], 9)),
    "max_min": (lambda a: a.max(axis=1) - a.min(axis=0).sum() + a.max(), inputs([M], 10)),
    "reshape_transpose": (lambda a: a.reshape(2, 6).T @ a.reshape(6, 2).transpose(),
                          inputs([M], 11)),
    "getitem": (lambda a: a[1:, ::2] * a[0, :2] + a[2][3] - a[:, 1].sum(), inputs([M], 12)),
    "where": (lambda a, b: cm.where(a > 0, a * b, -b), inputs([M, V], 13)),
    "astype": (lambda a: a.astype(np.float64) * 2.0, inputs([M], 14)),
    "concat_stack": (lambda a, b: cm.concatenate([a, b]) * cm.stack([a, b]).sum(axis=0).sum(),
                     inputs([V, V], 15)),
    "max_clip": (lambda a, b: cm.maximum(a, b) + cm.minimum(a, 0.5) + cm.clip(a, -1.0, 1.0),
                 inputs([M, V], 16)),
    "log_softmax": (lambda a: cm.log_softmax(a) * cm.softmax(a, axis=0), inputs([M], 17)),
    "logsumexp": (lambda a: cm.logsumexp(a, axis=1) + cm.logsumexp(a), inputs([M], 18)),
}  # fmt: skip
for _name in ("exp", "tanh", "sigmoid", "relu", "softplus", "abs", "sin", "cos", "sign", "cosh",
              "sinh", "atan", "asinh", "expm1"):  # fmt: skip
    CASES[_name] = (lambda a, f=_name: getattr(cm, f)(a) * a, inputs([M], 20))
for _name in ("log", "sqrt", "log1p", "log2", "log10", "acosh", "coth", "sech"):
    CASES[_name] = (lambda a, f=_name: getattr(cm, f)(a + 1.05), positive([M], 21))
CASES["tan_asin"] = (lambda a: cm.tan(a) + cm.asin(a * 0.4) + cm.acos(a * 0.4), inputs([M], 22))


def forward_backward(fn: Callable[..., Any], arrays: list[Any]) -> tuple[Any, list[Any]]:
    ts = [Tensor(a, requires_grad=True) for a in arrays]
    out = fn(*ts)
    loss = (out * out).sum() if out.ndim else out * out
    loss.backward()
    return out, [t.grad for t in ts]


def assert_same(strict: Any, reference: Any, tol: float) -> None:
    assert isinstance(strict, xps.Array if hasattr(xps, "Array") else type(strict))
    assert strict.device == DEVICE
    np.testing.assert_allclose(host(strict), np.asarray(reference), rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype,tol", PRECISIONS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_op_and_gradient_match_numpy(name: str, dtype: str, tol: float) -> None:
    fn, arrays = CASES[name]
    out_np, grads_np = forward_backward(fn, [a.astype(dtype) for a in arrays])
    out_xp, grads_xp = forward_backward(fn, [to_strict(a, dtype) for a in arrays])
    assert type(out_xp.data) is type(to_strict(arrays[0], dtype))
    assert_same(out_xp.data, out_np.data, tol)
    for g_xp, g_np in zip(grads_xp, grads_np, strict=True):
        assert_same(g_xp, g_np, tol)
        assert g_xp.dtype == getattr(xps, dtype)


def second_derivative(a: Any) -> Any:
    x = Tensor(a, requires_grad=True)
    (cm.tanh(x) * x * cm.exp(x * 0.5) + x**3).sum().backward(create_graph=True)
    g, x.grad = x.grad, None
    (g * g).sum().backward()
    return x.grad


def test_create_graph_gives_second_derivatives_in_the_namespace() -> None:
    a = inputs([M], 30)[0]
    assert_same(second_derivative(to_strict(a, "float64")), second_derivative(a), 1e-12)


def test_anomaly_mode_finds_nan_on_the_device() -> None:
    x = Tensor(to_strict(np.array([1.0, 2.0]), "float64"), requires_grad=True)
    with (
        cm.autodiff.detect_anomaly(),
        pytest.warns(RuntimeWarning),
        pytest.raises(cm.autodiff.AnomalyError, match="log produced nan"),
    ):
        cm.log(x - 5.0)


def train(model_like: Any, X: Any, y: Any, optimizer: type, loss: str, steps: int = 3) -> Any:
    net = MLP([5, 8, 6, 3], activation="tanh", seed=3)
    if model_like is not None:
        net.to(model_like)
    else:
        for p in net.parameters():
            p.data = p.data.astype(X.dtype)
    options = {"momentum": 0.9} if optimizer is SGD else {}
    opt = optimizer(net.parameters(), lr=0.005 if optimizer is RMSprop else 0.05, **options)
    values = []
    for _ in range(steps):
        opt.zero_grad()
        out = net(X)
        value = losses.cross_entropy(out, y) if loss == "cross_entropy" else losses.mse_loss(out, y)
        value.backward()
        opt.step()
        values.append(value.item())
    return values, net


@pytest.mark.parametrize("dtype,tol", PRECISIONS)
@pytest.mark.parametrize("optimizer", [SGD, Adam, Adagrad, RMSprop])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_mlp_training_steps_match_numpy(dtype: str, tol: float, optimizer: type, loss: str) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(16, 5)).astype(dtype)
    y = rng.integers(0, 3, 16) if loss == "cross_entropy" else rng.normal(size=(16, 3))
    y = y.astype(dtype) if loss == "mse" else y
    Xs = to_strict(X, dtype)
    ys = xps.asarray(y, device=DEVICE)
    ref_values, ref_net = train(None, X, y, optimizer, loss)
    values, net = train(Xs, Xs, ys, optimizer, loss)
    np.testing.assert_allclose(values, ref_values, rtol=tol, atol=tol)
    for p, q in zip(net.parameters(), ref_net.parameters(), strict=True):
        assert p.data.dtype == getattr(xps, dtype)
        assert_same(p.data, q.data, tol * 10)  # three steps of updates
    assert values[-1] < values[0]


def test_cross_entropy_with_probabilities_and_bce_match_numpy() -> None:
    rng = np.random.default_rng(1)
    z, probs = rng.normal(size=(6, 4)), rng.dirichlet(np.ones(4), 6)
    labels = (rng.random(6) > 0.5).astype(float)
    for loss_fn, target in ((losses.cross_entropy, probs), (losses.bce_with_logits, labels)):
        zz = z if loss_fn is losses.cross_entropy else z[:, 0]
        ref_t = Tensor(zz, requires_grad=True)
        ref = loss_fn(ref_t, target, reduction="sum")
        ref.backward()
        t = Tensor(to_strict(zz, "float64"), requires_grad=True)
        got = loss_fn(t, xps.asarray(target, device=DEVICE), reduction="sum")
        got.backward()
        assert_same(got.data, ref.data, 1e-12)
        assert_same(t.grad, ref_t.grad, 1e-12)


@pytest.mark.host_copy
def test_a_strict_array_keeps_its_namespace_device_and_dtype() -> None:
    a = xps.asarray([[1.0, 2.0]], dtype=xps.float32, device=DEVICE)
    t = cm.tensor(a)
    assert t.xp is xps and t.device == DEVICE and t.dtype == xps.float32
    assert cm.tensor(xps.asarray([1, 2], device=DEVICE)).dtype == xps.float64  # default float
    back = t.to("cpu")
    assert isinstance(back.data, np.ndarray) and back.dtype == np.float32 and back.device == "cpu"
    assert back.data.tolist() == [[1.0, 2.0]]
    assert t.to(xps.asarray([0.0], device=CPU)).device == CPU  # between two devices
    beside = Tensor([3.0]).to(a)
    assert beside.device == DEVICE and beside.dtype == xps.float64  # .to keeps the dtype
    with pytest.raises(TypeError, match="to\\('cpu'\\)"):
        np.asarray(t)
    assert t.numpy().tolist() == [[1.0, 2.0]] and t.sum().item() == 3.0


def one_line_error(fn: Callable[[], Any]) -> str:
    with pytest.raises(CalcmlError) as info:
        fn()
    message = str(info.value)
    assert "\n" not in message and "array_api_strict" in message
    return message


def test_numpy_only_parts_refuse_other_namespaces_in_one_line() -> None:
    t = Tensor(to_strict(np.eye(2) + 1.0, "float64"), requires_grad=True)
    assert "erf" in one_line_error(lambda: cm.erf(t))
    assert "linalg.det" in one_line_error(lambda: cm.linalg.det(t))
    assert "prod" in one_line_error(lambda: cm.prod(t))
    assert "cumsum" in one_line_error(lambda: t.cumsum())
    assert "huber" in one_line_error(lambda: losses.huber_loss(t, t.data))
    assert "explain" in one_line_error(lambda: cm.explain(t.sum()))
    one_line_error(lambda: cm.grad(lambda x: (x * x).sum())(t.data))
    index = (xps.asarray([0, 0], device=DEVICE),)  # the gradient of fancy indexing adds up
    assert "indexing" in one_line_error(lambda: scatter(t, index, (2, 2)))


def test_operands_that_live_apart_are_one_clear_error() -> None:
    t = Tensor(to_strict(np.array([1.0, 2.0]), "float64"))
    beside_host = (
        lambda: t * np.array([1.0, 2.0]),
        lambda: t + Tensor([1.0, 2.0]),
        lambda: Tensor([1.0, 2.0]) @ t,
        lambda: MLP([2, 3], seed=0).to(t)(np.ones((1, 2))),
    )
    for make in beside_host:
        with pytest.raises(CalcmlError, match=r"live apart: .*numpy on cpu") as info:
            make()
        assert "\n" not in str(info.value)
    with pytest.raises(CalcmlError, match="CPU_DEVICE"):
        t + Tensor(xps.asarray([1.0, 2.0], device=CPU))


def test_cuda_without_cupy_is_one_clear_error() -> None:
    try:
        import cupy

        cupy.cuda.runtime.getDeviceCount()
        pytest.skip("a GPU is present: see the CuPy tests")
    except Exception:
        pass
    with pytest.raises(CalcmlError, match="CuPy and a GPU") as info:
        cm.tensor([1.0, 2.0], device="cuda")
    assert "\n" not in str(info.value)
    with pytest.raises(CalcmlError, match="unknown device"):
        cm.tensor([1.0], device="tpu")


# --- CuPy, on a GPU ------------------------------------------------------------------------------


@pytest.fixture
def cupy() -> Any:
    cp = pytest.importorskip("cupy")
    try:
        cp.cuda.runtime.getDeviceCount()
    except Exception as exc:  # CuPy installed, no GPU or driver
        pytest.skip(f"no GPU: {exc}")
    return cp


def test_cuda_tensor_defaults_to_float32_and_comes_back(cupy: Any) -> None:
    t = cm.tensor([[1.0, 2.0], [3.0, 4.0]], device="cuda")
    assert isinstance(t.data, cupy.ndarray) and t.dtype == cupy.float32
    assert t.device == "cuda:0"
    assert cm.tensor(np.ones(2), device="cuda", dtype=np.float64).dtype == cupy.float64
    assert t.to("cpu").data.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    passed = cm.tensor(cupy.arange(3, dtype=cupy.float64))
    assert isinstance(passed.data, cupy.ndarray) and passed.dtype == cupy.float64


@pytest.mark.parametrize("name", sorted(CASES))
def test_cupy_op_and_gradient_match_numpy(cupy: Any, name: str) -> None:
    fn, arrays = CASES[name]
    out_np, grads_np = forward_backward(fn, [a.astype("float32") for a in arrays])
    out_cp, grads_cp = forward_backward(fn, [cupy.asarray(a, dtype=cupy.float32) for a in arrays])
    assert isinstance(out_cp.data, cupy.ndarray)
    np.testing.assert_allclose(out_cp.data.get(), out_np.data, rtol=1e-5, atol=1e-5)
    for g_cp, g_np in zip(grads_cp, grads_np, strict=True):
        assert isinstance(g_cp, cupy.ndarray)
        np.testing.assert_allclose(g_cp.get(), g_np, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("optimizer", [SGD, Adam])
def test_cupy_mlp_training_steps_match_numpy(cupy: Any, optimizer: type) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(16, 5)).astype("float32")
    y = rng.integers(0, 3, 16)
    ref_values, ref_net = train(None, X, y, optimizer, "cross_entropy")
    Xc = cupy.asarray(X)
    values, net = train("cuda", Xc, cupy.asarray(y), optimizer, "cross_entropy")
    np.testing.assert_allclose(values, ref_values, rtol=1e-5, atol=1e-5)
    for p, q in zip(net.parameters(), ref_net.parameters(), strict=True):
        assert isinstance(p.data, cupy.ndarray) and p.data.dtype == cupy.float32
        np.testing.assert_allclose(p.data.get(), q.data, rtol=1e-4, atol=1e-4)
