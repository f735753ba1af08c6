"""calcml against SymPy on a stratified sample of the Rubi integration test suite.

    .venv/bin/python bench/bench_integrate.py [--n 150] [--limit 5] [--set free|params|all]
    .venv/bin/python bench/bench_integrate.py --suite textbook [--limit 10] [--unsolved]
    .venv/bin/python bench/bench_integrate.py --step-checks [--set all]   (cost of step checks)

Each system runs in its own worker process (imports paid once, outside the clock) with the same
per-problem limit (`--limit SECONDS`); a worker that overruns is killed and restarted. Every
answer is checked by differentiating it with SymPy and comparing with the integrand in mpmath
(30 digits, relative tolerance 1e-7) at points drawn from several intervals on both sides of 0,
only where the integrand is real and finite (complex points only when no real point exists;
parameters in (0.5, 2)), see `rubi_check.py`. The table gives, per chapter: solved (verified),
wrong, unsolved (including errors and unverifiable answers), timed out, the median time of a
solved problem, and the share of solved answers at most twice the size (leaf count) of Rubi's.
A third worker runs the verifier's controls: Rubi's own answers must pass, and two planted wrong
answers per problem (Rubi's times 1.001 plus x; Rubi's with its sign flipped) must be rejected.

`--suite textbook` runs the same comparison on the textbook integrals of the test suite
(`tests/data/textbook_integrals.jsonl`) instead; `--unsolved` lists, per system, the problems it
did not solve.

The sample lives in `bench/data/rubi_sample.jsonl` (Rubi 4.16 test suite, MIT licence, see
`bench/data/LICENSE.rubi-test-suite`); `--make-sample DIR` rebuilds it from the JSON Lines
conversion of the suite (one `*.jsonl.gz` per chapter), see `rubi_sample.py`. Apart from the
textbook file, the benchmark never reads anything else.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import re
import statistics
import threading
import time
from pathlib import Path
from typing import Any

from rubi_check import check, controls, sympy_env
from rubi_sample import SAMPLE, make_sample

TEXTBOOK = Path(__file__).parent.parent / "tests" / "data" / "textbook_integrals.jsonl"
CHAPTERS = {1: "algebraic", 2: "exponentials", 3: "logarithms", 4: "trig", 5: "inverse trig",
            6: "hyperbolic"}  # fmt: skip
NAMES = {**CHAPTERS, 0: "textbook"}  # table rows: the chapters, or the one textbook group

# --- Rubi syntax for calcml's parser --------------------------------------------------------------

_RECIPROCAL = {"coth": "tanh", "sech": "cosh", "csch": "sinh"}
_INVERSE = {"acot": "atan", "asec": "acos", "acsc": "asin", "acoth": "atanh", "asech": "acosh",
            "acsch": "asinh"}  # fmt: skip


def to_calcml_syntax(text: str) -> str:
    """`e` (a parameter in Rubi) becomes `e_`; coth, sech, acot, ... become what calcml has."""
    text = re.sub(r"(?<![A-Za-z_0-9])e(?![A-Za-z_0-9(])", "e_", text)
    for name in sorted({**_RECIPROCAL, **_INVERSE}, key=len, reverse=True):
        text = _rewrite_calls(text, name)
    return text


def _rewrite_calls(text: str, name: str) -> str:
    pattern = re.compile(rf"(?<![A-Za-z_0-9]){name}\(")
    while (m := pattern.search(text)) is not None:
        depth, i = 1, m.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        inner = text[m.end():i - 1]
        new = (f"(1/{_RECIPROCAL[name]}({inner}))" if name in _RECIPROCAL
               else f"{_INVERSE[name]}(1/({inner}))")  # fmt: skip
        text = text[:m.start()] + new + text[i:]
    return text


# --- workers --------------------------------------------------------------------------------------


def _calcml_locals(rec: dict[str, Any]) -> dict[str, Any]:
    import sympy

    env = sympy_env(rec)
    env.update({"e_": env.get("e", sympy.Symbol("e", positive=True)), "abs": sympy.Abs,
                "sign": sympy.sign, "heaviside": lambda t: sympy.Heaviside(t, 0),
                "sigmoid": lambda t: 1 / (1 + sympy.exp(-t)),
                "softplus": lambda t: sympy.log(1 + sympy.exp(t)),
                "relu": lambda t: sympy.Max(0, t)})  # fmt: skip
    return env


def _solve(system: str, rec: dict[str, Any], limit: float) -> tuple[str, Any]:
    if system == "calcml":
        from calcml.core.errors import BudgetExceeded, NoClosedFormError
        from calcml.symbolic.integrate import integrate_indefinite
        from calcml.symbolic.parse import parse

        try:
            f = parse(to_calcml_syntax(rec["integrand"]))
            return "solved", str(integrate_indefinite(f, rec["var"], seconds=limit * 0.95))
        except BudgetExceeded:
            return "timeout", None
        except NoClosedFormError:
            return "unsolved", None
        except Exception as exc:  # a crash counts as unsolved, and is named
            return "error", f"{type(exc).__name__}: {exc}"[:200]
    import sympy

    env = sympy_env(rec)
    try:
        f = sympy.parse_expr(rec["integrand"], local_dict=env)
        answer = sympy.integrate(f, env[rec["var"]])
    except Exception as exc:
        return "error", f"{type(exc).__name__}: {exc}"[:200]
    return ("unsolved", None) if answer.has(sympy.Integral) else ("solved", answer)


def _check(system: str, rec: dict[str, Any], answer: Any) -> tuple[str, float]:
    """(verdict, size ratio): see rubi_check; calcml's text answers are read with its names."""
    env = _calcml_locals(rec) if system == "calcml" else None
    return check(rec, answer, env)


