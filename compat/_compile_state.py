"""State discovery for `compat.compile`: every mutable value a step function can touch.

A *slot* is a place that holds state: `(container, key)` where the container is a dict
(module `_parameters`/`_buffers`, optimizer state entries, param groups) or an object
(attribute `key`: a tensor's `_grad`, a generator's key). Slots are found by walking, from
the function's closure, the globals its code names, bound `self`, and the call's
arguments: Modules, Optimizers, LR schedulers, Generators, containers, plain objects and
the functions they reference. The walk is cached per function and redone only when the
cheap structural signature changes.
"""
import types

from ._tensor import Tensor

__all__ = ["Slot", "discover"]

_MAX_DEPTH = 6


class Slot:
    """One place holding state: read/write a Tensor (or raw array for generator keys)."""

    __slots__ = ("container", "key", "is_attr", "kind")

    def __init__(self, container, key, is_attr, kind):
        self.container, self.key, self.is_attr, self.kind = container, key, is_attr, kind

    def get(self):
        if self.is_attr:
            return getattr(self.container, self.key, None)
        try:
            return self.container[self.key]
        except (KeyError, IndexError):
            return None

    def set(self, value):
        if self.is_attr:
            object.__setattr__(self.container, self.key, value)
        else:
            self.container[self.key] = value


class State:
    """What `discover` found: slots, plus the objects whose Python flags act as guards."""

    def __init__(self):
        self.slots = []
        self.modules = []
        self.optimizers = []
        self.schedulers = []
        self.generators = []
        self._seen = set()


def _is_module(o):
    d = getattr(o, "__dict__", None)
    return d is not None and "_parameters" in d and "_modules" in d and "_buffers" in d


def _is_optimizer(o):
    d = getattr(o, "__dict__", None)
    return d is not None and "param_groups" in d and "state" in d and "defaults" in d


def _is_scheduler(o):
    d = getattr(o, "__dict__", None)
    return d is not None and "optimizer" in d and "last_epoch" in d


def _code_names(code, out):
    out.update(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            _code_names(c, out)
    return out


def _tensor_slots(state, container, key, is_attr, t):
    state.slots.append(Slot(container, key, is_attr, "tensor"))
    if id(t) not in state._seen:
        state._seen.add(id(t))
        state.slots.append(Slot(t, "_grad", True, "tensor"))


def _walk(state, o, depth):
    if o is None or isinstance(o, (int, float, str, bytes, bool, complex, type, types.ModuleType)):
        return
    if isinstance(o, Tensor):
        return  # free tensors reached directly are handled by their container's slot
    oid = id(o)
    if oid in state._seen or depth > _MAX_DEPTH:
        return
    state._seen.add(oid)
    from ._random import Generator

    if isinstance(o, Generator):
        state.generators.append(o)
        state.slots.append(Slot(o, "_key", True, "array"))
        return
    if _is_module(o):
        state.modules.append(o)
        for name, p in o._parameters.items():
            if p is not None:
                _tensor_slots(state, o._parameters, name, False, p)
        for name, b in o._buffers.items():
            if b is not None:
                _tensor_slots(state, o._buffers, name, False, b)
        for m in o._modules.values():
            _walk(state, m, depth + 1)
        for k, v in o.__dict__.items():
            if k not in ("_parameters", "_buffers", "_modules") and not k.startswith("_forward"):
                _walk_value(state, o, k, v, depth + 1)
        return
    if _is_optimizer(o):
        state.optimizers.append(o)
        for g in o.param_groups:
            for i, p in enumerate(g["params"]):
                _tensor_slots(state, g["params"], i, False, p)
        for p, entries in o.state.items():
            if isinstance(entries, dict):
                for k, v in list(entries.items()):
                    _walk_value(state, entries, k, v, depth + 1, is_attr=False)
        return
    if _is_scheduler(o):
        state.schedulers.append(o)
        _walk(state, o.optimizer, depth + 1)
        return
    if isinstance(o, (types.FunctionType, types.MethodType)):
        _walk_function(state, o, depth + 1)
        return
    if isinstance(o, dict):
        for k, v in list(o.items()):
            _walk_value(state, o, k, v, depth + 1, is_attr=False)
        return
    if isinstance(o, list):
        for i, v in enumerate(o):
            _walk_value(state, o, i, v, depth + 1, is_attr=False)
        return
    if isinstance(o, (tuple, set, frozenset)):
        for v in o:
            _walk(state, v, depth + 1)
        return
    d = getattr(o, "__dict__", None)
    if isinstance(d, dict) and not callable(o):
        for k, v in list(d.items()):
            _walk_value(state, o, k, v, depth + 1)


def _walk_value(state, container, key, v, depth, is_attr=True):
    if isinstance(v, Tensor):
        _tensor_slots(state, container, key, is_attr, v)
    else:
        _walk(state, v, depth)


def _walk_function(state, fn, depth):
    if isinstance(fn, types.MethodType):
        _walk(state, fn.__self__, depth)
        fn = fn.__func__
    if id(fn.__code__) in state._seen:
        return
    state._seen.add(id(fn.__code__))
    for cell in fn.__closure__ or ():
        try:
            v = cell.cell_contents
        except ValueError:
            continue
        if isinstance(v, Tensor):
            _tensor_slots(state, cell, "cell_contents", True, v)
        else:
            _walk(state, v, depth)
    g = fn.__globals__
    for name in _code_names(fn.__code__, set()):
        if name in g:
            v = g[name]
            if isinstance(v, Tensor):
                _tensor_slots(state, g, name, False, v)
            else:
                _walk(state, v, depth)


def discover(fn, args, kwargs):
    """Walks everything `fn(*args, **kwargs)` can reach; returns a `State`."""
    from ._random import default_generator

    state = State()
    _walk(state, default_generator, 0)
    if _is_module(fn):
        _walk(state, fn, 0)
    else:
        _walk_function(state, fn, 0)
    for a in list(args) + list(kwargs.values()):
        if not isinstance(a, Tensor):
            _walk(state, a, 0)
    return state
