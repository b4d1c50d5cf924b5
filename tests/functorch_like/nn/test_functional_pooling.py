"""Parity of nn.functional.max_pool2d / avg_pool2d / adaptive_avg_pool2d with torch 2.13.

Max pooling is checked bit for bit (values, gradients, indices) on small-integer inputs full
of ties, so the gradient must go to exactly the element torch picks (the first maximum in
row-major window order; the last NaN in windows with NaNs). Both implementations are
covered: unrolled strided slices (windows of <= 16 elements) and reduce_window (larger).
Average pooling sums <= 25 float32 terms: rtol 1e-6 / atol 1e-6; float64 at 1e-12.
"""
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

from _functional_parity import check_parity

import functorch_like.nn.functional as F

MAX_CASES = [  # (input shape, kwargs)
    ((2, 3, 8, 8), dict(kernel_size=2)),  # the MNIST CNN's pool
    ((2, 3, 7, 9), dict(kernel_size=2)),  # floor mode drops the last row/column
    ((2, 3, 7, 9), dict(kernel_size=2, ceil_mode=True)),
    ((2, 2, 9, 10), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ((2, 2, 9, 10), dict(kernel_size=(2, 3), stride=(1, 2), dilation=(2, 1))),
    ((2, 2, 9, 10), dict(kernel_size=3, stride=1, padding=1, dilation=2)),
    ((2, 2, 9, 10), dict(kernel_size=(3, 1), stride=(2, 1), padding=(1, 0))),
    ((2, 9, 10), dict(kernel_size=2, stride=[], padding=(1, 0))),  # unbatched; [] = default stride
    ((2, 2, 11, 10), dict(kernel_size=5, stride=1, padding=2)),  # 25 elements: reduce_window
    ((2, 2, 11, 10), dict(kernel_size=(5, 4), stride=3, padding=(2, 1), ceil_mode=True)),
    ((2, 2, 13, 12), dict(kernel_size=(4, 5), stride=2, padding=(1, 2), dilation=(2, 1))),
]


def _ties(shape, seed=0):
    return np.random.default_rng(seed).integers(-3, 3, shape).astype(np.float32)


@pytest.mark.parametrize("shape,kw", MAX_CASES, ids=[str(c[1]) for c in MAX_CASES])
def test_max_pool2d_parity_with_ties_exact(shape, kw):
    x = _ties(shape)
    out, _ = check_parity(lambda x: F.max_pool2d(x, **kw), lambda x: TF.max_pool2d(x, **kw), x,
                          exact=True)
    assert out.dtype == np.float32
    ours, idx = jax.jit(lambda x: F.max_pool2d(x, return_indices=True, **kw))(jnp.asarray(x))
    theirs, t_idx = TF.max_pool2d(torch.tensor(x), return_indices=True, **kw)
    np.testing.assert_array_equal(np.asarray(ours), theirs.numpy())
    np.testing.assert_array_equal(np.asarray(idx), t_idx.numpy())
    assert idx.dtype == np.int64  # the suite runs with x64, as torch's int64 indices


@pytest.mark.parametrize("shape,kw", [MAX_CASES[0], MAX_CASES[3], MAX_CASES[8], MAX_CASES[9]],
                         ids=["slices", "slices-padded", "reduce_window", "reduce_window-ceil"])
def test_max_pool2d_nan_and_inf_windows_exact(shape, kw):
    x = _ties(shape, seed=1)
    flat = x.reshape(-1)
    flat[::7] = np.nan
    flat[3::11] = -np.inf
    x[0, 0] = -np.inf  # a whole plane of -inf: torch picks the first real element
    x[1, 1, :4, :4] = np.nan  # windows with several NaNs: torch picks the last one
    check_parity(lambda x: F.max_pool2d(x, **kw), lambda x: TF.max_pool2d(x, **kw), x, exact=True)
    _, idx = jax.jit(lambda x: F.max_pool2d(x, return_indices=True, **kw))(jnp.asarray(x))
    _, t_idx = TF.max_pool2d(torch.tensor(x), return_indices=True, **kw)
    np.testing.assert_array_equal(np.asarray(idx), t_idx.numpy())


@pytest.mark.parametrize("kw", [MAX_CASES[3][1], MAX_CASES[8][1]], ids=["slices", "reduce_window"])
def test_max_pool2d_float64_and_random_values(kw):
    x = np.random.default_rng(2).standard_normal((2, 3, 11, 10))
    out, _ = check_parity(lambda x: F.max_pool2d(x, **kw), lambda x: TF.max_pool2d(x, **kw), x,
                          exact=True)
    assert out.dtype == np.float64


@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated")
@pytest.mark.parametrize("kw", [MAX_CASES[0][1], MAX_CASES[3][1], MAX_CASES[8][1]],
                         ids=["slices", "slices-padded", "reduce_window"])
def test_max_pool2d_forward_mode_matches_torch(kw):
    """custom_jvp: jvp (and so jacfwd/hessian) works and routes tangents as torch's forward AD."""
    x, t = _ties((1, 2, 11, 10), seed=3), np.random.default_rng(4).standard_normal((1, 2, 11, 10))
    t = t.astype(np.float32)
    _, ours = jax.jit(lambda x, t: jax.jvp(lambda x: F.max_pool2d(x, **kw), (x,), (t,)))(
        jnp.asarray(x), jnp.asarray(t))
    _, theirs = torch.func.jvp(lambda x: TF.max_pool2d(x, **kw), (torch.tensor(x),),
                               (torch.tensor(t),))
    np.testing.assert_array_equal(np.asarray(ours), theirs.numpy())
    # Second order: f = sum(pool(x)^2) has Hessian 2 * J^T J, with J the 0/1 routing matrix.
    small = jnp.asarray(x[:, :1, :5, :6])
    hess = jax.jit(jax.hessian(lambda x: jnp.sum(F.max_pool2d(x, **kw) ** 2)))(small)
    jac = jax.jit(jax.jacrev(lambda x: F.max_pool2d(x, **kw)))(small)
    jac = np.asarray(jac).reshape(-1, small.size)
    np.testing.assert_array_equal(np.asarray(hess).reshape(small.size, small.size), 2 * jac.T @ jac)


def test_max_pool2d_under_jit_and_vmap():
    x = jnp.asarray(_ties((3, 2, 2, 6, 6), seed=5))
    f = jax.jit(jax.vmap(lambda x: F.max_pool2d(x, 2)))
    expected = np.stack([TF.max_pool2d(torch.tensor(np.asarray(xi)), 2).numpy() for xi in x])
    np.testing.assert_array_equal(np.asarray(f(x)), expected)


AVG_CASES = [
    ((2, 3, 8, 8), dict(kernel_size=2)),  # blocks
    ((2, 3, 7, 9), dict(kernel_size=(2, 3))),  # blocks after trimming
    ((2, 3, 7, 9), dict(kernel_size=2, divisor_override=3)),
    ((2, 3, 7, 9), dict(kernel_size=2, ceil_mode=True)),
    ((2, 3, 9, 10), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ((2, 3, 9, 10), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True,
                         count_include_pad=False)),
    ((2, 3, 9, 10), dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 0),
                         count_include_pad=False)),
    ((2, 3, 9, 10), dict(kernel_size=5, stride=3, padding=2, ceil_mode=True, divisor_override=7)),
    ((3, 9, 10), dict(kernel_size=3, stride=1, padding=1, count_include_pad=False)),  # unbatched
]


