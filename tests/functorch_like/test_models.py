"""functorch_like.models against the torch modules they mirror (torch 2.13, CPU).

Per model: init gives torch's state_dict keys (same order), shapes and dtypes, with
torch's default-init bounds; torch's own state_dict loaded into params gives torch's
eval-mode outputs (float32: rtol/atol 1e-5) and gradients of a seeded sum w.r.t. every
parameter and the input (rtol 1e-5, atol 1e-5; the CNN's conv/fc1 weight gradients sum
over thousands of products, hence atol 1e-4 there, the same as the conv2d op tests).
Dropout: deterministic per key, off in eval, required key in train mode.
"""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from torch import nn as tnn

from parity import assert_close

from functorch_like import models


class TorchSimpleClassifier(tnn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = tnn.Linear(784, 128), tnn.Linear(128, 10)

    def forward(self, x):
        return self.fc2(TF.relu(self.fc1(x.view(x.size(0), -1))))


class TorchSimpleNet(tnn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = tnn.Linear(10, 5), tnn.Linear(5, 2)

    def forward(self, x):
        return self.fc2(TF.relu(self.fc1(x)))


class TorchCNN(tnn.Module):
    """PyTorch's examples/mnist Net, verbatim."""

    def __init__(self):
        super().__init__()
        self.conv1 = tnn.Conv2d(1, 32, 3, 1)
        self.conv2 = tnn.Conv2d(32, 64, 3, 1)
        self.dropout1 = tnn.Dropout(0.25)
        self.dropout2 = tnn.Dropout(0.5)
        self.fc1 = tnn.Linear(9216, 128)
        self.fc2 = tnn.Linear(128, 10)

    def forward(self, x):
        x = TF.relu(self.conv1(x))
        x = TF.relu(self.conv2(x))
        x = TF.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = TF.relu(self.fc1(x))
        x = self.dropout2(x)
        return TF.log_softmax(self.fc2(x), dim=1)


def torch_mlp():
    return tnn.Sequential(tnn.Linear(784, 128), tnn.ReLU(), tnn.Linear(128, 64), tnn.ReLU(),
                          tnn.Linear(64, 10), tnn.LogSoftmax(dim=1))


CASES = {  # name: (our model, torch constructor, input shape)
    "mlp": (models.mlp, torch_mlp, (4, 784)),
    "simple_classifier": (models.simple_classifier, TorchSimpleClassifier, (4, 1, 28, 28)),
    "simple_net": (models.simple_net, TorchSimpleNet, (6, 10)),
    "mnist_cnn": (models.mnist_cnn, TorchCNN, (2, 1, 28, 28)),
}
GRAD_ATOL = {"mnist_cnn": 1e-4}


@pytest.fixture(scope="module", params=list(CASES))
def case(request):
    name = request.param
    model, make_torch, shape = CASES[name]
    torch.manual_seed(0)
    module = make_torch()
    return name, model, module, shape


def test_init_matches_state_dict_layout(case):
    name, model, module, _ = case
    params = model.init(jax.random.key(0))
    theirs = module.state_dict()
    assert list(params) == list(theirs), name
    for k, v in theirs.items():
        assert params[k].shape == tuple(v.shape), k
        assert params[k].dtype == jnp.float32, k


def test_init_uses_torch_bounds(case):
    """Every entry within torch's U(+-1/sqrt(fan_in)) bound and spread over it like torch's."""
    name, model, module, _ = case
    params = model.init(jax.random.key(1))
    for k, v in module.state_dict().items():
        weight = module.state_dict()[k.rsplit(".", 1)[0] + ".weight"]
        bound = 1 / math.sqrt(weight[0].numel())  # fan_in = in_features * kernel area
        ours = np.asarray(params[k])
        assert np.abs(ours).max() <= bound * (1 + 1e-6), k
        if ours.size >= 100:  # U(-b, b): std b/sqrt(3); torch's sample agrees to a few %
            assert ours.std() == pytest.approx(v.numpy().std(), rel=0.1), k
            assert ours.std() == pytest.approx(bound / math.sqrt(3), rel=0.1), k


def test_init_dtype_and_key():
    p64 = models.mnist_cnn.init(jax.random.key(0), dtype=jnp.float64)
    assert all(v.dtype == jnp.float64 for v in p64.values())
    a, b = models.mlp.init(jax.random.key(0)), models.mlp.init(jax.random.key(1))
    assert not np.array_equal(a["0.weight"], b["0.weight"])
    np.testing.assert_array_equal(a["0.weight"], models.mlp.init(jax.random.key(0))["0.weight"])


def _as_params(module):
    return {k: jnp.asarray(v.detach().numpy()) for k, v in module.state_dict().items()}


def test_outputs_and_grads_match_torch(case):
    name, model, module, shape = case
    module.eval()
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(np.float32)
    params = _as_params(module)
    out = model.apply(params, jnp.asarray(x))
    seed = rng.standard_normal(out.shape).astype(np.float32)

    tx = torch.tensor(x, requires_grad=True)
    t_out = module(tx)
    t_grads = torch.autograd.grad(t_out, [tx, *module.parameters()], torch.tensor(seed))
    assert_close(out, t_out, rtol=1e-5, atol=1e-5, check_dtype=True, msg=f"{name} output")

    def weighted(p, xx):
        return jnp.sum(model.apply(p, xx) * seed)

    g_params, g_x = jax.grad(weighted, argnums=(0, 1))(params, jnp.asarray(x))
    atol = GRAD_ATOL.get(name, 1e-5)
    assert_close(g_x, t_grads[0], rtol=1e-5, atol=atol, msg=f"{name} d input")
    for (k, _), tg in zip(module.named_parameters(), t_grads[1:]):
        assert_close(g_params[k], tg, rtol=1e-5, atol=atol, msg=f"{name} d {k}")


def test_cnn_dropout_needs_key_and_is_keyed():
    params = models.mnist_cnn.init(jax.random.key(0))
    x = jnp.asarray(np.random.default_rng(1).standard_normal((3, 1, 28, 28)), jnp.float32)
    with pytest.raises(ValueError, match="needs key"):
        models.mnist_cnn.apply(params, x, train=True)
    apply = jax.jit(models.mnist_cnn.apply, static_argnames="train")
    a = apply(params, x, train=True, key=jax.random.key(1))
    b = apply(params, x, train=True, key=jax.random.key(1))
    c = apply(params, x, train=True, key=jax.random.key(2))
    ev = apply(params, x)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    assert not np.allclose(a, ev)
    # each row is still a log-distribution
    assert_close(jnp.exp(a).sum(1), np.ones(3, np.float32), atol=1e-5)


def test_cnn_dropout_rates_are_torchs():
    """dropout1 drops ~25% of the 9216 pooled features, dropout2 ~50% of fc1's 128 units.

    Large positive biases keep every ReLU active, so for one example a zero column of
    d(out)/d(fc1.weight) marks a feature dropped by dropout1, and a zero column of
    d(out)/d(fc2.weight) a unit dropped by dropout2.
    """
    params = models.mnist_cnn.init(jax.random.key(0))
    params["conv2.bias"] = params["conv2.bias"] + 100.0  # conv2 outputs ~100 +- O(1)
    params["fc1.bias"] = params["fc1.bias"] + 1e4  # fc1 pre-activations ~1e4 +- O(100)
    x = jnp.asarray(np.random.default_rng(2).standard_normal((1, 1, 28, 28)), jnp.float32)
    @jax.jit
    def grads(p, key):
        return jax.grad(lambda q: models.mnist_cnn.apply(q, x, train=True, key=key)[0, 0])(p)

    for seed in range(3):
        g = grads(params, jax.random.key(seed))
        dropped1 = np.mean(np.all(np.asarray(g["fc1.weight"]) == 0, axis=0))
        dropped2 = np.mean(np.all(np.asarray(g["fc2.weight"]) == 0, axis=0))
        assert 0.22 < dropped1 < 0.28, dropped1  # binomial(9216, 0.25): sd 0.0045
        assert 0.3 < dropped2 < 0.7, dropped2  # binomial(128, 0.5): sd 0.044
    eval_grad = jax.grad(lambda p: models.mnist_cnn.apply(p, x)[0, 0])(params)
    assert not np.any(np.all(np.asarray(eval_grad["fc1.weight"]) == 0, axis=0))


def test_wrong_input_shape_raises_torchs_error():
    params = models.mlp.init(jax.random.key(0))
    x = np.zeros((2, 1, 28, 28), np.float32)
    with pytest.raises(RuntimeError) as theirs:
        torch_mlp()(torch.tensor(x))
    with pytest.raises(RuntimeError) as ours:
        models.mlp.apply(params, jnp.asarray(x))
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(RuntimeError, match="channels"):
        models.mnist_cnn.apply(models.mnist_cnn.init(jax.random.key(0)),
                               jnp.zeros((2, 3, 28, 28), jnp.float32))


def test_cnn_nchw_path_matches_torch_too(monkeypatch):
    """The NCHW ops path (used off CPU) gives torch's outputs and gradients as well."""
    from functorch_like.models import _cnn

    calls = []
    monkeypatch.setattr(_cnn, "_channels_last_ok", lambda p, x: calls.append(1) or False)
    torch.manual_seed(0)
    module = TorchCNN().eval()
    params = _as_params(module)
    x = np.random.default_rng(5).standard_normal((2, 1, 28, 28)).astype(np.float32)
    tx = torch.tensor(x, requires_grad=True)
    t_out = module(tx)
    t_grads = torch.autograd.grad(t_out.sum(), [tx, *module.parameters()])
    out, (g_params, g_x) = jax.value_and_grad(
        lambda p, xx: jnp.sum(models.mnist_cnn.apply(p, xx)), argnums=(0, 1))(params, jnp.asarray(x))
    assert calls  # the NCHW path really ran
    assert float(out) == pytest.approx(t_out.sum().item(), rel=1e-5)
    assert_close(g_x, t_grads[0], rtol=1e-5, atol=1e-4)
    for (k, _), tg in zip(module.named_parameters(), t_grads[1:]):
        assert_close(g_params[k], tg, rtol=1e-5, atol=1e-4, msg=k)


def test_cnn_uses_channels_last_on_cpu():
    from functorch_like.models import _cnn

    params = models.mnist_cnn.init(jax.random.key(0))
    x = jnp.zeros((2, 1, 28, 28), jnp.float32)
    assert _cnn._channels_last_ok(params, x) == (jax.default_backend() == "cpu")
    assert not _cnn._channels_last_ok(params, x[0])  # unbatched: the NCHW ops' rules
