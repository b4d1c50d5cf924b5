"""`HostTensor`: what a DataLoader worker builds where torch would build a tensor.

JAX cannot run computations in a forked process (its thread pools do not survive fork;
a jitted call there deadlocks), so DataLoader workers never touch JAX: compat's datasets,
transforms and `default_collate` produce `HostTensor`s -- numpy arrays marked as "a tensor
in torch" -- inside workers, and the main process turns every `HostTensor` in a batch into
a compat Tensor (`to_compat`). Plain numpy arrays (that torch would also leave as numpy)
are left alone.
"""
import collections.abc

import numpy as np

__all__ = ["HostTensor", "host_tensor", "to_compat"]


class HostTensor(np.ndarray):
    """A numpy array standing for a tensor built inside a DataLoader worker.

    Arithmetic on it stays a HostTensor (numpy subclass rules), so user transforms such as
    `Lambda(lambda x: x * 2 - 1)` keep the mark; tensor-only methods (`x.flip(-1)`) need
    their numpy spelling inside workers.

    Example:
        >>> h = host_tensor(np.zeros((2, 2), np.float32))
        >>> to_compat({"x": h})["x"].dtype
        torch.float32
    """


def host_tensor(array):
    """Marks an array-like (numpy, or a concrete compat Tensor) as a worker-side tensor."""
    data = getattr(array, "_data", array)  # a compat Tensor: its (ready) jax array
    return np.asarray(data).view(HostTensor)


def to_compat(obj):
    """Replaces every `HostTensor` in lists/tuples/namedtuples/dicts by a compat Tensor.

    Args:
        obj: a batch as a worker produced it.

    Returns:
        The same structure, with compat Tensors where torch would have tensors.
    """
    from ..._creation import from_numpy

    if isinstance(obj, HostTensor):
        return from_numpy(np.asarray(obj.view(np.ndarray), order="C"))
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):  # namedtuple
        return type(obj)(*(to_compat(o) for o in obj))
    if isinstance(obj, (list, tuple)):
        converted = [to_compat(o) for o in obj]
        return converted if type(obj) is list else type(obj)(converted)
    if isinstance(obj, collections.abc.Mapping):
        items = {k: to_compat(v) for k, v in obj.items()}
        try:
            return type(obj)(items)
        except TypeError:
            return items
    return obj
