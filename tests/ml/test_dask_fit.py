"""Linear, ridge and logistic regression fitted on Dask arrays (on a two-worker LocalCluster)
reach the in-memory optimum: the closed form of NumPy's least squares, and the optimum of the
in-memory Newton solver whose Hessian comes from autodiff (a separate computation)."""

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")

from calcml.ml.linear import LinearRegression, LogisticRegression, Ridge  # noqa: E402


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as c:  # fmt: skip
        yield c


def regression_data(seed: int = 0, n: int = 4000, d: int = 6):
    """Features with unequal scales and far-from-zero means (centring matters), a linear
    target with noise."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * rng.uniform(0.5, 3, d) + rng.uniform(-50, 50, d)
    y = X @ rng.standard_normal(d) + 4.0 + 0.3 * rng.standard_normal(n)
    return X, y


def classification_data(seed: int = 1, n: int = 5000, d: int = 5):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * rng.uniform(0.5, 2, d) + rng.uniform(-3, 3, d)
    z = (X - X.mean(0)) @ rng.standard_normal(d) - 0.5
    y = np.where(rng.random(n) < 1 / (1 + np.exp(-z)), "yes", "no")
    return X, y


@pytest.mark.parametrize(
    "make", [LinearRegression, lambda: Ridge(alpha=30.0), lambda: LinearRegression(False)]
)
def test_linear_models_equal_in_memory(client, make):
    X, y = regression_data()
    want, got = make(), make()
    want.fit(X, y)
    lazy = da.from_array(X, chunks=(700, 4)), da.from_array(y, chunks=900)
    history = got.fit(*lazy, client=client)
    np.testing.assert_allclose(got.coef_, want.coef_, rtol=0, atol=1e-9)
    assert got.intercept_ == pytest.approx(want.intercept_, abs=1e-8)
    assert history[-1] == pytest.approx(want.loss_history_[-1], rel=1e-8)


@pytest.mark.parametrize(("C", "fit_intercept"), [(1.0, True), (0.01, True), (5.0, False)])
def test_logistic_reaches_in_memory_newton_optimum(client, C, fit_intercept):
    X, y = classification_data()
    want = LogisticRegression(C=C, solver="newton", fit_intercept=fit_intercept)
    want.fit(X, y)
    got = LogisticRegression(C=C, fit_intercept=fit_intercept)
    got.fit(da.from_array(X, chunks=(600, 5)), da.from_array(y, chunks=600), client=client)
    np.testing.assert_allclose(got.coef_, want.coef_, rtol=0, atol=1e-8)
    np.testing.assert_allclose(got.intercept_, want.intercept_, rtol=0, atol=1e-8)
    assert list(got.classes_) == ["no", "yes"]
    assert got.objective(X, y) <= want.objective(X, y) + 1e-14
    assert got.n_iter_ < 15  # Newton: a handful of passes over the data


def test_logistic_newton_gradient_vanishes_by_finite_differences(client):
    """The optimum is one: central differences of the in-memory objective are ~0 there."""
    X, y = classification_data(seed=5, n=2000, d=3)
    model = LogisticRegression(C=0.5)
    model.fit(da.from_array(X, chunks=(500, 3)), da.from_array(y, chunks=500), client=client)
    coef, h = model.coef_.copy(), 1e-5
    for j in range(coef.size):
        model.coef_ = coef.copy()
        model.coef_[0, j] += h
        up = model.objective(X, y)
        model.coef_[0, j] -= 2 * h
        down = model.objective(X, y)
        assert abs(up - down) / (2 * h) < 1e-8
    model.coef_ = coef


def test_default_scheduler_without_client():
    X, y = classification_data(n=1500)
    want = LogisticRegression(solver="newton").fit(X, y)
    with dask.config.set(scheduler="threads"):
        got = LogisticRegression().fit(da.from_array(X, chunks=(400, 5)), y)
    np.testing.assert_allclose(got.coef_, want.coef_, rtol=0, atol=1e-8)


def test_predictions_stay_lazy_for_dask(client):
    X, y = regression_data(n=1000)
    model = LinearRegression().fit(X, y)
    lazy = model.predict(da.from_array(X, chunks=(300, 6)))
    assert type(lazy).__module__.startswith("dask")
    np.testing.assert_allclose(lazy.compute(), model.predict(X), rtol=1e-13)


def test_unsupported_dask_fits_say_why(client):
    X = da.from_array(np.random.default_rng(0).standard_normal((30, 2)), chunks=(10, 2))
    with pytest.raises(ValueError, match="binary labels only"):
        LogisticRegression().fit(X, np.arange(30) % 3, client=client)
    with pytest.raises(ValueError, match="two classes"):
        LogisticRegression().fit(X, np.zeros(30), client=client)
    with pytest.raises(ValueError, match="normal equations"):
        LinearRegression(solver="gd").fit(X, np.zeros(30), client=client)
    with pytest.raises(ValueError, match="one value per row"):
        LinearRegression().fit(X, np.zeros(29), client=client)


@pytest.mark.slow
def test_logistic_on_worker_processes():
    """Workers in their own processes: the chunk functions travel by pickle."""
    X, y = classification_data(n=3000)
    want = LogisticRegression(solver="newton").fit(X, y)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as c:  # fmt: skip
        got = LogisticRegression().fit(da.from_array(X, chunks=(800, 5)), y, client=c)
    np.testing.assert_allclose(got.coef_, want.coef_, rtol=0, atol=1e-8)
