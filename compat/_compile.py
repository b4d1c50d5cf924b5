"""`compat.compile`: a PyTorch-style step function as ONE jitted XLA program per call.

How a call runs (see docs/compile.md for the design notes):

1. The first call of a function runs eagerly: it creates the state an ordinary step
   creates lazily (`.grad` tensors, optimizer state), so every later call starts and ends
   with the same structure.
2. Later calls discover the state (`_compile_state.discover`: parameters, buffers, `.grad`
   slots, optimizer state, the learning rates, RNG keys) once, then per call gather its
   arrays into one flat list and call a cached `jax.jit` of `_Program.pure`, which swaps
   tracers into the Tensor boxes, runs the user's Python function (zero_grad, forward,
   backward, step -- the eager tape runs on tracers, so it is all inlined into one
   program), reads the state back out of the same slots and restores the boxes.
3. The outputs are written back into the boxes (parameters keep their identity), so the
   Python objects end exactly as eager execution leaves them. Parameters and optimizer
   state are donated.

Static Python values that steer the trace (module.training, grad mode, optimizer options
other than lr, argument values that are not tensors) form the cache key: a change compiles
a new program (counted, with its reason, in `compiled.stats`). Shape/dtype changes
(the last short batch) retrace inside jax.jit and are counted the same way.

What cannot be traced (`.item()`, `.numpy()`, printing a tensor, Python branching on a
tensor value) makes the function fall back to eager execution for good, with one warning
naming the cause: results stay correct.
"""
import functools
import logging
import warnings

import jax
import numpy as np

from . import _compile_state
from ._tensor import Tensor
from .autograd._grad_mode import is_grad_enabled

__all__ = ["compile", "CompiledFunction"]

log = logging.getLogger("compat.compile")

class GraphBreak(Exception):
    """Raised inside a compat.compile trace by Python effects a program cannot replay."""


_tracing = [0]


def check_printable(arr):
    """Printing a traced tensor would print once at trace time, never at run time."""
    if _tracing[0] and isinstance(arr, jax.core.Tracer):
        raise GraphBreak("a tensor is printed inside (print/repr/str)")


_TRACE_ERRORS = (
    GraphBreak,
    jax.errors.ConcretizationTypeError,
    jax.errors.TracerArrayConversionError,
    jax.errors.TracerBoolConversionError,
    jax.errors.TracerIntegerConversionError,
    jax.errors.UnexpectedTracerError,
)


class CompileStats:
    """Counters of a compiled function: calls, eager calls, compiles and their reasons."""

    def __init__(self):
        self.calls = 0
        self.eager_calls = 0
        self.compiles = 0
        self.reasons = []
        self.fallback = None

    def __repr__(self):
        return (f"CompileStats(calls={self.calls}, eager_calls={self.eager_calls}, compiles={self.compiles}, "
                f"reasons={self.reasons!r}, fallback={self.fallback!r})")


def _avals(arrays):
    return tuple((a.shape, str(a.dtype)) if a is not None else None for a in arrays)


