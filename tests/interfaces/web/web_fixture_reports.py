"""Reports that misbehave on purpose, for the server's tests (imported by worker processes).

Each one stands for a way a real report can fail: run past the deadline, exhaust memory, raise
one of calcml's errors, or hit a bug whose message holds a server path.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path

from calcml.core.errors import NoClosedFormError, VerificationError
from calcml.interfaces.reports import Report


def sleeper(params: Mapping[str, str]) -> dict:
    """Write this worker's pid to `pidfile`, then sleep `seconds`."""
    Path(params["pidfile"]).write_text(str(os.getpid()))
    time.sleep(float(params.get("seconds", "60")))
    return {"slept": params.get("seconds", "60")}


def hog(params: Mapping[str, str]) -> dict:
    """Allocate `mib` MiB and touch it."""
    block = bytearray(int(params.get("mib", "4096")) * 2**20)
    return {"bytes": len(block)}


def pid(params: Mapping[str, str]) -> dict:
    """This worker's pid."""
    return {"pid": os.getpid()}


def no_closed_form(params: Mapping[str, str]) -> dict:
    raise NoClosedFormError("no elementary antiderivative of exp(-x^2) was found")


def unverified(params: Mapping[str, str]) -> dict:
    raise VerificationError("the antiderivative differs from the integrand at x = 0.5")


def buggy(params: Mapping[str, str]) -> dict:
    """A bug: an exception whose message carries a server path."""
    raise KeyError(f"{Path(__file__).resolve()} has no entry {params.get('key')!r}")


def bad_json(params: Mapping[str, str]) -> dict:
    """A bug: a result that is not JSON."""
    return {"value": object()}


REPORTS = {name: Report(name, build, lane) for name, build, lane in [
    ("sleeper", sleeper, "slow"), ("hog", hog, "slow"), ("pid", pid, "cheap"),
    ("slow_pid", pid, "slow"), ("no_closed_form", no_closed_form, "slow"),
    ("unverified", unverified, "slow"), ("buggy", buggy, "cheap"), ("bad_json", bad_json, "cheap"),
]}  # fmt: skip


def dies(params: Mapping[str, str]) -> dict:
    """The worker vanishes mid-task, as when the kernel kills it for memory."""
    os.kill(os.getpid(), 9)
    return {}


REPORTS["dies"] = Report("dies", dies, "slow")
