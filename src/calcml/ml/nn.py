"""Neural-network pieces on calcml tensors: Module, Parameter, Linear, activations, Sequential, MLP.

Parameters are ordinary tensors that require gradients; a `Module` finds them among its
attributes (and its sub-modules') in the order they were set, names them as PyTorch does
(`0.weight`, `2.bias`), and saves or loads them as a `.npz` file. Initialisation is seeded.
Parameters are made with NumPy; `module.to("cuda")` (or `.to(x)` for an array `x` of another
array-API namespace) moves them, and the forward pass then runs where they are.

>>> net = MLP([4, 8, 3], activation="relu", seed=0)
>>> [name for name, _ in net.named_parameters()]
['0.weight', '0.bias', '2.weight', '2.bias']
>>> net(np.ones((5, 4))).shape
(5, 3)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from calcml.autodiff import Tensor
from calcml.autodiff.namespaces import foreign, move, to_host
from calcml.core import registry
from calcml.ml._tensor import as_tensor


def Parameter(data: Any) -> Tensor:
    """A trainable tensor: a float64 copy of `data` that requires gradients (an array of another
    namespace keeps its namespace, device and floating dtype)."""
    if isinstance(data, Tensor):
        data = data.data
    if foreign(data) is not None:
        return Tensor(data, requires_grad=True)
    return Tensor(np.array(getattr(data, "data", data), dtype=np.float64), requires_grad=True)


class Module:
    """Base class: sub-modules and parameters are found among the attributes."""

    training: bool = True

    def forward(self, x: Any) -> Tensor:
        raise NotImplementedError

    def __call__(self, x: Any) -> Tensor:
        return self.forward(x)

    def _children(self) -> Iterator[tuple[str, Any]]:
        yield from vars(self).items()

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
        """(name, tensor) for every parameter, sub-modules first-come first-named."""
        for name, value in self._children():
            if isinstance(value, Tensor) and value.requires_grad:
                yield prefix + name, value
            elif isinstance(value, Module):
                yield from value.named_parameters(f"{prefix}{name}.")

    def parameters(self) -> list[Tensor]:
        return [p for _, p in self.named_parameters()]

    def n_parameters(self) -> int:
        """The number of trainable numbers."""
        return int(sum(p.data.size for p in self.parameters()))

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = None

    def to(self, device: Any, dtype: Any = None) -> Module:
        """Move every parameter to `device` ('cpu', 'cuda', 'cuda:N', or an array or tensor to
        sit beside), in place; returns the module. Parameters keep their identity (make the
        optimizer afterwards, as in PyTorch) and lose their gradients. Without `dtype`, host
        parameters moved to a GPU become float32 (the GPU default), and beside an array they
        take its floating dtype.

        >>> net = MLP([2, 3, 1], seed=0).to("cpu")
        >>> net[0].weight.device
        'cpu'
        """
        like = getattr(device, "data", device) if isinstance(device, Tensor) else device
        xp = None if isinstance(like, str) else foreign(like)
        if dtype is None and xp is not None and xp.isdtype(like.dtype, "real floating"):
            dtype = like.dtype
        for p in self.parameters():
            p.data = move(p.data, like, dtype)
            p.grad = None
        return self

    def train(self, mode: bool = True) -> Module:
        for m in self.modules():
            m.training = mode
        return self

    def eval(self) -> Module:
        return self.train(False)

    def modules(self) -> Iterator[Module]:
        yield self
        for _, value in self._children():
            if isinstance(value, Module):
                yield from value.modules()

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of the parameter arrays by name."""
        return {name: np.array(to_host(p.data)) for name, p in self.named_parameters()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Copy arrays into the parameters (names and shapes must match)."""
        params = dict(self.named_parameters())
        missing, extra = set(params) - set(state), set(state) - set(params)
        if missing or extra:
            raise ValueError(f"state does not fit: missing {sorted(missing)}, "
                             f"unexpected {sorted(extra)}")  # fmt: skip
        for name, p in params.items():
            value = np.asarray(to_host(state[name]), dtype=np.float64)
            if value.shape != p.data.shape:
                raise ValueError(f"{name}: shape {value.shape}, expected {p.data.shape}")
            p.data[...] = value if foreign(p.data) is None else move(value, p.data, p.data.dtype)

    def save(self, path: str | Path) -> Path:
        """Write the parameters to a `.npz` file (NumPy's format, no pickles)."""
        path = Path(path)
        if path.suffix != ".npz":
            path = path.with_suffix(".npz")
        np.savez(path, **self.state_dict())
        return path

    def load(self, path: str | Path) -> Module:
        """Read parameters written by `save`."""
        with np.load(Path(path), allow_pickle=False) as f:
            self.load_state_dict({k: f[k] for k in f.files})
        return self

    def __repr__(self) -> str:
        inner = [f"  ({n}): {v!r}" for n, v in self._children() if isinstance(v, Module)]
        if not inner:
            return f"{type(self).__name__}()"
        return f"{type(self).__name__}(\n" + "\n".join(inner) + "\n)"


# --- initialisation ---------------------------------------------------------------------------


def init_weight(fan_in: int, fan_out: int, scheme: str, rng: np.random.Generator) -> np.ndarray:
    """A (fan_out, fan_in) weight matrix.

    Schemes: `xavier` (Glorot uniform, bound sqrt(6/(fan_in+fan_out))), `xavier_normal`,
    `he` (Kaiming normal, std sqrt(2/fan_in), for ReLU), `he_uniform`, and `torch` (PyTorch's
    Linear default, uniform with bound 1/sqrt(fan_in)).
    """
    shape = (fan_out, fan_in)
    if scheme == "xavier":
        bound = math.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-bound, bound, shape)
    if scheme == "xavier_normal":
        return rng.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out)), shape)
    if scheme == "he":
        return rng.normal(0.0, math.sqrt(2.0 / fan_in), shape)
    if scheme == "he_uniform":
        bound = math.sqrt(6.0 / fan_in)
        return rng.uniform(-bound, bound, shape)
    if scheme == "torch":
        bound = 1.0 / math.sqrt(fan_in)
        return rng.uniform(-bound, bound, shape)
    raise ValueError(f"unknown init {scheme!r}: xavier, xavier_normal, he, he_uniform, torch")