class _Program:
    """One compiled program for one static configuration (cache key)."""

    def __init__(self, owner, state):
        self.owner = owner
        self.state = state
        self.slot_out = None  # per slot: index into outputs (or None); set at trace time
        self.out_flags = None
        self.ret_tree = None
        self.last_avals = None
        # Numeric optimizer options (lr, momentum, betas, ...) are program inputs, so a
        # scheduler (StepLR, OneCycleLR cycling momentum) never forces a recompile.
        self.lr_slots = [(g, k) for opt in state.optimizers for g in opt.param_groups
                         for k in sorted(g) if _is_hyper(g[k])]
        from functorch_like._perf import platform_jit

        self.jitted = platform_jit(self.pure, donate_argnums=(0,))  # CPU: the core's tuned options
        self._steady = None

    # ---------------------------------------------------------------- tracing
    def pure(self, donated, kept, lrs, arg_leaves):
        """Runs the user's function on tracers; returns (state outputs, return value)."""
        owner = self.owner
        owner.stats.compiles += 1
        owner.stats.reasons.append(owner._pending_reason or "shape/dtype change")
        owner._pending_reason = None
        slots = self.state.slots
        boxes = self._boxes
        for b, arr in zip(boxes, _merge(donated, kept, self.donate_mask)):
            if isinstance(b, Tensor):
                b._data = arr
                b.grad_fn = None
            else:
                b[0].set(arr)  # raw-array slot (generator key)
        saved_lrs = [g[k] for g, k in self.lr_slots]
        for (g, k), v in zip(self.lr_slots, lrs):
            g[k] = tuple(v) if isinstance(g[k], tuple) else v
        leaves = []
        for a, rg, const in zip(arg_leaves, self.arg_kinds, self.arg_consts):
            if rg is None:
                leaves.append(a if const is _DYNAMIC else const)
            else:
                t = Tensor._wrap(a)
                t._requires_grad = rg
                leaves.append(t)
        args, kwargs = jax.tree_util.tree_unflatten(self.arg_tree, leaves)
        _tracing[0] += 1
        try:
            ret = owner.fn(*args, **kwargs)
        finally:
            _tracing[0] -= 1
            for (g, k), v in zip(self.lr_slots, saved_lrs):
                g[k] = v
        # Read the state back from the same slots: new boxes (fresh .grad) are fine.
        out_arrays, index, flags = [], {}, []
        slot_out = []
        for s in slots:
            v = s.get()
            if s.kind == "array":
                slot_out.append(len(out_arrays))
                out_arrays.append(v)
                flags.append(None)
                continue
            if not isinstance(v, Tensor):
                slot_out.append(None)
                continue
            if id(v) not in index:
                index[id(v)] = len(out_arrays)
                out_arrays.append(v._data)
                flags.append(v._requires_grad)
            slot_out.append(index[id(v)])
        self.slot_out, self.out_flags = slot_out, flags
        ret_leaves, self.ret_tree = jax.tree_util.tree_flatten(
            ret, is_leaf=lambda x: isinstance(x, Tensor))
        ret_arrays = []
        self.ret_kinds = []
        for leaf in ret_leaves:
            if isinstance(leaf, Tensor):
                ret_arrays.append(leaf._data)
                self.ret_kinds.append("tensor")
            elif isinstance(leaf, jax.Array):
                ret_arrays.append(leaf)
                self.ret_kinds.append("array")
            else:
                ret_arrays.append(None)
                self.ret_kinds.append(leaf)  # a Python constant, returned as is
        return out_arrays, ret_arrays

    # ---------------------------------------------------------------- calling
    def prepare(self, vals):
        """The unique state boxes and their current arrays, in slot order.

        Steady state (the slots hold the very boxes the last write-back left there) reuses
        the last layout: one identity check per slot instead of a fresh walk.
        """
        steady = self._steady
        if steady is not None and all(vals[i] is b for i, b in steady):
            return [b._data if isinstance(b, Tensor) else vals[b[1]] for b in self._boxes], True
        boxes, arrays, seen = [], [], set()
        for i, (s, v) in enumerate(zip(self.state.slots, vals)):
            if s.kind == "array":
                boxes.append((s, i))
                arrays.append(v)
            elif isinstance(v, Tensor) and id(v) not in seen:
                seen.add(id(v))
                boxes.append(v)
                arrays.append(v._data)
        self._boxes = boxes
        return arrays, False

    def run(self, args, kwargs, vals):
        arrays, steady = self.prepare(vals)
        if self.slot_out is None:
            # Donate only state that the step rewrites in place (parameters, buffers,
            # optimizer state); gradients are replaced by fresh tensors and not donated.
            self.donate_mask = tuple(
                isinstance(b, Tensor) and not _is_grad_box(b, self.state) for b in self._boxes)
        mask = self.donate_mask
        donated = [a for a, d in zip(arrays, mask) if d]
        kept = [a for a, d in zip(arrays, mask) if not d]
        lrs = [tuple(map(float, g[k])) if isinstance(g[k], tuple) else float(g[k]) for g, k in self.lr_slots]
        arg_leaves, self.arg_tree = jax.tree_util.tree_flatten(
            (args, kwargs), is_leaf=lambda x: isinstance(x, Tensor))
        self.arg_kinds = [a._requires_grad if isinstance(a, Tensor) else None for a in arg_leaves]
        # Tensors and arrays are program inputs; other values (numbers, strings, None) are
        # baked in: they are part of the cache key, so a new value compiles a new program.
        self.arg_consts = [_DYNAMIC if isinstance(a, (Tensor, jax.Array, np.ndarray)) else a for a in arg_leaves]
        arg_leaves = [a._data if isinstance(a, Tensor) else (a if isinstance(a, (jax.Array, np.ndarray)) else None)
                      for a in arg_leaves]
        compiles = self.owner.stats.compiles
        try:
            outs, rets = self.jitted(donated, kept, lrs, arg_leaves)
        except _TRACE_ERRORS:
            self._restore(list(zip(self.state.slots, vals)), arrays)
            raise
        if steady and self.owner.stats.compiles == compiles:
            for box, idx, flag in self._plan:  # the same boxes as last time: rebind their arrays
                box._data = outs[idx]
                if box.grad_fn is not None or box._requires_grad is not flag:
                    box.grad_fn, box._requires_grad = None, flag
                if box._views:
                    box._refresh_views()
            for slot, idx in self._array_plan:
                slot.set(outs[idx])
        else:
            self._write_back(outs, arrays)
            self._make_plan()
        return self._rebuild_return(rets)

    def _make_plan(self):
        """Records where each output goes, for the next steady-state call."""
        plan, array_plan, steady, seen = [], [], [], set()
        for i, (s, idx) in enumerate(zip(self.state.slots, self.slot_out)):
            v = s.get()
            if s.kind == "array":
                array_plan.append((s, idx))
                continue
            steady.append((i, v))
            if isinstance(v, Tensor) and id(v) not in seen:
                seen.add(id(v))
                plan.append((v, idx, self.out_flags[idx]))
        self._plan, self._array_plan, self._steady = plan, array_plan, steady
        # The next call's prepare() must list boxes in this same order.
        boxes, seen = [], set()
        for i, s in enumerate(self.state.slots):
            v = s.get()
            if s.kind == "array":
                boxes.append((s, i))
            elif isinstance(v, Tensor) and id(v) not in seen:
                seen.add(id(v))
                boxes.append(v)
        if len(boxes) != len(self._boxes) or any(
                isinstance(a, Tensor) != isinstance(b, Tensor) for a, b in zip(boxes, self._boxes)):
            self._steady = None  # the layout changed: the next call takes the general path
        else:
            self._boxes = boxes

    def _restore(self, pre, arrays):
        for s, v in pre:
            s.set(v)
        for b, a in zip(self._boxes, arrays):
            if isinstance(b, Tensor):
                b._data = a
                b.grad_fn = None
            else:
                b[0].set(a)

    def _write_back(self, outs, arrays):
        done = {}
        for s, idx in zip(self.state.slots, self.slot_out):
            cur = s.get()
            if s.kind == "array":
                s.set(outs[idx])
                continue
            if idx is None:
                if cur is not None:
                    s.set(None)
                continue
            if idx in done:
                if cur is not done[idx]:
                    s.set(done[idx])
                continue
            arr = outs[idx]
            if isinstance(cur, Tensor):
                cur._data = arr
                cur.grad_fn = None
                cur._requires_grad = self.out_flags[idx]
                if cur._views:
                    cur._refresh_views()
                box = cur
            else:
                box = Tensor._wrap(arr)
                box._requires_grad = self.out_flags[idx]
                s.set(box)
            done[idx] = box
        # Boxes that held state before but are no longer in any slot (old .grad tensors)
        # were given tracers during the trace: give them back concrete values.
        live = {id(b) for b in done.values()}
        for b, a, donated in zip(self._boxes, arrays, self.donate_mask):
            if isinstance(b, Tensor) and id(b) not in live and not donated:
                b._data = a
                b.grad_fn = None

    def _rebuild_return(self, rets):
        leaves = []
        for kind, arr in zip(self.ret_kinds, rets):
            if kind == "tensor":
                leaves.append(Tensor._wrap(arr))
            elif kind == "array":
                leaves.append(arr)
            else:
                leaves.append(kind)
        return jax.tree_util.tree_unflatten(self.ret_tree, leaves)


