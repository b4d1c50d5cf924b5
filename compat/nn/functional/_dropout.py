"""dropout / dropout2d: thin shells over functorch_like's dropout, keyed by compat's global
generator. dropout2d (torch's feature dropout) drops whole channels: the core dropout draws a
mask of shape (N, C, 1, ...) that broadcasts over the spatial dims."""
import warnings

import jax.numpy as jnp

import functorch_like.nn.functional as _F

from ... import _dispatch
from ..._random import next_key
from ._common import inplace_result

__all__ = ["dropout", "dropout2d"]


def _dropout_kernel(x, key, *, p):
    return _F.dropout(x, p, True, key=key)


def dropout(input, p=0.5, training=True, inplace=False):
    """Mirrors `torch.nn.functional.dropout(input, p=0.5, training=True, inplace=False)`.

    Each call draws a fresh key from compat's global generator, so `compat.manual_seed`
    makes masks reproducible.

    Raises:
        ValueError: `p` outside [0, 1] (torch's message).

    Differences from PyTorch: the masks come from JAX's PRNG, not torch's stream.
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    out = _dispatch.apply(_dropout_kernel, input, next_key(), name="MulBackward0", p=float(p))
    return inplace_result(input, out, inplace)


def _feature_dropout_kernel(x, key, *, p):
    noise_shape = x.shape[:2] + (1,) * (x.ndim - 2)  # one draw per (sample, channel)
    mask = _F.dropout(jnp.ones(noise_shape, x.dtype), p, True, key=key)
    return x * mask


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Mirrors `torch.nn.functional.dropout2d(input, p=0.5, training=True, inplace=False)`.

    Zeroes whole channels of an (N, C, H, W) input with probability `p` and scales the rest
    by 1/(1-p); a 3-D input is treated as (N, C, L), with torch's warnings.

    Raises:
        ValueError: `p` outside [0, 1].

    Differences from PyTorch: the masks come from JAX's PRNG, not torch's stream.
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    inp_dim = input.dim()
    if inp_dim not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {inp_dim}-D input to dropout2d, which is deprecated "
            "and will result in an error in a future release. To retain the behavior "
            "and silence this warning, please use dropout instead. Note that dropout2d "
            "exists to provide channel-wise dropout on inputs with 2 spatial dimensions, "
            "a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).",
            stacklevel=2)
    if inp_dim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise "
            "1D dropout behavior is desired - input is interpreted as shape (N, C, L), where C "
            "is the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2)
    if not training or p == 0.0:
        return input
    out = _dispatch.apply(_feature_dropout_kernel, input, next_key(), name="MulBackward0",
                          p=float(p))
    return inplace_result(input, out, inplace)
