"""Which array namespace holds an array: NumPy (the default) or another array-API namespace.

A tensor may hold an array of any namespace that implements the array API standard (CuPy on a
GPU, or `array_api_strict` in tests). NumPy keeps its own fast path everywhere: an op asks
`foreign(x)`, a dictionary lookup on `x`'s class, and goes on with NumPy when the answer is None.
Any other array's namespace comes from `array_api_compat.array_namespace` (looked up once per
array class), and every op and rule on it then runs in that namespace: the data never goes
through the host inside an operation. Moving data between host and device is explicit
(`Tensor.to`, `tensor(..., device=...)`) and lives here.

>>> import numpy as np
>>> foreign(np.zeros(2)) is None, foreign(1.5) is None, namespace(np.zeros(2)) is np
(True, True, True)
>>> device_name(np.zeros(2))
'cpu'
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from calcml.core.arrays import is_cupy
from calcml.core.errors import CalcmlError

# array class -> its namespace, None for NumPy's arrays and scalars and Python's numbers.
_NAMESPACES: dict[type, Any] = dict.fromkeys(
    (np.ndarray, np.float64, np.float32, np.float16, np.int64, np.int32, np.bool_, float, int, bool)
)


def foreign(x: Any) -> Any:
    """The array namespace of `x` when it is not NumPy's, else None (NumPy arrays and scalars,
    Python numbers, lists and other objects that are not arrays)."""
    try:
        return _NAMESPACES[x.__class__]
    except KeyError:
        return _learn(x)


def _learn(x: Any) -> Any:
    cls = x.__class__
    xp = None
    if not issubclass(cls, np.ndarray | np.generic) and (
        hasattr(x, "__array_namespace__") or is_cupy(x)  # CuPy's arrays do not say it themselves
    ):
        from array_api_compat import array_namespace  # loads only when such an array arrives

        xp = array_namespace(x)
    _NAMESPACES[cls] = xp
    return xp


def unwrap(x: Any) -> Any:
    """A tensor's data, anything else itself (tensors are known by the registry's hook; a
    CuPy array's own `.data` is its memory pointer, so `getattr(x, "data")` will not do)."""
    return x.data if hasattr(type(x), "__calcml_apply__") else x


def namespace(x: Any) -> Any:
    """The namespace of `x`: NumPy unless `x` belongs to another one."""
    if x.__class__ is np.ndarray:
        return np
    xp = foreign(x)
    return np if xp is None else xp


def name_of(xp: Any) -> str:
    """A namespace's name for messages: 'cupy', 'array_api_strict', 'numpy'."""
    name = getattr(xp, "__name__", str(xp))
    return name.removeprefix("array_api_compat.")


def device_of(x: Any) -> Any:
    """The device object of a non-NumPy array (None for NumPy)."""
    if foreign(x) is None:
        return None
    from array_api_compat import device

    return device(x)


def device_name(x: Any) -> Any:
    """'cpu' for NumPy, 'cuda:N' for CuPy, the namespace's own device object otherwise."""
    xp = foreign(x)
    if xp is None:
        return "cpu"
    dev = device_of(x)
    if "cupy" in name_of(xp):
        return f"cuda:{dev.id}"
    return dev


def dtype_in(xp: Any, dtype: Any) -> Any:
    """`dtype` (a NumPy dtype, its name, or the namespace's own) as `xp`'s dtype object."""
    if xp is np or dtype is None:
        return None if dtype is None else np.dtype(dtype)
    try:
        name = np.dtype(dtype).name
    except TypeError:
        return dtype  # already the namespace's own dtype object
    found = getattr(xp, name, None)
    if found is None:
        raise CalcmlError(f"dtype {name} is not available in {name_of(xp)}")
    return found


def default_float(xp: Any, device: Any) -> Any:
    """The floating dtype data gets when none is asked for: float32 on a GPU, float64 elsewhere."""
    if "cupy" in name_of(xp):
        return xp.float32
    return xp.float64


def is_floating(xp: Any, dtype: Any) -> bool:
    return bool(xp.isdtype(dtype, "real floating"))


# --- moving between host and device ------------------------------------------------------------


