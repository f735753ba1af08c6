"""Backpropagation made visible: `explain(loss)` shows the chain rule applied node by node.

For a small graph it lists every node in creation order (its operation, inputs and value), then,
from the loss back to the inputs, the gradient flowing into each node as the sum of what each of
its users sent: (gradient of the user) × (the user's local derivative with respect to it). The
result is data (`Explanation`, a tuple of frozen `NodeInfo` records); `text()` and `to_dot()` are
two views of it.

`trace(f)` goes the other way round: it calls a Python function of scalars on symbols and returns
the calcml expression it computes, because the registry's functions and the operators accept
expressions as well as tensors.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from calcml.autodiff.engine import chain_rule_step, gradients
from calcml.autodiff.namespaces import numpy_only
from calcml.autodiff.tensor import Tensor
from calcml.core.expr import Expr, Symbol, as_expr, symbol

#: explain() is for graphs a person reads; beyond this it refuses instead of printing pages.
MAX_EXPLAIN_NODES = 2000


@dataclass(frozen=True)
class Edge:
    """What one node sends back to one of its inputs.

    Attributes:
        source: the index of the input node.
        local: ∂node/∂input elementwise, or None where the operation's Jacobian is applied whole
            (matmul, sum, ...).
        sent: the gradient sent to the input: (∂L/∂node)·local, with broadcasting undone.
    """

    source: int
    local: np.ndarray | None
    sent: np.ndarray


@dataclass(frozen=True)
class NodeInfo:
    """One node of the graph.

    Attributes:
        index: position in creation order (inputs first).
        label: the tensor's name, else `n{index}`.
        op: the operation that made it; "input" for leaves.
        inputs: indices of the nodes it was computed from (-1 for a constant operand).
        constants: the constant operands' values, in the places where `inputs` holds -1.
        value: its value.
        grad: ∂L/∂node, or None for constants that take no gradient.
        edges: the chain-rule step at this node, one `Edge` per input that takes a gradient.
    """

    index: int
    label: str
    op: str
    inputs: tuple[int, ...]
    constants: tuple[Any, ...]
    value: np.ndarray
    grad: np.ndarray | None
    edges: tuple[Edge, ...]


def _fmt(a: Any) -> str:
    if a is None:
        return "-"
    arr = np.asarray(a, dtype=np.float64)
    if arr.size == 1:
        return f"{float(arr.reshape(())):.6g}"
    return np.array2string(arr, precision=4, suppress_small=True, separator=", ").replace("\n", "")


def _paren(text: str) -> str:
    return f"({text})" if text.startswith("-") else text


@dataclass(frozen=True)
class Explanation:
    """The graph of a loss with the chain rule evaluated at every node.

    Attributes:
        nodes: every node, inputs first; the loss is the last.
    """

    nodes: tuple[NodeInfo, ...]

    @property
    def loss(self) -> NodeInfo:
        return self.nodes[-1]

    def node(self, label: str) -> NodeInfo:
        """The node with this label (a tensor's `name`, or `n3`)."""
        for n in self.nodes:
            if n.label == label:
                return n
        raise KeyError(f"no node labelled {label!r}; labels: {[n.label for n in self.nodes]}")

    def text(self) -> str:
        """The forward pass, then the backward pass as chain-rule sums, one line per node."""
        lines = ["forward:"]
        for n in self.nodes:
            args = ", ".join(
                self.nodes[i].label if i >= 0 else _fmt(c)
                for i, c in zip(n.inputs, n.constants, strict=True)
            )
            what = f"{n.op}({args})" if n.inputs else n.op
            lines.append(f"  {n.label} = {what} = {_fmt(n.value)}")
        lines.append(f"backward (∂L/∂node, L = {self.loss.label}):")
        users: dict[int, list[tuple[NodeInfo, Edge]]] = {}
        for n in self.nodes:
            for e in n.edges:
                users.setdefault(e.source, []).append((n, e))
        for n in reversed(self.nodes):
            if n.grad is None:
                continue
            if n is self.loss:
                lines.append(f"  ∂L/∂{n.label} = {_fmt(n.grad)}  (the loss itself)")
                continue
            terms = [f"∂L/∂{u.label}·∂{u.label}/∂{n.label}" for u, _ in users.get(n.index, [])]
            steps = []
            for u, e in users.get(n.index, []):
                local = f"{u.op}'s vjp" if e.local is None else _paren(_fmt(e.local))
                steps.append(f"{_fmt(u.grad)}·{local}")
            lhs = f"  ∂L/∂{n.label} = " + (" + ".join(terms) or "0")
            lines.append(f"{lhs} = {' + '.join(steps) or '0'} = {_fmt(n.grad)}")
        return "\n".join(lines)

    __str__ = text

    def to_dot(self) -> str:
        """Graphviz DOT: one box per node (operation, value, gradient), edges labelled with the
        local derivative where it is elementwise."""
        out = ["digraph backprop {", "  rankdir=LR;", "  node [shape=record, fontname=Helvetica];"]
        for n in self.nodes:
            label = f"{n.label} | {n.op} | value {_fmt(n.value)} | grad {_fmt(n.grad)}"
            label = label.replace('"', "'").replace("{", "(").replace("}", ")")
            out.append(f'  n{n.index} [label="{label}"];')
        for n in self.nodes:
            locals_ = {e.source: e.local for e in n.edges}
            for i in n.inputs:
                if i < 0:
                    continue
                edge = f' [label="{_fmt(locals_[i])}"]' if locals_.get(i) is not None else ""
                out.append(f"  n{i} -> n{n.index}{edge};")
        out.append("}")
        return "\n".join(out)


def _collect(loss: Tensor) -> list[Tensor]:
    """Every tensor the loss was computed from, in creation order (iterative)."""
    seen: dict[int, Tensor] = {id(loss): loss}
    stack = [loss]
    while stack:
        t = stack.pop()
        if t._parents is None:
            raise RuntimeError(
                "this graph was released by backward(); call explain() before "
                "backward() or pass retain_graph=True"
            )
        for p in t._parents:
            if p is not None and id(p) not in seen:
                seen[id(p)] = p
                stack.append(p)
                if len(seen) > MAX_EXPLAIN_NODES:
                    raise ValueError(
                        f"explain() is for small graphs (at most {MAX_EXPLAIN_NODES} nodes)"
                    )
    return sorted(seen.values(), key=lambda t: -t._seq)


def explain(loss: Tensor) -> Explanation:
    """The chain rule at every node of a small graph, evaluated (the graph is kept).

    Arguments:
        loss: a one-element tensor computed from tensors that require gradients.

    Returns:
        an `Explanation`; print it, or read `.nodes`.

    >>> w = Tensor(3.0, requires_grad=True, name="w")
    >>> print(explain(w * w + w))
    forward:
      w = input = 3
      n1 = mul(w, w) = 9
      n2 = add(n1, w) = 12
    backward (∂L/∂node, L = n2):
      ∂L/∂n2 = 1  (the loss itself)
      ∂L/∂n1 = ∂L/∂n2·∂n2/∂n1 = 1·1 = 1
      ∂L/∂w = ∂L/∂n1·∂n1/∂w + ∂L/∂n1·∂n1/∂w + ∂L/∂n2·∂n2/∂w = 1·3 + 1·3 + 1·1 = 7
    """
    tensors = _collect(loss)
    index = {id(t): i for i, t in enumerate(tensors)}
    wanted = [t for t in tensors if t.requires_grad]
    grads = dict(
        zip((id(t) for t in wanted), gradients(loss, wanted, retain_graph=True), strict=True)
    )
    nodes = []
    for i, t in enumerate(tensors):
        g = grads.get(id(t))
        edges = ()
        if g is not None:
            edges = tuple(
                Edge(index[id(t._parents[k])], local, sent)  # type: ignore[index]
                for k, local, sent in chain_rule_step(t, g)
            )
        parents = t._parents or ()
        inputs = tuple(-1 if p is None else index[id(p)] for p in parents)
        constants = tuple(
            x if p is None else None for p, x in zip(parents, t._inputs or (), strict=False)
        )
        label = t.name or f"n{i}"
        op = t._op.name if t._op is not None else ("input" if t.requires_grad else "constant")
        value = np.array(t.data)
        nodes.append(NodeInfo(i, label, op, inputs, constants, value, g, edges))
    return Explanation(tuple(nodes))


def to_dot(loss: Tensor) -> str:
    """`explain(loss).to_dot()`: the graph in Graphviz's DOT language."""
    return explain(loss).to_dot()


def trace(f: Callable[..., Any], *names: str | Symbol) -> Expr:
    """The calcml expression a Python function of scalars computes, by calling it on symbols.

    Arguments:
        f: a function written with calcml functions and operators (`cm.sin`, `**`, ...).
        names: the symbols (or their names); by default the function's parameter names.

    Returns:
        the expression (use `calcml.diff` on it, or `calcml.compile` it).

    >>> import calcml as cm
    >>> trace(lambda x, y: cm.sin(x) * y + x ** 2)
    x**2 + y*sin(x)
    """
    if not names:
        names = tuple(inspect.signature(f).parameters)
    return as_expr(f(*[symbol(n) if isinstance(n, str) else n for n in names]))


# NumPy-only (they print values): a one-line error for tensors of another namespace.
explain = numpy_only(explain)
to_dot = numpy_only(to_dot)
