"""Shared helpers for the compat.nn.functional shells."""
import jax

from ..._tensor import Tensor

__all__ = ["static", "check_tensor", "inplace_result", "is_traced"]


def static(v):
    """Makes an argument hashable for a jit static slot (lists -> tuples, recursively)."""
    if isinstance(v, (list, tuple)):
        return tuple(static(x) for x in v)
    if isinstance(v, Tensor):
        return static(v.tolist())
    return v


def check_tensor(fn_name, arg_name, value):
    """torch's TypeError for a non-Tensor where a Tensor is required."""
    if not isinstance(value, Tensor):
        raise TypeError(
            f"{fn_name}(): argument '{arg_name}' (position 1) must be Tensor, not "
            f"{type(value).__name__}"
        )


def inplace_result(input, result, inplace):
    """`inplace=True` writes `result` into `input` (torch's `op_`) and returns `input`."""
    if inplace:
        return input._set_(result)
    return result


def is_traced(t):
    """True inside compat.compile/jax tracing, where values cannot be read on the host."""
    return isinstance(t._data, jax.core.Tracer)
