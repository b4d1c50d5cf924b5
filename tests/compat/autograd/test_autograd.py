"""Autograd semantics against torch 2.13.0: accumulation, retain/create_graph, hooks, errors."""
import numpy as np
import pytest
import torch

import compat
from tests.parity import assert_close

RNG = np.random.default_rng(0)


def pair(shape=(3,), requires_grad=True):
    a = RNG.standard_normal(shape).astype(np.float32)
    return (compat.tensor(a, requires_grad=requires_grad), torch.tensor(a, requires_grad=requires_grad))


def test_guide_polynomial_grad_is_7_at_2():
    x = compat.tensor(2.0, requires_grad=True)
    y = x ** 2 + 3 * x + 1
    y.backward()
    assert x.grad.item() == 7.0
    assert y.item() == 11.0


def test_guide_sum_backward_gives_2x_plus_3():
    values = [1.0, -2.0, 0.5]
    x = compat.tensor(values, requires_grad=True)
    (x ** 2 + 3 * x).sum().backward()
    assert_close(x.grad, np.array(values, np.float32) * 2 + 3)


def test_grad_accumulates_across_backward_calls_like_torch():
    (c, t) = pair()
    for _ in range(3):
        (c * c).sum().backward()
        (t * t).sum().backward()
    assert_close(c.grad, t.grad)


def test_retain_graph_allows_second_backward_and_accumulates():
    (c, t) = pair()
    yc, yt = (c * c * c).sum(), (t * t * t).sum()
    yc.backward(retain_graph=True)
    yc.backward()
    yt.backward(retain_graph=True)
    yt.backward()
    assert_close(c.grad, t.grad, rtol=1e-6)


def test_second_backward_through_freed_graph_raises_torchs_error():
    c, t = pair()
    yc, yt = (c * c).sum(), (t * t).sum()
    yc.backward()
    yt.backward()
    with pytest.raises(RuntimeError) as theirs:
        yt.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time") as ours:
        yc.backward()
    assert str(ours.value) == str(theirs.value)


def test_backward_of_non_scalar_without_gradient_raises():
    c, t = pair()
    with pytest.raises(RuntimeError) as theirs:
        (t * 2).backward()
    with pytest.raises(RuntimeError) as ours:
        (c * 2).backward()
    assert str(ours.value) == str(theirs.value)


def test_backward_with_explicit_gradient_matches_torch():
    c, t = pair((2, 3))
    g = RNG.standard_normal((2, 3)).astype(np.float32)
    (c * c).backward(compat.tensor(g))
    (t * t).backward(torch.tensor(g))
    assert_close(c.grad, t.grad)


def test_create_graph_hessian_vector_product_matches_torch():
    c, t = pair((4,))
    v = RNG.standard_normal(4).astype(np.float32)
    (gc,) = compat.autograd.grad((c ** 3).sum() * (c * c).sum(), c, create_graph=True)
    (gt,) = torch.autograd.grad((t ** 3).sum() * (t * t).sum(), t, create_graph=True)
    (hc,) = compat.autograd.grad((gc * compat.tensor(v)).sum(), c)
    (ht,) = torch.autograd.grad((gt * torch.tensor(v)).sum(), t)
    assert_close(gc, gt.detach(), rtol=1e-5)
    assert_close(hc, ht, rtol=1e-5)


def test_third_order_derivative():
    x = compat.tensor(1.5, requires_grad=True)
    (g1,) = compat.autograd.grad(x ** 4, x, create_graph=True)
    (g2,) = compat.autograd.grad(g1, x, create_graph=True)
    (g3,) = compat.autograd.grad(g2, x)
    assert g3.item() == pytest.approx(24 * 1.5)


def test_autograd_grad_does_not_touch_dot_grad_and_allow_unused():
    c, _ = pair()
    unused = compat.tensor([1.0], requires_grad=True)
    (g, gu) = compat.autograd.grad((c * 2).sum(), [c, unused], allow_unused=True)
    assert c.grad is None and gu is None
    assert_close(g, np.full(3, 2, np.float32))
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        compat.autograd.grad((c * 2).sum(), [c, unused])


def test_autograd_grad_wrt_intermediate_tensor():
    c, t = pair()
    yc, yt = c * c, t * t
    zc, zt = (yc * 3).sum(), (yt * 3).sum()
    assert_close(compat.autograd.grad(zc, yc)[0], torch.autograd.grad(zt, yt)[0])


def test_no_grad_context_and_decorator_and_set_grad_enabled():
    c, _ = pair()
    with compat.no_grad():
        y = c * 2
    assert not y.requires_grad and y.grad_fn is None

    @compat.no_grad()
    def f(x):
        return x * 2

    assert not f(c).requires_grad
    with compat.no_grad():
        with compat.enable_grad():
            assert (c * 2).requires_grad
    with compat.set_grad_enabled(False):
        assert not (c * 2).requires_grad
    assert compat.is_grad_enabled()
    compat.set_grad_enabled(False)
    try:
        assert not compat.is_grad_enabled()
    finally:
        compat.set_grad_enabled(True)
    with compat.inference_mode():
        assert not (c * 2).requires_grad


