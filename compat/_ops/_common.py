"""Shared plumbing for ops: operand conversion, torch's result dtype, dim normalisation."""
import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtypes
from .._tensor import Tensor

__all__ = ["result_dtype", "as_operand", "is_tensor", "dtype_of", "wrap_dim", "dims_arg",
           "float_dtype", "size_arg", "to_tensor", "is_tracer", "check_broadcast", "abs_with_zero_grad", "DIM_ERR"]

_FROM_NP = _dtypes._FROM_NP
DIM_ERR = "Dimension out of range (expected to be in range of [{lo}, {hi}], but got {d})"


def is_tensor(x):
    """Mirrors `torch.is_tensor(obj)`."""
    return isinstance(x, Tensor)


def dtype_of(t):
    """The torch dtype of a Tensor (one dict lookup)."""
    return _FROM_NP[t._data.dtype]


def result_dtype(*operands):
    """torch's promoted dtype of tensors and Python scalars."""
    if len(operands) == 2:
        return _dtypes.binary_result_type(*operands)
    return _dtypes.result_type(*operands)


def float_dtype(dt):
    """`dt` if floating/complex, else the default float dtype (torch's int->float ops)."""
    return dt if dt._kind >= 2 else _dtypes.get_default_dtype()


def as_operand(x, dt):
    """A Tensor passes through; a Python scalar becomes a numpy scalar of dtype `dt`.

    Numpy scalars are strongly typed inside jit, so the kernel sees exactly torch's dtype
    (a weakly typed Python float would become float64 under x64).
    """
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (np.ndarray, jax.Array)) and x.ndim:
        return Tensor._wrap(jnp.asarray(x))
    return np.asarray(x, dtype=dt.np)


def to_tensor(x, dt=None):
    """Any array-like or scalar -> Tensor (scalars take dtype `dt`, else torch's inference)."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, jax.Array):
        return Tensor._wrap(x)
    if dt is None:
        from .._creation import tensor

        return tensor(x)
    return Tensor._wrap(jnp.asarray(np.asarray(x, dtype=dt.np)))


def is_tracer(arr):
    return isinstance(arr, jax.core.Tracer)


def wrap_dim(dim, ndim):
    """torch's dim wrapping: negative dims count from the end; 0-d tensors accept 0/-1."""
    n = ndim if ndim > 0 else 1
    if not -n <= dim < n:
        raise IndexError(DIM_ERR.format(lo=-n, hi=n - 1, d=dim))
    return dim + n if dim < 0 else dim


def dims_arg(dim, ndim):
    """dim (int, tuple/list or None) -> sorted tuple of wrapped dims, or None for 'all'."""
    if dim is None:
        return None
    if isinstance(dim, (int, np.integer)):
        d = wrap_dim(int(dim), ndim)
        return (d,) if ndim else ()  # a 0-d tensor accepts dim 0/-1 and reduces nothing
    dims = tuple(wrap_dim(int(d), ndim) for d in dim)
    if len(set(dims)) != len(dims):
        dup = next(d for d in dims if dims.count(d) > 1)
        raise RuntimeError(f"dim {dup} appears multiple times in the list of dims")
    return tuple(sorted(dims)) if ndim else ()


def size_arg(size):
    """`f(2, 3)`, `f((2, 3))`, `f([2, 3])`, `f(torch.Size(...))` -> tuple of ints."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return tuple(int(s) for s in size)


def check_broadcast(sa, sb):
    """Raises torch's elementwise broadcasting error when shapes `sa` and `sb` don't broadcast."""
    n = max(len(sa), len(sb))
    a = (1,) * (n - len(sa)) + tuple(sa)
    b = (1,) * (n - len(sb)) + tuple(sb)
    for i in range(n - 1, -1, -1):
        if a[i] != b[i] and a[i] != 1 and b[i] != 1:
            raise RuntimeError(f"The size of tensor a ({a[i]}) must match the size of tensor b ({b[i]}) at "
                               f"non-singleton dimension {i}")


def abs_with_zero_grad(a):
    """|a| for use inside kernels, with torch's gradient sign(a) (0 at 0; jnp.abs gives 1)."""
    if jnp.issubdtype(a.dtype, jnp.complexfloating):
        return jnp.abs(a)
    if jnp.issubdtype(a.dtype, jnp.unsignedinteger) or a.dtype == jnp.bool_:
        return a
    return a * jnp.sign(a)
