"""Mirrors `torch.nn.modules`: Module, containers and layers."""
from ._activation import ELU as ELU
from ._activation import GELU as GELU
from ._activation import LeakyReLU as LeakyReLU
from ._activation import LogSoftmax as LogSoftmax
from ._activation import ReLU as ReLU
from ._activation import Sigmoid as Sigmoid
from ._activation import SiLU as SiLU
from ._activation import Softmax as Softmax
from ._activation import Softplus as Softplus
from ._activation import Tanh as Tanh
from ._container import ModuleDict as ModuleDict
from ._container import ModuleList as ModuleList
from ._container import ParameterDict as ParameterDict
from ._container import ParameterList as ParameterList
from ._container import Sequential as Sequential
from ._conv import Conv1d as Conv1d
from ._conv import Conv2d as Conv2d
from ._conv import ConvTranspose2d as ConvTranspose2d
from ._dropout import Dropout as Dropout
from ._dropout import Dropout2d as Dropout2d
from ._embedding import Embedding as Embedding
from ._flatten import Flatten as Flatten
from ._flatten import Unflatten as Unflatten
from ._linear import Identity as Identity
from ._linear import Linear as Linear
from ._loss import BCELoss as BCELoss
from ._loss import BCEWithLogitsLoss as BCEWithLogitsLoss
from ._loss import CrossEntropyLoss as CrossEntropyLoss
from ._loss import HuberLoss as HuberLoss
from ._loss import KLDivLoss as KLDivLoss
from ._loss import L1Loss as L1Loss
from ._loss import MSELoss as MSELoss
from ._loss import NLLLoss as NLLLoss
from ._loss import SmoothL1Loss as SmoothL1Loss
from ._module import Module as Module
from ._normalization import BatchNorm1d as BatchNorm1d
from ._normalization import BatchNorm2d as BatchNorm2d
from ._normalization import GroupNorm as GroupNorm
from ._normalization import LayerNorm as LayerNorm
from ._pooling import AdaptiveAvgPool2d as AdaptiveAvgPool2d
from ._pooling import AvgPool2d as AvgPool2d
from ._pooling import MaxPool2d as MaxPool2d
from ._rnn import GRU as GRU
from ._rnn import LSTM as LSTM
from ._rnn import RNN as RNN
from ._rnn import GRUCell as GRUCell
from ._rnn import LSTMCell as LSTMCell
from ._rnn import RNNBase as RNNBase
from ._rnn import RNNCell as RNNCell
from ._rnn import RNNCellBase as RNNCellBase

__all__ = [
    "AdaptiveAvgPool2d", "AvgPool2d", "BatchNorm1d", "BatchNorm2d", "Conv1d", "Conv2d",
    "ConvTranspose2d", "Dropout", "Dropout2d", "ELU", "Embedding", "Flatten", "GELU", "GroupNorm",
    "Identity", "LayerNorm", "LeakyReLU", "Linear", "LogSoftmax", "MaxPool2d", "Module",
    "ModuleDict", "ModuleList", "ParameterDict", "ParameterList", "ReLU", "Sequential", "SiLU",
    "Sigmoid", "Softmax", "Softplus", "Tanh", "Unflatten", "RNNBase", "RNN", "LSTM", "GRU",
    "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell", "BCELoss", "BCEWithLogitsLoss",
    "CrossEntropyLoss", "HuberLoss", "KLDivLoss", "L1Loss", "MSELoss", "NLLLoss", "SmoothL1Loss",
]
