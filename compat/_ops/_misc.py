"""Conversions and bookkeeping methods: to/type/float/long/..., cpu/cuda, clone, contiguous,
new_* factories, type_as, the overwrite-in-place ops zero_/fill_/copy_, conj/real/imag.

Overwriting ops take `self` as a kernel input (with zero gradient), so that on a non-leaf
tensor the recorded node cuts the gradient to the overwritten history, as torch's
ZeroBackward/FillBackward/CopyBackwards do.
"""
import jax
import jax.numpy as jnp
import numpy as np

from .. import _device, _dispatch, _dtypes
from .._tensor import Tensor
from ._common import check_broadcast

__all__ = ["to", "type_", "clone", "contiguous", "is_contiguous", "cpu", "cuda", "new_zeros", "new_ones",
           "new_full", "new_empty", "new_tensor", "type_as", "zero_", "fill_", "copy_", "conj", "real",
           "imag", "conversion", "complex", "polar", "view_as_real", "view_as_complex"]

_apply = _dispatch.apply
_FROM_NP = _dtypes._FROM_NP


def _k_astype(a, *, dtype):
    return a.astype(dtype)


def _k_identity(a):
    return a


def _cast(t, dt):
    if _FROM_NP[t._data.dtype] is dt:
        return t
    return _apply(_k_astype, t, name="ToCopyBackward0", saves=False, dtype=dt.np)


def _parse_to(args, kwargs):
    dtype = kwargs.pop("dtype", None)
    device = kwargs.pop("device", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    for a in args:
        if isinstance(a, Tensor):
            dtype, device = a.dtype, a.device
        elif isinstance(a, _dtypes.dtype):
            dtype = a
        elif isinstance(a, (str, _device.device, int)) and not isinstance(a, bool):
            device = a if not isinstance(a, int) else _device.device("cuda", a)
        elif isinstance(a, bool) or a is None:  # the positional non_blocking flag: ignored
            continue
        else:
            raise TypeError(f"to() received an invalid combination of arguments - got ({type(a).__name__})")
    return dtype, device, copy


def to(self, *args, **kwargs):
    """Mirrors `Tensor.to(dtype | device | other, non_blocking=False, copy=False)`.

    Returns `self` when nothing changes (as torch). Moving to 'cuda' without a visible GPU
    raises RuntimeError.

    Example:
        >>> compat.tensor([1, 2]).to(compat.float32)
        tensor([1., 2.])
    """
    dtype, device, copy = _parse_to(args, kwargs)
    out = self
    if dtype is not None:
        out = _cast(out, _dtypes.to_dtype(dtype))
    if device is not None:
        arr = out._data
        moved = _device.put(arr, device)
        if moved is not arr:
            out = _apply(_k_identity, out, name="ToCopyBackward0", saves=False) if out is self else out
            out._data = moved
    if copy and out is self:
        out = clone(self)
    return out


def type_(self, dtype=None, non_blocking=False, **kwargs):
    """Mirrors `Tensor.type(dtype=None)`: the type string, or a converted tensor."""
    if dtype is None:
        from .._tensor import _LEGACY_TYPE_NAMES

        return _LEGACY_TYPE_NAMES.get(self.dtype.name, f"torch.{self.dtype.name}")
    return _cast(self, _dtypes.to_dtype(dtype))


def conversion(dt):
    """Builds `Tensor.float()`-style methods for dtype `dt`."""
    def method(self, memory_format=None):
        return _cast(self, dt)

    method.__name__ = {"float32": "float", "float64": "double", "float16": "half", "int64": "long",
                       "int32": "int", "int16": "short", "int8": "char", "uint8": "byte"}.get(dt.name, dt.name)
    method.__doc__ = f"Mirrors `Tensor.{method.__name__}()`: `self.to(torch.{dt.name})`."
    return method


def clone(input, *, memory_format=None):
    """Mirrors `torch.clone` (a differentiable copy; not a view)."""
    return _apply(_k_identity, input, name="CloneBackward0", saves=False)


def contiguous(self, memory_format=None):
    """Mirrors `Tensor.contiguous()`: every compat tensor is contiguous, so this is `self`."""
    return self


def is_contiguous(self, memory_format=None):
    """Mirrors `Tensor.is_contiguous()` (always True: there are no strides here)."""
    return True


def cpu(self, memory_format=None):
    """Mirrors `Tensor.cpu()`."""
    return to(self, "cpu")


def cuda(self, device=None, non_blocking=False, memory_format=None):
    """Mirrors `Tensor.cuda(device=None)` (RuntimeError when no GPU is visible to jax)."""
    if device is None:
        device = "cuda"
    elif isinstance(device, int):
        device = _device.device("cuda", device)
    return to(self, device)


def _like_kwargs(self, dtype, device):
    return (self.dtype if dtype is None else _dtypes.to_dtype(dtype)), (self.device if device is None else device)


def new_zeros(self, *size, dtype=None, device=None, requires_grad=False, **_):
    """Mirrors `Tensor.new_zeros(size)` (self's dtype/device by default)."""
    from .._creation import zeros

    dt, dev = _like_kwargs(self, dtype, device)
    return zeros(*size, dtype=dt, device=dev, requires_grad=requires_grad)


def new_ones(self, *size, dtype=None, device=None, requires_grad=False, **_):
    """Mirrors `Tensor.new_ones(size)`."""
    from .._creation import ones

    dt, dev = _like_kwargs(self, dtype, device)
    return ones(*size, dtype=dt, device=dev, requires_grad=requires_grad)


def new_empty(self, *size, dtype=None, device=None, requires_grad=False, **_):
    """Mirrors `Tensor.new_empty(size)` (zero-filled)."""
    return new_zeros(self, *size, dtype=dtype, device=device, requires_grad=requires_grad)


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, **_):
    """Mirrors `Tensor.new_full(size, fill_value)`."""
    from .._creation import full

    dt, dev = _like_kwargs(self, dtype, device)
    return full(size, fill_value, dtype=dt, device=dev, requires_grad=requires_grad)


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, **_):
    """Mirrors `Tensor.new_tensor(data)` (self's dtype/device unless given)."""
    from .._creation import tensor

    dt, dev = _like_kwargs(self, dtype, device)
    return tensor(data, dtype=dt, device=dev, requires_grad=requires_grad)