_DYNAMIC = object()


def _is_hyper(v):
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return True
    return isinstance(v, tuple) and len(v) > 0 and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v)


def _merge(donated, kept, mask):
    di, ki = iter(donated), iter(kept)
    return [next(di) if m else next(ki) for m in mask]


def _is_grad_box(b, state):
    return any(s.key == "_grad" and s.get() is b for s in state.slots if s.is_attr)


class CompiledFunction:
    """The callable `compat.compile(fn)` returns (mirrors torch.compile's wrapper).

    Attributes:
        stats: `CompileStats` -- calls, compiles and why each happened, fallback cause.
    """

    def __init__(self, fn, *, fullgraph=False):
        self.fn = fn
        self.fullgraph = fullgraph
        self.stats = CompileStats()
        self._programs = {}
        self._state = None
        self._state_sig = None
        self._eager = False
        self._pending_reason = None
        self._last_key = None
        functools.update_wrapper(self, fn, updated=())

    def __get__(self, obj, objtype=None):
        return self if obj is None else functools.partial(self.__call__, obj)

    def _static_key(self, state, args, kwargs, sig):
        flags = tuple(m.training for m in state.modules)
        hyper = tuple(
            tuple((k, _hashable(v)) for k, v in sorted(g.items()) if k != "params" and not _is_hyper(v))
            for opt in state.optimizers for g in opt.param_groups)
        leaves, tree = jax.tree_util.tree_flatten((args, kwargs), is_leaf=lambda x: isinstance(x, Tensor))
        consts = tuple(_hashable(v) for v in leaves if not isinstance(v, (Tensor, jax.Array, np.ndarray)))
        return (is_grad_enabled(), flags, hyper, sig, tree, consts)

    def __call__(self, *args, **kwargs):
        self.stats.calls += 1
        if self._eager or self.stats.calls == 1:
            # First call: eager, so lazily created state (.grad, optimizer state) exists.
            self.stats.eager_calls += 1
            return self.fn(*args, **kwargs)
        state = self._state
        if state is not None:
            vals = [s.get() for s in state.slots]
            sig = tuple(v is not None for v in vals)
        if state is None or sig != self._state_sig:
            state = self._state = _compile_state.discover(self.fn, args, kwargs)
            vals = [s.get() for s in state.slots]
            sig = self._state_sig = tuple(v is not None for v in vals)
        key = self._static_key(state, args, kwargs, sig)
        prog = self._programs.get(key)
        if prog is None:
            prog = self._programs[key] = _Program(self, state)
            self._pending_reason = _explain(self._last_key, key)
            log.debug("compat.compile: compiling %s (%s)", getattr(self.fn, "__name__", self.fn),
                      self._pending_reason)
        self._last_key = key
        try:
            return prog.run(args, kwargs, vals)
        except _TRACE_ERRORS as e:
            self._eager = True
            cause = _cause(e)
            self.stats.fallback = cause
            warnings.warn(
                f"compat.compile: {getattr(self.fn, '__qualname__', self.fn)} cannot be traced into one "
                f"program ({cause}); it runs eagerly from now on. Results are unaffected.",
                RuntimeWarning, stacklevel=2)
            self.stats.eager_calls += 1
            return self.fn(*args, **kwargs)


