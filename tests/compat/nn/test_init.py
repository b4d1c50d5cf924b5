"""Initialisation: default layer init vs torch's distributions, compat.nn.init vs torch.nn.init,
and reproducibility under compat.manual_seed.

Random streams differ from torch's, so distributions are compared: exact bounds, and sample
moments within tolerances set from the sample size (std of a U(-b, b) sample of n values has
relative standard error ~ 0.9/sqrt(n); the tolerances below are > 5 standard errors).
"""
import math

import numpy as np
import pytest
import torch

import compat
from tests.parity import assert_close


def _np(t):
    return np.asarray(t._data) if hasattr(t, "_data") else t.detach().numpy()


# (id, ctor(nn), {param: expected bound of U(-b, b)} or 'normal')
DEFAULTS = [
    ("Linear", lambda nn: nn.Linear(200, 300), {"weight": 1 / math.sqrt(200), "bias": 1 / math.sqrt(200)}),
    ("Conv2d", lambda nn: nn.Conv2d(8, 64, 5, groups=2), {"weight": 1 / math.sqrt(4 * 25), "bias": 1 / math.sqrt(100)}),
    ("Conv1d", lambda nn: nn.Conv1d(6, 50, 7), {"weight": 1 / math.sqrt(42), "bias": 1 / math.sqrt(42)}),
    ("ConvTranspose2d", lambda nn: nn.ConvTranspose2d(40, 30, 3), {"weight": 1 / math.sqrt(270), "bias": 1 / math.sqrt(270)}),
    ("LSTM", lambda nn: nn.LSTM(30, 40, num_layers=2), {k: 1 / math.sqrt(40) for k in (
        "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l1")}),
    ("GRUCell", lambda nn: nn.GRUCell(30, 50), {k: 1 / math.sqrt(50) for k in ("weight_ih", "weight_hh", "bias_hh")}),
]


@pytest.mark.parametrize("ctor,bounds", [c[1:] for c in DEFAULTS], ids=[c[0] for c in DEFAULTS])
def test_default_init_matches_torch_distribution(ctor, bounds):
    torch.manual_seed(0)
    compat.manual_seed(0)
    theirs, ours = ctor(torch.nn), ctor(compat.nn)
    for name, b in bounds.items():
        a, t = _np(getattr(ours, name)), _np(getattr(theirs, name))
        assert a.dtype == t.dtype == np.float32
        assert np.abs(a).max() <= b and np.abs(t).max() <= b
        assert np.abs(a).max() > 0.9 * b  # spans the whole interval
        rel = 6 / math.sqrt(a.size)
        assert abs(a.std() - b / math.sqrt(3)) < rel * b / math.sqrt(3), name
        assert abs(a.std() - t.std()) < 2 * rel * b / math.sqrt(3), name
        assert abs(a.mean()) < 6 * b / math.sqrt(3 * a.size), name


def test_embedding_default_init_is_standard_normal_with_zero_padding_row():
    compat.manual_seed(0)
    emb = compat.nn.Embedding(400, 50, padding_idx=3)
    w = _np(emb.weight)
    np.testing.assert_array_equal(w[3], 0)
    rest = np.delete(w, 3, axis=0)
    assert abs(rest.std() - 1) < 6 / math.sqrt(2 * rest.size) * 1.5
    assert abs(rest.mean()) < 6 / math.sqrt(rest.size)


@pytest.mark.parametrize("ctor", [lambda nn: nn.BatchNorm2d(5), lambda nn: nn.LayerNorm((2, 3)),
                                  lambda nn: nn.GroupNorm(2, 4)])
def test_norm_layers_init_exactly_as_torch(ctor):
    theirs, ours = ctor(torch.nn), ctor(compat.nn)
    for k, v in theirs.state_dict().items():
        assert_close(ours.state_dict()[k], v, rtol=0, atol=0, check_dtype=True, msg=k)


def test_manual_seed_makes_models_reproducible():
    def build():
        return compat.nn.Sequential(compat.nn.Conv2d(1, 4, 3), compat.nn.Flatten(),
                                    compat.nn.Linear(16, 3), compat.nn.LSTM(3, 2),
                                    compat.nn.Embedding(5, 2))

    compat.manual_seed(42)
    a = build().state_dict()
    b = build().state_dict()
    compat.manual_seed(42)
    c = build().state_dict()
    assert any(not np.array_equal(_np(a[k]), _np(b[k])) for k in a)
    for k in a:
        np.testing.assert_array_equal(_np(a[k]), _np(c[k]))


def test_reset_parameters_redraws_in_place():
    lin = compat.nn.Linear(5, 4)
    w = lin.weight
    before = _np(w).copy()
    lin.reset_parameters()
    assert lin.weight is w and not np.array_equal(before, _np(w))
    assert np.abs(_np(w)).max() <= 1 / math.sqrt(5)


