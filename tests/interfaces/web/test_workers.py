"""The worker pools under pressure: a worker past its deadline is killed and replaced, one past its
memory limit fails alone, a full lane answers 503 at once, and cheap work never waits for slow."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import web_fixture_reports
from conftest import client_for

from calcml.interfaces.web.app import create_app
from calcml.interfaces.web.settings import LaneSettings, ServerSettings

SETTINGS = ServerSettings(time_limit=1.5, memory_limit_mib=256,
                          cheap=LaneSettings(workers=1, queue=2, wait=1.0),
                          slow=LaneSettings(workers=1, queue=1, wait=0.3))  # fmt: skip


@pytest.fixture(scope="module")
def client():
    with client_for(create_app(SETTINGS, web_fixture_reports.REPORTS)) as test_client:
        yield test_client


def alive(pid: int) -> bool:
    """A process that exists and is not a zombie, by /proc."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_a_worker_past_its_deadline_is_killed_and_the_lane_keeps_serving(client, tmp_path):
    pidfile = tmp_path / "pid"
    start = time.perf_counter()
    answer = client.get("/api/sleeper", params={"pidfile": str(pidfile), "seconds": "60"})
    waited = time.perf_counter() - start
    assert answer.status_code == 504
    assert answer.json()["limit"] == "time" and "1.5 s" in answer.json()["error"]
    assert waited < 10, "the client was answered when the limit passed, not when the task ended"
    killed = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while alive(killed) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(killed)
    after = client.get("/api/slow_pid")
    assert after.status_code == 200 and after.json()["pid"] != killed


def test_a_computation_past_the_memory_limit_gets_507_and_the_lane_keeps_serving(client):
    answer = client.get("/api/hog", params={"mib": "2048"})
    assert answer.status_code == 507
    assert answer.json()["limit"] == "memory" and "256 MiB" in answer.json()["error"]
    assert client.get("/api/hog", params={"mib": "16"}).json()["bytes"] == 16 * 2**20


def test_a_full_lane_answers_503_at_once_while_the_cheap_lane_answers(client, tmp_path):
    def sleep(i: int):
        start = time.perf_counter()
        answer = client.get("/api/sleeper", params={"pidfile": str(tmp_path / f"p{i}"),
                                                    "seconds": "1.0"})  # fmt: skip
        return answer, time.perf_counter() - start

    with ThreadPoolExecutor(4) as pool:
        slow = [pool.submit(sleep, i) for i in range(4)]
        time.sleep(0.2)  # the slow lane is now full: one running, one waiting, two refused
        start = time.perf_counter()
        cheap = client.get("/api/pid")
        cheap_seconds = time.perf_counter() - start
        results = [future.result() for future in slow]
    assert cheap.status_code == 200 and cheap_seconds < 1.0
    statuses = sorted(answer.status_code for answer, _ in results)
    assert statuses.count(200) >= 1 and 503 in statuses and set(statuses) <= {200, 503}
    for answer, seconds in results:
        if answer.status_code == 503:
            assert answer.headers["retry-after"].isdigit()
            assert answer.json()["lane"] == "slow"
            assert seconds < 0.3 + 0.7, "refused at once (or after the lane's short wait)"


def test_a_worker_that_vanishes_mid_task_gets_507_and_is_replaced(client):
    answer = client.get("/api/dies")
    assert answer.status_code == 507 and answer.json()["limit"] == "memory"
    assert "most likely" in answer.json()["error"]  # the server cannot know it was memory
    assert client.get("/api/slow_pid").status_code == 200


def test_a_worker_killed_while_idle_does_not_break_its_lane(client):
    idle = client.get("/api/pid").json()["pid"]
    os.kill(idle, signal.SIGKILL)
    time.sleep(0.5)  # the pool notices the dead worker
    for _ in range(3):
        answer = client.get("/api/pid")
        assert answer.status_code == 200 and answer.json()["pid"] != idle