def cupy_namespace() -> Any:
    """CuPy's array-API namespace, or a one-line error when CuPy or a GPU is missing."""
    try:
        import cupy
        from array_api_compat import cupy as xp

        cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # ImportError, or CUDA's own error when no GPU/driver is there
        why = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise CalcmlError(
            f"device 'cuda' needs CuPy and a GPU, not available here: {why}"
        ) from None
    return xp


def to_host(x: Any) -> np.ndarray:
    """A NumPy copy of an array of any namespace (an explicit copy to the host)."""
    if foreign(x) is None:
        return np.asarray(x)
    if hasattr(x, "get"):  # CuPy: the copy from the GPU
        return x.get()
    try:
        return np.from_dlpack(x)
    except Exception:
        return np.asarray(x)


def _cuda_device(target: str) -> Any:
    import cupy

    _, _, index = target.partition(":")
    return cupy.cuda.Device(int(index) if index else 0)


def move(data: Any, target: Any, dtype: Any = None) -> Any:
    """`data` moved to `target`, cast to `dtype` when given.

    Arguments:
        data: an array of any namespace, or anything `np.asarray` accepts.
        target: 'cpu' (NumPy), 'cuda' or 'cuda:N' (CuPy), or an array (or tensor) whose
            namespace and device to use.
        dtype: the dtype to cast to. None keeps a floating dtype, except that host data moved
            to a GPU becomes float32 (the GPU default) and non-floating data becomes the
            target's default float (float64 on the CPU).

    >>> move([1, 2], "cpu").dtype
    dtype('float64')
    """
    like = unwrap(target)
    if isinstance(like, str):
        if like == "cpu":
            xp, dev = np, None
        elif like == "cuda" or like.startswith("cuda:") or like == "gpu":
            xp, dev = cupy_namespace(), _cuda_device(like.replace("gpu", "cuda"))
        else:
            raise CalcmlError(f"unknown device {target!r}: use 'cpu', 'cuda' or 'cuda:N'")
    else:
        xp = namespace(like)
        dev = device_of(like)
    return _convert(data, xp, dev, dtype, on_gpu=dev is not None and "cupy" in name_of(xp))


def _convert(data: Any, xp: Any, dev: Any, dtype: Any, on_gpu: bool) -> Any:
    src = foreign(data)
    if xp is np:
        arr = to_host(data) if src is not None else np.asarray(data)
        want = np.dtype(dtype) if dtype is not None else None
        if want is None and arr.dtype.kind != "f":
            want = np.dtype(np.float64)
        return np.array(arr, dtype=want)
    if src is not None and src is not xp:
        data = to_host(data)  # between two foreign namespaces: through the host, explicitly
        src = None
    want = dtype_in(xp, dtype)
    if src is None:
        arr = np.asarray(data)
        if want is None and (on_gpu or arr.dtype.kind != "f"):
            want = default_float(xp, dev)
        return xp.asarray(arr, dtype=want, device=dev, copy=True)
    if want is None and not is_floating(xp, data.dtype):
        want = default_float(xp, dev)
    out = xp.asarray(data, copy=True)
    if dev is not None and device_of(out) != dev:
        from array_api_compat import to_device  # CuPy's arrays have no .to_device

        out = to_device(out, dev)
    return out if want is None or out.dtype == want else xp.astype(out, want)


# --- array functions for rules that see arrays of any namespace, and tensors ------------------


def xsum(g: Any, axis: Any, keepdims: bool = False) -> Any:
    """`g.sum(axis, keepdims)` for NumPy arrays and tensors, `xp.sum` for other namespaces."""
    xp = None if g.__class__ is np.ndarray else foreign(g)  # NumPy: no lookup
    if xp is None:
        return g.sum(axis=axis, keepdims=keepdims)
    return xp.sum(g, axis=axis, keepdims=keepdims)


def xreduce(d: Any, name: str, axis: Any, keepdims: bool) -> Any:
    """`d.max(axis, keepdims)` (or mean, min) for NumPy, `xp.max(d, ...)` for other namespaces."""
    xp = None if d.__class__ is np.ndarray else foreign(d)  # NumPy: no lookup
    if xp is None:
        return getattr(d, name)(axis=axis, keepdims=keepdims)
    return getattr(xp, name)(d, axis=axis, keepdims=keepdims)


