"""Elementwise unary math: exp/log/trig/..., abs/sign/rounding, relu/sigmoid, clamp, nan_to_num.

Two families, as torch: "floating" ops (exp, log, sqrt, sin, sigmoid, ...) turn integer and
bool inputs into the default float dtype; "same-dtype" ops (abs, neg, floor, sign, relu,
square, ...) keep the input's dtype. Gradients are JAX's (kinks agree with torch: abs, relu
and sign have gradient 0 at 0; clamp passes the gradient at the bounds).
"""
import jax
import jax.numpy as jnp
import jax.scipy.special as jsp
import numpy as np

from .. import _dispatch, _dtypes
from .._tensor import Tensor
from ._arith import _operand
from ._common import abs_with_zero_grad

_apply = _dispatch.apply
_FROM_NP = _dtypes._FROM_NP
_SCALAR_NAMES = _dtypes.SCALAR_NAMES


def _make_float_op(torch_name, jfn, grad_name):
    def kernel(a, *, dtype):
        return jfn(a.astype(dtype))

    kernel.__name__ = kernel.__qualname__ = f"_k_{torch_name}"

    def op(input, *, out=None):
        dt = _FROM_NP[input._data.dtype]
        if dt._kind < 2:
            dt = _dtypes.get_default_dtype()  # integer/bool inputs compute in the default float
        return _apply(kernel, input, name=grad_name, dtype=dt.np)

    op.__name__ = op.__qualname__ = torch_name
    op.__doc__ = (f"Mirrors `torch.{torch_name}` (integer inputs give the default float dtype).\n\n"
                  f"    Also a method (`x.{torch_name}()`) and in place (`x.{torch_name}_()`).\n\n"
                  f"    Example:\n        >>> compat.{torch_name}(compat.tensor([1, 2])).dtype\n        torch.float32\n")
    return op


def _rsqrt(a):
    return jax.lax.rsqrt(a)


def _sigmoid(a):
    return jax.nn.sigmoid(a)


def _reciprocal(a):
    return 1 / a


def _exp2(a):
    return jnp.exp2(a)


def _logit(a):
    return jnp.log(a / (1 - a))


def _sinc(a):
    return jnp.sinc(a)


_FLOAT_OPS = {
    # torch name: (jax function, grad_fn name torch shows)
    "exp": (jnp.exp, "ExpBackward0"),
    "exp2": (_exp2, "Exp2Backward0"),
    "expm1": (jnp.expm1, "Expm1Backward0"),
    "log": (jnp.log, "LogBackward0"),
    "log2": (jnp.log2, "Log2Backward0"),
    "log10": (jnp.log10, "Log10Backward0"),
    "log1p": (jnp.log1p, "Log1PBackward0"),
    "sqrt": (jnp.sqrt, "SqrtBackward0"),
    "rsqrt": (_rsqrt, "RsqrtBackward0"),
    "sin": (jnp.sin, "SinBackward0"),
    "cos": (jnp.cos, "CosBackward0"),
    "tan": (jnp.tan, "TanBackward0"),
    "asin": (jnp.arcsin, "AsinBackward0"),
    "acos": (jnp.arccos, "AcosBackward0"),
    "atan": (jnp.arctan, "AtanBackward0"),
    "sinh": (jnp.sinh, "SinhBackward0"),
    "cosh": (jnp.cosh, "CoshBackward0"),
    "tanh": (jnp.tanh, "TanhBackward0"),
    "asinh": (jnp.arcsinh, "AsinhBackward0"),
    "acosh": (jnp.arccosh, "AcoshBackward0"),
    "atanh": (jnp.arctanh, "AtanhBackward0"),
    "sigmoid": (_sigmoid, "SigmoidBackward0"),
    "erf": (jsp.erf, "ErfBackward0"),
    "erfc": (jsp.erfc, "ErfcBackward0"),
    "erfinv": (jsp.erfinv, "ErfinvBackward0"),
    "lgamma": (jsp.gammaln, "LgammaBackward0"),
    "digamma": (jsp.digamma, "DigammaBackward0"),
    "reciprocal": (_reciprocal, "ReciprocalBackward0"),
    "logit": (_logit, "LogitBackward0"),
    "sinc": (_sinc, "SincBackward0"),
    "deg2rad": (jnp.deg2rad, "Deg2RadBackward0"),
    "rad2deg": (jnp.rad2deg, "Rad2DegBackward0"),
}
for _n, (_f, _g) in _FLOAT_OPS.items():
    globals()[_n] = _make_float_op(_n, _f, _g)
