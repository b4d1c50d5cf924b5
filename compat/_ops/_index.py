"""Indexing: `x[idx]`, `x[idx] = v`, gather/scatter, index_select/index_add/index_copy/
index_fill, masked_fill/masked_select/masked_scatter, take/take_along_dim, where, nonzero.

Indices follow torch (= numpy) rules: ints, slices (positive steps), None, Ellipsis, int
tensors/lists/arrays broadcast together (advanced indices placed as numpy places them), and
bool masks. Basic indexing returns a view (`compat._views`), so `x[0].zero_()` and
`x[:, 1] += 1` change `x`. Assignment is a functional update through `Tensor._set_`, so it
is recorded on the tape: the overwritten part of `x` gets zero gradient and the value
gets the gathered gradient.

Bool masks have a data-dependent result shape, so they are resolved eagerly to integer
indices (not traceable inside `compat.compile`); `x[mask] = scalar` is a `where` and
traces fine.
"""
import jax
import jax.numpy as jnp
from jax import lax
import numpy as np

from .. import _dispatch, _dtypes, _views
from .._tensor import Tensor
from ..autograd._grad_mode import is_grad_enabled
from ._arith import _operand
from ._common import check_broadcast, is_tracer, wrap_dim

__all__ = ["getitem", "setitem", "index_put", "gather", "scatter", "scatter_add", "scatter_reduce", "index_select",
           "index_add", "index_copy", "index_fill", "masked_fill", "masked_select", "masked_scatter",
           "take", "take_along_dim", "where", "nonzero", "argwhere"]

_apply = _dispatch.apply
_FROM_NP = _dtypes._FROM_NP
_SCALAR_NAMES = _dtypes.SCALAR_NAMES


# ----------------------------------------------------------------------------- parsing
def _decode(spec, arrays):
    """Static spec (+ traced index arrays) -> a numpy-style index tuple."""
    out = []
    for s in spec:
        if type(s) is tuple:
            if s[0] == "s":
                out.append(slice(s[1], s[2], s[3]))
            else:  # ("a", k): the k-th index array
                out.append(arrays[s[1]])
        else:
            out.append(s)
    return tuple(out)


def _k_basic(a, *, spec):
    return a[_decode(spec, ())]


def _k_basic_dynamic(a, starts, *, layout):
    """Basic indexing with the start positions as a traced operand (see `_dynamic_layout`)."""
    d = k = 0
    for entry in layout:
        if entry is None:
            a = jnp.expand_dims(a, d)
            d += 1
        elif entry[0] == "i":
            a = lax.dynamic_index_in_dim(a, starts[k], axis=d, keepdims=False)
            k += 1
        else:
            _, length, step = entry
            a = lax.dynamic_slice_in_dim(a, starts[k], (length - 1) * step + 1 if length else 0, axis=d)
            if step != 1:
                a = lax.slice_in_dim(a, 0, None, step, axis=d)
            k += 1
            d += 1
    return a


def _dynamic_layout(spec, shape):
    """Splits a basic-index spec of ints/slices/None into a static layout and the starts.

    Only lengths and steps shape the compiled kernel, so `x[i]` or `x[i:i + 64]` in a
    loop reuses one kernel for every i instead of compiling per index. Returns None for
    specs with an Ellipsis (the static path handles those).
    """
    layout, starts, dim = [], [], 0
    for entry in spec:
        if entry is None:
            layout.append(None)
        elif entry is Ellipsis:
            return None
        elif isinstance(entry, int):
            layout.append(("i",))
            starts.append(entry)
            dim += 1
        else:
            _, start, stop, step = entry
            start, stop, step = slice(start, stop, step).indices(shape[dim])
            length = len(range(start, stop, step))
            layout.append(("s", length, step))
            starts.append(start if length else 0)
            dim += 1
    return tuple(layout), np.asarray(starts, np.int64)


