"""Real data sets without a download, scikit-learn's splits, standardization and mini-batches.

The four data sets scikit-learn bundles (breast cancer, iris, digits, diabetes) ship with calcml
as gzip CSVs (see `datasets/README.md` for their attribution), so loading needs no network and no
scikit-learn. `train_test_split` reproduces scikit-learn's `train_test_split` index for index
(the same `RandomState` draws, in the same order), stratified or not.

>>> ds = load_dataset("iris")
>>> ds.X.shape, ds.target_names
((150, 4), ('setosa', 'versicolor', 'virginica'))
>>> X_tr, X_te, y_tr, y_te = train_test_split(ds.X, ds.y, test_size=0.25, random_state=0,
...                                           stratify=ds.y)
>>> X_tr.shape, np.bincount(y_te).tolist()
((112, 4), [13, 13, 12])
>>> scaler = StandardScaler().fit(X_tr)
>>> bool(np.allclose(scaler.transform(X_tr).mean(axis=0), 0))
True
"""

from __future__ import annotations

import gzip
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np

from calcml.autodiff.namespaces import device_of, foreign

DATASETS: dict[str, dict[str, Any]] = {
    "breast_cancer": {"task": "classification", "target_names": ("malignant", "benign")},
    "iris": {"task": "classification", "target_names": ("setosa", "versicolor", "virginica")},
    "digits": {"task": "classification", "target_names": tuple(str(d) for d in range(10))},
    "diabetes": {"task": "regression", "target_names": ()},
}


@dataclass
class Dataset:
    """A loaded data set: features `X` (float64), targets `y`, and their names."""

    name: str
    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    target_names: tuple[str, ...] = ()
    task: str = "classification"
    meta: dict[str, Any] = field(default_factory=dict)

    def __iter__(self) -> Iterator[np.ndarray]:
        """`X, y = load_dataset(...)` works like scikit-learn's `return_X_y=True`."""
        return iter((self.X, self.y))


def load_dataset(name: str) -> Dataset:
    """Load one of `DATASETS` from the CSVs bundled with calcml.

    >>> load_dataset("breast_cancer").X.shape
    (569, 30)
    """
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose from {', '.join(DATASETS)}")
    info = DATASETS[key]
    raw = resources.files("calcml.ml.datasets").joinpath(f"{key}.csv.gz").read_bytes()
    lines = gzip.decompress(raw).decode().strip().splitlines()
    header = lines[0].split(",")
    table = np.array([[float(c) for c in row.split(",")] for row in lines[1:]], dtype=np.float64)
    X = np.ascontiguousarray(table[:, :-1])
    y = table[:, -1]
    if info["task"] == "classification":
        y = y.astype(np.int64)
    return Dataset(key, X, y, tuple(header[:-1]), info["target_names"], info["task"])


def load_breast_cancer() -> Dataset:
    """Breast Cancer Wisconsin (diagnostic): 569 x 30, target 0=malignant, 1=benign."""
    return load_dataset("breast_cancer")


def load_iris() -> Dataset:
    """Fisher's iris: 150 x 4, three classes."""
    return load_dataset("iris")


def load_digits() -> Dataset:
    """8x8 handwritten digits: 1797 x 64, pixel values 0..16, ten classes."""
    return load_dataset("digits")


def load_diabetes() -> Dataset:
    """Diabetes progression: 442 x 10 (scaled features as scikit-learn ships them)."""
    return load_dataset("diabetes")


# --- splitting ------------------------------------------------------------------------------


def _check_random_state(seed: Any) -> np.random.RandomState:
    if seed is None or seed is np.random:
        return np.random.mtrand._rand
    if isinstance(seed, np.random.RandomState):
        return seed
    return np.random.RandomState(int(seed))