for _alias, _n in (("arcsin", "asin"), ("arccos", "acos"), ("arctan", "atan"), ("arcsinh", "asinh"),
                   ("arccosh", "acosh"), ("arctanh", "atanh")):
    globals()[_alias] = globals()[_n]  # numpy-style aliases, as torch has


# ----------------------------------------------------------------------------- same-dtype ops
def _k_abs(a):
    return abs_with_zero_grad(a)


def _k_sign(a):
    return a if a.dtype == jnp.bool_ else jnp.sign(a)


def _k_square(a):
    return a * a


def _k_floor(a):
    return jnp.floor(a) if jnp.issubdtype(a.dtype, jnp.inexact) else a


def _k_ceil(a):
    return jnp.ceil(a) if jnp.issubdtype(a.dtype, jnp.inexact) else a


def _k_trunc(a):
    return jnp.trunc(a) if jnp.issubdtype(a.dtype, jnp.inexact) else a


def _k_round(a, *, decimals):
    if not jnp.issubdtype(a.dtype, jnp.inexact):
        return a
    if decimals == 0:
        return jnp.round(a)  # half to even, as torch
    # torch: round(x * 10**d) / 10**d (negative d: divide first), in the input dtype.
    if decimals > 0:
        s = jnp.asarray(10.0 ** decimals, a.dtype)
        return jnp.round(a * s) / s
    s = jnp.asarray(10.0 ** -decimals, a.dtype)
    return jnp.round(a / s) * s


def _k_frac(a):
    return a - jnp.trunc(a)


def _k_relu(a):
    # where, not maximum: the gradient at exactly 0 is 0, as torch's threshold_backward.
    return jnp.where(a > 0, a, jnp.zeros((), a.dtype))


def abs(input, *, out=None):
    """Mirrors `torch.abs` (gradient 0 at 0, as torch's sgn)."""
    if input._data.dtype == np.bool_:
        raise NotImplementedError('"abs_cpu" not implemented for \'Bool\'')
    return _apply(_k_abs, input, name="AbsBackward0")


absolute = abs


def sign(input, *, out=None):
    """Mirrors `torch.sign` (-1, 0 or 1 in the input's dtype)."""
    return _apply(_k_sign, input, name="SignBackward0")


sgn = sign


def square(input, *, out=None):
    """Mirrors `torch.square` (bool inputs give int64, as torch's pow(x, 2))."""
    if input._data.dtype == np.bool_:
        input = input.to(_dtypes.int64)
    return _apply(_k_square, input, name="PowBackward0")


def _no_bool(input, kernel_name):
    if input._data.dtype == np.bool_:
        raise NotImplementedError(f'"{kernel_name}" not implemented for \'Bool\'')


def floor(input, *, out=None):
    """Mirrors `torch.floor` (integers unchanged)."""
    _no_bool(input, "floor_vml_cpu")
    return _apply(_k_floor, input, name="FloorBackward0")


def ceil(input, *, out=None):
    """Mirrors `torch.ceil`."""
    _no_bool(input, "ceil_vml_cpu")
    return _apply(_k_ceil, input, name="CeilBackward0")


def trunc(input, *, out=None):
    """Mirrors `torch.trunc`."""
    _no_bool(input, "trunc_vml_cpu")
    return _apply(_k_trunc, input, name="TruncBackward0")


fix = trunc


def round(input, *, decimals=0, out=None):
    """Mirrors `torch.round(input, *, decimals=0)`: half to even.

    Example:
        >>> compat.round(compat.tensor([0.5, 1.5, 1.2345]), decimals=0)
        tensor([0., 2., 1.])
    """
    _no_bool(input, "round_vml_cpu")
    return _apply(_k_round, input, name="RoundBackward0" if decimals == 0 else "RoundBackward1",
                  decimals=int(decimals))


