"""Normalization layers: BatchNorm1d/2d, LayerNorm, GroupNorm."""
import numbers

import jax.numpy as jnp

import functorch_like.nn.init as _init

from ..._tensor import Tensor
from .. import functional as F
from ._module import Module
from ._utils import assign_, factory_dtype, new_buffer, new_parameter

__all__ = ["BatchNorm1d", "BatchNorm2d", "LayerNorm", "GroupNorm"]


class _NormBase(Module):
    """torch's `_NormBase`: parameters, running-stat buffers, reset and extra_repr."""

    _version = 2
    __constants__ = ["track_running_stats", "momentum", "eps", "num_features", "affine"]

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 device=None, dtype=None, *, bias=True):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if self.affine:
            self.weight = new_parameter((num_features,), device, dtype)
            if bias:
                self.bias = new_parameter((num_features,), device, dtype)
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if self.track_running_stats:
            _, bufs = _init.batch_norm_params(num_features, affine=False, dtype=factory_dtype(dtype))
            self.register_buffer("running_mean", new_buffer(bufs["running_mean"], device))
            self.register_buffer("running_var", new_buffer(bufs["running_var"], device))
            self.register_buffer("num_batches_tracked", new_buffer(bufs["num_batches_tracked"], device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self):
        """Running mean to 0, running var to 1, num_batches_tracked to 0 (in place)."""
        if self.track_running_stats:
            assign_(self.running_mean, jnp.zeros_like(self.running_mean._data))
            assign_(self.running_var, jnp.ones_like(self.running_var._data))
            assign_(self.num_batches_tracked, jnp.zeros_like(self.num_batches_tracked._data))

    def reset_parameters(self):
        """Resets the running stats, weight to ones and bias to zeros (torch's init)."""
        self.reset_running_stats()
        if self.affine:
            p, _ = _init.batch_norm_params(self.num_features, affine=True,
                                           track_running_stats=False,
                                           dtype=self.weight._data.dtype)
            assign_(self.weight, p["weight"])
            if self.bias is not None:
                assign_(self.bias, p["bias"])

    def _check_input_dim(self, input):
        raise NotImplementedError(f"{type(self).__name__} must define _check_input_dim")

    def extra_repr(self):
        return ("{num_features}, eps={eps}, momentum={momentum}, affine={affine}, bias={use_bias}, "
                "track_running_stats={track_running_stats}".format(
                    **self.__dict__, use_bias=self.bias is not None))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        version = local_metadata.get("version", None)
        if (version is None or version < 2) and self.track_running_stats:
            # checkpoints from before num_batches_tracked existed (torch's version-1 rule)
            key = prefix + "num_batches_tracked"
            if key not in state_dict:
                state_dict[key] = (self.num_batches_tracked if self.num_batches_tracked is not None
                                   else Tensor._wrap(jnp.zeros((), jnp.int64)))
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)


class _BatchNorm(_NormBase):
    def forward(self, input):
        self._check_input_dim(input)
        exponential_average_factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            nbt = self.num_batches_tracked
            nbt._data = nbt._data + 1  # torch: num_batches_tracked.add_(1)
            nbt._version += 1
            if self.momentum is None:
                # cumulative moving average: factor 1/n as a traced scalar (no host sync)
                exponential_average_factor = Tensor._wrap(1.0 / nbt._data)
        bn_training = True if self.training else (self.running_mean is None and self.running_var is None)
        use_stats = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if use_stats else None,
                            self.running_var if use_stats else None, self.weight, self.bias,
                            bn_training, exponential_average_factor, self.eps)


class BatchNorm1d(_BatchNorm):
    """Mirrors `torch.nn.BatchNorm1d(num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None, *, bias=True)`.

    Training normalises with the batch's biased variance and updates `running_mean` /
    `running_var` (unbiased) in place with `momentum` (None: cumulative average over
    `num_batches_tracked`); eval uses the running statistics.

    Shape:
        Input `(N, C)` or `(N, C, L)`; output the same.

    Example:
        >>> bn = compat.nn.BatchNorm1d(3)
        >>> list(bn.state_dict())
        ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']

    Differences from PyTorch: none.
    """

    def _check_input_dim(self, input):
        if input.dim() != 2 and input.dim() != 3:
            raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")


class BatchNorm2d(_BatchNorm):
    """Mirrors `torch.nn.BatchNorm2d(num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None, *, bias=True)`.

    Shape:
        Input `(N, C, H, W)`; output the same.

    Example:
        >>> compat.nn.BatchNorm2d(8)(compat.ones(2, 8, 4, 4)).shape
        torch.Size([2, 8, 4, 4])

    Differences from PyTorch: none.
    """

    def _check_input_dim(self, input):
        if input.dim() != 4:
            raise ValueError(f"expected 4D input (got {input.dim()}D input)")


class LayerNorm(Module):
    """Mirrors `torch.nn.LayerNorm(normalized_shape, eps=1e-05, elementwise_affine=True, bias=True, device=None, dtype=None)`.

    Example:
        >>> compat.nn.LayerNorm(4)
        LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)

    Differences from PyTorch: none.
    """

    __constants__ = ["normalized_shape", "eps", "elementwise_affine"]

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None,
                 dtype=None):
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if self.elementwise_affine:
            self.weight = new_parameter(self.normalized_shape, device, dtype)
            if bias:
                self.bias = new_parameter(self.normalized_shape, device, dtype)
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Weight to ones, bias to zeros."""
        if self.elementwise_affine:
            p = _init.layer_norm_params(self.normalized_shape, bias=self.bias is not None,
                                        dtype=self.weight._data.dtype)
            assign_(self.weight, p["weight"])
            if self.bias is not None:
                assign_(self.bias, p["bias"])

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return ("{normalized_shape}, eps={eps}, elementwise_affine={elementwise_affine}, "
                "bias={use_bias}".format(**self.__dict__, use_bias=self.bias is not None))


class GroupNorm(Module):
    """Mirrors `torch.nn.GroupNorm(num_groups, num_channels, eps=1e-05, affine=True, device=None, dtype=None, *, bias=True)`.

    Raises:
        ValueError: `num_channels` not divisible by `num_groups`.

    Example:
        >>> compat.nn.GroupNorm(2, 4)
        GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)

    Differences from PyTorch: none.
    """

    __constants__ = ["num_groups", "num_channels", "eps", "affine"]

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None, *,
                 bias=True):
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(
                f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        if self.affine:
            self.weight = new_parameter((num_channels,), device, dtype)
            if bias:
                self.bias = new_parameter((num_channels,), device, dtype)
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Weight to ones, bias to zeros."""
        if self.affine:
            p = _init.group_norm_params(self.num_groups, self.num_channels,
                                        dtype=self.weight._data.dtype)
            assign_(self.weight, p["weight"])
            if self.bias is not None:
                assign_(self.bias, p["bias"])

    def forward(self, input):
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return ("{num_groups}, {num_channels}, eps={eps}, affine={affine}, "
                "bias={use_bias}".format(**self.__dict__, use_bias=self.bias is not None))
