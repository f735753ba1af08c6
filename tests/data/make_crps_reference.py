"""Regenerate crps_reference.json with the `scoringrules` package (not a calcml dependency).

Run with an interpreter that has scoringrules:  python tests/data/make_crps_reference.py
"""

import json
from pathlib import Path

import numpy as np
import scoringrules as sr

YS = [-2.3, -0.4, 0.1, 0.6, 1.7, 3.0]


def main():
    rows = []

    def add(family, params, fn):
        for y in YS:
            value = float(fn(y))
            if np.isfinite(value):  # scoringrules gives nan for y outside beta's [0, 1]
                rows.append({"family": family, "params": params, "y": y, "crps": value})

    add("normal", {"mu": 0.5, "sigma": 2.0}, lambda y: sr.crps_normal(y, 0.5, 2.0))
    add("logistic", {"mu": -1.0, "s": 0.7}, lambda y: sr.crps_logistic(y, -1.0, 0.7))
    add("laplace", {"mu": 1.0, "b": 0.5}, lambda y: sr.crps_laplace(y, 1.0, 0.5))
    add("exponential", {"lam": 1.5}, lambda y: sr.crps_exponential(y, 1.5))
    add("uniform", {"a": -1.0, "b": 2.0}, lambda y: sr.crps_uniform(y, -1.0, 2.0))
    add("gamma", {"k": 2.5, "theta": 0.8}, lambda y: sr.crps_gamma(y, 2.5, scale=0.8))
    add("beta", {"a": 2.0, "b": 3.5}, lambda y: sr.crps_beta(y, 2.0, 3.5))
    add("student_t", {"nu": 5.0, "mu": 0.5, "sigma": 2.0},
        lambda y: sr.crps_t(y, 5.0, 0.5, 2.0))
    rng = np.random.default_rng(11)
    ens = rng.normal(0.3, 1.2, (4, 25))
    obs = np.array([0.0, 1.0, -2.0, 0.4])
    ensemble = {"samples": ens.tolist(), "y": obs.tolist(),
                "crps": np.asarray(sr.crps_ensemble(obs, ens)).tolist()}
    meta = {"scoringrules": "0.10.0", "numpy": np.__version__,
            "generator": "tests/data/make_crps_reference.py"}
    out = Path(__file__).with_name("crps_reference.json")
    out.write_text(json.dumps({"meta": meta, "closed_forms": rows, "ensemble": ensemble},
                              indent=1))
    print(len(rows), "rows")


if __name__ == "__main__":
    main()
