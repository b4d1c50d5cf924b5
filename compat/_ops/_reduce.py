"""Reductions: sum/mean/prod/nansum/nanmean, cumsum/cumprod, amax/amin/max/min/argmax/argmin,
aminmax, median, logsumexp, std/var (+ _mean), all/any, count_nonzero, softmax/log_softmax.

dtype rules are torch's: sum/prod/cumsum/cumprod of integer or bool inputs give int64;
mean/std/var need floating inputs; max/min keep the dtype; argmax gives int64. `max(dim=)`
returns `return_types.max(values, indices)` with the first occurrence's index, and its
gradient goes to that element only; `max()` without dim spreads the gradient evenly over
ties (both as torch).
"""
import builtins  # this module defines max/min/sum/all/any

import jax
import jax.numpy as jnp
import numpy as np

import functorch_like.nn.functional as _F

from .. import _dispatch, _dtypes, return_types
from .._tensor import Tensor
from ._common import dims_arg, wrap_dim

__all__ = ["sum", "nansum", "mean", "nanmean", "prod", "cumsum", "cumprod", "amax", "amin", "max",
           "min", "argmax", "argmin", "aminmax", "median", "logsumexp", "std", "var", "std_mean",
           "var_mean", "all", "any", "count_nonzero", "softmax", "log_softmax", "bincount", "histc", "diff",
           "numel"]

_apply = _dispatch.apply
_FROM_NP = _dtypes._FROM_NP
_SCALAR_NAMES = _dtypes.SCALAR_NAMES
_I64 = np.dtype(np.int64)


def _axis(input, dim):
    d = input._data
    if isinstance(dim, (list, tuple)) and len(dim) == 0:
        return None  # torch: an empty dim list reduces over every dimension
    return dims_arg(dim, d.ndim)


def _int_to_long(input, dtype):
    if dtype is not None:
        return _dtypes.to_dtype(dtype)
    dt = _FROM_NP[input._data.dtype]
    return _dtypes.int64 if dt._kind < 2 else dt  # integer/bool sums accumulate in int64


def _need_float(opname, input, dtype, optional=False):
    dt = _FROM_NP[input._data.dtype] if dtype is None else _dtypes.to_dtype(dtype)
    if dt._kind < 2:
        which = "Optional dtype" if dtype is not None else "Input dtype"
        raise RuntimeError(f"{opname}(): could not infer output dtype. {which} must be either a floating "
                           f"point or complex dtype. Got: {_SCALAR_NAMES[dt.name]}")
    return dt


# ----------------------------------------------------------------------------- sums & means
def _k_sum(a, *, axis, keepdims, dtype):
    return jnp.sum(a.astype(dtype), axis=axis, keepdims=keepdims)


def _k_nansum(a, *, axis, keepdims, dtype):
    return jnp.nansum(a.astype(dtype), axis=axis, keepdims=keepdims)


def _k_mean(a, *, axis, keepdims, dtype):
    return jnp.mean(a.astype(dtype), axis=axis, keepdims=keepdims)


def _k_nanmean(a, *, axis, keepdims, dtype):
    return jnp.nanmean(a.astype(dtype), axis=axis, keepdims=keepdims)


def _k_prod(a, *, axis, keepdims, dtype):
    return jnp.prod(a.astype(dtype), axis=axis, keepdims=keepdims)


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None, axis=None, keepdims=None):
    """Mirrors `torch.sum(input, dim=None, keepdim=False, *, dtype=None)`.

    Integer and bool inputs sum to int64, as torch.

    Example:
        >>> compat.tensor([[1, 2], [3, 4]]).sum(0)
        tensor([4, 6])
    """
    if axis is not None:  # numpy-style aliases torch also accepts
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    dt = _int_to_long(input, dtype)
    return _apply(_k_sum, input, name="SumBackward0" if dim is None else "SumBackward1", saves=False,
                  axis=_axis(input, dim), keepdims=bool(keepdim), dtype=dt.np)


