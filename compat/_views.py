"""Aliasing between a base tensor and its views, on immutable arrays.

A view records `_base` (the root tensor) and `_view_fn`, a pure description of how its
array is read from the base's: `(fn, static_items)` for one view op, `("compose", a, b)`
for a view of a view, or None for a same-shape alias (`detach()`, `.data`).

* An in-place write to a view is written back into the base by `write_back`: the base
  takes `where(covered, scatter(view), base)`, where `scatter` is the VJP of the view
  function (exact for the injective selections views are) -- recorded on the tape when
  the view carries grad history, so `y[:, 0].mul_(2)` differentiates as torch's CopySlices.
* After the base changes, `refresh` re-reads every live view from it.
"""
import functools

import jax
import jax.numpy as jnp

from . import _dispatch
from .autograd._grad_mode import is_grad_enabled

__all__ = ["make_view", "view_op", "write_back", "refresh"]


def read_view(base, *, view_fn):
    """Pure: the view's array from the base's array."""
    if view_fn is None:
        return base
    if view_fn[0] == "compose":
        return read_view(read_view(base, view_fn=view_fn[1]), view_fn=view_fn[2])
    fn, skey = view_fn
    return fn(base, **dict(skey))


def _write_view(base, value, *, view_fn):
    """Pure: the base's array after the view positions take `value`."""
    if view_fn is None:
        return value.astype(base.dtype)
    read = functools.partial(read_view, view_fn=view_fn)
    probe = read(base)
    _, scatter = jax.vjp(read, base)
    covered = scatter(jnp.ones_like(probe))[0] != 0
    return jnp.where(covered, scatter(value.astype(probe.dtype))[0], base)


def make_view(src, out, view_fn):
    """Marks Tensor `out` (computed from `src`) as a view of `src`'s root base."""
    base = src._base if src._base is not None else src
    if src._base is not None and src._view_fn is not None:
        view_fn = src._view_fn if view_fn is None else ("compose", src._view_fn, view_fn)
    out._base = base
    out._view_fn = view_fn
    if base._views is None:
        import weakref

        base._views = weakref.WeakSet()
    base._views.add(out)
    return out


def view_op(src, fn, name, **static):
    """Runs view op `fn(src, **static)` through the dispatcher and returns it as a view."""
    out = _dispatch.apply(fn, src, name=name, saves=False, **static)
    return make_view(src, out, (fn, _dispatch._static_key(static)))


def write_back(view):
    """After an in-place change to `view`, pushes its value into the base."""
    base = view._base
    recorded = view._requires_grad and is_grad_enabled()
    if recorded:
        new = _dispatch.apply(_write_view, base, view, name="CopySlices", saves=False,
                              view_fn=view._view_fn)
        base._data = new._data
        base.grad_fn, base._output_nr, base._requires_grad = new.grad_fn, new._output_nr, True
        base._version += 1
    else:
        # A detached alias (.data / detach()) changes the value without touching the graph.
        base._data = _dispatch.call(_write_view, (("view_fn", view._view_fn),), base._data, view._data)
    refresh(base, skip=view)


def refresh(base, skip=None):
    """Re-reads every live view of `base` from its current value."""
    if not base._views:
        return
    for v in list(base._views):
        if v is skip:
            continue
        if v._requires_grad and base._requires_grad and is_grad_enabled():
            new = _dispatch.apply(read_view, base, name="AsStridedBackward0", saves=False, view_fn=v._view_fn)
            v._data, v.grad_fn, v._output_nr = new._data, new.grad_fn, new._output_nr
        else:
            v._data = _dispatch.call(read_view, (("view_fn", v._view_fn),), base._data)
