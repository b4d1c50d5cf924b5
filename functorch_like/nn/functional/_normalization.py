"""Normalization layers as pure functions: batch_norm, layer_norm, group_norm.

All three share one primitive, `_normalize`, which standardises over some axes with the
biased variance, as torch does for the forward pass. batch_norm has no hidden state: it
returns the new running statistics instead of updating buffers in place.
"""
import math
from collections.abc import Sequence

import jax
import jax.numpy as jnp


def _normalize(x, axes, eps):
    """(x - mean) / sqrt(var + eps) over `axes`, with the biased variance; also mean, var."""
    mean = jnp.mean(x, axis=axes, keepdims=True)
    # Two-pass variance (mean of squared deviations): no cancellation, unlike E[x^2]-E[x]^2.
    var = jnp.mean(jnp.square(x - mean), axis=axes, keepdims=True)
    return (x - mean) * jax.lax.rsqrt(var + eps), mean, var


def _channel_view(v, ndim, dtype):
    """Per-channel vector (C,) -> shape (1, C, 1, ...) broadcasting against an ndim-D input."""
    return jnp.reshape(v, (1, -1) + (1,) * (ndim - 2)).astype(dtype)


def _verify_batch_size(size):
    """torch's check that each normalised group holds more than one value."""
    size = list(size)
    if math.prod(size[2:], start=size[0]) == 1:
        raise ValueError(
            f"Expected more than 1 value per channel when training, got input size {size}"
        )


