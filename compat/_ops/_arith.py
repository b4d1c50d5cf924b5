"""Elementwise binary arithmetic with torch's type promotion.

add, sub, rsub, mul, div (rounding modes), true_divide, floor_divide, remainder, fmod, pow,
float_power, neg, positive, the bitwise/shift ops, atan2, lerp, hypot, copysign.

Every op promotes its operands with torch's rules (`compat._dtypes.result_type`: dimensioned
tensors over zero-dim tensors over Python scalars) and passes the result dtype to the kernel
as a static argument; the kernel casts inside, so each input's gradient keeps its own dtype.
"""
import math

import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _dispatch, _dtypes
from .._tensor import Tensor
from ._common import check_broadcast, dtype_of, is_tracer

__all__ = ["add", "sub", "subtract", "rsub", "mul", "multiply", "div", "divide", "true_divide",
           "floor_divide", "remainder", "fmod", "pow", "float_power", "neg", "negative", "positive",
           "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_left_shift",
           "bitwise_right_shift", "atan2", "arctan2", "lerp", "hypot", "copysign"]

_apply = _dispatch.apply
_brt = _dtypes.binary_result_type
_SCALAR_NAMES = _dtypes.SCALAR_NAMES


_SCALAR_CACHE = {}


def _operand(x, dt):
    """A Python scalar as a 0-d array of the promoted dtype (strongly typed inside jit).

    Device arrays for recently used scalars are cached: passing a ready jax array to a
    jitted kernel skips a host-to-device transfer per call.
    """
    t = type(x)
    if t is float or t is int or t is bool:
        # The sign bit is part of the key so that 0.0 and -0.0 stay distinct; NaN is not cached.
        key = (x, t, dt.np, math.copysign(1.0, x) if t is float else 0)
        arr = _SCALAR_CACHE.get(key)
        if arr is None:
            if len(_SCALAR_CACHE) > 4096:
                _SCALAR_CACHE.clear()
            arr = jnp.asarray(_host_scalar(x, dt))
            if x == x:
                _SCALAR_CACHE[key] = arr
        return arr
    return _host_scalar(x, dt)


def _host_scalar(x, dt):
    try:
        return np.asarray(x, dtype=dt.np)
    except OverflowError:  # torch wraps out-of-range integer scalars (int8 + 1000)
        return np.asarray(x).astype(dt.np)


def _binary(kernel, name, a, b, saves=True, dt=None):
    if dt is None:
        dt = _brt(a, b)
    if not isinstance(a, Tensor):
        if not isinstance(b, Tensor):
            raise TypeError(f"{name[:-9].lower()}(): argument 'input' must be Tensor, not {type(a).__name__}")
        a = _operand(a, dt) if not hasattr(a, "ndim") or not a.ndim else Tensor._wrap(jnp.asarray(a))
    if not isinstance(b, Tensor):
        b = _operand(b, dt) if not hasattr(b, "ndim") or not b.ndim else Tensor._wrap(jnp.asarray(b))
    try:
        return _apply(kernel, a, b, name=name, saves=saves, dtype=dt.np)
    except (TypeError, ValueError):
        # jax reports a broadcasting failure at trace time; re-raise it in torch's words.
        check_broadcast(getattr(a, "shape", ()), getattr(b, "shape", ()))
        raise


# ----------------------------------------------------------------------------- kernels
def _k_add(a, b, *, dtype):
    return a.astype(dtype) + b.astype(dtype)


def _k_add_alpha(a, b, alpha, *, dtype):
    return a.astype(dtype) + alpha.astype(dtype) * b.astype(dtype)


def _k_sub(a, b, *, dtype):
    return a.astype(dtype) - b.astype(dtype)


def _k_mul(a, b, *, dtype):
    return a.astype(dtype) * b.astype(dtype)


def _k_div(a, b, *, dtype):
    return a.astype(dtype) / b.astype(dtype)


def _k_div_trunc(a, b, *, dtype):
    a, b = a.astype(dtype), b.astype(dtype)
    if jnp.issubdtype(a.dtype, jnp.integer):
        return lax.div(a, b)  # C division truncates toward zero, as torch's 'trunc'
    return jnp.trunc(a / b)


def _k_floordiv(a, b, *, dtype):
    # Python's floor division for ints and floats (numpy's divmod rule = torch's div_floor).
    return jnp.floor_divide(a.astype(dtype), b.astype(dtype))


def _k_remainder(a, b, *, dtype):
    return jnp.remainder(a.astype(dtype), b.astype(dtype))  # sign of the divisor, as Python's %


def _k_fmod(a, b, *, dtype):
    return jnp.fmod(a.astype(dtype), b.astype(dtype))  # sign of the dividend, as C's fmod


