"""linear: a thin shell over functorch_like.nn.functional.linear."""
import functorch_like.nn.functional as _F

from ... import _dispatch

__all__ = ["linear"]


def linear(input, weight, bias=None):
    """Mirrors `torch.nn.functional.linear(input, weight, bias=None)`: `input @ weight.T + bias`.

    Example:
        >>> F.linear(compat.ones(2, 3), compat.ones(4, 3)).shape
        torch.Size([2, 4])
    """
    if input.ndim == 2:
        name = "AddmmBackward0" if bias is not None else "MmBackward0"
    else:
        name = "ViewBackward0"  # torch folds batch dims into a matmul and views back
    return _dispatch.apply(_F.linear, input, weight, bias, name=name)
