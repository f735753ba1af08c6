"""Reports of the learning views: a descent path (`cm.minimize`) and backpropagation
(`cm.explain`) node by node, checked against central differences (`check_grads`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

from calcml.interfaces.reports.base import (
    Params,
    finite_or_none,
    integer,
    mathml,
    number,
    report,
    text,
)

ROSENBROCK = "(1-x)^2 + 100(y-x^2)^2"
METHODS = ("gd", "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "newton")
#: the path sent to the page keeps at most this many points (evenly spaced, ends kept)
MAX_PATH = 2001


def _point(spec: str, what: str) -> list[float]:
    import numpy as np

    try:
        values = [float(p) for p in spec.split(",") if p.strip()]
    except ValueError:
        raise ValueError(f"{what} must be comma-separated numbers, got {spec!r}") from None
    if not values or not all(np.isfinite(values)):
        raise ValueError(f"{what} must be finite numbers, got {spec!r}")
    return values


@report("minimize", "slow")
def minimize_report(params: Params) -> dict[str, Any]:
    """Descent on `expr` from `start` with `method`, `lr`, `steps`: the path and loss per step.

    >>> r = minimize_report({"expr": "x^2 + y^2", "start": "1,1", "lr": "0.5", "steps": "3"})
    >>> [round(v, 6) for v in r["x"]], len(r["path"])
    ([0.0, 0.0], 4)
    """
    return run_minimize(params)[1]


def run_minimize(params: Params) -> tuple[Any, dict[str, Any]]:
    """`cm.minimize` on the request, and the report's JSON (the CLI also plots the result)."""

    from calcml.ml.descent import minimize

    expr = text(params, "expr", ROSENBROCK)
    method = text(params, "method", "gd").lower()
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; known: {', '.join(METHODS)}")
    start = _point(text(params, "start", "-1.5,2"), "start")
    hyper = {}
    if params.get("momentum"):
        hyper["momentum"] = number(params, "momentum", 0.9, 0.0, 1.0)
    if params.get("tol"):
        hyper["tol"] = number(params, "tol", 0.0, 0.0, 1e6)
    names = (params.get("vars") or "").replace(",", " ").split() or None
    result = minimize(expr, start, method=method, lr=number(params, "lr", 0.01, 0.0, 1e6),
                      steps=integer(params, "steps", 1000, 0, 10_000_000), variables=names,
                      **hyper)  # fmt: skip
    out = result.summary()
    keep = _thin(len(result.values))
    out.update(input=expr, path=[finite_or_none(p) for p in result.points[keep]],
               loss=finite_or_none(result.values[keep]), path_steps=keep.tolist())  # fmt: skip
    out["mathml"] = mathml(result.expression.latex()) if result.expression is not None else None
    return result, out


def _thin(n: int) -> np.ndarray:
    import numpy as np

    if n <= MAX_PATH:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, MAX_PATH).round().astype(int))


@report("backprop", "cheap")
def backprop_report(params: Params) -> dict[str, Any]:
    """The expression graph of `expr` at `at` ("x=1,y=2"): forward values, local derivatives and
    gradients per node and edge (`cm.explain`), and `check_grads`' verdict on the gradient.

    >>> r = backprop_report({"expr": "x*y + sin(x)", "at": "x=0,y=3"})
    >>> r["gradient"], r["check"]["ok"]
    ({'x': 4.0, 'y': 0.0}, True)
    """
    import numpy as np

    from calcml.autodiff.explain import explain
    from calcml.autodiff.tensor import Tensor
    from calcml.core.evaluate import compile as compile_expr
    from calcml.symbolic.parse import parse

    expr = text(params, "expr")
    f = parse(expr)
    names = sorted(s.name for s in f.free_symbols)
    if not names:
        raise ValueError("the expression has no variable to differentiate by")
    at = _assignments(params.get("at") or "", names)
    program = compile_expr(f, names)
    inputs = [Tensor(at[n], requires_grad=True, name=n) for n in names]
    graph = explain(program(*inputs))
    nodes = [_node(n) for n in graph.nodes]
    grad = {n.label: float(np.asarray(n.grad)) for n in graph.nodes if n.op == "input"}
    point = np.array([at[n] for n in names])
    worst = _check(program, point, len(names))
    return {"input": expr, "function": str(f), "mathml": mathml(f.latex()), "variables": names,
            "at": at, "value": float(np.asarray(graph.loss.value)), "gradient": grad,
            "nodes": nodes, "text": graph.text(),
            "check": {"ok": bool(worst.ok), "automatic": worst.automatic,
                      "numeric": worst.numeric, "what": "reverse mode against central "
                      "differences along a random direction (check_grads)"}}  # fmt: skip


def _check(program: Any, point: np.ndarray, n: int) -> Any:
    """The worst of check_grads' comparisons (the failing one, when one fails)."""
    from calcml.autodiff.check import GradientCheckError, check_grads

    try:
        return check_grads(lambda v: program(*(v[i] for i in range(n))), point, order=1,
                           modes=("reverse",)).worst  # fmt: skip
    except GradientCheckError as exc:
        return exc.comparison


def _assignments(spec: str, names: list[str]) -> dict[str, float]:
    """ "x=1, y=2" -> {"x": 1.0, "y": 2.0}; unnamed variables default to 1."""
    out = dict.fromkeys(names, 1.0)
    for part in (p for p in spec.split(",") if p.strip()):
        name, eq, value = part.partition("=")
        name = name.strip()
        if not eq or name not in out:
            raise ValueError(f"at wants name=value for the variables {', '.join(names)}, "
                             f"got {part.strip()!r}")  # fmt: skip
        out[name] = number({name: value}, name, 1.0)
    return out


def _scalar(a: Any) -> Any:
    import numpy as np

    if a is None:
        return None
    arr = np.asarray(a, dtype=np.float64)
    return finite_or_none(arr)[0] if arr.size == 1 else finite_or_none(arr)


def _node(n: Any) -> dict[str, Any]:
    return {"index": n.index, "label": n.label, "op": n.op, "inputs": list(n.inputs),
            "constants": [_scalar(c) for c in n.constants], "value": _scalar(n.value),
            "grad": _scalar(n.grad),
            "edges": [{"source": e.source, "local": _scalar(e.local), "sent": _scalar(e.sent)}
                      for e in n.edges]}  # fmt: skip
