"""calcml.ml: losses, penalties, optimizers, schedules, networks, models and data.

Everything is built on calcml's autodiff (`calcml.autodiff.Tensor`) and matches PyTorch and
scikit-learn where the mathematics is the same (see `tests/data/README_ml.md`). Submodules load
on first use, so `import calcml.ml` stays cheap.

Modules, lowest first; each imports only modules to its left: _devices, _tensor, _threads, data,
datasets, optim, plot, schedules, spline → _integral_penalties, descent, losses, nn, training →
_dask_fit, _device_fit, distributional, penalties, smoothness_demo → linear → mlp → models.
(_devices and _device_fit: what the models need to fit on arrays of another array-API
namespace, CuPy on a GPU.)

>>> import calcml.ml as ml
>>> r = ml.minimize("x^2 + y^2", [1.0, 2.0], method="gd", lr=0.25, steps=60)
>>> [round(v, 6) for v in r.x]
[0.0, 0.0]
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "minimize": "descent", "MinimizeResult": "descent",
    "SGD": "optim", "GradientDescent": "optim", "Adam": "optim", "AdamW": "optim",
    "Adagrad": "optim", "RMSprop": "optim", "Newton": "optim", "clip_grad_norm": "optim",
    "StepLR": "schedules", "ExponentialLR": "schedules", "CosineAnnealingLR": "schedules",
    "Module": "nn", "Parameter": "nn", "Linear": "nn", "Sequential": "nn", "MLP": "nn",
    "LinearRegression": "models", "Ridge": "models", "Lasso": "models",
    "LogisticRegression": "models", "MLPClassifier": "models", "MLPRegressor": "models",
    "load_dataset": "data", "train_test_split": "data", "StandardScaler": "data",
    "batches": "data", "SmoothingSpline": "spline",
    "DistributionalRegressor": "distributional",
}  # fmt: skip
_SUBMODULES = {"losses", "penalties", "optim", "schedules", "nn", "models", "data", "plot",
               "training", "linear", "mlp", "descent", "spline",
               "distributional"}  # fmt: skip

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"calcml.ml.{name}")
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"calcml.ml.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'calcml.ml' has no attribute {name!r}")
