"""Mirrors `torch.nn.parameter` (for `from torch.nn.parameter import Parameter`)."""
from ._parameter import Buffer as Buffer
from ._parameter import Parameter as Parameter
from ._parameter import is_lazy as is_lazy

__all__ = ["Buffer", "Parameter", "is_lazy"]
