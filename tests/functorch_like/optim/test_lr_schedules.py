"""Schedules vs torch.optim.lr_scheduler's get_last_lr() over whole runs.

torch's schedulers step a recursive form in Python doubles; ours are closed forms in
float64 (x64 is on in the suite). Tolerance rtol 1e-10, atol 1e-15: products of up to
200 factors and the cosine recursion round differently in the last bits only.
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

from functorch_like import optim

RTOL, ATOL = 1e-10, 1e-15


def _torch_values(make_scheduler, steps, lr=0.1, opt_cls=torch.optim.SGD, read=None, **opt_kw):
    """[value after 0, 1, ..., steps-1 scheduler.step() calls]."""
    opt = opt_cls([torch.zeros(1, requires_grad=True)], lr=lr, **opt_kw)
    sched = make_scheduler(opt)
    read = read or (lambda: sched.get_last_lr()[0])
    values = [read()]
    for _ in range(steps - 1):
        opt.step()
        sched.step()
        values.append(read())
    return np.array(values, dtype=np.float64)


def _ours(schedule, steps):
    values = np.asarray(schedule(jnp.arange(steps)))
    # the same values one step at a time under jit (the way an optimizer evaluates it)
    jitted = jax.jit(schedule)
    for t in (0, steps // 3, steps - 1):
        np.testing.assert_allclose(float(jitted(t)), values[t], rtol=1e-14, atol=1e-18)
    return values


S = torch.optim.lr_scheduler
CASES = [
    ("step_lr", lambda o: S.StepLR(o, step_size=7), lambda: optim.step_lr(0.1, 7), 100),
    ("step_lr_gamma", lambda o: S.StepLR(o, 3, gamma=0.5), lambda: optim.step_lr(0.1, 3, 0.5), 60),
    ("multi_step", lambda o: S.MultiStepLR(o, [10, 30, 30, 55], 0.3), lambda: optim.multi_step_lr(0.1, [30, 10, 55, 30], 0.3), 80),
    ("exponential", lambda o: S.ExponentialLR(o, 0.97), lambda: optim.exponential_lr(0.1, 0.97), 200),
    ("cosine", lambda o: S.CosineAnnealingLR(o, T_max=50), lambda: optim.cosine_annealing_lr(0.1, 50), 50),
    ("cosine_past_T_max", lambda o: S.CosineAnnealingLR(o, 20, eta_min=1e-3), lambda: optim.cosine_annealing_lr(0.1, 20, 1e-3), 130),
    ("linear", lambda o: S.LinearLR(o), lambda: optim.linear_lr(0.1), 20),
    ("linear_down", lambda o: S.LinearLR(o, 1.0, 0.05, total_iters=40), lambda: optim.linear_lr(0.1, 1.0, 0.05, 40), 60),
    ("one_cycle", lambda o: S.OneCycleLR(o, max_lr=0.3, total_steps=100), lambda: optim.one_cycle_lr(0.3, 100), 101),
    ("one_cycle_linear_3phase", lambda o: S.OneCycleLR(o, 0.3, 90, pct_start=0.4, anneal_strategy="linear", three_phase=True, div_factor=10.0, final_div_factor=100.0),
     lambda: optim.one_cycle_lr(0.3, 90, pct_start=0.4, anneal_strategy="linear", three_phase=True, div_factor=10.0, final_div_factor=100.0), 91),
    ("one_cycle_epochs", lambda o: S.OneCycleLR(o, 0.3, epochs=4, steps_per_epoch=13, pct_start=0.25),
     lambda: optim.one_cycle_lr(0.3, pct_start=0.25, epochs=4, steps_per_epoch=13), 53),
]


@pytest.mark.parametrize("name,make_torch,make_ours,steps", CASES, ids=[c[0] for c in CASES])
def test_schedule_matches_torch(name, make_torch, make_ours, steps):
    theirs = _torch_values(make_torch, steps)
    ours = _ours(make_ours(), steps)
    assert ours.dtype == np.float64
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=ATOL)
    assert len(np.unique(np.round(theirs, 12))) > 2  # the schedule really changes


@pytest.mark.parametrize("kw", [dict(), dict(three_phase=True, anneal_strategy="linear", pct_start=0.4)])
def test_one_cycle_momentum_matches_torch(kw):
    steps = 100
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
    sched = S.OneCycleLR(opt, max_lr=0.3, total_steps=steps, base_momentum=0.8, max_momentum=0.9, **kw)
    momenta = [opt.param_groups[0]["momentum"]]
    for _ in range(steps):
        opt.step()
        sched.step()
        momenta.append(opt.param_groups[0]["momentum"])
    ours = _ours(optim.one_cycle_momentum(steps, base_momentum=0.8, max_momentum=0.9, **kw), steps + 1)
    np.testing.assert_allclose(ours, momenta, rtol=RTOL, atol=ATOL)


def test_one_cycle_beta1_matches_torch_adam():
    steps = 60
    opt = torch.optim.Adam([torch.zeros(1, requires_grad=True)], lr=0.1)
    sched = S.OneCycleLR(opt, max_lr=0.3, total_steps=steps)
    betas = [opt.param_groups[0]["betas"][0]]
    for _ in range(steps - 1):
        opt.step()
        sched.step()
        betas.append(opt.param_groups[0]["betas"][0])
    np.testing.assert_allclose(_ours(optim.one_cycle_momentum(steps), steps), betas, rtol=RTOL, atol=ATOL)


def test_per_epoch_holds_each_value_for_an_epoch():
    lr = optim.per_epoch(optim.step_lr(0.1, step_size=2, gamma=0.5), steps_per_epoch=10)
    values = np.asarray(lr(jnp.arange(60)))
    expected = np.repeat(_torch_values(lambda o: S.StepLR(o, 2, 0.5), 6), 10)
    np.testing.assert_allclose(values, expected, rtol=RTOL)


def test_schedule_values_do_not_promote_float32_params():
    """Weakly typed, like torch's Python-float lr: float32 * lr stays float32."""
    for schedule in (optim.step_lr(0.1, 3), optim.cosine_annealing_lr(0.1, 10), optim.one_cycle_lr(0.1, 10)):
        assert (jnp.ones(2, jnp.float32) * schedule(jnp.asarray(2))).dtype == jnp.float32


