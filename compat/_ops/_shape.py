"""Shape ops: view/reshape, permute/transpose, squeeze/unsqueeze, flatten/unflatten, expand,
repeat/tile, narrow/select/split/chunk/unbind, cat/stack, flip/roll, diag/diagonal/triu/tril.

Ops that return views in torch (view, reshape, transpose, permute, squeeze, unsqueeze,
flatten, unflatten, narrow, select, split, chunk, unbind, diagonal, movedim) go through
`compat._views`, so in-place writes to the result reach the source as in torch. Shapes are
checked in Python with torch's messages before any kernel runs.

Difference from PyTorch: there are no strides, so every tensor is contiguous: `view` never
fails for stride reasons and `reshape` always returns a view.
"""
import math

import jax.numpy as jnp
import numpy as np

from .. import _dispatch, _dtypes, _views
from .._size import Size
from .._tensor import Tensor
from ._common import DIM_ERR, size_arg, wrap_dim

__all__ = ["reshape", "view", "view_as", "reshape_as", "permute", "transpose", "swapaxes", "swapdims",
           "t", "adjoint", "squeeze", "unsqueeze", "flatten", "unflatten", "ravel", "expand", "expand_as",
           "broadcast_to", "broadcast_tensors", "broadcast_shapes", "repeat", "tile", "repeat_interleave",
           "narrow", "select", "split", "chunk", "unbind", "tensor_split", "cat", "concat", "concatenate",
           "stack", "hstack", "vstack", "dstack", "column_stack", "flip", "fliplr", "flipud", "roll",
           "movedim", "moveaxis", "diag", "diagonal", "diag_embed", "triu", "tril", "trace",
           "atleast_1d", "atleast_2d", "atleast_3d", "meshgrid"]

_apply = _dispatch.apply
_view_op = _views.view_op
_skey = _dispatch._static_key


def _shape_of(t):
    return t._data.shape


# ----------------------------------------------------------------------------- reshape family
def _k_reshape(a, *, shape):
    return a.reshape(shape)


def infer_shape(shape, numel):
    """torch's shape inference for view/reshape: one -1 allowed, sizes must match."""
    shape = list(shape)
    neg = -1
    known = 1
    for i, s in enumerate(shape):
        if s == -1:
            if neg >= 0:
                raise RuntimeError("only one dimension can be inferred")
            neg = i
        elif s < 0:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape {shape}")
        else:
            known *= s
    if neg >= 0:
        if known == 0:
            raise RuntimeError(
                f"cannot reshape tensor of 0 elements into shape {shape} because the unspecified "
                "dimension size -1 can be any value and is ambiguous"
            )
        if numel % known:
            raise RuntimeError(f"shape '{shape}' is invalid for input of size {numel}")
        shape[neg] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{shape}' is invalid for input of size {numel}")
    return tuple(shape)


def reshape(input, *shape):
    """Mirrors `torch.reshape(input, shape)` / `Tensor.reshape(*shape)` (-1 is inferred).

    Example:
        >>> compat.arange(6).reshape(2, -1).shape
        torch.Size([2, 3])
    """
    shape = size_arg(shape)
    d = input._data
    if shape == d.shape:
        return _view_op(input, _k_reshape, "ViewBackward0", shape=shape)
    return _view_op(input, _k_reshape, "ViewBackward0", shape=infer_shape(shape, d.size))


def view(input, *shape):
    """Mirrors `Tensor.view(*shape)` (and `view(dtype)` for same-size dtypes)."""
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, int, np.integer)):
        return _view_dtype(input, _dtypes.to_dtype(shape[0]))
    return reshape(input, *shape)


def _k_bitcast(a, *, dtype):
    return a.view(dtype)


def _view_dtype(input, dt):
    if dt.itemsize != input.dtype.itemsize:
        raise RuntimeError("view(dtype): only same-size dtypes are supported by compat (got "
                           f"{input.dtype} -> {dt}); use .to(dtype) to convert values instead")
    return _apply(_k_bitcast, input, name="ViewBackward0", dtype=dt.np)