@pytest.mark.parametrize("shape,kw,dtype", [c + (np.float32,) for c in AVG_CASES]
                         + [c + (np.float64,) for c in AVG_CASES[::3]],
                         ids=[f"float32-{c[1]}" for c in AVG_CASES]
                         + [f"float64-{c[1]}" for c in AVG_CASES[::3]])
def test_avg_pool2d_parity(shape, kw, dtype):
    x = np.random.default_rng(6).standard_normal(shape).astype(dtype)
    tol = dict(rtol=1e-6, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    out, _ = check_parity(lambda x: F.avg_pool2d(x, **kw), lambda x: TF.avg_pool2d(x, **kw), x, **tol)
    assert out.dtype == dtype


ADAPTIVE_CASES = [
    ((2, 3, 8, 8), (4, 4)),  # equal windows: block mean
    ((2, 3, 7, 5), (3, 2)),  # overlapping windows
    ((2, 3, 7, 5), (None, 3)),
    ((2, 3, 5, 6), 7),  # output larger than input
    ((3, 7, 5), 1),  # unbatched, global average
]


@pytest.mark.parametrize("shape,size,dtype", [c + (np.float32,) for c in ADAPTIVE_CASES]
                         + [c + (np.float64,) for c in ADAPTIVE_CASES[:2]],
                         ids=[f"float32-{c}" for c in ADAPTIVE_CASES]
                         + [f"float64-{c}" for c in ADAPTIVE_CASES[:2]])
def test_adaptive_avg_pool2d_parity(shape, size, dtype):
    x = np.random.default_rng(7).standard_normal(shape).astype(dtype)
    tol = dict(rtol=1e-6, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    out, _ = check_parity(lambda x: F.adaptive_avg_pool2d(x, size),
                          lambda x: TF.adaptive_avg_pool2d(x, size), x, **tol)
    assert out.dtype == dtype


def test_adaptive_avg_pool2d_empty_output():
    # torch's backward rejects an empty grad_output, so only the forward is compared.
    x = np.random.default_rng(8).standard_normal((2, 3, 7, 5)).astype(np.float32)
    ours = F.adaptive_avg_pool2d(jnp.asarray(x), (0, 2))
    assert ours.shape == tuple(TF.adaptive_avg_pool2d(torch.tensor(x), (0, 2)).shape) == (2, 3, 0, 2)


def _x(*shape):
    return jnp.ones(shape, jnp.float32)


POOL_ERRORS = [
    (lambda: F.max_pool2d(_x(2, 4, 8, 8), 3, padding=2),
     "pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and "
     "dilation=1"),
    (lambda: F.max_pool2d(_x(2, 4, 8, 8), 9),
     "Given input size: (4x8x8). Calculated output size: (4x0x0). Output size is too small"),
    (lambda: F.max_pool2d(_x(2, 4, 8, 8), 3, stride=0), "stride should not be zero"),
    (lambda: F.max_pool2d(_x(2, 4, 8, 8), 2, stride=-1),
     "stride should be greater than zero, but got dH: -1 dW: -1"),
    (lambda: F.max_pool2d(_x(2, 4, 8, 8), 0, stride=1),
     "kernel size should be greater than zero, but got kH: 0 kW: 0"),
    (lambda: F.max_pool2d(_x(2, 4, 8, 8), 2, dilation=0),
     "dilation should be greater than zero, but got dilationH: 0 dilationW: 0"),
    (lambda: F.max_pool2d(_x(2, 4, 8, 8), 2, padding=-1), "pad must be non-negative, but got pad: -1"),
    (lambda: F.max_pool2d(_x(2, 4, 8, 8), (2, 2, 2)),
     "max_pool2d: kernel_size must either be a single int, or a tuple of two ints"),
    (lambda: F.max_pool2d(_x(2, 4, 8, 8), 2, stride=(1, 2, 3)),
     "max_pool2d: stride must either be omitted, a single int, or a tuple of two ints"),
    (lambda: F.max_pool2d(_x(8, 8), 2), "non-empty 3D or 4D (batch mode) tensor expected for input"),
    (lambda: F.max_pool2d(_x(2, 0, 8, 8), 2),
     "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but "
     "got:[2, 0, 8, 8]"),
    (lambda: F.avg_pool2d(_x(2, 4, 8, 8), 3, padding=2),
     "pad should be at most half of effective kernel size, but got pad=2, kernel_size=3"),
    (lambda: F.avg_pool2d(_x(2, 4, 8, 8), 9), "Output size is too small"),
    (lambda: F.avg_pool2d(_x(2, 4, 8, 8), 2, divisor_override=0), "divisor must be not zero"),
    (lambda: F.avg_pool2d(_x(2, 4, 8, 8), (1, 2, 3)),
     "avg_pool2d: kernel_size must either be a single int, or a tuple of two ints"),
    (lambda: F.adaptive_avg_pool2d(_x(2, 4, 8, 8), (2, 3, 4)),
     "adaptive_avg_pool2d: output_size must be 2"),
    (lambda: F.adaptive_avg_pool2d(_x(2, 4, 8, 8), (-1, 3)),
     "adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but "
     "received {-1, 3}"),
    (lambda: F.adaptive_avg_pool2d(_x(8, 8), 2),
     "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [8, 8]"),
    (lambda: F.adaptive_avg_pool2d(_x(2, 4, 0, 3), 2),
     "adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but "
     "input has sizes [2, 4, 0, 3] with dimension 2 being empty"),
]


@pytest.mark.parametrize("call,message", POOL_ERRORS, ids=[str(i) for i in range(len(POOL_ERRORS))])
def test_pooling_errors(call, message):
    with pytest.raises(RuntimeError, match=re.escape(message)):
        call()


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
                                dict(kernel_size=3, padding=1, ceil_mode=True)])
