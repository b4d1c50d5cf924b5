"""Mirrors `torch.nn.utils`: gradient clipping and parameter/vector conversion."""
from ._clip_grad import clip_grad_norm_ as clip_grad_norm_
from ._clip_grad import clip_grad_value_ as clip_grad_value_
from ._clip_grad import clip_grads_with_norm_ as clip_grads_with_norm_
from ._clip_grad import get_total_norm as get_total_norm
from ._convert_parameters import parameters_to_vector as parameters_to_vector
from ._convert_parameters import vector_to_parameters as vector_to_parameters

__all__ = ["clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm",
           "parameters_to_vector", "vector_to_parameters"]


def __getattr__(name):
    # a torch API compat lacks: an AttributeError naming it and what to do (compat._runtime)
    if name.startswith("__"):
        raise AttributeError(name)
    from compat._runtime import unsupported

    raise unsupported(__name__, name)
