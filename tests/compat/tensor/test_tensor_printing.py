"""repr(compat tensor) == repr(torch tensor), character for character, on many tensors."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import compat


def _pair(a, dtype=None):
    t = torch.tensor(a) if dtype is None else torch.tensor(a, dtype=getattr(torch, dtype))
    c = compat.tensor(a) if dtype is None else compat.tensor(a, dtype=getattr(compat, dtype))
    return c, t


def assert_same_repr(c, t):
    assert repr(c) == repr(t), f"\nours:\n{c!r}\ntorch:\n{t!r}"
    assert str(c) == str(t)


R = np.random.default_rng(0)
CASES = {
    "int_vec": [1, 2, 3], "int_neg": [[-1, 20], [300, -4000]], "zero_d_int": 7, "zero_d_float": 2.5,
    "int_valued_float": [7.0], "int_valued_floats": [[1.0, -2.0], [30.0, 4.0]], "floats": [0.1, 2.25, -3.5],
    "precision": [1.123456789, -0.000512345], "sci_small": [1e-5, 1.0], "sci_ratio": [0.5, 1000.5],
    "sci_big": [1e9, 1.0], "big_int_valued": [1e8, 2e8], "sci_int_valued": [1.0, 1e4],
    "nan_inf": [float("nan"), float("inf"), -float("inf"), 1.5], "nan_only": [float("nan")],
    "inf_int_mode": [float("inf"), 2.0], "zeros": [0.0, 0.0], "neg_zero": [-0.0, 1.0],
    "bool": [True, False], "bool_2d": [[True], [False]], "empty": [], "empty_2d": np.zeros((0, 3), np.float32),
    "empty_int": np.zeros((2, 0), np.int64), "empty_3d": np.zeros((1, 0, 2), np.float32),
    "rand_2d": R.standard_normal((4, 5)).astype(np.float32), "rand_3d": R.standard_normal((2, 3, 4)).astype(np.float32),
    "rand_4d": R.standard_normal((2, 1, 2, 3)).astype(np.float32),
    "wide_int": R.integers(-1000, 1000, (40,)), "wide_float": R.standard_normal(30).astype(np.float32) * 100,
    "wrap_2d": R.standard_normal((3, 20)).astype(np.float32),
    "big_summarized": R.standard_normal(2000).astype(np.float32), "big_2d": R.standard_normal((50, 40)).astype(np.float32),
    "big_3d_int": R.integers(0, 10, (12, 10, 10)), "mixed_magnitudes": [1e-3, 12.5, 300.75],
    "float64": R.standard_normal(3), "complex": [1 + 2j, -0.5 - 1j], "complex_int_valued": [1 + 1j, 2 - 3j],
    "one_element_2d": [[5.5]], "exactly_threshold": np.arange(1000, dtype=np.float32),
    "tiny_denormal": [1e-40, 1.0], "large_int64": [2 ** 40, -3],
}


@pytest.mark.parametrize("name", list(CASES))
def test_repr_matches_torch(name):
    a = CASES[name]
    if isinstance(a, np.ndarray):
        c, t = compat.tensor(a), torch.tensor(a)
    else:
        c, t = _pair(a)
    assert_same_repr(c, t)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float64", "int8", "int16", "int32", "uint8",
                                   "complex128", "bool"])
def test_repr_dtype_suffix(dtype):
    data = [[1, 0], [3, 2]] if dtype != "bool" else [[True, False]]
    assert_same_repr(*_pair(data, dtype))
    if dtype in ("float16", "bfloat16", "float64"):
        assert_same_repr(*_pair([0.1, 1234.5678, -2e-3], dtype))
    assert_same_repr(*_pair([], dtype))


def test_repr_autograd_suffixes():
    for mod in (compat, torch):
        x = mod.tensor([1.0, 2.0], requires_grad=True)
        items = [x, x * 2, x.sum(), (x + 1)[0], mod.tensor(2.5, requires_grad=True), x.mean(), x.exp(),
                 x.reshape(2, 1), x.detach(), x.to(mod.float64), x.unsqueeze(0).expand(2, 2), x[None] @ x[:, None],
                 mod.tensor([[1.0, 2.0]], requires_grad=True).t(), mod.ones(30, 3, requires_grad=True) * 1.5]
        if mod is compat:
            ours = [repr(i) for i in items]
        else:
            theirs = [repr(i) for i in items]
    for a, b in zip(ours, theirs):
        assert a == b, f"\nours:\n{a}\ntorch:\n{b}"


def test_repr_long_suffix_wraps_to_next_line():
    a = np.arange(16, dtype=np.float32).reshape(2, 8) * 1.5
    c, t = compat.tensor(a, dtype=compat.float64), torch.tensor(a, dtype=torch.float64)
    c.requires_grad_(), t.requires_grad_()
    assert_same_repr(c * 3, t * 3)


@pytest.mark.parametrize("opts", [dict(precision=2), dict(threshold=5), dict(edgeitems=1, threshold=10),
                                  dict(linewidth=30), dict(sci_mode=True), dict(sci_mode=False),
                                  dict(profile="short"), dict(profile="full"), dict(edgeitems=0, threshold=3)])
def test_set_printoptions(opts):
    a = (R.standard_normal((6, 7)) * 50).astype(np.float32)
    try:
        compat.set_printoptions(**opts)
        torch.set_printoptions(**opts)
        for x in (a, np.arange(10), a[0, :3] * 1e-6):
            assert_same_repr(compat.tensor(x), torch.tensor(x))
    finally:
        compat.set_printoptions(profile="default")
        torch.set_printoptions(profile="default")
    assert repr(compat.tensor([1.12345])) == "tensor([1.1235])"


def test_printoptions_context_manager():
    with compat.printoptions(precision=1):
        assert repr(compat.tensor([1.25, 2.0])) == "tensor([1.2, 2.0])"
    assert repr(compat.tensor([1.25, 2.0])) == "tensor([1.2500, 2.0000])"


@settings(max_examples=15, deadline=None)
@given(shape=st.lists(st.integers(0, 5), min_size=0, max_size=3),
       scale=st.sampled_from([1e-6, 1e-2, 1.0, 100.0, 1e5, 1e10]),
       kind=st.sampled_from(["float32", "int64", "round"]),
       seed=st.integers(0, 100))
def test_repr_hypothesis(shape, scale, kind, seed):
    a = np.random.default_rng(seed).standard_normal(shape) * scale
    if kind == "int64":
        a = np.clip(a, -1e15, 1e15).astype(np.int64)
    elif kind == "round":
        a = np.round(a).astype(np.float32)
    else:
        a = a.astype(np.float32)
    assert_same_repr(compat.tensor(a), torch.tensor(a))


def test_size_dtype_device_reprs():
    assert repr(compat.zeros(2, 3).shape) == repr(torch.zeros(2, 3).shape)
    assert repr(compat.device("cuda:0")) == repr(torch.device("cuda:0"))
    assert repr(compat.device("cpu")) == repr(torch.device("cpu"))
    assert str(compat.device("cuda", 1)) == str(torch.device("cuda", 1))
    assert repr(compat.float32) == repr(torch.float32)
    c, t = compat.tensor([[1, 3], [3, 1]]).max(1), torch.tensor([[1, 3], [3, 1]]).max(1)
    assert repr(c) == repr(t)


GRAD_FN_OPS = [
    lambda T, x: x + 1, lambda T, x: 1 + x, lambda T, x: x - 1, lambda T, x: 1 - x, lambda T, x: x * 2,
    lambda T, x: x / 2, lambda T, x: 2 / x, lambda T, x: x ** 2, lambda T, x: 2 ** x, lambda T, x: x ** x,
    lambda T, x: -x, lambda T, x: x.abs(), lambda T, x: x.exp(), lambda T, x: x.sigmoid(), lambda T, x: x.relu(),
    lambda T, x: x.sum(), lambda T, x: x.sum(0), lambda T, x: x.mean(), lambda T, x: x.mean(1), lambda T, x: x.max(),
    lambda T, x: x.max(0)[0], lambda T, x: x.amax(1), lambda T, x: x.std(), lambda T, x: x.var(0), lambda T, x: x.norm(),
    lambda T, x: x.view(-1), lambda T, x: x.reshape(6), lambda T, x: x[0], lambda T, x: x[:, 1:], lambda T, x: x[None],
    lambda T, x: x[[0, 1]], lambda T, x: x.t(), lambda T, x: x.T, lambda T, x: x.unsqueeze(0), lambda T, x: x.squeeze(),
    lambda T, x: x.expand(2, 2, 3), lambda T, x: x.permute(1, 0), lambda T, x: x.transpose(0, 1), lambda T, x: x.flip(0),
    lambda T, x: x.to(T.float64), lambda T, x: x.clone(), lambda T, x: x @ x.t(), lambda T, x: x[0] @ x[1],
    lambda T, x: x.softmax(1), lambda T, x: x.log_softmax(1), lambda T, x: T.cat([x, x]), lambda T, x: T.stack([x, x]),
    lambda T, x: T.where(x > 0, x, 0.0), lambda T, x: x.clamp(0, 1), lambda T, x: x.clamp(min=x), lambda T, x: x.clamp_min(0.5),
    lambda T, x: T.clamp_max(x, x * 2), lambda T, x: x.split(1)[0],
    lambda T, x: x.unbind()[0], lambda T, x: x.gather(1, T.tensor([[0], [1]])), lambda T, x: x.masked_fill(x > 0, 0.0),
    lambda T, x: x.cumsum(1), lambda T, x: x.prod(), lambda T, x: x.logsumexp(1), lambda T, x: x.repeat(2, 1),
    lambda T, x: x.narrow(1, 0, 2), lambda T, x: x.sort(1)[0], lambda T, x: x.topk(1)[0], lambda T, x: x.tanh(),
    lambda T, x: x.sqrt(), lambda T, x: x.square(), lambda T, x: x.flatten(), lambda T, x: x.index_select(0, T.tensor([1])),
    lambda T, x: x.diagonal(), lambda T, x: x.triu(), lambda T, x: T.outer(x[0], x[1]), lambda T, x: x.lerp(x * 0, 0.5),
]


def test_grad_fn_names_match_torch():
    a = np.array([[0.5, 1.5, 2.5], [1.0, 2.0, 3.0]], np.float32)
    for i, fn in enumerate(GRAD_FN_OPS):
        names = []
        for mod in (compat, torch):
            x = mod.tensor(a, requires_grad=True)
            names.append(fn(mod, x).grad_fn.name())
        assert names[0] == names[1], f"op {i}: {names[0]} vs torch {names[1]}"
