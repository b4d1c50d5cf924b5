"""torch.nn.init's in-place initialisers over functorch_like.nn.init's pure schemes.

Each `name_(tensor, ...)` computes `functorch_like.nn.init.name(tensor.shape, ..., key=k)`
with a key drawn from compat's global generator (or `generator=`) and writes it into
`tensor` under no_grad, keeping the tensor object (so Parameters stay registered).
"""
import functorch_like.nn.init as _init

from ..._tensor import Tensor
from ..modules._utils import assign_
from ..._random import next_key

__all__ = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_",
           "zeros_", "eye_", "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
           "kaiming_normal_", "orthogonal_", "sparse_", "_calculate_fan_in_and_fan_out",
           "_calculate_correct_fan"]

calculate_gain = _init.calculate_gain


def _check(tensor, name):
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{name}(): argument 'tensor' must be Tensor, not {type(tensor).__name__}")


def _fill(tensor, arr):
    return assign_(tensor, arr)


def _calculate_fan_in_and_fan_out(tensor):
    """Mirrors torch's `(fan_in, fan_out)` of a weight tensor `(out, in, *kernel)`."""
    return _init.calculate_fan_in_and_fan_out(tuple(tensor.shape))


def _calculate_correct_fan(tensor, mode):
    """Mirrors torch's fan for `mode` ('fan_in' or 'fan_out')."""
    return _init.calculate_correct_fan(tuple(tensor.shape), mode)


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Mirrors `torch.nn.init.uniform_`: fills with U(a, b); returns `tensor`.

    Example:
        >>> w = compat.empty(3, 5)
        >>> compat.nn.init.uniform_(w, -0.1, 0.1) is w
        True
    """
    _check(tensor, "uniform_")
    return _fill(tensor, _init.uniform(tuple(tensor.shape), a, b, key=next_key(generator),
                                       dtype=tensor._data.dtype))


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Mirrors `torch.nn.init.normal_`: fills with N(mean, std**2); returns `tensor`."""
    _check(tensor, "normal_")
    return _fill(tensor, _init.normal(tuple(tensor.shape), mean, std, key=next_key(generator),
                                      dtype=tensor._data.dtype))


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Mirrors `torch.nn.init.trunc_normal_`: N(mean, std**2) truncated to [a, b]."""
    _check(tensor, "trunc_normal_")
    return _fill(tensor, _init.trunc_normal(tuple(tensor.shape), mean, std, a, b,
                                            key=next_key(generator), dtype=tensor._data.dtype))


def constant_(tensor, val):
    """Mirrors `torch.nn.init.constant_`: fills with `val`; returns `tensor`."""
    _check(tensor, "constant_")
    return _fill(tensor, _init.constant(tuple(tensor.shape), val, dtype=tensor._data.dtype))


def ones_(tensor):
    """Mirrors `torch.nn.init.ones_`."""
    _check(tensor, "ones_")
    return _fill(tensor, _init.ones(tuple(tensor.shape), dtype=tensor._data.dtype))


def zeros_(tensor):
    """Mirrors `torch.nn.init.zeros_`."""
    _check(tensor, "zeros_")
    return _fill(tensor, _init.zeros(tuple(tensor.shape), dtype=tensor._data.dtype))


def eye_(tensor):
    """Mirrors `torch.nn.init.eye_` (2-D tensors only, ValueError otherwise)."""
    _check(tensor, "eye_")
    return _fill(tensor, _init.eye(tuple(tensor.shape), dtype=tensor._data.dtype))


def dirac_(tensor, groups=1):
    """Mirrors `torch.nn.init.dirac_` (3-, 4- or 5-D conv weights)."""
    _check(tensor, "dirac_")
    return _fill(tensor, _init.dirac(tuple(tensor.shape), groups, dtype=tensor._data.dtype))


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Mirrors `torch.nn.init.xavier_uniform_`: U(+-gain*sqrt(6/(fan_in+fan_out)))."""
    _check(tensor, "xavier_uniform_")
    return _fill(tensor, _init.xavier_uniform(tuple(tensor.shape), gain, key=next_key(generator),
                                              dtype=tensor._data.dtype))


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Mirrors `torch.nn.init.xavier_normal_`: N(0, (gain*sqrt(2/(fan_in+fan_out)))**2)."""
    _check(tensor, "xavier_normal_")
    return _fill(tensor, _init.xavier_normal(tuple(tensor.shape), gain, key=next_key(generator),
                                             dtype=tensor._data.dtype))


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """Mirrors `torch.nn.init.kaiming_uniform_`: U(+-gain*sqrt(3/fan))."""
    _check(tensor, "kaiming_uniform_")
    if 0 in tuple(tensor.shape):
        _init.kaiming_uniform(tuple(tensor.shape), a, mode, nonlinearity, key=next_key(generator))
        return tensor  # torch warns and leaves an empty tensor alone
    return _fill(tensor, _init.kaiming_uniform(tuple(tensor.shape), a, mode, nonlinearity,
                                               key=next_key(generator), dtype=tensor._data.dtype))


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """Mirrors `torch.nn.init.kaiming_normal_`: N(0, (gain/sqrt(fan))**2)."""
    _check(tensor, "kaiming_normal_")
    if 0 in tuple(tensor.shape):
        _init.kaiming_normal(tuple(tensor.shape), a, mode, nonlinearity, key=next_key(generator))
        return tensor
    return _fill(tensor, _init.kaiming_normal(tuple(tensor.shape), a, mode, nonlinearity,
                                              key=next_key(generator), dtype=tensor._data.dtype))


def orthogonal_(tensor, gain=1, generator=None):
    """Mirrors `torch.nn.init.orthogonal_`: a (semi-)orthogonal matrix times `gain`."""
    _check(tensor, "orthogonal_")
    return _fill(tensor, _init.orthogonal(tuple(tensor.shape), gain, key=next_key(generator),
                                          dtype=tensor._data.dtype))


def sparse_(tensor, sparsity, std=0.01, generator=None):
    """Mirrors `torch.nn.init.sparse_`: N(0, std**2) with a `sparsity` fraction of each column zero."""
    _check(tensor, "sparse_")
    return _fill(tensor, _init.sparse(tuple(tensor.shape), sparsity, std, key=next_key(generator),
                                      dtype=tensor._data.dtype))
