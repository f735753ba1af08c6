"""Regenerate ranking_reference.json with scikit-learn (not a calcml dependency).

Run with an interpreter that has scikit-learn:  python tests/data/make_ranking_reference.py
"""

import json
from pathlib import Path

import numpy as np
import sklearn
from sklearn.metrics import average_precision_score, roc_auc_score


def probs(rng, n, k, ties):
    p = rng.dirichlet(np.ones(k), n)
    if ties:
        p = np.round(p, 1)
        p = p / p.sum(axis=1, keepdims=True)
    return p


def main():
    rng = np.random.default_rng(2026)
    cases = []
    for i in range(6):  # binary, partial AUC
        n = 40 + 10 * i
        y = rng.integers(0, 2, n)
        s = np.round(rng.normal(y * 0.8, 1), 1 if i % 2 else 3)  # ties on odd cases
        w = rng.uniform(0.1, 2, n) if i >= 3 else None
        for max_fpr in (0.1, 0.3, 0.5, 0.8, 1.0):
            cases.append({"fn": "roc_auc", "y_true": y.tolist(), "y_score": s.tolist(),
                          "sample_weight": None if w is None else w.tolist(),
                          "kwargs": {"max_fpr": max_fpr}})
        cases.append({"fn": "roc_auc", "y_true": [[v] for v in y.tolist()],
                      "y_score": [[v] for v in s.tolist()], "sample_weight": None,
                      "kwargs": {}})
    for i in range(6):  # multiclass
        n, k = 60 + 10 * i, 3 + i % 3
        y = rng.integers(0, k, n)
        y[:k] = np.arange(k)
        p = probs(rng, n, k, ties=i % 2 == 1)
        w = rng.uniform(0.1, 2, n) if i >= 3 else None
        for mc, avg in (("ovr", "macro"), ("ovr", "weighted"), ("ovr", "micro"), ("ovr", None),
                        ("ovo", "macro"), ("ovo", "weighted")):
            if mc == "ovo" and w is not None:
                continue
            cases.append({"fn": "roc_auc", "y_true": y.tolist(), "y_score": p.tolist(),
                          "sample_weight": None if w is None else w.tolist(),
                          "kwargs": {"multi_class": mc, "average": avg}})
        labels = list(range(k))
        cases.append({"fn": "roc_auc", "y_true": y.tolist(), "y_score": p.tolist(),
                      "sample_weight": None,
                      "kwargs": {"multi_class": "ovr", "labels": labels}})
        cases.append({"fn": "average_precision", "y_true": y.tolist(), "y_score": p.tolist(),
                      "sample_weight": None if w is None else w.tolist(),
                      "kwargs": {"average": "macro"}})
    for i in range(6):  # multilabel
        n, k = 50 + 5 * i, 2 + i % 4
        y = rng.integers(0, 2, (n, k))
        y[0], y[1] = 1, 0
        s = np.round(rng.normal(y * 0.7, 1), 1 if i % 2 else 4)
        w = rng.uniform(0.1, 2, n) if i >= 3 else None
        for avg in ("macro", "weighted", "micro", "samples", None):
            for fn in ("roc_auc", "average_precision"):
                if avg == "samples":
                    rows_ok = all(0 < r.sum() < k for r in y)
                    if not rows_ok:
                        continue
                cases.append({"fn": fn, "y_true": y.tolist(), "y_score": s.tolist(),
                              "sample_weight": None if w is None else w.tolist(),
                              "kwargs": {"average": avg}})
        cases.append({"fn": "roc_auc", "y_true": y.tolist(), "y_score": s.tolist(),
                      "sample_weight": None, "kwargs": {"max_fpr": 0.4}})
    for c in cases:
        f = roc_auc_score if c["fn"] == "roc_auc" else average_precision_score
        v = f(np.array(c["y_true"]), np.array(c["y_score"]), sample_weight=c["sample_weight"],
              **c["kwargs"])
        c["expected"] = np.asarray(v, dtype=float).tolist()
    meta = {"scikit-learn": sklearn.__version__, "numpy": np.__version__,
            "generator": "tests/data/make_ranking_reference.py (seed 2026)"}
    out = Path(__file__).with_name("ranking_reference.json")
    out.write_text(json.dumps({"meta": meta, "cases": cases}))
    print(len(cases), "cases")


if __name__ == "__main__":
    main()
