"""torch.nn.init's schemes, and torch's default layer parameters, as pure functions.

Every random function takes the shape first and a keyword-only ``key``; ``dtype`` is
keyword-only and defaults to float32. See ``_init`` (schemes) and ``_defaults`` (layer
parameters with torch's ``state_dict`` names).
"""
from ._defaults import batch_norm_params as batch_norm_params
from ._defaults import conv_params as conv_params
from ._defaults import embedding_params as embedding_params
from ._defaults import group_norm_params as group_norm_params
from ._defaults import gru_cell_params as gru_cell_params
from ._defaults import gru_params as gru_params
from ._defaults import layer_norm_params as layer_norm_params
from ._defaults import linear_params as linear_params
from ._defaults import lstm_cell_params as lstm_cell_params
from ._defaults import lstm_params as lstm_params
from ._defaults import check_rnn_config as check_rnn_config
from ._defaults import rnn_cell_params as rnn_cell_params
from ._defaults import rnn_params as rnn_params
from ._init import _calculate_fan_in_and_fan_out as _calculate_fan_in_and_fan_out
from ._init import calculate_correct_fan as calculate_correct_fan
from ._init import calculate_fan_in_and_fan_out as calculate_fan_in_and_fan_out
from ._init import calculate_gain as calculate_gain
from ._init import constant as constant
from ._init import dirac as dirac
from ._init import eye as eye
from ._init import kaiming_normal as kaiming_normal
from ._init import kaiming_uniform as kaiming_uniform
from ._init import kaiming_uniform_bound as kaiming_uniform_bound
from ._init import normal as normal
from ._init import ones as ones
from ._init import orthogonal as orthogonal
from ._init import sparse as sparse
from ._init import trunc_normal as trunc_normal
from ._init import uniform as uniform
from ._init import xavier_normal as xavier_normal
from ._init import xavier_uniform as xavier_uniform
from ._init import zeros as zeros

__all__ = [
    "_calculate_fan_in_and_fan_out",
    "batch_norm_params",
    "calculate_correct_fan",
    "calculate_fan_in_and_fan_out",
    "calculate_gain",
    "constant",
    "conv_params",
    "dirac",
    "embedding_params",
    "eye",
    "group_norm_params",
    "gru_cell_params",
    "gru_params",
    "kaiming_normal",
    "kaiming_uniform",
    "kaiming_uniform_bound",
    "layer_norm_params",
    "linear_params",
    "lstm_cell_params",
    "lstm_params",
    "normal",
    "ones",
    "orthogonal",
    "check_rnn_config",
    "rnn_cell_params",
    "rnn_params",
    "sparse",
    "trunc_normal",
    "uniform",
    "xavier_normal",
    "xavier_uniform",
    "zeros",
]
