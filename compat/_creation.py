"""Tensor creation: tensor, as_tensor, asarray, from_numpy, zeros/ones/full/empty (+ _like), eye,
arange, range, linspace, logspace, scalar_tensor, tril_indices/triu_indices.

dtype inference is torch's: bools -> bool, Python ints -> int64, Python floats -> the default
float dtype (float32), numpy arrays and numpy scalars keep their dtype. Values of arange/
linspace are computed on the host with torch's formulas (see each function).
"""
import math

import jax
import jax.numpy as jnp
import numpy as np

from . import _device, _dtypes
from ._tensor import Tensor

__all__ = ["tensor", "as_tensor", "asarray", "from_numpy", "zeros", "ones", "full", "empty", "zeros_like",
           "ones_like", "full_like", "empty_like", "eye", "arange", "range", "linspace", "logspace",
           "scalar_tensor", "tril_indices", "triu_indices", "empty_strided"]

_pyrange = range


def _np_scalar_dtype(data):
    # torch keeps the dtype of numpy scalars found inside nested lists (e.g. [np.float64(1)]).
    found = None
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        elif isinstance(x, np.generic) and x.dtype.kind in "fc":
            d = _dtypes.from_np(x.dtype)
            found = d if found is None else _dtypes.promote_types(found, d)
    return found


def _infer_dtype(data, a):
    """torch's inference from the original `data` and its numpy conversion `a`."""
    kind = a.dtype.kind
    if kind == "b":
        return _dtypes.bool_
    if isinstance(data, (np.ndarray, np.generic)):
        return _dtypes.from_np(a.dtype)
    if kind in "iu":
        return _dtypes.int64
    if kind == "f":
        if isinstance(data, (list, tuple)):
            found = _np_scalar_dtype(data)
            if found is not None and found.is_floating_point:
                return _dtypes.promote_types(found, _dtypes.get_default_dtype())
        return _dtypes.get_default_dtype()
    if kind == "c":
        return _dtypes.complex128 if _dtypes.get_default_dtype() is _dtypes.float64 else _dtypes.complex64
    raise TypeError(f"Could not infer dtype of {type(data).__name__}")


def _unwrap_nested(data):
    if isinstance(data, Tensor):
        return np.asarray(data._data)
    if isinstance(data, (list, tuple)):
        return [_unwrap_nested(d) for d in data]
    return data


def _has_tensor(data):
    if isinstance(data, Tensor):
        return True
    return isinstance(data, (list, tuple)) and len(data) > 0 and _has_tensor(data[0])


def _raise_bad_leaf(data):
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        elif isinstance(x, (str, bytes)):
            raise TypeError(f"new(): invalid data type '{type(x).__name__}'")
        elif not isinstance(x, (int, float, complex, bool, np.generic, np.ndarray)):
            raise RuntimeError(f"Could not infer dtype of {type(x).__name__}")
    raise TypeError(f"Could not infer dtype of {type(data).__name__}")


def _raise_ragged(data, dim=0):
    # torch's message for ragged nested sequences: the first length that differs.
    if isinstance(data, (list, tuple)) and data and isinstance(data[0], (list, tuple)):
        n = len(data[0])
        for item in data:
            if not isinstance(item, (list, tuple)):
                raise ValueError(f"expected sequence of length {n} at dim {dim + 1} (got {type(item).__name__})")
            if len(item) != n:
                raise ValueError(f"expected sequence of length {n} at dim {dim + 1} (got {len(item)})")
        for item in data:
            _raise_ragged(item, dim + 1)
    raise ValueError("could not build a tensor from ragged nested sequences")


def _finish(arr, dtype, device, requires_grad):
    if device is not None:
        arr = _device.put(arr, device)
    t = Tensor._wrap(arr)
    if requires_grad:
        if not (t.dtype.is_floating_point or t.dtype.is_complex):
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t.requires_grad = True
    return t


