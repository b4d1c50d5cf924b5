"""Pooling: thin shells over functorch_like.nn.functional's pooling ops."""
import functorch_like.nn.functional as _F

from ... import _dispatch
from ._common import static

__all__ = ["max_pool2d", "avg_pool2d", "adaptive_avg_pool2d"]


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Mirrors `torch.nn.functional.max_pool2d` (with `return_indices`: (output, int64 indices))."""
    if stride is not None and static(stride) == ():
        stride = None  # torch treats stride=[] as "default to kernel_size"
    return _dispatch.apply(_F.max_pool2d, input, name="MaxPool2DWithIndicesBackward0",
                           kernel_size=static(kernel_size), stride=static(stride),
                           padding=static(padding), dilation=static(dilation),
                           ceil_mode=bool(ceil_mode), return_indices=bool(return_indices))


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """Mirrors `torch.nn.functional.avg_pool2d`."""
    if stride is not None and static(stride) == ():
        stride = None
    return _dispatch.apply(_F.avg_pool2d, input, name="AvgPool2DBackward0",
                           kernel_size=static(kernel_size), stride=static(stride),
                           padding=static(padding), ceil_mode=bool(ceil_mode),
                           count_include_pad=bool(count_include_pad),
                           divisor_override=divisor_override)


def adaptive_avg_pool2d(input, output_size):
    """Mirrors `torch.nn.functional.adaptive_avg_pool2d(input, output_size)` (None keeps a size)."""
    return _dispatch.apply(_F.adaptive_avg_pool2d, input, name="AdaptiveAvgPool2DBackward0",
                           output_size=static(output_size))