def view_as(input, other):
    """Mirrors `Tensor.view_as(other)`."""
    return reshape(input, _shape_of(other))


reshape_as = view_as


def ravel(input):
    """Mirrors `torch.ravel`."""
    return reshape(input, -1)


def _k_transpose(a, *, perm):
    return jnp.transpose(a, perm)


def permute(input, *dims):
    """Mirrors `torch.permute(input, dims)` / `Tensor.permute(*dims)`."""
    dims = size_arg(dims)
    n = input._data.ndim
    if len(dims) != n:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the length "
            f"of the desired ordering of dimensions i.e. input.dim() = {n} is not equal to len(dims) = "
            f"{len(dims)}"
        )
    perm = tuple(wrap_dim(d, n) for d in dims)
    if len(set(perm)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return _view_op(input, _k_transpose, "PermuteBackward0", perm=perm)


def transpose(input, dim0, dim1):
    """Mirrors `torch.transpose(input, dim0, dim1)` (a view)."""
    n = input._data.ndim
    d0, d1 = wrap_dim(dim0, n), wrap_dim(dim1, n)
    if n < 2:
        return _view_op(input, _k_reshape, "TransposeBackward0", shape=input._data.shape)
    perm = list(range(n))
    perm[d0], perm[d1] = perm[d1], perm[d0]
    return _view_op(input, _k_transpose, "TransposeBackward0", perm=tuple(perm))


swapaxes = swapdims = transpose


def t(input):
    """Mirrors `torch.t`: transposes a <= 2-D tensor."""
    n = input._data.ndim
    if n > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {n}D")
    if n < 2:
        return _view_op(input, _k_reshape, "TBackward0", shape=input._data.shape)
    return _view_op(input, _k_transpose, "TBackward0", perm=(1, 0))


def mT(input):
    n = input._data.ndim
    if n < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {n}-D tensor.")
    return transpose(input, -2, -1)


def T(input):
    n = input._data.ndim
    return _view_op(input, _k_transpose, "PermuteBackward0", perm=tuple(range(n - 1, -1, -1)))


def adjoint(input):
    """Mirrors `torch.adjoint` (conjugate transpose of the last two dims; real: mT)."""
    return mT(input)


def squeeze(input, dim=None):
    """Mirrors `torch.squeeze(input, dim=None)` (dim may be a tuple; non-1 dims are kept)."""
    shape = input._data.shape
    n = len(shape)
    if dim is None:
        new = tuple(s for s in shape if s != 1)
        name = "SqueezeBackward0"
    else:
        dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
        dims = {wrap_dim(d, n) for d in dims}
        new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
        name = "SqueezeBackward1" if isinstance(dim, (int, np.integer)) else "SqueezeBackward2"
    return _view_op(input, _k_reshape, name, shape=new)


def unsqueeze(input, dim):
    """Mirrors `torch.unsqueeze(input, dim)` (dim in [-ndim-1, ndim])."""
    shape = input._data.shape
    n = len(shape) + 1
    if not -n <= dim < n:
        raise IndexError(DIM_ERR.format(lo=-n, hi=n - 1, d=dim))
    d = dim % n
    return _view_op(input, _k_reshape, "UnsqueezeBackward0", shape=shape[:d] + (1,) + shape[d:])


def flatten(input, start_dim=0, end_dim=-1):
    """Mirrors `torch.flatten(input, start_dim=0, end_dim=-1)` (0-d becomes 1-d)."""
    shape = input._data.shape
    n = len(shape)
    if n == 0:
        return _view_op(input, _k_reshape, "ViewBackward0", shape=(1,))
    s, e = wrap_dim(start_dim, n), wrap_dim(end_dim, n)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    new = shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:]
    return _view_op(input, _k_reshape, "ViewBackward0", shape=new)


