"""Check my answer: is the user's derivative (or antiderivative) of f right?

A derivative is right when it equals f' at every sample point where f' is defined; an
antiderivative is right when *its* derivative equals f there, so answers that differ by a
constant (or by a different constant on each interval, as ln|x| + C may) are all right. The
points are fixed (41 spread over [-4.69, 4.91] plus four larger), so the verdict is reproducible;
"right" means "agrees at every one of these points", which the answer says in words.
"""

from __future__ import annotations

from typing import Any

from calcml.interfaces.reports.base import Params, mathml, report, steps_json, text

#: sample points: irregular, so a wrong answer that agrees at round numbers is still caught
POINTS = (*(round(-4.6863 + 0.24 * i, 6) for i in range(41)), -25.3, -9.1, 7.7, 31.9)
#: agreement: |answer - truth| <= ATOL + RTOL·|truth|
RTOL, ATOL = 1e-7, 1e-9
#: the words a user may write for what is checked
KINDS = {"derivative": "derivative", "diff": "derivative", "d": "derivative",
         "integral": "integral", "integrate": "integral", "antiderivative": "integral"}  # fmt: skip
#: names a user may write for the constant of integration (taken as 0)
CONSTANTS = ("C", "c", "K")


@report("check", "slow")
def check_report(params: Params) -> dict[str, Any]:
    """Whether `answer` is the derivative (`kind` = derivative) or an antiderivative
    (`kind` = integral) of `expr`; where it is not, a point where they differ, then the steps.

    >>> check_report({"kind": "integral", "expr": "2x", "answer": "x^2 + 5"})["correct"]
    True
    >>> r = check_report({"kind": "derivative", "expr": "x^3", "answer": "3x"})
    >>> r["correct"], r["counterexample"]["x"] == r["counterexample"]["at"]
    (False, True)
    """
    return run_check(params)[0]


def run_check(params: Params) -> tuple[dict[str, Any], Any]:
    """The check's JSON, and calcml's own steps (which the CLI prints as text)."""
    from calcml.symbolic.inputs import default_variable
    from calcml.symbolic.parse import parse

    kind = KINDS.get(text(params, "kind", "derivative").lower(), "")
    if not kind:
        raise ValueError(f"kind must be derivative or integral, got {params.get('kind')!r}")
    f = parse(text(params, "expr"))
    x = default_variable(f, params.get("wrt") or None)
    answer = _answer(parse(text(params, "answer")), x)
    truth, steps = _truth(kind, f, x)
    compared = answer if kind == "derivative" else _derivative(answer, x)
    target = truth if kind == "derivative" else f
    verdict = compare(compared, target, x)
    if kind == "integral" and verdict["correct"]:
        verdict = _defined_where(answer, f, x, verdict)
    out: dict[str, Any] = {
        "kind": kind, "input": str(f), "var": x.name, "answer": str(answer),
        "answer_mathml": mathml(answer.latex()), "expected": str(truth),
        "expected_mathml": mathml(truth.latex()), "correct": verdict["correct"],
        "points_checked": verdict["points"], "counterexample": verdict["counterexample"],
    }  # fmt: skip
    out["message"] = _message(kind, x.name, verdict)
    if kind == "integral" and verdict["correct"]:
        out["constant"] = _constant(answer, truth, x)
    if not verdict["correct"]:
        out["steps"] = steps_json(steps)
    return out, steps


def _answer(answer: Any, x: Any) -> Any:
    """The user's answer with a constant of integration (C) set to 0; other symbols refused."""
    others = sorted(s.name for s in answer.free_symbols if s != x)
    if any(name not in CONSTANTS for name in others):
        raise ValueError(f"the answer has variables other than {x.name}: {', '.join(others)}")
    return answer.subs({s: 0 for s in answer.free_symbols if s != x}) if others else answer


def _derivative(answer: Any, x: Any) -> Any:
    from calcml.symbolic.diff import diff

    return diff(answer, x)