def batch_norm(
    input,
    running_mean,
    running_var,
    weight=None,
    bias=None,
    training=False,
    momentum=0.1,
    eps=1e-5,
):
    """Batch normalization over the channel axis 1, returning the updated running stats.

    Mirrors ``torch.nn.functional.batch_norm``, but purely: where torch updates
    `running_mean`/`running_var` in place, this returns the new values. In training mode
    the batch is normalised with its biased variance while the running variance is updated
    with the unbiased one (``n / (n - 1)``), as torch does. Running stats that are `None`
    stay `None` (torch's ``track_running_stats=False``); batch statistics are then used.

    Args:
        input: (N, C), (N, C, L), (N, C, H, W) or any (N, C, *) array.
        running_mean: (C,) array or None.
        running_var: (C,) array or None (None exactly when `running_mean` is None).
        weight: optional (C,) scale (gamma).
        bias: optional (C,) shift (beta).
        training: use batch statistics and update the running ones.
        momentum: ``running = (1 - momentum) * running + momentum * batch_stat``.
            torch's ``momentum=None`` (cumulative average) is a module-level choice:
            pass ``1 / num_batches_tracked`` instead, as ``nn.BatchNorm`` does.
        eps: added to the variance for numerical stability.

    Returns:
        ``(out, new_running_mean, new_running_var)``; `out` has the input's shape and dtype,
        the running stats keep their own dtype (they are returned unchanged in eval mode).

    Raises:
        ValueError: training with one value per channel; bad eps; only one of the running
            stats given.
        RuntimeError: input with fewer than 2 dims, wrong-sized stats/weight/bias, or eval
            mode without running stats.
        TypeError: ``momentum=None``.

    Example:
        >>> x = jnp.ones((4, 3))
        >>> out, rm, rv = batch_norm(x, jnp.zeros(3), jnp.ones(3), training=True)
        >>> rv  # batch variance 0 -> 0.9 * 1 + 0.1 * 0
        Array([0.9, 0.9, 0.9], dtype=float32)
    """
    x = jnp.asarray(input)
    if x.ndim < 2:
        raise RuntimeError(
            f"batch_norm: expected input of shape (N, C, *) with at least 2 dims, "
            f"got input of shape {list(x.shape)}"
        )
    if momentum is None:
        raise TypeError(
            "batch_norm(): momentum must be a float, not None; for a cumulative moving "
            "average pass momentum=1/num_batches_tracked as torch's nn.BatchNorm does"
        )
    if (running_mean is None) != (running_var is None):
        raise ValueError(
            "running_mean and running_var must either both be None or neither be None"
        )
    if training:
        _verify_batch_size(x.shape)
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    channels = x.shape[1]
    named = {"running_mean": running_mean, "running_var": running_var,
             "weight": weight, "bias": bias}
    for name, v in named.items():
        if v is not None and jnp.size(v) != channels:
            raise RuntimeError(
                f"{name} should contain {channels} elements not {jnp.size(v)}"
            )
    if not training and running_mean is None:
        raise RuntimeError("running_mean must be defined in evaluation mode")

    axes = (0,) + tuple(range(2, x.ndim))
    if training or running_mean is None:
        out, mean, var = _normalize(x, axes, eps)
    else:
        mean = _channel_view(running_mean, x.ndim, x.dtype)
        var = _channel_view(running_var, x.ndim, x.dtype)
        out = (x - mean) * jax.lax.rsqrt(var + eps)
    if weight is not None:
        out = out * _channel_view(weight, x.ndim, x.dtype)
    if bias is not None:
        out = out + _channel_view(bias, x.ndim, x.dtype)

    new_mean, new_var = running_mean, running_var
    if training and running_mean is not None:
        n = x.size // channels
        # Running stats are buffers in torch: updated without autograd, hence stop_gradient.
        batch_mean = jax.lax.stop_gradient(mean.reshape(-1))
        # Unbiased (Bessel-corrected) batch variance for the running estimate, as torch.
        batch_var = jax.lax.stop_gradient(var.reshape(-1)) * (n / (n - 1))
        rm, rv = jnp.asarray(running_mean), jnp.asarray(running_var)
        new_mean = ((1 - momentum) * rm + momentum * batch_mean.astype(rm.dtype)).astype(rm.dtype)
        new_var = ((1 - momentum) * rv + momentum * batch_var.astype(rv.dtype)).astype(rv.dtype)
    return out, new_mean, new_var


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Layer normalization over the trailing `normalized_shape` dims.

    Mirrors ``torch.nn.functional.layer_norm``; an int `normalized_shape` is accepted as
    shorthand for a 1-tuple (as ``nn.LayerNorm`` accepts it).

    Args:
        input: array of shape ``(*, *normalized_shape)``.
        normalized_shape: int or sequence of ints, the trailing shape to normalise over.
        weight: optional elementwise scale of shape `normalized_shape`.
        bias: optional elementwise shift of shape `normalized_shape`.
        eps: added to the (biased) variance.

    Returns:
        Array with the input's shape and dtype.

    Raises:
        RuntimeError: the input's trailing shape or weight/bias shape differs from
            `normalized_shape`.

    Example:
        >>> layer_norm(jnp.array([[1.0, 3.0]]), 2).round(3)
        Array([[-1.,  1.]], dtype=float32)
    """
    x = jnp.asarray(input)
    shape = [int(normalized_shape)] if not isinstance(normalized_shape, Sequence) else [
        int(s) for s in normalized_shape]
    k = len(shape)
    if k == 0 or x.ndim < k or list(x.shape[x.ndim - k:]) != shape:
        raise RuntimeError(
            f"Given normalized_shape={shape}, expected input with shape "
            f"[*, {', '.join(map(str, shape))}], but got input of size{list(x.shape)}"
        )
    for name, v in (("weight", weight), ("bias", bias)):
        if v is not None and list(jnp.shape(v)) != shape:
            raise RuntimeError(
                f"Expected {name} to be of same shape as normalized_shape, but got {name} "
                f"of shape {list(jnp.shape(v))} and normalized_shape = {shape}"
            )
    out, _, _ = _normalize(x, tuple(range(x.ndim - k, x.ndim)), eps)
    if weight is not None:
        out = out * jnp.asarray(weight).astype(x.dtype)
    if bias is not None:
        out = out + jnp.asarray(bias).astype(x.dtype)
    return out


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Group normalization: channels split into `num_groups` groups, each normalised.

    Mirrors ``torch.nn.functional.group_norm``: statistics over each group's channels and
    all spatial positions, per sample; then a per-channel affine transform.

    Args:
        input: array of shape (N, C, *).
        num_groups: number of groups; must divide C.
        weight: optional (C,) scale.
        bias: optional (C,) shift.
        eps: added to the (biased) variance.

    Returns:
        Array with the input's shape and dtype.

    Raises:
        RuntimeError: fewer than 2 dims, C not divisible by `num_groups`, or a weight/bias
            that is not a (C,) vector.
        ValueError: `num_groups` not positive, or each group holds a single value.

    Example:
        >>> group_norm(jnp.arange(8.0).reshape(1, 4, 2), 2).shape
        (1, 4, 2)
    """
    x = jnp.asarray(input)
    if x.ndim < 2:
        raise RuntimeError(
            f"Expected at least 2 dimensions for input tensor but received {x.ndim}"
        )
    if num_groups <= 0:
        raise ValueError(f"group_norm: num_groups must be positive, got {num_groups}")
    n, c = x.shape[:2]
    _verify_batch_size([n * c // num_groups, num_groups] + list(x.shape[2:]))
    if c % num_groups != 0:
        raise RuntimeError(
            "Expected number of channels in input to be divisible by num_groups, but got "
            f"input of shape {list(x.shape)} and num_groups={num_groups}"
        )
    for name, v in (("weight", weight), ("bias", bias)):
        if v is not None and (jnp.ndim(v) != 1 or jnp.size(v) != c):
            raise RuntimeError(
                f"Expected {name} to be a vector of size equal to the number of channels in "
                f"input, but got {name} of shape {list(jnp.shape(v))} and input of shape "
                f"{list(x.shape)}"
            )
    grouped = x.reshape((n, num_groups, c // num_groups) + x.shape[2:])
    out, _, _ = _normalize(grouped, tuple(range(2, grouped.ndim)), eps)
    out = out.reshape(x.shape)
    if weight is not None:
        out = out * _channel_view(weight, x.ndim, x.dtype)
    if bias is not None:
        out = out + _channel_view(bias, x.ndim, x.dtype)
    return out