def _hashable(v):
    try:
        hash(v)
        return v
    except TypeError:
        if isinstance(v, (list, tuple)):
            return tuple(_hashable(x) for x in v)
        if isinstance(v, dict):
            return tuple(sorted((k, _hashable(x)) for k, x in v.items()))
        return id(v)


def _explain(old, new):
    if old is None:
        return "first compiled call"
    names = ("grad mode", "train/eval flags", "optimizer options", "state structure",
             "argument structure", "non-tensor argument values")
    changed = [n for n, a, b in zip(names, old, new) if a != b]
    return "changed: " + ", ".join(changed) if changed else "new configuration"


def _cause(e):
    if isinstance(e, GraphBreak):
        return str(e)
    msg = str(e).splitlines()[0] if str(e) else type(e).__name__
    if isinstance(e, jax.errors.TracerArrayConversionError):
        return "a tensor is converted to numpy or printed inside (.numpy()/print/np.asarray)"
    if isinstance(e, (jax.errors.TracerBoolConversionError,)):
        return "Python control flow depends on a tensor value (if/while on a tensor)"
    if isinstance(e, (jax.errors.ConcretizationTypeError, jax.errors.TracerIntegerConversionError)):
        return "a tensor value is read as a Python number inside (.item(), float(), int())"
    return f"{type(e).__name__}: {msg}"


def compile(model=None, *, fullgraph=False, dynamic=None, backend="xla", mode=None, options=None,
            disable=False):
    """Mirrors `torch.compile`: returns `fn` (or a Module's forward) compiled with XLA.

    Usable as `compat.compile(fn)`, `@compat.compile`, `@compat.compile(mode=...)` and
    `compat.compile(module)`. torch's `mode`/`dynamic`/`backend`/`options` are accepted and
    ignored: there is one backend (XLA).

    Example:
        >>> @compat.compile
        ... def train_step(x, y):
        ...     optimizer.zero_grad()
        ...     loss = criterion(model(x), y)
        ...     loss.backward()
        ...     optimizer.step()
        ...     return loss
    """
    if model is None:
        return lambda m: compile(m, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode,
                                 options=options, disable=disable)
    if disable:
        return model
    from ._compile_module import compile_module, is_module

    if is_module(model):
        return compile_module(model)
    return CompiledFunction(model, fullgraph=fullgraph)
