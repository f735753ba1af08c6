"""Two pools of warm worker processes, one per lane, each computation with a deadline.

Why processes: a report evaluates text typed by anyone who can reach the server. A computation
that runs past the time limit is stopped by killing its worker (pebble starts a fresh one), and
one that asks for more memory than the worker's RLIMIT_AS allows fails there; either way the
server process stays small and alive.

Why two lanes: "cheap" reports (derivatives) and "slow" ones (integrals) have separate pools, so a
derivative never queues behind integrals. Each lane admits at most `workers + queue` requests;
beyond that, or after waiting `wait` seconds for a free worker, the answer is 503 at once.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import json
import math
import multiprocessing
import os
import resource
import signal
import warnings
from collections.abc import Callable, Mapping
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from pebble import ProcessExpired, ProcessPool

from calcml.interfaces.output import jsonable  # the very cleaning `--json` applies
from calcml.interfaces.web.errors import busy_error, classify, memory_error, time_error
from calcml.interfaces.web.settings import LaneSettings, ServerSettings

#: imported once in the fork server, so every worker starts warm and shares these pages with the
#: others (NumPy and SciPy, which the integrals need, are most of a worker's memory)
PRELOAD = ["numpy", "scipy.integrate", "scipy.optimize", "scipy.special",
           "calcml.interfaces.reports", "calcml.symbolic.parse", "calcml.symbolic.diff",
           "calcml.symbolic.definite", "calcml.interfaces.web.workers"]  # fmt: skip
#: one BLAS/OpenMP thread per worker: the pools are the parallelism
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
STARTUP_SECONDS = 120.0

Build = Callable[[Mapping[str, str]], dict[str, Any]]


@dataclass(frozen=True)
class Outcome:
    """An HTTP answer: status, JSON text, and Retry-After seconds for a 503."""

    status: int
    body: str
    retry_after: int | None = None
    log: str | None = None


def init_worker(memory_mib: int, niceness: int = 0) -> None:
    """Run once in each new worker: ignore Ctrl-C (the server stops us), yield the CPU to the
    cheap lane when `niceness` > 0, warm up, cap memory."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # NumPy's overflow warnings on hostile input would flood the server's log, one per request
    warnings.simplefilter("ignore", RuntimeWarning)
    if niceness:
        os.nice(niceness)
    _warm_up()
    _limit_memory(memory_mib)
    gc.collect()
    gc.freeze()  # the collector no longer writes into the pages shared with the fork server
    global _warm_rss
    _warm_rss = _resident()


#: tiny requests each worker answers before its first real one: they build the parser and load
#: what the reports import on first use, so a fresh worker is as large as one that has served
WARM_UP = [("diff", {"expr": "sin(x)*x^2"}),
           ("integrate", {"expr": "x*exp(x)", "from": "0", "to": "1"})]  # fmt: skip


def _warm_up() -> None:
    from calcml.interfaces.reports import REPORTS

    for name, params in WARM_UP:
        if name in REPORTS:
            with suppress(Exception):  # best effort: a worker that cannot warm up still serves
                REPORTS[name].build(params)


def _limit_memory(memory_mib: int) -> None:
    """Let the address space grow by at most `memory_mib` MiB beyond the warm worker's own."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + memory_mib * 2**20
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _address_space() -> int:
    """This process's virtual memory size in bytes (VmSize in /proc/self/status)."""
    return _status_bytes("VmSize:")


def _resident() -> int:
    """This process's resident memory in bytes (VmRSS)."""
    return _status_bytes("VmRSS:")


