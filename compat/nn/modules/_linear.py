"""Linear layers: Identity and Linear."""
import functorch_like.nn.init as _init

from .. import functional as F
from ..._random import next_key
from ._module import Module
from ._utils import assign_, new_parameter

__all__ = ["Identity", "Linear"]


class Identity(Module):
    """Mirrors `torch.nn.Identity(*args, **kwargs)`: returns its input (arguments are ignored).

    Example:
        >>> compat.nn.Identity(54, unused="x")(x) is x
        True

    Differences from PyTorch: none.
    """

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Linear(Module):
    """Mirrors `torch.nn.Linear(in_features, out_features, bias=True, device=None, dtype=None)`.

    `y = x W^T + b`; `weight` is `(out_features, in_features)` and both parameters start
    as U(-1/sqrt(in_features), 1/sqrt(in_features)), torch's default (kaiming_uniform with
    a=sqrt(5)), drawn from compat's global generator.

    Shape:
        Input `(*, in_features)`, output `(*, out_features)`.

    Example:
        >>> fc = compat.nn.Linear(20, 30)
        >>> fc(compat.zeros(128, 20)).shape
        torch.Size([128, 30])

    Differences from PyTorch: initial values come from JAX's PRNG (same distribution).
    """

    __constants__ = ["in_features", "out_features"]

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = new_parameter((out_features, in_features), device, dtype)
        if bias:
            self.bias = new_parameter((out_features,), device, dtype)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Redraws weight and bias with torch's default init (the one place init happens)."""
        p = _init.linear_params(self.in_features, self.out_features, self.bias is not None,
                                key=next_key(), dtype=self.weight._data.dtype)
        assign_(self.weight, p["weight"])
        if self.bias is not None:
            assign_(self.bias, p["bias"])

    def forward(self, input):
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