def unflatten(input, dim, sizes):
    """Mirrors `torch.unflatten(input, dim, sizes)` (one -1 in sizes is inferred)."""
    shape = input._data.shape
    d = wrap_dim(dim, len(shape))
    sizes = tuple(int(s) for s in sizes)
    if len(sizes) == 0:
        raise RuntimeError("unflatten: sizes must be non-empty")
    try:
        got = infer_shape(sizes, shape[d])
    except RuntimeError:
        raise RuntimeError(
            f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
            f"({shape[d]}) in the input tensor"
        ) from None
    return _view_op(input, _k_reshape, "ViewBackward0", shape=shape[:d] + got + shape[d + 1:])


def _k_moveaxis(a, *, src, dst):
    return jnp.moveaxis(a, src, dst)


def movedim(input, source, destination):
    """Mirrors `torch.movedim(input, source, destination)` (ints or sequences)."""
    n = input._data.ndim
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({list(src)} dims) should contain "
            f"the same number of dims as destination ({list(dst)} dims)"
        )
    src = tuple(wrap_dim(d, n) for d in src)
    dst = tuple(wrap_dim(d, n) for d in dst)
    perm = [None] * n
    for s, d in zip(src, dst):
        perm[d] = s
    rest = iter(i for i in range(n) if i not in src)
    perm = tuple(p if p is not None else next(rest) for p in perm)
    return _view_op(input, _k_transpose, "PermuteBackward0", perm=perm)


moveaxis = movedim


# ----------------------------------------------------------------------------- expand / repeat
def _k_broadcast(a, *, shape):
    return jnp.broadcast_to(a, shape)


def expand(input, *sizes):
    """Mirrors `Tensor.expand(*sizes)`: -1 keeps a size; new dims are added in front."""
    sizes = size_arg(sizes)
    shape = input._data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(
            f"expand({input.type()}{{{list(shape)}}}, size={list(sizes)}): the number of sizes provided "
            f"({len(sizes)}) must be greater or equal to the number of dimensions in the tensor ({len(shape)})"
        )
    lead = len(sizes) - len(shape)
    out = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(
                    f"The expanded size of the tensor ({s}) isn't allowed in a leading, non-existing dimension {i}"
                )
            out.append(s)
            continue
        cur = shape[i - lead]
        if s == -1:
            s = cur
        elif cur != 1 and s != cur:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at non-singleton "
                f"dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(shape)}"
            )
        out.append(s)
    out = tuple(out)
    if out == shape:
        return _view_op(input, _k_reshape, "ExpandBackward0", shape=shape)
    # Not a view: torch refuses in-place writes into an expanded (overlapping) tensor anyway.
    return _apply(_k_broadcast, input, name="ExpandBackward0", saves=False, shape=out)


def expand_as(input, other):
    """Mirrors `Tensor.expand_as(other)`."""
    return expand(input, _shape_of(other))


def broadcast_to(input, size):
    """Mirrors `torch.broadcast_to(input, size)`."""
    return expand(input, tuple(size))


def broadcast_shapes(*shapes):
    """Mirrors `torch.broadcast_shapes(*shapes)`."""
    shapes = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
    n = max((len(s) for s in shapes), default=0)
    out = [1] * n
    for k, s in enumerate(shapes):
        for i, v in enumerate(s):
            j = n - len(s) + i
            if out[j] == 1:
                out[j] = v
            elif v != 1 and v != out[j]:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {v} at {j - n}! Mismatching argument at "
                    f"index {k} had {s}; but expected shape should be broadcastable to {out}"
                )
    return Size(out)


def broadcast_tensors(*tensors):
    """Mirrors `torch.broadcast_tensors(*tensors)`."""
    shape = broadcast_shapes(*(t.shape for t in tensors))
    return tuple(expand(t, shape) for t in tensors)


def _k_tile(a, *, reps):
    return jnp.tile(a, reps)


def repeat(input, *sizes):
    """Mirrors `Tensor.repeat(*sizes)` (numpy's tile; len(sizes) >= ndim)."""
    sizes = size_arg(sizes)
    if len(sizes) < input._data.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(sizes)}: {list(sizes)}")
    return _apply(_k_tile, input, name="RepeatBackward0", saves=False, reps=sizes)


