"""The real server under a bounded load on loopback (10 s; the flood variant is slow).

It drives `bench/bench_serve.py` for a short run and asserts what the issue asks: cheap requests
answer within 1 s at p99 or get a 503 at once, never a hang; no crash (no 500, the server exits
0 on SIGINT); no process of the server's tree left behind; memory back near its start.
"""

from __future__ import annotations

import pytest
from conftest import load_bench

from calcml.interfaces.reports import REPORTS


@pytest.mark.parametrize("polite", [
    pytest.param(True, id="polite clients"),
    pytest.param(False, id="a flood", marks=pytest.mark.slow),  # `make test-slow`
])  # fmt: skip
def test_the_server_stays_up_and_fast_for_cheap_work_under_load(polite, capsys):
    if "integrate" not in REPORTS:
        pytest.skip("the slow lane's load is the integrate report, not built here")
    serve = load_bench()
    figures = serve.load(seconds=10, clients=50, workers=2, time_limit=5.0, polite=polite)
    with capsys.disabled():
        print("\n" + serve.report(figures))
    assert figures["hangs"] == 0 and figures["connection_errors"] == 0
    assert figures["status_500"] == 0 and not figures["injected"]
    assert figures["counts"]["cheap"].get("200", 0) > 0
    assert figures["cheap_p99_s"] < 1.0
    assert figures["cheap_503_max_s"] is None or figures["cheap_503_max_s"] < 1.0
    assert figures["server_exit_code"] == 0
    assert figures["processes_left"] == []
    assert figures["pss_end_mib"] < 1.25 * figures["pss_start_mib"]
    assert figures["cheap_after_load"][0] == 200
