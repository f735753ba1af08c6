"""One SGD step of a 784-256-128-10 MLP on a GPU: calcml on CuPy against the hand-written floor.

    python bench/bench_gpu_mlp.py [--device cuda|cpu] [--batch 8192] [--repeats 20]

The step: relu MLP (PyTorch's Linear, y = x Wᵀ + b), softmax cross-entropy from logits and
class indices, backward, SGD (lr 0.01) in place; float32; batch 8192 by default. Three ways:

- calcml: `cm.tensor(x, device=...)`, `MLP(...).to(device)`, `losses.cross_entropy`,
  `optim.SGD`: the user's code path (on the CPU, SGD updates float32 parameters in float64, as
  calcml's optimizers do for NumPy parameters);
- the floor: the same forward, backward and update written by hand in CuPy (NumPy with
  `--device cpu`), one-hot targets made once;
- PyTorch (CUDA, or CPU with `--device cpu`) with `torch.optim.SGD`, when it is importable.

All three start from the same weights; the first step's losses must agree (float32, 1e-4) before
anything is timed. Times are medians over --repeats steps, round-robin between the three (a
busy device slows them alike), the device synchronised around every step. The issue's targets:
calcml at most 1.2x the CuPy floor, and within 2x of PyTorch CUDA.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

try:
    import calcml  # noqa: F401
except ImportError:  # running from a checkout without an install
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import calcml as cm
from calcml.ml import losses
from calcml.ml.nn import MLP
from calcml.ml.optim import SGD

SIZES, LR = (784, 256, 128, 10), 0.01


def backend(device: str) -> tuple[Any, Callable[[], None]]:
    """(the array module, a synchronisation) for 'cuda' (CuPy) or 'cpu' (NumPy)."""
    if device == "cpu":
        return np, lambda: None
    import cupy

    return cupy, cupy.cuda.Device().synchronize


def data(batch: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, SIZES[0])).astype(np.float32)
    return x, rng.integers(0, SIZES[-1], batch)


def calcml_step(device: str, xm: Any, x: np.ndarray, labels: np.ndarray) -> tuple[Any, list[Any]]:
    net = MLP(list(SIZES), activation="relu", seed=0).to(device, dtype=np.float32)
    X, y = cm.tensor(x, device=device), xm.asarray(labels)  # float32 inputs stay float32
    opt = SGD(net.parameters(), lr=LR)

    def step() -> Any:
        opt.zero_grad()
        loss = losses.cross_entropy(net(X), y)
        loss.backward()
        opt.step()
        return loss.data

    return step, [p.data.copy() for p in net.parameters()]


def floor_step(xm: Any, init: list[Any], x: np.ndarray, labels: np.ndarray) -> Callable[[], Any]:
    """Forward, backward and SGD by hand: the least any library can do for this step."""
    w1, b1, w2, b2, w3, b3 = (xm.array(p) for p in init)
    X = xm.asarray(x)
    onehot = xm.eye(SIZES[-1], dtype=xm.float32)[xm.asarray(labels)]
    n = x.shape[0]

    def step() -> Any:
        z1 = X @ w1.T + b1
        h1 = xm.maximum(z1, 0)
        z2 = h1 @ w2.T + b2
        h2 = xm.maximum(z2, 0)
        z3 = h2 @ w3.T + b3
        shifted = z3 - z3.max(axis=1, keepdims=True)
        e = xm.exp(shifted)
        s = e.sum(axis=1, keepdims=True)
        loss = -((shifted - xm.log(s)) * onehot).sum() / n
        d3 = (e / s - onehot) / n
        d2 = (d3 @ w3) * (z2 > 0)
        d1 = (d2 @ w2) * (z1 > 0)
        for p, g in ((w3, d3.T @ h2), (b3, d3.sum(0)), (w2, d2.T @ h1), (b2, d2.sum(0)),
                     (w1, d1.T @ X), (b1, d1.sum(0))):  # fmt: skip
            p -= LR * g
        return loss

    return step


def torch_step(device: str, init: list[Any], x: np.ndarray, labels: np.ndarray) -> Any:
    try:
        import torch
    except ImportError as exc:
        return f"unavailable ({exc})"
    dev = torch.device(device)
    layers = []
    for i in range(0, len(init), 2):
        lin = torch.nn.Linear(init[i].shape[1], init[i].shape[0], device=dev)
        with torch.no_grad():
            lin.weight.copy_(torch.as_tensor(_host(init[i]), device=dev))
            lin.bias.copy_(torch.as_tensor(_host(init[i + 1]), device=dev))
        layers += [lin, torch.nn.ReLU()]
    net = torch.nn.Sequential(*layers[:-1])
    X, y = torch.as_tensor(x, device=dev), torch.as_tensor(labels, device=dev)
    opt = torch.optim.SGD(net.parameters(), lr=LR)

    def step() -> Any:
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(X), y)
        loss.backward()
        opt.step()
        return loss.detach()

    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    return step, sync


def _host(a: Any) -> np.ndarray:
    return a.get() if hasattr(a, "get") else np.asarray(a)


def measure(cases: dict[str, tuple[Callable[[], Any], Callable[[], None]]],
            repeats: int) -> dict[str, float]:  # fmt: skip
    times: dict[str, list[float]] = {name: [] for name in cases}
    for r in range(repeats + 2):  # two warm-up rounds (kernel compilation, memory pools)
        for name, (step, sync) in cases.items():
            sync()
            start = time.perf_counter()
            step()
            sync()
            if r >= 2:
                times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", choices=("cuda", "cpu"), default="cuda")
    parser.add_argument("--batch", type=int, default=8192)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    xm, sync = backend(args.device)
    x, labels = data(args.batch)
    ours, init = calcml_step(args.device, xm, x, labels)
    floor = floor_step(xm, init, x, labels)
    peer = torch_step(args.device, init, x, labels)
    first = {"calcml": float(ours()), "floor": float(floor())}
    if not isinstance(peer, str):
        first["pytorch"] = float(peer[0]())
    spread = max(first.values()) - min(first.values())
    print(f"first-step losses {first} (spread {spread:.2e})")
    if spread > 1e-4:
        sys.exit("the first steps disagree: not timing")
    floor_name = "CuPy by hand" if args.device == "cuda" else "NumPy by hand"
    cases = {"calcml": (ours, sync), floor_name: (floor, sync)}
    if not isinstance(peer, str):
        cases["pytorch"] = peer
    where = _device_name(args.device)
    print(f"SGD step, MLP {'-'.join(map(str, SIZES))}, batch {args.batch}, float32, on {where}:")
    results = measure(cases, args.repeats)
    for name, t in results.items():
        print(f"  {name:16s} {t * 1e3:8.3f} ms (median of {args.repeats})")
    print(f"  calcml / {floor_name}: {results['calcml'] / results[floor_name]:.2f}x "
          "(target <= 1.2x on a GPU)")  # fmt: skip
    if "pytorch" in results:
        print(f"  calcml / pytorch: {results['calcml'] / results['pytorch']:.2f}x (goal <= 2x)")
    else:
        print(f"  pytorch          {peer}")


def _device_name(device: str) -> str:
    if device == "cpu":
        return "the CPU (NumPy)"
    import cupy

    return cupy.cuda.runtime.getDeviceProperties(0)["name"].decode()


if __name__ == "__main__":
    main()