def _split(spec, arrays):
    """torch's two-step advanced indexing: ints/slices/None first (as views), then the index
    tensors on the result. (numpy instead counts ints as advanced indices, which moves the
    advanced dims differently, e.g. x[1, :, [0, 2]] is (5, 2) in torch, (2, 5) in numpy.)"""
    first, second = [], []
    for s in spec:
        if type(s) is tuple:
            if s[0] == "a":
                first.append(slice(None))
                second.append(arrays[s[1]])
            else:
                first.append(slice(s[1], s[2], s[3]))
                second.append(slice(None))
        elif s is None:
            first.append(None)
            second.append(slice(None))
        elif s is Ellipsis:
            first.append(Ellipsis)
            second.append(Ellipsis)
        else:  # an int: a select, its dim is gone before the advanced step
            first.append(s)
    return tuple(first), tuple(second)


def _has_int(spec):
    return any(type(s) is int for s in spec)


def _k_adv(a, *arrays, spec):
    if _has_int(spec):
        first, second = _split(spec, arrays)
        return a[first][second]
    return a[_decode(spec, arrays)]


def _oob(i, dim, size):
    return IndexError(f"index {i} is out of bounds for dimension {dim} with size {size}")


def _parse(self, idx):
    """-> (spec, index arrays, is_basic, name). Checks bounds and shapes as torch does."""
    if type(idx) is not tuple:
        idx = (idx,)
    shape = self._data.shape
    ndim = len(shape)
    # How many dims each entry consumes (bool masks consume their own ndim).
    consumed = 0
    for it in idx:
        if it is None or isinstance(it, bool) or it is Ellipsis:
            continue
        if isinstance(it, (Tensor, np.ndarray)) and it.dtype in (np.bool_, _dtypes.bool_):
            consumed += it.ndim
        else:
            consumed += 1
    if consumed > ndim:
        if ndim == 0:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    spec, arrays = [], []
    basic = True
    name = "AliasBackward0"
    dim = 0
    for it in idx:
        t = type(it)
        if t is int or (isinstance(it, (int, np.integer)) and not isinstance(it, (bool, np.bool_))):
            it = int(it)
            size = shape[dim]
            if not -size <= it < size:
                raise _oob(it, dim, size)
            spec.append(it + size if it < 0 else it)
            dim += 1
            name = "SelectBackward0"
        elif t is slice:
            start, stop, step = it.start, it.stop, it.step
            if step is not None:
                step = int(step)
                if step == 0:
                    raise ValueError("slice step cannot be zero")
                if step < 0:
                    raise ValueError("step must be greater than zero")
            spec.append(("s", None if start is None else int(start), None if stop is None else int(stop), step))
            dim += 1
            if start is not None or stop is not None or step not in (None, 1):
                name = "SliceBackward0"
        elif it is None:
            spec.append(None)
            name = "UnsqueezeBackward0"
        elif it is Ellipsis:
            if dim + (ndim - consumed) > ndim:
                raise IndexError(f"too many indices for tensor of dimension {ndim}")
            spec.append(Ellipsis)
            dim += ndim - consumed
            consumed = ndim  # a second Ellipsis expands to nothing
        elif isinstance(it, (bool, np.bool_)):
            if not it:
                raise IndexError("indexing with False (an empty selection) is not supported by compat; "
                                 "use x[None][:0] instead")
            spec.append(None)  # x[True] adds a dim of size 1, as numpy/torch
            name = "UnsqueezeBackward0"
        else:
            basic = False
            dim = _parse_array(self, it, dim, shape, spec, arrays)
    if len(arrays) > 1:
        shapes = [tuple(x.shape) for x in arrays]
        try:
            np.broadcast_shapes(*shapes)
        except ValueError:
            raise IndexError("shape mismatch: indexing tensors could not be broadcast together with shapes "
                             + ", ".join(str(list(s)) for s in shapes)) from None
    return tuple(spec), arrays, basic, name