def _dt(dtype, default):
    return default if dtype is None else _dtypes.to_dtype(dtype)


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """Mirrors `torch.tensor(data, *, dtype=None, device=None, requires_grad=False)`.

    Always copies; infers torch's dtype from the data.

    Example:
        >>> compat.tensor([1, 2]).dtype, compat.tensor([1.0]).dtype, compat.tensor(True).dtype
        (torch.int64, torch.float32, torch.bool)
    """
    if isinstance(data, Tensor):
        dt = _dt(dtype, data.dtype)
        return _finish(data._data.astype(dt.np), dt, device, requires_grad)
    if isinstance(data, jax.Array):
        dt = _dt(dtype, _dtypes.from_np(data.dtype))
        return _finish(data.astype(dt.np), dt, device, requires_grad)
    if _has_tensor(data):
        data = _unwrap_nested(data)
    try:
        a = np.asarray(data)
    except ValueError:  # ragged nested lists
        _raise_ragged(data)
    if a.dtype == object or a.dtype.kind in "USV":
        _raise_bad_leaf(data)
    dt = _infer_dtype(data, a) if dtype is None else _dtypes.to_dtype(dtype)
    if a.dtype != dt.np:
        a = a.astype(dt.np)
    return _finish(jnp.asarray(a), dt, device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Mirrors `torch.as_tensor(data, dtype=None, device=None)`: `data` itself when it matches."""
    if isinstance(data, Tensor):
        if (dtype is None or _dtypes.to_dtype(dtype) is data.dtype) and device is None:
            return data
        return data.to(device=device, dtype=dtype)
    return tensor(data, dtype=dtype, device=device)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """Mirrors `torch.asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False)`."""
    t = as_tensor(obj, dtype=dtype, device=device)
    if copy and t is obj:
        t = tensor(obj)
    if requires_grad:
        t.requires_grad_(True)
    return t


def from_numpy(ndarray):
    """Mirrors `torch.from_numpy(ndarray)` (a copy: jax arrays cannot alias numpy memory)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtypes.from_np(ndarray.dtype)  # raises for dtypes torch has no equivalent of
    return Tensor._wrap(jnp.asarray(ndarray))


def _size_args(size, opname="zeros"):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = s.item()
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(f"{opname}(): argument 'size' must be tuple of ints, but found element of type "
                            f"{type(s).__name__}")
        s = int(s)
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
        out.append(s)
    return tuple(out)


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False, out=None, **_):
    """Mirrors `torch.full(size, fill_value)` (dtype inferred from fill_value, as torch).

    Example:
        >>> compat.full((2,), 3).dtype, compat.full((2,), 0.5).dtype
        (torch.int64, torch.float32)
    """
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    dt = _dtypes.scalar_dtype(fill_value) if dtype is None else _dtypes.to_dtype(dtype)
    shape = _size_args((size,) if not isinstance(size, (int, np.integer)) else ((size,),), "full")
    return _finish(jnp.full(shape, fill_value, dt.np), dt, device, requires_grad)


def zeros(*size, dtype=None, device=None, requires_grad=False, out=None, **_):
    """Mirrors `torch.zeros(*size, dtype=None, device=None, requires_grad=False)`."""
    dt = _dt(dtype, _dtypes.get_default_dtype())
    return _finish(jnp.zeros(_size_args(size), dt.np), dt, device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False, out=None, **_):
    """Mirrors `torch.ones(*size, ...)`."""
    dt = _dt(dtype, _dtypes.get_default_dtype())
    return _finish(jnp.ones(_size_args(size, "ones"), dt.np), dt, device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False, out=None, **_):
    """Mirrors `torch.empty(*size, ...)` (zero-filled: uninitialised memory does not exist in jax)."""
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def empty_strided(size, stride, *, dtype=None, device=None, requires_grad=False, **_):
    """Mirrors `torch.empty_strided` (strides are ignored: compat tensors are contiguous)."""
    return zeros(tuple(size), dtype=dtype, device=device, requires_grad=requires_grad)


def _like(input, dtype, device):
    return _dt(dtype, input.dtype), (input.device if device is None else device)


def zeros_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, **_):
    """Mirrors `torch.zeros_like(input)`."""
    dt, dev = _like(input, dtype, device)
    return _finish(jnp.zeros(input._data.shape, dt.np), dt, dev if device is not None else None, requires_grad)


def ones_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, **_):
    """Mirrors `torch.ones_like(input)`."""
    dt, dev = _like(input, dtype, device)
    return _finish(jnp.ones(input._data.shape, dt.np), dt, dev if device is not None else None, requires_grad)


def empty_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, **_):
    """Mirrors `torch.empty_like(input)` (zero-filled)."""
    return zeros_like(input, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False, memory_format=None, **_):
    """Mirrors `torch.full_like(input, fill_value)` (input's dtype by default)."""
    dt, dev = _like(input, dtype, device)
    return _finish(jnp.full(input._data.shape, fill_value, dt.np), dt, dev if device is not None else None,
                   requires_grad)


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False, out=None, **_):
    """Mirrors `torch.eye(n, m=None)`."""
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is not None and m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    dt = _dt(dtype, _dtypes.get_default_dtype())
    return _finish(jnp.eye(int(n), None if m is None else int(m), dtype=dt.np), dt, device, requires_grad)


def _num(x):
    return x.item() if isinstance(x, Tensor) else x


def _is_float(*xs):
    return any(isinstance(x, (float, np.floating)) or (isinstance(x, Tensor) and x.dtype._kind >= 2) for x in xs)


