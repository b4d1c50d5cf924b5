"""Convolutions with torch's layouts and argument rules: conv1d, conv2d, conv_transpose2d.

Inputs are NC(H)W, weights OI(H)W (conv) or torch's (in, out / groups, kH, kW) for the
transposed convolution. Both lower to one `lax.conv_general_dilated`; gradients come from
JAX. Shapes and arguments are checked in Python first, with torch's messages.
"""
import jax.numpy as jnp
from jax import lax

_SPATIAL = {1: "H", 2: "HW"}


def _expand(name, value, nd):
    """An int or a length-1/length-nd sequence -> nd-tuple of ints, with torch's message."""
    if isinstance(value, (tuple, list)):
        if len(value) == 1:
            return (int(value[0]),) * nd
        if len(value) == nd:
            return tuple(int(v) for v in value)
        raise RuntimeError(
            f"expected {name} to be a single integer value or a list of {nd} values to match "
            f"the convolution dimensions, but got {name}={list(value)}")
    return (int(value),) * nd


def _check_dtypes(input, weight, bias):
    """torch refuses mixed input/weight/bias dtypes instead of promoting."""
    if input.dtype != weight.dtype:
        raise RuntimeError(
            f"Input type ({input.dtype}) and weight type ({weight.dtype}) should be the same")
    if bias is not None and bias.dtype != input.dtype:
        raise RuntimeError(
            f"Input type ({input.dtype}) and bias type ({bias.dtype}) should be the same")


def _check_common(op, nd, input, weight, stride, dilation, groups):
    """Rank, stride, dilation and groups checks shared by the direct and transposed forms."""
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {op}, but got "
            f"input of size: {list(input.shape)}")
    if weight.ndim != nd + 2:
        raise RuntimeError(
            f"Expected {nd + 2}-dimensional weight for {op} with {nd + 2}-dimensional "
            f"(batched) input, but got {weight.ndim}-dimensional weight of size "
            f"{list(weight.shape)} instead")
    stride, dilation = _expand("stride", stride, nd), _expand("dilation", dilation, nd)
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if weight.shape[0] % groups != 0:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
            f"but got weight of size [{list(weight.shape)}] instead")
    return stride, dilation


def _check_bias(bias, weight, channels, transposed):
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != channels):
        prefix = "Given transposed=1, weight" if transposed else "Given weight"
        raise RuntimeError(
            f"{prefix} of size {list(weight.shape)}, expected bias to be 1-dimensional with "
            f"{channels} elements, but got bias of size {list(bias.shape)} instead")


def _add_bias(y, bias, nd):
    return y if bias is None else y + bias.reshape((1, -1) + (1,) * nd)


def _dimension_numbers(nd):
    s = _SPATIAL[nd]
    return ("NC" + s, "OI" + s, "NC" + s)