def _parse_array(self, it, dim, shape, spec, arrays):
    if isinstance(it, Tensor):
        arr = it._data
    elif isinstance(it, jax.Array):
        arr = it
    else:
        arr = np.asarray(it)
        if arr.dtype == object:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if arr.dtype.kind == "f" and arr.size == 0:
            arr = arr.astype(np.int64)  # x[[]] selects nothing, as torch
    kind = np.dtype(arr.dtype).kind
    if kind == "b":
        if arr.ndim == 0:
            raise IndexError("a 0-dim bool mask is not supported by compat here; use torch.where")
        if is_tracer(arr):
            raise RuntimeError(
                "boolean-mask indexing has a data-dependent output shape and cannot run inside "
                "compat.compile; use torch.where(mask, x, other) or index with integer positions"
            )
        mask = np.asarray(arr)
        for j, m in enumerate(mask.shape):
            if dim + j >= len(shape) or shape[dim + j] != m:
                raise IndexError(
                    f"The shape of the mask {list(mask.shape)} at index {j} does not match the shape of the "
                    f"indexed tensor {list(shape)} at index {dim + j}"
                )
        for nz in np.nonzero(mask):
            arrays.append(jnp.asarray(nz.astype(np.int64)))
            spec.append(("a", len(arrays) - 1))
        return dim + mask.ndim
    if kind not in "iu":
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    size = shape[dim]
    if not is_tracer(arr) and arr.size:
        host = np.asarray(arr)
        lo, hi = host.min(), host.max()
        if hi >= size or lo < -size:
            # torch numbers the dim among the index tensors (the k-th index tensor).
            raise _oob(int(hi if hi >= size else lo), len(arrays), size)
    arrays.append(arr if isinstance(arr, jax.Array) else jnp.asarray(arr))
    spec.append(("a", len(arrays) - 1))
    return dim + 1


def _basic_view(self, spec, name):
    dyn = _dynamic_layout(spec, self._data.shape)
    if dyn is None:
        return _views.view_op(self, _k_basic, name, spec=spec)
    layout, starts = dyn
    out = _apply(_k_basic_dynamic, self, starts, name=name, saves=False, layout=layout)
    # The view is re-read (after in-place writes) through the static spec: those kernels
    # compile per index, but only run when a view is written through.
    return _views.make_view(self, out, (_k_basic, (("spec", spec),)))


def getitem(self, idx):
    """`Tensor.__getitem__`: basic indices give a view, advanced ones a copy (as torch).

    Example:
        >>> x = compat.arange(6).reshape(2, 3)
        >>> x[1, ::2], x[:, [0, 2]].shape
        (tensor([3, 5]), torch.Size([2, 2]))
    """
    t = type(idx)
    if t is int and self._data.ndim:  # fast path: x[i]
        size = self._data.shape[0]
        if not -size <= idx < size:
            raise _oob(idx, 0, size)
        return _basic_view(self, (idx % size,), "SelectBackward0")
    spec, arrays, basic, name = _parse(self, idx)
    if basic:
        return _basic_view(self, spec, name)
    return _apply(_k_adv, self, *arrays, name="IndexBackward0", spec=spec)


# ----------------------------------------------------------------------------- assignment
def _check_value_shape(vshape, target, basic):
    # torch drops leading size-1 dims of the value, then broadcasts it to the indexed shape.
    while len(vshape) > len(target) and vshape[0] == 1:
        vshape = vshape[1:]
    ok = len(vshape) <= len(target) and all(
        v in (1, t) for v, t in zip(vshape[::-1], target[::-1]))
    if not ok:
        if basic and len(vshape) <= len(target):
            bad = next(i for i, (v, t) in enumerate(zip(vshape[::-1], target[::-1])) if v not in (1, t))
            i = len(target) - 1 - bad
            raise RuntimeError(
                f"The expanded size of the tensor ({target[i]}) must match the existing size "
                f"({vshape[len(vshape) - 1 - bad]}) at non-singleton dimension {i}.  Target sizes: "
                f"{list(target)}.  Tensor sizes: {list(vshape)}"
            )
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(vshape)} cannot be broadcast to "
                           f"indexing result of shape {list(target)}")
    return vshape


