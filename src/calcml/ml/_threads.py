"""Run small dense linear algebra on one BLAS thread.

Training here multiplies small matrices thousands of times. OpenBLAS splits even these across
threads, and on a busy two-core machine (tests in parallel) the threads wait for each other: one
epoch of a digits MLP went from 0.06 s to 1.3 s. `one_blas_thread()` limits BLAS to one thread for
the duration of a fit, through threadpoolctl when installed, else through OpenBLAS's own
`*_set_num_threads` found among the loaded libraries; elsewhere it does nothing.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_openblas: list[tuple[Any, Any]] | None = None


def _find_openblas() -> list[tuple[Any, Any]]:
    found: list[tuple[Any, Any]] = []
    try:
        maps = Path("/proc/self/maps").read_text().splitlines()
    except OSError:
        return found
    paths = sorted({line.split()[-1] for line in maps if "openblas" in line.lower()
                    and line.split()[-1].startswith("/")})  # fmt: skip
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ("scipy_openblas", "openblas"):
            for suffix in ("64_", ""):
                setter = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                getter = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                if setter is not None and getter is not None:
                    getter.restype = ctypes.c_int
                    found.append((setter, getter))
                    break
            else:
                continue
            break
    return found


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Limit BLAS to one thread inside the block."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        threadpool_limits = None
    if threadpool_limits is not None:
        with threadpool_limits(limits=1, user_api="blas"):
            yield
        return
    global _openblas
    if _openblas is None:
        _openblas = _find_openblas()
    before = [getter() for _, getter in _openblas]
    for setter, _ in _openblas:
        setter(1)
    try:
        yield
    finally:
        for (setter, _), n in zip(_openblas, before, strict=True):
            setter(int(n))
