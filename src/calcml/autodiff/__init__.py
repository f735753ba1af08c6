"""calcml.autodiff: reverse-mode automatic differentiation over NumPy arrays (and the arrays of
other array-API namespaces: CuPy on a GPU).

`Tensor` records the operations made on it; `backward()` fills `.grad`. On top of it, functional
transforms take and return plain arrays (`grad`, `value_and_grad`, `vjp`, `jvp`, `jacobian`,
`hessian`, `hvp`), `check_grads` compares them with finite differences, `detect_anomaly` finds
the first NaN, and `explain` shows the chain rule step by step.

>>> import numpy as np, calcml as cm
>>> from calcml.autodiff import grad
>>> round(grad(lambda x: cm.sin(x) * x)(0.5), 6)
0.918217

Modules, lowest first; each imports only modules to its left (and `calcml.core`):

    namespaces → tensor → graph → anomaly → ops → indexing → elementwise → elementwise_xp
    → arithmetic → engine → contract → matrix → decompositions → shapes → norms → nnops
    → numpy_ops → linalg → functional → check → explain → numpy_api

- namespaces: which array namespace holds an array (NumPy's fast path asks one dict lookup),
  moving data between host and device, the few array functions rules need in any namespace,
  and the guard `numpy_only` for the operations written for NumPy alone.
- tensor: `Tensor`, its graph record `Op`, the creation counter; imports only namespaces.
- graph: the result makers (`const`, `unary`, `binary`, `nary`) and the `no_grad` switch.
- anomaly: `detect_anomaly`; it hands its forward check to graph when it switches the mode on.
- ops: structural operations and `unbroadcast`; indexing: `x[index]` and `scatter`;
  elementwise/arithmetic: operators, registry functions (elementwise_xp: their kernels on other
  namespaces); engine: `backward`; then the NumPy-named operations, the functional transforms,
  the checks and `explain`.

Late binding, the one mechanism: a method of `Tensor` that needs a later module (`t + u`,
`t.sum()`, `t.backward()`, `calcml.sin(t)`) is installed onto `Tensor` by that module when it
is imported, next to its rules (tensor.py lists which module installs what). This package
imports all of them below, so every method is in place once `calcml.autodiff` is imported.
"""

# Imported for what they install on Tensor (see above), lowest first.
from calcml.autodiff import arithmetic as _arithmetic  # noqa: F401
from calcml.autodiff import engine as _engine  # noqa: F401
from calcml.autodiff import graph as _graph  # noqa: F401
from calcml.autodiff import indexing as _indexing  # noqa: F401
from calcml.autodiff import numpy_ops as _numpy_ops  # noqa: F401
from calcml.autodiff import ops as _ops  # noqa: F401
from calcml.autodiff.anomaly import AnomalyError, detect_anomaly
from calcml.autodiff.check import GradientCheckError, GradientReport, check_grads
from calcml.autodiff.engine import gradients, unbroadcast
from calcml.autodiff.explain import Explanation, explain, to_dot, trace
from calcml.autodiff.functional import grad, hessian, hvp, jacobian, jvp, value_and_grad, vjp
from calcml.autodiff.graph import no_grad
from calcml.autodiff.nnops import clip, log_softmax, logsumexp, maximum, minimum, softmax
from calcml.autodiff.numpy_api import *  # noqa: F403 - NumPy's names, listed there
from calcml.autodiff.numpy_api import __all__ as _numpy_names
from calcml.autodiff.ops import broadcast_to, concatenate, stack, where
from calcml.autodiff.tensor import Tensor, tensor

__all__ = [
    "AnomalyError",
    "Explanation",
    "GradientCheckError",
    "GradientReport",
    "Tensor",
    "broadcast_to",
    "check_grads",
    "clip",
    "concatenate",
    "detect_anomaly",
    "explain",
    "grad",
    "gradients",
    "hessian",
    "hvp",
    "jacobian",
    "jvp",
    "log_softmax",
    "logsumexp",
    "maximum",
    "minimum",
    "no_grad",
    "softmax",
    "stack",
    "tensor",
    "to_dot",
    "trace",
    "unbroadcast",
    "value_and_grad",
    "vjp",
    "where",
    *_numpy_names,
]