# ----------------------------------------------------------------------- compat.nn.init
def _stats(fn_name, shape, *args, **kwargs):
    t = torch.empty(shape)
    c = compat.empty(*shape)
    out_t = getattr(torch.nn.init, fn_name)(t, *args, **kwargs)
    out_c = getattr(compat.nn.init, fn_name)(c, *args, **kwargs)
    assert out_t is t and out_c is c
    return _np(c), t.numpy()


@pytest.mark.parametrize("fn,args,kwargs", [
    ("uniform_", (-0.3, 0.5), {}),
    ("normal_", (0.5, 2.0), {}),
    ("trunc_normal_", (0.1, 1.0, -1.0, 0.5), {}),
    ("xavier_uniform_", (), {"gain": 2.0}),
    ("xavier_normal_", (), {"gain": 0.5}),
    ("kaiming_uniform_", (), {"a": 0.2, "mode": "fan_out"}),
    ("kaiming_normal_", (), {"nonlinearity": "relu"}),
    ("orthogonal_", (), {"gain": 1.5}),
])
def test_random_initialisers_match_torch_moments(fn, args, kwargs):
    shape = (120, 80)
    ours, theirs = _stats(fn, shape, *args, **kwargs)
    assert ours.dtype == np.float32
    tol = 6 / math.sqrt(ours.size)
    scale = max(theirs.std(), 1e-3)
    assert abs(ours.mean() - theirs.mean()) < 2 * tol * scale + 1e-3
    assert abs(ours.std() - theirs.std()) < 2 * tol * scale * 2
    if fn in ("uniform_", "trunc_normal_", "xavier_uniform_", "kaiming_uniform_"):
        lo, hi = {"uniform_": (-0.3, 0.5), "trunc_normal_": (-1.0, 0.5)}.get(fn, (None, None))
        if lo is None:
            gain = (2.0 if fn == "xavier_uniform_"
                    else math.sqrt(2.0 / (1 + 0.2 ** 2)))
            b = (gain * math.sqrt(6 / 200) if fn == "xavier_uniform_"
                 else gain * math.sqrt(3 / 120))  # kaiming fan_out = 120
            lo, hi = -b, b
        assert ours.min() >= lo and ours.max() <= hi
        assert theirs.min() >= lo and theirs.max() <= hi
    if fn == "orthogonal_":
        np.testing.assert_allclose(ours.T @ ours, 1.5 ** 2 * np.eye(80), atol=2e-4)


@pytest.mark.parametrize("fn,shape,args", [
    ("constant_", (3, 4), (0.25,)), ("zeros_", (2, 3), ()), ("ones_", (4,), ()),
    ("eye_", (3, 5), ()), ("dirac_", (4, 2, 3, 3), ()), ("dirac_", (6, 3, 3), (2,)),
])
def test_deterministic_initialisers_equal_torch(fn, shape, args):
    ours, theirs = _stats(fn, shape, *args)
    np.testing.assert_array_equal(ours, theirs)


def test_calculate_gain_and_fans_equal_torch():
    for args in (("linear",), ("tanh",), ("relu",), ("leaky_relu",), ("leaky_relu", 0.2),
                 ("selu",), ("sigmoid",), ("conv2d",)):
        assert compat.nn.init.calculate_gain(*args) == torch.nn.init.calculate_gain(*args)
    w = (16, 3, 5, 5)
    assert (compat.nn.init._calculate_fan_in_and_fan_out(compat.empty(*w))
            == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(w)))
    for ns in (torch, compat):
        with pytest.raises(ValueError, match="Unsupported nonlinearity foo"):
            ns.nn.init.calculate_gain("foo")
        with pytest.raises(ValueError, match="Fan in and fan out can not be computed for tensor "
                                             "with fewer than 2 dimensions"):
            ns.nn.init.xavier_uniform_(ns.empty(3))


def test_init_on_parameters_is_in_place_no_grad_and_generator_reproducible():
    lin = compat.nn.Linear(3, 4)
    w = lin.weight
    v = w._version
    out = compat.nn.init.kaiming_uniform_(lin.weight, a=math.sqrt(5))
    assert out is w and lin.weight is w and w.requires_grad and w.grad_fn is None
    assert w._version > v
    g1 = compat.Generator().manual_seed(7)
    g2 = compat.Generator().manual_seed(7)
    a = _np(compat.nn.init.normal_(compat.empty(10), generator=g1)).copy()
    b = _np(compat.nn.init.normal_(compat.empty(10), generator=g2)).copy()
    np.testing.assert_array_equal(a, b)
    compat.nn.init.constant_(lin.bias, 2.0)
    assert lin.bias.tolist() == [2.0] * 4
