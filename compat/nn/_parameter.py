"""`compat.nn.Parameter` and `compat.nn.Buffer`: tensors that Modules register on assignment."""
import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtypes
from .._tensor import Tensor, _flatten, _unflatten

__all__ = ["Parameter", "Buffer", "is_lazy"]


def _array_of(data):
    if data is None:
        return jnp.zeros((0,), _dtypes.get_default_dtype().np)  # torch: torch.empty(0)
    if isinstance(data, Tensor):
        return data._data
    raise TypeError(
        f"Parameter(): expected data to be a Tensor or None, got {type(data).__name__}; "
        "wrap numbers or arrays with compat.tensor(...) first"
    )


class Parameter(Tensor):
    """Mirrors `torch.nn.Parameter(data=None, requires_grad=True)`.

    A leaf Tensor that a Module registers as a parameter when assigned as an attribute.
    It keeps `requires_grad=True` even when created under `no_grad`, as torch's does.

    Example:
        >>> w = compat.nn.Parameter(compat.zeros(2))
        >>> w
        Parameter containing:
        tensor([0., 0.], requires_grad=True)

    Differences from PyTorch: jax arrays are immutable, so a Parameter made from a tensor
    shares its current value, not its storage: later in-place changes to the source tensor
    do not reach the Parameter (torch's share memory). Ops on a Parameter return plain
    Tensors, as in torch.
    """

    def __new__(cls, data=None, requires_grad=True):
        arr = _array_of(data)
        t = object.__new__(cls)
        Tensor._init(t, arr)
        if requires_grad:
            if not (t.dtype.is_floating_point or t.dtype.is_complex):
                raise RuntimeError(
                    "Only Tensors of floating point and complex dtype can require gradients")
            t.requires_grad = True
        return t

    def __init__(self, data=None, requires_grad=True):
        pass  # everything happens in __new__, as torch's Parameter

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (np.asarray(self._data), self._requires_grad))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(Tensor._wrap(self._data), self.requires_grad)
        if self._grad is not None:
            result._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = result
        return result


def _rebuild_parameter(arr, requires_grad):
    return Parameter(Tensor._wrap(jnp.asarray(arr)), requires_grad)


jax.tree_util.register_pytree_node(Parameter, _flatten, _unflatten)


class _BufferMeta(type):
    # torch.nn.Buffer(t) returns a plain Tensor marked `_is_buffer`; isinstance sees the mark.
    def __instancecheck__(cls, instance):
        return isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False)


class Buffer(metaclass=_BufferMeta):
    """Mirrors `torch.nn.Buffer(data=None, *, persistent=True)`.

    Assigning a Buffer to a Module attribute registers it as a buffer (persistent or not).
    Like torch's, the result is a plain Tensor (detached) carrying the mark.

    Example:
        >>> m.stats = compat.nn.Buffer(compat.zeros(3), persistent=False)

    Differences from PyTorch: none.
    """

    def __new__(cls, data=None, *, persistent=True):
        arr = _array_of(data)
        t = Tensor._wrap(arr)
        if isinstance(data, Tensor) and data.requires_grad:
            t.requires_grad = True
        t.persistent = persistent
        t._is_buffer = True
        return t


def is_lazy(param):
    """Mirrors `torch.nn.parameter.is_lazy` (compat has no lazy modules: always False)."""
    return False
