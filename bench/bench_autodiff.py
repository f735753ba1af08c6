"""Benchmark calcml.autodiff against PyTorch (CPU), HIPS autograd, micrograd, JAX and NumPy.

Run: `.venv/bin/python bench/bench_autodiff.py [--repeats N] [--quick]`. Everything is pinned to
one thread. Peers that are not installed are reported as unavailable, never estimated. Timings
are medians over repeats; the libraries are run round-robin inside each repeat, so a busy
machine slows all of them alike and the ratios stay meaningful.

(a) a chain of 100 elementwise operations on shape (8,): forward + backward, µs per operation;
(b) one SGD step of a 784-256-128-10 MLP (relu, tanh, softmax cross-entropy), batch 128, float32,
    and the ratio (forward + backward) / forward;
(c) backward alone through a micrograd-style graph of ~10,000 scalar operations (a scalar MLP);
    calcml uses 0-d tensors (no separate scalar path: NumPy scalars make them cheap), PyTorch
    0-d tensors, micrograd its Value;
(d) gradient, Hessian-vector product and full Hessian of f(x) = Σ softplus(Ax) + ¼Σx⁴, x ∈ R^100.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import itertools
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

# One thread everywhere: set before NumPy, PyTorch or JAX load their thread pools.
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"
os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import numpy as np  # noqa: E402

import calcml as cm  # noqa: E402
from calcml import autodiff as ad  # noqa: E402


def optional(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except Exception as exc:
        return exc


torch = optional("torch")
hips = optional("autograd")
hnp = optional("autograd.numpy")
micrograd = optional("micrograd.engine")
jax = optional("jax")
jnp = optional("jax.numpy")
if not isinstance(torch, Exception):
    torch.set_num_threads(1)


def available(mod: Any) -> bool:
    return not isinstance(mod, Exception)


Timing = tuple[float, float]  # (median, best) seconds


def measure(
    cases: dict[Any, Callable[[], Any]], repeats: int, warmup: int = 2
) -> dict[Any, Timing]:
    """(median, best) seconds of each case, running the cases round-robin.

    The garbage collector stays on, as in real use (`gc.collect()` between calls would evict
    PyTorch's allocator caches and slow it several-fold).
    """
    for fn in cases.values():
        for _ in range(warmup):
            fn()
    times: dict[Any, list[float]] = {k: [] for k in cases}
    for _ in range(repeats):
        for name, fn in cases.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {k: (statistics.median(v), min(v)) for k, v in times.items()}


def report(title: str, results: dict[str, Timing], unit: str, scale: float, base: str) -> None:
    """One line per library: median and best, and the median's ratio to `base`."""
    print(f"\n{title}   [median (best of run) {unit}; ratio of medians]")
    ref = results.get(base)
    for name, (median, best) in results.items():
        ratio = f"  {median / ref[0]:5.2f}x {base}" if ref and name != base else ""
        print(f"  {name:28s} {median * scale:10.2f} ({best * scale:8.2f}){ratio}")


def unavailable(*mods: tuple[str, Any]) -> None:
    for name, mod in mods:
        if not available(mod):
            print(f"  {name:28s} unavailable ({type(mod).__name__}: {mod})")


# --- (a) chain of elementwise operations ---------------------------------------------------------
CHAIN = 100  # operations: 25 × (sin, ×1.5, tanh, +0.5); the final sum is not counted


def chain_calcml(x0: np.ndarray) -> Callable[[], Any]:
    def run() -> Any:
        x = ad.Tensor(x0, requires_grad=True)
        y = x
        for _ in range(CHAIN // 4):
            y = cm.tanh(cm.sin(y) * 1.5) + 0.5
        y.sum().backward()
        return x.grad

    return run


def chain_torch(x0: np.ndarray) -> Callable[[], Any]:
    def run() -> Any:
        x = torch.tensor(x0, requires_grad=True)
        y = x
        for _ in range(CHAIN // 4):
            y = torch.tanh(torch.sin(y) * 1.5) + 0.5
        y.sum().backward()
        return x.grad

    return run


def chain_hips(x0: np.ndarray) -> Callable[[], Any]:
    def f(x: Any) -> Any:
        for _ in range(CHAIN // 4):
            x = hnp.tanh(hnp.sin(x) * 1.5) + 0.5
        return hnp.sum(x)

    g = hips.grad(f)
    return lambda: g(x0)


def chain_jax(x0: np.ndarray, jit: bool) -> Callable[[], Any]:
    def f(x: Any) -> Any:
        for _ in range(CHAIN // 4):
            x = jnp.tanh(jnp.sin(x) * 1.5) + 0.5
        return jnp.sum(x)

    g = jax.jit(jax.grad(f)) if jit else jax.grad(f)
    return lambda: g(x0).block_until_ready()


def chain_numpy(x0: np.ndarray) -> Callable[[], Any]:
    def run() -> Any:
        saved = []
        y = x0
        for _ in range(CHAIN // 4):
            s = np.sin(y)
            t = np.tanh(s * 1.5)
            saved.append((y, t))
            y = t + 0.5
        g = np.ones_like(y)
        for y_in, t in reversed(saved):
            g = g * (1 - t * t) * 1.5 * np.cos(y_in)
        return g

    return run


def bench_chain(repeats: int) -> None:
    x0 = np.random.default_rng(0).uniform(0.5, 1.0, 8)
    cases = {"calcml": chain_calcml(x0), "numpy (by hand)": chain_numpy(x0)}
    if available(torch):
        cases["pytorch"] = chain_torch(x0)
    if available(hips):
        cases["hips autograd"] = chain_hips(x0)
    if available(jax):
        cases["jax (eager)"] = chain_jax(x0, False)
        cases["jax (jit, compiled)"] = chain_jax(x0, True)
    reference = chain_numpy(x0)()
    np.testing.assert_allclose(cases["calcml"](), reference, rtol=1e-10)
    results = measure(cases, repeats * 10)
    base = "pytorch" if "pytorch" in results else "calcml"
    report("(a) chain of 100 elementwise ops, shape (8,), forward+backward", results,
           "µs/op", 1e6 / CHAIN, base)  # fmt: skip
    unavailable(("pytorch", torch), ("hips autograd", hips), ("jax", jax))
    print("  micrograd                    n/a (scalars only)")


# --- (b) MLP SGD step ----------------------------------------------------------------------------
SIZES, BATCH, LR = (784, 256, 128, 10), 128, 0.01


def mlp_data() -> tuple[list[np.ndarray], np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    params = []
    for n_in, n_out in itertools.pairwise(SIZES):
        params.append((rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)).astype(np.float32))
        params.append(np.zeros(n_out, dtype=np.float32))
    x = rng.standard_normal((BATCH, SIZES[0])).astype(np.float32)
    labels = rng.integers(0, SIZES[-1], BATCH)
    onehot = np.eye(SIZES[-1], dtype=np.float32)[labels]
    return params, x, labels, onehot


Runs = tuple[Callable[[], Any], Callable[[], Any], Callable[[], Any]]  # step, fwd+bwd, fwd


def mlp_calcml() -> Runs:
    init, x, labels, _ = mlp_data()
    w1, b1, w2, b2, w3, b3 = params = [ad.Tensor(p, requires_grad=True) for p in init]
    rows = np.arange(BATCH)

    def forward() -> Any:
        h = cm.tanh(cm.relu(x @ w1 + b1) @ w2 + b2)
        return -ad.log_softmax(h @ w3 + b3)[rows, labels].mean()

    def forward_backward() -> Any:
        forward().backward()
        return [p.__setattr__("grad", None) for p in params]

    def step() -> Any:
        forward().backward()
        for p in params:
            p.data -= LR * p.grad
            p.grad = None

    return step, forward_backward, forward


def mlp_torch() -> Runs:
    init, x_np, labels_np, _ = mlp_data()
    params = [torch.tensor(p, requires_grad=True) for p in init]
    w1, b1, w2, b2, w3, b3 = params
    x, labels = torch.tensor(x_np), torch.tensor(labels_np)
    fn = torch.nn.functional

    def forward() -> Any:
        h = torch.tanh(torch.relu(x @ w1 + b1) @ w2 + b2)
        return fn.cross_entropy(h @ w3 + b3, labels)

    def forward_backward() -> Any:
        forward().backward()
        for p in params:
            p.grad = None

    def step() -> Any:
        forward().backward()
        with torch.no_grad():
            for p in params:
                p -= LR * p.grad
                p.grad = None

    return step, forward_backward, forward


def mlp_hips() -> Runs:
    init, x, _, onehot = mlp_data()
    params = list(init)

    def loss_fn(ps: list[Any]) -> Any:
        w1, b1, w2, b2, w3, b3 = ps
        z = hnp.tanh(hnp.maximum(x @ w1 + b1, 0.0) @ w2 + b2) @ w3 + b3
        z = z - hnp.max(z, axis=1, keepdims=True)
        logp = z - hnp.log(hnp.sum(hnp.exp(z), axis=1, keepdims=True))
        return -hnp.sum(logp * onehot) / BATCH

    g = hips.grad(loss_fn)

    def step() -> Any:
        grads = g(params)
        for i, gr in enumerate(grads):
            params[i] = params[i] - LR * gr

    return step, lambda: g(params), lambda: loss_fn(params)


def mlp_jax() -> Runs:
    init, x, _, onehot = mlp_data()
    params = [jnp.asarray(p) for p in init]

    def loss_fn(ps: list[Any]) -> Any:
        w1, b1, w2, b2, w3, b3 = ps
        z = jnp.tanh(jnp.maximum(x @ w1 + b1, 0.0) @ w2 + b2) @ w3 + b3
        return -jnp.sum(jax.nn.log_softmax(z) * onehot) / BATCH

    update = jax.jit(
        lambda ps: [p - LR * g for p, g in zip(ps, jax.grad(loss_fn)(ps), strict=True)]
    )
    fwd, grad_fn = jax.jit(loss_fn), jax.jit(jax.grad(loss_fn))

    def step() -> Any:
        params[:] = update(params)
        params[0].block_until_ready()

    return (
        step,
        lambda: grad_fn(params)[0].block_until_ready(),
        lambda: fwd(params).block_until_ready(),
    )


def mlp_numpy() -> Runs:
    init, x, _, onehot = mlp_data()
    w1, b1, w2, b2, w3, b3 = params = list(init)

    def forward() -> Any:
        a1 = x @ w1 + b1
        h1 = np.maximum(a1, 0.0)
        h2 = np.tanh(h1 @ w2 + b2)
        z = h2 @ w3 + b3
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        p = e / e.sum(axis=1, keepdims=True)
        return a1, h1, h2, p

    def forward_backward() -> Any:
        a1, h1, h2, p = forward()
        dz = (p - onehot) / BATCH
        d2 = (dz @ w3.T) * (1 - h2 * h2)
        d1 = (d2 @ w2.T) * (a1 > 0)
        return [x.T @ d1, d1.sum(0), h1.T @ d2, d2.sum(0), h2.T @ dz, dz.sum(0)]

    def step() -> Any:
        for p_, g in zip(params, forward_backward(), strict=True):
            p_ -= LR * g

    return step, forward_backward, forward


def bench_mlp(repeats: int) -> None:
    builders = {"calcml": mlp_calcml, "numpy (by hand)": mlp_numpy}
    if available(torch):
        builders["pytorch"] = mlp_torch
    if available(hips):
        builders["hips autograd"] = mlp_hips
    if available(jax):
        builders["jax (jit, compiled)"] = mlp_jax
    built = {k: b() for k, b in builders.items()}
    cases: dict[tuple[str, str], Callable[[], Any]] = {}
    for k, (step, forward_backward, forward) in built.items():
        cases[(k, "step")], cases[(k, "fwd+bwd")], cases[(k, "fwd")] = (
            step,
            forward_backward,
            forward,
        )
    timed = measure(cases, repeats * 5)
    base = "pytorch" if "pytorch" in built else "calcml"
    title = "(b) MLP 784-256-128-10, batch 128, float32"
    for what in ("step", "fwd+bwd", "fwd"):
        results = {k: timed[(k, what)] for k in built}
        report(f"{title}: {'SGD step' if what == 'step' else what}", results, "ms", 1e3, base)
    print("\n  (forward+backward) / forward, medians (best):")
    for k in built:
        (fb, fb_best), (f, f_best) = timed[(k, "fwd+bwd")], timed[(k, "fwd")]
        print(f"  {k:28s} {fb / f:10.2f} ({fb_best / f_best:8.2f})")
    for what in ("step", "fwd+bwd"):
        (c, c_best), (n, n_best) = timed[("calcml", what)], timed[("numpy (by hand)", what)]
        print(f"  calcml / numpy by hand, {what}: {c / n:.2f}x ({c_best / n_best:.2f}x best)")
    unavailable(("pytorch", torch), ("hips autograd", hips), ("jax", jax))


# --- (c) backward through ~10,000 scalar operations ----------------------------------------------


def scalar_mlp(make: Callable[[float], Any], relu: Callable[[Any], Any]) -> tuple[Any, int]:
    """A 4-16-16-1 scalar MLP on 14 samples, squared error summed: (loss, number of ops)."""
    rng = np.random.default_rng(0)
    sizes = (4, 16, 16, 1)
    layers = [[([make(w) for w in rng.uniform(-1, 1, n_in)], make(0.0)) for _ in range(n_out)]
              for n_in, n_out in itertools.pairwise(sizes)]  # fmt: skip
    ops, loss = 0, None
    for _ in range(14):
        h: list[Any] = [float(v) for v in rng.uniform(-1, 1, 4)]
        for depth, layer in enumerate(layers):
            out = []
            for weights, bias in layer:
                act = bias
                for w, v in zip(weights, h, strict=True):
                    act = act + w * v
                    ops += 2
                if depth < len(layers) - 1:
                    act = relu(act)
                    ops += 1
                out.append(act)
            h = out
        d = h[0] + (-0.5)
        err = d * d
        loss = err if loss is None else loss + err
        ops += 3
    return loss, ops


def bench_scalar(repeats: int) -> None:
    def calcml_graph() -> Any:
        return scalar_mlp(lambda w: ad.Tensor(w, requires_grad=True), cm.relu)

    builders: dict[str, Callable[[], Any]] = {"calcml (0-d tensors)": calcml_graph}
    if available(torch):
        builders["pytorch (0-d tensors)"] = lambda: scalar_mlp(
            lambda w: torch.tensor(w, dtype=torch.float64, requires_grad=True), torch.relu
        )
    if available(micrograd):
        builders["micrograd"] = lambda: scalar_mlp(micrograd.Value, lambda v: v.relu())
    _, n_ops = calcml_graph()
    times: dict[str, list[float]] = {k: [] for k in builders}
    build_times: dict[str, list[float]] = {k: [] for k in builders}
    for _ in range(repeats):
        for name, build in builders.items():
            t0 = time.perf_counter()
            loss, _ = build()
            build_times[name].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            loss.backward()
            times[name].append(time.perf_counter() - t0)
    results = {k: (statistics.median(v), min(v)) for k, v in times.items()}
    base = "pytorch (0-d tensors)" if "pytorch (0-d tensors)" in results else "calcml (0-d tensors)"
    report(f"(c) backward through a scalar graph of {n_ops} ops", results, "µs/node",
           1e6 / n_ops, base)  # fmt: skip
    print("  forward (building the graph), for reference:")
    for k, v in build_times.items():
        print(f"  {k:28s} {statistics.median(v) * 1e6 / n_ops:10.2f} µs/node")
    unavailable(("pytorch", torch), ("micrograd", micrograd))


# --- (d) gradient, Hessian-vector product, Hessian -----------------------------------------------
N = 100


def bench_second_order(repeats: int) -> None:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((N, N)) / np.sqrt(N)
    x, v = rng.standard_normal(N), rng.standard_normal(N)

    def f(x: Any) -> Any:
        return cm.softplus(a @ x).sum() + 0.25 * (x**4).sum()

    s = 1 / (1 + np.exp(-(a @ x)))
    exact_g = a.T @ s + x**3
    exact_h = a.T @ (a * (s * (1 - s))[:, None]) + np.diag(3 * x**2)
    np.testing.assert_allclose(ad.grad(f)(x), exact_g, rtol=1e-10)
    np.testing.assert_allclose(ad.hvp(f, x, v), exact_h @ v, rtol=1e-10)
    np.testing.assert_allclose(ad.hessian(f)(x), exact_h, rtol=1e-10, atol=1e-12)

    def by_hand_g() -> Any:
        return a.T @ (1 / (1 + np.exp(-(a @ x)))) + x**3

    def by_hand_hv() -> Any:
        s = 1 / (1 + np.exp(-(a @ x)))
        return a.T @ ((s * (1 - s)) * (a @ v)) + 3 * x**2 * v

    def by_hand_h() -> Any:
        s = 1 / (1 + np.exp(-(a @ x)))
        return a.T @ (a * (s * (1 - s))[:, None]) + np.diag(3 * x**2)

    tasks: dict[str, dict[str, Callable[[], Any]]] = {
        "gradient": {"calcml": lambda: ad.grad(f)(x), "numpy (by hand)": by_hand_g},
        "hessian-vector product": {
            "calcml": lambda: ad.hvp(f, x, v),
            "numpy (by hand)": by_hand_hv,
        },
        "full hessian": {"calcml": lambda: ad.hessian(f)(x), "numpy (by hand)": by_hand_h},
    }
    if available(torch):
        ta, tx, tv = torch.tensor(a), torch.tensor(x), torch.tensor(v)
        tf = lambda x: torch.nn.functional.softplus(ta @ x).sum() + 0.25 * (x**4).sum()  # noqa: E731
        tg = torch.func.grad(tf)
        tasks["gradient"]["pytorch (torch.func)"] = lambda: tg(tx)
        tasks["hessian-vector product"]["pytorch (torch.func)"] = lambda: torch.func.jvp(
            tg, (tx,), (tv,)
        )[1]
        tasks["full hessian"]["pytorch (torch.func)"] = lambda: torch.func.hessian(tf)(tx)
        tasks["full hessian"]["pytorch (autograd.functional)"] = lambda: (
            torch.autograd.functional.hessian(tf, tx)
        )
    if available(hips):
        hf = lambda x: hnp.sum(hnp.logaddexp(0.0, hnp.dot(a, x))) + 0.25 * hnp.sum(x**4)  # noqa: E731
        tasks["gradient"]["hips autograd"] = lambda: hips.grad(hf)(x)
        hvp = hips.hessian_vector_product(hf)
        tasks["hessian-vector product"]["hips autograd"] = lambda: hvp(x, v)
        tasks["full hessian"]["hips autograd"] = lambda: hips.hessian(hf)(x)
    if available(jax):
        jf = lambda x: jnp.sum(jax.nn.softplus(a @ x)) + 0.25 * jnp.sum(x**4)  # noqa: E731
        jg, jh = jax.jit(jax.grad(jf)), jax.jit(jax.hessian(jf))
        jhv = jax.jit(lambda x, v: jax.jvp(jax.grad(jf), (x,), (v,))[1])
        tasks["gradient"]["jax (jit, compiled)"] = lambda: jg(x).block_until_ready()
        tasks["hessian-vector product"]["jax (jit, compiled)"] = lambda: jhv(
            x, v
        ).block_until_ready()
        tasks["full hessian"]["jax (jit, compiled)"] = lambda: jh(x).block_until_ready()
    print("\n(d) f(x) = Σ softplus(Ax) + ¼Σx⁴, x ∈ R^100 (float64)")
    for task, cases in tasks.items():
        results = measure(cases, repeats * (1 if task == "full hessian" else 5))
        base = next((k for k in results if k.startswith("pytorch")), "calcml")
        report(f" {task}", results, "µs", 1e6, base)
    unavailable(("pytorch", torch), ("hips autograd", hips), ("jax", jax))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20, help="repeats per measurement")
    parser.add_argument("--quick", action="store_true", help="few repeats (a smoke run)")
    parser.add_argument("--only", default="abcd", help="which parts to run, e.g. 'ab'")
    args = parser.parse_args()
    repeats = 3 if args.quick else args.repeats
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, one thread")
    for name, mod in (("torch", torch), ("autograd", hips), ("micrograd", micrograd), ("jax", jax)):
        version = getattr(mod, "__version__", "installed") if available(mod) else "unavailable"
        print(f"  {name}: {version}")
    # Move everything loaded so far (PyTorch's and JAX's many objects) out of the garbage
    # collector's view: the collector still runs, but on the benchmark's own objects, as it would
    # in a program that imports only one of these libraries.
    gc.freeze()
    parts = {"a": bench_chain, "b": bench_mlp, "c": bench_scalar, "d": bench_second_order}
    for key in args.only:
        parts[key](repeats)


if __name__ == "__main__":
    main()
