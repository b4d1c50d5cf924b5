"""compat.optim trajectories against torch.optim: 100 steps, every optimizer and option set."""
import numpy as np
import pytest
import torch

import compat
from tests.parity import assert_close

CASES = [
    ("SGD", dict(lr=0.05)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, maximize=False)),
    ("SGD", dict(lr=0.01, momentum=0.5, maximize=True)),
    ("Adam", dict(lr=1e-2)),
    ("Adam", dict(lr=1e-2, weight_decay=0.1, amsgrad=True)),
    ("Adam", dict(lr=1e-2, betas=(0.8, 0.9), eps=1e-6, maximize=True)),
    ("AdamW", dict(lr=1e-2)),
    ("AdamW", dict(lr=1e-2, weight_decay=0.1, amsgrad=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, weight_decay=0.01)),
    ("Adagrad", dict(lr=0.05, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1)),
    ("RMSprop", dict(lr=1e-3)),
    ("RMSprop", dict(lr=1e-3, momentum=0.9, centered=True, weight_decay=0.01)),
]


def _problem(seed):
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((4, 3)).astype(np.float32)
    b = rng.standard_normal(3).astype(np.float32)
    x = rng.standard_normal((8, 4)).astype(np.float32)
    y = rng.standard_normal((8, 3)).astype(np.float32)
    return w, b, x, y


def _run(lib, name, kwargs, steps, w, b, x, y, groups=False):
    W, B = lib.tensor(w, requires_grad=True), lib.tensor(b, requires_grad=True)
    X, Y = lib.tensor(x), lib.tensor(y)
    params = [{"params": [W]}, {"params": [B], "lr": kwargs.get("lr", 1.0) * 0.5}] if groups else [W, B]
    opt = getattr(lib.optim, name)(params, **kwargs)
    traj = []
    for _ in range(steps):
        opt.zero_grad()
        loss = ((X @ W + B - Y) ** 2).mean()
        loss.backward()
        opt.step()
        traj.append(W.detach().numpy().copy())
    return traj, opt, (W, B)


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_trajectory_matches_torch_for_100_steps(name, kwargs):
    data = _problem(0)
    ours, _, _ = _run(compat, name, kwargs, 100, *data)
    theirs, _, _ = _run(torch, name, kwargs, 100, *data)
    for i, (a, b) in enumerate(zip(ours, theirs)):
        # float32 arithmetic in a different order: 1e-5 relative, with an absolute floor for
        # entries that pass near zero.
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=f"step {i}")


def test_param_groups_with_per_group_lr():
    data = _problem(1)
    ours, opt_c, _ = _run(compat, "SGD", dict(lr=0.1, momentum=0.9), 30, *data, groups=True)
    theirs, opt_t, _ = _run(torch, "SGD", dict(lr=0.1, momentum=0.9), 30, *data, groups=True)
    np.testing.assert_allclose(ours[-1], theirs[-1], rtol=1e-5, atol=1e-6)
    assert [g["lr"] for g in opt_c.param_groups] == [g["lr"] for g in opt_t.param_groups]


@pytest.mark.parametrize("name,kwargs", [("SGD", dict(lr=0.05, momentum=0.9)), ("Adam", dict(lr=1e-2, amsgrad=True)),
                                         ("RMSprop", dict(lr=1e-3, momentum=0.9, centered=True))])
def test_state_dict_matches_torch_layout_and_values(name, kwargs):
    data = _problem(2)
    _, opt_c, _ = _run(compat, name, kwargs, 5, *data)
    _, opt_t, _ = _run(torch, name, kwargs, 5, *data)
    sc, st = opt_c.state_dict(), opt_t.state_dict()
    assert sc["param_groups"][0].keys() >= {k for k in st["param_groups"][0] if k not in
                                             ("foreach", "fused", "capturable", "differentiable", "decoupled_weight_decay")}
    assert set(sc["state"]) == set(st["state"])
    for pid in st["state"]:
        assert set(sc["state"][pid]) == set(st["state"][pid])
        for k, v in st["state"][pid].items():
            assert_close(sc["state"][pid][k], v, rtol=1e-5, atol=1e-7, msg=k)


def test_load_state_dict_resumes_identically():
    data = _problem(3)
    full, _, _ = _run(compat, "Adam", dict(lr=1e-2), 10, *data)
    w, b, x, y = data
    W, B = compat.tensor(w, requires_grad=True), compat.tensor(b, requires_grad=True)
    X, Y = compat.tensor(x), compat.tensor(y)
    opt = compat.optim.Adam([W, B], lr=1e-2)
    for i in range(10):
        if i == 5:  # rebuild the optimizer from its state_dict midway
            sd = opt.state_dict()
            opt = compat.optim.Adam([W, B], lr=1e-2)
            opt.load_state_dict(sd)
        opt.zero_grad()
        ((X @ W + B - Y) ** 2).mean().backward()
        opt.step()
    np.testing.assert_allclose(W.detach().numpy(), full[-1], rtol=1e-6)


def test_zero_grad_set_to_none_and_zeros():
    W = compat.tensor([1.0, 2.0], requires_grad=True)
    opt = compat.optim.SGD([W], lr=0.1)
    (W * W).sum().backward()
    opt.zero_grad(set_to_none=False)
    assert_close(W.grad, np.zeros(2, np.float32))
    opt.zero_grad()
    assert W.grad is None


def test_step_with_closure_returns_loss():
    W = compat.tensor([1.0, 2.0], requires_grad=True)
    opt = compat.optim.SGD([W], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (W * W).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert loss.item() == 5.0
    assert_close(W, np.array([0.8, 1.6], np.float32))


@pytest.mark.parametrize("make,match", [
    (lambda p: compat.optim.SGD(p, lr=-1.0), "Invalid learning rate: -1.0"),
    (lambda p: compat.optim.SGD(p, lr=0.1, nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    (lambda p: compat.optim.Adam(p, betas=(1.0, 0.9)), "Invalid beta parameter at index 0"),
    (lambda p: compat.optim.SGD([], lr=0.1), "optimizer got an empty parameter list"),
])
def test_invalid_hyperparameters_raise_torchs_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make([compat.tensor([1.0], requires_grad=True)] if "empty" not in match else [])