def _k_setitem(a, v, *arrays, spec, basic):
    if arrays and _has_int(spec):  # torch's layout: the ints select first (see _split)
        first, second = _split(spec, arrays)
        sub = a[first]
        return a.at[first].set(_k_setitem(sub, v, *arrays, spec=_second_spec(spec), basic=False))
    idx = _decode(spec, arrays)
    target = a[idx].shape  # static at trace time; the unused gather is pruned by XLA
    vshape = _check_value_shape(v.shape, target, basic)
    v = v.reshape(vshape).astype(a.dtype)  # the value takes the destination's dtype, as torch
    return a.at[idx].set(jnp.broadcast_to(v, target))


def _second_spec(spec):
    # The spec of the advanced step of `_split`, in spec form (ints dropped).
    out = []
    for s in spec:
        if type(s) is tuple:
            out.append(s if s[0] == "a" else ("s", None, None, None))
        elif s is None:
            out.append(("s", None, None, None))
        elif s is Ellipsis:
            out.append(Ellipsis)
    return tuple(out)


def _k_mask_set(a, m, v):
    m = m.reshape(m.shape + (1,) * (a.ndim - m.ndim))
    return jnp.where(m, v.astype(a.dtype), a)


def setitem(self, idx, value):
    """`Tensor.__setitem__`: a recorded functional update (`x._set_(x.at[idx].set(value))`)."""
    if isinstance(value, Tensor):
        v = value
    else:
        v = np.asarray(value)
        if v.dtype == object:
            raise TypeError(f"can't assign a {type(value).__name__} to a {self.type()}")
        if v.dtype.kind in "fc" and self.dtype._kind < 2:
            v = v.astype(np.float64).astype(self.dtype.np) if v.dtype.kind == "f" else v
        v = v.astype(self.dtype.np)
        if v.ndim:
            v = Tensor._wrap(jnp.asarray(v))
    # x[mask] = scalar: a traceable where (mask covering the leading dims).
    if isinstance(idx, (Tensor, np.ndarray)) and idx.dtype in (np.bool_, _dtypes.bool_) and \
            (not isinstance(v, Tensor) or v._data.ndim == 0):
        m = idx if isinstance(idx, Tensor) else Tensor._wrap(jnp.asarray(idx))
        shape = self._data.shape
        if m._data.shape != shape[:m._data.ndim]:
            j = next(i for i, (a, b) in enumerate(zip(m._data.shape, shape)) if a != b) \
                if m._data.ndim <= len(shape) else 0
            raise IndexError(
                f"The shape of the mask {list(m._data.shape)} at index {j} does not match the shape of the "
                f"indexed tensor {list(shape)} at index {j}"
            )
        return self._set_(_apply(_k_mask_set, self, m, v, name="MaskedFillBackward0"))
    spec, arrays, basic, _ = _parse(self, idx)
    if basic and self._requires_grad and self.grad_fn is None and is_grad_enabled():
        # torch writes through a view of the leaf (select/slice then copy_).
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    out = _apply(_k_setitem, self, v, *arrays, name="CopySlices" if basic else "IndexPutBackward0",
                 spec=spec, basic=basic)
    self._set_(out)


def _k_index_put_add(a, v, *arrays, spec):
    idx = _decode(spec, arrays)
    return a.at[idx].add(jnp.broadcast_to(v.astype(a.dtype), a[idx].shape))


def index_put(input, indices, values, accumulate=False):
    """Mirrors `torch.index_put(input, indices, values, accumulate=False)` (out of place).

    `indices` is a tuple of index tensors; with accumulate=True repeated indices add up.
    """
    out = input.clone()
    if not accumulate:
        setitem(out, tuple(indices), values)
        return out
    spec, arrays, _, _ = _parse(out, tuple(indices))
    v = values if isinstance(values, Tensor) else np.asarray(values, input.dtype.np)
    return _apply(_k_index_put_add, input, v, *arrays, name="IndexPutBackward0", spec=spec)


# ----------------------------------------------------------------------------- gather / scatter
def _check_index_dtype(opname, index):
    if index._data.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{opname}(): Expected dtype int32/int64 for index")


