"""The affine map `y = x W^T + b` with torch's (out_features, in_features) weight layout."""
import math

from jax import lax


def linear(input, weight, bias=None):
    """Applies `input @ weight.T + bias`, as `torch.nn.functional.linear`.

    Args:
      input: array (..., in_features), at least 1-D.
      weight: array (out_features, in_features), or (in_features,) for a single output
        that is dropped from the result shape (as torch does).
      bias: optional array broadcastable to the output, usually (out_features,).

    Returns:
      Array (..., out_features) (or (...) for a 1-D weight) in the input's dtype.

    Raises:
      RuntimeError: for a 0-D argument, a weight of rank > 2, mismatched in_features, mixed
        dtypes, a bias that does not broadcast to the output, or a 1-D weight with a bias
        where torch's addmm path rejects it (2-D input or 1-D bias) -- with torch's messages.

    Example:
      >>> linear(jnp.ones((2, 3)), jnp.ones((4, 3)), jnp.zeros(4)).shape
      (2, 4)
    """
    if input.ndim == 0 or weight.ndim == 0:
        raise RuntimeError(
            "both arguments to linear need to be at least 1D, but they are "
            f"{input.ndim}D and {weight.ndim}D")
    if weight.ndim > 2:
        raise RuntimeError(
            f"t() expects a tensor with <= 2 dimensions, but self is {weight.ndim}D")
    in_features = weight.shape[-1]
    if input.shape[-1] != in_features:
        rows = math.prod(input.shape[:-1])
        cols = "" if weight.ndim == 1 else f"x{weight.shape[0]}"
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and "
            f"{in_features}{cols})")
    if input.dtype != weight.dtype or (bias is not None and bias.dtype != input.dtype):
        other = weight.dtype if input.dtype != weight.dtype else bias.dtype
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {input.dtype} != {other}")
    if weight.ndim == 1 and bias is not None and (input.ndim == 2 or bias.ndim == 1):
        # torch routes these through addmm, which rejects a vector weight.
        raise RuntimeError("mat2 must be a matrix, got 1-D tensor")
    # Contract input's last axis with weight's last axis: no explicit transpose of W.
    y = lax.dot_general(input, weight, (((input.ndim - 1,), (weight.ndim - 1,)), ((), ())))
    if bias is None:
        return y
    if bias.ndim > y.ndim or any(b not in (1, o) for b, o in zip(bias.shape[::-1], y.shape[::-1])):
        raise RuntimeError(
            f"The size of bias {list(bias.shape)} must match (or broadcast to) the output "
            f"size {list(y.shape)} of linear")
    return y + bias
