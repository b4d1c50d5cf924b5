"""Runs a pure JAX function as a Tensor op: cached jitted kernels plus tape recording.

`apply(fn, *args, name=..., **static)` is the one door every compat op goes through:

* the forward kernel is `jax.jit(partial(fn, **static))`, compiled once per
  (fn, static arguments) and cached;
* when grad mode is on and a floating input requires grad, a `Node` is recorded whose
  backward kernel is the jitted VJP of the same function, also cached per
  (fn, static, which inputs are differentiable). Backward recomputes what it needs from
  the saved inputs; XLA prunes the parts of the forward the VJP does not use.
* with `create_graph=True` the backward kernel itself runs through `apply`, so its
  gradient is recorded too (Hessian-vector products, gradient penalties).

`fn` must be a module-level (hashable, stable) function of arrays returning an array or
a tuple of arrays. Non-tensor positional args are passed as traced values (use numpy
scalars of the intended dtype); anything shape-like goes in `static`.
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np

from .autograd import _graph
from .autograd._grad_mode import is_grad_enabled

__all__ = ["apply", "call_node"]

_fwd_cache = {}
_bwd_cache = {}


def _static_key(static):
    return tuple(sorted(static.items())) if static else ()


_options = []


def _jit(fn):
    """jax.jit with the core's CPU compile options when the default backend is the CPU.

    (YNNPACK off for convolutions: the conv forward and weight gradient run ~3x faster on
    XLA:CPU; see functorch_like/_perf.py. On GPU/TPU XLA's defaults are kept.)
    """
    if not _options:
        from functorch_like import _perf

        cpu = jax.default_backend() == "cpu"
        _options.append(_perf.cpu_compiler_options() if cpu else None)
        if cpu:
            _perf.tune_cpu_allocator()
    return jax.jit(fn, compiler_options=_options[0] or None)


_Tracer = jax.core.Tracer
_nested_cache = {}


def _traced(arrays):
    for a in arrays:
        if isinstance(a, _Tracer):
            return True
    return False


def nested_kernel(fn, skey):
    """The op as a plain jax.jit (no compiler options: only a top-level jit may have them)."""
    k = (fn, skey)
    kern = _nested_cache.get(k)
    if kern is None:
        kern = _nested_cache[k] = jax.jit(functools.partial(fn, **dict(skey)) if skey else fn)
    return kern


def call(fn, skey, *arrays):
    """Runs `fn(*arrays, **dict(skey))` through its cached kernel (no tape)."""
    if _traced(arrays):
        return nested_kernel(fn, skey)(*arrays)
    return forward_kernel(fn, skey)(*arrays)


def forward_kernel(fn, skey):
    k = (fn, skey)
    kern = _fwd_cache.get(k)
    if kern is None:
        kern = _fwd_cache[k] = _jit(functools.partial(fn, **dict(skey)) if skey else fn)
    return kern


def _is_diff_dtype(arr):
    return jnp.issubdtype(arr.dtype, jnp.inexact)


def backward_fn(fn, skey, diff, float_out):
    """The pure VJP of `fn` w.r.t. the positions in `diff`, memoised so it is hashable.

    Signature: `(*args, *cotangents) -> tuple of cotangents (one per diff position)`.
    """
    k = (fn, skey, diff, float_out)
    bfn = _bwd_cache.get(k)
    if bfn is not None:
        return bfn
    f = functools.partial(fn, **dict(skey)) if skey else fn
    nargs = len(diff)
    idx = [i for i, d in enumerate(diff) if d]

    def vjp_of(*flat):
        args, cts = flat[:nargs], flat[nargs:]

        def g(*d):
            full = list(args)
            for i, v in zip(idx, d):
                full[i] = v
            out = f(*full)
            if float_out is None:
                return out
            return tuple(o for o, keep in zip(out, float_out) if keep)

        _, vjp = jax.vjp(g, *[args[i] for i in idx])
        ct = cts[0] if float_out is None else tuple(cts)
        return tuple(vjp(ct))

    vjp_of.__name__ = f"vjp_of_{getattr(fn, '__name__', 'op')}"
    vjp_of.__qualname__ = vjp_of.__name__
    _bwd_cache[k] = vjp_of
    return vjp_of


_bwd_jit = {}


def apply(fn, *args, name=None, saves=True, **static):
    """Runs `fn(*arrays, **static)` on Tensors/arrays; records a Node when needed.

    Args:
        fn: module-level pure function.
        *args: Tensors or array-likes (non-tensors are never differentiated).
        name: the grad_fn name torch shows, e.g. "MulBackward0".
        saves: False for ops whose VJP needs no input values (add, reshape, sum...):
            torch keeps nothing for them, so a second backward through them is allowed.
        **static: hashable, non-array arguments (dims, shapes, flags).

    Returns:
        A Tensor, or a tuple of Tensors when `fn` returns a tuple.
    """
    from ._tensor import Tensor

    skey = _static_key(static)
    arrays = [a._data if type(a) is Tensor or isinstance(a, Tensor) else a for a in args]
    if _traced(arrays):  # inside compat.compile / a jax transform: inline the op
        out = nested_kernel(fn, skey)(*arrays)
    else:
        out = forward_kernel(fn, skey)(*arrays)
    multi = isinstance(out, tuple)
    outs = out if multi else (out,)

    record = False
    if is_grad_enabled():
        for a in args:
            if isinstance(a, Tensor) and a.requires_grad:
                record = True
                break
    if not record:
        res = tuple(Tensor._wrap(o) for o in outs)
        return res if multi else res[0]

    diff = tuple(isinstance(a, Tensor) and a.requires_grad and _is_diff_dtype(a._data) for a in args)
    float_mask = tuple(_is_diff_dtype(o) for o in outs)
    float_out = float_mask if multi else None
    edges = tuple((a.grad_fn, a._output_nr, a) for a, d in zip(args, diff) if d)
    saved_versions = tuple((a, a._version) for a in args if isinstance(a, Tensor)) if saves else None
    node = _graph.Node(
        name or f"{fn.__name__.strip('_').capitalize()}Backward0",
        fn, skey, diff, tuple(arrays), edges, saved_versions,
        tuple((o.shape, o.dtype) for o in outs), float_out, saves,
    )
    res = []
    for i, o in enumerate(outs):
        t = Tensor._wrap(o)
        if float_mask[i]:
            t.requires_grad = True  # non-leaf: set directly, bypassing the leaf-only setter
            t.grad_fn = node
            t._output_nr = i
        res.append(t)
    return tuple(res) if multi else res[0]


def call_node(node, cts, create_graph):
    """Runs a node's backward on output cotangents; returns one cotangent per edge."""
    from ._tensor import Tensor

    if node.kernel is None:  # a custom autograd.Function: the user's Python backward
        return node.run(cts, create_graph)
    float_out = node.float_out
    if float_out is not None:
        cts = [c for c, keep in zip(cts, float_out) if keep]
    bfn = backward_fn(node.kernel, node.static, node.diff, float_out)
    if create_graph:
        saved = [_saved_tensor(node, i, a) for i, a in enumerate(node.saved)]
        out = apply(bfn, *saved, *cts, name=node._name[:-1] + "1")
        return out if isinstance(out, tuple) else (out,)
    cts = [c._data if isinstance(c, Tensor) else c for c in cts]
    if _traced(node.saved) or _traced(cts):
        return nested_kernel(bfn, ())(*node.saved, *cts)
    kern = _bwd_jit.get(bfn)
    if kern is None:
        kern = _bwd_jit[bfn] = _jit(bfn)
    return kern(*node.saved, *cts)


def _saved_tensor(node, i, arr):
    """Rebuilds saved input i as a Tensor linked to its recorded edge (create_graph)."""
    from ._tensor import Tensor

    if not node.diff[i]:
        return arr
    k = sum(node.diff[:i])
    fn, nr, leaf = node.edges[k]
    if fn is None:
        # A leaf: the leaf itself, so higher-order gradients reach it. Its value differs from
        # `arr` only if it was rebound under no_grad between forward and backward.
        return leaf
    t = Tensor._wrap(arr)
    t.requires_grad = True
    t.grad_fn = fn
    t._output_nr = nr
    return t


def zeros(shape, dtype):
    return jnp.zeros(shape, dtype)


def add_cotangents(a, b):
    return a + b


def Tensor_zeros(shape, dtype):
    from ._tensor import Tensor

    return Tensor._wrap(jnp.zeros(shape, dtype))
