"""functorch_like.train against torch training loops (torch 2.13, CPU).

N steps of `make_train_step` from torch's initial weights on the same batches reproduce
torch's losses (float32, rtol 1e-4 / atol 1e-5: Adam's update divides by sqrt(v) + eps,
which amplifies the ~1e-7 rounding differences of the forward/backward sums) and final
parameters (atol 1e-4), with dropout off on both sides. Also: donation, the has_rng key
contract, a single compilation, eval-step loss sums / correct counts and accuracy vs
torch, and the CPU compile-options switch.
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from torch import nn as tnn

from parity import assert_close
from test_models import TorchCNN, torch_mlp

import functorch_like._perf as perf
from functorch_like import models, optim
from functorch_like.nn import functional as F
from functorch_like.train import accuracy, make_eval_step, make_train_step


def _params(module):
    return {k: jnp.asarray(v.detach().numpy().copy()) for k, v in module.state_dict().items()}


def _batches(shape, n, seed):
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal(shape).astype(np.float32), rng.integers(0, 10, shape[0]))
            for _ in range(n)]


def _torch_losses(module, opt, batches):
    losses = []
    for x, y in batches:
        opt.zero_grad()
        loss = TF.nll_loss(module(torch.tensor(x)), torch.tensor(y))
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


TRAJECTORIES = {  # name: (model, torch module, torch optimizer, our optimizer, input shape)
    "mlp_sgd_momentum": (models.mlp, torch_mlp,
                         lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9),
                         lambda: optim.sgd(0.05, momentum=0.9), (16, 784)),
    "cnn_adam": (models.mnist_cnn, TorchCNN, lambda p: torch.optim.Adam(p, lr=1e-3),
                 lambda: optim.adam(1e-3), (8, 1, 28, 28)),
}


@pytest.mark.parametrize("name", list(TRAJECTORIES))
def test_steps_match_torch_training(name):
    model, make_module, make_topt, make_tx, shape = TRAJECTORIES[name]
    torch.manual_seed(0)
    module = make_module()
    module.eval()  # dropout off (the CNN); our step with has_rng=False calls apply(params, x)
    params = _params(module)
    b0, b1 = _batches(shape, 2, seed=1)
    batches = [b0, b1, b0, b1, b0]  # recycled, so the loss on b0 must fall
    theirs = _torch_losses(module, make_topt(module.parameters()), batches)

    tx = make_tx()
    step = make_train_step(model.apply, F.nll_loss, tx)
    state = tx.init(params)
    ours = []
    for x, y in batches:
        params, state, loss = step(params, state, jnp.asarray(x), jnp.asarray(y))
        assert loss.dtype == jnp.float32
        ours.append(float(loss))
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)
    assert theirs[-1] < theirs[0]  # the trajectory actually moved
    for k, v in module.state_dict().items():
        assert_close(params[k], v, rtol=1e-4, atol=1e-4, msg=k)


def test_step_donates_and_compiles_once():
    traces = []

    def apply(params, x):
        traces.append(1)
        return models.simple_net.apply(params, x)

    tx = optim.sgd(0.1)
    step = make_train_step(apply, F.cross_entropy, tx)
    params = models.simple_net.init(jax.random.key(0))
    state = tx.init(params)
    x = jnp.ones((4, 10), jnp.float32)
    y = jnp.array([0, 1, 1, 0])
    old = params
    for _ in range(3):
        params, state, _ = step(params, state, x, y)
    assert len(traces) == 1
    assert old["fc1.weight"].is_deleted()  # donated: buffers reused for the new params


def _dropout_net(params, x, *, train=False, key=None):
    """simple_net with dropout on its input: a small model that needs a key to train."""
    return models.simple_net.apply(params, F.dropout(x, 0.5, train, key=key))


def test_has_rng_key_contract():
    tx = optim.adam(1e-2)
    params = models.simple_net.init(jax.random.key(0))
    x = jnp.asarray(np.random.default_rng(0).standard_normal((8, 10)), jnp.float32)
    y = jnp.array([0, 1] * 4)
    step = make_train_step(_dropout_net, F.cross_entropy, tx, has_rng=True)
    with pytest.raises(ValueError, match="has_rng=True"):
        step(params, tx.init(params), x, y)
    results = []
    for seed in (1, 1, 2):
        p = jax.tree.map(jnp.copy, params)
        p, _, loss = step(p, tx.init(p), x, y, key=jax.random.key(seed))
        results.append((float(loss), np.asarray(p["fc1.weight"])))
    assert results[0][0] == results[1][0]
    np.testing.assert_array_equal(results[0][1], results[1][1])
    assert results[0][0] != results[2][0]  # a different dropout mask
    plain = make_train_step(_dropout_net, F.cross_entropy, tx)
    with pytest.raises(ValueError, match="has_rng=False"):
        plain(params, tx.init(params), x, y, key=jax.random.key(0))
    # without has_rng the model runs in eval mode: the loss is the plain forward's
    _, _, loss = plain(jax.tree.map(jnp.copy, params), tx.init(params), x, y)
    expected = F.cross_entropy(models.simple_net.apply(params, x), y)
    assert float(loss) == pytest.approx(float(expected), rel=1e-6)


def test_eval_step_and_accuracy_match_torch():
    torch.manual_seed(0)
    module = torch_mlp().eval()
    params = _params(module)
    (x, y), = _batches((50, 784), 1, seed=3)
    with torch.no_grad():
        out = module(torch.tensor(x))
        loss_sum = TF.nll_loss(out, torch.tensor(y), reduction="sum").item()
        correct = (out.argmax(1) == torch.tensor(y)).sum().item()
    y[:correct + 3] = np.asarray(out.argmax(1))[:correct + 3]  # make some rows right
    with torch.no_grad():
        loss_sum = TF.nll_loss(out, torch.tensor(y), reduction="sum").item()
        correct = (out.argmax(1) == torch.tensor(y)).sum().item()
    eval_step = make_eval_step(models.mlp.apply, F.nll_loss)
    ours_loss, ours_correct = eval_step(params, jnp.asarray(x), jnp.asarray(y))
    assert int(ours_correct) == correct
    assert float(ours_loss) == pytest.approx(loss_sum, rel=1e-5)
    halves = [(x[:25], y[:25]), (x[25:], y[25:])]
    assert accuracy(models.mlp.apply, params, halves) == pytest.approx(correct / 50)
    with pytest.raises(ValueError, match="no batches"):
        accuracy(models.mlp.apply, params, [])


def test_cpu_compile_options_switch(monkeypatch):
    monkeypatch.delenv("FUNCTORCH_LIKE_CPU_TUNING", raising=False)
    monkeypatch.setenv("XLA_FLAGS", "")
    # this jaxlib (0.10) knows the dots-only value, so the first candidate is chosen
    assert perf.cpu_compiler_options() == {
        "xla_cpu_experimental_ynn_fusion_type": "LIBRARY_FUSION_TYPE_INDIVIDUAL_DOT"}
    monkeypatch.setenv("FUNCTORCH_LIKE_CPU_TUNING", "0")
    assert perf.cpu_compiler_options() == {}
    monkeypatch.delenv("FUNCTORCH_LIKE_CPU_TUNING")
    monkeypatch.setenv("XLA_FLAGS", "--xla_cpu_experimental_ynn_fusion_type=dot")
    assert perf.cpu_compiler_options() == {}  # the user's flag wins
    assert not perf._option_supported("xla_cpu_no_such_option_exists", "")
    assert not perf._option_supported("xla_cpu_experimental_ynn_fusion_type", "NOT_AN_ENUM")


def test_platform_jit_compiles_per_platform():
    f = perf.platform_jit(lambda a: a * 2)
    assert np.asarray(f(jnp.ones(3, jnp.float32))).tolist() == [2.0, 2.0, 2.0]
    assert set(f.variants) == {jax.default_backend()}
