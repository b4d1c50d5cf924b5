"""dropout: a thin shell over functorch_like's dropout, keyed by compat's global generator."""
import functorch_like.nn.functional as _F

from ... import _dispatch
from ..._random import next_key
from ._common import inplace_result

__all__ = ["dropout"]


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
