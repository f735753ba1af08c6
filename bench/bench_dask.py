"""Data larger than memory with Dask: exact ROC AUC, and logistic regression, on a LocalCluster.

    pip install "dask[array]" distributed
    python bench/bench_dask.py auc [--n 1000000000] [--chunk 5000000] [--check-n 10000000]
    python bench/bench_dask.py logistic [--rows 20000000] [--features 20] [--persist]

Both run on a LocalCluster of 2 single-threaded workers inside this process (processes=False),
so the process's peak resident memory (getrusage's ru_maxrss) counts the workers too.

auc: y ~ Bernoulli(0.3), score = N(0, 1) + y (float64, so the scores are distinct), generated
chunk by chunk by Dask's random generator: the data never exists whole, and each pass over it
regenerates its chunks (or, with --disk, they are written once to .npy files that each pass
reads; the files are left for the caller to delete). First the same recipe at --check-n is
computed both ways (Dask, and the in-memory function on the materialized arrays) and must agree
exactly; then --n with Dask only.

logistic: X ~ N(0, 1) of shape (rows, features), P(y = 1) = sigmoid(X w + 0.3), fitted by
calcml's LogisticRegression on the Dask arrays (Newton's method, one pass per iteration, each
pass regenerating X, or with --persist reading it from the workers' memory). The reference is
Newton's method in NumPy on the materialized arrays in one piece (no chunks); the script prints
the largest coefficient difference and the gradient at the Dask optimum, computed in memory.
"""

from __future__ import annotations

import argparse
import math
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

try:
    import calcml  # noqa: F401
except ImportError:  # running from a checkout without an install
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import dask
import dask.array as da
import distributed
from distributed import Client, LocalCluster

from calcml.ml.linear import LogisticRegression
from calcml.stats import _dask_metrics
from calcml.stats.metrics import roc_auc_score


def peak_gib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def auc_data(n: int, chunk: int, seed: int) -> tuple[da.Array, da.Array]:
    rng = da.random.default_rng(seed)
    y = (rng.random(n, chunks=chunk) < 0.3).astype(np.int8)
    return y, rng.standard_normal(n, chunks=chunk) + y


def on_disk(y: da.Array, s: da.Array, folder: Path) -> tuple[da.Array, da.Array]:
    """Write the chunks to one .npy file each (one generation pass) and read them back lazily:
    data larger than memory usually lives on disk, and each pass then re-reads it."""
    from dask import delayed

    def save(yb: np.ndarray, sb: np.ndarray, block_id: tuple[int] = (0,)) -> np.ndarray:
        np.save(folder / f"y{block_id[0]}.npy", yb)
        np.save(folder / f"s{block_id[0]}.npy", sb)
        return np.zeros(1, np.int8)

    da.map_blocks(save, y, s, chunks=(1,), dtype=np.int8).compute()
    load = delayed(np.load, pure=True)
    return tuple(  # type: ignore[return-value]
        da.concatenate([da.from_delayed(load(folder / f"{name}{i}.npy"), (size,), a.dtype)
                        for i, size in enumerate(a.chunks[0])])
        for name, a in (("y", y), ("s", s))
    )  # fmt: skip


def bench_auc(args: argparse.Namespace) -> None:
    if args.check_n:
        y, s = auc_data(args.check_n, min(args.chunk, args.check_n), args.seed + 1)
        start = time.perf_counter()
        lazy = roc_auc_score(y, s)
        took = time.perf_counter() - start
        y_mem, s_mem = dask.compute(y, s)
        start = time.perf_counter()
        eager = roc_auc_score(y_mem, s_mem)
        print(f"check n={args.check_n:.0e}: Dask {lazy!r} in {took:.1f} s, in memory {eager!r} "
              f"in {time.perf_counter() - start:.1f} s: {'equal' if lazy == eager else 'DIFFER'}")
        del y_mem, s_mem
        if lazy != eager:
            raise SystemExit(1)
    y, s = auc_data(args.n, args.chunk, args.seed)
    if args.disk:
        start = time.perf_counter()
        y, s = on_disk(y, s, Path(tempfile.mkdtemp(prefix="bench-dask-", dir=args.disk)))
        print(f"generated n={args.n:.0e} chunk by chunk into .npy files in "
              f"{time.perf_counter() - start:.1f} s; peak memory {peak_gib():.2f} GiB")
    groups = len(_dask_metrics.plan(s, _dask_metrics.MAX_GROUP))
    start = time.perf_counter()
    value = roc_auc_score(y, s)
    took = time.perf_counter() - start
    population = 0.5 * math.erfc(-0.5)  # P(N(1,1) > N(0,1)) = Phi(1/sqrt(2))
    print(f"auc n={args.n:.0e} ({s.numblocks[0]} chunks, {groups} score groups = passes): "
          f"{value!r} in {took:.1f} s ({args.n / took / 1e6:.1f} M scores/s); "
          f"population AUC {population:.6f}; peak memory {peak_gib():.2f} GiB")