def _worker(system: str, conn: Any) -> None:
    _solve(system, {"integrand": "x", "var": "x", "params": [], "id": "warm-up"}, 5.0)
    import sympy  # noqa: F401 - the checker's import, paid before the clock starts

    conn.send("ready")
    answer = None
    while (msg := conn.recv()) is not None:
        kind, rec, limit = msg
        if kind == "solve":
            start = time.perf_counter()
            status, answer = _solve(system, rec, limit)
            conn.send((status, answer if isinstance(answer, str) or answer is None else "",
                       time.perf_counter() - start))  # fmt: skip
        elif kind == "check":
            try:
                conn.send(_check(system, rec, answer))
            except Exception:  # an answer the checker cannot read is not a verified answer
                conn.send(("unverified", float("nan")))
        else:  # the verifier's controls: Rubi's answer, and two planted wrong answers
            try:
                conn.send(controls(rec))
            except Exception:
                conn.send(("unverified", 0))


class Worker:
    """One system's worker process; killed and restarted when it overruns."""

    def __init__(self, system: str):
        self.system, self.ctx = system, mp.get_context("spawn")
        self._start()

    def _start(self) -> None:
        self.conn, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_worker, args=(self.system, child), daemon=True)
        self.proc.start()
        if not self.conn.poll(300) or self.conn.recv() != "ready":
            raise RuntimeError(f"the {self.system} worker did not start")

    def call(self, msg: tuple, timeout: float) -> Any:
        try:
            self.conn.send(msg)
            if self.conn.poll(timeout):
                return self.conn.recv()
        except (EOFError, OSError):  # the worker died (out of memory, a crash): restart it
            pass
        self.proc.kill()
        self.proc.join()
        self._start()
        return None

    def close(self) -> None:
        self.conn.send(None)
        self.proc.join(5)


def run_system(system: str, problems: list[dict], limit: float, results: dict) -> None:
    worker = Worker(system)
    for rec in problems:
        got = worker.call(("solve", rec, limit), limit + 2.0)
        if got is None:
            results[(system, rec["id"])] = ("timeout", limit, "killed")
            continue
        status, detail, seconds = got
        raw = status if status != "error" else f"error: {detail}"
        if status == "solved" and seconds > limit:
            status = "timeout"
        ratio = float("nan")
        if status == "solved":
            verdict, ratio = worker.call(("check", rec, None), 60.0) or ("unverified", ratio)
            status = {"ok": "solved", "wrong": "wrong"}.get(verdict, "unsolved")
            raw = verdict
        results[(system, rec["id"])] = ("unsolved" if status == "error" else status, seconds, raw,
                                        ratio)  # fmt: skip
    worker.close()


