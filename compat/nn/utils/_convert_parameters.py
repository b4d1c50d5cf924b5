"""parameters_to_vector / vector_to_parameters, as torch.nn.utils."""
import jax.numpy as jnp

from ... import _dispatch
from ..._tensor import Tensor
from ..modules._utils import assign_

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _cat_flat(*arrays):
    return jnp.concatenate([jnp.ravel(a) for a in arrays])


def parameters_to_vector(parameters):
    """Mirrors `torch.nn.utils.parameters_to_vector`: one 1-D tensor of all parameters (differentiable).

    Example:
        >>> compat.nn.utils.parameters_to_vector(compat.nn.Linear(3, 2).parameters()).shape
        torch.Size([8])
    """
    params = list(parameters)
    if not params:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    return _dispatch.apply(_cat_flat, *params, name="CatBackward0", saves=False)


def vector_to_parameters(vec, parameters):
    """Mirrors `torch.nn.utils.vector_to_parameters`: copies slices of `vec` into the parameters.

    Raises:
        TypeError: `vec` is not a Tensor.
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    pointer = 0
    for param in parameters:
        n = param.numel()
        assign_(param, vec._data[pointer:pointer + n].reshape(param._data.shape))
        pointer += n