def test_one_cycle_past_total_steps():
    sched = optim.one_cycle_lr(0.1, total_steps=10)
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    tsched = S.OneCycleLR(opt, 0.1, total_steps=10)
    for _ in range(10):
        opt.step()
        tsched.step()
    opt.step()
    with pytest.raises(ValueError) as theirs:
        tsched.step()
    with pytest.raises(ValueError) as ours:
        sched(11)
    assert str(ours.value) == str(theirs.value)
    assert np.isnan(float(jax.jit(sched)(11)))  # traced: NaN, never a silent value


@pytest.mark.parametrize(
    "make_torch,make_ours",
    [
        (lambda o: S.LinearLR(o, start_factor=0.0), lambda: optim.linear_lr(0.1, start_factor=0.0)),
        (lambda o: S.LinearLR(o, start_factor=1.5), lambda: optim.linear_lr(0.1, start_factor=1.5)),
        (lambda o: S.LinearLR(o, end_factor=-0.1), lambda: optim.linear_lr(0.1, end_factor=-0.1)),
        (lambda o: S.OneCycleLR(o, 0.1, total_steps=0), lambda: optim.one_cycle_lr(0.1, total_steps=0)),
        (lambda o: S.OneCycleLR(o, 0.1), lambda: optim.one_cycle_lr(0.1)),
        (lambda o: S.OneCycleLR(o, 0.1, epochs=0, steps_per_epoch=3), lambda: optim.one_cycle_lr(0.1, epochs=0, steps_per_epoch=3)),
        (lambda o: S.OneCycleLR(o, 0.1, epochs=2, steps_per_epoch=-3), lambda: optim.one_cycle_lr(0.1, epochs=2, steps_per_epoch=-3)),
        (lambda o: S.OneCycleLR(o, 0.1, 10, pct_start=1.5), lambda: optim.one_cycle_lr(0.1, 10, pct_start=1.5)),
        (lambda o: S.OneCycleLR(o, 0.1, 10, pct_start=1), lambda: optim.one_cycle_lr(0.1, 10, pct_start=1)),
        (lambda o: S.OneCycleLR(o, 0.1, 10, anneal_strategy="exp"), lambda: optim.one_cycle_lr(0.1, 10, anneal_strategy="exp")),
    ],
)
def test_schedule_errors_equal_torch(make_torch, make_ours):
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
    with pytest.raises(ValueError) as theirs:
        make_torch(opt)
    with pytest.raises(ValueError) as ours:
        make_ours()
    assert str(ours.value) == str(theirs.value)


def test_step_lr_rejects_nonpositive_step_size():
    with pytest.raises(ValueError, match="step_size must be a positive integer, got 0"):
        optim.step_lr(0.1, 0)
