"""Shared fixtures for the ml tests: the reference files of tests/data (see README_ml.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"


def load_reference(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text())


@pytest.fixture(scope="session")
def loss_ref() -> dict[str, Any]:
    return load_reference("loss_reference.json")


@pytest.fixture(scope="session")
def optim_ref() -> dict[str, Any]:
    return load_reference("optim_reference.json")


@pytest.fixture(scope="session")
def datasets_ref() -> dict[str, Any]:
    return load_reference("datasets_reference.json")
