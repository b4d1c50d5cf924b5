"""functorch_like: PyTorch's training semantics as pure functions on JAX."""
from . import data as data
from . import models as models
from . import nn as nn
from . import optim as optim
from . import train as train

from ._functional_call import functional_call as functional_call
from ._grad import grad as grad
from ._grad import grad_and_value as grad_and_value
from ._jac import hessian as hessian
from ._jac import jacfwd as jacfwd
from ._jac import jacrev as jacrev
from ._jit import jit as jit
from ._jvp import jvp as jvp
from ._jvp import linearize as linearize
from ._vjp import vjp as vjp
from ._vmap import vmap as vmap

__all__ = ["nn", "optim"]
# torch.func-style transforms and the data module
__all__ += [
    "data",
    "functional_call",
    "grad",
    "grad_and_value",
    "hessian",
    "jacfwd",
    "jacrev",
    "jit",
    "jvp",
    "linearize",
    "vjp",
    "vmap",
]
# pure (init, apply) models and jitted training steps
__all__ += ["models", "train"]
