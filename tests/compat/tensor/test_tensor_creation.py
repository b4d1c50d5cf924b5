"""Creation functions, dtypes and random numbers against torch 2.13.

Values of deterministic creation functions must match torch (float32: arange/linspace
elements within 1 ulp, rtol 1e-6; ints exactly); dtypes and shapes exactly. Random
functions cannot match torch's stream: they are checked for reproducibility under the same
seed, independence of generators, shapes/dtypes/ranges, and simple moments.
"""
import math

import numpy as np
import pytest
import torch

import compat
from tensor_parity import check_error, compare

CREATE = {
    "tensor_int": lambda T: T.tensor([1, 2]), "tensor_float": lambda T: T.tensor([1.0]),
    "tensor_bool": lambda T: T.tensor([True, False]), "tensor_mixed": lambda T: T.tensor([True, 1]),
    "tensor_mixed_float": lambda T: T.tensor([[1, 2], [3.5, 4]]), "tensor_scalar": lambda T: T.tensor(3),
    "tensor_scalar_float": lambda T: T.tensor(2.5), "tensor_empty": lambda T: T.tensor([]),
    "tensor_empty2d": lambda T: T.tensor([[]]), "tensor_complex": lambda T: T.tensor([1 + 2j]),
    "tensor_dtype": lambda T: T.tensor([1, 2], dtype=T.float64), "tensor_np64": lambda T: T.tensor(np.float64(1.5)),
    "tensor_np_list": lambda T: T.tensor([np.float64(1.0), 2.0]), "tensor_np_i32": lambda T: T.tensor(np.arange(3, dtype=np.int32)),
    "tensor_np_f64": lambda T: T.tensor(np.ones(2)), "tensor_of_tensors": lambda T: T.tensor([T.tensor(1.0), T.tensor(2.0)]),
    "tensor_copy": lambda T: T.tensor(T.arange(3), dtype=T.float32), "as_tensor": lambda T: T.as_tensor([1, 2], dtype=T.int32),
    "from_numpy": lambda T: T.from_numpy(np.arange(4, dtype=np.int16)), "asarray": lambda T: T.asarray([1.5, 2]),
    "zeros": lambda T: T.zeros(2, 3), "zeros_tuple": lambda T: T.zeros((2, 3), dtype=T.int32),
    "zeros_size": lambda T: T.zeros(T.Size([2, 1])), "zeros_0d": lambda T: T.zeros(()), "ones": lambda T: T.ones([3]),
    "ones_bool": lambda T: T.ones(2, dtype=T.bool), "empty": lambda T: T.empty(2, 0),
    "full_int": lambda T: T.full((2,), 3), "full_float": lambda T: T.full((2, 2), 0.5), "full_bool": lambda T: T.full((2,), True),
    "full_dtype": lambda T: T.full([1], 2, dtype=T.float16),
    "eye": lambda T: T.eye(3), "eye_rect": lambda T: T.eye(2, 3, dtype=T.int64),
    "arange": lambda T: T.arange(10), "arange_start": lambda T: T.arange(2, 7), "arange_neg": lambda T: T.arange(10, 0, -3),
    "arange_float_step": lambda T: T.arange(0, 1, 0.1), "arange_half": lambda T: T.arange(1, 2.5, 0.5),
    "arange_floats": lambda T: T.arange(-3, 3, 2.5), "arange_third": lambda T: T.arange(0, 1, 1 / 3),
    "arange_float": lambda T: T.arange(5.0), "arange_tensor": lambda T: T.arange(T.tensor(3)),
    "arange_dtype": lambda T: T.arange(5, dtype=T.float64), "arange_big": lambda T: T.arange(-1.5, 1000.3, 0.7),
    "linspace": lambda T: T.linspace(0, 1, 7), "linspace_int": lambda T: T.linspace(-5, 5, 4, dtype=T.int64),
    "linspace_one": lambda T: T.linspace(0, 1, 1), "linspace_zero": lambda T: T.linspace(0, 1, 0),
    "linspace_long": lambda T: T.linspace(-3.3, 17.9, 101), "linspace_f64": lambda T: T.linspace(0, 1, 11, dtype=T.float64),
    "logspace": lambda T: T.logspace(0, 2, 3), "logspace_base": lambda T: T.logspace(-1, 1, 5, base=2.0),
    "zeros_like": lambda T: T.zeros_like(T.ones(2, dtype=T.int32)), "ones_like": lambda T: T.ones_like(T.ones(2), dtype=T.float64),
    "full_like": lambda T: T.full_like(T.ones(2, dtype=T.int64), 7), "empty_like": lambda T: T.empty_like(T.ones(3)).zero_(),
    "scalar_tensor": lambda T: T.scalar_tensor(3), "tril_indices": lambda T: T.tril_indices(3, 3),
    "triu_indices": lambda T: T.triu_indices(3, 4, 1),
}