def _split_sizes(n: int, test_size: float | int | None, train_size: float | int | None
                 ) -> tuple[int, int]:  # fmt: skip
    if test_size is None and train_size is None:
        test_size = 0.25
    if isinstance(test_size, float):
        n_test = math.ceil(test_size * n)
    elif test_size is not None:
        n_test = int(test_size)
    if isinstance(train_size, float):
        n_train = math.floor(train_size * n)
    elif train_size is not None:
        n_train = int(train_size)
    if train_size is None:
        n_train = n - n_test
    elif test_size is None:
        n_test = n - n_train
    if n_train <= 0 or n_test <= 0 or n_train + n_test > n:
        raise ValueError(f"cannot split {n} samples into {n_train} train and {n_test} test")
    return n_train, n_test


def _approximate_mode(class_counts: np.ndarray, n_draws: int, rng: np.random.RandomState
                      ) -> np.ndarray:  # fmt: skip
    """scikit-learn's `_approximate_mode`: per-class draws, ties broken with `rng`."""
    continuous = class_counts / class_counts.sum() * n_draws
    floored = np.floor(continuous)
    need_to_add = int(n_draws - floored.sum())
    if need_to_add > 0:
        remainder = continuous - floored
        for value in np.sort(np.unique(remainder))[::-1]:
            (inds,) = np.where(remainder == value)
            add_now = min(len(inds), need_to_add)
            inds = rng.choice(inds, size=add_now, replace=False)
            floored[inds] += 1
            need_to_add -= add_now
            if need_to_add == 0:
                break
    return floored.astype(int)


