"""functorch_like: PyTorch's training semantics as pure functions on JAX."""
from . import nn as nn
from . import optim as optim

__all__ = ["nn", "optim"]
