"""`backward` and `autograd.grad`: the entry points into the backward engine."""
import jax.numpy as jnp

from . import _graph
from ._grad_mode import enable_grad, no_grad

__all__ = ["backward", "grad"]


def _seed(out, g, create_graph):
    from .._tensor import Tensor

    if g is None:
        if out.numel() != 1:
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        if not out.dtype.is_floating_point and not out.dtype.is_complex:
            raise RuntimeError(
                f"grad can be implicitly created only for real scalar outputs but got {out.dtype}"
            )
        arr = jnp.ones(out._data.shape, out._data.dtype)
        return Tensor._wrap(arr) if create_graph else arr
    if not isinstance(g, Tensor):
        g = Tensor._wrap(jnp.asarray(g, out._data.dtype))
    if g.shape != out.shape:
        raise RuntimeError(
            f"Mismatch in shape: grad_output[0] has a shape of {g.shape} and output[0] has a shape of {out.shape}."
        )
    return g if create_graph else g._data.astype(out._data.dtype)


def _as_tuple(x):
    from .._tensor import Tensor

    if x is None:
        return ()
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _run(outputs, grad_outputs, retain_graph, create_graph, capture=None, accumulate=True):
    from .. import _dispatch

    if retain_graph is None:
        retain_graph = create_graph
    for o in outputs:
        if not o.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    seeds = [_seed(o, g, create_graph) for o, g in zip(outputs, grad_outputs)]
    if create_graph:
        add = lambda a, b: a + b  # noqa: E731 -- Tensors: recorded, so the sum is differentiable
        zeros = lambda shape, dt: _dispatch.Tensor_zeros(shape, dt)  # noqa: E731
    else:
        add, zeros = _dispatch.add_cotangents, _dispatch.zeros
    ctx = enable_grad() if create_graph else no_grad()
    with ctx:
        _graph.run_backward(
            outputs, seeds, retain_graph=retain_graph, create_graph=create_graph, capture=capture,
            accumulate=accumulate, call_node=lambda n, c: _dispatch.call_node(n, c, create_graph),
            add=add, zeros=zeros,
        )


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Mirrors `torch.autograd.backward`: accumulates gradients into leaves' `.grad`."""
    outputs = _as_tuple(tensors)
    grads = _as_tuple(grad_tensors) if grad_tensors is not None else (None,) * len(outputs)
    if inputs is not None:
        inputs = _as_tuple(inputs)
        res = grad(outputs, inputs, grads, retain_graph=retain_graph, create_graph=create_graph,
                   allow_unused=True)
        for t, g in zip(inputs, res):
            if g is not None:
                t.grad = g if t.grad is None else t.grad + g
        return
    _run(outputs, grads, retain_graph, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Mirrors `torch.autograd.grad`: returns d(outputs)/d(inputs) without touching `.grad`.

    Example:
        >>> x = compat.tensor(2.0, requires_grad=True)
        >>> compat.autograd.grad(x ** 3, x)
        (tensor(12.),)
    """
    from .._tensor import Tensor

    if is_grads_batched:
        raise RuntimeError(
            "autograd.grad(is_grads_batched=True) is not supported by compat; use "
            "compat.func.vmap over compat.func.vjp instead."
        )
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    grads = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outputs)
    if len(grads) != len(outputs):
        raise RuntimeError(
            f"grad requires one grad_output per output: got {len(grads)} grad_outputs and {len(outputs)} outputs"
        )
    keys = [("leaf", id(t)) if t.grad_fn is None else ("node", id(t.grad_fn), t._output_nr) for t in inputs]
    capture = dict.fromkeys(keys)
    _run(outputs, grads, retain_graph, create_graph, capture=capture, accumulate=False)
    result = []
    for t, k in zip(inputs, keys):
        g = capture[k]
        if g is None:
            if materialize_grads:
                g = jnp.zeros(t._data.shape, t._data.dtype)
            elif not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior."
                )
        if g is not None and not isinstance(g, Tensor):
            g = Tensor._wrap(g)
        result.append(g)
    return tuple(result)
