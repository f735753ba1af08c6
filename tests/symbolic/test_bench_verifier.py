"""The integration benchmark's verifier (bench/rubi_check.py) on tiny hand-made problems.

It must accept right answers, reject wrong ones, including answers wrong only for x < 0 (which a
check on (0.1, 0.9) alone passes), judge only where the integrand is real, fall back to complex
points when the integrand is real nowhere, and measure size against Rubi's answer.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("sympy")
pytest.importorskip("mpmath")

_PATH = Path(__file__).parent.parent.parent / "bench" / "rubi_check.py"
_SPEC = importlib.util.spec_from_file_location("rubi_check", _PATH)
assert _SPEC is not None and _SPEC.loader is not None
rubi_check = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(rubi_check)


def _rec(integrand: str, antiderivative: str = "", params: tuple[str, ...] = ()) -> dict:
    return {"id": integrand, "integrand": integrand, "var": "x", "params": list(params),
            "antiderivative": antiderivative}  # fmt: skip


@pytest.mark.parametrize(
    ("integrand", "answer", "verdict"),
    [
        ("abs(x)", "x*abs(x)/2", "ok"),
        ("abs(x)", "x**2/2", "wrong"),  # right on (0.1, 0.9), wrong for every x < 0
        ("1/x", "log(x)", "ok"),
        ("1/x", "log(abs(x))", "ok"),
        ("1/x", "log(x) + x/1000", "wrong"),
        ("1/sqrt(x - 2)", "2*sqrt(x - 2)", "ok"),  # real only for x > 2
        ("1/sqrt(x - 2)", "2*sqrt(x - 2)*1001/1000", "wrong"),
        ("1/sqrt(1 - x**2)", "asin(x)", "ok"),  # real only on (-1, 1)
        ("1/sqrt(1 - x**2)", "-asin(x)", "wrong"),
        ("I*x", "I*x**2/2", "ok"),  # real nowhere: complex points
        ("I*x", "I*x**2", "wrong"),
        ("x**a", "x**(a + 1)/(a + 1)", "ok"),
        ("x**a", "x**(a + 1)/a", "wrong"),
    ],
)
def test_verdicts(integrand: str, answer: str, verdict: str) -> None:
    params = ("a",) if "a" in integrand else ()
    assert rubi_check.check(_rec(integrand, params=params), answer)[0] == verdict


def test_log_answers_on_both_sides_of_the_pole() -> None:
    """log(x - 2) is complex for x < 2 yet its derivative is the integrand there: both pass."""
    rec = _rec("1/(x - 2)")
    assert rubi_check.check(rec, "log(abs(x - 2))")[0] == "ok"
    assert rubi_check.check(rec, "log(x - 2)")[0] == "ok"


def test_size_ratio_against_rubi() -> None:
    rec = _rec("2*x", "x**2")
    assert rubi_check.check(rec, "x**2")[1] == 1.0
    bloated = rubi_check.check(rec, "x**2 + sin(x)**2 + cos(x)**2")
    assert bloated[0] == "ok" and bloated[1] > 2


@pytest.mark.parametrize(
    ("integrand", "antiderivative"),
    [
        ("abs(x)", "x*abs(x)/2"),
        ("1/sqrt(x - 2)", "2*sqrt(x - 2)"),
        ("log(x)", "x*log(x) - x"),
        ("exp(x)*sin(x)", "exp(x)*(sin(x) - cos(x))/2"),
    ],
)
def test_controls_pass_rubi_and_reject_both_planted_errors(integrand: str, antiderivative: str):
    assert rubi_check.controls(_rec(integrand, antiderivative)) == ("ok", 2)