def run_controls(problems: list[dict], results: dict) -> None:
    """The verifier on Rubi's answers (should pass) and on planted wrong ones (must fail)."""
    worker = Worker("control")
    for rec in problems:
        if rec.get("antiderivative"):
            results[("control", rec["id"])] = worker.call(("control", rec, 0), 120.0) or (
                "timeout", 0)
    worker.close()


def control_summary(results: dict) -> str:
    rows = [v for k, v in results.items() if k[0] == "control"]
    ok = sum(r[0] == "ok" for r in rows)
    rejected = sum(r[1] for r in rows)
    return (f"verifier controls: Rubi's answer verified for {ok}/{len(rows)} problems; "
            f"planted wrong answers (reference*1.001 + x, -reference) rejected: "
            f"{rejected}/{2 * len(rows)}")


# --- the table ------------------------------------------------------------------------------------


def table(problems: list[dict], results: dict, systems: list[str]) -> str:
    head = f"{'chapter':<16}{'n':>4} | " + " | ".join(
        f"{s + ': solved wrong unsolv t/out median <=2x':<42}" for s in systems)  # fmt: skip
    lines = [head, "-" * len(head)]
    groups = [(f"{c} {NAMES[c]}", [p for p in problems if p["chapter"] == c]) for c in NAMES]
    groups.append(("total", problems))
    for name, group in groups:
        if not group:
            continue
        cells = []
        for s in systems:
            rows = [results[(s, p["id"])] for p in group]
            count = {k: sum(r[0] == k for r in rows) for k in ("solved", "wrong", "unsolved",
                                                                 "timeout")}  # fmt: skip
            times = [r[1] for r in rows if r[0] == "solved"]
            median = f"{statistics.median(times):.3f}s" if times else "-"
            ratios = [r[3] for r in rows if r[0] == "solved" and len(r) > 3 and r[3] == r[3]]
            small = f"{100 * sum(q <= 2 for q in ratios) / len(ratios):.0f}%" if ratios else "-"
            cells.append(f"{'':<7}{count['solved']:>6} {count['wrong']:>5} {count['unsolved']:>7} "
                         f"{count['timeout']:>5} {median:>7} {small:>4}")  # fmt: skip
        lines.append(f"{name:<16}{len(group):>4} | " + " | ".join(f"{c:<42}" for c in cells))
    return "\n".join(lines)