def nansum(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """Mirrors `torch.nansum` (NaNs count as zero)."""
    if axis is not None:  # numpy-style aliases torch also accepts
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    dt = _int_to_long(input, dtype)
    return _apply(_k_nansum, input, name="NansumBackward0", axis=_axis(input, dim),
                  keepdims=bool(keepdim), dtype=dt.np)


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None, axis=None, keepdims=None):
    """Mirrors `torch.mean` (floating/complex inputs only, as torch).

    Raises:
        RuntimeError: integer input without a floating `dtype=`.
    """
    if axis is not None:  # numpy-style aliases torch also accepts
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    dt = _need_float("mean", input, dtype)
    return _apply(_k_mean, input, name="MeanBackward0" if dim is None else "MeanBackward1", saves=False,
                  axis=_axis(input, dim), keepdims=bool(keepdim), dtype=dt.np)


def nanmean(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """Mirrors `torch.nanmean` (mean over the non-NaN elements)."""
    if axis is not None:  # numpy-style aliases torch also accepts
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    dt = _need_float("nanmean", input, dtype)
    return _apply(_k_nanmean, input, name="NanmeanBackward0", axis=_axis(input, dim),
                  keepdims=bool(keepdim), dtype=dt.np)


def prod(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """Mirrors `torch.prod(input, dim=None, keepdim=False, *, dtype=None)` (one dim at most)."""
    if axis is not None:  # numpy-style aliases torch also accepts
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    dt = _int_to_long(input, dtype)
    if dim is not None and not isinstance(dim, (int, np.integer)):
        raise TypeError(f"prod() received an invalid combination of arguments - got ({type(dim).__name__}), but "
                        "expected one of:\n * (*, torch.dtype dtype = None)\n * (int dim, bool keepdim = False, *, "
                        "torch.dtype dtype = None)\n")
    return _apply(_k_prod, input, name="ProdBackward0" if dim is None else "ProdBackward1",
                  axis=_axis(input, dim), keepdims=bool(keepdim), dtype=dt.np)


def _k_cumsum(a, *, axis, dtype):
    return jnp.cumsum(a.astype(dtype), axis=axis)


def _k_cumprod(a, *, axis, dtype):
    return jnp.cumprod(a.astype(dtype), axis=axis)


def cumsum(input, dim=None, *, dtype=None, out=None, axis=None):
    """Mirrors `torch.cumsum(input, dim, *, dtype=None)` (integers accumulate in int64)."""
    if axis is not None:  # numpy-style aliases torch also accepts
        dim = axis
    if dim is None:
        raise TypeError("cumsum() missing required argument 'dim'")
    d = wrap_dim(dim, input._data.ndim)
    dt = _int_to_long(input, dtype)
    return _apply(_k_cumsum, input, name="CumsumBackward0", saves=False,
                  axis=d if input._data.ndim else None, dtype=dt.np)


def cumprod(input, dim=None, *, dtype=None, out=None, axis=None):
    """Mirrors `torch.cumprod(input, dim, *, dtype=None)`."""
    if axis is not None:  # numpy-style aliases torch also accepts
        dim = axis
    if dim is None:
        raise TypeError("cumprod() missing required argument 'dim'")
    d = wrap_dim(dim, input._data.ndim)
    dt = _int_to_long(input, dtype)
    return _apply(_k_cumprod, input, name="CumprodBackward0", axis=d if input._data.ndim else None,
                  dtype=dt.np)


# ----------------------------------------------------------------------------- max / min
def _k_amax(a, *, axis, keepdims):
    return jnp.max(a, axis=axis, keepdims=keepdims)  # ties share the gradient evenly, as torch


def _k_amin(a, *, axis, keepdims):
    return jnp.min(a, axis=axis, keepdims=keepdims)


def _check_nonempty(opname, input, axis):
    shape = input._data.shape
    if axis is None:
        if input._data.size == 0:
            raise RuntimeError(
                f"{opname}(): Expected reduction dim to be specified for input.numel() == 0. Specify "
                "the reduction dim with the 'dim' argument."
            )
        return
    for d in axis:
        if shape and shape[d] == 0:
            raise IndexError(f"{opname}(): Expected reduction dim {d} to have non-zero size.")


def amax(input, dim=(), keepdim=False, *, out=None, axis=None, keepdims=None):
    """Mirrors `torch.amax(input, dim=(), keepdim=False)`: dim=() reduces every dim."""
    if axis is not None:  # numpy-style aliases torch also accepts
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    axis = _axis(input, dim)
    _check_nonempty("amax", input, axis)
    return _apply(_k_amax, input, name="AmaxBackward0", axis=axis, keepdims=bool(keepdim))


def amin(input, dim=(), keepdim=False, *, out=None, axis=None, keepdims=None):
    """Mirrors `torch.amin(input, dim=(), keepdim=False)`."""
    if axis is not None:  # numpy-style aliases torch also accepts
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    axis = _axis(input, dim)
    _check_nonempty("amin", input, axis)
    return _apply(_k_amin, input, name="AminBackward0", axis=axis, keepdims=bool(keepdim))


def _k_max_dim(a, *, axis, keepdims):
    if a.ndim == 0:
        return a, jnp.zeros((), np.int64)
    idx = jnp.argmax(a, axis=axis, keepdims=True)  # first occurrence (NaN counts as largest)
    vals = jnp.take_along_axis(a, idx, axis=axis)  # the gradient goes to that element only
    if not keepdims:
        vals, idx = jnp.squeeze(vals, axis), jnp.squeeze(idx, axis)
    return vals, idx.astype(np.int64)


def _k_min_dim(a, *, axis, keepdims):
    if a.ndim == 0:
        return a, jnp.zeros((), np.int64)
    idx = jnp.argmin(a, axis=axis, keepdims=True)
    vals = jnp.take_along_axis(a, idx, axis=axis)
    if not keepdims:
        vals, idx = jnp.squeeze(vals, axis), jnp.squeeze(idx, axis)
    return vals, idx.astype(np.int64)


def _max_min(opname, input, dim, keepdim, all_kernel, dim_kernel, elementwise, struct):
    if isinstance(dim, Tensor):
        return elementwise(input, dim)
    if dim is None:
        if keepdim:
            raise TypeError(f"{opname}() received an invalid combination of arguments - got (keepdim=True)")
        _check_nonempty(opname, input, None)
        return _apply(all_kernel, input, name=f"{opname.capitalize()}Backward1", axis=None, keepdims=False)
    d = wrap_dim(dim, input._data.ndim)
    _check_nonempty(opname, input, (d,))
    vals, idx = _apply(dim_kernel, input, name=f"{opname.capitalize()}Backward0", axis=d,
                       keepdims=bool(keepdim))
    return struct(vals, idx)


def max(input, dim=None, keepdim=False, *, out=None, axis=None, keepdims=None):
    """Mirrors `torch.max`: max(input) -> value; max(input, dim, keepdim) -> (values, indices);
    max(input, other) -> elementwise maximum.

    Example:
        >>> compat.tensor([[1, 3], [3, 1]]).max(1).indices
        tensor([1, 0])
    """
    if axis is not None:  # numpy-style aliases torch also accepts
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    from ._compare import maximum

    return _max_min("max", input, dim, keepdim, _k_amax, _k_max_dim, maximum, return_types.max)


def min(input, dim=None, keepdim=False, *, out=None, axis=None, keepdims=None):
    """Mirrors `torch.min` (see `max`)."""
    if axis is not None:  # numpy-style aliases torch also accepts
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    from ._compare import minimum

    return _max_min("min", input, dim, keepdim, _k_amin, _k_min_dim, minimum, return_types.min)


def _k_argmax(a, *, axis, keepdims):
    if axis is None and keepdims:
        return jnp.argmax(a.reshape(-1)).astype(np.int64).reshape((1,) * a.ndim)
    return jnp.argmax(a, axis=axis, keepdims=keepdims).astype(np.int64)


def _k_argmin(a, *, axis, keepdims):
    if axis is None and keepdims:
        return jnp.argmin(a.reshape(-1)).astype(np.int64).reshape((1,) * a.ndim)
    return jnp.argmin(a, axis=axis, keepdims=keepdims).astype(np.int64)


def _check_arg_nonempty(opname, input, axis):
    if input._data.dtype == np.bool_:
        raise RuntimeError(f"{opname}(): does not support bool input")
    if axis is None and input._data.size == 0:
        raise IndexError(f"{opname}(): Expected reduction dim to be specified for input.numel() == 0.")
    _check_nonempty(opname, input, None if axis is None else (axis,))


def argmax(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """Mirrors `torch.argmax(input, dim=None, keepdim=False)` (first occurrence; int64)."""
    if axis is not None:  # numpy-style aliases torch also accepts
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    axis = None if dim is None or input._data.ndim == 0 else wrap_dim(dim, input._data.ndim)
    _check_arg_nonempty("argmax", input, axis)
    return _apply(_k_argmax, input, name="NotDifferentiable", axis=axis, keepdims=bool(keepdim))


def argmin(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """Mirrors `torch.argmin`."""
    if axis is not None:  # numpy-style aliases torch also accepts
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    axis = None if dim is None or input._data.ndim == 0 else wrap_dim(dim, input._data.ndim)
    _check_arg_nonempty("argmin", input, axis)
    return _apply(_k_argmin, input, name="NotDifferentiable", axis=axis, keepdims=bool(keepdim))


def _k_aminmax(a, *, axis, keepdims):
    return jnp.min(a, axis=axis, keepdims=keepdims), jnp.max(a, axis=axis, keepdims=keepdims)


def aminmax(input, *, dim=None, keepdim=False):
    """Mirrors `torch.aminmax(input, *, dim=None, keepdim=False)` -> (min, max)."""
    axis = None if dim is None else dims_arg(dim, input._data.ndim)
    _check_nonempty("aminmax", input, axis)
    mn, mx = _apply(_k_aminmax, input, name="AminmaxBackward0", axis=axis, keepdims=bool(keepdim))
    return return_types.aminmax(mn, mx)


def _k_median_all(a):
    flat = jnp.sort(a.reshape(-1))
    return flat[(flat.shape[0] - 1) // 2]  # the lower of the two middle values, as torch


def _k_median_dim(a, *, axis, keepdims):
    if a.ndim == 0:
        return a, jnp.zeros((), np.int64)
    order = jnp.argsort(a, axis=axis, stable=True)
    k = (a.shape[axis] - 1) // 2
    idx = jax.lax.slice_in_dim(order, k, k + 1, axis=axis)
    vals = jnp.take_along_axis(a, idx, axis=axis)
    if not keepdims:
        vals, idx = jnp.squeeze(vals, axis), jnp.squeeze(idx, axis)
    return vals, idx.astype(np.int64)


def median(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """Mirrors `torch.median`: the lower median; with `dim`, (values, indices)."""
    if axis is not None:  # numpy-style aliases torch also accepts
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    if input._data.dtype == np.bool_:
        raise NotImplementedError('"median_cpu" not implemented for \'Bool\'')
    if dim is None:
        _check_nonempty("median", input, None)
        return _apply(_k_median_all, input, name="MedianBackward0")
    d = wrap_dim(dim, input._data.ndim)
    _check_nonempty("median", input, (d,))
    vals, idx = _apply(_k_median_dim, input, name="MedianBackward1", axis=d, keepdims=bool(keepdim))
    return return_types.median(vals, idx)


# ----------------------------------------------------------------------------- logsumexp / var
def _k_logsumexp(a, *, axis, keepdims, dtype):
    return jax.nn.logsumexp(a.astype(dtype), axis=axis, keepdims=keepdims)


def logsumexp(input, dim=None, keepdim=False, *, out=None, axis=None, keepdims=None):
    """Mirrors `torch.logsumexp(input, dim, keepdim=False)` (integer inputs give float)."""
    if axis is not None:  # numpy-style aliases torch also accepts
        dim = axis
    if dim is None:
        raise TypeError("logsumexp() missing required argument 'dim'")
    if keepdims is not None:
        keepdim = keepdims
    dt = _FROM_NP[input._data.dtype]
    if dt._kind < 2:
        dt = _dtypes.get_default_dtype()
    return _apply(_k_logsumexp, input, name="LogsumexpBackward0", axis=_axis(input, dim),
                  keepdims=bool(keepdim), dtype=dt.np)


def _k_var(a, *, axis, keepdims, correction):
    m = jnp.mean(a, axis=axis, keepdims=True)
    d = a - m
    ssq = jnp.sum(jnp.real(d * jnp.conj(d)), axis=axis, keepdims=keepdims)  # |d|^2, complex too
    n = a.size if axis is None else int(np.prod([a.shape[i] for i in axis]))
    # torch divides by max(0, N - correction): 0 gives inf/nan, as torch (with its warning).
    return ssq / np.asarray(builtins.max(0.0, n - correction), ssq.dtype)


def _k_std(a, *, axis, keepdims, correction):
    return jnp.sqrt(_k_var(a, axis=axis, keepdims=keepdims, correction=correction))


def _k_var_mean(a, *, axis, keepdims, correction):
    return (_k_var(a, axis=axis, keepdims=keepdims, correction=correction),
            jnp.mean(a, axis=axis, keepdims=keepdims))


def _k_std_mean(a, *, axis, keepdims, correction):
    v, m = _k_var_mean(a, axis=axis, keepdims=keepdims, correction=correction)
    return jnp.sqrt(v), m


def _var_args(opname, input, dim, unbiased, keepdim, correction):
    if isinstance(dim, bool):  # the legacy std(input, unbiased) overload
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise RuntimeError(f"{opname}: can't specify both unbiased and correction")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    if input.dtype._kind < 2:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    return _axis(input, dim), bool(keepdim), float(correction)


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None, axis=None, keepdims=None):
    """Mirrors `torch.var(input, dim=None, *, correction=1, keepdim=False)` (and the legacy
    `unbiased` argument): sum((x - mean)^2) / max(0, N - correction).

    Example:
        >>> compat.tensor([1.0, 2.0, 3.0]).var()
        tensor(1.)
    """
    if axis is not None:  # numpy-style aliases torch also accepts
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    axis, keepdim, c = _var_args("var", input, dim, unbiased, keepdim, correction)
    return _apply(_k_var, input, name="VarBackward0", axis=axis, keepdims=keepdim, correction=c)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None, axis=None, keepdims=None):
    """Mirrors `torch.std` (sqrt of `var` with the same arguments)."""
    if axis is not None:  # numpy-style aliases torch also accepts
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    axis, keepdim, c = _var_args("std", input, dim, unbiased, keepdim, correction)
    return _apply(_k_std, input, name="StdBackward0", axis=axis, keepdims=keepdim, correction=c)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
    """Mirrors `torch.var_mean` -> (var, mean)."""
    if axis is not None:  # numpy-style aliases torch also accepts
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    axis, keepdim, c = _var_args("var_mean", input, dim, unbiased, keepdim, correction)
    return _apply(_k_var_mean, input, name="VarMeanBackward0", axis=axis, keepdims=keepdim, correction=c)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
    """Mirrors `torch.std_mean` -> (std, mean)."""
    if axis is not None:  # numpy-style aliases torch also accepts
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    axis, keepdim, c = _var_args("std_mean", input, dim, unbiased, keepdim, correction)
    return _apply(_k_std_mean, input, name="StdMeanBackward0", axis=axis, keepdims=keepdim, correction=c)


# ----------------------------------------------------------------------------- logical reductions
def _k_all(a, *, axis, keepdims, uint8):
    r = jnp.all(a, axis=axis, keepdims=keepdims)
    return r.astype(np.uint8) if uint8 else r  # torch keeps uint8 for uint8 inputs


def _k_any(a, *, axis, keepdims, uint8):
    r = jnp.any(a, axis=axis, keepdims=keepdims)
    return r.astype(np.uint8) if uint8 else r


def all(input, dim=None, keepdim=False, *, out=None, axis=None, keepdims=None):
    """Mirrors `torch.all(input, dim=None, keepdim=False)` (bool result; uint8 stays uint8)."""
    if axis is not None:  # numpy-style aliases torch also accepts
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    return _apply(_k_all, input, name="NotDifferentiable", axis=_axis(input, dim), keepdims=bool(keepdim),
                  uint8=input._data.dtype == np.uint8)


def any(input, dim=None, keepdim=False, *, out=None, axis=None, keepdims=None):
    """Mirrors `torch.any`."""
    if axis is not None:  # numpy-style aliases torch also accepts
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    return _apply(_k_any, input, name="NotDifferentiable", axis=_axis(input, dim), keepdims=bool(keepdim),
                  uint8=input._data.dtype == np.uint8)


def _k_count_nonzero(a, *, axis):
    return jnp.sum(a != 0, axis=axis, dtype=np.int64)


def count_nonzero(input, dim=None, *, axis=None):
    """Mirrors `torch.count_nonzero(input, dim=None)` (int64)."""
    if axis is not None:  # numpy-style aliases torch also accepts
        dim = axis
    return _apply(_k_count_nonzero, input, name="NotDifferentiable", axis=_axis(input, dim))


# ----------------------------------------------------------------------------- softmax
def _softmax_dtype(opname, input, dtype):
    dt = _FROM_NP[input._data.dtype] if dtype is None else _dtypes.to_dtype(dtype)
    if dt._kind < 2:
        raise NotImplementedError(f'"{opname}_lastdim_kernel_impl" not implemented for \'{_SCALAR_NAMES[dt.name]}\'')
    return None if dtype is None else dt.np.name


def softmax(input, dim=None, dtype=None, *, axis=None):
    """Mirrors `torch.softmax(input, dim, dtype=None)` (the core's `softmax` along `dim`).

    Example:
        >>> compat.zeros(2, 2).softmax(1)
        tensor([[0.5000, 0.5000],
                [0.5000, 0.5000]])
    """
    if axis is not None:  # numpy-style aliases torch also accepts
        dim = axis
    if dim is None:
        raise TypeError("softmax() missing required argument 'dim'")
    dt = _softmax_dtype("softmax", input, dtype)
    wrap_dim(dim, input._data.ndim)
    return _apply(_F.softmax, input, name="SoftmaxBackward0", dim=dim, dtype=dt)


def log_softmax(input, dim=None, dtype=None, *, axis=None):
    """Mirrors `torch.log_softmax(input, dim, dtype=None)` (the core's `log_softmax`)."""
    if axis is not None:  # numpy-style aliases torch also accepts
        dim = axis
    if dim is None:
        raise TypeError("log_softmax() missing required argument 'dim'")
    dt = _softmax_dtype("log_softmax", input, dtype)
    wrap_dim(dim, input._data.ndim)
    return _apply(_F.log_softmax, input, name="LogSoftmaxBackward0", dim=dim, dtype=dt)


# ----------------------------------------------------------------------------- counting
def numel(input):
    """Mirrors `torch.numel(input)`."""
    return int(np.prod(input._data.shape, dtype=np.int64))


def _k_bincount(x, w, *, length, dtype):
    return jnp.zeros((length,), dtype).at[x].add(w.astype(dtype))


def bincount(input, weights=None, minlength=0):
    """Mirrors `torch.bincount(input, weights=None, minlength=0)` (eager: the length is max+1)."""
    if input.ndim != 1 or input.dtype._kind != 1:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    host = np.asarray(input._data)
    if host.size and host.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    length = builtins.max(int(host.max()) + 1 if host.size else 0, int(minlength))
    if weights is None:
        return _apply(_k_bincount, input, np.ones((), np.int64), name="NotDifferentiable", length=length,
                      dtype=_I64)
    dt = weights.dtype if weights.dtype._kind >= 2 else _dtypes.float64
    return _apply(_k_bincount, input, weights, name="NotDifferentiable", length=length, dtype=dt.np)


def _k_histc(a, *, bins, lo, hi):
    a = a.reshape(-1)
    width = (hi - lo) / bins
    idx = jnp.floor((a - lo) / width).astype(np.int64)
    idx = jnp.where(a == hi, bins - 1, idx)  # the last bin includes its right edge, as torch
    inside = (a >= lo) & (a <= hi)
    return jnp.zeros((bins,), a.dtype).at[jnp.where(inside, idx, bins)].add(jnp.ones_like(a), mode="drop")


def histc(input, bins=100, min=0, max=0):
    """Mirrors `torch.histc(input, bins=100, min=0, max=0)` (min == max: the data's range, eager)."""
    lo, hi = float(min), float(max)
    if lo == hi:
        host = np.asarray(input._data)
        lo, hi = (float(host.min()), float(host.max())) if host.size else (0.0, 0.0)
        if lo == hi:
            lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError("torch.histogram(): max must be larger than min")
    return _apply(_k_histc, input, name="NotDifferentiable", bins=int(bins), lo=lo, hi=hi)


def _k_diff(a, *pads, axis, n, pre):
    parts = ([pads[0]] if pre else []) + [a] + (list(pads[1:] if pre else pads))
    x = jnp.concatenate(parts, axis=axis) if len(parts) > 1 else a
    for _ in range(n):
        x = jax.lax.slice_in_dim(x, 1, x.shape[axis], axis=axis) - jax.lax.slice_in_dim(x, 0, x.shape[axis] - 1,
                                                                                          axis=axis)
    return x


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """Mirrors `torch.diff(input, n=1, dim=-1, prepend=None, append=None)`."""
    d = wrap_dim(dim, input._data.ndim)
    pads = [p for p in (prepend, append) if p is not None]
    return _apply(_k_diff, input, *pads, name="DiffBackward0", axis=d, n=int(n), pre=prepend is not None)
