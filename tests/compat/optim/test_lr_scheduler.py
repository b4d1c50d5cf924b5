"""compat.optim.lr_scheduler against torch's schedulers: get_last_lr over whole runs."""
import pytest
import torch

import compat

SCHEDS = [
    ("StepLR", dict(step_size=7, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[5, 12, 12, 30], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.95)),
    ("CosineAnnealingLR", dict(T_max=20, eta_min=0.001)),
    ("LinearLR", dict(start_factor=0.25, end_factor=0.9, total_iters=15)),
    ("LambdaLR", dict(lr_lambda=lambda e: 1.0 / (1 + e))),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=60)),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=60, three_phase=True, anneal_strategy="linear")),
]


def _drive(lib, name, kwargs, opt_name, steps):
    p = lib.tensor([1.0], requires_grad=True)
    opt = getattr(lib.optim, opt_name)([p], lr=0.1, **({"momentum": 0.9} if opt_name == "SGD" else {}))
    sched = getattr(lib.optim.lr_scheduler, name)(opt, **kwargs)
    lrs, moms = [sched.get_last_lr()[0]], []
    for _ in range(steps):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
        g = opt.param_groups[0]
        moms.append(g["betas"][0] if "betas" in g else g["momentum"])
    return lrs, moms


@pytest.mark.parametrize("name,kwargs", SCHEDS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(SCHEDS)])
@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
def test_lrs_match_torch_over_the_run(name, kwargs, opt_name):
    steps = 59 if name == "OneCycleLR" else 50
    ours = _drive(compat, name, kwargs, opt_name, steps)
    theirs = _drive(torch, name, kwargs, opt_name, steps)
    assert ours[0] == pytest.approx(theirs[0], rel=1e-6, abs=1e-12)
    assert ours[1] == pytest.approx(theirs[1], rel=1e-6, abs=1e-12)


def test_reduce_on_plateau_matches_torch():
    metrics = [1.0, 0.9, 0.91, 0.92, 0.93, 0.95, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1]
    out = []
    for lib in (compat, torch):
        p = lib.tensor([1.0], requires_grad=True)
        opt = lib.optim.SGD([p], lr=0.1)
        s = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=2, factor=0.5, cooldown=1)
        lrs = []
        for m in metrics:
            s.step(m)
            lrs.append(opt.param_groups[0]["lr"])
        out.append(lrs)
    assert out[0] == pytest.approx(out[1])


def test_scheduler_state_dict_round_trip():
    p = compat.tensor([1.0], requires_grad=True)
    opt = compat.optim.SGD([p], lr=0.1)
    s = compat.optim.lr_scheduler.StepLR(opt, step_size=3)
    for _ in range(4):
        s.step()
    sd = s.state_dict()
    s2 = compat.optim.lr_scheduler.StepLR(compat.optim.SGD([p], lr=0.1), step_size=99)
    s2.load_state_dict(sd)
    assert s2.last_epoch == 4 and s2.step_size == 3