def _k_pow(a, b, *, dtype):
    a, b = a.astype(dtype), b.astype(dtype)
    if jnp.issubdtype(a.dtype, jnp.integer):
        # torch's integer pow with a negative exponent: 1 ** n = 1, (-1) ** n = +-1, else 0.
        neg = b < 0
        p = jnp.power(a, jnp.where(neg, jnp.zeros_like(b), b))
        one = jnp.ones_like(a)
        odd = (b % 2) != 0
        small = jnp.where(a == 1, one, jnp.where(a == -1, jnp.where(odd, -one, one), jnp.zeros_like(a)))
        return jnp.where(neg, small, p)
    return jnp.power(a, b)


def _k_ipow(a, *, exponent, dtype):
    # Small integer exponents (x ** 2) use repeated multiplication: exact and fastest.
    return lax.integer_pow(a.astype(dtype), exponent)


def _k_neg(a):
    return -a


def _k_pos(a):
    return a


def _k_and(a, b, *, dtype):
    return jnp.bitwise_and(a.astype(dtype), b.astype(dtype))


def _k_or(a, b, *, dtype):
    return jnp.bitwise_or(a.astype(dtype), b.astype(dtype))


def _k_xor(a, b, *, dtype):
    return jnp.bitwise_xor(a.astype(dtype), b.astype(dtype))


def _k_not(a):
    return jnp.invert(a)


def _k_lshift(a, b, *, dtype):
    return jnp.left_shift(a.astype(dtype), b.astype(dtype))


def _k_rshift(a, b, *, dtype):
    return jnp.right_shift(a.astype(dtype), b.astype(dtype))


def _k_atan2(a, b, *, dtype):
    return jnp.arctan2(a.astype(dtype), b.astype(dtype))


def _k_hypot(a, b, *, dtype):
    return jnp.hypot(a.astype(dtype), b.astype(dtype))


def _k_copysign(a, b, *, dtype):
    return jnp.copysign(a.astype(dtype), b.astype(dtype))


def _k_lerp(a, b, w, *, dtype):
    a, b, w = a.astype(dtype), b.astype(dtype), w.astype(dtype)
    # torch's two-sided formula: exact at both ends (w=0 -> start, w=1 -> end).
    return jnp.where(jnp.abs(w) < 0.5, a + w * (b - a), b - (b - a) * (1 - w))


# ----------------------------------------------------------------------------- public ops
def add(input, other, *, alpha=1, out=None):
    """Mirrors `torch.add(input, other, *, alpha=1)`: input + alpha * other.

    Example:
        >>> compat.add(compat.tensor([1, 2]), 2.5)
        tensor([3.5000, 4.5000])
    """
    if alpha == 1:
        return _binary(_k_add, "AddBackward0", input, other, saves=False)
    dt = _brt(input, other)
    if isinstance(alpha, float) and not (dt.is_floating_point or dt.is_complex):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    a = input if isinstance(input, Tensor) else _operand(input, dt)
    b = other if isinstance(other, Tensor) else _operand(other, dt)
    return _apply(_k_add_alpha, a, b, _operand(alpha, dt), name="AddBackward0", saves=False, dtype=dt.np)


def sub(input, other, *, alpha=1, out=None):
    """Mirrors `torch.sub(input, other, *, alpha=1)`: input - alpha * other."""
    _check_not_bool_sub(input, other)
    if alpha == 1:
        return _binary(_k_sub, "SubBackward0", input, other, saves=False)
    return add(input, other, alpha=-alpha)


subtract = sub


def _is_bool(x):
    if isinstance(x, Tensor):
        return x._data.dtype == np.bool_
    return type(x) is bool or isinstance(x, np.bool_)


def _check_not_bool_sub(a, b):
    # torch refuses subtraction with any bool operand (Python bools count as bool tensors).
    ba, bb = _is_bool(a), _is_bool(b)
    if ba and bb:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
            "`logical_xor()` operator instead."
        )
    if ba or bb:
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a "
            "mask, use the `~` or `logical_not()` operator instead."
        )


def rsub(input, other, *, alpha=1):
    """Mirrors `torch.rsub(input, other, alpha=1)`: other - alpha * input."""
    _check_not_bool_sub(input, other)
    if alpha == 1:
        return _binary(_k_sub, "RsubBackward1", other, input, saves=False)
    return add(other, input, alpha=-alpha)


def mul(input, other, *, out=None):
    """Mirrors `torch.mul`.

    Example:
        >>> compat.tensor([1.0, 2.0]) * 3
        tensor([3., 6.])
    """
    # x * 2: the VJP needs only the scalar, so (as torch) no tensor is kept for backward.
    return _binary(_k_mul, "MulBackward0", input, other,
                   saves=isinstance(input, Tensor) and isinstance(other, Tensor))


