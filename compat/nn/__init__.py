"""Mirrors `torch.nn`: Module, Parameter, layers, losses, `functional`, `init`, `utils`."""
from . import functional as functional
from . import init as init
from . import modules as modules
from . import parameter as parameter
from . import utils as utils
from ._parameter import Buffer as Buffer
from ._parameter import Parameter as Parameter
from .modules import *  # noqa: F401,F403  (the layer classes, listed in modules.__all__)
from .modules import __all__ as _modules_all

__all__ = ["Buffer", "Parameter", "functional", "init", "modules", "parameter", "utils", *_modules_all]