def _conv(op, nd, input, weight, bias, stride, padding, dilation, groups):
    """Shared body of conv1d / conv2d."""
    stride, dilation = _check_common(op, nd, input, weight, stride, dilation, groups)
    _check_dtypes(input, weight, bias)
    x = input[None] if input.ndim == nd + 1 else input
    kernel = tuple(dilation[i] * (weight.shape[2 + i] - 1) + 1 for i in range(nd))
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * nd
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            # Total padding k_eff - 1; an odd total puts the extra element on the right,
            # exactly where torch's _convolution_mode pads.
            pads = tuple(((k - 1) // 2, (k - 1) - (k - 1) // 2) for k in kernel)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        pad = _expand("padding", padding, nd)
        if any(p < 0 for p in pad):
            raise RuntimeError("negative padding is not supported")
        pads = tuple((p, p) for p in pad)
    expected = weight.shape[1] * groups
    if x.shape[1] != expected:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected "
            f"input{list(input.shape)} to have {expected} channels, but got {x.shape[1]} "
            "channels instead")
    _check_bias(bias, weight, weight.shape[0], transposed=False)
    padded = tuple(x.shape[2 + i] + sum(pads[i]) for i in range(nd))
    if any(k > n for k, n in zip(kernel, padded)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
            f"Kernel size: ({' x '.join(map(str, kernel))}). Kernel size can't be greater "
            "than actual input size")
    y = lax.conv_general_dilated(
        x, weight, window_strides=stride, padding=pads, rhs_dilation=dilation,
        dimension_numbers=_dimension_numbers(nd), feature_group_count=groups)
    y = _add_bias(y, bias, nd)
    return y[0] if input.ndim == nd + 1 else y


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution (cross-correlation), as `torch.nn.functional.conv1d`.

    Args:
      input: array (N, C_in, L) or unbatched (C_in, L).
      weight: array (C_out, C_in / groups, K).
      bias: optional array (C_out,).
      stride: int or 1-tuple.
      padding: int, 1-tuple, 'valid' (no padding) or 'same' (output length == input length;
        stride must be 1; an odd total padding puts the extra element on the right).
      dilation: int or 1-tuple.
      groups: number of blocked connections from input to output channels.

    Returns:
      Array (N, C_out, L_out) (or (C_out, L_out)) in the input's dtype.

    Raises:
      RuntimeError: for mismatched channels, ranks, dtypes or bias size, non-positive
        stride/dilation/groups, negative padding, a kernel larger than the padded input, or
        padding='same' with stride > 1 -- with torch's messages.

    Example:
      >>> conv1d(jnp.ones((1, 2, 5)), jnp.ones((3, 2, 3)), padding="same").shape
      (1, 3, 5)
    """
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (cross-correlation) in NCHW / OIHW, as `torch.nn.functional.conv2d`.

    Args:
      input: array (N, C_in, H, W) or unbatched (C_in, H, W).
      weight: array (C_out, C_in / groups, kH, kW).
      bias: optional array (C_out,).
      stride: int or (sH, sW).
      padding: int, (pH, pW), 'valid' or 'same' (stride must be 1; an odd total padding
        puts the extra row/column on the bottom/right, as torch does).
      dilation: int or (dH, dW).
      groups: number of blocked connections from input to output channels.

    Returns:
      Array (N, C_out, H_out, W_out) (or unbatched) in the input's dtype.

    Raises:
      RuntimeError: for mismatched channels, ranks, dtypes or bias size, non-positive
        stride/dilation/groups, negative padding, a kernel larger than the padded input, or
        padding='same' with stride > 1 -- with torch's messages.

    Example:
      >>> conv2d(jnp.ones((2, 1, 28, 28)), jnp.ones((32, 1, 3, 3))).shape
      (2, 32, 26, 26)
    """
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """2-D transposed convolution, as `torch.nn.functional.conv_transpose2d`.

    The gradient of `conv2d` with respect to its input: output size per spatial dimension is
    (in - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1.

    Args:
      input: array (N, C_in, H, W) or unbatched (C_in, H, W).
      weight: array (C_in, C_out / groups, kH, kW) -- torch's transposed layout.
      bias: optional array (C_out,).
      stride: int or (sH, sW).
      padding: int or (pH, pW): dilation * (k - 1) - padding zeros are added to each side.
      output_padding: int or (oH, oW) extra rows/columns on the bottom/right; each must be
        smaller than the stride or the dilation of its dimension.
      groups: number of blocked connections from input to output channels.
      dilation: int or (dH, dW).

    Returns:
      Array (N, C_out, H_out, W_out) (or unbatched) in the input's dtype.

    Raises:
      TypeError: for a string padding (torch accepts only ints here).
      RuntimeError: for mismatched channels, ranks, dtypes or bias size, invalid
        stride/dilation/groups/padding/output_padding, or an output size below 1.

    Example:
      >>> conv_transpose2d(jnp.ones((1, 4, 5, 5)), jnp.ones((4, 2, 3, 3)), stride=2).shape
      (1, 2, 11, 11)
    """
    if isinstance(padding, str):
        raise TypeError("conv_transpose2d(): argument 'padding' must be tuple of ints, not str")
    stride, dilation = _check_common("conv_transpose2d", 2, input, weight, stride, dilation, groups)
    _check_dtypes(input, weight, bias)
    pad = _expand("padding", padding, 2)
    out_pad = _expand("output_padding", output_padding, 2)
    if any(p < 0 for p in pad):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in out_pad):
        raise RuntimeError("negative output_padding is not supported")
    if any(op >= s and op >= d for op, s, d in zip(out_pad, stride, dilation)):
        raise RuntimeError(
            "output padding must be smaller than either stride or dilation, but got "
            f"output_padding_height: {out_pad[0]} output_padding_width: {out_pad[1]} "
            f"stride_height: {stride[0]} stride_width: {stride[1]} "
            f"dilation_height: {dilation[0]} dilation_width: {dilation[1]}")
    x = input[None] if input.ndim == 3 else input
    c_in, c_out_per_group = weight.shape[0], weight.shape[1]
    if x.shape[1] != c_in:
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(weight.shape)}, expected "
            f"input{list(input.shape)} to have {c_in} channels, but got {x.shape[1]} "
            "channels instead")
    _check_bias(bias, weight, c_out_per_group * groups, transposed=True)
    kernel = tuple(dilation[i] * (weight.shape[2 + i] - 1) for i in range(2))
    out_size = tuple((x.shape[2 + i] - 1) * stride[i] - 2 * pad[i] + kernel[i] + out_pad[i] + 1
                     for i in range(2))
    if any(o < 1 for o in out_size):
        raise RuntimeError(
            f"Given input size per channel: ({x.shape[2]} x {x.shape[3]}). Calculated output "
            f"size per channel: ({out_size[0]} x {out_size[1]}). Output size is too small")
    # (in, out/g, kH, kW) -> (out, in/g, kH, kW) per group, spatially flipped: the transposed
    # convolution is the direct one over the stride-dilated input with this kernel.
    kh, kw = weight.shape[2:]
    w = weight.reshape(groups, c_in // groups, c_out_per_group, kh, kw)
    w = w.transpose(0, 2, 1, 3, 4).reshape(groups * c_out_per_group, c_in // groups, kh, kw)
    w = jnp.flip(w, axis=(2, 3))
    # Padding may be negative (padding > dilation * (k - 1)): XLA then crops.
    pads = tuple((kernel[i] - pad[i], kernel[i] - pad[i] + out_pad[i]) for i in range(2))
    y = lax.conv_general_dilated(
        x, w, window_strides=(1, 1), padding=pads, lhs_dilation=stride, rhs_dilation=dilation,
        dimension_numbers=_dimension_numbers(2), feature_group_count=groups)
    y = _add_bias(y, bias, 2)
    return y[0] if input.ndim == 3 else y
