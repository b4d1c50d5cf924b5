"""Reductions: sum, mean."""
import jax.numpy as jnp

from .. import _dispatch, _dtypes

__all__ = ["sum", "mean"]


def _dims(t, dim):
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    return tuple(sorted(t._wrap_dim(d) for d in dims))


def _k_sum(a, *, axis, keepdims, dtype):
    return jnp.sum(a.astype(dtype), axis=axis, keepdims=keepdims)


def sum(input, dim=None, keepdim=False, *, dtype=None):
    """Mirrors `torch.sum` (integer and bool inputs sum to int64, as torch)."""
    if dtype is None:
        dt = input.dtype
        if not (dt.is_floating_point or dt.is_complex):
            dt = _dtypes.int64
    else:
        dt = _dtypes.to_dtype(dtype)
    return _dispatch.apply(_k_sum, input, name="SumBackward0" if dim is None else "SumBackward1",
                           saves=False, axis=_dims(input, dim), keepdims=bool(keepdim), dtype=dt.np.name)


def _k_mean(a, *, axis, keepdims, dtype):
    return jnp.mean(a.astype(dtype), axis=axis, keepdims=keepdims)


def mean(input, dim=None, keepdim=False, *, dtype=None):
    """Mirrors `torch.mean` (floating inputs only, as torch)."""
    dt = input.dtype if dtype is None else _dtypes.to_dtype(dtype)
    if not (dt.is_floating_point or dt.is_complex):
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {input.dtype.name.capitalize()}"
        )
    return _dispatch.apply(_k_mean, input, name="MeanBackward0" if dim is None else "MeanBackward1",
                           saves=False, axis=_dims(input, dim), keepdims=bool(keepdim), dtype=dt.np.name)