def _check_bounds(index, size, dim, exc=RuntimeError, msg=None):
    arr = index._data
    if is_tracer(arr) or arr.size == 0:
        return
    host = np.asarray(arr)
    lo, hi = host.min(), host.max()
    if hi >= size or lo < -size:
        bad = int(hi if hi >= size else lo)
        raise exc(msg.format(i=bad, size=size) if msg else f"index {bad} is out of bounds for dimension {dim} "
                  f"with size {size}")


def _grids(index, axis):
    # Full coordinate arrays for a torch-style (dim, index) scatter/gather.
    g = [jax.lax.broadcasted_iota(np.int64, index.shape, i) for i in range(index.ndim)]
    g[axis] = jnp.where(index < 0, index + 0, index).astype(np.int64)
    return tuple(g)


def _k_gather(a, index, *, axis):
    sl = tuple(slice(0, index.shape[i]) if i != axis else slice(None) for i in range(a.ndim))
    return jnp.take_along_axis(a[sl], index, axis=axis, mode="clip")


def _check_gather_shapes(opname, input, dim, index, src=None):
    n = input._data.ndim
    if index._data.ndim != n and not (index._data.ndim <= 1 and n <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    ishape, xshape = index._data.shape, input._data.shape
    for i, (a, b) in enumerate(zip(ishape, xshape)):
        if i != dim and a > b:
            raise RuntimeError(f"Size does not match at dimension {i} expected index {list(ishape)} to be "
                               f"smaller than self {list(xshape)} apart from dimension {dim}")
    if src is not None:
        for i, (a, b) in enumerate(zip(ishape, src._data.shape)):
            if a > b:
                raise RuntimeError(f"Expected index {list(ishape)} to be smaller than self {list(xshape)} apart "
                                   f"from dimension {dim} and to be smaller size than src {list(src._data.shape)}")


def gather(input, dim, index, *, sparse_grad=False, out=None):
    """Mirrors `torch.gather(input, dim, index)`: out[i][j] = input[index[i][j]][j] (dim=0).

    Example:
        >>> compat.tensor([[1, 2], [3, 4]]).gather(1, compat.tensor([[1], [0]]))
        tensor([[2],
                [3]])
    """
    _check_index_dtype("gather", index)
    d = wrap_dim(dim, input._data.ndim)
    _check_gather_shapes("gather", input, d, index)
    _check_bounds(index, input._data.shape[d] if input._data.ndim else 1, d)
    if input._data.ndim == 0:
        return _apply(_k_adv, input, name="GatherBackward0", spec=())
    return _apply(_k_gather, input, index, name="GatherBackward0", axis=d)


def _k_scatter(a, index, src, *, axis, reduce):
    src = src.astype(a.dtype)
    if src.ndim:
        src = src[tuple(slice(0, s) for s in index.shape)]
    idx = _grids(index, axis)
    ref = a.at[idx]
    if reduce is None:
        return ref.set(jnp.broadcast_to(src, index.shape))
    if reduce == "add":
        if a.dtype == jnp.bool_:  # bool addition is logical or, as torch
            return a.astype(np.int32).at[idx].add(jnp.broadcast_to(src, index.shape).astype(np.int32)) != 0
        return ref.add(jnp.broadcast_to(src, index.shape))
    return ref.multiply(jnp.broadcast_to(src, index.shape))


def _scatter_prep(opname, input, dim, index, src):
    _check_index_dtype(opname, index)
    d = wrap_dim(dim, input._data.ndim)
    if isinstance(src, Tensor):
        if src.dtype is not input.dtype:
            raise RuntimeError(f"{opname}(): Expected self.dtype to be equal to src.dtype")
        _check_gather_shapes(opname, input, d, index, src)
    else:
        _check_gather_shapes(opname, input, d, index)
        src = np.asarray(src, dtype=input.dtype.np)
    _check_bounds(index, input._data.shape[d] if input._data.ndim else 1, d)
    return d, src


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """Mirrors `torch.scatter(input, dim, index, src|value, *, reduce=None)` (out of place).

    `reduce` may be 'add' or 'multiply', as torch's legacy scatter.
    """
    if src is None:
        src = value
    if reduce not in (None, "add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    d, src = _scatter_prep("scatter", input, dim, index, src)
    name = "ScatterBackward0" if isinstance(src, Tensor) else "ScatterBackward1"
    return _apply(_k_scatter, input, index, src, name=name, axis=d, reduce=reduce)


def scatter_add(input, dim, index, src):
    """Mirrors `torch.scatter_add(input, dim, index, src)`."""
    d, src = _scatter_prep("scatter_add", input, dim, index, src)
    return _apply(_k_scatter, input, index, src, name="ScatterAddBackward0", axis=d, reduce="add")


def _k_scatter_reduce(a, index, src, *, axis, reduce, include_self):
    src = src[tuple(slice(0, s) for s in index.shape)].astype(a.dtype)
    idx = _grids(index, axis)
    touched = jnp.zeros(a.shape, bool).at[idx].set(True)
    if reduce == "sum" or reduce == "mean":
        base = a if include_self else jnp.where(touched, 0, a)
        out = base.at[idx].add(src)
        if reduce == "mean":
            cnt = jnp.zeros(a.shape, a.dtype).at[idx].add(1) + (1 if include_self else 0)
            cnt = jnp.where(cnt == 0, 1, cnt)
            out = out / cnt if jnp.issubdtype(a.dtype, jnp.inexact) else jnp.floor_divide(out, cnt)
        return out
    if reduce == "prod":
        base = a if include_self else jnp.where(touched, 1, a)
        return base.at[idx].multiply(src)
    if reduce == "amax":
        lo = jnp.finfo(a.dtype).min if jnp.issubdtype(a.dtype, jnp.inexact) else jnp.iinfo(a.dtype).min
        base = a if include_self else jnp.where(touched, lo, a)
        return base.at[idx].max(src)
    hi = jnp.finfo(a.dtype).max if jnp.issubdtype(a.dtype, jnp.inexact) else jnp.iinfo(a.dtype).max
    base = a if include_self else jnp.where(touched, hi, a)
    return base.at[idx].min(src)


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """Mirrors `torch.scatter_reduce` (reduce: 'sum', 'prod', 'mean', 'amax', 'amin')."""
    if reduce not in ("sum", "prod", "mean", "amax", "amin"):
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    d, src = _scatter_prep("scatter_reduce", input, dim, index, src)
    return _apply(_k_scatter_reduce, input, index, src, name="ScatterReduceBackward0", axis=d,
                  reduce=reduce, include_self=bool(include_self))


# ----------------------------------------------------------------------------- index_* family
def _index_vector(opname, index):
    if index._data.ndim > 1:
        raise IndexError(f"{opname}(): Index is supposed to be a vector")
    if index._data.dtype not in (np.int64, np.int32):
        raise IndexError(f"{opname}(): Expected dtype int32/int64 for index")


def _k_index_select(a, index, *, axis):
    return jnp.take(a, index.reshape(-1), axis=axis) if a.ndim else a


def index_select(input, dim, index, *, out=None):
    """Mirrors `torch.index_select(input, dim, index)` (index: 1-D int tensor)."""
    _index_vector("index_select", index)
    d = wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d] if input._data.ndim else 1
    _check_bounds(index, size, d, IndexError, "index out of range in self")
    return _apply(_k_index_select, input, index, name="IndexSelectBackward0", axis=d)


def _k_index_add(a, index, src, alpha, *, axis):
    if a.dtype == jnp.bool_:  # bool addition is logical or, as torch
        out = _k_index_add(a.astype(np.int32), index, src.astype(np.int32), alpha.astype(np.int32), axis=axis)
        return out != 0
    idx = (slice(None),) * axis + (index.reshape(-1),)
    src = src.astype(a.dtype)
    return a.at[idx].add(alpha.astype(a.dtype) * src.reshape(a[idx].shape) if a.ndim else src)


def _k_index_copy(a, index, src, *, axis):
    idx = (slice(None),) * axis + (index.reshape(-1),)
    return a.at[idx].set(src.astype(a.dtype).reshape(a[idx].shape))


def _k_index_fill(a, index, value, *, axis):
    idx = (slice(None),) * axis + (index.reshape(-1),)
    return a.at[idx].set(value.astype(a.dtype))


def _check_index_source(opname, input, d, index, source):
    n = index._data.size
    if source._data.ndim and source._data.shape[d] != n:
        raise RuntimeError(f"{opname}(): Number of indices ({n}) should be equal to source.size(dim): "
                           f"({source._data.shape[d]}), for dim: {d}")
    size = input._data.shape[d] if input._data.ndim else 1
    if opname == "index_copy_":
        _check_bounds(index, size, d, IndexError,
                      f"index_copy_(): index {{i}} is out of bounds for dimension {d} with size {size}")
    else:
        _check_bounds(index, size, d)


def index_add(input, dim, index, source, *, alpha=1):
    """Mirrors `torch.index_add(input, dim, index, source, *, alpha=1)` (duplicates accumulate)."""
    _index_vector("index_add_", index)
    d = wrap_dim(dim, input._data.ndim)
    _check_index_source("index_add_", input, d, index, source)
    return _apply(_k_index_add, input, index, source, np.asarray(alpha, input.dtype.np),
                  name="IndexAddBackward0", axis=d)


def index_copy(input, dim, index, source):
    """Mirrors `torch.index_copy(input, dim, index, source)`."""
    _index_vector("index_copy_", index)
    d = wrap_dim(dim, input._data.ndim)
    _check_index_source("index_copy_", input, d, index, source)
    return _apply(_k_index_copy, input, index, source, name="IndexCopyBackward0", axis=d)


def index_fill(input, dim, index, value):
    """Mirrors `torch.index_fill(input, dim, index, value)`."""
    _index_vector("index_fill_", index)
    d = wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d] if input._data.ndim else 1
    _check_bounds(index, size, d, IndexError)
    v = value if isinstance(value, Tensor) else np.asarray(value, input.dtype.np)
    return _apply(_k_index_fill, input, index, v, name="IndexFillBackward0", axis=d)


