"""Tensor creation: tensor, as_tensor, from_numpy, zeros, ones, full, empty (more in helpers)."""
import jax.numpy as jnp
import numpy as np

from . import _device, _dtypes
from ._tensor import Tensor

__all__ = ["tensor", "as_tensor", "from_numpy", "zeros", "ones", "full", "empty"]


def _infer_dtype(data):
    """torch's inference: bools -> bool, ints -> int64, floats -> default, complex -> complex64."""
    a = np.asarray(data)
    if a.dtype == object:
        raise TypeError(f"Could not infer dtype of {type(data).__name__}")
    if a.dtype.kind == "b":
        return _dtypes.bool_
    if a.dtype.kind in "iu":
        if isinstance(data, np.ndarray):
            return _dtypes.from_np(a.dtype)
        return _dtypes.int64
    if a.dtype.kind == "f":
        if isinstance(data, (np.ndarray, np.generic)):
            return _dtypes.from_np(a.dtype)
        return _dtypes.get_default_dtype()
    if a.dtype.kind == "c":
        if isinstance(data, (np.ndarray, np.generic)):
            return _dtypes.from_np(a.dtype)
        return _dtypes.float64.to_complex() if _dtypes.get_default_dtype() is _dtypes.float64 else _dtypes.complex64
    raise TypeError(f"can't convert np.ndarray of type {a.dtype}")


def _unwrap_nested(data):
    if isinstance(data, Tensor):
        return np.asarray(data._data)
    if isinstance(data, (list, tuple)):
        return [_unwrap_nested(d) for d in data]
    return data


def _finish(arr, dtype, device, requires_grad):
    arr = _device.put(arr, device)
    t = Tensor._wrap(arr)
    if requires_grad:
        t.requires_grad = True
    return t


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """Mirrors `torch.tensor`: always copies; infers torch's dtype from the data.

    Example:
        >>> compat.tensor([1, 2]).dtype, compat.tensor([1.0]).dtype
        (torch.int64, torch.float32)
    """
    if isinstance(data, Tensor):
        src = data._data
        dt = data.dtype if dtype is None else _dtypes.to_dtype(dtype)
        return _finish(jnp.array(src, dtype=dt.np), dt, device, requires_grad)
    if hasattr(data, "__jax_array__") or (hasattr(data, "dtype") and hasattr(data, "shape") and not isinstance(data, np.ndarray)):
        data = np.asarray(data)
    data = _unwrap_nested(data)
    dt = _infer_dtype(data) if dtype is None else _dtypes.to_dtype(dtype)
    return _finish(jnp.asarray(np.asarray(data, dtype=dt.np)), dt, device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Mirrors `torch.as_tensor`: returns `data` itself when it already matches."""
    if isinstance(data, Tensor):
        if (dtype is None or _dtypes.to_dtype(dtype) == data.dtype) and device is None:
            return data
        return data.to(device=device, dtype=dtype)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(ndarray):
    """Mirrors `torch.from_numpy` (a copy: jax arrays cannot alias numpy memory)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    return Tensor._wrap(jnp.asarray(ndarray))


def _size_args(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    out = []
    for s in size:
        s = int(s)
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
        out.append(s)
    return tuple(out)


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False):
    """Mirrors `torch.full` (dtype inferred from fill_value as torch)."""
    dt = _dtypes.scalar_dtype(fill_value) if dtype is None else _dtypes.to_dtype(dtype)
    return _finish(jnp.full(_size_args((size,)), fill_value, dt.np), dt, device, requires_grad)


def zeros(*size, dtype=None, device=None, requires_grad=False, out=None):
    """Mirrors `torch.zeros`."""
    dt = _dtypes.get_default_dtype() if dtype is None else _dtypes.to_dtype(dtype)
    return _finish(jnp.zeros(_size_args(size), dt.np), dt, device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False, out=None):
    """Mirrors `torch.ones`."""
    dt = _dtypes.get_default_dtype() if dtype is None else _dtypes.to_dtype(dtype)
    return _finish(jnp.ones(_size_args(size), dt.np), dt, device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False, **_ignored):
    """Mirrors `torch.empty` (filled with zeros: uninitialised memory does not exist in jax)."""
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)
