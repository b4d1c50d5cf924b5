"""Shared plumbing for ops: operand conversion and torch's result dtype."""
import numpy as np

from .. import _dtypes
from .._tensor import Tensor

__all__ = ["result_dtype", "as_operand", "is_tensor"]


def is_tensor(x):
    return isinstance(x, Tensor)


def result_dtype(*operands):
    """torch's promoted dtype of tensors and Python scalars."""
    return _dtypes.result_type(*operands)


def as_operand(x, dt):
    """A Tensor passes through; a Python scalar becomes a numpy scalar of dtype `dt`.

    Numpy scalars are strongly typed inside jit, so the kernel sees exactly torch's dtype
    (a weakly typed Python float would become float64 under x64).
    """
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (np.ndarray, np.generic)) and x.ndim:
        return Tensor._wrap(__import__("jax.numpy").numpy.asarray(x))
    return np.asarray(x, dtype=dt.np)
