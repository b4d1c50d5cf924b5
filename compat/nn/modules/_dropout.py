"""Dropout layer."""
from .. import functional as F
from ._module import Module

__all__ = ["Dropout"]


class Dropout(Module):
    """Mirrors `torch.nn.Dropout(p=0.5, inplace=False)`.

    In training mode zeroes each element with probability `p` and scales the rest by
    `1 / (1 - p)`; in eval mode it is the identity. Masks are drawn from compat's global
    generator (`compat.manual_seed` makes them reproducible).

    Raises:
        ValueError: `p` outside [0, 1].

    Example:
        >>> drop = compat.nn.Dropout(0.2).eval()
        >>> drop(x) is x
        True

    Differences from PyTorch: masks come from JAX's PRNG, not torch's stream.
    """

    __constants__ = ["p", "inplace"]

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"
