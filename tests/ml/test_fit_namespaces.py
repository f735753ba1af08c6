"""The models' fit, predict and score on arrays of another array-API namespace equal the NumPy
run, and their results stay in that namespace.

`array_api_strict` arrays live on its device "device1", which refuses any copy to NumPy (its
`np.asarray`, and here `np.from_dlpack` too): a fit that went through the host between its
epochs would fail here. The oracle is the same model
fitted on NumPy arrays (same seed, same batches); NumPy's own `lstsq` and the autodiff
Hessian are what the device's pseudo-inverse and written-out Hessian are checked against. The
CuPy tests at the end run the same comparisons on a GPU and skip where there is none.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from calcml.core.errors import CalcmlError
from calcml.ml.data import batches, load_iris
from calcml.ml.models import (
    Lasso,
    LinearRegression,
    LogisticRegression,
    MLPClassifier,
    MLPRegressor,
    Ridge,
)

xps = pytest.importorskip("array_api_strict")
DEVICE = xps.Device("device1")
CPU = xps.Device("CPU_DEVICE")

# dtype -> tolerance of an MLP fit against the NumPy (float64) fit with the same seed
MLP_PRECISIONS = [("float64", 1e-10), ("float32", 1e-4)]


@pytest.fixture(autouse=True)
def device_refuses_dlpack(monkeypatch: pytest.MonkeyPatch) -> None:
    """device1 refuses `np.asarray` but lets `np.from_dlpack` through: shut that door too, so
    that any copy of device data to the host fails while these tests run."""
    real = np.from_dlpack

    def refusing(x: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(x, "device", None) == DEVICE:
            raise RuntimeError("device1 refuses copies to the host")
        return real(x, *args, **kwargs)

    monkeypatch.setattr(np, "from_dlpack", refusing)


def strict(a: Any, dtype: str | None = None) -> Any:
    a = np.asarray(a)
    return xps.asarray(a if dtype is None else a.astype(dtype), device=DEVICE)


def host(a: Any) -> np.ndarray:
    assert isinstance(a, xps.Array if hasattr(xps, "Array") else type(a)), type(a)
    assert a.device == DEVICE
    return np.asarray(a.to_device(CPU))


@pytest.fixture(scope="module")
def iris() -> tuple[np.ndarray, np.ndarray]:
    X, y = load_iris()
    return (X - X.mean(axis=0)) / X.std(axis=0), np.array([3, 5, 7])[y]  # labels not 0..k-1


def test_batches_on_the_device_are_the_numpy_batches() -> None:
    X = np.arange(20.0).reshape(10, 2)
    on_host = list(batches(X, np.arange(10), batch_size=4, seed=1))
    on_device = list(batches(strict(X), strict(np.arange(10)), batch_size=4, seed=1))
    assert len(on_device) == len(on_host) == 3
    for (a, b), (c, d) in zip(on_device, on_host, strict=True):
        assert host(a).tolist() == c.tolist() and host(b).tolist() == d.tolist()


@pytest.mark.parametrize("dtype,tol", MLP_PRECISIONS)
def test_mlp_classifier_fits_on_the_device_as_on_numpy(iris: Any, dtype: str, tol: float) -> None:
    X, y = iris
    options = {"hidden_layer_sizes": (8,), "max_iter": 6, "batch_size": 32, "random_state": 0}
    ref, model = MLPClassifier(**options), MLPClassifier(**options)
    ref_history = ref.fit(X, y)
    history = model.fit(strict(X, dtype), strict(y))
    np.testing.assert_allclose(history, ref_history, rtol=tol, atol=tol)
    assert all(isinstance(v, float) for v in history) and ref_history[-1] < ref_history[0]
    for p in model.network_.parameters():
        assert p.data.device == DEVICE and p.data.dtype == getattr(xps, dtype)
    Xs = strict(X, dtype)
    np.testing.assert_allclose(host(model.predict_proba(Xs)), ref.predict_proba(X), atol=tol)
    assert host(model.classes_).tolist() == [3, 5, 7]
    assert host(model.predict(Xs)).tolist() == ref.predict(X).tolist()
    assert model.score(Xs, strict(y)) == ref.score(X, y)


@pytest.mark.parametrize("dtype,tol", MLP_PRECISIONS)
@pytest.mark.parametrize("outputs", [1, 2])
def test_mlp_regressor_fits_on_the_device_as_on_numpy(iris: Any, dtype: str, tol: float,
                                                     outputs: int) -> None:  # fmt: skip
    X, _ = iris
    inputs, y = X[:, :2], (X[:, 2] if outputs == 1 else X[:, 2:])
    options = {"hidden_layer_sizes": (6,), "max_iter": 5, "batch_size": 40, "random_state": 1,
               "activation": "tanh"}  # fmt: skip
    ref, model = MLPRegressor(**options), MLPRegressor(**options)
    ref_history = ref.fit(inputs, y)
    history = model.fit(strict(inputs, dtype), strict(y, dtype))
    np.testing.assert_allclose(history, ref_history, rtol=tol, atol=tol)
    got = host(model.predict(strict(inputs, dtype)))
    assert got.shape == y.shape
    np.testing.assert_allclose(got, ref.predict(inputs), atol=tol)
    assert model.score(strict(inputs, dtype), strict(y, dtype)) == pytest.approx(
        ref.score(inputs, y), abs=tol
    )


def test_early_stopping_on_the_device_uses_the_same_split(iris: Any) -> None:
    X, y = iris
    options = {"hidden_layer_sizes": (5,), "max_iter": 30, "batch_size": 50, "random_state": 2,
               "early_stopping": True, "n_iter_no_change": 3,
               "learning_rate_init": 0.01}  # fmt: skip
    ref, model = MLPClassifier(**options), MLPClassifier(**options)
    ref_history = ref.fit(X, y)
    history = model.fit(strict(X), y)  # labels on the host: the split needs them there
    np.testing.assert_allclose(history, ref_history, rtol=1e-10, atol=1e-10)
    assert history.val_score == ref_history.val_score
    np.testing.assert_allclose(host(model.predict_proba(strict(X))), ref.predict_proba(X),
                               atol=1e-10)  # fmt: skip
    with pytest.raises(CalcmlError, match="stratified validation split") as info:
        MLPClassifier(**options).fit(strict(X), strict(y))  # the device refuses to copy them
    assert "\n" not in str(info.value)


def regression_data(rank_deficient: bool) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(60, 4)) + 2.0
    if rank_deficient:
        X[:, 3] = X[:, 0] - X[:, 1]  # lstsq's minimum-norm answer, not a unique one
    return X, X @ np.array([1.5, -2.0, 0.5, 1.0]) + 0.3 * rng.normal(size=60) + 4.0


DIRECT = [LinearRegression, lambda: Ridge(alpha=3.0), lambda: LinearRegression(fit_intercept=False)]
DESCENT = [lambda: LinearRegression(solver="gd"), lambda: Ridge(alpha=3.0, solver="gd")]


# gradient descent's answer on a singular problem depends on its path: full-rank data only
@pytest.mark.parametrize("make,rank_deficient", [(m, r) for m in DIRECT for r in (False, True)]
                         + [(m, False) for m in DESCENT])  # fmt: skip
def test_linear_regression_on_the_device_equals_numpy(make: Any, rank_deficient: bool) -> None:
    X, y = regression_data(rank_deficient)
    ref, model = make(), make()
    ref.fit(X, y)
    history = model.fit(strict(X), strict(y))
    np.testing.assert_allclose(host(model.coef_), ref.coef_, rtol=1e-10, atol=1e-10)
    assert isinstance(model.intercept_, float)
    assert model.intercept_ == pytest.approx(ref.intercept_, abs=1e-10)
    np.testing.assert_allclose(history, ref.loss_history_, rtol=1e-10)
    np.testing.assert_allclose(host(model.predict(strict(X))), ref.predict(X), atol=1e-9)
    assert model.score(strict(X), strict(y)) == pytest.approx(ref.score(X, y), abs=1e-12)


def test_linear_regression_in_float32_on_the_device() -> None:
    X, y = regression_data(False)
    ref = LinearRegression().fit(X, y)
    model = LinearRegression()
    model.fit(strict(X, "float32"), strict(y, "float32"))
    assert model.coef_.dtype == xps.float32
    np.testing.assert_allclose(host(model.coef_), ref.coef_, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("solver,tol", [("newton", 1e-10), ("gd", 1e-8)])
@pytest.mark.parametrize("classes", [2, 3])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_logistic_regression_on_the_device_equals_numpy(iris: Any, solver: str, tol: float,
                                                        classes: int, fit_intercept: bool
                                                        ) -> None:  # fmt: skip
    X, y = iris
    if classes == 2:  # versicolor against the rest, on two features: not separable
        X, y = X[:, :2], np.where(y == 5, 5, 3)
    options = {"solver": solver, "C": 0.5, "tol": 1e-9, "fit_intercept": fit_intercept}
    ref, model = LogisticRegression(**options), LogisticRegression(**options)
    ref.fit(X, y)
    history = model.fit(strict(X), strict(y))
    assert model.n_iter_ == ref.n_iter_
    np.testing.assert_allclose(history, ref.loss_history_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(host(model.coef_), ref.coef_, atol=tol)
    np.testing.assert_allclose(host(model.intercept_), ref.intercept_, atol=tol)
    Xs = strict(X)
    np.testing.assert_allclose(host(model.decision_function(Xs)), ref.decision_function(X),
                               atol=10 * tol)  # fmt: skip
    np.testing.assert_allclose(host(model.predict_proba(Xs)), ref.predict_proba(X), atol=tol)
    assert host(model.predict(Xs)).tolist() == ref.predict(X).tolist()
    assert model.score(Xs, strict(y)) == ref.score(X, y)


def test_numpy_only_models_say_so_in_one_line(iris: Any) -> None:
    X, y = iris
    fitted = LogisticRegression(solver="newton").fit(strict(X), strict(y))
    for call in (lambda: Lasso(alpha=0.1).fit(strict(X), strict(y)),
                 lambda: fitted.objective(strict(X), strict(y))):  # fmt: skip
        with pytest.raises(CalcmlError, match="array_api_strict") as info:
            call()
        assert "\n" not in str(info.value) and "NumPy" in str(info.value)


def test_data_that_lives_apart_is_one_clear_error(iris: Any) -> None:
    X, y = iris
    other = xps.asarray(y, device=CPU)
    for fit in (lambda: LinearRegression().fit(strict(X), xps.asarray(X[:, 0], device=CPU)),
                lambda: MLPClassifier(max_iter=1).fit(strict(X), other)):  # fmt: skip
        with pytest.raises(CalcmlError, match=r"live apart.*CPU_DEVICE") as info:
            fit()
        assert "\n" not in str(info.value)
    fitted = [LinearRegression().fit(strict(X), strict(y)),
              LogisticRegression(solver="newton").fit(strict(X), strict(y)),
              MLPRegressor(max_iter=1).fit(strict(X), strict(y, "float64"))]  # fmt: skip
    for model in fitted:  # predictions for host data from a model that lives on the device
        with pytest.raises(CalcmlError, match="live apart: numpy on cpu") as info:
            model.predict(X)
        assert "\n" not in str(info.value)


# --- CuPy, on a GPU ------------------------------------------------------------------------------


@pytest.fixture
def cupy() -> Any:
    cp = pytest.importorskip("cupy")
    try:
        cp.cuda.runtime.getDeviceCount()
    except Exception as exc:  # CuPy installed, no GPU or driver
        pytest.skip(f"no GPU: {exc}")
    return cp


def test_cupy_mlp_classifier_fits_on_the_gpu_as_on_numpy(cupy: Any, iris: Any) -> None:
    X, y = iris
    options = {"hidden_layer_sizes": (8,), "max_iter": 6, "batch_size": 32, "random_state": 0}
    ref, model = MLPClassifier(**options), MLPClassifier(**options)
    ref_history = ref.fit(X, y)
    Xc = cupy.asarray(X, dtype=cupy.float32)
    history = model.fit(Xc, cupy.asarray(y))
    np.testing.assert_allclose(history, ref_history, rtol=1e-4, atol=1e-4)
    proba = model.predict_proba(Xc)
    assert isinstance(proba, cupy.ndarray) and proba.dtype == cupy.float32
    np.testing.assert_allclose(proba.get(), ref.predict_proba(X), atol=1e-4)
    assert model.predict(Xc).get().tolist() == ref.predict(X).tolist()


def test_cupy_linear_models_fit_on_the_gpu_as_on_numpy(cupy: Any, iris: Any) -> None:
    X, y = regression_data(True)
    ref, model = LinearRegression().fit(X, y), LinearRegression()
    model.fit(cupy.asarray(X), cupy.asarray(y))
    assert isinstance(model.coef_, cupy.ndarray)
    np.testing.assert_allclose(model.coef_.get(), ref.coef_, rtol=1e-10, atol=1e-10)
    X, y = iris
    ref = LogisticRegression(solver="newton").fit(X, y)
    model = LogisticRegression(solver="newton")
    model.fit(cupy.asarray(X), cupy.asarray(y))
    np.testing.assert_allclose(model.coef_.get(), ref.coef_, atol=1e-10)
    assert model.predict(cupy.asarray(X)).get().tolist() == ref.predict(X).tolist()