@pytest.mark.parametrize("name", list(CREATE))
def test_creation_matches_torch(name):
    compare(CREATE[name](compat), CREATE[name](torch), rtol=1e-6, atol=0)


def test_requires_grad_creation():
    for mod in (torch, compat):
        x = mod.ones(2, requires_grad=True)
        assert x.requires_grad and x.is_leaf and x.grad_fn is None
    check_error(lambda T: T.tensor([1, 2], requires_grad=True))
    check_error(lambda T: T.ones(2, dtype=T.int64, requires_grad=True))


CREATE_ERRORS = {
    "arange_zero_step": lambda T: T.arange(0, 5, 0), "arange_sign": lambda T: T.arange(5, 0, 1),
    "zeros_neg": lambda T: T.zeros(-1, 2), "full_neg": lambda T: T.full((2, -3), 1.0),
    "eye_neg": lambda T: T.eye(-2), "linspace_neg": lambda T: T.linspace(0, 1, -1),
    "randint_bounds": lambda T: T.randint(5, 5, (2,)), "randperm_neg": lambda T: T.randperm(-1),
    "multinomial_too_many": lambda T: T.multinomial(T.ones(3), 4),
    "finfo_int": lambda T: T.finfo(T.int32), "iinfo_float": lambda T: T.iinfo(T.float32),
}


@pytest.mark.parametrize("name", list(CREATE_ERRORS))
def test_creation_errors(name):
    check_error(CREATE_ERRORS[name], match_message=name not in ("zeros_neg", "full_neg", "randperm_neg",
                                                                "multinomial_too_many", "linspace_neg"))


def test_dtype_objects_and_info():
    for name in ("float16", "half", "bfloat16", "float32", "float", "float64", "double", "int8", "int16", "short",
                 "int32", "int", "int64", "long", "uint8", "bool", "complex64", "cfloat", "complex128"):
        d, t = getattr(compat, name), getattr(torch, name)
        assert repr(d) == repr(t)
        assert (d.is_floating_point, d.is_complex, d.is_signed, d.itemsize) == \
               (t.is_floating_point, t.is_complex, t.is_signed, t.itemsize), name
    for name in ("float16", "bfloat16", "float32", "float64"):
        a, b = compat.finfo(getattr(compat, name)), torch.finfo(getattr(torch, name))
        assert repr(a) == repr(b)
        assert (a.bits, a.eps, a.max, a.min, a.tiny, a.resolution) == (b.bits, b.eps, b.max, b.min, b.tiny, b.resolution)
    assert repr(compat.finfo()) == repr(torch.finfo())
    for name in ("uint8", "int8", "int16", "int32", "int64"):
        a, b = compat.iinfo(getattr(compat, name)), torch.iinfo(getattr(torch, name))
        assert (repr(a), a.bits, a.max, a.min) == (repr(b), b.bits, b.max, b.min)


DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
          "complex64", "complex128"]


def test_promote_types_and_can_cast_full_grid():
    for a in DTYPES:
        for b in DTYPES:
            ca, cb, ta, tb = getattr(compat, a), getattr(compat, b), getattr(torch, a), getattr(torch, b)
            assert repr(compat.promote_types(ca, cb)) == repr(torch.promote_types(ta, tb)), (a, b)
            assert compat.can_cast(ca, cb) == torch.can_cast(ta, tb), (a, b)


def test_result_type_with_scalars_and_zero_dim():
    def operands(mod):
        return {"i64": mod.ones(2, dtype=mod.int64), "i32": mod.ones(2, dtype=mod.int32),
                "u8": mod.ones(2, dtype=mod.uint8), "f16": mod.ones(2, dtype=mod.float16),
                "f32": mod.ones(2), "f64": mod.ones(2, dtype=mod.float64), "b": mod.ones(2, dtype=mod.bool),
                "0d_f64": mod.tensor(1.0, dtype=mod.float64), "0d_i64": mod.tensor(1), "0d_b": mod.tensor(True),
                "0d_c64": mod.tensor(1j), "int": 2, "float": 2.5, "bool": True, "complex": 1j}

    co, to = operands(compat), operands(torch)
    for ka in co:
        for kb in co:
            if not isinstance(co[ka], compat.Tensor) and not isinstance(co[kb], compat.Tensor):
                continue
            if {ka, kb} in ({"f16", "0d_c64"}, {"f16", "complex"}):
                continue  # torch gives complex32, which jax has no equivalent of (documented)
            assert repr(compat.result_type(co[ka], co[kb])) == repr(torch.result_type(to[ka], to[kb])), (ka, kb)