def tile(input, dims):
    """Mirrors `torch.tile(input, dims)` (missing leading dims count as 1)."""
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    dims = (1,) * (input._data.ndim - len(dims)) + dims
    return repeat(input, dims)


def _k_repeat_interleave(a, r, *, axis, total):
    return jnp.repeat(a, r, axis=axis, total_repeat_length=total)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Mirrors `torch.repeat_interleave(input, repeats, dim=None)` (eager for tensor repeats)."""
    if repeats is None:  # the repeat_interleave(repeats) overload
        reps = np.asarray(input._data)
        return Tensor._wrap(jnp.asarray(np.repeat(np.arange(reps.shape[0]), reps)))
    x = input if dim is not None else reshape(input, -1)
    axis = 0 if dim is None else wrap_dim(dim, input._data.ndim)
    if isinstance(repeats, Tensor):
        r = np.asarray(repeats._data)
        if r.ndim == 0:
            r = int(r)
    else:
        r = int(repeats)
    total = int(np.sum(np.broadcast_to(r, (x._data.shape[axis],)))) if output_size is None else int(output_size)
    return _apply(_k_repeat_interleave, x, np.asarray(r, np.int64), name="RepeatInterleaveBackward0",
                  axis=axis, total=total)


# ----------------------------------------------------------------------------- slicing views
def _k_narrow(a, *, axis, start, length):
    idx = [slice(None)] * a.ndim
    idx[axis] = slice(start, start + length)
    return a[tuple(idx)]


def narrow(input, dim, start, length):
    """Mirrors `torch.narrow(input, dim, start, length)` (a view; negative start wraps)."""
    shape = input._data.shape
    if not shape:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, len(shape))
    start, length = int(start), int(length)
    size = shape[d]
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if start < 0:
        start += size
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return _view_op(input, _k_narrow, "SliceBackward0", axis=d, start=start, length=length)


def _k_select(a, *, axis, index):
    return jnp.take(a, index, axis=axis) if a.ndim else a


def select(input, dim, index):
    """Mirrors `torch.select(input, dim, index)` (a view)."""
    shape = input._data.shape
    if not shape:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, len(shape))
    index = int(index)
    if not -shape[d] <= index < shape[d]:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(shape)} at dimension {d}")
    return _view_op(input, _k_select, "SelectBackward0", axis=d, index=index % shape[d])


def _k_split(a, *, axis, bounds):
    return tuple(_k_narrow(a, axis=axis, start=s, length=n) for s, n in bounds)


def _k_unbind(a, *, axis):
    return tuple(jnp.take(a, i, axis=axis) for i in range(a.shape[axis]))


def _split_views(input, d, bounds, name):
    outs = _apply(_k_split, input, name=name, saves=False, axis=d, bounds=bounds)
    return tuple(_views.make_view(input, o, (_k_narrow, _skey({"axis": d, "start": s, "length": n})))
                 for o, (s, n) in zip(outs, bounds))


def split(tensor, split_size_or_sections, dim=0):
    """Mirrors `torch.split(tensor, split_size_or_sections, dim=0)` (views).

    Example:
        >>> [p.shape[0] for p in compat.arange(5).split(2)]
        [2, 2, 1]
    """
    shape = tensor._data.shape
    if not shape:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = wrap_dim(dim, len(shape))
    size = shape[d]
    if isinstance(split_size_or_sections, (int, np.integer)):
        step = int(split_size_or_sections)
        if step < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
        if step == 0:
            if size != 0:
                raise RuntimeError(
                    f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}"
                )
            return (tensor,)
        n = max(1, -(-size // step))
        bounds = tuple((i * step, min(step, size - i * step)) for i in range(n))
        return _split_views(tensor, d, bounds, "SplitBackward0")
    sizes = [int(s) for s in split_size_or_sections]
    if sum(sizes) != size or any(s < 0 for s in sizes):
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at "
            f"dimension {d}), but got split_sizes={sizes}"
        )
    starts = np.cumsum([0] + sizes[:-1]).tolist()
    return _split_views(tensor, d, tuple(zip(starts, sizes)), "SplitWithSizesBackward0")


def chunk(input, chunks, dim=0):
    """Mirrors `torch.chunk(input, chunks, dim=0)` (may return fewer than `chunks` pieces)."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    shape = input._data.shape
    if not shape:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    size = shape[wrap_dim(dim, len(shape))]
    step = -(-size // chunks) if size else 0
    if step == 0:
        return tuple(narrow(input, dim, 0, 0) for _ in range(chunks)) if size == 0 else (input,)
    return split(input, step, dim)


def tensor_split(input, indices_or_sections, dim=0):
    """Mirrors `torch.tensor_split(input, indices_or_sections, dim=0)`."""
    size = input._data.shape[wrap_dim(dim, input._data.ndim)]
    if isinstance(indices_or_sections, (int, np.integer)):
        n = int(indices_or_sections)
        if n <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {n}")
        q, r = divmod(size, n)
        sizes = [q + 1] * r + [q] * (n - r)
    else:
        idx = [min(max(int(i), 0), size) for i in indices_or_sections]
        edges = [0] + idx + [size]
        sizes = [max(0, b - a) for a, b in zip(edges[:-1], edges[1:])]
    return split(input, sizes, dim)


def unbind(input, dim=0):
    """Mirrors `torch.unbind(input, dim=0)`: a tuple of views, one per index along dim."""
    shape = input._data.shape
    if not shape:
        raise RuntimeError("Dimension specified as 0 but tensor has no dimensions")
    d = wrap_dim(dim, len(shape))
    outs = _apply(_k_unbind, input, name="UnbindBackward0", saves=False, axis=d)
    return tuple(_views.make_view(input, o, (_k_select, _skey({"axis": d, "index": i})))
                 for i, o in enumerate(outs))


# ----------------------------------------------------------------------------- joining
def _k_cat(*arrays, axis, dtype):
    return jnp.concatenate([a.astype(dtype) for a in arrays], axis=axis)


def _k_stack(*arrays, axis, dtype):
    return jnp.stack([a.astype(dtype) for a in arrays], axis=axis)


def _tensor_list(opname, tensors):
    if isinstance(tensors, Tensor):
        raise TypeError(f"{opname}(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor")
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError(f"{opname}(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    return tensors


def cat(tensors, dim=0, *, out=None, axis=None):
    """Mirrors `torch.cat(tensors, dim=0)`: dtypes promote; legacy empty 1-D tensors are skipped.

    Example:
        >>> compat.cat([compat.ones(2), compat.zeros(1)]).tolist()
        [1.0, 1.0, 0.0]
    """
    if axis is not None:  # numpy-style alias torch also accepts
        dim = axis
    tensors = _tensor_list("cat", tensors)
    dt = _dtypes.result_type(*tensors) if len(tensors) > 1 else tensors[0].dtype
    # torch skips 1-D empty tensors of shape (0,) when the others have more dims.
    parts = [t for t in tensors if t._data.shape != (0,)] or tensors[:1]
    ref = parts[0]._data.shape
    if not ref:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    d = wrap_dim(dim, len(ref))
    for i, t in enumerate(tensors):
        s = t._data.shape
        if s == (0,) and len(ref) != 1:
            continue
        if len(s) != len(ref):
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {len(ref)} and {len(s)}"
            )
        for j, (a, b) in enumerate(zip(ref, s)):
            if j != d and a != b:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size {a} but got size "
                    f"{b} for tensor number {i} in the list."
                )
    return _apply(_k_cat, *parts, name="CatBackward0", saves=False, axis=d, dtype=dt.np)


