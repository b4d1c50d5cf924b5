"""Parity of functorch_like.nn.init with torch.nn.init (distributions, fans, gains, layouts).

Random streams differ between the libraries, so the checks are on what torch fixes:
fans and gains exactly; bounds exactly (max |w| <= bound, and close to it for large
tensors); means/stds against the theoretical values AND against torch's own samples of
the same scheme, within statistical tolerances (n = 200k samples: the standard error of
a sample std is std / sqrt(2n) ~ 0.16%, so 2% is > 10 sigma and still catches a wrong
constant such as a missing sqrt(3) or gain); parameter names, shapes and dtypes exactly
as torch modules' state_dicts.
"""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

from functorch_like.nn import init

KEY = jax.random.key(0)
BIG = (400, 500)  # 200k samples
STAT_RTOL = 0.02

FAN_SHAPES = [(2, 3), (5, 1), (1, 7), (4, 3, 5), (8, 2, 3, 3), (6, 4, 1, 2, 3), (3, 2, 0), (0, 4)]


@pytest.mark.parametrize("shape", FAN_SHAPES)
def test_fans_equal_torch(shape):
    expected = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    assert init.calculate_fan_in_and_fan_out(shape) == expected
    assert init._calculate_fan_in_and_fan_out(jnp.zeros(shape)) == expected
    for mode in ("fan_in", "fan_out", "FAN_IN"):
        assert init.calculate_correct_fan(shape, mode) == torch.nn.init._calculate_correct_fan(
            torch.empty(shape), mode
        )


@pytest.mark.parametrize("shape", [(), (5,)])
def test_fans_error_below_two_dims(shape):
    with pytest.raises(ValueError) as theirs:
        torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    with pytest.raises(ValueError, match="fewer than 2 dimensions") as ours:
        init.calculate_fan_in_and_fan_out(shape)
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform(shape, key=KEY)


def test_bad_mode_message():
    with pytest.raises(ValueError) as theirs:
        torch.nn.init.kaiming_uniform_(torch.empty(3, 4), mode="fan_avg")
    with pytest.raises(ValueError, match="Mode fan_avg not supported") as ours:
        init.kaiming_uniform((3, 4), mode="fan_avg", key=KEY)
    assert str(ours.value) == str(theirs.value)


GAINS = [
    ("linear", None), ("conv1d", None), ("conv2d", None), ("conv3d", None),
    ("conv_transpose1d", None), ("conv_transpose2d", None), ("conv_transpose3d", None),
    ("sigmoid", None), ("tanh", None), ("relu", None), ("leaky_relu", None),
    ("leaky_relu", 0.2), ("leaky_relu", 1), ("leaky_relu", math.sqrt(5)), ("selu", None),
]


@pytest.mark.parametrize("nonlinearity,param", GAINS)
def test_gain_equals_torch(nonlinearity, param):
    ours = init.calculate_gain(nonlinearity, param)
    theirs = torch.nn.init.calculate_gain(nonlinearity, param)
    assert ours == theirs and type(ours) is type(theirs)


@pytest.mark.parametrize("nonlinearity,param", [("leaky_relu", True), ("leaky_relu", "x"), ("gelu", None)])
def test_gain_errors_equal_torch(nonlinearity, param):
    with pytest.raises(ValueError) as theirs:
        torch.nn.init.calculate_gain(nonlinearity, param)
    with pytest.raises(ValueError) as ours:
        init.calculate_gain(nonlinearity, param)
    assert str(ours.value) == str(theirs.value)


def _torch_sample(fn, shape, **kw):
    torch.manual_seed(0)
    return fn(torch.empty(shape), **kw).numpy()


# (our fn, torch fn, kwargs, theoretical std as function of (fan_in, fan_out), uniform bound or None)
def _kaiming_std(a, mode, nl):
    def std(fan_in, fan_out):
        fan = fan_in if mode == "fan_in" else fan_out
        return torch.nn.init.calculate_gain(nl, a) / math.sqrt(fan)
    return std


