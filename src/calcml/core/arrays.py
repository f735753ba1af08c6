"""Which engine holds an array: NumPy, Dask (chunks, maybe on a cluster) or CuPy (a GPU).

calcml never imports Dask or CuPy to ask: an array's class names its package, so the NumPy path
pays one attribute lookup and the optional engines load only when their arrays arrive.

>>> import numpy as np
>>> is_dask(np.zeros(3)), is_cupy(np.zeros(3)), is_dask([1.0])
(False, False, False)
"""

from __future__ import annotations

from typing import Any


def _package(x: Any) -> str:
    return type(x).__module__.partition(".")[0]


def is_dask(x: Any) -> bool:
    """Whether `x` is a Dask collection (a `dask.array.Array`)."""
    return _package(x) == "dask"


def is_cupy(x: Any) -> bool:
    """Whether `x` is a CuPy array (its data on a GPU)."""
    return _package(x) == "cupy"


def compute(*collections: Any, client: Any = None) -> tuple[Any, ...]:
    """Compute Dask collections together, on `client` (a `dask.distributed.Client`) when given,
    else on Dask's default scheduler (the most recently created Client, if any).

    One call computes shared inputs once: the chunks two results both read are made once.
    """
    if client is not None:
        return tuple(client.gather(client.compute(list(collections))))
    import dask

    return dask.compute(*collections)
