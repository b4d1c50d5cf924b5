"""Full module backward hooks (`register_full_backward_hook` / `_pre_hook`) on compat's tape.

torch wraps a hooked module's tensor inputs and outputs in identity autograd functions
(`BackwardHookFunction`) and calls the user hooks from them. Here each side gets two chained
identity ops: the outer one's per-output pre-hooks record the gradients that arrive (some
may never arrive); the inner one runs after it, sees a cotangent for every output (the
engine zero-fills), and at its first pre-hook calls the user hooks once with the complete
tuple, then hands each output its (possibly replaced) gradient.
"""
import functools
import warnings

from ... import _dispatch
from ..._tensor import Tensor
from ...autograd._grad_mode import is_grad_enabled

__all__ = ["BackwardHook"]

_NAME = "BackwardHookFunctionBackward"


def _identity(*xs):
    return tuple(xs)


def _hook_pair(tensors, on_complete):
    """Wraps `tensors` in two identity ops; `on_complete(grads)` -> replacement grads or None."""
    n = len(tensors)
    inner = _dispatch.apply(_identity, *tensors, name=_NAME, saves=False)
    outer = _dispatch.apply(_identity, *inner, name=_NAME, saves=False)
    state = {"arrived": {}, "released": 0, "replacement": None}

    def collect(i, grad):
        state["arrived"][i] = grad
        return None

    def release(i, grad):
        if state["released"] == 0:
            grads = tuple(state["arrived"].get(j) for j in range(n))
            state["replacement"] = on_complete(grads)
        state["released"] += 1
        repl = state["replacement"]
        if state["released"] == n:  # ready for another backward pass (retain_graph)
            state.update(arrived={}, released=0, replacement=None)
        if repl is None:
            return None
        g = repl[i]
        return g * 0 if g is None else g  # torch: a None in the returned tuple means zero

    outer_node, inner_node = outer[0].grad_fn, inner[0].grad_fn
    for i in range(n):
        outer_node.register_prehook(i, functools.partial(collect, i))
        inner_node.register_prehook(i, functools.partial(release, i))
    return outer


class BackwardHook:
    """torch's `torch.utils.hooks.BackwardHook` for one module call."""

    def __init__(self, module, user_hooks, user_pre_hooks):
        self.module = module
        self.user_hooks = user_hooks
        self.user_pre_hooks = user_pre_hooks
        self.n_inputs = 0
        self.input_positions = None
        self.grad_outputs = None

    def setup_input_hook(self, args):
        """Routes the positional tensor inputs that require grad through the hook ops."""
        self.n_inputs = len(args)
        positions = [i for i, a in enumerate(args)
                     if isinstance(a, Tensor) and a.requires_grad and a.dtype.is_floating_point]
        if not positions or not is_grad_enabled() or not self.user_hooks:
            return args
        self.input_positions = positions
        wrapped = _hook_pair([args[i] for i in positions], self._on_inputs)
        args = list(args)
        for i, t in zip(positions, wrapped):
            args[i] = t
        return tuple(args)

    def setup_output_hook(self, result):
        """Routes the output tensors that require grad through the hook ops."""
        single = isinstance(result, Tensor)
        outs = [result] if single else list(result) if isinstance(result, tuple) else None
        if outs is None or not is_grad_enabled():
            return result
        positions = [i for i, o in enumerate(outs) if isinstance(o, Tensor) and o.requires_grad]
        if not positions:
            return result
        self.n_outputs = len(outs)
        self.output_positions = positions
        wrapped = _hook_pair([outs[i] for i in positions], self._on_outputs)
        for i, t in zip(positions, wrapped):
            outs[i] = t
        return outs[0] if single else tuple(outs)

    def _on_outputs(self, grads):
        grad_outputs = [None] * self.n_outputs
        for i, g in zip(self.output_positions, grads):
            grad_outputs[i] = g
        grad_outputs = tuple(grad_outputs)
        replaced = False
        for hook in self.user_pre_hooks:
            res = hook(self.module, grad_outputs)
            if res is None:
                continue
            res = tuple(res) if isinstance(res, (tuple, list)) else (res,)
            if len(res) != len(grad_outputs):
                raise RuntimeError(
                    f"Backward pre hook returned an invalid number of grad_output, got {len(res)}, "
                    f"but expected {len(grad_outputs)}")
            grad_outputs, replaced = res, True
        self.grad_outputs = grad_outputs
        if self.input_positions is None and self.user_hooks:
            # no input requires grad: the full hooks fire here, with grad_input all None
            warnings.warn(
                "Full backward hook is firing when gradients are computed with respect to module "
                "outputs since no inputs require gradients. See https://docs.pytorch.org/docs/"
                "main/generated/torch.nn.Module.html#torch.nn.Module.register_full_backward_hook "
                "for more details.", stacklevel=5)
            grad_inputs = (None,) * self.n_inputs
            for hook in self.user_hooks:
                res = hook(self.module, grad_inputs, grad_outputs)
                if res is not None and not (isinstance(res, tuple) and all(r is None for r in res)):
                    raise RuntimeError(
                        "Backward hook for Modules where no input requires gradient should "
                        "always return None or None for all gradients.")
        if not replaced:
            return None
        return tuple(grad_outputs[i] for i in self.output_positions)

    def _on_inputs(self, grads):
        grad_input = [None] * self.n_inputs
        for i, g in zip(self.input_positions, grads):
            grad_input[i] = g
        grad_input = tuple(grad_input)
        replaced = False
        for hook in self.user_hooks:
            res = hook(self.module, grad_input, self.grad_outputs)
            if res is None:
                continue
            res = tuple(res) if isinstance(res, (tuple, list)) else (res,)
            if len(res) != len(grad_input):
                raise RuntimeError(
                    f"Backward hook returned an invalid number of grad_input, got {len(res)}, "
                    f"but expected {len(grad_input)}")
            grad_input, replaced = res, True
        if not replaced:
            return None
        return tuple(grad_input[i] for i in self.input_positions)
