"""The guides' autograd examples, in-place ops on tensors in the graph, and devices/shims.

Gradients compare to torch 2.13 (rtol 1e-5 / atol 1e-5, float32) or to closed forms.
"""
import numpy as np
import pytest
import torch

import compat
from tensor_parity import check, check_error, rnd


def test_guide_polynomial_gradient_at_two():
    x = compat.tensor(2.0, requires_grad=True)
    y = x ** 2 + 3 * x + 1
    y.backward()
    assert y.item() == 11.0 and x.grad.item() == 7.0
    assert repr(x.grad) == "tensor(7.)"
    assert repr(y) == repr(torch.tensor(2.0, requires_grad=True) ** 2 + 3 * torch.tensor(2.0, requires_grad=True) + 1)


def test_guide_sum_backward_is_2x_plus_3():
    xs = np.array([-1.0, 0.0, 0.5, 2.0], np.float32)
    x = compat.tensor(xs, requires_grad=True)
    y = x ** 2 + 3 * x + 1
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * xs + 3, rtol=1e-6)
    check(lambda T, a: (a ** 2 + 3 * a + 1).sum(), xs)


def test_grad_accumulates_and_zero():
    x = compat.ones(3, requires_grad=True)
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 5.0, 5.0])
    x.grad.zero_()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0])
    x.grad = None
    with compat.no_grad():
        y = x * 2
    assert not y.requires_grad and y.grad_fn is None


INPLACE = {
    "add_": lambda T, a, b: a.mul(1).add_(b), "add_alpha_": lambda T, a, b: a.mul(1).add_(b, alpha=-2),
    "sub_": lambda T, a, b: a.mul(1).sub_(b), "mul_": lambda T, a, b: a.mul(1).mul_(b),
    "div_": lambda T, a, b: a.mul(1).div_(b.abs() + 1), "pow_": lambda T, a, b: a.abs().pow_(2),
    "iadd": lambda T, a, b: _iadd(a.mul(1), b), "imul_scalar": lambda T, a, b: _imul(a * 1, 3.0),
    "exp_": lambda T, a, b: a.mul(1).exp_(), "clamp_": lambda T, a, b: a.mul(1).clamp_(-0.5, 0.5),
    "sigmoid_": lambda T, a, b: a.mul(1).sigmoid_(), "relu_": lambda T, a, b: (a * 1).relu_(),
    "neg_": lambda T, a, b: (a * 1).neg_(), "abs_": lambda T, a, b: (a * 1).abs_(),
    "zero_": lambda T, a, b: (a * 1).zero_() + b, "fill_": lambda T, a, b: (a * 1).fill_(2.0) * b,
    "fill_tensor_": lambda T, a, b: (a * 1).fill_(b.sum()), "copy_": lambda T, a, b: (a * 1).copy_(b * 2),
    "copy_broadcast_": lambda T, a, b: (a * 1).copy_(b[0]), "masked_fill_": lambda T, a, b: (a * 1).masked_fill_(b > 0, 0.0),
    "lerp_": lambda T, a, b: (a * 1).lerp_(b, 0.25), "scatter_": lambda T, a, b: (a * 1).scatter_(1, T.tensor([[0], [2], [1]]), b[:, :1]),
    "index_add_": lambda T, a, b: (a * 1).index_add_(0, T.tensor([2, 0, 2]), b),
    "unsqueeze_": lambda T, a, b: (a * 1).unsqueeze_(0) * 2, "t_": lambda T, a, b: (a * 1).t_() * 2,
    "chain": lambda T, a, b: (a * 1).add_(b).mul_(3).sub_(b).tanh_(),
}


def _iadd(x, y):
    x += y
    return x


def _imul(x, y):
    x *= y
    return x


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_ops_gradients(name):
    check(INPLACE[name], rnd((3, 4), seed=2), rnd((3, 4), seed=3))


def test_inplace_keeps_destination_dtype_and_version():
    for mod in (torch, compat):
        x = mod.zeros(3, dtype=mod.int32)
        v0 = x._version
        x.add_(2).mul_(3)
        x.copy_(mod.tensor([1.7, -2.2, 3.9]))
        assert x._version > v0
        got = x
        if mod is torch:
            ref = got
        else:
            assert repr(got) == repr(ref)


def test_modified_saved_tensor_raises_on_backward():
    check_error(lambda T: _modify_after_use(T), match_message=False)


def _modify_after_use(T):
    a = T.ones(3, requires_grad=True)
    b = a * 2
    c = b * b  # mul saves its inputs, so modifying b afterwards breaks its backward
    b.add_(1)
    c.sum().backward()


def test_imatmul_rebinds():
    for mod in (torch, compat):
        x = mod.ones(2)
        y = x
        x @= mod.ones(2, 2)
        assert y is not x and x.tolist() == [2.0, 2.0]


def test_devices_and_shims():
    x = compat.ones(2)
    assert x.device == compat.device("cpu") and x.device.type == "cpu" and x.device.index is None
    assert x.to("cpu") is x and x.cpu() is x and x.to(compat.float32) is x
    assert compat.device("cuda:1").index == 1 and compat.device("cuda", 0) == "cuda:0" != compat.device("cuda")
    assert compat.device(compat.device("cpu")) == compat.device("cpu")
    assert compat.cuda.is_available() == torch.cuda.is_available() == bool(compat.cuda.device_count())
    assert compat.accelerator.is_available() == compat.cuda.is_available()
    compat.cuda.manual_seed(0)
    compat.cuda.manual_seed_all(0)
    compat.cuda.synchronize()
    compat.cuda.empty_cache()
    compat.backends.cudnn.benchmark = True
    compat.backends.cudnn.deterministic = True
    assert compat.backends.cudnn.is_available() == compat.cuda.is_available()
    assert compat.backends.mps.is_available() is False
    compat.backends.cuda.matmul.allow_tf32 = True
    if compat.cuda.is_available():
        y = x.cuda()
        assert y.device.type == "cuda" and repr(y).endswith("device='cuda:0')")
    else:
        assert compat.accelerator.current_accelerator() is None
        with pytest.raises(RuntimeError, match="Torch not compiled with CUDA enabled"):
            x.to("cuda")