concat = concatenate = cat


def stack(tensors, dim=0, *, out=None, axis=None):
    """Mirrors `torch.stack(tensors, dim=0)` (equal shapes required)."""
    if axis is not None:  # numpy-style alias torch also accepts
        dim = axis
    tensors = _tensor_list("stack", tensors)
    ref = tensors[0]._data.shape
    for i, t in enumerate(tensors[1:], 1):
        if t._data.shape != ref:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(ref)} at entry 0 and "
                f"{list(t._data.shape)} at entry {i}"
            )
    n = len(ref) + 1
    if not -n <= dim < n:
        raise IndexError(DIM_ERR.format(lo=-n, hi=n - 1, d=dim))
    dt = _dtypes.result_type(*tensors) if len(tensors) > 1 else tensors[0].dtype
    return _apply(_k_stack, *tensors, name="StackBackward0", saves=False, axis=dim % n, dtype=dt.np)


def atleast_1d(*tensors):
    """Mirrors `torch.atleast_1d`."""
    res = tuple(reshape(t, 1) if t.ndim == 0 else t for t in _flat_args(tensors))
    return res[0] if len(res) == 1 else res


def atleast_2d(*tensors):
    """Mirrors `torch.atleast_2d`."""
    res = tuple(reshape(t, (1,) * (2 - t.ndim) + t.shape) if t.ndim < 2 else t for t in _flat_args(tensors))
    return res[0] if len(res) == 1 else res


