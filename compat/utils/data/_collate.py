"""default_collate / default_convert (mirror torch.utils.data._utils.collate).

torch's rules: tensors are stacked; numpy arrays and numpy scalars become tensors (then
stacked); Python floats become a float64 tensor, ints an int64 tensor (bools a bool
tensor); strings stay a list; mappings, namedtuples and sequences are collated per field.

In the main process the results are compat Tensors (tensors are stacked with
`compat.stack`, so they stay on their device); inside DataLoader workers they are
`HostTensor`s, built with numpy only, that the main process converts (see `_host.py`).
"""
import collections.abc
import copy
import re

import numpy as np

from ..._tensor import Tensor
from ._host import HostTensor
from ._worker import in_worker

__all__ = ["default_collate", "default_convert"]

_NP_STR_OBJ = re.compile(r"[SaUO]")  # numpy dtype codes torch refuses: bytes, str, object
_ERR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
        "found {}")
_CONVERT_ERR = "default_convert: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _is_numpy(elem):
    t = type(elem)
    return t.__module__ == "numpy" and t.__name__ not in ("str_", "bytes_", "string_")


def _finish(array):
    """A numpy result -> a compat Tensor (main process) or a HostTensor (worker)."""
    if in_worker():
        return np.asarray(array).view(HostTensor)
    from ..._creation import from_numpy

    return from_numpy(np.asarray(array, order="C"))


def _shape_check(shapes):
    for i, s in enumerate(shapes[1:], 1):
        if s != shapes[0]:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(shapes[0])} at entry 0 "
                f"and {list(s)} at entry {i}")


def _stack_tensors(batch):
    if not all(isinstance(b, Tensor) for b in batch):
        # torch.stack only takes tensors; mixed batches fail the same way
        bad = next(type(b).__name__ for b in batch if not isinstance(b, Tensor))
        raise TypeError(f"expected Tensor as element in argument 0, but got {bad}")
    _shape_check([tuple(b.shape) for b in batch])
    if in_worker():
        return np.stack([np.asarray(b._data) for b in batch]).view(HostTensor)
    from ..._ops._shape import stack

    return stack(list(batch), 0)


def _stack_arrays(batch):
    arrays = [np.asarray(b) for b in batch]
    for a in arrays:
        if _NP_STR_OBJ.search(a.dtype.str) is not None:
            raise TypeError(_ERR.format(a.dtype))
    _shape_check([a.shape for a in arrays])
    return _finish(np.stack(arrays))


def default_collate(batch):
    """Mirrors `torch.utils.data.default_collate`: a list of samples -> one batch.

    Args:
        batch: a sequence of samples (tensors, numpy arrays, numbers, strings, or
            mappings/namedtuples/sequences of those).

    Returns:
        The batch with a new leading dimension (see the module docstring for the rules).

    Raises:
        TypeError: an element type torch cannot collate (the message names it).
        RuntimeError: tensors or arrays of different shapes, or sequences of different
            lengths ("each element in list of batch should be of equal size").

    Example:
        >>> default_collate([(compat.zeros(2), 1), (compat.ones(2), 0)])
        [tensor([[0., 0.], [1., 1.]]), tensor([1, 0])]

    Differences from PyTorch: inside DataLoader workers tensors are HostTensors (numpy)
    until the DataLoader hands the batch to the main process.
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack_tensors(batch)
    if isinstance(elem, HostTensor):
        return _stack_arrays(batch)
    if _is_numpy(elem):
        if isinstance(elem, np.ndarray):
            if _NP_STR_OBJ.search(elem.dtype.str) is not None:
                raise TypeError(_ERR.format(elem.dtype))
            return _stack_arrays(batch)
        if elem.shape == ():  # numpy scalars -> a 1-D tensor of their dtype
            return _finish(np.asarray(batch))
    if isinstance(elem, float):
        return _finish(np.asarray(batch, dtype=np.float64))  # Python floats collate to float64
    if isinstance(elem, int):
        # torch.tensor(batch): int64, or bool when every element is a bool
        dtype = np.bool_ if all(isinstance(b, bool) for b in batch) else np.int64
        return _finish(np.asarray(batch, dtype=dtype))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        if isinstance(elem, collections.abc.MutableMapping):
            clone = copy.copy(elem)  # keeps the mapping's type and attributes, as torch
            clone.update({key: default_collate([d[key] for d in batch]) for key in elem})
            return clone
        try:
            return type(elem)({key: default_collate([d[key] for d in batch]) for key in elem})
        except TypeError:
            return {key: default_collate([d[key] for d in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(samples) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        it = iter(batch)
        elem_size = len(next(it))
        if not all(len(e) == elem_size for e in it):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            return [default_collate(samples) for samples in transposed]  # tuples -> list, as torch
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                clone = copy.copy(elem)
                for i, samples in enumerate(transposed):
                    clone[i] = default_collate(samples)
                return clone
            return type(elem)([default_collate(samples) for samples in transposed])
        except TypeError:
            return [default_collate(samples) for samples in transposed]
    raise TypeError(_ERR.format(type(elem)))


def default_convert(data):
    """Mirrors `torch.utils.data.default_convert`: numpy arrays/scalars -> tensors, recursively.

    Used by the DataLoader when automatic batching is off (`batch_size=None`).

    Args:
        data: one sample.

    Returns:
        The sample with numpy arrays (non-string) and numpy scalars as tensors; tuples
        become lists (as torch); other values unchanged.

    Example:
        >>> default_convert({"x": np.zeros(2)})["x"].dtype
        torch.float64

    Differences from PyTorch: HostTensors inside workers (see default_collate).
    """
    if isinstance(data, (Tensor, HostTensor)):
        return data
    if _is_numpy(data):
        if isinstance(data, np.ndarray) and _NP_STR_OBJ.search(data.dtype.str) is not None:
            return data
        if isinstance(data, np.ndarray) or data.shape == ():
            return _finish(np.asarray(data))
        return data
    if isinstance(data, collections.abc.Mapping):
        if isinstance(data, collections.abc.MutableMapping):
            clone = copy.copy(data)
            clone.update({key: default_convert(data[key]) for key in data})
            return clone
        try:
            return type(data)({key: default_convert(data[key]) for key in data})
        except TypeError:
            return {key: default_convert(data[key]) for key in data}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        if isinstance(data, collections.abc.MutableSequence):
            clone = copy.copy(data)
            for i, d in enumerate(data):
                clone[i] = default_convert(d)
            return clone
        try:
            return type(data)([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data
