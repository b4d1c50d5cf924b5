"""Mirrors `torch.autograd`: the tape, backward, grad and grad-mode switches."""
from . import function as function
from ._function import Function as Function
from ._functions import backward as backward
from ._functions import grad as grad
from ._grad_mode import enable_grad as enable_grad
from ._grad_mode import inference_mode as inference_mode
from ._grad_mode import is_grad_enabled as is_grad_enabled
from ._grad_mode import no_grad as no_grad
from ._grad_mode import set_grad_enabled as set_grad_enabled

__all__ = ["Function", "function", "backward", "grad", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
           "is_grad_enabled"]
