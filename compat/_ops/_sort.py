"""Ordering ops: sort, argsort, msort, topk, kthvalue, unique, unique_consecutive, searchsorted,
bucketize.

sort/argsort use a stable sort (so ties keep their order, as torch's stable=True; NaN sorts
as the largest value, as torch). `unique` has a data-dependent size and runs eagerly.
"""
import jax
import jax.numpy as jnp
import numpy as np

from .. import _dispatch, return_types
from .._tensor import Tensor
from ._common import is_tracer, wrap_dim

__all__ = ["sort", "argsort", "msort", "topk", "kthvalue", "unique", "unique_consecutive",
           "searchsorted", "bucketize"]

_apply = _dispatch.apply


def _k_sort(a, *, axis, descending):
    if a.ndim == 0:
        return a, jnp.zeros((), np.int64)
    idx = jnp.argsort(a, axis=axis, stable=True, descending=descending)
    return jnp.take_along_axis(a, idx, axis=axis), idx.astype(np.int64)


def sort(input, dim=-1, descending=False, stable=False, *, out=None):
    """Mirrors `torch.sort(input, dim=-1, descending=False, stable=False)` -> (values, indices).

    Always stable here (a valid choice for torch's stable=False too).

    Example:
        >>> compat.tensor([3, 1, 2]).sort().indices
        tensor([1, 2, 0])
    """
    if isinstance(dim, bool):  # Tensor.sort(descending) misuse guard: torch's dim is an int
        raise TypeError("sort(): argument 'dim' must be int, not bool")
    d = wrap_dim(dim, input._data.ndim)
    v, i = _apply(_k_sort, input, name="SortBackward0", axis=d, descending=bool(descending))
    return return_types.sort(v, i)


def _k_argsort(a, *, axis, descending):
    if a.ndim == 0:
        return jnp.zeros((), np.int64)
    return jnp.argsort(a, axis=axis, stable=True, descending=descending).astype(np.int64)


def argsort(input, dim=-1, descending=False, stable=False):
    """Mirrors `torch.argsort(input, dim=-1, descending=False, stable=False)`."""
    d = wrap_dim(dim, input._data.ndim)
    return _apply(_k_argsort, input, name="NotDifferentiable", axis=d, descending=bool(descending))


def msort(input):
    """Mirrors `torch.msort` (sort along dim 0)."""
    return sort(input, 0).values


def _k_topk(a, *, k, axis, largest):
    if a.ndim == 0:
        return a, jnp.zeros((), np.int64)
    idx = jnp.argsort(a, axis=axis, stable=True, descending=largest)
    idx = jax.lax.slice_in_dim(idx, 0, k, axis=axis)
    return jnp.take_along_axis(a, idx, axis=axis), idx.astype(np.int64)


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    """Mirrors `torch.topk(input, k, dim=-1, largest=True, sorted=True)` -> (values, indices).

    Results are always sorted (allowed by torch for sorted=False); ties keep index order.
    """
    n = input._data.ndim
    d = wrap_dim(dim, n)
    size = input._data.shape[d] if n else 1
    k = int(k)
    if input._data.dtype == np.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    v, i = _apply(_k_topk, input, name="TopkBackward0", k=k, axis=d, largest=bool(largest))
    return return_types.topk(v, i)


def _k_kthvalue(a, *, k, axis, keepdims):
    if a.ndim == 0:
        return a, jnp.zeros((), np.int64)
    idx = jnp.argsort(a, axis=axis, stable=True)
    idx = jax.lax.slice_in_dim(idx, k - 1, k, axis=axis)
    v = jnp.take_along_axis(a, idx, axis=axis)
    if not keepdims:
        v, idx = jnp.squeeze(v, axis), jnp.squeeze(idx, axis)
    return v, idx.astype(np.int64)


def kthvalue(input, k, dim=-1, keepdim=False):
    """Mirrors `torch.kthvalue(input, k, dim=-1, keepdim=False)`: the k-th smallest (1-based)."""
    n = input._data.ndim
    d = wrap_dim(dim, n)
    size = input._data.shape[d] if n else 1
    if not 1 <= k <= size:
        raise IndexError(f"kthvalue(): selected number k out of range for dimension {d}")
    if input._data.dtype == np.bool_:
        raise NotImplementedError('"kthvalue_cpu" not implemented for \'Bool\'')
    v, i = _apply(_k_kthvalue, input, name="KthvalueBackward0", k=int(k), axis=d, keepdims=bool(keepdim))
    return return_types.kthvalue(v, i)