def select(problems: list[dict], which: str, n: int | None,
           chapters: list[int] | None = None) -> list[dict]:
    """The first n // 6 of each chapter (the file is round-robin over sections, so the head of a
    chapter is stratified too); n=None takes the whole set; `chapters` keeps only those."""
    sets = ["free", "params"] if which == "all" else [which]
    out = []
    for s in sets:
        per = max(1, n // len(CHAPTERS)) if n else None
        for c in chapters or CHAPTERS:
            out.extend([p for p in problems if p["set"] == s and p["chapter"] == c][:per])
    return out


def textbook() -> list[dict]:
    """The textbook integrals, shaped like sample records (one chapter, no parameters)."""
    rows = [json.loads(line) for line in TEXTBOOK.read_text().splitlines() if line.strip()]
    return [{**r, "chapter": 0, "set": "free", "params": [], "antiderivative": "",
             "section": "textbook"} for r in rows]  # fmt: skip


def unsolved(problems: list[dict], results: dict, systems: list[str]) -> str:
    """Per system, the problems it did not solve, with their status."""
    lines = []
    for s in systems:
        missed = [p for p in problems if results[(s, p["id"])][0] != "solved"]
        lines.append(f"\n{s}: {len(missed)} not solved")
        lines.extend(f"  {p['id']:<12} {results[(s, p['id'])][0]:<8} {p['integrand']}"
                     for p in missed)  # fmt: skip
    return "\n".join(lines)


def step_check_cost(problems: list[dict], limit: float) -> str:
    """What checking every step costs: per solved problem, the integration with its steps built
    (checks switched off with CALCML_CHECK_STEPS=0) against the check of every step of that
    tree (`step_check.certify`), both in this process."""
    import os

    from calcml.core.errors import CalcmlError
    from calcml.symbolic.integrate import integrate_indefinite
    from calcml.symbolic.parse import parse
    from calcml.symbolic.step_check import WITHHELD, certify
    from calcml.symbolic.steps import Step

    os.environ["CALCML_CHECK_STEPS"] = "0"
    integrating, checking, steps, withheld, solved = 0.0, 0.0, 0, 0, 0
    for rec in problems:
        try:
            f = parse(to_calcml_syntax(rec["integrand"]))
            start = time.perf_counter()
            r = integrate_indefinite(f, rec["var"], steps=True, seconds=limit)
            middle = time.perf_counter()
        except (CalcmlError, ValueError):
            continue
        os.environ["CALCML_CHECK_STEPS"] = "1"
        tree = certify(r.steps, Step("the answer", f, r.result, (), f"∫ d{rec['var']}"))
        end = time.perf_counter()
        os.environ["CALCML_CHECK_STEPS"] = "0"
        solved += 1
        integrating += middle - start
        checking += end - middle
        steps += tree.count()
        withheld += any(v == WITHHELD for _, v in tree.details)
    return (f"{solved} solved, {steps} steps checked, {withheld} explanations withheld\n"
            f"integration with steps: {integrating:.2f} s; checking every step: {checking:.2f} s "
            f"({100 * checking / max(integrating, 1e-9):.1f}% of the integration time)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=None,
                    help="problems per set, split over chapters (default: the whole sample)")
    ap.add_argument("--limit", type=float, default=10.0, help="seconds per problem")
    ap.add_argument("--chapter", type=int, action="append", choices=CHAPTERS,
                    help="only this chapter (repeatable): 1 algebraic, 2 exponential, "
                         "3 logarithmic, 4 trigonometric, 5 inverse trigonometric, 6 hyperbolic")
    ap.add_argument("--set", dest="which", choices=["free", "params", "all"], default="free")
    ap.add_argument("--systems", default="calcml,sympy")
    ap.add_argument("--out", type=Path, default=None, help="write per-problem results (JSONL)")
    ap.add_argument("--suite", choices=["rubi", "textbook"], default="rubi")
    ap.add_argument("--unsolved", action="store_true", help="list the problems not solved")
    ap.add_argument("--no-controls", action="store_true",
                    help="skip the verifier's controls (Rubi's answers, planted wrong answers)")
    ap.add_argument("--make-sample", type=Path, default=None, metavar="DIR")
    ap.add_argument("--step-checks", action="store_true",
                    help="measure what checking every step costs (calcml only, in process)")
    args = ap.parse_args()
    if args.make_sample is not None:
        make_sample(args.make_sample)
        return
    if args.suite == "textbook":
        problems = textbook()
    else:
        problems = select([json.loads(line) for line in SAMPLE.read_text().splitlines()],
                          args.which, args.n, args.chapter)  # fmt: skip
    if args.step_checks:
        print(step_check_cost(problems, args.limit))
        return
    systems = args.systems.split(",")
    results: dict = {}
    threads = [threading.Thread(target=run_system, args=(s, problems, args.limit, results))
               for s in systems]  # fmt: skip
    if args.suite == "rubi" and not args.no_controls:
        threads.append(threading.Thread(target=run_controls, args=(problems, results)))
    start = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    which = "textbook" if args.suite == "textbook" else args.which
    print(f"{len(problems)} problems ({which}), limit {args.limit:g} s, "
          f"{time.perf_counter() - start:.0f} s wall\n")  # fmt: skip
    print(table(problems, results, systems))
    print("(<=2x: share of solved answers whose leaf count is at most twice Rubi's answer's)")
    if any(k[0] == "control" for k in results):
        print(control_summary(results))
    if args.unsolved:
        print(unsolved(problems, results, systems))
    if args.out is not None:
        args.out.write_text("".join(json.dumps({"id": p["id"], **{s: results[(s, p["id"])]
                                                                  for s in systems}}) + "\n"
                                    for p in problems))  # fmt: skip


if __name__ == "__main__":
    main()
