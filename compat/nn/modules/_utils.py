"""Helpers shared by the layers: torch's tuple parsers and parameter construction."""
import collections.abc
from itertools import repeat

import jax.numpy as jnp

from ... import _device, _dtypes
from ..._tensor import Tensor
from .._parameter import Parameter

__all__ = ["_single", "_pair", "_reverse_repeat_tuple", "factory_dtype", "new_parameter",
           "new_buffer", "assign_"]


def _ntuple(n, name="parse"):
    def parse(x):
        if isinstance(x, collections.abc.Iterable):
            return tuple(x)
        return tuple(repeat(x, n))

    parse.__name__ = name
    return parse


_single = _ntuple(1, "_single")
_pair = _ntuple(2, "_pair")


def _reverse_repeat_tuple(t, n):
    """(1, 2) with n=2 -> (2, 2, 1, 1): torch's F.pad order from a conv padding tuple."""
    return tuple(x for x in reversed(t) for _ in range(n))


def factory_dtype(dtype):
    """The numpy dtype for a layer's `dtype=` factory argument (None: the default dtype)."""
    return (_dtypes.get_default_dtype() if dtype is None else _dtypes.to_dtype(dtype)).np


def _placed(arr, device):
    return arr if device is None else _device.put(arr, _device.device(device))


def new_parameter(shape, device=None, dtype=None, requires_grad=True):
    """A Parameter of zeros (filled by the layer's reset_parameters, as torch.empty + init)."""
    arr = _placed(jnp.zeros(tuple(shape), factory_dtype(dtype)), device)
    return Parameter(Tensor._wrap(arr), requires_grad=requires_grad)


def new_buffer(arr, device=None):
    """A buffer Tensor holding `arr` on `device`."""
    return Tensor._wrap(_placed(arr, device))


def assign_(t, arr):
    """Rebinds `t`'s value (keeping its dtype, device and identity): torch's in-place fill."""
    arr = jnp.asarray(arr).astype(t._data.dtype)
    if arr.shape != t._data.shape:
        raise RuntimeError(f"assign_: shape {list(arr.shape)} != {list(t._data.shape)}")
    t._data = _device.put(arr, t.device)  # a no-op when already there (and for traced values)
    t._version += 1
    t._refresh_views()
    return t
