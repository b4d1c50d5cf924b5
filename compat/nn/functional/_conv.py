"""Convolutions: thin shells over functorch_like.nn.functional's conv ops."""
import functorch_like.nn.functional as _F

from ... import _dispatch
from ._common import static

__all__ = ["conv1d", "conv2d", "conv_transpose2d"]


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Mirrors `torch.nn.functional.conv1d` (NCL input, OIL weight; padding may be 'same'/'valid')."""
    return _dispatch.apply(_F.conv1d, input, weight, bias, name="ConvolutionBackward0",
                           stride=static(stride), padding=static(padding),
                           dilation=static(dilation), groups=groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Mirrors `torch.nn.functional.conv2d` (NCHW input, OIHW weight; padding may be 'same'/'valid').

    Example:
        >>> F.conv2d(compat.ones(1, 1, 5, 5), compat.ones(2, 1, 3, 3)).shape
        torch.Size([1, 2, 3, 3])
    """
    return _dispatch.apply(_F.conv2d, input, weight, bias, name="ConvolutionBackward0",
                           stride=static(stride), padding=static(padding),
                           dilation=static(dilation), groups=groups)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """Mirrors `torch.nn.functional.conv_transpose2d` (weight laid out (in, out/groups, kH, kW))."""
    return _dispatch.apply(_F.conv_transpose2d, input, weight, bias, name="ConvolutionBackward0",
                           stride=static(stride), padding=static(padding),
                           output_padding=static(output_padding), groups=groups,
                           dilation=static(dilation))