SCHEMES = [
    ("xavier_uniform", dict(gain=1.0), lambda fi, fo: math.sqrt(2.0 / (fi + fo)), True),
    ("xavier_uniform", dict(gain=5 / 3), lambda fi, fo: 5 / 3 * math.sqrt(2.0 / (fi + fo)), True),
    ("xavier_normal", dict(gain=2.0), lambda fi, fo: 2 * math.sqrt(2.0 / (fi + fo)), False),
    ("kaiming_uniform", dict(), _kaiming_std(0, "fan_in", "leaky_relu"), True),
    ("kaiming_uniform", dict(a=math.sqrt(5)), _kaiming_std(math.sqrt(5), "fan_in", "leaky_relu"), True),
    ("kaiming_uniform", dict(mode="fan_out", nonlinearity="relu"), _kaiming_std(0, "fan_out", "relu"), True),
    ("kaiming_normal", dict(), _kaiming_std(0, "fan_in", "leaky_relu"), False),
    ("kaiming_normal", dict(a=0.2, mode="fan_out"), _kaiming_std(0.2, "fan_out", "leaky_relu"), False),
    ("kaiming_normal", dict(nonlinearity="tanh"), _kaiming_std(0, "fan_in", "tanh"), False),
]


@pytest.mark.parametrize("name,kw,std_fn,is_uniform", SCHEMES)
def test_scheme_statistics_match_torch(name, kw, std_fn, is_uniform):
    shape = BIG
    ours = np.asarray(getattr(init, name)(shape, key=KEY, **kw))
    theirs = _torch_sample(getattr(torch.nn.init, name + "_"), shape, **kw)
    assert ours.shape == theirs.shape and ours.dtype == np.float32
    std = std_fn(*init.calculate_fan_in_and_fan_out(shape))
    for sample in (ours, theirs):
        assert abs(sample.std() / std - 1) < STAT_RTOL
        assert abs(sample.mean()) < 5 * std / math.sqrt(sample.size)
    assert abs(ours.std() / theirs.std() - 1) < STAT_RTOL
    if is_uniform:
        bound = math.sqrt(3) * std
        for sample in (ours, theirs):
            assert np.abs(sample).max() <= bound * (1 + 1e-6)
            assert np.abs(sample).max() > bound * 0.999
    else:  # normal: kurtosis 3 distinguishes it from a uniform with the same std
        assert abs((ours**4).mean() / ours.var() ** 2 - 3) < 0.1


def test_uniform_normal_constant():
    u = np.asarray(init.uniform(BIG, -2.0, 3.0, key=KEY))
    tu = _torch_sample(torch.nn.init.uniform_, BIG, a=-2.0, b=3.0)
    for s in (u, tu):
        assert s.min() >= -2.0 and s.max() < 3.0 and s.min() < -1.99 and s.max() > 2.99
        assert abs(s.mean() - 0.5) < 0.02 and abs(s.std() / (5 / math.sqrt(12)) - 1) < STAT_RTOL
    n = np.asarray(init.normal(BIG, 1.5, 0.3, key=KEY))
    tn = _torch_sample(torch.nn.init.normal_, BIG, mean=1.5, std=0.3)
    for s in (n, tn):
        assert abs(s.mean() - 1.5) < 0.005 and abs(s.std() / 0.3 - 1) < STAT_RTOL
    np.testing.assert_array_equal(init.constant((2, 3), 0.25), torch.nn.init.constant_(torch.empty(2, 3), 0.25))
    np.testing.assert_array_equal(init.zeros((4,)), torch.nn.init.zeros_(torch.empty(4)))
    np.testing.assert_array_equal(init.ones((2, 2)), torch.nn.init.ones_(torch.empty(2, 2)))
    assert init.uniform((3,), key=KEY, dtype=jnp.float64).dtype == jnp.float64
    assert init.constant((3,), 1, dtype=jnp.float16).dtype == jnp.float16


@pytest.mark.parametrize("mean,std,a,b", [(0.0, 1.0, -2.0, 2.0), (0.0, 0.02, -0.04, 0.04), (1.0, 2.0, 0.0, 1.5)])
def test_trunc_normal_matches_torch(mean, std, a, b):
    ours = np.asarray(init.trunc_normal(BIG, mean, std, a, b, key=KEY))
    theirs = _torch_sample(torch.nn.init.trunc_normal_, BIG, mean=mean, std=std, a=a, b=b)
    assert ours.min() >= a and ours.max() <= b
    assert abs(ours.mean() - theirs.mean()) < 0.01 * (b - a)
    assert abs(ours.std() / theirs.std() - 1) < STAT_RTOL