def frac(input, *, out=None):
    """Mirrors `torch.frac`: x - trunc(x) (floating inputs only, as torch)."""
    dt = _FROM_NP[input._data.dtype]
    if dt._kind < 2:
        raise NotImplementedError(f'"frac_cpu" not implemented for \'{_SCALAR_NAMES[dt.name]}\'')
    return _apply(_k_frac, input, name="FracBackward0")


def relu(input):
    """Mirrors `torch.relu` (keeps the dtype; gradient 0 at 0)."""
    if input._data.dtype == np.bool_:
        raise RuntimeError("Boolean inputs not supported for relu")
    return _apply(_k_relu, input, name="ReluBackward0")


# ----------------------------------------------------------------------------- clamp
def _k_clamp(a, lo, hi, *, dtype):
    a = a.astype(dtype)
    # Two selects (not jnp.clip): the gradient passes where lo <= a <= hi (inclusive, as
    # torch), and min > max gives max everywhere, as torch's min(max(a, lo), hi).
    y = jnp.where(a < lo.astype(dtype), lo.astype(dtype), a)
    return jnp.where(y > hi.astype(dtype), hi.astype(dtype), y)


def _k_clamp_min(a, lo, *, dtype):
    a = a.astype(dtype)
    return jnp.where(a < lo.astype(dtype), lo.astype(dtype), a)


def _k_clamp_max(a, hi, *, dtype):
    a = a.astype(dtype)
    return jnp.where(a > hi.astype(dtype), hi.astype(dtype), a)


def _bound(b, dt):
    if isinstance(b, Tensor):
        return b
    return _operand(b, dt)


def clamp(input, min=None, max=None, *, out=None):
    """Mirrors `torch.clamp(input, min=None, max=None)` (bounds may be tensors; NaN stays NaN).

    Example:
        >>> compat.clamp(compat.tensor([-1.0, 0.5, 2.0]), 0, 1)
        tensor([0.0000, 0.5000, 1.0000])

    Raises:
        RuntimeError: both bounds are None.
    """
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    tensors = isinstance(min, Tensor) or isinstance(max, Tensor)
    dt = _dtypes.cached_result_type(input, min, max)
    name = "ClampBackward0" if tensors else "ClampBackward1"
    if max is None:
        return _apply(_k_clamp_min, input, _bound(min, dt), name=name, dtype=dt.np)
    if min is None:
        return _apply(_k_clamp_max, input, _bound(max, dt), name=name, dtype=dt.np)
    return _apply(_k_clamp, input, _bound(min, dt), _bound(max, dt), name=name, dtype=dt.np)


clip = clamp


def clamp_min(input, min):
    """Mirrors `torch.clamp_min(input, min)`."""
    dt = _dtypes.cached_result_type(input, min)
    name = "ClampMinBackward1" if isinstance(min, Tensor) else "ClampMinBackward0"
    return _apply(_k_clamp_min, input, _bound(min, dt), name=name, dtype=dt.np)


def clamp_max(input, max):
    """Mirrors `torch.clamp_max(input, max)`."""
    dt = _dtypes.cached_result_type(input, max)
    name = "ClampMaxBackward1" if isinstance(max, Tensor) else "ClampMaxBackward0"
    return _apply(_k_clamp_max, input, _bound(max, dt), name=name, dtype=dt.np)


def _k_nan_to_num(a, *, nan, posinf, neginf):
    return jnp.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """Mirrors `torch.nan_to_num` (infinities default to the dtype's largest/lowest value)."""
    return _apply(_k_nan_to_num, input, name="NanToNumBackward0", nan=float(nan),
                  posinf=None if posinf is None else float(posinf),
                  neginf=None if neginf is None else float(neginf))


__all__ = [*_FLOAT_OPS, "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "abs",
           "absolute", "sign", "sgn", "square", "floor", "ceil", "trunc", "fix", "round", "frac",
           "relu", "clamp", "clip", "clamp_min", "clamp_max", "nan_to_num"]