def test_pools_on_integers_match_torch(kw):
    """torch pools int64 too: max exactly, avg with its truncating integer division."""
    x = (np.arange(2 * 3 * 7 * 7).reshape(2, 3, 7, 7) % 11 - 5).astype(np.int64)
    for ours, theirs in ((F.max_pool2d, TF.max_pool2d), (F.avg_pool2d, TF.avg_pool2d)):
        out = jax.jit(lambda x: ours(x, **kw))(jnp.asarray(x))
        assert out.dtype == np.int64
        np.testing.assert_array_equal(np.asarray(out), theirs(torch.tensor(x), **kw).numpy())
    out = jax.jit(lambda x: F.avg_pool2d(x, count_include_pad=False, **kw))(jnp.asarray(x))
    np.testing.assert_array_equal(
        np.asarray(out), TF.avg_pool2d(torch.tensor(x), count_include_pad=False, **kw).numpy())


def test_pools_with_x64_disabled():
    """With x64 off indices are int32 (torch's int64 values) and float32 stays float32."""
    x = _ties((2, 3, 9, 10), seed=9)
    theirs, t_idx = TF.max_pool2d(torch.tensor(x), 3, 2, 1, return_indices=True)
    with jax.enable_x64(False):
        out, idx, avg, ada = jax.jit(lambda x: (
            *F.max_pool2d(x, 3, 2, 1, return_indices=True), F.avg_pool2d(x, 3, 2, 1),
            F.adaptive_avg_pool2d(x, (4, 3))))(jnp.asarray(x))
    assert (out.dtype, idx.dtype, avg.dtype, ada.dtype) == (np.float32, np.int32, np.float32, np.float32)
    np.testing.assert_array_equal(np.asarray(out), theirs.numpy())
    np.testing.assert_array_equal(np.asarray(idx), t_idx.numpy())
    np.testing.assert_allclose(np.asarray(avg), TF.avg_pool2d(torch.tensor(x), 3, 2, 1).numpy(),
                               rtol=1e-6, atol=1e-6)