def type_as(self, other):
    """Mirrors `Tensor.type_as(other)`."""
    return _cast(self, other.dtype)


def _k_zeros_like(a):
    return jnp.zeros_like(a)


def _k_fill(a, v):
    return jnp.broadcast_to(v.astype(a.dtype), a.shape)


def _k_copy(a, src):
    return jnp.broadcast_to(src.astype(a.dtype), a.shape)  # cast to the destination dtype, as torch


def zero_(self):
    """Mirrors `Tensor.zero_()`."""
    return self._set_(_apply(_k_zeros_like, self, name="ZeroBackward0", saves=False))


def fill_(self, value):
    """Mirrors `Tensor.fill_(value)` (value: number or 0-d tensor)."""
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError("fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value._data.ndim} dimensions.")
        v = value
    else:
        v = np.asarray(value)
    return self._set_(_apply(_k_fill, self, v, name="FillBackward0" if not isinstance(value, Tensor)
                             else "FillBackward1", saves=False))


def copy_(self, src, non_blocking=False):
    """Mirrors `Tensor.copy_(src)`: broadcasts `src` to self's shape and casts to self's dtype.

    Example:
        >>> x = compat.zeros(2, 2)
        >>> x.copy_(compat.tensor([1, 2]))
        tensor([[1., 2.],
                [1., 2.]])
    """
    if not isinstance(src, Tensor):
        src = Tensor._wrap(jnp.asarray(np.asarray(src)))
    ss, ds = src._data.shape, self._data.shape
    if len(ss) > len(ds) or any(a not in (1, b) for a, b in zip(ss[::-1], ds[::-1])):
        check_broadcast(ds, ss)
        raise RuntimeError(f"output with shape {list(ds)} doesn't match the broadcast shape "
                           f"{list(np.broadcast_shapes(ss, ds))}")
    if src._data is self._data:
        return self
    return self._set_(_apply(_k_copy, self, src, name="CopyBackwards", saves=False))


def _k_conj(a):
    return jnp.conj(a)


def _k_real(a):
    return jnp.real(a)


def _k_imag(a):
    return jnp.imag(a)


def conj(input):
    """Mirrors `torch.conj` (real tensors: the input itself)."""
    if not input.is_complex():
        return input
    return _apply(_k_conj, input, name="ConjBackward0", saves=False)


def real(input):
    """Mirrors `torch.real` (real tensors: the input itself)."""
    if not input.is_complex():
        return input
    return _apply(_k_real, input, name="RealBackward0", saves=False)


def imag(input):
    """Mirrors `torch.imag` (complex tensors only, as torch)."""
    if not input.is_complex():
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return _apply(_k_imag, input, name="ImagBackward0", saves=False)


def _k_complex(re, im):
    return jax.lax.complex(re, im)


def complex(real, imag, *, out=None):
    """Mirrors `torch.complex(real, imag)` (float32 -> complex64, float64 -> complex128)."""
    if real.dtype is not imag.dtype:
        raise RuntimeError(f"Expected object of scalar type {_dtypes.SCALAR_NAMES[real.dtype.name]} but got "
                           f"scalar type {_dtypes.SCALAR_NAMES[imag.dtype.name]} for second argument")
    return _apply(_k_complex, real, imag, name="ComplexBackward0")


def _k_polar(r, theta):
    return jax.lax.complex(r * jnp.cos(theta), r * jnp.sin(theta))


def polar(abs, angle, *, out=None):
    """Mirrors `torch.polar(abs, angle)`."""
    return _apply(_k_polar, abs, angle, name="PolarBackward0")


def _k_as_real(a):
    return jnp.stack([jnp.real(a), jnp.imag(a)], axis=-1)


def _k_as_complex(a):
    return jax.lax.complex(a[..., 0], a[..., 1])


def view_as_real(input):
    """Mirrors `torch.view_as_real` (a copy here)."""
    if not input.is_complex():
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return _apply(_k_as_real, input, name="ViewAsRealBackward0", saves=False)


def view_as_complex(input):
    """Mirrors `torch.view_as_complex` (a copy here; last dim must be 2)."""
    if input.ndim == 0 or input.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    return _apply(_k_as_complex, input, name="ViewAsComplexBackward0", saves=False)