def test_eye_dirac_equal_torch():
    np.testing.assert_array_equal(init.eye((3, 5)), torch.nn.init.eye_(torch.empty(3, 5)))
    for shape, groups in [((4, 4, 3), 1), ((6, 2, 3, 3), 2), ((4, 3, 2, 3, 5), 2)]:
        np.testing.assert_array_equal(
            init.dirac(shape, groups), torch.nn.init.dirac_(torch.empty(shape), groups)
        )
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions"):
        init.eye((3,))
    with pytest.raises(ValueError, match="dim 0 must be divisible by groups"):
        init.dirac((3, 3, 3), 2)


@pytest.mark.parametrize("shape,gain", [((5, 5), 1.0), ((3, 7), 2.0), ((8, 3), 0.5), ((4, 2, 3, 3), 1.5)])
def test_orthogonal(shape, gain):
    w = np.asarray(init.orthogonal(shape, gain, key=KEY), dtype=np.float64)
    assert w.shape == shape
    flat = w.reshape(shape[0], -1)
    gram = flat @ flat.T if flat.shape[0] <= flat.shape[1] else flat.T @ flat
    np.testing.assert_allclose(gram, gain**2 * np.eye(len(gram)), atol=1e-5)
    t = torch.nn.init.orthogonal_(torch.empty(shape), gain).reshape(shape[0], -1).double()
    tgram = t @ t.T if t.shape[0] <= t.shape[1] else t.T @ t
    np.testing.assert_allclose(gram, tgram.numpy(), atol=1e-5)


@pytest.mark.parametrize("rows,cols", [(4, 4), (3, 6), (6, 3)])
def test_orthogonalize_equals_torch_on_same_gaussian(rows, cols):
    """The QR + sign(diag R) correction, applied to one gaussian matrix on both sides."""
    from functorch_like.nn.init._init import _orthogonalize

    g = np.random.default_rng(1).standard_normal((rows, cols)).astype(np.float32)
    t = torch.tensor(g)
    if rows < cols:
        t = t.T
    q, r = torch.linalg.qr(t)
    q = q * torch.diag(r, 0).sign()
    if rows < cols:
        q = q.T
    np.testing.assert_allclose(_orthogonalize(jnp.asarray(g)), q.numpy(), rtol=1e-5, atol=1e-5)


def test_orthogonal_is_haar():
    """Sign correction makes Q Haar: E[Q00] = 0 and E[Q00^2] = 1/n (without it, Q00 < 0 bias)."""
    keys = jax.random.split(KEY, 2000)
    q00 = np.asarray(jax.vmap(lambda k: init.orthogonal((3, 3), key=k)[0, 0])(keys))
    assert abs(q00.mean()) < 5 * math.sqrt(1 / 3 / 2000)
    assert abs((q00**2).mean() - 1 / 3) < 0.03


def test_orthogonal_errors_and_empty():
    with pytest.raises(ValueError, match="Only tensors with 2 or more dimensions are supported"):
        init.orthogonal((4,), key=KEY)
    assert init.orthogonal((0, 3), key=KEY).shape == (0, 3)


def test_sparse():
    w = np.asarray(init.sparse((10, 300), 0.25, std=0.5, key=KEY))
    t = _torch_sample(torch.nn.init.sparse_, (10, 300), sparsity=0.25, std=0.5)
    for s in (w, t):
        assert ((s == 0).sum(axis=0) == math.ceil(0.25 * 10)).all()
    assert abs(w[w != 0].std() / t[t != 0].std() - 1) < 0.05  # 2100 samples: se ~1.5%


def test_kaiming_zero_element_warns():
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        w = init.kaiming_uniform((0, 3), key=KEY)
    assert w.shape == (0, 3)


# ---------------------------------------------------------------------------- defaults


def _assert_like_module(params, module, buffers=None):
    sd = module.state_dict()
    ours = dict(params, **(buffers or {}))
    assert set(ours) == set(sd), (sorted(ours), sorted(sd))
    for name, value in ours.items():
        assert tuple(value.shape) == tuple(sd[name].shape), name
        assert str(value.dtype) == str(sd[name].dtype).replace("torch.", ""), name