multiply = mul


def div(input, other, *, rounding_mode=None, out=None):
    """Mirrors `torch.div(input, other, *, rounding_mode=None)`.

    None is true division (integers divide to the default float dtype), 'trunc' rounds
    toward zero and 'floor' toward minus infinity, keeping integer dtypes integral.

    Example:
        >>> compat.div(compat.tensor([-7, 7]), 2, rounding_mode="floor")
        tensor([-4,  3])
    """
    dt = _brt(input, other)
    if rounding_mode is None:
        if dt._kind < 2:
            dt = _dtypes.get_default_dtype()  # true division of integers gives the default float
        # x / 2 keeps no tensor for backward (torch's DivBackward1 on a scalar)
        return _binary(_k_div, "DivBackward0", input, other, dt=dt, saves=isinstance(other, Tensor))
    _check_not_bool(dt, "div_trunc_cpu" if rounding_mode == "trunc" else "div_floor_cpu")
    _check_int_zero(dt, other)
    if rounding_mode == "trunc":
        return _binary(_k_div_trunc, "DivBackward2", input, other, dt=dt)
    if rounding_mode == "floor":
        return _binary(_k_floordiv, "DivBackward2", input, other, dt=dt)
    raise RuntimeError(
        f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'"
    )


divide = div


def true_divide(dividend, divisor, *, out=None):
    """Mirrors `torch.true_divide` (= div with rounding_mode=None)."""
    return div(dividend, divisor)


def _check_not_bool(dt, kernel_name):
    if dt is _dtypes.bool_:
        raise NotImplementedError(f'"{kernel_name}" not implemented for \'Bool\'')


def _check_int_zero(dt, other):
    # torch raises for integer division by zero. A tensor divisor is inspected on the host
    # (one device sync, integer division only); traced divisors (compile) cannot be.
    if dt._kind >= 2:
        return
    if isinstance(other, Tensor):
        arr = other._data
        if not is_tracer(arr) and not bool(jnp.all(arr != 0)):
            raise RuntimeError("ZeroDivisionError")
    elif other == 0:
        raise RuntimeError("ZeroDivisionError")


def floor_divide(input, other, *, out=None):
    """Mirrors `torch.floor_divide`: Python's `//` (rounds toward minus infinity)."""
    dt = _brt(input, other)
    _check_not_bool(dt, "div_floor_cpu")
    _check_int_zero(dt, other)
    return _binary(_k_floordiv, "FloorDivideBackward0", input, other, dt=dt)


def remainder(input, other, *, out=None):
    """Mirrors `torch.remainder`: Python's `%` (the result has the divisor's sign).

    Example:
        >>> compat.remainder(compat.tensor([-7, 7]), 3)
        tensor([2, 1])
    """
    dt = _brt(input, other)
    _check_not_bool(dt, "remainder_cpu")
    _check_int_zero(dt, other)
    name = "RemainderBackward0" if not isinstance(other, Tensor) else "RemainderBackward1"
    return _binary(_k_remainder, name, input, other, dt=dt)


def fmod(input, other, *, out=None):
    """Mirrors `torch.fmod`: C's fmod (the result has the dividend's sign)."""
    dt = _brt(input, other)
    _check_not_bool(dt, "fmod_cpu")
    _check_int_zero(dt, other)
    return _binary(_k_fmod, "FmodBackward0", input, other, dt=dt)


def pow(input, exponent, *, out=None):
    """Mirrors `torch.pow(input, exponent)` (tensor or scalar on either side).

    Example:
        >>> compat.pow(compat.tensor([1.0, 2.0]), 2)
        tensor([1., 4.])
    """
    if _is_bool(input) and _is_bool(exponent):
        raise NotImplementedError('"pow" not implemented for \'Bool\'')
    if isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        if isinstance(exponent, (int, np.integer)) and not isinstance(exponent, bool):
            dt = _brt(input, exponent)
            e = int(exponent)
            if e < 0 and dt._kind < 2:
                raise RuntimeError("Integers to negative integer powers are not allowed.")
            if -4 <= e <= 4:
                return _apply(_k_ipow, input, name="PowBackward0", exponent=e, dtype=dt.np)
        return _binary(_k_pow, "PowBackward0", input, exponent)
    if not isinstance(input, Tensor):
        return _binary(_k_pow, "PowBackward2", input, exponent)
    return _binary(_k_pow, "PowBackward1", input, exponent)


