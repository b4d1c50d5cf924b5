"""Pickling compat objects under torch's names, so real torch can unpickle them.

Tensors become `torch._utils._rebuild_tensor_v2(storage, offset, size, stride,
requires_grad, OrderedDict())` with the storage as a persistent id
`('storage', torch.<X>Storage, key, location, numel)`; Parameters become
`torch._utils._rebuild_parameter(data, requires_grad, OrderedDict())`; dtypes, devices and
Size become `torch.float32`, `torch.device(...)`, `torch.Size(...)`. Everything else
pickles normally.

The pure-Python pickler is used because it lets a class (`TorchGlobal`) be written as a
GLOBAL opcode without importing the named module; the pickle holds only structure (the
tensor bytes go to separate records), so its speed does not matter.
"""
import collections
import pickle

import numpy as np

from .. import _dtypes
from .._device import device as _device_cls
from .._size import Size
from .._tensor import Tensor
from ._names import STORAGE_NAME, TorchGlobal

__all__ = ["StorageRef", "TorchPickler", "contiguous_strides", "storage_bytes"]

_REBUILD_TENSOR_V2 = TorchGlobal("torch._utils", "_rebuild_tensor_v2")
_REBUILD_PARAMETER = TorchGlobal("torch._utils", "_rebuild_parameter")
_TORCH_DEVICE = TorchGlobal("torch", "device")
_TORCH_SIZE = TorchGlobal("torch", "Size")


def contiguous_strides(shape):
    """Row-major strides in elements (torch's `stride()` of a contiguous tensor).

    Example:
        >>> contiguous_strides((2, 3, 4))
        (12, 4, 1)
    """
    strides, acc = [], 1
    for s in reversed(shape):
        strides.append(acc)
        acc *= max(int(s), 1)  # torch gives size-0/1 dims the stride of the next dim's extent
    return tuple(reversed(strides))


def storage_bytes(array):
    """A tensor's contents as little-endian, C-ordered bytes (a uint8 numpy view or copy)."""
    a = np.ascontiguousarray(array)
    if a.dtype.byteorder == ">" or (a.dtype.byteorder == "=" and not np.little_endian):
        a = a.byteswap().view(a.dtype.newbyteorder("<"))
    return a.reshape(-1).view(np.uint8)


class StorageRef:
    """One storage to be written: a tensor's array, its record key and location."""

    __slots__ = ("array", "key", "pid")

    def __init__(self, array, key, dtype, location, legacy):
        self.array = array
        self.key = key
        storage_type = TorchGlobal("torch", STORAGE_NAME[dtype.name])
        numel = int(np.prod(array.shape, dtype=np.int64))
        self.pid = ("storage", storage_type, key, location, numel)
        if legacy:  # the pre-1.6 format carries a view slot (always None when writing)
            self.pid += (None,)


class _ParameterData:
    """A Parameter's value as a plain tensor (the `data` argument of _rebuild_parameter)."""

    __slots__ = ("tensor",)

    def __init__(self, tensor):
        self.tensor = tensor


class TorchPickler(pickle._Pickler):
    """A pickler that writes compat tensors/dtypes/devices as torch's pickles them.

    Args:
        file: the binary stream to write the pickle to.
        protocol: pickle protocol (torch uses 2).
        legacy: write the pre-1.6 persistent ids (with a trailing view slot).

    Attributes:
        storages: `{key: StorageRef}` of every storage referenced, in key order.

    Example:
        >>> buf = io.BytesIO()
        >>> p = TorchPickler(buf, 2)
        >>> p.dump({"w": compat.zeros(2)})
        >>> list(p.storages)
        ['0']
    """

    dispatch = pickle._Pickler.dispatch.copy()

    def __init__(self, file, protocol=2, *, legacy=False):
        super().__init__(file, protocol)
        self.storages = {}
        self._by_array = {}  # id(jax array) -> StorageRef: tensors sharing an array share storage
        self._arrays = []  # keeps those arrays alive while pickling, so their ids stay unique
        self._legacy = legacy

    def _storage_for(self, tensor):
        arr = tensor._data
        ref = self._by_array.get(id(arr))
        if ref is None:
            try:
                host = np.asarray(arr)
            except Exception as e:  # a tracer inside compat.compile / jax.jit
                raise RuntimeError(
                    f"compat.save: cannot save a tensor whose value is not concrete "
                    f"({type(arr).__name__}); save outside compiled/traced code"
                ) from e
            key = str(len(self.storages))
            ref = StorageRef(host, key, tensor.dtype, str(tensor.device), self._legacy)
            self.storages[key] = ref
            self._by_array[id(arr)] = ref
            self._arrays.append(arr)
        return ref

    def _tensor_reduce(self, tensor, requires_grad):
        ref = self._storage_for(tensor)
        shape = tuple(int(s) for s in tensor._data.shape)
        return (_REBUILD_TENSOR_V2,
                (ref, 0, shape, contiguous_strides(shape), bool(requires_grad),
                 collections.OrderedDict()))

    def persistent_id(self, obj):
        if type(obj) is StorageRef:
            return obj.pid
        return None

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            from ..nn import Parameter

            if isinstance(obj, Parameter):
                return (_REBUILD_PARAMETER,
                        (_ParameterData(obj), obj.requires_grad, collections.OrderedDict()))
            return self._tensor_reduce(obj, obj.requires_grad)
        if type(obj) is _ParameterData:
            return self._tensor_reduce(obj.tensor, False)
        if isinstance(obj, _device_cls):
            args = (obj.type,) if obj.index is None else (obj.type, obj.index)
            return (_TORCH_DEVICE, args)
        if isinstance(obj, Size):
            return (_TORCH_SIZE, (tuple(obj),))
        return NotImplemented

    def _save_torch_global(self, obj):
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode("utf-8"))
        self.memoize(obj)

    def _save_dtype(self, obj):
        self.save(TorchGlobal("torch", obj.name))  # save() reuses the memoized GLOBAL

    dispatch[TorchGlobal] = _save_torch_global
    dispatch[_dtypes.dtype] = _save_dtype