def _host(opname, input):
    if is_tracer(input._data):
        raise RuntimeError(f"{opname}() has a data-dependent output shape and cannot run inside "
                           "compat.compile; call it outside the compiled function")
    return np.asarray(input._data)


def _wrap(a, dtype=None):
    return Tensor._wrap(jnp.asarray(a if dtype is None else a.astype(dtype)))


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """Mirrors `torch.unique` (always sorted, as torch on CPU; eager: data-dependent size).

    Example:
        >>> compat.unique(compat.tensor([3, 1, 3]), return_counts=True)
        (tensor([1, 3]), tensor([1, 2]))
    """
    a = _host("unique", input)
    if dim is None:
        vals, inv, cnt = np.unique(a.reshape(-1), return_inverse=True, return_counts=True)
        inv = inv.reshape(a.shape)
    else:
        d = wrap_dim(dim, a.ndim)
        vals, inv, cnt = np.unique(a, return_inverse=True, return_counts=True, axis=d)
        inv = inv.reshape(-1)
    out = [_wrap(vals, a.dtype)]
    if return_inverse:
        out.append(_wrap(inv, np.int64))
    if return_counts:
        out.append(_wrap(cnt, np.int64))
    return out[0] if len(out) == 1 else tuple(out)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Mirrors `torch.unique_consecutive` (collapses runs of equal values; eager)."""
    a = _host("unique_consecutive", input)
    if dim is not None:
        d = wrap_dim(dim, a.ndim)
        moved = np.moveaxis(a, d, 0).reshape(a.shape[d], -1)
        change = np.concatenate([[True], np.any(moved[1:] != moved[:-1], axis=1)]) if len(moved) else np.zeros(0, bool)
        vals = np.compress(change, a, axis=d)
    else:
        flat = a.reshape(-1)
        change = np.concatenate([[True], flat[1:] != flat[:-1]]) if flat.size else np.zeros(0, bool)
        vals = flat[change]
    out = [_wrap(vals, a.dtype)]
    if return_inverse:
        inv = np.cumsum(change) - 1
        out.append(_wrap(inv.reshape(a.shape) if dim is None else inv, np.int64))
    if return_counts:
        starts = np.flatnonzero(change)
        out.append(_wrap(np.diff(np.append(starts, change.size)), np.int64))
    return out[0] if len(out) == 1 else tuple(out)


def _k_searchsorted(seq, v, *, side, out_int32):
    dt = np.int32 if out_int32 else np.int64
    if seq.ndim == 1:
        return jnp.searchsorted(seq, v, side=side).astype(dt)
    f = jax.vmap(lambda s, x: jnp.searchsorted(s, x, side=side))
    lead = seq.shape[:-1]
    r = f(seq.reshape((-1, seq.shape[-1])), v.reshape((-1, v.shape[-1])))
    return r.reshape(lead + (v.shape[-1],)).astype(dt)


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):
    """Mirrors `torch.searchsorted(sorted_sequence, values, *, out_int32=False, right=False)`."""
    if sorter is not None:
        sorted_sequence = sorted_sequence.gather(-1, sorter)
    side = side or ("right" if right else "left")
    v = input if isinstance(input, Tensor) else np.asarray(input, sorted_sequence.dtype.np)
    if sorted_sequence.ndim > 1 and sorted_sequence.shape[:-1] != getattr(v, "shape", ())[:-1]:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                           "dimensions of boundaries tensor and input value tensor must match, but we got "
                           f"boundaries tensor {list(sorted_sequence.shape)} and input value tensor "
                           f"{list(v.shape)}")
    return _apply(_k_searchsorted, sorted_sequence, v, name="NotDifferentiable", side=side,
                  out_int32=bool(out_int32))


def bucketize(input, boundaries, *, out_int32=False, right=False):
    """Mirrors `torch.bucketize(input, boundaries, *, out_int32=False, right=False)`."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)
