"""Elementwise arithmetic with torch's type promotion: add, sub, mul, div, pow, neg, matmul."""
import jax.numpy as jnp

from .. import _dispatch
from ._common import as_operand, is_tensor, result_dtype

__all__ = ["add", "sub", "mul", "div", "true_divide", "pow", "neg", "matmul", "mm", "bmm"]


def _k_add(a, b, *, dtype):
    return a.astype(dtype) + b.astype(dtype)


def _k_sub(a, b, *, dtype):
    return a.astype(dtype) - b.astype(dtype)


def _k_mul(a, b, *, dtype):
    return a.astype(dtype) * b.astype(dtype)


def _k_div(a, b, *, dtype):
    return a.astype(dtype) / b.astype(dtype)


def _k_pow(a, b, *, dtype):
    return jnp.power(a.astype(dtype), b.astype(dtype))


def _binary(kernel, name, a, b, saves=True, float_result=False, scalar_saves=True):
    dt = result_dtype(a, b)
    if float_result and not (dt.is_floating_point or dt.is_complex):
        from .._dtypes import get_default_dtype

        dt = get_default_dtype()  # true division of integers gives the default float dtype
    if not scalar_saves and not (is_tensor(a) and is_tensor(b)):
        saves = False  # x * 2, x / 2: the VJP needs only the scalar, so torch saves no tensor
    return _dispatch.apply(kernel, as_operand(a, dt), as_operand(b, dt), name=name, saves=saves,
                           dtype=dt.np.name)


def add(input, other, *, alpha=1):
    """Mirrors `torch.add(input, other, alpha=1)`."""
    if alpha != 1:
        other = mul(other, alpha)
    return _binary(_k_add, "AddBackward0", input, other, saves=False)


def sub(input, other, *, alpha=1):
    """Mirrors `torch.sub(input, other, alpha=1)`."""
    if alpha != 1:
        other = mul(other, alpha)
    return _binary(_k_sub, "SubBackward0", input, other, saves=False)


def mul(input, other):
    """Mirrors `torch.mul`."""
    return _binary(_k_mul, "MulBackward0", input, other, scalar_saves=False)


def div(input, other, *, rounding_mode=None):
    """Mirrors `torch.div` (true division; rounding_mode 'trunc'/'floor' as torch)."""
    if rounding_mode is None:
        return _binary(_k_div, "DivBackward0", input, other, float_result=True,
                       scalar_saves=not is_tensor(other))
    raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")


true_divide = div


def pow(input, exponent):
    """Mirrors `torch.pow`."""
    return _binary(_k_pow, "PowBackward0", input, exponent)


def _k_neg(a):
    return -a


def neg(input):
    """Mirrors `torch.neg`."""
    return _dispatch.apply(_k_neg, input, name="NegBackward0", saves=False)


def _k_matmul(a, b, *, dtype):
    return jnp.matmul(a.astype(dtype), b.astype(dtype))


def matmul(input, other):
    """Mirrors `torch.matmul` (shapes checked as torch; operands must share a dtype)."""
    if input.dtype != other.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {input.dtype.name} != {other.dtype.name}"
        )
    a, b = input.shape, other.shape
    if input.ndim == 0 or other.ndim == 0:
        raise RuntimeError("both arguments to matmul need to be at least 1D, but they are "
                           f"{input.ndim}D and {other.ndim}D")
    k_a = a[-1]
    k_b = b[0] if other.ndim == 1 else b[-2]
    if k_a != k_b:
        if input.ndim == 2 and other.ndim == 2:
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied ({a[0]}x{a[1]} and {b[0]}x{b[1]})"
            )
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{k_a}] but got: [{k_b}]."
            if input.ndim == 3 and other.ndim == 3 else
            f"size mismatch, got input ({list(a)}), other ({list(b)}): inner dimensions {k_a} and {k_b} differ"
        )
    return _dispatch.apply(_k_matmul, input, other, name="MmBackward0" if input.ndim == 2 == other.ndim
                           else "MatmulBackward0", dtype=input.dtype.np.name)


def mm(input, mat2):
    """Mirrors `torch.mm` (2-D only)."""
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(f"self must be a matrix" if input.ndim != 2 else "mat2 must be a matrix")
    return matmul(input, mat2)


def bmm(input, mat2):
    """Mirrors `torch.bmm` (3-D only)."""
    if input.ndim != 3:
        raise RuntimeError(f"batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError(f"batch2 must be a 3D tensor")
    return matmul(input, mat2)
