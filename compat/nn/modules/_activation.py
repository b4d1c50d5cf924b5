"""Activation layers: ReLU, LeakyReLU, ELU, GELU, SiLU, Sigmoid, Tanh, Softmax, LogSoftmax, Softplus."""
from .. import functional as F
from ._module import Module

__all__ = ["ReLU", "LeakyReLU", "ELU", "GELU", "SiLU", "Sigmoid", "Tanh", "Softmax",
           "LogSoftmax", "Softplus"]


class ReLU(Module):
    """Mirrors `torch.nn.ReLU(inplace=False)`: `max(0, x)`.

    Example:
        >>> compat.nn.ReLU()(compat.tensor([-1.0, 2.0]))
        tensor([0., 2.])

    Differences from PyTorch: none.
    """

    __constants__ = ["inplace"]

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu(input, inplace=self.inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    """Mirrors `torch.nn.LeakyReLU(negative_slope=0.01, inplace=False)`.

    Differences from PyTorch: none.
    """

    __constants__ = ["inplace", "negative_slope"]

    def __init__(self, negative_slope=1e-2, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"negative_slope={self.negative_slope}{inplace_str}"


class ELU(Module):
    """Mirrors `torch.nn.ELU(alpha=1.0, inplace=False)`.

    Differences from PyTorch: none.
    """

    __constants__ = ["alpha", "inplace"]

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self):
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"alpha={self.alpha}{inplace_str}"


class GELU(Module):
    """Mirrors `torch.nn.GELU(approximate='none')` ('none': erf form, 'tanh': tanh approximation).

    Differences from PyTorch: none.
    """

    __constants__ = ["approximate"]

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={repr(self.approximate)}"


class SiLU(Module):
    """Mirrors `torch.nn.SiLU(inplace=False)`: `x * sigmoid(x)`.

    Differences from PyTorch: none.
    """

    __constants__ = ["inplace"]

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.silu(input, inplace=self.inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class Sigmoid(Module):
    """Mirrors `torch.nn.Sigmoid()`.

    Differences from PyTorch: none.
    """

    def forward(self, input):
        return F.sigmoid(input)


class Tanh(Module):
    """Mirrors `torch.nn.Tanh()`.

    Differences from PyTorch: none.
    """

    def forward(self, input):
        return F.tanh(input)


class _SoftmaxLike(Module):
    """Shared shell of Softmax/LogSoftmax: a `dim` attribute and `_fn` from F."""

    __constants__ = ["dim"]

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, "dim"):
            self.dim = None

    def forward(self, input):
        return type(self)._fn(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(_SoftmaxLike):
    """Mirrors `torch.nn.Softmax(dim=None)`.

    Differences from PyTorch: `dim` must be given (torch's implicit choice is deprecated);
    calling with `dim=None` raises TypeError.
    """

    _fn = staticmethod(F.softmax)


class LogSoftmax(_SoftmaxLike):
    """Mirrors `torch.nn.LogSoftmax(dim=None)`.

    Differences from PyTorch: `dim` must be given (torch's implicit choice is deprecated);
    calling with `dim=None` raises TypeError.
    """

    _fn = staticmethod(F.log_softmax)


class Softplus(Module):
    """Mirrors `torch.nn.Softplus(beta=1.0, threshold=20.0)`.

    Differences from PyTorch: none.
    """

    __constants__ = ["beta", "threshold"]

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"
