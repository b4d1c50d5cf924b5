"""`compat.optim.Optimizer`: torch's optimizer object over the core's optax transforms.

Each parameter keeps the optax state of its own transformation (its leaves are Tensors in
`self.state[p]["optax"]`, so `compat.compile` finds and threads them). `step()` updates
every parameter of a group in ONE jitted call: the hyperparameters (lr, momentum, betas,
...) are read from `param_groups` at each step and passed as traced values, so a
scheduler or a hand edit of `group['lr']` never recompiles. `state_dict()` and
`load_state_dict()` speak torch's layout ('step', 'exp_avg', 'momentum_buffer', ...).
"""
import functools
from collections import defaultdict

import jax
import jax.numpy as jnp
import optax

from functorch_like.optim import _transforms as core

from .._tensor import Tensor
from ..autograd._grad_mode import enable_grad, no_grad

__all__ = ["Optimizer"]


class _Required:
    def __repr__(self):
        return "<required parameter>"


required = _Required()


def _full_state(tx, p, kept, hyper):
    """The core's optax state of `p` from what a parameter keeps: (count, inner_state).

    The hyperparameters are not kept per parameter (they would be copies of the group's
    options): each step injects the group's current values, in the template's dtypes.
    """
    template = jax.eval_shape(tx.init, p)
    count, inner = kept
    hp = {k: jnp.asarray(hyper[k], v.dtype) for k, v in template.hyperparams.items()}
    return template._replace(count=count, hyperparams=hp, inner_state=inner)


@functools.partial(jax.jit, static_argnums=0)
def _update_group(tx, params, grads, states, hyper):
    new_params, new_states = [], []
    for p, g, kept in zip(params, grads, states):
        upd, s = tx.update(g, _full_state(tx, p, kept, hyper), p)
        new_params.append(optax.apply_updates(p, upd))
        new_states.append((s.count, s.inner_state))
    return new_params, new_states


class Optimizer:
    """Mirrors `torch.optim.Optimizer`: param_groups, state, zero_grad, step, state_dict.

    Subclasses define `_make_tx(group)` (the core transformation for a group's static
    options) and `_hyper(group)` (its numeric hyperparameters by core name).

    Differences from PyTorch: `state[p]` holds the optax state of `p` (its step count and the
    transformation's inner state; hyperparameters come from the group) under "optax" --
    torch's named entries are produced by `state_dict()`; `foreach`/`fused`/`capturable`/
    `differentiable` are accepted and ignored.
    """

    def __init__(self, params, defaults):
        self.defaults = defaults
        self.state = defaultdict(dict)
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, "
                f"but got {params.type()}"
            )
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for g in groups:
            self.add_param_group(g)

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, g in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for k in sorted(g):
                if k != "params":
                    lines.append(f"    {k}: {g[k]}")
        lines.append(")")
        return "\n".join(lines)

    def add_param_group(self, param_group):
        """Mirrors `Optimizer.add_param_group`."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        group = {"params": params}
        for k, v in self.defaults.items():
            if v is required and k not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {k}")
            group[k] = param_group.get(k, v)
        for k, v in param_group.items():
            if k != "params":
                group[k] = v
        existing = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in existing for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self._validate(group)
        self.param_groups.append(group)

    def _validate(self, group):
        self._make_tx(group)  # the core checks values with torch's messages

    def zero_grad(self, set_to_none=True):
        """Mirrors `Optimizer.zero_grad(set_to_none=True)`."""
        for g in self.param_groups:
            for p in g["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad = Tensor._wrap(jnp.zeros_like(p.grad._data))

    def _static(self, group):
        return tuple(sorted((k, v) for k, v in group.items() if isinstance(v, bool)))

    def _tx_for(self, group):
        """One core transformation per static configuration (the boolean options).

        Numeric hyperparameters only seed it: every step passes the group's current values.
        """
        txs = self.__dict__.setdefault("_txs", {})
        key = self._static(group)
        tx = txs.get(key)
        if tx is None:
            tx = txs[key] = self._make_tx(group)
        return tx

    def step(self, closure=None):
        """Mirrors `Optimizer.step(closure=None)`: one jitted update per param group."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                self._step_group(group)
        return loss

    def _step_group(self, group):
        params = [p for p in group["params"] if p.grad is not None]
        if not params:
            return
        tx = self._tx_for(group)
        states = []
        for p in params:
            st = self.state[p]
            if "optax" not in st:
                init = tx.init(p._data)
                st["optax"] = _to_tensors((init.count, init.inner_state))
            states.append(st["optax"])
        hyper = self._hyper(group)
        new_p, new_s = _update_group(
            tx, [p._data for p in params], [p.grad._data.astype(p._data.dtype) for p in params],
            [_to_arrays(s) for s in states], hyper)
        for p, a, s_old, s_new in zip(params, new_p, states, new_s):
            p._data = a
            p._version += 1
            if p._views:
                p._refresh_views()
            _assign(s_old, s_new)

    # ------------------------------------------------------------------ state dicts
    def state_dict(self):
        """Mirrors `Optimizer.state_dict()`: torch's layout, params as integer indices."""
        index, groups, n = {}, [], 0
        for g in self.param_groups:
            ids = []
            for p in g["params"]:
                index[id(p)] = n
                ids.append(n)
                n += 1
            groups.append({**{k: v for k, v in g.items() if k != "params"}, "params": ids})
        state = {}
        for g in self.param_groups:
            for p in g["params"]:
                st = self.state.get(p)
                if st and "optax" in st:
                    tx = self._tx_for(g)
                    full = _full_state(tx, p._data, _to_arrays(st["optax"]), self._hyper(g))
                    entries = core.torch_state(full)
                    state[index[id(p)]] = {k: _entry_tensor(k, v) for k, v in entries.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Mirrors `Optimizer.load_state_dict` (checks group and parameter counts as torch)."""
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for g, sg in zip(self.param_groups, groups):
            if len(g["params"]) != len(sg["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"
                )
        saved_state = state_dict["state"]
        self.state = defaultdict(dict)
        for g, sg in zip(self.param_groups, groups):
            for k, v in sg.items():
                if k != "params":
                    g[k] = v
            tx = self._tx_for(g)
            for p, pid in zip(g["params"], sg["params"]):
                entries = saved_state.get(pid, saved_state.get(str(pid)))
                if not entries:
                    continue
                s = tx.init(p._data)
                vals = {k: (v._data if isinstance(v, Tensor) else jnp.asarray(v)) for k, v in entries.items()}
                s = core.load_torch_state(s, **vals)
                self.state[p]["optax"] = _to_tensors((s.count, s.inner_state))


def _entry_tensor(name, v):
    if name == "step":
        return Tensor._wrap(jnp.asarray(v, jnp.float32))  # torch keeps 'step' as a float32 scalar
    return Tensor._wrap(jnp.asarray(v))


def _to_tensors(tree):
    leaves, treedef = jax.tree.flatten(tree)
    return _StateBox([Tensor._wrap(jnp.asarray(l)) for l in leaves], treedef)


class _StateBox(list):
    """A list of Tensor leaves plus its treedef (a list so compile can address slots)."""

    def __init__(self, leaves, treedef):
        super().__init__(leaves)
        self.treedef = treedef


def _to_arrays(box):
    return jax.tree.unflatten(box.treedef, [t._data for t in box])


def _assign(box, tree):
    for t, a in zip(box, jax.tree.leaves(tree)):
        t._data = a
