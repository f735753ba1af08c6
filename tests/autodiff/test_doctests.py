"""The examples in calcml.autodiff's docstrings run (CI collects tests/ only)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["__init__", "anomaly", "arithmetic", "check", "elementwise", "engine", "explain",
           "functional", "graph", "nnops", "ops", "tensor"]  # fmt: skip


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module("calcml.autodiff" + ("" if name == "__init__" else f".{name}"))
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags, verbose=False)
    assert result.failed == 0