def arange(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False, out=None, **_):
    """Mirrors `torch.arange(start=0, end, step=1)`: [start, end) in steps.

    int64 when start/end/step are all integers, else the default float dtype. The length is
    ceil((end - start) / step) computed in double, and element i is start + i * step
    computed in double then cast, as torch's CPU kernel.

    Example:
        >>> compat.arange(3), compat.arange(0, 1, 0.25)
        (tensor([0, 1, 2]), tensor([0.0000, 0.2500, 0.5000, 0.7500]))
    """
    if end is None:
        start, end = 0, start
    is_float = _is_float(start, end, step)
    start, end, step = _num(start), _num(end), _num(step)
    dt = _dt(dtype, _dtypes.get_default_dtype() if is_float else _dtypes.int64)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    for v in (start, end):
        if isinstance(v, float) and not math.isfinite(v):
            raise RuntimeError(f"unsupported range: {start} -> {end}")
    if not ((step > 0 and end >= start) or (step < 0 and end <= start)):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dt is _dtypes.int64 and not is_float:
        vals = start + step * np.arange(_int_count(start, end, step), dtype=np.int64)
    else:
        n = math.ceil((float(end) - float(start)) / float(step))
        vals = float(start) + float(step) * np.arange(n, dtype=np.float64)
    return _finish(jnp.asarray(vals.astype(dt.np)), dt, device, requires_grad)


def _int_count(start, end, step):
    # torch's integer size rule: (end - start + step - sign(step)) / step with C truncation.
    sgn = (step > 0) - (step < 0)
    num = end - start + step - sgn
    q = abs(num) // abs(step)
    return max(0, q if (num >= 0) == (step > 0) else -q)


def range(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False, out=None, **_):
    """Mirrors the deprecated `torch.range(start, end, step=1)`: end inclusive, default float."""
    if end is None:
        start, end = 0, start
    start, end, step = _num(start), _num(end), _num(step)
    dt = _dt(dtype, _dtypes.get_default_dtype())
    if step == 0:
        raise RuntimeError("step must be nonzero")
    n = int(math.floor((end - start) / step)) + 1
    vals = float(start) + float(step) * np.arange(max(n, 0), dtype=np.float64)
    return _finish(jnp.asarray(vals.astype(dt.np)), dt, device, requires_grad)


def _linspace_values(start, end, steps, dt):
    """torch's CPU linspace: step in the output dtype (double for integers); the first half
    counts up from start, the second half down from end, so both ends are exact."""
    if steps == 0:
        return np.zeros((0,), dt.np)
    if steps == 1:
        return np.array([start], dt.np)
    step_t = np.float64 if dt._kind < 2 else (np.float32 if dt.np.itemsize <= 4 else np.float64)
    if dt._kind == 3:
        step_t = dt.np
    s = np.asarray(start).astype(dt.np).astype(step_t)
    e = np.asarray(end).astype(dt.np).astype(step_t)
    step = (e - s) / step_t(steps - 1)
    idx = np.arange(steps)
    half = steps // 2
    lo = s + step * idx.astype(step_t)
    hi = e - step * (steps - idx - 1).astype(step_t)
    return np.where(idx < half, lo, hi).astype(dt.np)


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False, out=None, **_):
    """Mirrors `torch.linspace(start, end, steps)` (default float dtype, even for int ends)."""
    steps = int(steps)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dt = _dt(dtype, _dtypes.get_default_dtype())
    vals = _linspace_values(_num(start), _num(end), steps, dt)
    return _finish(jnp.asarray(vals), dt, device, requires_grad)


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False, out=None, **_):
    """Mirrors `torch.logspace(start, end, steps, base=10.0)`: base ** linspace(start, end)."""
    steps = int(steps)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dt = _dt(dtype, _dtypes.get_default_dtype())
    exps = _linspace_values(_num(start), _num(end), steps, _dtypes.float64)
    vals = np.power(np.float64(base), exps).astype(dt.np)
    return _finish(jnp.asarray(vals), dt, device, requires_grad)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False, **_):
    """Mirrors `torch.scalar_tensor(s)` (default float dtype)."""
    dt = _dt(dtype, _dtypes.get_default_dtype())
    return _finish(jnp.asarray(np.asarray(s, dt.np)), dt, device, requires_grad)


def tril_indices(row, col, offset=0, *, dtype=None, device=None, **_):
    """Mirrors `torch.tril_indices(row, col, offset=0)` -> (2, N) int64."""
    dt = _dt(dtype, _dtypes.int64)
    r, c = np.tril_indices(row, offset, col)
    return _finish(jnp.asarray(np.stack([r, c]).astype(dt.np)), dt, device, False)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, **_):
    """Mirrors `torch.triu_indices(row, col, offset=0)` -> (2, N) int64."""
    dt = _dt(dtype, _dtypes.int64)
    r, c = np.triu_indices(row, offset, col)
    return _finish(jnp.asarray(np.stack([r, c]).astype(dt.np)), dt, device, False)