def test_inplace_on_leaf_requiring_grad_raises():
    c, t = pair()
    with pytest.raises(RuntimeError) as theirs:
        t.add_(1)
    with pytest.raises(RuntimeError) as ours:
        c.add_(1)
    assert str(ours.value) == str(theirs.value)
    with compat.no_grad():
        c.add_(1)  # allowed under no_grad, as torch (optimizer updates)
    assert c._version == 1


def test_modifying_a_tensor_saved_for_backward_raises_version_error():
    c, t = pair()
    for x, lib in ((c, compat), (t, torch)):
        w = x * 2
        y = w * w
        w.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


def test_inplace_on_non_leaf_keeps_correct_gradient():
    c, t = pair()
    yc, yt = c * 2, t * 2
    for y, x in ((yc, c), (yt, t)):
        y.mul_(3)  # in-place on an intermediate: the graph continues from the new value
        y.add_(x * x)
    yc.sum().backward()
    yt.sum().backward()
    assert_close(c.grad, t.grad)


def test_numpy_on_requires_grad_raises_torchs_error():
    c, t = pair()
    with pytest.raises(RuntimeError) as theirs:
        t.numpy()
    with pytest.raises(RuntimeError) as ours:
        c.numpy()
    assert str(ours.value) == str(theirs.value)
    np.testing.assert_array_equal(c.detach().numpy(), t.detach().numpy())


def test_requires_grad_on_integer_tensor_raises():
    with pytest.raises(RuntimeError, match="floating point"):
        compat.tensor([1, 2], requires_grad=True)


def test_non_leaf_requires_grad_cannot_be_cleared():
    c, _ = pair()
    y = c * 2
    with pytest.raises(RuntimeError, match="leaf variables"):
        y.requires_grad = False


def test_is_leaf_grad_fn_names_and_detach():
    c, t = pair()
    yc, yt = c * 2 + 1, t * 2 + 1
    assert c.is_leaf and not yc.is_leaf
    assert yc.grad_fn.name() == yt.grad_fn.name() == "AddBackward0"
    d = yc.detach()
    assert d.is_leaf and not d.requires_grad


def test_hooks_modify_gradient_and_retain_grad_sees_hooked_value():
    c, t = pair()
    results = []
    for x in (c, t):
        y = x * 3
        y.retain_grad()
        y.register_hook(lambda g: g * 10)
        x.register_hook(lambda g: g + 1)
        (y * y).sum().backward()
        results.append((x.grad, y.grad))
    assert_close(results[0][0], results[1][0])
    assert_close(results[0][1], results[1][1])


def test_hook_handle_remove():
    c, _ = pair()
    h = c.register_hook(lambda g: g * 0)
    h.remove()
    (c * 1).sum().backward()
    assert_close(c.grad, np.ones(3, np.float32))


def test_dynamic_control_flow_on_tensor_values():
    def f(lib, x):
        y = x
        steps = 0
        while y.sum() < 100 and steps < 20:  # data-dependent Python loop
            y = y * 2
            steps += 1
        return (y * y).mean() if y.mean() > 0 else (y * 3).mean()

    c, t = pair()
    f(compat, c).backward()
    f(torch, t).backward()
    assert_close(c.grad, t.grad, rtol=1e-5)


class _CubeC(compat.autograd.Function):
    @staticmethod
    def forward(ctx, x, k):
        ctx.save_for_backward(x)
        ctx.k = k
        return x * x * x * k

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x * x * ctx.k, None


class _CubeT(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, k):
        ctx.save_for_backward(x)
        ctx.k = k
        return x * x * x * k

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x * x * ctx.k, None


def test_custom_function_forward_backward_matches_torch():
    c, t = pair()
    yc, yt = _CubeC.apply(c, 2.0), _CubeT.apply(t, 2.0)
    assert yc.grad_fn.name() == "_CubeCBackward" and yt.grad_fn.name() == "_CubeTBackward"
    assert_close(yc, yt.detach())
    (yc * yc).sum().backward()
    (yt * yt).sum().backward()
    assert_close(c.grad, t.grad, rtol=1e-5)


def test_custom_function_wrong_number_of_grads_raises():
    class Bad(compat.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, g):
            return g

    a = compat.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="incorrect number of gradients"):
        Bad.apply(a, a).sum().backward()


def test_custom_function_setup_context_style():
    class Square(compat.autograd.Function):
        @staticmethod
        def forward(x):
            return x * x

        @staticmethod
        def setup_context(ctx, inputs, output):
            (x,) = inputs
            ctx.save_for_backward(x)

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    c, t = pair()
    Square.apply(c).sum().backward()
    (t * t).sum().backward()
    assert_close(c.grad, t.grad)


def test_grad_dtype_follows_leaf_dtype_under_promotion():
    c = compat.tensor([1.0, 2.0], dtype=compat.float32, requires_grad=True)
    d = compat.tensor([1.0, 2.0], dtype=compat.float64)
    (c * d).sum().backward()
    assert c.grad.dtype == compat.float32
