"""Mirrors `torch.nn`: Module, Parameter, layers, losses, `functional`, `init`, `utils`."""
from . import functional as functional
from . import init as init
from . import modules as modules
from . import parameter as parameter
from . import utils as utils
from ._parameter import Buffer as Buffer
from ._parameter import Parameter as Parameter
from .modules import AdaptiveAvgPool2d as AdaptiveAvgPool2d
from .modules import AvgPool2d as AvgPool2d
from .modules import BCELoss as BCELoss
from .modules import BCEWithLogitsLoss as BCEWithLogitsLoss
from .modules import BatchNorm1d as BatchNorm1d
from .modules import BatchNorm2d as BatchNorm2d
from .modules import Conv1d as Conv1d
from .modules import Conv2d as Conv2d
from .modules import ConvTranspose2d as ConvTranspose2d
from .modules import CrossEntropyLoss as CrossEntropyLoss
from .modules import Dropout as Dropout
from .modules import Dropout2d as Dropout2d
from .modules import ELU as ELU
from .modules import Embedding as Embedding
from .modules import Flatten as Flatten
from .modules import GELU as GELU
from .modules import GRU as GRU
from .modules import GRUCell as GRUCell
from .modules import GroupNorm as GroupNorm
from .modules import HuberLoss as HuberLoss
from .modules import Identity as Identity
from .modules import KLDivLoss as KLDivLoss
from .modules import L1Loss as L1Loss
from .modules import LSTM as LSTM
from .modules import LSTMCell as LSTMCell
from .modules import LayerNorm as LayerNorm
from .modules import LeakyReLU as LeakyReLU
from .modules import Linear as Linear
from .modules import LogSoftmax as LogSoftmax
from .modules import MSELoss as MSELoss
from .modules import MaxPool2d as MaxPool2d
from .modules import Module as Module
from .modules import ModuleDict as ModuleDict
from .modules import ModuleList as ModuleList
from .modules import NLLLoss as NLLLoss
from .modules import ParameterDict as ParameterDict
from .modules import ParameterList as ParameterList
from .modules import RNN as RNN
from .modules import RNNBase as RNNBase
from .modules import RNNCell as RNNCell
from .modules import RNNCellBase as RNNCellBase
from .modules import ReLU as ReLU
from .modules import Sequential as Sequential
from .modules import SiLU as SiLU
from .modules import Sigmoid as Sigmoid
from .modules import SmoothL1Loss as SmoothL1Loss
from .modules import Softmax as Softmax
from .modules import Softplus as Softplus
from .modules import Tanh as Tanh
from .modules import Unflatten as Unflatten

__all__ = ["Buffer", "Parameter", "functional", "init", "modules", "parameter", "utils",
           "AdaptiveAvgPool2d",
           "AvgPool2d",
           "BCELoss",
           "BCEWithLogitsLoss",
           "BatchNorm1d",
           "BatchNorm2d",
           "Conv1d",
           "Conv2d",
           "ConvTranspose2d",
           "CrossEntropyLoss",
           "Dropout",
           "Dropout2d",
           "ELU",
           "Embedding",
           "Flatten",
           "GELU",
           "GRU",
           "GRUCell",
           "GroupNorm",
           "HuberLoss",
           "Identity",
           "KLDivLoss",
           "L1Loss",
           "LSTM",
           "LSTMCell",
           "LayerNorm",
           "LeakyReLU",
           "Linear",
           "LogSoftmax",
           "MSELoss",
           "MaxPool2d",
           "Module",
           "ModuleDict",
           "ModuleList",
           "NLLLoss",
           "ParameterDict",
           "ParameterList",
           "RNN",
           "RNNBase",
           "RNNCell",
           "RNNCellBase",
           "ReLU",
           "Sequential",
           "SiLU",
           "Sigmoid",
           "SmoothL1Loss",
           "Softmax",
           "Softplus",
           "Tanh",
           "Unflatten",
]


def __getattr__(name):
    # a torch API compat lacks: an AttributeError naming it and what to do (compat._runtime)
    if name.startswith("__"):
        raise AttributeError(name)
    from compat._runtime import unsupported

    raise unsupported(__name__, name)
