"""Mirrors `torch.optim`: optimizers over the core's optax transformations."""
from . import lr_scheduler as lr_scheduler
from ._algorithms import SGD as SGD
from ._algorithms import Adadelta as Adadelta
from ._algorithms import Adagrad as Adagrad
from ._algorithms import Adam as Adam
from ._algorithms import AdamW as AdamW
from ._algorithms import RMSprop as RMSprop
from ._optimizer import Optimizer as Optimizer

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "Adadelta", "Adagrad", "RMSprop", "lr_scheduler"]