# ----------------------------------------------------------------------------- masks
def _k_masked_fill(a, mask, value):
    return jnp.where(mask, value.astype(a.dtype), a)


def masked_fill(input, mask, value):
    """Mirrors `torch.masked_fill(input, mask, value)` (mask: bool, broadcastable to input).

    Example:
        >>> x = compat.tensor([1.0, 2.0])
        >>> x.masked_fill(x > 1, 0.0)
        tensor([1., 0.])
    """
    if mask._data.dtype != np.bool_:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{_dtypes.CPP_NAMES[mask.dtype.name]}")
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value._data.ndim} dimension(s).")
        v = value
    else:
        v = _operand(value, input.dtype)
    check_broadcast(mask._data.shape, input._data.shape)
    name = "MaskedFillBackward1" if isinstance(value, Tensor) else "MaskedFillBackward0"
    return _apply(_k_masked_fill, input, mask, v, name=name)


def masked_select(input, mask):
    """Mirrors `torch.masked_select(input, mask)` -> 1-D (eager: data-dependent size)."""
    if mask._data.dtype != np.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    shape = tuple(np.broadcast_shapes(input._data.shape, mask._data.shape))
    x = input if input._data.shape == shape else input.expand(shape)
    m = mask if mask._data.shape == shape else mask.expand(shape)
    return getitem(x, m)


