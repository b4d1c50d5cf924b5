"""Optimizer state vs torch's `optimizer.state`, loading torch's state, and changing
hyperparameters between steps (torch's `param_group[...] = x`) without recompiling.

Tolerances as the trajectories: rtol 1e-5, atol 1e-6 (float32), with a state entry's
atol scaled by its largest magnitude (1e-6 * max(1, max|entry|)): a momentum buffer of
RMSprop sums O(1)-sized normalised steps (entries up to ~8 here) whose cancellations
leave small elements with the absolute rounding of the large ones.
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

from functorch_like import optim
from optim_parity import (
    INIT,
    STEPS,
    assert_trajectories_close,
    jax_trajectory,
    runner,
    torch_trajectory,
)

NAMES = list(INIT)  # torch's param list is in this order

FAMILIES = [
    ("sgd", dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.1), {"momentum_buffer"}),
    ("adam", dict(lr=0.01, amsgrad=True), {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}),
    ("adamw", dict(lr=0.01), {"step", "exp_avg", "exp_avg_sq"}),
    ("adagrad", dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.2), {"step", "sum"}),
    ("rmsprop", dict(lr=0.003, momentum=0.9, centered=True), {"step", "square_avg", "grad_avg", "momentum_buffer"}),
    ("rmsprop", dict(lr=0.003), {"step", "square_avg"}),
    ("adadelta", dict(lr=1.0, rho=0.95), {"step", "square_avg", "acc_delta"}),
    # decays near 1: `1 - decay` must be formed in double precision, as torch does
    ("adam", dict(lr=0.01, betas=(0.9, 0.9999)), {"step", "exp_avg", "exp_avg_sq"}),
    ("rmsprop", dict(lr=0.003, alpha=0.999), {"step", "square_avg"}),
    ("adadelta", dict(rho=0.999), {"step", "square_avg", "acc_delta"}),
]
STATIC = ("nesterov", "maximize", "amsgrad", "centered")


def _structure(family, kw):
    """The same key as the trajectory tests: configs share compiled runs."""
    return (family,) + tuple(kw.get(flag, False) for flag in STATIC)
TORCH = {
    "sgd": torch.optim.SGD,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "adagrad": torch.optim.Adagrad,
    "rmsprop": torch.optim.RMSprop,
    "adadelta": torch.optim.Adadelta,
}


def _torch_entries(opt, params):
    """{entry: {param name: numpy}} (and 'step' as a float) from torch's optimizer."""
    out = {}
    for name in NAMES:
        for entry, value in opt.state[params[name]].items():
            if entry == "step":
                out["step"] = float(value)
            else:
                out.setdefault(entry, {})[name] = value.detach().numpy().copy()
    return out


@pytest.mark.parametrize("family,kw,entries", FAMILIES, ids=[f[0] + str(i) for i, f in enumerate(FAMILIES)])
def test_state_entries_equal_torch(family, kw, entries):
    _, opt, params = torch_trajectory(lambda ps: TORCH[family](ps, **kw))
    _, state = jax_trajectory(getattr(optim, family)(**kw), structure_key=_structure(family, kw))
    theirs = _torch_entries(opt, params)
    ours = optim.torch_state(state)
    assert set(ours) == set(theirs) == entries
    for entry, value in theirs.items():
        if entry == "step":
            assert int(ours["step"]) == value == STEPS
            continue
        for name in NAMES:
            atol = 1e-6 * max(1.0, float(np.abs(value[name]).max()))
            np.testing.assert_allclose(ours[entry][name], value[name], rtol=1e-5, atol=atol, err_msg=f"{entry}[{name}]")


@pytest.mark.parametrize("family,kw,entries", FAMILIES, ids=[f[0] + str(i) for i, f in enumerate(FAMILIES)])
def test_loading_torch_state_midway_continues_like_torch(family, kw, entries):
    half = STEPS // 2
    first, opt, params = torch_trajectory(lambda ps: TORCH[family](ps, **kw), steps=half)
    loaded = _torch_entries(opt, params)
    tx = getattr(optim, family)(**kw)
    state = optim.load_torch_state(tx.init({k: jnp.asarray(v) for k, v in INIT.items()}), **loaded)
    assert set(optim.torch_state(state)) == entries
    theirs, _, _ = torch_trajectory(None, steps=half, start=(params, opt, half))
    # the 100-step run compiled for the trajectory tests, from step 50; its first half
    # is the continuation
    ours, _ = jax_trajectory(tx, _structure(family, kw), start=(first[-1], state, half))
    assert_trajectories_close(ours[:half], theirs)


