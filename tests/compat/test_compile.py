"""compat.compile: N compiled steps leave every Python object exactly as N eager steps do."""
import warnings

import numpy as np
import pytest

import compat
from compat import nn
from compat.nn import functional as F

RNG = np.random.default_rng(0)


def _batches(n, batch=16, feat=(20,), classes=5, last=None):
    out = []
    for i in range(n):
        b = last if (last is not None and i == n - 1) else batch
        out.append((compat.tensor(RNG.standard_normal((b, *feat)).astype(np.float32)),
                    compat.tensor(RNG.integers(0, classes, b))))
    return out


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(20, 32)
        self.fc2 = nn.Linear(32, 5)

    def forward(self, x):
        return F.log_softmax(self.fc2(F.relu(self.fc1(x))), dim=1)


class DropNet(nn.Module):
    def __init__(self):
        super().__init__()
        # No conv bias before BatchNorm: its gradient is pure rounding noise, which Adam
        # would amplify into lr-sized steps that differ between any two summation orders.
        self.conv = nn.Conv2d(1, 4, 3, bias=False)
        self.bn = nn.BatchNorm2d(4)
        self.drop = nn.Dropout(0.5)
        self.fc = nn.Linear(4 * 6 * 6, 5)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)
        x = self.drop(compat.flatten(x, 1))
        return F.log_softmax(self.fc(x), dim=1)


def _snapshot(model, opt):
    snap = {f"p:{k}": v.detach().numpy().copy() for k, v in model.state_dict().items()}
    for k, p in model.named_parameters():
        snap[f"g:{k}"] = None if p.grad is None else p.grad.numpy().copy()
    for pid, st in opt.state_dict()["state"].items():
        for k, v in st.items():
            snap[f"s:{pid}:{k}"] = np.asarray(v.numpy() if hasattr(v, "numpy") else v).copy()
    return snap


def _train(make_model, make_opt, batches, compiled, seed=0, sched=None):
    compat.manual_seed(seed)
    model = make_model()
    opt = make_opt(model.parameters())
    scheduler = sched(opt) if sched else None
    crit = F.nll_loss

    def step(x, y):
        opt.zero_grad()
        loss = crit(model(x), y)
        loss.backward()
        opt.step()
        return loss

    fn = compat.compile(step) if compiled else step
    losses = []
    for x, y in batches:
        losses.append(fn(x, y).item())
        if scheduler:
            scheduler.step()
    return losses, _snapshot(model, opt), fn


def _assert_same(a, b, rtol=1e-5, atol=1e-6):
    assert a.keys() == b.keys()
    for k in a:
        if a[k] is None or b[k] is None:
            assert a[k] is None and b[k] is None, k
        else:
            np.testing.assert_allclose(a[k], b[k], rtol=rtol, atol=atol, err_msg=k)


def test_mlp_sgd_momentum_compiled_equals_eager():
    batches = _batches(8)
    mk_opt = lambda p: compat.optim.SGD(p, lr=0.1, momentum=0.9)  # noqa: E731
    le, se, _ = _train(MLP, mk_opt, batches, compiled=False)
    lc, sc, fn = _train(MLP, mk_opt, batches, compiled=True)
    np.testing.assert_allclose(lc, le, rtol=1e-5)
    _assert_same(sc, se)
    assert fn.stats.compiles == 1 and fn.stats.eager_calls == 1 and fn.stats.fallback is None


def test_cnn_adam_dropout_batchnorm_same_rng_stream():
    batches = _batches(6, batch=8, feat=(1, 14, 14))
    mk_opt = lambda p: compat.optim.Adam(p, lr=1e-2)  # noqa: E731
    le, se, _ = _train(DropNet, mk_opt, batches, compiled=False, seed=3)
    lc, sc, fn = _train(DropNet, mk_opt, batches, compiled=True, seed=3)
    np.testing.assert_allclose(lc, le, rtol=1e-4)
    _assert_same(sc, se, rtol=1e-4, atol=1e-5)  # BN stats, num_batches_tracked, Adam state
    assert fn.stats.fallback is None


def test_scheduler_changes_lr_without_recompiling():
    batches = _batches(9)
    mk_opt = lambda p: compat.optim.SGD(p, lr=0.2, momentum=0.5)  # noqa: E731
    sched = lambda o: compat.optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5)  # noqa: E731
    le, se, _ = _train(MLP, mk_opt, batches, compiled=False, sched=sched)
    lc, sc, fn = _train(MLP, mk_opt, batches, compiled=True, sched=sched)
    np.testing.assert_allclose(lc, le, rtol=1e-5)
    _assert_same(sc, se)
    assert fn.stats.compiles == 1, fn.stats