def _rng(seed: Any) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


class Linear(Module):
    """y = x W^T + b with W of shape (out_features, in_features), as in PyTorch.

    >>> layer = Linear(3, 2, init="xavier", seed=1)
    >>> layer.weight.shape, layer.bias.shape
    ((2, 3), (2,))
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 init: str = "xavier", seed: Any = None) -> None:  # fmt: skip
        rng = _rng(seed)
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.weight = Parameter(init_weight(self.in_features, self.out_features, init, rng))
        if bias:
            if init == "torch":
                bound = 1.0 / math.sqrt(self.in_features)
                self.bias: Tensor | None = Parameter(rng.uniform(-bound, bound, out_features))
            else:
                self.bias = Parameter(np.zeros(out_features))
        else:
            self.bias = None

    def forward(self, x: Any) -> Tensor:
        y = as_tensor(x) @ self.weight.T
        return y + self.bias if self.bias is not None else y

    def __repr__(self) -> str:
        return f"Linear(in={self.in_features}, out={self.out_features}, " \
               f"bias={self.bias is not None})"  # fmt: skip


def gelu(x: Any) -> Tensor:
    """GELU, exact form x Φ(x) = 0.5 x (1 + erf(x / sqrt 2)) (PyTorch's default)."""
    t = as_tensor(x)
    return 0.5 * t * (1.0 + registry.erf(t * (1.0 / math.sqrt(2.0))))


def identity(x: Any) -> Tensor:
    return as_tensor(x)


ACTIVATIONS: dict[str, Callable[[Any], Tensor]] = {
    "relu": lambda x: registry.relu(as_tensor(x)),
    "tanh": lambda x: registry.tanh(as_tensor(x)),
    "sigmoid": lambda x: registry.sigmoid(as_tensor(x)),
    "softplus": lambda x: registry.softplus(as_tensor(x)),
    "gelu": gelu,
    "identity": identity,
}


class Activation(Module):
    """An elementwise activation by name: relu, tanh, sigmoid, softplus, gelu, identity."""

    def __init__(self, name: str) -> None:
        if name not in ACTIVATIONS:
            raise ValueError(f"unknown activation {name!r}; choose from {', '.join(ACTIVATIONS)}")
        self.name = name

    def forward(self, x: Any) -> Tensor:
        return ACTIVATIONS[self.name](x)

    def __repr__(self) -> str:
        return f"{self.name.capitalize()}()" if self.name != "gelu" else "GELU()"


def ReLU() -> Activation:
    return Activation("relu")


def Tanh() -> Activation:
    return Activation("tanh")


def Sigmoid() -> Activation:
    return Activation("sigmoid")


def Softplus() -> Activation:
    return Activation("softplus")


def GELU() -> Activation:
    return Activation("gelu")


class Sequential(Module):
    """Modules applied in order; their parameters are named by position (`0.weight`)."""

    def __init__(self, *layers: Module) -> None:
        self.layers = list(layers)

    def _children(self) -> Iterator[tuple[str, Any]]:
        for i, layer in enumerate(self.layers):
            yield str(i), layer

    def forward(self, x: Any) -> Tensor:
        out = as_tensor(x)
        for layer in self.layers:
            out = layer(out)
        return out

    def __getitem__(self, i: int) -> Module:
        return self.layers[i]

    def __len__(self) -> int:
        return len(self.layers)


class MLP(Sequential):
    """A multi-layer perceptron: Linear, activation, ..., Linear (no activation at the end).

    Arguments:
        sizes: layer widths, input first and output last ([64, 128, 10]).
        activation: the hidden activation's name.
        init: weight initialisation; by default He for relu/gelu/softplus, Xavier otherwise.
        seed: seeds every layer's initialisation (one generator, layers in order).
    """

    def __init__(self, sizes: list[int] | tuple[int, ...], activation: str = "relu",
                 init: str | None = None, seed: Any = None) -> None:  # fmt: skip
        if len(sizes) < 2:
            raise ValueError("an MLP needs at least an input and an output size")
        if init is None:
            init = "he" if activation in ("relu", "gelu", "softplus") else "xavier"
        rng = _rng(seed)
        layers: list[Module] = []
        for i, (a, b) in enumerate(pairwise(sizes)):
            layers.append(Linear(a, b, init=init, seed=rng))
            if i < len(sizes) - 2:
                layers.append(Activation(activation))
        super().__init__(*layers)
        self.sizes = tuple(int(s) for s in sizes)
        self.activation = activation
