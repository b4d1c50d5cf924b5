"""Normalization: thin shells over functorch_like's batch_norm / layer_norm / group_norm.

torch's `batch_norm` updates `running_mean`/`running_var` in place; the core returns the
new statistics instead, and this shell rebinds the buffers' arrays (no graph, no version
bump: the buffers are not differentiated through, exactly as torch treats them).
"""
import math

import numpy as np

import functorch_like.nn.functional as _F

from ... import _dispatch
from ..._tensor import Tensor
from ._common import static

__all__ = ["batch_norm", "layer_norm", "group_norm"]


def _bn_update(x, running_mean, running_var, weight, bias, momentum, *, eps):
    # momentum is a traced scalar: one compiled kernel serves every momentum value,
    # including the cumulative average 1/num_batches_tracked (momentum=None).
    return _F.batch_norm(x, running_mean, running_var, weight, bias, True, momentum, eps)


def _bn_forward(x, running_mean, running_var, weight, bias, *, training, eps):
    return _F.batch_norm(x, running_mean, running_var, weight, bias, training, 0.1, eps)[0]


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Mirrors `torch.nn.functional.batch_norm`: in training, also updates the running stats in place.

    Args:
        input: (N, C, *) tensor.
        running_mean, running_var: (C,) tensors (updated in place when training), or None.
        weight, bias: optional (C,) affine parameters.
        training: use batch statistics (and update the running ones).
        momentum: float, or a 0-d tensor (nn.BatchNorm passes 1/num_batches_tracked for
            torch's cumulative average).
        eps: added to the variance.

    Returns:
        The normalised tensor.
    """
    if training:
        size = input.shape
        if math.prod(size[2:], start=size[0]) == 1:  # torch's _verify_batch_size, its message
            raise ValueError(
                f"Expected more than 1 value per channel when training, got input size {size}")
    if training and running_mean is not None and running_var is not None:
        dt = running_mean._data.dtype
        m = momentum._data.astype(dt) if isinstance(momentum, Tensor) else np.asarray(momentum, dt)
        out, new_mean, new_var = _dispatch.apply(
            _bn_update, input, running_mean, running_var, weight, bias, m,
            name="NativeBatchNormBackward0", eps=float(eps))
        running_mean._data = new_mean._data
        running_mean._refresh_views()
        running_var._data = new_var._data
        running_var._refresh_views()
        return out
    return _dispatch.apply(_bn_forward, input, running_mean, running_var, weight, bias,
                           name="NativeBatchNormBackward0", training=bool(training), eps=float(eps))


def _ln(x, weight, bias, *, normalized_shape, eps):
    return _F.layer_norm(x, normalized_shape, weight, bias, eps)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Mirrors `torch.nn.functional.layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05)`."""
    return _dispatch.apply(_ln, input, weight, bias, name="NativeLayerNormBackward0",
                           normalized_shape=static(normalized_shape), eps=float(eps))


def _gn(x, weight, bias, *, num_groups, eps):
    return _F.group_norm(x, num_groups, weight, bias, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Mirrors `torch.nn.functional.group_norm(input, num_groups, weight=None, bias=None, eps=1e-05)`."""
    return _dispatch.apply(_gn, input, weight, bias, name="NativeGroupNormBackward0",
                           num_groups=int(num_groups), eps=float(eps))
