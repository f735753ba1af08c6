"""NumPy, imported on first use by the modules a cold `calcml diff` loads.

Importing NumPy takes 0.1–0.2 s here, more than the rest of a small command together. The core
and the derivative check need it only for arrays, so they hold a stand-in that imports NumPy on
its first attribute access and then puts the real module in its place.
"""

from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    """Stands for module `name` under `alias` in `namespace` (a module's `globals()`)."""

    def __init__(self, name: str, namespace: dict[str, Any], alias: str) -> None:
        self._name, self._namespace, self._alias = name, namespace, alias

    def __getattr__(self, attr: str) -> Any:
        module = importlib.import_module(self._name)
        self._namespace[self._alias] = module  # later lookups of the name find the module itself
        return getattr(module, attr)
