"""The training loop every gradient-trained model shares: mini-batches, a validation split, early
stopping, a progress bar with the loss, and the loss history `fit` returns.

>>> h = History([3.0, 2.0, 1.5])
>>> h.best, len(h)
(1.5, 3)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from calcml.autodiff import Tensor, no_grad
from calcml.ml._devices import on_device, snapshot
from calcml.ml._threads import one_blas_thread
from calcml.ml.data import batches, split_indices
from calcml.ml.optim import Optimizer

#: runs with at least this many epochs (or iterations) show a progress bar on a terminal
LONG_RUN = 200


class History(list):  # type: ignore[type-arg]
    """The training loss per epoch (a list), with the validation history beside it.

    `fit` returns one; unknown attributes are looked up on the fitted model, so scikit-learn's
    chaining (`model.fit(X, y).predict(X)`) works too.
    """

    def __init__(self, values: Any = (), model: Any = None) -> None:
        super().__init__(values)
        self.model = model
        self.val_loss: list[float] = []
        self.val_score: list[float] = []
        self.stopped_early = False
        self.seconds = 0.0

    @property
    def best(self) -> float:
        return min(self) if self else float("nan")

    def __getattr__(self, name: str) -> Any:
        model = self.__dict__.get("model")
        if model is None or name.startswith("__"):
            raise AttributeError(name)
        return getattr(model, name)


def show_progress(total: int, verbose: bool | None) -> bool:
    """A bar only for long runs on a terminal (never in pipes, files or CI), unless forced."""
    if verbose is not None:
        return bool(verbose)
    return total >= LONG_RUN and sys.stderr.isatty()


@contextmanager
def progress(total: int, description: str, enabled: bool) -> Iterator[Callable[..., None]]:
    """Yields update(advance=1, loss=None); a rich bar on stderr when `enabled`."""
    if not enabled:
        yield lambda advance=1, loss=None: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("loss {task.fields[loss]}"), TimeElapsedColumn(),
                   console=Console(stderr=True), transient=True)  # fmt: skip
    with bar:
        task = bar.add_task(description, total=total, loss="-")

        def update(advance: int = 1, loss: float | None = None) -> None:
            fields = {} if loss is None else {"loss": f"{loss:.6g}"}
            bar.update(task, advance=advance, **fields)

        yield update


def validation_split(n: int, fraction: float, seed: Any, stratify: Any = None
                     ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Train and validation row indices (stratified for classifiers), seeded."""
    if not 0 < fraction < 1:
        raise ValueError("validation_fraction must be in (0, 1)")
    try:
        return split_indices(n, fraction, random_state=seed, stratify=stratify)
    except ValueError:  # a class too small to stratify: fall back to a plain shuffle
        return split_indices(n, fraction, random_state=seed)


def fit_loop(params: list[Tensor], loss_fn: Callable[[np.ndarray, np.ndarray], Tensor],
             X: np.ndarray, y: np.ndarray, optimizer: Optimizer, *, epochs: int,
             batch_size: int | None = None, shuffle: bool = True, seed: Any = None,
             validation: tuple[np.ndarray, np.ndarray] | None = None,
             score_fn: Callable[[np.ndarray, np.ndarray], float] | None = None,
             early_stopping: bool = False, patience: int = 10, tol: float = 1e-4,
             schedule: Any = None, clip: float | None = None, verbose: bool | None = None,
             description: str = "training", model: Any = None) -> History:  # fmt: skip
    """Minimise `loss_fn(X_batch, y_batch)` over `params` for `epochs` passes.

    Records each epoch's mean batch loss. X and y of another array-API namespace (CuPy) stay
    there (see `calcml.ml.data.batches`); the epoch's loss is summed on the device and read
    once per epoch. With `validation`, also the validation loss and (with
    `score_fn`) score; `early_stopping` stops after `patience` epochs without an improvement of
    `tol` (in the score when given, else the loss) and restores the best parameters.
    """
    from calcml.ml.optim import clip_grad_norm

    history = History(model=model)
    rng = np.random.default_rng(seed)
    on_host = on_device(X) is None
    n = len(X) if on_host else X.shape[0]
    size = n if batch_size is None else max(1, min(int(batch_size), n))
    best_value, best_state, stale = np.inf, None, 0
    start = time.perf_counter()
    with one_blas_thread(), progress(epochs, description, show_progress(epochs, verbose)) as update:
        for _ in range(epochs):
            total, count = 0.0, 0
            parts = batches(X, y, batch_size=size, shuffle=shuffle and size < n, seed=rng)
            for Xb, yb in parts:
                optimizer.zero_grad()
                loss = loss_fn(Xb, yb)
                loss.backward()
                if clip is not None:
                    clip_grad_norm(params, clip)
                optimizer.step()
                rows = len(Xb) if on_host else Xb.shape[0]
                # on a device the sum stays there: one float() per epoch, not per step
                total = total + (float(loss.data) if on_host else loss.data) * rows
                count += rows
            history.append(float(total) / count)
            if schedule is not None:
                schedule.step()
            if not np.isfinite(history[-1]):
                break
            if validation is not None:
                with no_grad():
                    history.val_loss.append(float(loss_fn(*validation).data))
                if score_fn is not None:
                    history.val_score.append(float(score_fn(*validation)))
            update(loss=history[-1])
            if early_stopping:
                current = _monitored(history, validation is not None, score_fn is not None)
                if current < best_value - tol:
                    best_value, stale = current, 0
                    best_state = [snapshot(p.data) for p in params]
                else:
                    stale += 1
                    if stale >= patience:
                        history.stopped_early = True
                        break
    if early_stopping and best_state is not None and validation is not None:
        for p, saved in zip(params, best_state, strict=True):
            p.data[...] = saved
    history.seconds = time.perf_counter() - start
    return history


def _monitored(history: History, has_validation: bool, has_score: bool) -> float:
    if has_validation and has_score:
        return -history.val_score[-1]
    if has_validation:
        return history.val_loss[-1]
    return history[-1]