def split_indices(n: int, test_size: float | int | None = 0.25, *,
                  train_size: float | int | None = None, random_state: Any = None,
                  stratify: Any = None) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Train and test row indices exactly as scikit-learn's `train_test_split` draws them.

    Without `stratify` this is `ShuffleSplit`: one permutation, test rows first. With it, it is
    `StratifiedShuffleSplit`: per-class counts by `_approximate_mode`, one permutation per class
    (classes in sorted order), then both index lists permuted.

    >>> tr, te = split_indices(10, 0.3, random_state=0)
    >>> te.tolist()
    [2, 8, 4]
    """
    n_train, n_test = _split_sizes(n, test_size, train_size)
    rng = _check_random_state(random_state)
    if stratify is None:
        perm = rng.permutation(n)
        return perm[n_test : n_test + n_train], perm[:n_test]
    y = np.asarray(stratify)
    if y.ndim == 2:
        y = np.array([" ".join(row.astype("str")) for row in y])
    classes, y_indices = np.unique(y, return_inverse=True)
    class_counts = np.bincount(y_indices)
    if class_counts.min() < 2:
        raise ValueError("stratify needs at least 2 members in every class")
    if n_train < len(classes) or n_test < len(classes):
        raise ValueError("train and test parts must each hold at least one sample per class")
    class_indices = np.split(np.argsort(y_indices, kind="mergesort"),
                             np.cumsum(class_counts)[:-1])  # fmt: skip
    n_i = _approximate_mode(class_counts, n_train, rng)
    t_i = _approximate_mode(class_counts - n_i, n_test, rng)
    train: list[int] = []
    test: list[int] = []
    for i in range(len(classes)):
        permutation = rng.permutation(class_counts[i])
        members = class_indices[i].take(permutation, mode="clip")
        train.extend(members[: n_i[i]])
        test.extend(members[n_i[i] : n_i[i] + t_i[i]])
    return rng.permutation(train), rng.permutation(test)


def train_test_split(*arrays: Any, test_size: float | int | None = None,
                     train_size: float | int | None = None, random_state: Any = None,
                     shuffle: bool = True, stratify: Any = None) -> list[Any]:  # fmt: skip
    """scikit-learn's `train_test_split`: `a_train, a_test, b_train, b_test, ...`.

    >>> X = np.arange(20).reshape(10, 2); y = np.array([0, 1] * 5)
    >>> X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.4, random_state=1, stratify=y)
    >>> sorted(y_te.tolist())
    [0, 0, 1, 1]
    """
    if not arrays:
        raise ValueError("give at least one array")
    arrays_np = [np.asarray(a) for a in arrays]
    n = len(arrays_np[0])
    if any(len(a) != n for a in arrays_np):
        raise ValueError("all arrays must have the same number of rows")
    if not shuffle:
        if stratify is not None:
            raise ValueError("stratified splitting needs shuffle=True")
        n_train, n_test = _split_sizes(n, test_size, train_size)
        train, test = np.arange(n_train), np.arange(n_train, n_train + n_test)
    else:
        if test_size is None and train_size is None:
            test_size = 0.25
        train, test = split_indices(n, test_size, train_size=train_size,
                                    random_state=random_state, stratify=stratify)  # fmt: skip
    out: list[Any] = []
    for a in arrays_np:
        out.extend([a[train], a[test]])
    return out


# --- scaling and batches --------------------------------------------------------------------


class StandardScaler:
    """Centre and scale each column with the training part's mean and population std (ddof=0);
    columns with zero variance keep scale 1, as in scikit-learn.

    >>> s = StandardScaler().fit(np.array([[1.0, 5.0], [3.0, 5.0]]))
    >>> s.mean_.tolist(), s.scale_.tolist()
    ([2.0, 5.0], [1.0, 1.0])
    """

    def __init__(self, with_mean: bool = True, with_std: bool = True) -> None:
        self.with_mean = with_mean
        self.with_std = with_std

    def fit(self, X: Any) -> StandardScaler:
        X = np.asarray(X, dtype=np.float64)
        self.mean_ = X.mean(axis=0) if self.with_mean else np.zeros(X.shape[1])
        self.var_ = X.var(axis=0)
        scale = np.sqrt(self.var_)
        eps = np.finfo(np.float64).eps
        # scikit-learn's _handle_zeros_in_scale: (near-)constant columns are left unscaled
        tiny = scale < 10 * eps * np.maximum(np.abs(self.mean_), 1.0)
        scale[tiny] = 1.0
        self.scale_ = scale if self.with_std else np.ones(X.shape[1])
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X: Any) -> np.ndarray:
        return (np.asarray(X, dtype=np.float64) - self.mean_) / self.scale_

    def fit_transform(self, X: Any) -> np.ndarray:
        return self.fit(X).transform(X)

    def inverse_transform(self, Z: Any) -> np.ndarray:
        return np.asarray(Z, dtype=np.float64) * self.scale_ + self.mean_


def batches(*arrays: Any, batch_size: int = 32, shuffle: bool = True, seed: Any = None,
            drop_last: bool = False) -> Iterator[tuple[Any, ...]]:  # fmt: skip
    """Mini-batches of rows of the arrays, shuffled with a seeded generator.

    Arrays of another array-API namespace (CuPy) stay there: the permutation is drawn on the
    host with the same seeded generator (so the batches are the NumPy run's), copied to the
    device once per call as one index array, and each batch is a `take` of it there.

    >>> [b[0].tolist() for b in batches(np.arange(5), batch_size=2, shuffle=False)]
    [[0, 1], [2, 3], [4]]
    """
    if batch_size <= 0:
        raise ValueError("batch_size must be positive")
    xp = foreign(arrays[0]) if arrays else None
    arrays_np = [np.asarray(a) if xp is None else a for a in arrays]
    n = len(arrays_np[0]) if xp is None else arrays[0].shape[0]
    if shuffle:
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        order = rng.permutation(n)
    else:
        order = np.arange(n)
    stop = n - n % batch_size if drop_last else n
    if xp is not None:
        yield from _device_batches(xp, arrays_np, order if shuffle else None, batch_size, stop)
        return
    for start in range(0, stop, batch_size):
        idx = order[start : start + batch_size]
        yield tuple(a[idx] for a in arrays_np)


def _device_batches(xp: Any, arrays: list[Any], order: np.ndarray | None, size: int, stop: int
                    ) -> Iterator[tuple[Any, ...]]:  # fmt: skip
    """Batches of arrays of namespace `xp`: slices without a shuffle, else `take` by the
    permutation moved to the device once."""
    index = None if order is None else xp.asarray(order, device=device_of(arrays[0]))
    for start in range(0, stop, size):
        end = min(start + size, stop)
        if index is None:
            yield tuple(a[start:end, ...] for a in arrays)
        else:
            yield tuple(xp.take(a, index[start:end], axis=0) for a in arrays)