@pytest.mark.parametrize("pair", [("i32", "float"), ("u8", "int"), ("b", "int"), ("f16", "0d_f64"),
                                  ("i64", "0d_f64"), ("b", "b"), ("i32", "0d_i64"), ("u8", "i32"), ("f16", "bool")])
def test_promotion_in_ops(pair):
    def make(T, k):
        return {"i32": T.tensor([1, -2], dtype=T.int32), "u8": T.tensor([3, 250], dtype=T.uint8),
                "b": T.tensor([True, False]), "f16": T.tensor([1.5, -2], dtype=T.float16),
                "i64": T.tensor([4, 5]), "0d_f64": T.tensor(0.25, dtype=T.float64), "0d_i64": T.tensor(7),
                "float": 2.5, "int": 7, "bool": True}[k]

    ops = [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a / b, lambda a, b: a > b,
           lambda a, b: b - a if "b" not in pair and "bool" not in pair else a * 2]
    if pair[1] != "b":  # no integer division by zero (torch raises for it, here only for scalar 0)
        ops += [lambda a, b: a // b, lambda a, b: a % b]
    if "f16" in pair or "0d_f64" in pair or pair[1] == "float":
        ops.append(lambda a, b: a ** b)
    for op in ops:
        compare(op(make(compat, pair[0]), make(compat, pair[1])), op(make(torch, pair[0]), make(torch, pair[1])),
                rtol=1e-3 if "f16" in pair else 1e-6)


def test_inplace_dtype_rules():
    check_error(lambda T: T.tensor([1]).__iadd__(1.5))
    check_error(lambda T: T.tensor([1]).div_(2))
    check_error(lambda T: T.tensor([True]).__iadd__(T.tensor([1])))
    for mod in (torch, compat):
        x = mod.ones(2)
        x += mod.tensor([1, 2])          # int into float: allowed, stays float32
        y = mod.tensor([1, 2])
        y *= mod.tensor(3.0, dtype=mod.float64).long()
        z = mod.ones(2, dtype=mod.float16)
        z.mul_(mod.tensor(2.5, dtype=mod.float64))  # the destination's dtype wins
        got = (x, y, z)
        if mod is torch:
            ref = got
        else:
            compare(got, ref)


def test_default_dtype():
    assert compat.get_default_dtype() is compat.float32
    compat.set_default_dtype(compat.float64)
    torch.set_default_dtype(torch.float64)
    try:
        for fn in (lambda T: T.tensor([1.5]), lambda T: T.zeros(2), lambda T: T.arange(0, 1, 0.5),
                   lambda T: T.tensor([1]) / 2, lambda T: T.tensor([1 + 1j]), lambda T: T.ones(2, dtype=T.float32) + 1.5):
            compare(fn(compat), fn(torch))
        assert repr(compat.tensor([1.5])) == repr(torch.tensor([1.5]))
        assert repr(compat.tensor([1.5], dtype=compat.float32)) == repr(torch.tensor([1.5], dtype=torch.float32))
    finally:
        compat.set_default_dtype(compat.float32)
        torch.set_default_dtype(torch.float32)
    check_error(lambda T: T.set_default_dtype(T.int64), match_message=False)


# ----------------------------------------------------------------------------- random
def test_manual_seed_reproducible_and_generators_independent():
    compat.manual_seed(123)
    a = (compat.rand(3, 2), compat.randn(4), compat.randint(0, 10, (5,)), compat.randperm(6))
    assert compat.initial_seed() == 123
    compat.manual_seed(123)
    b = (compat.rand(3, 2), compat.randn(4), compat.randint(0, 10, (5,)), compat.randperm(6))
    for x, y in zip(a, b):
        assert compat.equal(x, y)
    assert not compat.equal(compat.rand(3, 2), a[0])   # the stream advances
    g1, g2 = compat.Generator().manual_seed(7), compat.Generator().manual_seed(7)
    compat.manual_seed(0)
    x1 = compat.randn(5, generator=g1)
    compat.randn(5)                                     # draws from the default stream do not affect g2
    assert compat.equal(x1, compat.randn(5, generator=g2))
    assert compat.Generator().initial_seed() == torch.Generator().initial_seed()


def test_rng_state_roundtrip_and_fork():
    g = compat.Generator().manual_seed(5)
    compat.rand(2, generator=g)
    state = g.get_state()
    assert state.dtype is compat.uint8
    x = compat.rand(4, generator=g)
    g.set_state(state)
    assert compat.equal(x, compat.rand(4, generator=g))
    compat.manual_seed(3)
    s = compat.get_rng_state()
    y = compat.rand(2)
    compat.set_rng_state(s)
    assert compat.equal(y, compat.rand(2))
    with compat.random.fork_rng():
        compat.rand(10)
    assert not compat.equal(y, compat.rand(2))
    compat.set_rng_state(s)
    with compat.random.fork_rng():
        compat.rand(10)
    assert compat.equal(y, compat.rand(2))
    s1 = compat.seed()
    assert compat.initial_seed() == s1


def test_random_shapes_dtypes_ranges():
    # One sample size (N) throughout: every distinct shape costs a kernel compile.
    N = 2000
    compat.manual_seed(0)
    r = compat.rand(N)
    assert r.dtype is compat.float32 and r.shape == (N,) and 0 <= r.min().item() and r.max().item() < 1
    assert abs(r.mean().item() - 0.5) < 0.03
    n = compat.randn(N, dtype=compat.float64)
    assert n.dtype is compat.float64 and abs(n.mean().item()) < 0.07 and abs(n.std().item() - 1) < 0.05
    i = compat.randint(3, 8, (N,))
    assert i.dtype is compat.int64 and i.min().item() == 3 and i.max().item() == 7
    assert compat.randint(5, (N,), dtype=compat.int32).dtype is compat.int32
    p = compat.randperm(50)
    assert sorted(p.tolist()) == list(range(50)) and p.dtype is compat.int64
    m = compat.normal(r * 0 + 3, r * 0 + 2)
    assert abs(m.mean().item() - 3) < 0.3 and abs(m.std().item() - 2) < 0.3
    assert compat.normal(2.0, 0.5, (N,)).shape == (N,) and compat.normal(r, 1.0).shape == (N,)
    b = compat.bernoulli(r * 0 + 0.3)
    assert b.dtype is compat.float32 and set(b.unique().tolist()) <= {0.0, 1.0} and abs(b.mean().item() - 0.3) < 0.04
    s = compat.multinomial(compat.tensor([0.0, 1.0, 3.0]), N, replacement=True)
    assert s.dtype is compat.int64 and (s != 0).all().item() and abs((s == 2).float().mean().item() - 0.75) < 0.04
    wo = compat.multinomial(compat.ones(2, 5), 5)
    assert wo.shape == (2, 5) and all(sorted(row) == list(range(5)) for row in wo.tolist())
    like = (compat.rand_like(n), compat.randn_like(r), compat.randint_like(r, 4))
    assert [(t.dtype, tuple(t.shape)) for t in like] == [(compat.float64, (N,)), (compat.float32, (N,)),
                                                        (compat.float32, (N,))]
    assert compat.rand(2, requires_grad=True).requires_grad


def test_inplace_random_methods():
    compat.manual_seed(1)
    x = compat.empty(2000)
    x.uniform_(-2, 3)
    assert -2 <= x.min().item() and x.max().item() < 3 and abs(x.mean().item() - 0.5) < 0.1
    x.normal_(1.0, 0.5)
    assert abs(x.mean().item() - 1.0) < 0.05 and abs(x.std().item() - 0.5) < 0.05
    x.bernoulli_(0.25)
    assert abs(x.mean().item() - 0.25) < 0.04
    x.exponential_(2.0)
    assert abs(x.mean().item() - 0.5) < 0.05
    i = compat.zeros(1000, dtype=compat.int64).random_(0, 4)
    assert sorted(i.unique().tolist()) == [0, 1, 2, 3]
    w = compat.zeros(3, requires_grad=True)
    with compat.no_grad():
        w.uniform_(0, 1)               # nn.init's pattern: in-place on a leaf under no_grad
    assert w.requires_grad and w.is_leaf and (w > 0).all().item()


def test_normal_is_differentiable_in_mean_and_std():
    mean = compat.tensor([1.0, 2.0], requires_grad=True)
    std = compat.tensor([0.5, 2.0], requires_grad=True)
    out = compat.normal(mean, std)
    out.sum().backward()
    np.testing.assert_allclose(mean.grad.numpy(), [1.0, 1.0])
    eps = (out - mean) / std
    np.testing.assert_allclose(std.grad.numpy(), eps.detach().numpy(), rtol=1e-6)
    assert not math.isnan(std.grad.sum().item())


def test_legacy_tensor_constructor():
    # Sizes give an uninitialised float tensor in torch (zeros here): compare shape/dtype only.
    for args in ((2, 3), (3,), (compat.Size([2, 2]),)):
        targs = tuple(torch.Size(a) if isinstance(a, compat.Size) else a for a in args)
        c, t = compat.Tensor(*args), torch.Tensor(*targs)
        assert (tuple(c.shape), repr(c.dtype)) == (tuple(t.shape), str(t.dtype))
    for data in ([1, 2], (2, 3), [[1.5], [2]], np.arange(3), []):
        compare(compat.Tensor(data), torch.Tensor(data))
    check_error(lambda T: T.Tensor(2.5))
