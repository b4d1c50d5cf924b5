"""`compat.compile(module)`: a Module whose forward runs as one jitted XLA program.

The forward becomes one pure function of (parameters, buffers, RNG key, inputs) returning
(outputs, new buffers, new key), run through the dispatcher as a single op. Under grad mode
that op is recorded on the tape like any other, with the jitted VJP of the whole forward as
its backward, so `loss.backward()` after a compiled model works as in eager mode; under
no_grad it is just one jitted call (the fast eval path).
"""
import jax

from . import _dispatch
from ._tensor import Tensor
from .autograd._grad_mode import no_grad

__all__ = ["compile_module", "is_module", "OptimizedModule"]


def is_module(o):
    d = getattr(o, "__dict__", None)
    return d is not None and "_parameters" in d and "_modules" in d


class _ForwardProgram:
    """The pure forward of one module configuration (train/eval, tensor layout)."""

    def __init__(self, module, params, buffers, gen_slot):
        self.module, self.params, self.buffers, self.gen_slot = module, params, buffers, gen_slot
        self.out_tree = None
        self.__name__ = f"compiled_{type(module).__name__}_forward"

    def __call__(self, *flat):
        n_p, n_b = len(self.params), len(self.buffers)
        p_arr, b_arr, key, in_arr = flat[:n_p], flat[n_p:n_p + n_b], flat[n_p + n_b], flat[n_p + n_b + 1:]
        boxes = self.params + self.buffers
        saved = [(b._data, b.grad_fn, b._requires_grad) for b in boxes]
        saved_key = self.gen_slot.get()
        try:
            for b, a in zip(boxes, p_arr + b_arr):
                b._data, b.grad_fn = a, None
            self.gen_slot.set(key)
            inputs = jax.tree_util.tree_unflatten(self.in_tree, [Tensor._wrap(a) for a in in_arr])
            with no_grad():  # jax differentiates the whole forward; no inner tape
                out = self.module.forward(*inputs[0], **inputs[1])
            leaves, self.out_tree = jax.tree_util.tree_flatten(out, is_leaf=lambda x: isinstance(x, Tensor))
            new_bufs = [b._data for b in self.buffers]
            new_key = self.gen_slot.get()
        finally:
            for b, (a, fn, rg) in zip(boxes, saved):
                b._data, b.grad_fn, b._requires_grad = a, fn, rg
            self.gen_slot.set(saved_key)
        return tuple(l._data for l in leaves) + tuple(new_bufs) + (new_key,)


class OptimizedModule:
    """Mirrors torch's `OptimizedModule` (what `torch.compile(module)` returns).

    Calls run the wrapped module's forward as one XLA program; attribute access, state_dict,
    parameters(), train()/eval() etc. go to the original module (`_orig_mod`).

    Differences from PyTorch: forward hooks of submodules run at trace time only.
    """

    def __init__(self, module):
        object.__setattr__(self, "_orig_mod", module)
        object.__setattr__(self, "_programs", {})

    def __getattr__(self, name):
        return getattr(self._orig_mod, name)

    def __setattr__(self, name, value):
        setattr(self._orig_mod, name, value)

    def __repr__(self):
        return f"OptimizedModule(\n  (_orig_mod): {repr(self._orig_mod)}\n)".replace("\n)\n)", "\n  )\n)")

    def __call__(self, *args, **kwargs):
        from ._compile_state import Slot
        from ._random import default_generator

        mod = self._orig_mod
        named_p = [p for _, p in mod.named_parameters()]
        named_b = [b for _, b in mod.named_buffers()]
        in_leaves, in_tree = jax.tree_util.tree_flatten((args, kwargs), is_leaf=lambda x: isinstance(x, Tensor))
        if not all(isinstance(l, Tensor) for l in in_leaves):
            return mod(*args, **kwargs)  # non-tensor arguments: run eagerly (no guard on their values)
        key = (tuple(m.training for m in mod.modules()), in_tree, len(named_p), len(named_b))
        prog = self._programs.get(key)
        if prog is None:
            prog = self._programs[key] = _ForwardProgram(mod, named_p, named_b, Slot(default_generator, "_key", True, "array"))
        prog.in_tree = in_tree
        prog.params, prog.buffers = named_p, named_b
        outs = _dispatch.apply(prog, *named_p, *named_b, prog.gen_slot.get(), *in_leaves,
                               name="CompiledFunctionBackward", saves=True)
        outs = outs if isinstance(outs, tuple) else (outs,)
        n_out = len(outs) - len(named_b) - 1
        with no_grad():
            for b, new in zip(named_b, outs[n_out:n_out + len(named_b)]):
                b._data = new._data
            prog.gen_slot.set(outs[-1]._data)
        return jax.tree_util.tree_unflatten(prog.out_tree, list(outs[:n_out]))


def compile_module(module):
    return OptimizedModule(module)