def _k_masked_scatter(a, flat_pos, src, *, n):
    upd = src.reshape(-1)[:n].astype(a.dtype)
    return a.reshape(-1).at[flat_pos].set(upd).reshape(a.shape)


def masked_scatter(input, mask, source):
    """Mirrors `torch.masked_scatter(input, mask, source)` (eager: positions from the mask)."""
    m = np.broadcast_to(np.asarray(mask._data), input._data.shape)
    pos = np.flatnonzero(m)
    if source._data.size < pos.size:
        raise RuntimeError("masked_scatter: expected source to have at least as many elements as ones in mask")
    return _apply(_k_masked_scatter, input, jnp.asarray(pos.astype(np.int64)), source,
                  name="MaskedScatterBackward0", n=int(pos.size))


def _k_take(a, index):
    return jnp.take(a.reshape(-1), index, mode="clip")


def take(input, index):
    """Mirrors `torch.take(input, index)` (indices into the flattened input)."""
    n = input._data.size
    _check_bounds(index, n, 0, IndexError, f"out of range: tried to access index {{i}} on a tensor of {n} elements.")
    return _apply(_k_take, input, index, name="TakeBackward0")


def _k_take_along(a, index, *, axis):
    if axis is None:
        return jnp.take(a.reshape(-1), index.reshape(-1), mode="clip")
    shape = jnp.broadcast_shapes(a.shape[:axis] + (1,) + a.shape[axis + 1:],
                                 index.shape[:axis] + (1,) + index.shape[axis + 1:])
    a = jnp.broadcast_to(a, shape[:axis] + (a.shape[axis],) + shape[axis + 1:])
    index = jnp.broadcast_to(index, shape[:axis] + (index.shape[axis],) + shape[axis + 1:])
    return jnp.take_along_axis(a, index, axis=axis, mode="clip")


