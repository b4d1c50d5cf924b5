"""The channels-last CPU helpers (nn.functional._conv_cpu) against torch's NCHW ops.

conv2d_nhwc: values (rtol/atol 1e-5) and gradients w.r.t. input, weight and bias (atol 1e-4:
weight gradients sum over every output position) equal torch's conv2d through transposes.
max_pool2d_2x2_nhwc: values exactly, gradients exactly (each cotangent is copied to one
element), including ties (first maximum), NaN windows (torch's pick), -inf and odd sizes.
"""
import numpy as np
import pytest
import torch
import torch.nn.functional as TF
import jax
import jax.numpy as jnp

from parity import assert_close, torch_value_and_grads

from functorch_like.nn.functional import _conv_cpu


def _nchw(a):
    return np.ascontiguousarray(np.transpose(a, (0, 3, 1, 2)))


def _nhwc(a):
    return np.transpose(a, (0, 2, 3, 1))


@pytest.mark.parametrize("bias", [True, False])
def test_conv2d_nhwc_matches_torch(bias):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 9, 8, 3)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 2)).astype(np.float32)
    b = rng.standard_normal(4).astype(np.float32)
    seed = rng.standard_normal((2, 4, 7, 7)).astype(np.float32)
    args = (_nchw(x), w, b) if bias else (_nchw(x), w)
    out, grads = torch_value_and_grads(lambda *t: TF.conv2d(*t), *args, seed_grad=seed)

    def f(*a):
        return jnp.sum(_conv_cpu.conv2d_nhwc(*a) * jnp.asarray(_nhwc(seed)))

    ours_args = (jnp.asarray(x), jnp.asarray(w)) + ((jnp.asarray(b),) if bias else ())
    assert_close(_nchw(np.asarray(_conv_cpu.conv2d_nhwc(*ours_args))), out, rtol=1e-5, atol=1e-5)
    ours = jax.grad(f, argnums=tuple(range(len(ours_args))))(*ours_args)
    assert_close(_nchw(np.asarray(ours[0])), grads[0], rtol=1e-5, atol=1e-5, msg="d input")
    for g, tg, name in zip(ours[1:], grads[1:], ["weight", "bias"]):
        assert_close(g, tg, rtol=1e-5, atol=1e-4, msg=f"d {name}")


POOL_INPUTS = {
    "random": lambda rng: rng.standard_normal((2, 6, 8, 3)),
    "ties": lambda rng: rng.integers(0, 3, (2, 6, 8, 3)),  # many equal maxima per window
    "odd": lambda rng: rng.integers(0, 2, (1, 7, 5, 2)),
    "nan_inf": lambda rng: np.where(rng.random((2, 4, 4, 3)) < 0.3, np.nan,
                                    np.where(rng.random((2, 4, 4, 3)) < 0.3, -np.inf,
                                             rng.integers(0, 2, (2, 4, 4, 3)))),
}


@pytest.mark.parametrize("name", list(POOL_INPUTS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_max_pool2d_2x2_nhwc_matches_torch(name, dtype):
    rng = np.random.default_rng(1)
    x = POOL_INPUTS[name](rng).astype(dtype)
    n, h, w, c = x.shape
    seed = rng.standard_normal((n, c, h // 2, w // 2)).astype(dtype)
    out, (grad,) = torch_value_and_grads(lambda t: TF.max_pool2d(t, 2), _nchw(x), seed_grad=seed)
    ours = _conv_cpu.max_pool2d_2x2_nhwc(jnp.asarray(x))
    assert ours.dtype == dtype
    np.testing.assert_array_equal(_nchw(np.asarray(ours)), out)
    _, vjp = jax.vjp(_conv_cpu.max_pool2d_2x2_nhwc, jnp.asarray(x))
    (g,) = vjp(jnp.asarray(_nhwc(seed)))
    np.testing.assert_array_equal(_nchw(np.asarray(g)), grad)


def test_errors():
    with pytest.raises(RuntimeError, match=r"conv2d_nhwc: expected input \(N, H, W, 3\)"):
        _conv_cpu.conv2d_nhwc(jnp.ones((1, 5, 5, 2)), jnp.ones((4, 3, 3, 3)))
    with pytest.raises(RuntimeError, match=r"H, W >= 2, got \[1, 1, 4, 3\]"):
        _conv_cpu.max_pool2d_2x2_nhwc(jnp.ones((1, 1, 4, 3)))