def test_changing_hyperparameters_midway_matches_torch_without_recompiling():
    """lr, momentum and weight_decay changed after 50 steps, as `param_group[k] = v`;
    momentum goes 0 -> 0.9, so torch creates the buffer from that step's gradient."""
    half = STEPS // 2
    first, opt, params = torch_trajectory(lambda ps: torch.optim.SGD(ps, lr=0.05), steps=half)
    opt.param_groups[0].update(lr=0.02, momentum=0.9, weight_decay=0.1)
    second, _, _ = torch_trajectory(None, steps=half, start=(params, opt, half))

    tx = optim.sgd(lr=0.05)
    ours1, state = jax_trajectory(tx, structure_key="sgd-change", steps=half)
    assert "momentum_buffer" not in optim.torch_state(state)
    state = optim.set_hyperparams(state, lr=0.02, momentum=0.9, weight_decay=0.1)
    ours2, state = jax_trajectory(tx, structure_key="sgd-change", steps=half, start=(ours1[-1], state, half))
    assert_trajectories_close(ours1 + ours2, first + second)
    assert runner("sgd-change", tx, 1.0, half)._cache_size() == 1  # one compile for both halves
    assert state.hyperparams["lr"].dtype == jnp.float64  # torch-like Python-double scalars (x64)


def test_adam_betas_changed_midway_match_torch():
    half = STEPS // 2
    first, opt, params = torch_trajectory(lambda ps: torch.optim.Adam(ps, lr=0.01), steps=half)
    opt.param_groups[0].update(betas=(0.5, 0.9), eps=1e-6)
    second, _, _ = torch_trajectory(None, steps=half, start=(params, opt, half))
    tx = optim.adam(lr=0.01)
    ours1, state = jax_trajectory(tx, structure_key="adam-change", steps=half)
    state = optim.set_hyperparams(state, beta1=0.5, beta2=0.9, eps=1e-6)
    ours2, _ = jax_trajectory(tx, structure_key="adam-change", steps=half, start=(ours1[-1], state, half))
    assert_trajectories_close(ours1 + ours2, first + second)


def test_state_absent_entries_like_torch():
    params = {"w": jnp.zeros(3)}
    assert optim.torch_state(optim.sgd(lr=0.1).init(params)) == {}  # SGD: no step, no buffer yet
    assert set(optim.torch_state(optim.rmsprop(momentum=0).init(params))) == {"step", "square_avg"}
    assert set(optim.torch_state(optim.adam().init(params))) == {"step", "exp_avg", "exp_avg_sq"}


def test_set_hyperparams_errors():
    state = optim.sgd(lr=optim.exponential_lr(0.1, 0.9)).init({"w": jnp.zeros(2)})
    with pytest.raises(KeyError, match="unknown hyperparameter 'betas'"):
        optim.set_hyperparams(state, betas=(0.9, 0.99))
    with pytest.raises(ValueError, match="'lr' is driven by a schedule"):
        optim.set_hyperparams(state, lr=0.1)


def test_load_torch_state_errors():
    state = optim.adam().init({"w": jnp.zeros(3)})
    with pytest.raises(KeyError, match="keeps no 'momentum_buffer'"):
        optim.load_torch_state(state, momentum_buffer={"w": jnp.zeros(3)})
    with pytest.raises(KeyError, match="unknown torch optimizer state entry 'bogus'"):
        optim.load_torch_state(state, bogus=1)
    with pytest.raises(ValueError, match=r"'exp_avg': shape \(4,\) does not match the state's \(3,\)"):
        optim.load_torch_state(state, exp_avg={"w": jnp.zeros(4)})


def test_update_without_params_is_an_error():
    tx = optim.sgd(lr=0.1)
    state = tx.init({"w": jnp.zeros(2)})
    with pytest.raises(ValueError, match=r"sgd: update\(grads, state, params\) needs the current params"):
        tx.update({"w": jnp.ones(2)}, state)


def test_works_with_x64_disabled():
    with jax.enable_x64(False):
        params = {"w": jnp.ones(3, jnp.float32)}
        for tx in (optim.adam(), optim.sgd(0.1, momentum=0.9), optim.rmsprop(centered=True)):
            state = tx.init(params)
            updates, state = jax.jit(tx.update)({"w": jnp.ones(3, jnp.float32)}, state, params)
            assert updates["w"].dtype == jnp.float32
            assert state.hyperparams["lr"].dtype == jnp.float32  # the widest float without x64
