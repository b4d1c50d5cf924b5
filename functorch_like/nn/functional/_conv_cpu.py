"""Channels-last (NHWC) forms of conv2d and 2x2 max pooling, for models' CPU paths.

XLA:CPU runs convolutions channels-last: an NCHW `conv2d` is compiled as
transpose -> NHWC convolution -> transpose, and XLA does not cancel the transposes between
two consecutive convolutions (relu and bias in between), nor around the convolutions of
the backward pass. A model that keeps its activations channels-last from its first to its
last convolution (torch's `memory_format=torch.channels_last`, as pure functions) skips
those copies: ~20% less CPU time per MNIST-CNN training step (benchmarks/README.md).
Values and gradients are torch's NCHW ones, only the memory order differs.

Not part of the public `nn.functional` API: the layout is an internal choice of a model's
`apply`, which converts at its edges (see `models.mnist_cnn`).
"""
import functools

import jax
import jax.numpy as jnp
from jax import lax


def conv2d_nhwc(input, weight, bias=None):
    """Stride-1, unpadded 2-D convolution of an NHWC array with a torch OIHW weight.

    Args:
      input: array (N, H, W, C_in).
      weight: array (C_out, C_in, kH, kW), torch's layout.
      bias: optional array (C_out,).

    Returns:
      Array (N, H - kH + 1, W - kW + 1, C_out) in the input's dtype: the NHWC transpose of
      `conv2d(input.transpose(0, 3, 1, 2), weight, bias)`.

    Raises:
      RuntimeError: input not 4-D, or its channels differ from the weight's.

    Example:
      >>> conv2d_nhwc(jnp.ones((2, 28, 28, 1)), jnp.ones((32, 1, 3, 3))).shape
      (2, 26, 26, 32)
    """
    if input.ndim != 4 or weight.ndim != 4 or input.shape[3] != weight.shape[1]:
        raise RuntimeError(
            f"conv2d_nhwc: expected input (N, H, W, {weight.shape[1] if weight.ndim == 4 else 'C'}) "
            f"and weight (O, I, kH, kW), got input {list(input.shape)} and weight "
            f"{list(weight.shape)}")
    y = lax.conv_general_dilated(input, weight, (1, 1), "VALID",
                                 dimension_numbers=("NHWC", "OIHW", "NHWC"))
    return y if bias is None else _add_channel_bias(y, bias)


@jax.custom_vjp
def _add_channel_bias(y, bias):
    return y + bias


def _add_channel_bias_fwd(y, bias):
    return y + bias, None


def _add_channel_bias_bwd(_, g):
    # d bias = sum of g over N, H, W, computed as ones(M) @ g.reshape(M, C): XLA:CPU runs
    # that as one matrix-vector product, where the equivalent reduce became a slow
    # reduce-window (~7% of the CNN step). Same float32 sum, full precision.
    rows = g.reshape(-1, g.shape[-1])
    ones = jnp.ones((rows.shape[0],), g.dtype)
    return g, jnp.dot(ones, rows, precision=lax.Precision.HIGHEST)


_add_channel_bias.defvjp(_add_channel_bias_fwd, _add_channel_bias_bwd)


def _windows(x):
    """The four elements of each 2x2 window of NHWC `x`, in torch's row-major scan order."""
    n, h, w, c = x.shape
    xr = x.reshape(n, h // 2, 2, w // 2, 2, c)
    return [xr[:, :, a, :, b, :] for a in (0, 1) for b in (0, 1)]


def _chosen(x, y):
    """Index 0..3 of torch's pick in each window: the first maximum, or the last NaN."""
    first, second, third, fourth = _windows(x)
    idx = jnp.where(third == y, 2, 3)
    idx = jnp.where(second == y, 1, idx)
    idx = jnp.where(first == y, 0, idx)
    for k, v in enumerate((first, second, third, fourth)):
        idx = jnp.where(jnp.isnan(v), k, idx)  # a NaN window: the last NaN, as torch
    return idx


@jax.custom_vjp
def _pool(x):
    n, h, w, c = x.shape
    return jnp.max(x.reshape(n, h // 2, 2, w // 2, 2, c), axis=(2, 4))  # NaN propagates


def _pool_fwd(x):
    y = _pool(x)
    return y, (x, y)


def _pool_bwd(residuals, g):
    # The whole cotangent goes to torch's chosen element: one elementwise pass that
    # compares each element's window position with the chosen index (no scatter).
    x, y = residuals
    n, h, w, c = x.shape
    idx = _chosen(x, y)[:, :, None, :, None, :]
    pos = 2 * lax.broadcasted_iota(jnp.int32, (1, 1, 2, 1, 2, 1), 2) + \
        lax.broadcasted_iota(jnp.int32, (1, 1, 2, 1, 2, 1), 4)
    dx = jnp.where(pos == idx, g[:, :, None, :, None, :], jnp.zeros((), g.dtype))
    return (dx.reshape(n, h, w, c),)


_pool.defvjp(_pool_fwd, _pool_bwd)


def max_pool2d_2x2_nhwc(input):
    """`max_pool2d(kernel_size=2)` of an NHWC array, with torch's gradient.

    Odd trailing rows/columns are dropped (torch's floor mode). The gradient of each window
    goes entirely to the element torch's kernel picks: the first maximum in row-major
    window order, or the last NaN if the window holds NaNs.

    Args:
      input: floating array (N, H, W, C), H and W at least 2.

    Returns:
      Array (N, H // 2, W // 2, C) in the input's dtype.

    Raises:
      RuntimeError: input not 4-D or smaller than one window.

    Example:
      >>> max_pool2d_2x2_nhwc(jnp.arange(16.0).reshape(1, 4, 4, 1))[0, :, :, 0]
      Array([[ 5.,  7.],
             [13., 15.]], dtype=float32)
    """
    if input.ndim != 4 or input.shape[1] < 2 or input.shape[2] < 2:
        raise RuntimeError(
            f"max_pool2d_2x2_nhwc: expected (N, H, W, C) with H, W >= 2, got {list(input.shape)}")
    h, w = input.shape[1] // 2 * 2, input.shape[2] // 2 * 2
    return _pool(input[:, :h, :w, :])
