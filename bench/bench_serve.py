"""A bounded load test of `calcml serve` on loopback, with figures.

Run: `python bench/bench_serve.py [--seconds 30] [--clients 50] [--workers 2]`. It starts the real
server (`python -m calcml.interfaces.cli serve`) on 127.0.0.1 at a free port, and `--clients`
threads send requests for `--seconds`: cheap derivatives (55%), slow integrals that take seconds
(25%, more than the slow lane's workers can take, so that lane stays full), and entries of the
hostile-input corpus (20%). A client told 503 waits its Retry-After (with jitter), as a
well-behaved client does; with `--impolite` it asks again at once. Then it stops the server
with SIGINT, as Ctrl-C does.

It prints: p50/p99/max latency of cheap requests; the count of each status per kind (503 = lane
full, 504 = time limit); requests that hung (no answer in 30 s) or failed to connect; the memory
(PSS) of server + workers (from /proc) at start, at peak and after the load; the server's exit
code; and any process of the server's tree still alive afterwards. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
HANG_SECONDS = 30.0
CORPUS = Path(__file__).parents[1] / "tests" / "data" / "hostile_inputs.jsonl"
CHEAP = ["x^3*sin(x)", "exp(-x^2)*cos(3x)", "log(1+x^2)/x", "tanh(x)^2", "sqrt(1+sin(x)^2)",
         "x^x", "sigmoid(2x-1)", "atan(x/2)*x^5"]  # fmt: skip
#: integrals that keep a worker busy for about 1 to 5 s (the last may pass the time limit)
SLOW = ["x^3*sqrt(1+x^2)^7*log(x)^2", "sin(x)^7*cos(x)^6*tan(x)^5/(1+sin(x))",
        "x^5*sqrt(1+x^2)^9*log(x)^3"]  # fmt: skip


@dataclass
class Run:
    """What the load produced: one (kind, status, seconds) per request, and memory samples."""

    results: list[tuple[str, str, float]] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    seen: set[tuple[int, str]] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int, time_limit: float, log: Path) -> subprocess.Popen:
    """The real server, its output going to `log` (a pipe nobody reads would fill and block it)."""
    command = [sys.executable, "-m", "calcml.interfaces.cli", "serve", "--host", HOST,
               "--port", str(port), "--workers", str(workers), "--time-limit", str(time_limit)]
    with log.open("wb") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip


def request(port: int, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=HANG_SECONDS)
    try:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"content-type": "application/json"} if data else {}
        connection.request(method, path, body=data, headers=headers)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def wait_ready(port: int, server: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}")
        try:
            if request(port, "GET", "/api/diff?expr=x")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not answer")


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, start time) of a live, non-zombie process, from /proc/PID/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[1]), fields[19]) if fields[0] != "Z" else None


def tree(root: int) -> list[int]:
    """The root and every process below it (children, their children, ...)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            parents.setdefault(stat[0], []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def rss_kib(pids: list[int]) -> int:
    """The memory of these processes together: the sum of their PSS, which splits each page
    shared by forked workers among them (a sum of RSS would count it once per worker)."""
    return sum(_memory(pid, "Pss:") for pid in pids)


def _memory(pid: int, field: str) -> int:
    """A field of /proc/PID/smaps_rollup, in KiB."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def breakdown(root: int) -> list[str]:
    """Each process of the tree: its PSS and RSS, and what it is."""
    return [f"pid {pid}: PSS {_memory(pid, 'Pss:') // 1024} MiB, RSS "
            f"{_memory(pid, 'Rss:') // 1024} MiB, {_cmdline(pid)[:48]}"
            for pid in sorted(tree(root))]  # fmt: skip


def sample(server: subprocess.Popen, run: Run, stop: threading.Event) -> None:
    """Every 0.2 s: the tree's memory, and every process seen in it (to check it ends)."""
    while not stop.is_set():
        pids = tree(server.pid)
        with run.lock:
            run.rss_kib.append(rss_kib(pids))
            run.seen.update((pid, stat[1]) for pid in pids if (stat := _stat(pid)))
        stop.wait(0.2)


def hostile_requests(marker_dir: Path) -> list[tuple[str, dict]]:
    entries = [json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()]
    texts = [e["input"].replace("{MARKER}", str(marker_dir / "pwned"))
             .replace("{CANARY}", str(marker_dir / "canary")) for e in entries]  # fmt: skip
    return [(endpoint, {"expr": t}) for t in texts for endpoint in ("diff", "integrate")]


def client(port: int, until: float, seed: int, hostile: list, run: Run, polite: bool) -> None:
    rng = random.Random(seed)
    while time.monotonic() < until:
        draw = rng.random()
        if draw < 0.55:
            kind, endpoint, body = "cheap", "diff", {"expr": rng.choice(CHEAP), "steps": "1"}
        elif draw < 0.80:
            kind, endpoint, body = "slow", "integrate", {"expr": rng.choice(SLOW)}
        else:
            kind, (endpoint, body) = "hostile", rng.choice(hostile)
        start = time.perf_counter()
        retry = 0.0
        try:
            status, retry = _answer(port, endpoint, body)
        except TimeoutError:
            status = "hang"
        except OSError as exc:
            status = f"error:{type(exc).__name__}"
        with run.lock:
            run.results.append((kind, status, time.perf_counter() - start))
        if retry and polite:  # a polite client waits as told, with jitter, before its next request
            time.sleep(min(retry * rng.uniform(0.5, 1.5), max(0.0, until - time.monotonic())))


def _answer(port: int, endpoint: str, body: dict) -> tuple[str, float]:
    """(status, seconds to wait before the next request: Retry-After of a 503, else 0)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=HANG_SECONDS)
    try:
        connection.request("POST", f"/api/{endpoint}", body=json.dumps(body).encode(),
                           headers={"content-type": "application/json"})  # fmt: skip
        answer = connection.getresponse()
        answer.read()
        retry = answer.getheader("retry-after") if answer.status == 503 else None
        return str(answer.status), float(retry) if retry else 0.0
    finally:
        connection.close()


def load(seconds: float, clients: int, workers: int, time_limit: float,
         polite: bool = True) -> dict:  # fmt: skip
    """Run the load test; returns the figures (see the module's docstring)."""
    port = free_port()
    run, stop = Run(), threading.Event()
    with tempfile.TemporaryDirectory() as marker_dir:
        log = Path(marker_dir) / "server.log"
        server = start_server(port, workers, time_limit, log)
        try:
            wait_ready(port, server)
            if request(port, "GET", "/api/integrate?expr=x")[0] == 404:
                raise RuntimeError("the server has no integrate report to load the slow lane")
            time.sleep(1.0)
            start_rss, start_tree = rss_kib(tree(server.pid)), breakdown(server.pid)
            sampler = threading.Thread(target=sample, args=(server, run, stop), daemon=True)
            sampler.start()
            until = time.monotonic() + seconds
            hostile = hostile_requests(Path(marker_dir))
            threads = [threading.Thread(target=client, args=(port, until, i, hostile, run, polite))
                       for i in range(clients)]  # fmt: skip
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            time.sleep(3.0)  # let the last killed workers be replaced and caches settle
            end_rss, end_tree = rss_kib(tree(server.pid)), breakdown(server.pid)
            after_cheap = _timed(lambda: request(port, "POST", "/api/diff", {"expr": "x^2"}))
        finally:
            stop.set()
            exit_code = _stop(server)
        injected = (Path(marker_dir) / "pwned").exists()
        server_log = log.read_text(errors="replace")
    left = _left_behind(run.seen)
    figures = _figures(run, start_rss, end_rss, exit_code, left, injected, after_cheap,
                       dict(seconds=seconds, clients=clients, workers=workers,
                            time_limit=time_limit, polite=polite))  # fmt: skip
    figures["server_log_tail"] = server_log[-2000:]
    figures["processes_start"], figures["processes_end"] = start_tree, end_tree
    return figures


def _left_behind(seen: set[tuple[int, str]], grace: float = 10.0) -> list[str]:
    """Processes of the server's tree still alive `grace` seconds after it exited."""
    deadline = time.monotonic() + grace
    while True:
        left = [pid for pid, started in seen if (s := _stat(pid)) and s[1] == started]
        if not left or time.monotonic() > deadline:
            return [f"{pid}: {_cmdline(pid)}" for pid in sorted(left)]
        time.sleep(0.2)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
    except OSError:
        return "?"


def _timed(call) -> tuple[int, float]:
    start = time.perf_counter()
    status = call()[0]
    return status, time.perf_counter() - start


def _stop(server: subprocess.Popen) -> int | None:
    server.send_signal(signal.SIGINT)
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
        return None
    return server.returncode


def _figures(run: Run, start_rss: int, end_rss: int, exit_code: int | None, left: list[int],
             injected: bool, after_cheap: tuple[int, float], setup: dict) -> dict:  # fmt: skip
    counts: dict[str, dict[str, int]] = {}
    for kind, status, _ in run.results:
        counts.setdefault(kind, {}).setdefault(status, 0)
        counts[kind][status] += 1
    answered = sorted(t for k, s, t in run.results if k == "cheap" and s not in ("503", "hang"))
    refused = [t for k, s, t in run.results if k == "cheap" and s == "503"]
    statuses = [s for _, s, _ in run.results]
    return {
        "setup": setup,
        "requests": len(run.results),
        "counts": counts,
        "cheap_p50_s": _quantile(answered, 0.50),
        "cheap_p99_s": _quantile(answered, 0.99),
        "cheap_max_s": answered[-1] if answered else None,
        "cheap_503_max_s": max(refused) if refused else None,
        "status_503": statuses.count("503"),
        "status_504": statuses.count("504"),
        "status_500": statuses.count("500"),
        "hangs": statuses.count("hang"),
        "connection_errors": sum(s.startswith("error") for s in statuses),
        "pss_start_mib": start_rss / 1024,
        "pss_peak_mib": max(run.rss_kib, default=0) / 1024,
        "pss_end_mib": end_rss / 1024,
        "server_exit_code": exit_code,
        "processes_left": left,
        "injected": injected,
        "cheap_after_load": after_cheap,
    }


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def report(figures: dict) -> str:
    f = figures
    setup = ", ".join(f"{k}={v}" for k, v in f["setup"].items())
    kinds = [f"  {kind}: " + ", ".join(f"{s}: {n}" for s, n in sorted(c.items()))
             for kind, c in sorted(f["counts"].items())]  # fmt: skip
    lines = [
        f"calcml serve under load on 127.0.0.1: {setup}",
        f"requests: {f['requests']}",
        *kinds,
        f"cheap latency (answered): p50 {_ms(f['cheap_p50_s'])}, p99 {_ms(f['cheap_p99_s'])}, "
        f"max {_ms(f['cheap_max_s'])}; slowest cheap 503: {_ms(f['cheap_503_max_s'])}",
        f"503: {f['status_503']}, 504: {f['status_504']}, 500: {f['status_500']}, "
        f"hangs: {f['hangs']}, connection errors: {f['connection_errors']}",
        f"memory (PSS of server + workers): start {f['pss_start_mib']:.0f} MiB, "
        f"peak {f['pss_peak_mib']:.0f} MiB, after {f['pss_end_mib']:.0f} MiB",
        f"server exit code after SIGINT: {f['server_exit_code']}; "
        f"processes left: {f['processes_left'] or 'none'}; injection: {f['injected']}",
        f"a cheap request after the load: status {f['cheap_after_load'][0]} "
        f"in {_ms(f['cheap_after_load'][1])}",
        "processes at start:", *(f"  {p}" for p in f["processes_start"]),
        "processes after the load:", *(f"  {p}" for p in f["processes_end"]),
    ]
    return "\n".join(lines)


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=5.0)
    parser.add_argument("--impolite", action="store_true",
                        help="Clients ignore Retry-After and ask again at once (a flood).")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON too.")
    args = parser.parse_args()
    figures = load(args.seconds, args.clients, args.workers, args.time_limit, not args.impolite)
    print(report(figures))
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
