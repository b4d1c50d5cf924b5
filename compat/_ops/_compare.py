"""Comparisons and logical ops: eq/ne/lt/le/gt/ge, equal, isclose/allclose, maximum/minimum,
isnan/isinf/isfinite, logical_and/or/not/xor.

Comparisons promote both operands with torch's rules, compare in that dtype and return bool
tensors (no gradient).
"""
import jax.numpy as jnp
import numpy as np

from .. import _dispatch, _dtypes
from .._tensor import Tensor
from ._arith import _binary

__all__ = ["eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal",
           "not_equal", "equal", "isclose", "allclose", "maximum", "minimum", "fmax", "fmin",
           "isnan", "isinf", "isfinite", "isposinf", "isneginf", "isreal", "signbit",
           "logical_and", "logical_or", "logical_not", "logical_xor"]

_apply = _dispatch.apply
_SCALAR_NAMES = _dtypes.SCALAR_NAMES


def _k_eq(a, b, *, dtype):
    return a.astype(dtype) == b.astype(dtype)


def _k_ne(a, b, *, dtype):
    return a.astype(dtype) != b.astype(dtype)


def _k_lt(a, b, *, dtype):
    return a.astype(dtype) < b.astype(dtype)


def _k_le(a, b, *, dtype):
    return a.astype(dtype) <= b.astype(dtype)


def _k_gt(a, b, *, dtype):
    return a.astype(dtype) > b.astype(dtype)


def _k_ge(a, b, *, dtype):
    return a.astype(dtype) >= b.astype(dtype)


def _k_maximum(a, b, *, dtype):
    return jnp.maximum(a.astype(dtype), b.astype(dtype))  # NaN-propagating; ties split the grad


def _k_minimum(a, b, *, dtype):
    return jnp.minimum(a.astype(dtype), b.astype(dtype))


def _k_fmax(a, b, *, dtype):
    return jnp.fmax(a.astype(dtype), b.astype(dtype))


def _k_fmin(a, b, *, dtype):
    return jnp.fmin(a.astype(dtype), b.astype(dtype))


def _cmp(kernel, a, b):
    if b is None or a is None:
        return NotImplemented
    return _binary(kernel, "NotDifferentiable", a, b)


def eq(input, other, *, out=None):
    """Mirrors `torch.eq` (`==`): elementwise equality as a bool tensor.

    Example:
        >>> compat.tensor([1, 2]) == 2
        tensor([False,  True])
    """
    return _cmp(_k_eq, input, other)


def ne(input, other, *, out=None):
    """Mirrors `torch.ne` (`!=`)."""
    return _cmp(_k_ne, input, other)


def lt(input, other, *, out=None):
    """Mirrors `torch.lt` (`<`)."""
    return _cmp(_k_lt, input, other)


def le(input, other, *, out=None):
    """Mirrors `torch.le` (`<=`)."""
    return _cmp(_k_le, input, other)


def gt(input, other, *, out=None):
    """Mirrors `torch.gt` (`>`)."""
    return _cmp(_k_gt, input, other)


def ge(input, other, *, out=None):
    """Mirrors `torch.ge` (`>=`)."""
    return _cmp(_k_ge, input, other)


greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def equal(input, other):
    """Mirrors `torch.equal`: True when shapes and all elements are equal.

    Example:
        >>> compat.equal(compat.tensor([1, 2]), compat.tensor([1, 2]))
        True
    """
    if input.shape != other.shape:
        return False
    return bool(jnp.all(eq(input, other)._data))


def _k_isclose(a, b, *, rtol, atol, equal_nan):
    return jnp.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Mirrors `torch.isclose`: |input - other| <= atol + rtol * |other| (same dtypes only).

    Raises:
        RuntimeError: the dtypes differ (as torch).
    """
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{_SCALAR_NAMES[input.dtype.name]} did not match {_SCALAR_NAMES[other.dtype.name]}")
    return _apply(_k_isclose, input, other, name="NotDifferentiable", rtol=float(rtol), atol=float(atol),
                  equal_nan=bool(equal_nan))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Mirrors `torch.allclose`: `isclose(...).all()` as a Python bool."""
    return bool(jnp.all(isclose(input, other, rtol, atol, equal_nan)._data))


def maximum(input, other, *, out=None):
    """Mirrors `torch.maximum` (NaN propagates; equal inputs share the gradient half/half)."""
    _need_tensor("maximum", other)
    return _binary(_k_maximum, "MaximumBackward0", input, other)


def minimum(input, other, *, out=None):
    """Mirrors `torch.minimum`."""
    _need_tensor("minimum", other)
    return _binary(_k_minimum, "MinimumBackward0", input, other)


def fmax(input, other, *, out=None):
    """Mirrors `torch.fmax` (NaN is ignored when the other value is a number)."""
    return _binary(_k_fmax, "FmaxBackward0", input, other)


def fmin(input, other, *, out=None):
    """Mirrors `torch.fmin`."""
    return _binary(_k_fmin, "FminBackward0", input, other)


def _need_tensor(name, other):
    if not isinstance(other, Tensor):
        raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")


def _k_isnan(a):
    return jnp.isnan(a)


def _k_isinf(a):
    return jnp.isinf(a)


def _k_isfinite(a):
    return jnp.isfinite(a)


def _k_isposinf(a):
    return jnp.isposinf(a)


def _k_isneginf(a):
    return jnp.isneginf(a)


def _k_isreal(a):
    return jnp.isreal(a)


def _k_signbit(a):
    return jnp.signbit(a)


def isnan(input):
    """Mirrors `torch.isnan`."""
    return _apply(_k_isnan, input, name="NotDifferentiable")


def isinf(input):
    """Mirrors `torch.isinf`."""
    return _apply(_k_isinf, input, name="NotDifferentiable")


def isfinite(input):
    """Mirrors `torch.isfinite`."""
    return _apply(_k_isfinite, input, name="NotDifferentiable")


def isposinf(input):
    """Mirrors `torch.isposinf`."""
    return _apply(_k_isposinf, input, name="NotDifferentiable")


def isneginf(input):
    """Mirrors `torch.isneginf`."""
    return _apply(_k_isneginf, input, name="NotDifferentiable")


def isreal(input):
    """Mirrors `torch.isreal`."""
    return _apply(_k_isreal, input, name="NotDifferentiable")


def signbit(input):
    """Mirrors `torch.signbit`."""
    return _apply(_k_signbit, input, name="NotDifferentiable")


def _k_land(a, b):
    return jnp.logical_and(a, b)


def _k_lor(a, b):
    return jnp.logical_or(a, b)


def _k_lxor(a, b):
    return jnp.logical_xor(a, b)


def _k_lnot(a):
    return jnp.logical_not(a)


def _logical(kernel, a, b):
    if not isinstance(b, Tensor):
        b = np.asarray(b)
    return _apply(kernel, a, b, name="NotDifferentiable")


def logical_and(input, other, *, out=None):
    """Mirrors `torch.logical_and` (nonzero is True; bool result)."""
    return _logical(_k_land, input, other)


def logical_or(input, other, *, out=None):
    """Mirrors `torch.logical_or`."""
    return _logical(_k_lor, input, other)


def logical_xor(input, other, *, out=None):
    """Mirrors `torch.logical_xor`."""
    return _logical(_k_lxor, input, other)


def logical_not(input, *, out=None):
    """Mirrors `torch.logical_not`."""
    return _apply(_k_lnot, input, name="NotDifferentiable")