def take_along_dim(input, indices, dim=None):
    """Mirrors `torch.take_along_dim(input, indices, dim=None)`."""
    d = None if dim is None else wrap_dim(dim, input._data.ndim)
    return _apply(_k_take_along, input, indices, name="TakeAlongDimBackward0", axis=d)


# ----------------------------------------------------------------------------- where / nonzero
def _k_where(c, a, b, *, dtype):
    return jnp.where(c, a.astype(dtype), b.astype(dtype))


def where(condition, input=None, other=None, *, out=None):
    """Mirrors `torch.where(condition, input, other)` and `torch.where(condition)`.

    Example:
        >>> c = compat.tensor([True, False])
        >>> compat.where(c, compat.tensor([1.0, 2.0]), 0.0)
        tensor([1., 0.])
    """
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    if condition._data.dtype != np.bool_:
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{_SCALAR_NAMES[condition.dtype.name]}")
    dt = _dtypes.binary_result_type(input, other)
    a = input if isinstance(input, Tensor) else _operand(input, dt)
    b = other if isinstance(other, Tensor) else _operand(other, dt)
    try:
        return _apply(_k_where, condition, a, b, name="WhereBackward0", dtype=dt.np)
    except (TypeError, ValueError):
        from ._shape import broadcast_shapes

        shapes = [t._data.shape for t in (condition, input, other) if isinstance(t, Tensor)]
        broadcast_shapes(*shapes)
        raise


def nonzero(input, *, as_tuple=False, out=None):
    """Mirrors `torch.nonzero(input, *, as_tuple=False)` (eager: data-dependent size).

    Returns an (n, ndim) int64 tensor, or a tuple of ndim 1-D tensors with `as_tuple=True`.
    """
    arr = input._data
    if is_tracer(arr):
        raise RuntimeError("nonzero() has a data-dependent output shape and cannot run inside compat.compile; "
                           "use torch.where(cond, x, y) instead")
    nz = np.nonzero(np.asarray(arr).reshape(arr.shape or (1,)))
    if as_tuple:
        if arr.ndim == 0:
            return (Tensor._wrap(jnp.asarray(nz[0].astype(np.int64))),)
        return tuple(Tensor._wrap(jnp.asarray(i.astype(np.int64))) for i in nz)
    stacked = np.stack(nz, axis=1).astype(np.int64) if arr.ndim else np.zeros((len(nz[0]), 0), np.int64)
    return Tensor._wrap(jnp.asarray(stacked))


def argwhere(input):
    """Mirrors `torch.argwhere` (= nonzero)."""
    return nonzero(input)