def rtruediv(self, other):
    """`other / self` for a non-tensor `other` (torch computes it as other * reciprocal: MulBackward0)."""
    dt = _brt(other, self)
    if dt._kind < 2:
        dt = _dtypes.get_default_dtype()
    return _binary(_k_div, "MulBackward0", other, self, dt=dt)


def float_power(input, exponent):
    """Mirrors `torch.float_power`: pow computed in float64 (complex128 for complex)."""
    dt = _brt(input, exponent)
    dt = _dtypes.complex128 if dt.is_complex else _dtypes.float64
    name = "PowBackward1" if isinstance(exponent, Tensor) else "PowBackward0"
    return _binary(_k_pow, name, input, exponent, dt=dt)


def neg(input, *, out=None):
    """Mirrors `torch.neg` (bool tensors raise as in torch)."""
    if input._data.dtype == np.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
            "invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return _apply(_k_neg, input, name="NegBackward0", saves=False)


negative = neg


def positive(input):
    """Mirrors `torch.positive` (`+x`): the input itself, as torch returns it."""
    if input._data.dtype == np.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def _bitwise(kernel, opname, input, other):
    dt = _brt(input, other)
    if dt._kind >= 2:
        raise NotImplementedError(f'"{opname}_cpu" not implemented for \'{_SCALAR_NAMES[dt.name]}\'')
    return _binary(kernel, "NotDifferentiable", input, other, dt=dt)


def bitwise_and(input, other):
    """Mirrors `torch.bitwise_and` (`&`; bool and integer tensors)."""
    return _bitwise(_k_and, "bitwise_and", input, other)


def bitwise_or(input, other):
    """Mirrors `torch.bitwise_or` (`|`)."""
    return _bitwise(_k_or, "bitwise_or", input, other)


def bitwise_xor(input, other):
    """Mirrors `torch.bitwise_xor` (`^`)."""
    return _bitwise(_k_xor, "bitwise_xor", input, other)


def bitwise_not(input, *, out=None):
    """Mirrors `torch.bitwise_not` (logical not for bool tensors)."""
    dt = dtype_of(input)
    if dt._kind >= 2:
        raise NotImplementedError(f'"bitwise_not_cpu" not implemented for \'{_SCALAR_NAMES[dt.name]}\'')
    return _apply(_k_not, input, name="NotDifferentiable")


def invert(input):
    """`~x` (Tensor.__invert__): bitwise_not, with torch's TypeError for floating tensors."""
    if dtype_of(input)._kind >= 2:
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return _apply(_k_not, input, name="NotDifferentiable")


def bitwise_left_shift(input, other):
    """Mirrors `torch.bitwise_left_shift` (`<<`)."""
    return _bitwise(_k_lshift, "lshift", input, other)


def bitwise_right_shift(input, other):
    """Mirrors `torch.bitwise_right_shift` (`>>`; arithmetic shift for signed ints)."""
    return _bitwise(_k_rshift, "rshift", input, other)


def _float_binary(kernel, name, a, b):
    dt = _brt(a, b)
    if dt._kind < 2:
        dt = _dtypes.get_default_dtype()  # integer inputs give the default float, as torch
    return _binary(kernel, name, a, b, dt=dt)


def atan2(input, other, *, out=None):
    """Mirrors `torch.atan2(input, other)`: the angle of (other, input)."""
    return _float_binary(_k_atan2, "Atan2Backward0", input, other)


arctan2 = atan2


def hypot(input, other):
    """Mirrors `torch.hypot`."""
    return _float_binary(_k_hypot, "HypotBackward0", input, other)


def copysign(input, other):
    """Mirrors `torch.copysign`."""
    return _float_binary(_k_copysign, "CopysignBackward0", input, other)


def lerp(input, end, weight):
    """Mirrors `torch.lerp(input, end, weight)`: input + weight * (end - input).

    Raises:
        RuntimeError: input and end of different dtypes (torch requires them equal).
    """
    dt = input.dtype
    for argname, t in (("end", end), ("weight", weight)):
        if isinstance(t, Tensor) and t.dtype is not dt:
            raise RuntimeError(f"expected dtype {_dtypes.CPP_NAMES[dt.name]} for `{argname}` but got "
                               f"dtype {_dtypes.CPP_NAMES[t.dtype.name]}")
    if dt._kind < 2 and not isinstance(weight, Tensor):
        raise NotImplementedError(f'"lerp_kernel_scalar" not implemented for \'{_SCALAR_NAMES[dt.name]}\'')
    w = weight if isinstance(weight, Tensor) else _operand(weight, dt)
    return _apply(_k_lerp, input, end, w, name="LerpBackward0" if not isinstance(weight, Tensor)
                  else "LerpBackward1", dtype=dt.np)
