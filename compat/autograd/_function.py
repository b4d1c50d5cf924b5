"""`autograd.Function`: user-defined forward/backward pairs on the tape.

The user's `backward` runs eagerly on Tensors (it is arbitrary Python), so a custom
Function's node is a `PythonNode` rather than a jitted VJP kernel; with create_graph=True
the ops inside the user's backward are themselves recorded.
"""
import functools

from . import _graph
from ._grad_mode import is_grad_enabled, no_grad

__all__ = ["Function", "FunctionCtx", "once_differentiable"]


class FunctionCtx:
    """The `ctx` passed to forward/backward: mirrors torch's FunctionCtx."""

    def __init__(self):
        self._saved = ()
        self._saved_versions = ()
        self.needs_input_grad = ()
        self._non_differentiable = set()
        self._dirty = set()
        self.materialize_grads = True
        self._freed = False

    def save_for_backward(self, *tensors):
        self._saved = tensors
        self._saved_versions = tuple(None if t is None else t._version for t in tensors)

    @property
    def saved_tensors(self):
        if self._freed:
            raise RuntimeError(_graph._FREED_MSG)
        for t, v in zip(self._saved, self._saved_versions):
            if t is not None and t._version != v:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified by an "
                    f"inplace operation: [{t.type()} {list(t.shape)}] is at version {t._version}; "
                    f"expected version {v} instead."
                )
        return self._saved

    def save_for_forward(self, *tensors):
        self.saved_for_forward = tensors

    def mark_non_differentiable(self, *tensors):
        self._non_differentiable.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors):
        self._dirty.update(id(t) for t in tensors)

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)


class PythonNode(_graph.Node):
    """A Node whose backward is the user's Python `backward(ctx, *grads)`."""

    __slots__ = ("fn_cls", "ctx", "n_inputs", "input_positions")

    def run(self, cts, create_graph):
        from .._tensor import Tensor

        ctx = self.ctx
        grads = []
        for c, (shape, dt) in zip(cts, self.out_avals):
            if c is None:
                grads.append(None)
            else:
                grads.append(c if isinstance(c, Tensor) else Tensor._wrap(c))
        if not create_graph:
            with no_grad():
                res = self.fn_cls.backward(ctx, *grads)
        else:
            res = self.fn_cls.backward(ctx, *grads)
        if not isinstance(res, tuple):
            res = (res,)
        if len(res) != self.n_inputs:
            if len(res) > self.n_inputs and all(r is None for r in res[self.n_inputs:]):
                res = res[: self.n_inputs]
            else:
                raise RuntimeError(
                    f"function {self._name} returned an incorrect number of gradients "
                    f"(expected {self.n_inputs}, got {len(res)})"
                )
        out = []
        for pos, (fn, nr, t) in zip(self.input_positions, self.edges):
            g = res[pos]
            if g is not None:
                if not isinstance(g, Tensor):
                    raise TypeError(f"function {self._name} returned a gradient of type "
                                    f"{type(g).__name__} at position {pos}; expected a Tensor or None")
                if g.shape != t.shape:
                    raise RuntimeError(
                        f"Function {self._name} returned an invalid gradient at index {pos} - got "
                        f"{list(g.shape)} but expected shape compatible with {list(t.shape)}"
                    )
                g = g if create_graph else g._data
            out.append(g)
        return out

    def check_saved(self):
        # torch raises only when a freed ctx.saved_tensors is read (see FunctionCtx).
        if self.saved is None:
            self.ctx._freed = True


class _FunctionMeta(type):
    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        cls._backward_name = f"{name}Backward"


class Function(metaclass=_FunctionMeta):
    """Mirrors `torch.autograd.Function`: subclass with static `forward` and `backward`.

    Both torch styles work: `forward(ctx, *args)`, or `forward(*args)` plus
    `setup_context(ctx, inputs, output)`.

    Example:
        >>> class Exp(compat.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         y = x.exp()
        ...         ctx.save_for_backward(y)
        ...         return y
        ...     @staticmethod
        ...     def backward(ctx, g):
        ...         (y,) = ctx.saved_tensors
        ...         return g * y
        >>> Exp.apply(compat.tensor([0.0], requires_grad=True))
        tensor([1.], grad_fn=<ExpBackward>)

    Differences from PyTorch: `vmap`/`jvp` staticmethods are not used.
    """

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    setup_context = None

    @classmethod
    def apply(cls, *args, **kwargs):
        from .._tensor import Tensor

        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with no_grad():
            if cls.setup_context is not None and cls.setup_context is not Function.setup_context:
                out = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args, **kwargs)
        multi = isinstance(out, tuple)
        outs = out if multi else (out,)
        record = is_grad_enabled() and any(ctx.needs_input_grad)
        if not record:
            return out
        positions = [i for i, need in enumerate(ctx.needs_input_grad) if need]
        edges = tuple((args[i].grad_fn, args[i]._output_nr, args[i]) for i in positions)
        node = PythonNode(cls._backward_name, None, (), None, (), edges, None,
                          tuple((o.shape, o._data.dtype) if isinstance(o, Tensor) else ((), None) for o in outs),
                          None, True)
        node.fn_cls, node.ctx, node.n_inputs, node.input_positions = cls, ctx, len(args), positions
        arg_ids = {id(a) for a in args}
        results = []
        for i, o in enumerate(outs):
            if not isinstance(o, Tensor):
                results.append(o)
                continue
            if id(o) in arg_ids and id(o) not in ctx._dirty:
                o = o.view_as(o) if hasattr(o, "view_as") else Tensor._wrap(o._data)
            if id(o) not in ctx._non_differentiable and (o.dtype.is_floating_point or o.dtype.is_complex):
                o._requires_grad = True
                o.grad_fn = node
                o._output_nr = i
            results.append(o)
        return tuple(results) if multi else results[0]


def once_differentiable(fn):
    """Mirrors `torch.autograd.function.once_differentiable`: backward runs under no_grad."""

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with no_grad():
            return fn(ctx, *args)

    return wrapper