def xreshape(g: Any, shape: Any) -> Any:
    """`g.reshape(shape)` for NumPy arrays and tensors, `xp.reshape` for other namespaces."""
    xp = None if g.__class__ is np.ndarray else foreign(g)  # NumPy: no lookup
    if xp is None:
        return g.reshape(shape)
    return xp.reshape(g, (shape,) if isinstance(shape, int) else tuple(shape))


def xtranspose(g: Any, axes: Any) -> Any:
    """`g.transpose(axes)` (reversed axes for None), `xp.permute_dims` for other namespaces."""
    xp = None if g.__class__ is np.ndarray else foreign(g)  # NumPy: no lookup
    if xp is None:
        return g.transpose(axes)
    return xp.permute_dims(g, tuple(reversed(range(g.ndim))) if axes is None else tuple(axes))


def as_array(xp: Any, v: Any, like: Any) -> Any:
    """`v` as an array of `xp` beside `like` (Python numbers take like's dtype and device)."""
    if foreign(v) is xp:
        return v
    return xp.asarray(v, dtype=like.dtype, device=device_of(like))


def common_namespace(datas: Sequence[Any]) -> Any:
    """The namespace of the first non-NumPy array among `datas` (None if all are NumPy's)."""
    for d in datas:
        xp = foreign(d)
        if xp is not None:
            return xp
    return None


def where_foreign(xp: Any, c: Any, a: Any, b: Any) -> Any:
    """`xp.where` with Python numbers made arrays of the other operand's dtype and device."""
    like = a if foreign(a) is xp else b if foreign(b) is xp else None
    if like is None:  # both branches are numbers: the condition sets the device
        like = xp.asarray(0.0, device=device_of(c))
    return xp.where(c, as_array(xp, a, like), as_array(xp, b, like))


def scatter_foreign(xp: Any, g: Any, index: Any, shape: tuple[int, ...], basic: bool) -> Any:
    out = xp.zeros(shape, dtype=g.dtype, device=device_of(g))
    if basic:
        out[index] = g
    elif "cupy" in getattr(xp, "__name__", ""):
        import cupyx  # CuPy's np.add.at

        cupyx.scatter_add(out, index, g)
    else:
        raise refuse("the gradient of integer-array indexing", xp)
    return out


def same_place(a: Any, b: Any) -> None:
    """Raise a one-line CalcmlError when two array operands live in different namespaces or on
    different devices (called after an operation on them failed, so it costs nothing before)."""
    if isinstance(a, int | float) or isinstance(b, int | float):
        return
    places = [(name_of(namespace(v)), device_name(v)) for v in (a, b)]
    if places[0] != places[1]:
        (na, da), (nb, db) = places
        raise CalcmlError(
            f"the operands live apart: {na} on {da} and {nb} on {db}; move one with "
            ".to(...) or cm.tensor(..., device=...)"
        )


# --- the NumPy-only parts ----------------------------------------------------------------------


def refuse(what: str, xp: Any) -> CalcmlError:
    """The one-line error for an operation that has no form on namespace `xp`."""
    return CalcmlError(
        f"{what} runs on NumPy arrays only, not on {name_of(xp)} arrays; move the data with "
        ".to('cpu') first"
    )


def _foreign_arg(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    for a in (*args, *kwargs.values()):
        xp = foreign(unwrap(a))
        if xp is None and isinstance(a, list | tuple):
            for item in a:
                xp = foreign(unwrap(item))
                if xp is not None:
                    break
        if xp is not None:
            return xp
    return None


def numpy_only(fn: Callable[..., Any], name: str | None = None) -> Callable[..., Any]:
    """`fn`, refusing with a one-line CalcmlError any argument of another namespace (for the
    operations written for NumPy alone: linear algebra, the NumPy long tail, explain)."""
    what = name or f"calcml.{fn.__name__}"

    @functools.wraps(fn)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        xp = _foreign_arg(args, kwargs)
        if xp is not None:
            raise refuse(what, xp)
        return fn(*args, **kwargs)

    return guarded