def test_recompiles_only_for_the_last_short_batch():
    batches = _batches(7, last=5)
    mk_opt = lambda p: compat.optim.SGD(p, lr=0.1)  # noqa: E731
    le, se, _ = _train(MLP, mk_opt, batches, compiled=False)
    lc, sc, fn = _train(MLP, mk_opt, batches, compiled=True)
    np.testing.assert_allclose(lc, le, rtol=1e-5)
    _assert_same(sc, se)
    assert fn.stats.compiles == 2, fn.stats
    assert fn.stats.reasons == ["first compiled call", "shape/dtype change"]


def test_eval_under_no_grad_compiles_and_matches():
    compat.manual_seed(0)
    model = DropNet()
    model.eval()
    x = compat.tensor(RNG.standard_normal((4, 1, 14, 14)).astype(np.float32))

    @compat.compile
    def evaluate(x):
        with compat.no_grad():
            return model(x)

    eager = model(x).detach().numpy()
    for _ in range(3):
        out = evaluate(x)
    np.testing.assert_allclose(out.numpy(), eager, rtol=1e-5, atol=1e-6)
    assert evaluate.stats.compiles == 1


@pytest.mark.parametrize("inside", ["item", "print", "branch"])
def test_untraceable_code_falls_back_to_eager_with_one_warning(inside, capsys):
    batches = _batches(4)
    compat.manual_seed(0)
    model = MLP()
    opt = compat.optim.SGD(model.parameters(), lr=0.1)
    seen = []

    def step(x, y):
        opt.zero_grad()
        loss = F.nll_loss(model(x), y)
        if inside == "item":
            seen.append(loss.item())
        elif inside == "print":
            print(loss)
        elif loss > 100:  # Python branching on a tensor value
            loss = loss * 0
        loss.backward()
        opt.step()
        return loss

    fn = compat.compile(step)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        losses = [fn(x, y).item() for x, y in batches]
    msgs = [str(m.message) for m in w if "compat.compile" in str(m.message)]
    assert len(msgs) == 1 and "runs eagerly" in msgs[0]
    assert fn.stats.fallback is not None
    compat.manual_seed(0)
    model2 = MLP()
    opt2 = compat.optim.SGD(model2.parameters(), lr=0.1)
    ref = []
    for x, y in batches:
        opt2.zero_grad()
        loss = F.nll_loss(model2(x), y)
        loss.backward()
        opt2.step()
        ref.append(loss.item())
    np.testing.assert_allclose(losses, ref, rtol=1e-6)
    if inside == "item":
        assert len(seen) == 4  # every call really ran the Python code


def test_compiled_module_forward_and_backward_match_eager():
    compat.manual_seed(0)
    model = MLP()
    cmodel = compat.compile(model)
    x, y = _batches(1)[0]
    F.nll_loss(model(x), y).backward()
    ref = {k: p.grad.numpy().copy() for k, p in model.named_parameters()}
    model.zero_grad()
    out = cmodel(x)
    np.testing.assert_allclose(out.detach().numpy(), model(x).detach().numpy(), rtol=1e-6)
    F.nll_loss(out, y).backward()
    for k, p in model.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), ref[k], rtol=1e-5, atol=1e-7, err_msg=k)
    assert list(cmodel.state_dict()) == list(model.state_dict())


def test_decorator_forms_and_torch_arguments_accepted():
    @compat.compile(mode="max-autotune", dynamic=False)
    def f(x):
        return (x * 2).sum()

    x = compat.tensor([1.0, 2.0])
    assert f(x).item() == 6.0 and f(x).item() == 6.0
    assert f.stats.compiles == 1


def test_runner_compile_flag_prints_the_same_results_as_eager():
    import os
    import subprocess
    import sys

    script = os.path.join(os.path.dirname(__file__), "data", "torch_script_dropout_adam.py")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    outs = [subprocess.run([sys.executable, "-m", "compat.run", *flag, script], capture_output=True,
                           text=True, cwd=root, timeout=300) for flag in ([], ["--compile"])]
    for o in outs:
        assert o.returncode == 0, o.stderr
    lines = outs[0].stdout.splitlines()
    assert len(lines) == 11  # ten losses and the eval predictions
    assert outs[1].stdout == outs[0].stdout
