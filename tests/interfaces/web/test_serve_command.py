"""`calcml serve`: what it prints and how it starts uvicorn (uvicorn itself replaced by a stub),
and, as a slow test, the real server stopped by SIGINT as Ctrl-C stops it."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
import uvicorn
from click.testing import CliRunner
from conftest import load_bench

from calcml.interfaces.cli import main


@pytest.fixture
def started(monkeypatch):
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    return calls


def test_serve_prints_its_url_and_binds_loopback_by_default(started):
    out = CliRunner().invoke(main, ["serve", "--port", "8123"])
    assert out.exit_code == 0
    assert "http://127.0.0.1:8123/" in out.stdout and not out.stderr
    (_, options), = started
    assert options["host"] == "127.0.0.1" and options["port"] == 8123


def test_serve_warns_when_other_machines_can_reach_it(started):
    out = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0"])
    assert out.exit_code == 0
    assert "warning" in out.stderr and "other machines" in out.stderr
    assert "http://127.0.0.1:8000/" in out.stdout


def test_serve_is_listed_in_the_help():
    assert "serve" in CliRunner().invoke(main, ["--help"]).output


@pytest.mark.slow
def test_the_real_server_answers_and_stops_cleanly_on_sigint(tmp_path):
    serve = load_bench()
    port = serve.free_port()
    server = serve.start_server(port, 1, 5.0, tmp_path / "log")
    try:
        serve.wait_ready(port, server)
        status, body = serve.request(port, "GET", "/api/diff?expr=x%5E2")
        assert status == 200 and b'"2*x"' in body
        family = serve.tree(server.pid)
        assert len(family) >= 3  # the server, the fork server, workers
    finally:
        server.send_signal(signal.SIGINT)
        code = server.wait(30)
    assert code == 0
    assert "Traceback" not in (tmp_path / "log").read_text()
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in family) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(serve._stat(pid) for pid in family)