def atleast_3d(*tensors):
    """Mirrors `torch.atleast_3d` (1-D (n,) -> (1, n, 1); 2-D (m, n) -> (m, n, 1))."""
    out = []
    for t in _flat_args(tensors):
        s = t.shape
        out.append(reshape(t, 1, 1, 1) if t.ndim == 0 else reshape(t, 1, s[0], 1) if t.ndim == 1
                   else reshape(t, s[0], s[1], 1) if t.ndim == 2 else t)
    return out[0] if len(out) == 1 else tuple(out)


def _flat_args(tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(tensors[0])
    return tensors


def hstack(tensors, *, out=None):
    """Mirrors `torch.hstack`: cat along dim 0 for 1-D inputs, else dim 1."""
    ts = [atleast_1d(t) for t in _tensor_list("hstack", tensors)]
    return cat(ts, 0 if ts[0].ndim == 1 else 1)


def vstack(tensors, *, out=None):
    """Mirrors `torch.vstack`: cat of atleast_2d inputs along dim 0."""
    return cat([atleast_2d(t) for t in _tensor_list("vstack", tensors)], 0)


def dstack(tensors, *, out=None):
    """Mirrors `torch.dstack`: cat of atleast_3d inputs along dim 2."""
    return cat([atleast_3d(t) for t in _tensor_list("dstack", tensors)], 2)


def column_stack(tensors, *, out=None):
    """Mirrors `torch.column_stack`."""
    ts = [reshape(t, -1, 1) if t.ndim <= 1 else t for t in _tensor_list("column_stack", tensors)]
    return cat(ts, 1)


# ----------------------------------------------------------------------------- flip / roll
def _k_flip(a, *, axes):
    return jnp.flip(a, axes)


def flip(input, *dims):
    """Mirrors `torch.flip(input, dims)` / `Tensor.flip(*dims)`."""
    dims = size_arg(dims)
    n = input._data.ndim
    axes = tuple(wrap_dim(d, n) for d in dims) if n else ()
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"dim {axes[0]} appears multiple times in the list of dims")
    return _apply(_k_flip, input, name="FlipBackward0", saves=False, axes=axes)


def fliplr(input):
    """Mirrors `torch.fliplr` (>= 2-D)."""
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, 1)


def flipud(input):
    """Mirrors `torch.flipud` (>= 1-D)."""
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, 0)


def _k_roll(a, *, shifts, axes):
    if axes is None:
        return jnp.roll(a.reshape(-1), shifts[0]).reshape(a.shape)
    return jnp.roll(a, shifts, axes)