def _max_close_to(x, bound, tol=0.05):
    x = np.abs(np.asarray(x))
    assert x.max() <= bound * (1 + 1e-6)
    assert x.max() > bound * (1 - tol)


def test_linear_params():
    p = init.linear_params(300, 400, key=KEY)
    _assert_like_module(p, torch.nn.Linear(300, 400))
    bound = 1 / math.sqrt(300)
    _max_close_to(p["weight"], bound, 1e-3)
    _max_close_to(p["bias"], bound)
    torch.manual_seed(0)
    tw = torch.nn.Linear(300, 400).weight.detach().numpy()
    assert abs(np.std(p["weight"]) / tw.std() - 1) < STAT_RTOL
    assert set(init.linear_params(3, 2, bias=False, key=KEY)) == {"weight"}
    assert init.linear_params(3, 2, key=KEY, dtype=jnp.float64)["bias"].dtype == jnp.float64
    assert not np.allclose(p["weight"][:, :1].ravel()[:400], p["bias"])  # independent keys


@pytest.mark.parametrize(
    "torch_cls,args,kw",
    [
        (torch.nn.Conv2d, (3, 8, (3, 3)), dict()),
        (torch.nn.Conv1d, (4, 6, (5,)), dict(groups=2)),
        (torch.nn.Conv3d, (2, 4, (1, 2, 3)), dict(bias=False)),
        (torch.nn.ConvTranspose2d, (4, 6, (3, 2)), dict(groups=2)),
        (torch.nn.ConvTranspose1d, (3, 5, (4,)), dict()),
    ],
)
def test_conv_params(torch_cls, args, kw):
    transposed = torch_cls.__name__.startswith("ConvTranspose")
    p = init.conv_params(*args, transposed=transposed, key=KEY, **kw)
    module = torch_cls(*args, **kw)
    _assert_like_module(p, module)
    fan_in = module.weight.shape[1] * math.prod(module.weight.shape[2:])
    _max_close_to(p["weight"], 1 / math.sqrt(fan_in), 0.2)
    if "bias" in p:
        assert np.abs(np.asarray(p["bias"])).max() <= 1 / math.sqrt(fan_in)


def test_conv_params_errors():
    for kw, msg in [(dict(groups=0), "groups must be a positive integer"),
                    (dict(groups=2), "in_channels must be divisible by groups")]:
        with pytest.raises(ValueError, match=msg):
            torch.nn.Conv2d(3, 4, 3, **kw)
        with pytest.raises(ValueError, match=msg):
            init.conv_params(3, 4, (3, 3), key=KEY, **kw)
    with pytest.raises(ValueError, match="out_channels must be divisible by groups"):
        init.conv_params(4, 3, (3, 3), groups=2, key=KEY)
    with pytest.raises(ValueError, match="kernel_size must be a tuple"):
        init.conv_params(4, 3, 3, key=KEY)


def test_embedding_params():
    p = init.embedding_params(1000, 200, padding_idx=-2, key=KEY)
    _assert_like_module(p, torch.nn.Embedding(1000, 200, padding_idx=-2))
    w = np.asarray(p["weight"])
    assert (w[998] == 0).all() and (w[997] != 0).all()
    assert abs(w.std() - 1) < STAT_RTOL and abs(w.mean()) < 0.01
    for bad in (1000, -1001):
        with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
            torch.nn.Embedding(1000, 3, padding_idx=bad)
        with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
            init.embedding_params(1000, 3, padding_idx=bad, key=KEY)


@pytest.mark.parametrize(
    "kind,kw",
    [
        ("lstm", dict(num_layers=2, bidirectional=True)),
        ("lstm", dict(proj_size=3, num_layers=2)),
        ("lstm", dict(bias=False)),
        ("gru", dict(num_layers=2, bidirectional=True)),
        ("rnn", dict(nonlinearity="relu", num_layers=3)),
    ],
)
def test_rnn_family_params(kind, kw):
    hidden = 64
    p = getattr(init, f"{kind}_params")(10, hidden, key=KEY, **kw)
    module = getattr(torch.nn, kind.upper())(10, hidden, **kw)
    _assert_like_module(p, module)
    assert list(p) == list(module.state_dict())  # torch's parameter order too
    all_values = np.concatenate([np.asarray(v).ravel() for v in p.values()])
    _max_close_to(all_values, 1 / math.sqrt(hidden), 1e-3)
    assert abs(all_values.std() / (1 / math.sqrt(3 * hidden)) - 1) < STAT_RTOL


