"""ROC AUC of CuPy arrays on a GPU against the bare CuPy sort it is built on.

    python bench/bench_gpu_auc.py [--n 100000000] [--repeats 5]

Scores: y ~ Bernoulli(0.3), score = N(0, 1) + y in float64, generated on the GPU. The baseline
is `cupy.argsort(score)` alone (the floor for any AUC by sorting); calcml's `roc_auc_score`
adds the checks, the run counts and the exact 2U. Times are medians of --repeats calls, the
device synchronized around each. First, at 10^7 scores, the GPU result must equal the
in-memory (NumPy) one exactly.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

try:
    import calcml  # noqa: F401
except ImportError:  # running from a checkout without an install
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import cupy

from calcml.stats.metrics import roc_auc_score


def median_time(function: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats + 1):  # the first call warms up (kernel compilation)
        cupy.cuda.Device().synchronize()
        start = time.perf_counter()
        function()
        cupy.cuda.Device().synchronize()
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


def data(n: int, seed: int) -> tuple[cupy.ndarray, cupy.ndarray]:
    rng = cupy.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(cupy.int8)
    return y, rng.standard_normal(n) + y


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=float, default=1e8)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    y, s = data(10**7, 1)
    on_gpu, in_memory = roc_auc_score(y, s), roc_auc_score(y.get(), s.get())
    print(f"check n=1e7: GPU {on_gpu!r}, NumPy {in_memory!r}: "
          f"{'equal' if on_gpu == in_memory else 'DIFFER'}")
    y, s = data(int(args.n), 0)
    floor = median_time(lambda: cupy.argsort(s), args.repeats)
    ours = median_time(lambda: roc_auc_score(y, s), args.repeats)
    print(f"n={args.n:.0e} on {cupy.cuda.runtime.getDeviceProperties(0)['name'].decode()}: "
          f"cupy.argsort {floor * 1e3:.1f} ms, calcml roc_auc_score {ours * 1e3:.1f} ms, "
          f"ratio {ours / floor:.2f} (goal <= 2)")
    if on_gpu != in_memory:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