def _truth(kind: str, f: Any, x: Any) -> tuple[Any, Any]:
    """calcml's own answer and its steps."""
    if kind == "derivative":
        from calcml.symbolic.diff import diff

        d = diff(f, x, steps=True)
        return d.result, d.steps
    from calcml.symbolic.definite import integrate

    r = integrate(f, x, steps=True)
    return r.exact, r.steps


def compare(candidate: Any, target: Any, x: Any) -> dict[str, Any]:
    """Evaluate both at POINTS; the first point where target is defined and they differ."""
    import numpy as np

    from calcml.core.evaluate import compile as compile_expr

    points = np.array(POINTS)
    with np.errstate(all="ignore"):
        got, want = (np.broadcast_to(np.asarray(v, dtype=np.float64), points.shape)
                     for v in compile_expr([candidate, target], [x])(points))  # fmt: skip
    defined = np.isfinite(want)
    differs = defined & ~(np.abs(got - want) <= ATOL + RTOL * np.abs(want))
    out: dict[str, Any] = {"correct": not differs.any() and bool(defined.any()),
                           "points": int(defined.sum()), "counterexample": None}  # fmt: skip
    if differs.any():
        i = int(np.flatnonzero(differs)[0])
        value = float(got[i])
        out["counterexample"] = {"at": POINTS[i], "x": POINTS[i],
                                 "answer": value if np.isfinite(value) else None,
                                 "expected": float(want[i])}  # fmt: skip
    return out


def _defined_where(answer: Any, f: Any, x: Any, verdict: dict[str, Any]) -> dict[str, Any]:
    """An antiderivative must exist wherever the integrand does (ln(x) is not one of 1/x on x < 0,
    though its derivative 1/x is)."""
    import numpy as np

    from calcml.core.evaluate import compile as compile_expr

    points = np.array(POINTS)
    with np.errstate(all="ignore"):
        F, y = (np.broadcast_to(np.asarray(v, dtype=np.float64), points.shape)
                for v in compile_expr([answer, f], [x])(points))  # fmt: skip
    missing = np.isfinite(y) & ~np.isfinite(F)
    if not missing.any():
        return verdict
    i = int(np.flatnonzero(missing)[0])
    return {**verdict, "correct": False, "undefined": True,
            "counterexample": {"at": POINTS[i], "x": POINTS[i], "answer": None,
                               "expected": float(y[i])}}  # fmt: skip


def _constant(answer: Any, truth: Any, x: Any) -> float | None:
    """answer − calcml's antiderivative at the first point where both are defined."""
    import numpy as np

    from calcml.core.evaluate import compile as compile_expr

    points = np.array(POINTS)
    with np.errstate(all="ignore"):
        diff = np.broadcast_to(np.asarray(compile_expr(answer - truth, [x])(points),
                                          dtype=np.float64), points.shape)  # fmt: skip
    finite = diff[np.isfinite(diff)]
    return float(finite[0]) if finite.size else None


def _message(kind: str, var: str, verdict: dict[str, Any]) -> str:
    what = "derivative" if kind == "derivative" else "antiderivative"
    n = verdict["points"]
    if verdict["correct"] and kind == "derivative":
        return f"right: your derivative equals calcml's at all {n} sample points where defined"
    if verdict["correct"]:
        return (f"right: the derivative of your answer equals the integrand at all {n} sample "
                "points where the integrand is defined (any constant may be added)")  # fmt: skip
    c = verdict["counterexample"]
    if c is None:
        return f"cannot tell: the expected {what} is not defined at any sample point"
    if verdict.get("undefined"):
        return (
            f"wrong: your answer is undefined at {var} = {c['at']:.6g}, where the integrand "
            f"is defined ({c['expected']:.12g}); an antiderivative must exist there too"
        )
    side = "your answer" if kind == "derivative" else "the derivative of your answer"
    truth = "calcml's derivative" if kind == "derivative" else "the integrand"
    got = "undefined" if c["answer"] is None else f"{c['answer']:.12g}"
    return f"wrong: at {var} = {c['at']:.6g}, {side} is {got} but {truth} is {c['expected']:.12g}"
