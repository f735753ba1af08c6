"""Export scikit-learn's bundled data sets to `src/calcml/ml/datasets/*.csv.gz` (run once).

The files are scikit-learn's own (BSD-3-Clause; see `src/calcml/ml/datasets/README.md`); calcml
ships them so that loading needs neither a download nor scikit-learn at run time.

    .venv/bin/pip install scikit-learn
    .venv/bin/python bench/export_datasets.py

Values are written with `repr` so the float64 numbers round-trip exactly.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "src" / "calcml" / "ml" / "datasets"


def _cell(v: float) -> str:
    f = float(v)
    return str(int(f)) if f.is_integer() and abs(f) < 2**53 else repr(f)


def export(name: str, bunch: object) -> None:
    data = np.asarray(bunch.data, dtype=np.float64)  # type: ignore[attr-defined]
    target = np.asarray(bunch.target)  # type: ignore[attr-defined]
    names = [str(n).replace(",", ";") for n in getattr(bunch, "feature_names", [])]
    if not names:
        names = [f"x{i}" for i in range(data.shape[1])]
    lines = [",".join([*names, "target"])]
    for row, t in zip(data, target, strict=True):
        lines.append(",".join([*(_cell(v) for v in row), _cell(t)]))
    path = OUT / f"{name}.csv.gz"
    with gzip.GzipFile(path, "wb", mtime=0) as fh:  # mtime=0: reproducible bytes
        fh.write(("\n".join(lines) + "\n").encode())
    print(f"{path.name}: {data.shape}, {path.stat().st_size} bytes")


def main() -> None:
    from sklearn import datasets

    OUT.mkdir(parents=True, exist_ok=True)
    export("breast_cancer", datasets.load_breast_cancer())
    export("iris", datasets.load_iris())
    export("digits", datasets.load_digits())
    export("diabetes", datasets.load_diabetes())


if __name__ == "__main__":
    main()
