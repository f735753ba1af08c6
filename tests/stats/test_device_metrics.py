"""The device (array API) path of ROC AUC and the ROC curve: run on NumPy through
array-api-compat everywhere, on CuPy where a GPU is present (skipped otherwise); both equal the
in-memory results exactly, ties included."""

from fractions import Fraction

import numpy as np
import pytest

pytest.importorskip("array_api_compat")

from calcml.stats import _device_metrics, metrics, tallies


def gpu():
    """CuPy, or skip: no CuPy installed, or no GPU it can use."""
    cupy = pytest.importorskip("cupy")
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            pytest.skip("no GPU")
    except cupy.cuda.runtime.CUDARuntimeError:
        pytest.skip("no GPU")
    return cupy


def data(seed: int, n: int, levels: int | None) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(np.int8)
    s = rng.standard_normal(n) + y
    return y, (s if levels is None else np.round(s * levels) / levels)


@pytest.mark.parametrize("levels", [None, 10, 1])
def test_array_api_path_on_numpy_equals_in_memory(levels):
    y, s = data(0, 3000, levels)
    assert _device_metrics.roc_auc_score(y, s) == metrics.roc_auc_score(y, s)
    for got, want in zip(_device_metrics.tally(y, s, None), tallies.tally(s, y == 1, None),
                         strict=True):  # fmt: skip
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


def test_array_api_path_equals_brute_force():
    y, s = data(1, 400, 3)
    pos, neg = s[y == 1][:, None], s[y == 0][None, :]
    twice_u = 2 * np.count_nonzero(pos > neg) + np.count_nonzero(pos == neg)
    exact = Fraction(int(twice_u), 2 * pos.size * neg.size)
    assert _device_metrics.roc_auc_score(y, s) == float(exact)


@pytest.mark.parametrize(
    ("y", "s", "message"),
    [
        ([1, 1, 1], [0.1, 0.2, 0.3], "only one class"),
        ([0, 1, 2], [0.1, 0.2, 0.3], "more than two distinct labels"),
        ([0, 1, 0], [0.1, np.inf, 0.3], "NaN or infinity"),
        ([0, 1], [0.1, 0.2, 0.3], "different lengths"),
    ],
)
def test_array_api_path_errors(y, s, message):
    with pytest.raises(ValueError, match=message):
        _device_metrics.roc_auc_score(np.array(y), np.array(s))


@pytest.mark.parametrize("levels", [None, 100])
def test_cupy_auc_and_curve_equal_in_memory(levels):
    cupy = gpu()
    y, s = data(2, 200_000, levels)
    y_gpu, s_gpu = cupy.asarray(y), cupy.asarray(s)
    assert metrics.roc_auc_score(y_gpu, s_gpu) == metrics.roc_auc_score(y, s)
    for got, want in zip(metrics.roc_curve(y_gpu, s_gpu), metrics.roc_curve(y, s), strict=True):
        np.testing.assert_array_equal(got, want)



@pytest.mark.parametrize("kind", ["bool", "pm1_float", "uint8"])
def test_array_api_path_label_kinds(kind):
    y, s = data(3, 2000, 20)
    labels = {"bool": y == 1, "pm1_float": 2.0 * y - 1, "uint8": (y * 7).astype(np.uint8)}[kind]
    assert _device_metrics.roc_auc_score(labels, s) == metrics.roc_auc_score(labels, s)
    positive = labels.max()
    got = _device_metrics.tally(labels, s, positive)
    for a, b in zip(got, tallies.tally(s, labels == positive, None), strict=True):
        np.testing.assert_array_equal(a, b)