@pytest.mark.parametrize("kind", ["lstm", "gru", "rnn"])
def test_cell_params(kind):
    p = getattr(init, f"{kind}_cell_params")(7, 50, key=KEY)
    _assert_like_module(p, getattr(torch.nn, f"{kind.upper()}Cell")(7, 50))
    _max_close_to(np.concatenate([np.asarray(v).ravel() for v in p.values()]), 1 / math.sqrt(50), 1e-2)
    assert set(getattr(init, f"{kind}_cell_params")(7, 50, bias=False, key=KEY)) == {"weight_ih", "weight_hh"}


@pytest.mark.parametrize(
    "kw,msg",
    [
        (dict(input_size=0), "input_size must be greater than zero"),
        (dict(hidden_size=0), "hidden_size must be greater than zero"),
        (dict(num_layers=0), "num_layers must be greater than zero"),
        (dict(proj_size=-1), "proj_size should be a positive integer"),
        (dict(proj_size=5), "proj_size has to be smaller than hidden_size"),
    ],
)
def test_rnn_errors_equal_torch(kw, msg):
    args = dict(input_size=3, hidden_size=5)
    args.update(kw)
    with pytest.raises(ValueError, match=msg):
        torch.nn.LSTM(**args)
    with pytest.raises(ValueError, match=msg):
        init.lstm_params(key=KEY, **args)


def test_rnn_type_errors():
    with pytest.raises(TypeError, match="bias should be of type bool, got: int"):
        init.gru_params(3, 5, bias=1, key=KEY)
    with pytest.raises(TypeError, match="hidden_size should be of type int, got: float"):
        init.rnn_params(3, 5.0, key=KEY)
    with pytest.raises(ValueError, match="Unknown nonlinearity 'gelu'"):
        init.rnn_params(3, 5, nonlinearity="gelu", key=KEY)


@pytest.mark.parametrize("kw", [dict(), dict(affine=False), dict(track_running_stats=False), dict(bias=False)])
def test_batch_norm_params(kw):
    params, buffers = init.batch_norm_params(6, **kw)
    module = torch.nn.BatchNorm2d(6, **kw)
    _assert_like_module(params, module, buffers)
    sd = module.state_dict()
    for name, value in {**params, **buffers}.items():
        np.testing.assert_array_equal(np.asarray(value), sd[name].numpy())
    assert buffers.get("num_batches_tracked", jnp.zeros((), jnp.int64)).dtype == jnp.int64


def test_norm_params():
    p = init.layer_norm_params((4, 5))
    module = torch.nn.LayerNorm((4, 5))
    _assert_like_module(p, module)
    for name, value in p.items():
        np.testing.assert_array_equal(value, module.state_dict()[name].numpy())
    _assert_like_module(init.layer_norm_params(7, bias=False), torch.nn.LayerNorm(7, bias=False))
    assert init.layer_norm_params(7, elementwise_affine=False) == {}
    _assert_like_module(init.group_norm_params(2, 6), torch.nn.GroupNorm(2, 6))
    with pytest.raises(ValueError) as theirs:
        torch.nn.GroupNorm(4, 6)
    with pytest.raises(ValueError) as ours:
        init.group_norm_params(4, 6)
    assert str(ours.value) == str(theirs.value)


def test_works_under_jit_and_without_x64():
    """Shapes are static, so the schemes trace; x64 off gives int32 counters and f32 params."""
    w = jax.jit(lambda k: init.kaiming_uniform((4, 3), a=math.sqrt(5), key=k))(KEY)
    assert w.dtype == jnp.float32
    with jax.enable_x64(False):
        _, buffers = init.batch_norm_params(3)
        assert buffers["num_batches_tracked"].dtype == jnp.int32
        assert init.linear_params(3, 2, key=KEY)["weight"].dtype == jnp.float32
