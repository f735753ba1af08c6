"""The project's hostile-input corpus through the API: no 500, no traceback or server path in any
answer, no injection, and 503/504 only where documented.

The default run sends every entry to the cheap `diff` endpoint. The slow run (`-m slow`) sends
every entry to every endpoint and the injections to every parameter, with a short time limit,
and prints each endpoint's tally of statuses. (GET and POST read the same parameters.)
"""

from __future__ import annotations

import importlib.util
import json
import re
import secrets
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import client_for

from calcml.interfaces.reports import REPORTS
from calcml.interfaces.web.app import create_app
from calcml.interfaces.web.settings import LaneSettings, ServerSettings

DATA = Path(__file__).parents[2] / "data"
ENTRIES = [json.loads(line) for line in (DATA / "hostile_inputs.jsonl").read_text().splitlines()
           if line.strip()]  # fmt: skip
#: where the inputs described in `note` (deep nesting, long input) are generated
_spec = importlib.util.spec_from_file_location(
    "calcml_hostile_corpus", Path(__file__).parents[2] / "symbolic" / "test_hostile.py")
_corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_corpus)
GENERATED: dict[str, str] = _corpus.GENERATED

#: what never appears in an answer: a traceback, or where the server's files are
PRIVATE = ["Traceback", 'File "', str(Path(__file__).resolve().parents[3]), sys.prefix,
           str(Path.home())]  # fmt: skip
#: answers a hostile input may get: bad input, too large, no answer; 503/504/507 are documented
#: for load and limits, and the default run expects none of them
EXPECTED = {200, 400, 413, 414, 422}
LIMITS = {503, 504, 507}


def filled(entry: dict, tmp_path: Path) -> tuple[str, Path, str]:
    """The entry's input with its placeholders filled; the marker path; the canary's token."""
    marker = tmp_path / f"pwned_{entry['id']}"
    token = secrets.token_hex(16)
    canary = tmp_path / f"canary_{entry['id']}"
    canary.write_text(token)
    text = GENERATED.get(entry["id"], entry["input"])
    return text.replace("{MARKER}", str(marker)).replace("{CANARY}", str(canary)), marker, token


def check(answer, marker: Path, token: str, allowed: set[int]) -> None:
    """One answer is safe: an allowed status, JSON, nothing private, no injection."""
    assert answer.status_code in allowed, answer.text[:300]
    body = answer.json()
    assert isinstance(body, dict)
    if answer.status_code >= 400:
        assert body["error"] and "\n" not in body["error"]
    assert not any(private in answer.text for private in PRIVATE), answer.text[:300]
    assert token not in answer.text
    assert not marker.exists(), "the input ran code"


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["id"] for e in ENTRIES])
def test_the_corpus_through_the_derivative_endpoint(client, entry, tmp_path):
    text, marker, token = filled(entry, tmp_path)
    check(client.post("/api/diff", json={"expr": text}), marker, token, EXPECTED)


SWEEP = ServerSettings(time_limit=2.0, memory_limit_mib=512,
                       cheap=LaneSettings(workers=1, queue=4, wait=30.0),
                       slow=LaneSettings(workers=1, queue=4, wait=30.0))  # fmt: skip
#: the parameters the reports read besides `expr`; injections go into each of them
OTHER_PARAMS = ["wrt", "n", "at", "xmin", "xmax", "ymin", "ymax", "vars", "steps", "momentum",
                "a", "b", "x", "from", "to", "start", "seed", "seconds", "order", "on",
                "numeric", "nmax", "method", "lr", "kind", "family", "data", "answer",
                "C", "mu", "sigma", "pdf", "cdf", "sf", "moment"]  # fmt: skip
#: injections tried in every parameter: running a command, writing a file, reading one
EVERY_PARAMETER = ("inje001", "inje007", "inje021")


@pytest.fixture(scope="module")
def sweep_client():
    with client_for(create_app(SWEEP)) as test_client:
        yield test_client


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(REPORTS))
def test_the_corpus_through_every_endpoint(sweep_client, name, tmp_path, capsys):
    """Every entry as `expr` (POST), every injection in every parameter at once, and three
    injections in each parameter alone; 504 (the 2 s limit here) is documented, 503 is not
    (requests go one at a time), 500 never. An endpoint that reads no `expr` (its answer to
    a broken one is not a parse error) gets only the injections, in its other parameters."""
    base = _required(sweep_client, name)
    probe = sweep_client.post(f"/api/{name}", json=base | {"expr": "sin(x"})
    reads_expr = "column" in probe.json()  # it parsed the broken expr
    tally: Counter = Counter()
    problems: list[str] = []
    for entry in ENTRIES:
        text, marker, token = filled(entry, tmp_path)
        for params in _variants(entry, text, reads_expr):
            answer = sweep_client.post(f"/api/{name}", json=base | params)
            tally[answer.status_code] += 1
            try:
                check(answer, marker, token, EXPECTED | LIMITS - {503})
            except AssertionError as failure:
                problems.append(f"{entry['id']} {sorted(params)[:3]}: "
                                f"{str(failure).splitlines()[0][:160]}")  # fmt: skip
    with capsys.disabled():
        counts = ", ".join(f"{status}: {n}" for status, n in sorted(tally.items()))
        reads = f" with {base}" if base else ""
        reads += "" if reads_expr else " (reads no expr: injections only)"
        print(f"\n/api/{name}{reads}: {counts}", *problems, sep="\n  ")
    assert not problems, f"{len(problems)} unsafe answers from /api/{name}"


#: a valid value for each parameter an endpoint may require besides `expr`
VALID = {"at": "1", "answer": "x", "on": "-1,2", "from": "0", "to": "1", "wrt": "x"}


def _required(client, name: str) -> dict[str, str]:
    """Valid values for the parameters the endpoint requires (learnt from its 'missing
    parameter' errors), so that the hostile `expr` reaches the parser."""
    base: dict[str, str] = {}
    for _ in range(6):
        error = client.post(f"/api/{name}", json=base | {"expr": "x^2"}).json().get("error", "")
        missing = re.match(r"missing parameter '(\w+)'", error)
        if missing is None:
            return base
        base[missing.group(1)] = VALID.get(missing.group(1), "1")
    return base


def _variants(entry: dict, text: str, reads_expr: bool) -> list[dict[str, str]]:
    """The entry as `expr`; an injection also in every parameter at once, and (three of them)
    in each parameter alone (beside a valid `expr` where the endpoint reads one)."""
    if entry["category"] != "injection":
        return [{"expr": text}] if reads_expr else []
    variants = [{param: text for param in ["expr", *OTHER_PARAMS]}]
    if reads_expr:
        variants.append({"expr": text})
    if entry["id"] in EVERY_PARAMETER:
        valid = {"expr": "x^2"} if reads_expr else {}
        variants += [valid | {param: text} for param in OTHER_PARAMS]
    return variants
