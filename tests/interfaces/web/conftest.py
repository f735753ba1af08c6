"""Fixtures for the web app: a small app per module, and test-only reports its workers can import.

The worker processes import a report's function by module name, so `web_fixture_reports` (beside
this file) goes on sys.path before any worker pool starts.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

HERE = Path(__file__).parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from calcml.interfaces.web.app import create_app  # noqa: E402
from calcml.interfaces.web.settings import LaneSettings, ServerSettings  # noqa: E402

#: one worker per lane; a deadline far above any corpus entry's cost (deep029, the slowest, takes
#: 0.3 s of CPU), so that only a real hang, not a busy shared machine, could end in 504
SMALL = ServerSettings(time_limit=10.0, memory_limit_mib=256,
                       cheap=LaneSettings(workers=1, queue=4, wait=2.0),
                       slow=LaneSettings(workers=1, queue=1, wait=0.5))  # fmt: skip


def client_for(app, host: str = "localhost") -> TestClient:
    """A TestClient whose requests carry an allowed Host header (TestClient's own is refused)."""
    return TestClient(app, base_url=f"http://{host}", raise_server_exceptions=False)


def load_bench():
    """bench/bench_serve.py, which starts the real server and measures it under load."""
    path = HERE.parents[2] / "bench" / "bench_serve.py"
    spec = importlib.util.spec_from_file_location("calcml_bench_serve", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def client() -> Iterator[TestClient]:
    """The real app, with every calcml report, on small pools."""
    with client_for(create_app(SMALL)) as test_client:
        yield test_client
