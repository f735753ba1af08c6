"""compile() on Dask arrays (the result stays a lazy Dask array, chunk by chunk, and equals the
NumPy result exactly: the same NumPy functions run on each chunk) and on CuPy arrays (the
result stays on the GPU; skipped where there is none)."""

import numpy as np
import pytest

import calcml as cm


@pytest.fixture
def da():
    return pytest.importorskip("dask.array")


@pytest.fixture
def cupy():
    cupy = pytest.importorskip("cupy")
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            pytest.skip("no GPU")
    except cupy.cuda.runtime.CUDARuntimeError:
        pytest.skip("no GPU")
    return cupy


def test_compiled_functions_stay_lazy_and_equal_numpy(da):
    exprs = [cm.parse("sin(x)^2 + exp(-y)*x + sigmoid(x) + log(1 + x^2) + erf(x)"),
             cm.parse("relu(x) * y + abs(x)^(1/3)"), cm.parse("3")]  # fmt: skip
    f = cm.compile(exprs, ["x", "y"])
    x, y = np.linspace(-3, 3, 5000), np.linspace(0, 2, 5000)
    lazy = f(da.from_array(x, chunks=700), da.from_array(y, chunks=700))
    assert all(type(v).__module__.startswith("dask") for v in lazy)
    for got, want in zip(lazy, f(x, y), strict=True):
        np.testing.assert_array_equal(got.compute(), want)


def test_broadcasting_with_numbers_and_numpy(da):
    f = cm.compile(cm.parse("x * y + 1"), ["x", "y"])
    x = np.arange(12.0).reshape(3, 4)
    got = f(da.from_array(x, chunks=(2, 2)), np.arange(4.0))
    np.testing.assert_array_equal(got.compute(), f(x, np.arange(4.0)))
    assert f(da.from_array(x, chunks=2), 2.0).compute().tolist() == (2 * x + 1).tolist()


def test_compiled_functions_stay_on_the_gpu(cupy):
    f = cm.compile([cm.parse("sin(x)^2 + exp(-y)*x + log(1 + x^2)"), cm.parse("tanh(x*y)"),
                    cm.parse("2")], ["x", "y"])  # fmt: skip
    x, y = np.linspace(-3, 3, 100_000), np.linspace(0, 2, 100_000)
    on_gpu = f(cupy.asarray(x), cupy.asarray(y))
    assert all(isinstance(v, cupy.ndarray) for v in on_gpu)
    for got, want in zip(on_gpu, f(x, y), strict=True):
        np.testing.assert_allclose(got.get(), want, rtol=1e-13, atol=1e-15)