def roll(input, shifts, dims=None):
    """Mirrors `torch.roll(input, shifts, dims=None)` (no dims: roll the flattened tensor)."""
    shifts = (int(shifts),) if isinstance(shifts, (int, np.integer)) else tuple(int(s) for s in shifts)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return _apply(_k_roll, input, name="RollBackward0", saves=False, shifts=shifts, axes=None)
    dims = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
    if len(dims) != len(shifts):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    axes = tuple(wrap_dim(d, input._data.ndim) for d in dims)
    return _apply(_k_roll, input, name="RollBackward0", saves=False, shifts=shifts, axes=axes)


# ----------------------------------------------------------------------------- diagonals
def _k_diagonal(a, *, offset, axis1, axis2):
    return jnp.diagonal(a, offset, axis1, axis2)


def diagonal(input, offset=0, dim1=0, dim2=1):
    """Mirrors `torch.diagonal(input, offset=0, dim1=0, dim2=1)` (a view; diag goes last)."""
    n = input._data.ndim
    d1, d2 = wrap_dim(dim1, n), wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return _view_op(input, _k_diagonal, "DiagonalBackward0", offset=int(offset), axis1=d1, axis2=d2)


def _k_diag_embed(a, *, offset):
    n = a.shape[-1] + abs(offset)
    out = jnp.zeros(a.shape[:-1] + (n, n), a.dtype)
    i = jnp.arange(a.shape[-1])
    r, c = (i, i + offset) if offset >= 0 else (i - offset, i)
    return out.at[..., r, c].set(a)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Mirrors `torch.diag_embed(input, offset=0)` (dim1=-2, dim2=-1 only)."""
    if (dim1, dim2) not in ((-2, -1), (input.ndim - 1, input.ndim)):
        raise RuntimeError("diag_embed: compat supports dim1=-2, dim2=-1 only; use movedim afterwards")
    return _apply(_k_diag_embed, input, name="DiagEmbedBackward0", saves=False, offset=int(offset))


def diag(input, diagonal=0):
    """Mirrors `torch.diag(input, diagonal=0)`: 1-D -> matrix, 2-D -> its diagonal."""
    n = input._data.ndim
    if n == 1:
        return diag_embed(input, diagonal)
    if n == 2:
        return _apply(_k_diagonal, input, name="DiagonalBackward0", saves=False, offset=int(diagonal),
                      axis1=0, axis2=1)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {n}D")


def _k_triu(a, *, k):
    return jnp.triu(a, k)


def _k_tril(a, *, k):
    return jnp.tril(a, k)


def triu(input, diagonal=0, *, out=None):
    """Mirrors `torch.triu(input, diagonal=0)` (>= 2-D; batched over leading dims)."""
    if input._data.ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    return _apply(_k_triu, input, name="TriuBackward0", saves=False, k=int(diagonal))


def tril(input, diagonal=0, *, out=None):
    """Mirrors `torch.tril(input, diagonal=0)`."""
    if input._data.ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    return _apply(_k_tril, input, name="TrilBackward0", saves=False, k=int(diagonal))


def _k_trace(a, *, dtype):
    return jnp.trace(a).astype(dtype)


def trace(input):
    """Mirrors `torch.trace` (2-D; integer inputs sum to int64)."""
    if input._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input._data.ndim}")
    if input._data.dtype == np.bool_:
        raise NotImplementedError('"trace" not implemented for \'Bool\'')
    dt = input.dtype if input.dtype._kind >= 2 else _dtypes.int64
    return _apply(_k_trace, input, name="TraceBackward0", saves=False, dtype=dt.np)


def _k_meshgrid(*arrays, indexing):
    return tuple(jnp.meshgrid(*arrays, indexing=indexing))


def meshgrid(*tensors, indexing=None):
    """Mirrors `torch.meshgrid(*tensors, indexing='ij')`."""
    tensors = _flat_args(tensors)
    return _apply(_k_meshgrid, *tensors, name="MeshgridBackward0", saves=False,
                  indexing="ij" if indexing is None else indexing)
