"""torch.nn.functional's ops as pure functions of jax arrays (NCHW / OIHW layouts)."""
# --- activations, linear, conv, pooling, dropout, shape ops ---
from ._activations import elu as elu
from ._activations import gelu as gelu
from ._activations import leaky_relu as leaky_relu
from ._activations import log_softmax as log_softmax
from ._activations import relu as relu
from ._activations import sigmoid as sigmoid
from ._activations import silu as silu
from ._activations import softmax as softmax
from ._activations import softplus as softplus
from ._activations import tanh as tanh
from ._conv import conv1d as conv1d
from ._conv import conv2d as conv2d
from ._conv import conv_transpose2d as conv_transpose2d
from ._dropout import dropout as dropout
from ._linear import linear as linear
from ._pooling import adaptive_avg_pool2d as adaptive_avg_pool2d
from ._pooling import avg_pool2d as avg_pool2d
from ._pooling import max_pool2d as max_pool2d
from ._shape import flatten as flatten
from ._shape import pad as pad

__all__ = ["relu", "leaky_relu", "elu", "gelu", "silu", "sigmoid", "tanh", "softplus",
           "softmax", "log_softmax", "linear", "conv1d", "conv2d", "conv_transpose2d",
           "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "dropout", "flatten", "pad"]
# --- normalization, embedding, recurrent, losses ---
from ._embedding import embedding as embedding
from ._embedding import embedding_renorm as embedding_renorm
from ._losses import binary_cross_entropy as binary_cross_entropy
from ._losses import binary_cross_entropy_with_logits as binary_cross_entropy_with_logits
from ._losses import cross_entropy as cross_entropy
from ._losses import huber_loss as huber_loss
from ._losses import kl_div as kl_div
from ._losses import l1_loss as l1_loss
from ._losses import mse_loss as mse_loss
from ._losses import nll_loss as nll_loss
from ._losses import smooth_l1_loss as smooth_l1_loss
from ._normalization import batch_norm as batch_norm
from ._normalization import group_norm as group_norm
from ._normalization import layer_norm as layer_norm
from ._recurrent import gru as gru
from ._recurrent import gru_cell as gru_cell
from ._recurrent import lstm as lstm
from ._recurrent import lstm_cell as lstm_cell
from ._recurrent import rnn as rnn
from ._recurrent import rnn_relu_cell as rnn_relu_cell
from ._recurrent import rnn_tanh_cell as rnn_tanh_cell

__all__ += ["batch_norm", "group_norm", "layer_norm", "embedding", "embedding_renorm"]
__all__ += ["lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell", "lstm", "gru", "rnn"]
__all__ += ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "nll_loss", "cross_entropy",
            "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div"]
