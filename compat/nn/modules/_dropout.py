"""Dropout layers: Dropout and Dropout2d."""
from .. import functional as F
from ._module import Module

__all__ = ["Dropout", "Dropout2d"]


class _DropoutNd(Module):
    """torch's `_DropoutNd`: checks and stores `p` and `inplace`."""

    __constants__ = ["p", "inplace"]

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
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

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Mirrors `torch.nn.Dropout2d(p=0.5, inplace=False)`: zeroes whole channels.

    In training each channel of an (N, C, H, W) input is zeroed with probability `p` and
    the rest scaled by 1/(1-p); identity in eval.

    Example:
        >>> compat.nn.Dropout2d(0.2)(compat.ones(4, 8, 3, 3)).shape
        torch.Size([4, 8, 3, 3])

    Differences from PyTorch: masks come from JAX's PRNG, not torch's stream.
    """

    def forward(self, input):
        return F.dropout2d(input, self.p, self.training, self.inplace)
