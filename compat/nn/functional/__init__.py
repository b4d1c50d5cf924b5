"""Mirrors `torch.nn.functional`: each function is a thin shell over functorch_like's pure op."""
from ._activation import elu as elu
from ._activation import gelu as gelu
from ._activation import leaky_relu as leaky_relu
from ._activation import log_softmax as log_softmax
from ._activation import relu as relu
from ._activation import relu_ as relu_
from ._activation import sigmoid as sigmoid
from ._activation import silu as silu
from ._activation import softmax as softmax
from ._activation import softplus as softplus
from ._activation import tanh as tanh
from ._conv import conv1d as conv1d
from ._conv import conv2d as conv2d
from ._conv import conv_transpose2d as conv_transpose2d
from ._dropout import dropout as dropout
from ._dropout import dropout2d as dropout2d
from ._embedding import embedding as embedding
from ._linear import linear as linear
from ._loss import binary_cross_entropy as binary_cross_entropy
from ._loss import binary_cross_entropy_with_logits as binary_cross_entropy_with_logits
from ._loss import cross_entropy as cross_entropy
from ._loss import huber_loss as huber_loss
from ._loss import kl_div as kl_div
from ._loss import l1_loss as l1_loss
from ._loss import mse_loss as mse_loss
from ._loss import nll_loss as nll_loss
from ._loss import smooth_l1_loss as smooth_l1_loss
from ._normalization import batch_norm as batch_norm
from ._normalization import group_norm as group_norm
from ._normalization import layer_norm as layer_norm
from ._pooling import adaptive_avg_pool2d as adaptive_avg_pool2d
from ._pooling import avg_pool2d as avg_pool2d
from ._pooling import max_pool2d as max_pool2d
from ._shape import pad as pad

__all__ = [
    "adaptive_avg_pool2d", "avg_pool2d", "batch_norm", "conv1d", "conv2d", "conv_transpose2d",
    "dropout", "dropout2d", "elu", "embedding", "gelu", "group_norm", "layer_norm", "leaky_relu", "linear",
    "log_softmax", "max_pool2d", "pad", "relu", "relu_", "sigmoid", "silu", "softmax",
    "softplus", "tanh", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "cross_entropy", "huber_loss", "kl_div", "l1_loss", "mse_loss", "nll_loss", "smooth_l1_loss",
]


def __getattr__(name):
    # a torch API compat lacks: an AttributeError naming it and what to do (compat._runtime)
    if name.startswith("__"):
        raise AttributeError(name)
    from compat._runtime import unsupported

    raise unsupported(__name__, name)