def _status_bytes(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    return 0


#: the worker's resident memory once warm; after a task that left it much larger, the freed
#: memory is handed back to the system, so an idle server returns near its starting size
_warm_rss = 0
GROWTH_TO_TRIM = 8 * 2**20


def _give_back_memory() -> None:
    if _resident() - _warm_rss < GROWTH_TO_TRIM:
        return
    gc.collect()
    with suppress(OSError, AttributeError):  # not glibc: the allocator keeps what it keeps
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def compute(build: Build, params: dict[str, str], memory_mib: int) -> tuple[int, str, str | None]:
    """Run one report in a worker: (status, JSON text, text for the server log or None).

    The JSON is the report's dict cleaned exactly as `calcml CMD --json` cleans it; an error is
    classified here, because calcml's exceptions need not survive pickling back to the server.
    """
    try:
        return 200, json.dumps(jsonable(build(params)), ensure_ascii=False), None
    except Exception as exc:
        status, body, log = classify(exc, memory_mib)
        return status, json.dumps(body, ensure_ascii=False), log
    finally:
        _give_back_memory()


def ping() -> int:
    """A no-op task that starts a pool and proves a worker answers."""
    return os.getpid()


class Lane:
    """One pool with bounded admission: at most `workers` running and `queue` waiting."""

    def __init__(self, name: str, lane: LaneSettings, settings: ServerSettings,
                 context: Any) -> None:  # fmt: skip
        self.name = name
        self.settings = settings
        self.lane = lane
        self._context = context
        self.pool = self._new_pool()
        self._free = asyncio.Semaphore(lane.workers)
        self._waiting = 0
        self._replacing = asyncio.Lock()
        self.retry_after = 1 if name == "cheap" else max(1, math.ceil(settings.time_limit))

    def _new_pool(self) -> ProcessPool:
        return ProcessPool(max_workers=self.lane.workers,
                           max_tasks=self.settings.max_tasks_per_worker,
                           initializer=init_worker,
                           initargs=(self.settings.memory_limit_mib, self.lane.niceness),
                           context=self._context)  # fmt: skip

    async def start(self) -> None:
        """Start the workers and wait until one answers."""
        await asyncio.wait_for(asyncio.wrap_future(self.pool.schedule(ping)), STARTUP_SECONDS)

    async def run(self, build: Build, params: dict[str, str]) -> Outcome:
        """Compute `build(params)` in a worker, or say why not (503, 504, 507)."""
        if self._free.locked() and self._waiting >= self.lane.queue:
            return self._busy()
        self._waiting += 1
        try:
            if not await _acquire(self._free, self.lane.wait):
                return self._busy()
        finally:
            self._waiting -= 1
        try:
            return await self._compute(build, params)
        finally:
            self._free.release()

    async def _compute(self, build: Build, params: dict[str, str]) -> Outcome:
        mib = self.settings.memory_limit_mib
        args, limit = (build, params, mib), self.settings.time_limit
        try:
            future = self.pool.schedule(compute, args=args, timeout=limit)
        except RuntimeError:  # the pool broke (a worker died while idle): start a fresh one
            await self._replace_pool()
            future = self.pool.schedule(compute, args=args, timeout=limit)
        try:
            status, body, log = await asyncio.wrap_future(future)
        except FutureTimeout:
            status, error = time_error(limit)
            return Outcome(status, json.dumps(error))
        except ProcessExpired as exc:
            status, error = memory_error(mib, died=True)
            return Outcome(status, json.dumps(error), log=f"worker stopped: {exc}")
        except BrokenProcessPool as exc:  # this task's worker broke the whole pool
            await self._replace_pool()
            busy = self._busy()
            return Outcome(busy.status, busy.body, retry_after=1, log=f"pool restarted: {exc!r}")
        return Outcome(status, body, log=log)

    async def _replace_pool(self) -> None:
        """Swap in a fresh pool (once, however many requests notice the broken one)."""
        broken = self.pool
        async with self._replacing:
            if self.pool is broken:
                self.pool = self._new_pool()
                await asyncio.to_thread(_stop_pool, broken)

    def _busy(self) -> Outcome:
        status, error = busy_error(self.name)
        return Outcome(status, json.dumps(error), retry_after=self.retry_after)

    def stop(self) -> None:
        """Stop every worker now (running tasks are abandoned) and wait for them to exit."""
        _stop_pool(self.pool)


def _stop_pool(pool: ProcessPool) -> None:
    pool.stop()
    pool.join(timeout=10)


async def _acquire(semaphore: asyncio.Semaphore, seconds: float) -> bool:
    """Acquire within `seconds`, or give up holding nothing (even if it came free as we gave up)."""
    task = asyncio.ensure_future(semaphore.acquire())
    try:
        await asyncio.wait_for(asyncio.shield(task), seconds)
        return True
    except BaseException as exc:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
        if not task.cancelled():
            semaphore.release()
        if isinstance(exc, TimeoutError):
            return False
        raise


class Lanes:
    """The cheap and the slow lane, started and stopped together."""

    def __init__(self, settings: ServerSettings) -> None:
        for variable in THREAD_VARIABLES:
            os.environ.setdefault(variable, "1")
        context = multiprocessing.get_context(settings.start_method)
        if settings.start_method == "forkserver":
            context.set_forkserver_preload(PRELOAD)
        self.lanes = {"cheap": Lane("cheap", settings.cheap, settings, context),
                      "slow": Lane("slow", settings.slow, settings, context)}  # fmt: skip

    async def start(self) -> None:
        await asyncio.gather(*(lane.start() for lane in self.lanes.values()))

    async def run(self, lane: str, build: Build, params: dict[str, str]) -> Outcome:
        return await self.lanes[lane].run(build, params)

    def stop(self) -> None:
        for lane in self.lanes.values():
            lane.stop()
