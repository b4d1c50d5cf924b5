"""Activations: thin shells over functorch_like.nn.functional's pure ops."""
import functorch_like.nn.functional as _F

from ... import _dispatch, _dtypes
from ._common import check_tensor, inplace_result

__all__ = ["relu", "relu_", "leaky_relu", "elu", "gelu", "silu", "sigmoid", "tanh", "softplus",
           "softmax", "log_softmax"]


def relu(input, inplace=False):
    """Mirrors `torch.nn.functional.relu(input, inplace=False)`."""
    check_tensor("relu", "input", input)
    return inplace_result(input, _dispatch.apply(_F.relu, input, name="ReluBackward0"), inplace)


def relu_(input):
    """Mirrors `torch.nn.functional.relu_(input)`."""
    return relu(input, inplace=True)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """Mirrors `torch.nn.functional.leaky_relu(input, negative_slope=0.01, inplace=False)`."""
    out = _dispatch.apply(_F.leaky_relu, input, name="LeakyReluBackward0",
                          negative_slope=float(negative_slope))
    return inplace_result(input, out, inplace)


def elu(input, alpha=1.0, inplace=False):
    """Mirrors `torch.nn.functional.elu(input, alpha=1.0, inplace=False)`."""
    out = _dispatch.apply(_F.elu, input, name="EluBackward0", alpha=float(alpha))
    return inplace_result(input, out, inplace)


def gelu(input, approximate="none"):
    """Mirrors `torch.nn.functional.gelu(input, approximate='none')` ('none' or 'tanh')."""
    return _dispatch.apply(_F.gelu, input, name="GeluBackward0", approximate=approximate)


def silu(input, inplace=False):
    """Mirrors `torch.nn.functional.silu(input, inplace=False)`."""
    return inplace_result(input, _dispatch.apply(_F.silu, input, name="SiluBackward0"), inplace)


def sigmoid(input):
    """Mirrors `torch.nn.functional.sigmoid(input)`."""
    return _dispatch.apply(_F.sigmoid, input, name="SigmoidBackward0")


def tanh(input):
    """Mirrors `torch.nn.functional.tanh(input)`."""
    return _dispatch.apply(_F.tanh, input, name="TanhBackward0")


def softplus(input, beta=1.0, threshold=20.0):
    """Mirrors `torch.nn.functional.softplus(input, beta=1.0, threshold=20.0)`."""
    return _dispatch.apply(_F.softplus, input, name="SoftplusBackward0", beta=float(beta),
                           threshold=float(threshold))


def _dtype_name(dtype):
    return None if dtype is None else _dtypes.to_dtype(dtype).np.name


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """Mirrors `torch.nn.functional.softmax(input, dim=None, dtype=None)`.

    Differences from PyTorch: `dim` is required (torch's implicit choice is deprecated).
    """
    return _dispatch.apply(_F.softmax, input, name="SoftmaxBackward0", dim=dim,
                           dtype=_dtype_name(dtype))


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """Mirrors `torch.nn.functional.log_softmax(input, dim=None, dtype=None)`.

    Differences from PyTorch: `dim` is required (torch's implicit choice is deprecated).
    """
    return _dispatch.apply(_F.log_softmax, input, name="LogSoftmaxBackward0", dim=dim,
                           dtype=_dtype_name(dtype))