def logistic_data(rows: int, features: int, chunk: int, seed: int) -> tuple[da.Array, da.Array]:
    rng = da.random.default_rng(seed)
    X = rng.standard_normal((rows, features), chunks=(chunk, features))
    w = np.linspace(-1.0, 1.0, features)
    p = 1 / (1 + da.exp(-(X @ w + 0.3)))
    return X, (rng.random(rows, chunks=chunk) < p).astype(np.int8)


def numpy_newton(X: np.ndarray, y: np.ndarray, C: float, tol: float = 1e-10
                 ) -> tuple[np.ndarray, int]:  # fmt: skip
    """Newton's method on mean log-loss + ||w||^2 / (2 C n), intercept last, in one piece."""
    theta = np.zeros(X.shape[1] + 1)
    for it in range(1, 51):
        grad, hess = gradient_hessian(X, y, theta, C)
        if np.max(np.abs(grad)) < tol:
            return theta, it
        theta = theta - np.linalg.solve(hess, grad)
    return theta, it


def gradient_hessian(X: np.ndarray, y: np.ndarray, theta: np.ndarray, C: float
                     ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    n, d = X.shape
    w, b = theta[:d], theta[d]
    p = 1 / (1 + np.exp(-(X @ w + b)))
    r, s = p - y, p * (1 - p)
    grad = np.append(X.T @ r / n + w / (C * n), r.sum() / n)
    Xs = X * s[:, None]
    hess = np.empty((d + 1, d + 1))
    hess[:d, :d] = X.T @ Xs / n + np.eye(d) / (C * n)
    hess[:d, d] = hess[d, :d] = Xs.sum(axis=0) / n
    hess[d, d] = s.sum() / n
    return grad, hess


def bench_logistic(args: argparse.Namespace, client: Client) -> None:
    X, y = logistic_data(args.rows, args.features, args.chunk, args.seed)
    if args.persist:  # held by the workers: each Newton pass then reads instead of generating
        start = time.perf_counter()
        X, y = client.persist([X, y])
        distributed.wait([X, y])
        print(f"generated and persisted on the workers in {time.perf_counter() - start:.1f} s")
    model = LogisticRegression(C=args.C)
    start = time.perf_counter()
    model.fit(X, y, client=client)
    took = time.perf_counter() - start
    print(f"logistic {args.rows:.0e} x {args.features} ({X.numblocks[0]} chunks): Dask Newton "
          f"{model.n_iter_} iterations in {took:.1f} s; peak memory {peak_gib():.2f} GiB")
    X_mem, y_mem = dask.compute(X, y)
    del X, y  # the workers drop their persisted chunks
    start = time.perf_counter()
    theta, iterations = numpy_newton(X_mem, y_mem.astype(np.float64), args.C)
    took = time.perf_counter() - start
    dask_theta = np.append(model.coef_[0], model.intercept_)
    grad, _ = gradient_hessian(X_mem, y_mem.astype(np.float64), dask_theta, args.C)
    diff = float(np.max(np.abs(dask_theta - theta)))
    print(f"in-memory NumPy Newton: {iterations} iterations in {took:.1f} s; largest coefficient "
          f"difference {diff:.2e} ({'within' if diff <= 1e-6 else 'OVER'} 1e-6); gradient at "
          f"the Dask optimum, in memory: {np.max(np.abs(grad)):.1e}; "
          f"peak memory with the reference {peak_gib():.2f} GiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task", choices=["auc", "logistic"])
    parser.add_argument("--n", type=float, default=1e9)
    parser.add_argument("--check-n", type=float, default=1e7)
    parser.add_argument("--rows", type=float, default=2e7)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--chunk", type=float, default=None)
    parser.add_argument("--C", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--persist", action="store_true",
                        help="logistic: hold X on the workers (else each pass regenerates it)")
    parser.add_argument("--disk", default=None,
                        help="auc: write the generated chunks under this folder first, then "
                        "read them in each pass (else each pass regenerates them)")
    args = parser.parse_args()
    args.n, args.check_n, args.rows = int(args.n), int(args.check_n), int(args.rows)
    args.chunk = int(args.chunk or (5e6 if args.task == "auc" else 5e5))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=":0") as cluster, Client(cluster) as client:  # fmt: skip
        if args.task == "auc":
            bench_auc(args)
        else:
            bench_logistic(args, client)


if __name__ == "__main__":
    main()
