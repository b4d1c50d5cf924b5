"""Storages read from a checkpoint, where they go (map_location), and tensors cut from them.

A torch tensor is a strided window on a storage; compat tensors own their arrays, so each
tensor is copied out of its storage (`strided_copy`, numpy's as_strided with bounds checks
first: an untrusted file must not make us read past a storage).
"""
import numpy as np

from .._device import device as _device_cls
from .._device import jax_device

__all__ = ["LoadedStorage", "check_ints", "restore_location_fn", "strided_copy"]


class LoadedStorage:
    """A storage read from a checkpoint: its elements as a 1-D numpy array, and its placement.

    This is what a callable `map_location(storage, location)` receives; return it (after
    `.cpu()`/`.cuda()`/`.to(device)`) or None to keep the saved location.

    Attributes:
        dtype: the element dtype (a compat dtype).
        location: the location tag saved with it ('cpu', 'cuda:0', ...).
        device: where tensors built on it are placed (a compat device).
    """

    __slots__ = ("_array", "dtype", "location", "device", "_base", "_offset", "_numel")

    def __init__(self, array, dtype, location, *, base=None, offset=0, numel=None):
        self._array = array
        self.dtype = dtype
        self.location = location
        self.device = _device_cls("cpu")
        self._base, self._offset = base, offset  # legacy storage views: a window into a root
        self._numel = int(array.size) if numel is None else int(numel)

    @property
    def array(self):
        if self._base is not None:
            return self._base.array[self._offset:self._offset + self._numel]
        return self._array

    def size(self):
        return self._numel

    def nbytes(self):
        return self._numel * self.dtype.itemsize

    def cpu(self):
        self.device = _device_cls("cpu")
        return self

    def cuda(self, device=None):
        idx = device.index if isinstance(device, _device_cls) else device
        self.device = _device_cls("cuda", 0 if idx is None else int(idx))
        return self

    def to(self, device):
        self.device = _device_cls(device)
        return self

    def __repr__(self):
        return f"LoadedStorage(dtype={self.dtype}, size={self._numel}, location={self.location!r})"


def _cuda_missing_error():
    return RuntimeError(
        "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is "
        "False (jax sees no GPU). If you are running on a CPU-only machine, please use "
        "compat.load with map_location=compat.device('cpu') to map your storages to the CPU."
    )


def restore_location_fn(map_location):
    """torch's `_get_restore_location`: (storage, location) -> the storage, placed.

    Args:
        map_location: None, a str or compat device, a dict {saved: target}, or a callable
            `f(storage, location)` returning a storage or None.

    Returns:
        A function placing a `LoadedStorage` (setting its `.device`) and returning it.

    Raises:
        TypeError: map_location of another type, or a callable returning a non-storage.
    """

    def default(storage, location):
        dev = _device_cls(location)
        if dev.type == "cuda":
            try:
                jax_device(dev)
            except RuntimeError:
                raise _cuda_missing_error() from None
        elif dev.type != "cpu":
            raise RuntimeError(f"don't know how to restore data location {location!r}")
        storage.device = dev
        return storage

    if map_location is None:
        return default
    if isinstance(map_location, dict):
        return lambda s, loc: default(s, str(map_location.get(loc, loc)))
    if isinstance(map_location, (str, bytes)):
        target = map_location.decode() if isinstance(map_location, bytes) else map_location
        return lambda s, loc: default(s, target)
    if isinstance(map_location, _device_cls):
        return lambda s, loc: default(s, str(map_location))
    if callable(map_location):

        def call(storage, location):
            result = map_location(storage, location)
            if result is None:
                return default(storage, location)
            if not isinstance(result, LoadedStorage):
                raise TypeError(
                    "map_location callable must return the storage it was given (optionally moved "
                    f"with .cpu()/.cuda()/.to()) or None, got {type(result).__name__}"
                )
            if result.device.type == "cuda":
                default(result, str(result.device))  # same availability check as saved locations
            return result

        return call
    raise TypeError(
        "map_location should be a str, a device, a dict or a callable, got "
        f"{type(map_location).__name__}"
    )


def check_ints(name, values):
    if not isinstance(values, (tuple, list)) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values):
        raise RuntimeError(f"compat.load: invalid tensor {name} {values!r} in checkpoint")
    return tuple(values)


def strided_copy(storage, dtype, offset, size, stride):
    """torch's `set_(storage, offset, size, stride)` then a contiguous copy, on numpy."""
    flat = storage.array
    if storage.dtype != dtype:  # _rebuild_tensor_v3: untyped (byte) storage reinterpreted
        if flat.nbytes % dtype.itemsize:
            raise RuntimeError(
                f"compat.load: storage of {flat.nbytes} bytes is not a whole number of {dtype} elements")
        flat = flat.view(dtype.np)
    size, stride = check_ints("size", size), check_ints("stride", stride)
    if len(size) != len(stride) or not isinstance(offset, int) or offset < 0:
        raise RuntimeError(
            f"compat.load: inconsistent tensor metadata: size {list(size)}, stride "
            f"{list(stride)}, storage offset {offset}")
    if any(s == 0 for s in size):
        return np.zeros(size, dtype.np)
    needed = offset + sum((s - 1) * st for s, st in zip(size, stride)) + 1
    if needed > flat.size:  # never read past the storage (an untrusted file could ask to)
        raise RuntimeError(
            f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, "
            f"and itemsize {dtype.itemsize} requiring a storage size of {needed * dtype.itemsize} "
            f"are out of bounds for storage of size {flat.size * dtype.itemsize}")
    numel = int(np.prod(size, dtype=np.int64))
    if offset == 0 and numel == flat.size and stride == _contiguous(size):
        return flat.reshape(size)
    item = flat.itemsize
    view = np.lib.stride_tricks.as_strided(
        flat[offset:], shape=size, strides=[st * item for st in stride], writeable=False)
    return np.array(view, order="C")  # a contiguous copy (ascontiguousarray would make 0-d 1-d)


def _contiguous(size):
    strides, acc = [], 1
    for s in reversed(size):
        strides.append(acc)
        acc *= max(s, 1)
    return tuple(reversed(strides))
