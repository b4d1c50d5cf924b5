"""Runs the same optimization in torch.optim and functorch_like.optim and compares.

The problem: a dict of three float32 parameters of different shapes, a least-squares
term through a tanh plus a quartic-ish separable term, so gradients neither vanish nor
stay constant over 100 steps. Each side differentiates its own current parameters
(jax.grad here, torch autograd there) and steps its own optimizer; the whole
trajectories are compared.

To keep the suite fast, one jitted 100-step `lax.scan` is compiled per optimizer
*structure* (family + boolean flags) and reused for every numeric configuration: the
numbers live in `opt_state.hyperparams`, so a state built by a differently configured
optimizer runs through the same compiled update -- which also tests that changing
hyperparameters needs no recompilation.
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np
import optax
import torch

STEPS = 100
_rng = np.random.default_rng(0)
# one minibatch per step, as in training: gradients keep varying and never vanish, so
# the adaptive methods stay out of the near-optimum regime where they oscillate
# chaotically and any rounding difference (even torch vs torch on another CPU) grows
X = _rng.standard_normal((STEPS, 8, 4)).astype(np.float32)
Y = _rng.standard_normal((STEPS, 8, 3)).astype(np.float32)
A = _rng.uniform(0.5, 1.5, (STEPS, 2, 2, 2)).astype(np.float32)
C = _rng.standard_normal((STEPS, 2, 2, 2)).astype(np.float32)
INIT = {
    "w": _rng.standard_normal((4, 3)).astype(np.float32),
    "b": _rng.standard_normal((3,)).astype(np.float32),
    "c": _rng.standard_normal((2, 2, 2)).astype(np.float32) * 2,
}


def loss_jax(p, k, sign=1.0):
    """Loss on batch `k` (mod STEPS); sign=-1 gives the objective `maximize=True` climbs."""
    k = k % STEPS
    pred = jnp.tanh(jnp.asarray(X)[k] @ p["w"] + p["b"])
    d = p["c"] - jnp.asarray(C)[k]
    value = jnp.mean((pred - jnp.asarray(Y)[k]) ** 2) + jnp.sum(jnp.asarray(A)[k] * (d**2 + 0.1 * d**4)) / 8
    return sign * value


def loss_torch(p, k, sign=1.0):
    k = k % STEPS
    pred = torch.tanh(torch.from_numpy(X[k]) @ p["w"] + p["b"])
    d = p["c"] - torch.from_numpy(C[k])
    value = torch.mean((pred - torch.from_numpy(Y[k])) ** 2) + torch.sum(torch.from_numpy(A[k]) * (d**2 + 0.1 * d**4)) / 8
    return sign * value


def torch_trajectory(make_optimizer, steps=STEPS, schedulers=(), sign=1.0, start=None):
    """[params after step 1, ..., after step `steps`] as dicts of numpy arrays.

    Returns (trajectory, optimizer, params); `start` = (params, optimizer, steps done)
    continues a run.
    """
    if start is None:
        params = {k: torch.tensor(v, requires_grad=True) for k, v in INIT.items()}
        opt = make_optimizer(list(params.values()))
    else:
        params, opt, _ = start
    scheds = [make(opt) for make in schedulers]
    out = []
    first = 0 if start is None else int(start[2])
    for k in range(first, first + steps):
        opt.zero_grad()
        loss_torch(params, k, sign).backward()
        opt.step()
        for s in scheds:
            s.step()
        out.append({k: v.detach().numpy().copy() for k, v in params.items()})
    return out, opt, params


@functools.lru_cache(maxsize=None)
def runner(structure_key, tx, sign, steps=STEPS):
    """A jitted scan of `steps` updates of `tx` on batches `first, first + 1, ...`;
    cached per optimizer structure."""
    del structure_key

    @jax.jit
    def run(params, state, first):
        def body(carry, k):
            p, s = carry
            grads = jax.grad(loss_jax)(p, k, sign)
            updates, s = tx.update(grads, s, p)
            p = optax.apply_updates(p, updates)
            return (p, s), p

        ks = first + jnp.arange(steps)
        (_, final_state), trajectory = jax.lax.scan(body, (params, state), ks)
        return trajectory, final_state

    return run


_TX_FOR_STRUCTURE = {}


def jax_trajectory(tx, structure_key=None, sign=1.0, steps=STEPS, start=None):
    """Our trajectory for `tx`: (list of params dicts, final opt state).

    `structure_key` (hashable) lets configurations share a compile; `start` =
    (params, opt_state, steps done) continues a run.
    """
    if start is None:
        params = {k: jnp.asarray(v) for k, v in INIT.items()}
        state, first = tx.init(params), 0
    else:
        params, state, first = start
        params = {k: jnp.asarray(v) for k, v in params.items()}
    if structure_key is None:
        run = runner.__wrapped__(None, tx, sign, steps)  # a one-off: no cache
    else:
        run = runner(structure_key, _TX_FOR_STRUCTURE.setdefault(structure_key, tx), sign, steps)
    trajectory, final_state = run(params, state, first)
    trajectory = {k: np.asarray(v) for k, v in trajectory.items()}  # one transfer each
    return [{k: v[i] for k, v in trajectory.items()} for i in range(steps)], final_state


def needed_atol(ours, theirs, rtol=1e-5):
    """The smallest atol with which assert_allclose(rtol=rtol) passes (for reports)."""
    worst = 0.0
    for a, b in zip(ours, theirs):
        for k in b:
            worst = max(worst, float(np.max(np.abs(a[k] - b[k]) - rtol * np.abs(b[k]))))
    return worst


def assert_trajectories_close(ours, theirs, rtol=1e-5, atol=1e-6):
    assert len(ours) == len(theirs)
    for step, (a, b) in enumerate(zip(ours, theirs), start=1):
        for k in b:
            assert a[k].dtype == np.float32, (k, a[k].dtype)
            np.testing.assert_allclose(
                a[k], b[k], rtol=rtol, atol=atol, err_msg=f"param {k!r} after step {step}"
            )
    # the run must actually move the parameters, or the comparison proves nothing
    moved = max(float(np.max(np.abs(theirs[-1][k] - INIT[k]))) for k in INIT)
    assert moved > 1e-3, f"torch's parameters barely moved ({moved}); the test is vacuous"
