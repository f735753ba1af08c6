"""Time calcml's roc_auc_score against scikit-learn's on the reference data recipe.

    .venv/bin/pip install scikit-learn
    .venv/bin/python bench/bench_auc.py [--repeats 5] [--sizes 100000 1000000 10000000]

Data (tests/data/auc_reference.json, meta.recipe): ~30% positives, score = sigmoid(N(0, 1) + y),
optionally rounded to 2 or 3 decimals to put the scores on a grid (many ties). Both functions
run on the same arrays in the same process; each time is the median of --repeats calls. The
values must agree to 1e-12 (sklearn integrates the ROC curve in floating point, calcml counts
the Mann-Whitney U exactly, so the last digit may differ).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

try:
    import calcml.stats.metrics as calcml_metrics
except ImportError:  # running from a checkout without an install
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import calcml.stats.metrics as calcml_metrics

from sklearn import metrics as sklearn_metrics

DECIMALS = (None, 3, 2)


def make_data(seed: int, n: int, decimals: int | None) -> tuple[np.ndarray, np.ndarray]:
    """The reference recipe (numpy Generator, PCG64)."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(np.int8)
    z = rng.standard_normal(n) + 1.0 * y
    s = 1 / (1 + np.exp(-z))
    if decimals is not None:
        s = np.round(s, decimals)
    return y, s


def median_time(function: Callable[[], float], repeats: int) -> tuple[float, float]:
    """Median wall time of `repeats` calls, and the value returned."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10**5, 10**6, 10**7])
    args = parser.parse_args()

    header = f"{'n':>10} {'scores':>10} {'calcml s':>10} {'sklearn s':>10} {'ratio':>7}  auc"
    print(header)
    print("-" * (len(header) + 22))
    agree = True
    for n in args.sizes:
        for decimals in DECIMALS:
            y, s = make_data(0, n, decimals)
            ours, ours_value = median_time(
                partial(calcml_metrics.roc_auc_score, y, s), args.repeats
            )
            theirs, theirs_value = median_time(
                partial(sklearn_metrics.roc_auc_score, y, s), args.repeats
            )
            ok = abs(ours_value - theirs_value) <= 1e-12 * theirs_value
            agree &= ok
            kind = "continuous" if decimals is None else f"{decimals} dec"
            print(
                f"{n:>10} {kind:>10} {ours:>10.4f} {theirs:>10.4f} {theirs / ours:>6.1f}x  "
                f"{ours_value!r} vs {theirs_value!r}{'' if ok else '  MISMATCH'}"
            )
    print(f"ratio = sklearn time / calcml time (median of {args.repeats} calls)")
    sys.exit(0 if agree else 1)


if __name__ == "__main__":
    main()
