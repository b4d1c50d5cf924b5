"""Parity of nn.functional activations and softmax with torch 2.13.

Values and the VJP with a random cotangent are compared on float32 inputs that include exact
zeros (the kinks), values beyond softplus' threshold and large magnitudes; float64 runs at
1e-12. Elementwise formulas agree to a few float32 ulps (rtol 1e-5 / atol 1e-6); at the
kinks and at NaN the gradients must be bit-equal, since torch defines them by a branch.
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

from _functional_parity import check_parity

import functorch_like.nn.functional as F

CASES = [
    ("relu", F.relu, TF.relu, {}),
    ("leaky_relu", F.leaky_relu, TF.leaky_relu, {}),
    ("leaky_relu_0.2", lambda x: F.leaky_relu(x, 0.2), lambda x: TF.leaky_relu(x, 0.2), {}),
    ("elu", F.elu, TF.elu, {}),
    ("elu_alpha", lambda x: F.elu(x, alpha=0.5), lambda x: TF.elu(x, alpha=0.5), {}),
    ("gelu", F.gelu, TF.gelu, {}),
    ("gelu_tanh", lambda x: F.gelu(x, approximate="tanh"),
     lambda x: TF.gelu(x, approximate="tanh"), {}),
    ("silu", F.silu, TF.silu, {}),
    ("sigmoid", F.sigmoid, torch.sigmoid, {}),
    ("tanh", F.tanh, torch.tanh, {}),
    ("softplus", F.softplus, TF.softplus, {}),
    ("softplus_beta", lambda x: F.softplus(x, beta=2.0, threshold=5.0),
     lambda x: TF.softplus(x, beta=2.0, threshold=5.0), {}),
]


def _inputs(dtype, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((3, 5, 4)) * 3
    x.flat[:6] = [0.0, -0.0, 2.5, 2.6, 25.0, -40.0]  # kinks, softplus thresholds, large |x|
    return x.astype(dtype)


@pytest.mark.parametrize("name,ours,theirs,_", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activation_parity(name, ours, theirs, _, dtype):
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    if name == "gelu_tanh" and dtype == np.float32:
        # XLA's CPU tanh is a rational approximation good to a few ulps; the tanh-gelu
        # derivative subtracts two ~0.5 terms near x = -0.75, leaving ~1.5e-6 absolute error.
        tol["grad_atol"] = 5e-6
    out, _grads = check_parity(ours, theirs, _inputs(dtype), **tol)
    assert out.dtype == dtype


@pytest.mark.parametrize("name,ours,theirs,_", CASES, ids=[c[0] for c in CASES])
def test_activation_kinks_and_nan_exact(name, ours, theirs, _):
    # -30, not -100: exp(-100) is a float32 denormal, which XLA's CPU backend flushes to 0.
    x = np.array([-1.0, -0.0, 0.0, 1.0, np.nan, 100.0, -30.0], np.float32)
    if name in ("relu", "leaky_relu", "leaky_relu_0.2", "elu", "elu_alpha"):
        check_parity(ours, theirs, x, exact=True)
    else:  # transcendental formulas: only ulp-level agreement, but NaN/inf must match
        out, grads = check_parity(ours, theirs, x, rtol=1e-5, atol=1e-6)
        assert np.isfinite(np.asarray(grads[0])[[0, 1, 2, 3, 5, 6]]).all()


def test_relu_grad_at_zero_is_zero_and_nan_passes():
    g = jax.grad(lambda x: F.relu(x).sum())(jnp.array([0.0, np.nan, -2.0, 3.0]))
    np.testing.assert_array_equal(np.asarray(g), [0.0, 1.0, 0.0, 1.0])  # torch: x <= 0 ? 0 : g


def test_large_inputs_have_finite_gradients():
    x = jnp.array([100.0, 89.0, -100.0], jnp.float32)
    for fn in (F.elu, F.softplus, F.silu, F.sigmoid):
        g = jax.grad(lambda x: fn(x).sum())(x)
        assert np.isfinite(np.asarray(g)).all(), fn.__name__


def test_gelu_rejects_unknown_approximation():
    with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh"):
        F.gelu(jnp.ones(2), approximate="erf")


@pytest.mark.parametrize("fn,tfn", [(F.softmax, TF.softmax), (F.log_softmax, TF.log_softmax)],
                         ids=["softmax", "log_softmax"])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_parity(fn, tfn, dim):
    x = _inputs(np.float32, seed=1)
    out, _ = check_parity(lambda x: fn(x, dim), lambda x: tfn(x, dim), x, rtol=1e-5, atol=1e-6)
    assert out.dtype == np.float32


@pytest.mark.parametrize("fn,tfn", [(F.softmax, TF.softmax), (F.log_softmax, TF.log_softmax)],
                         ids=["softmax", "log_softmax"])
def test_softmax_scalar_float64_and_dtype_argument(fn, tfn):
    check_parity(lambda x: fn(x, 0), lambda x: tfn(x, 0), np.array(1.5), rtol=1e-12, atol=1e-12)
    x = _inputs(np.float64, seed=2)
    check_parity(lambda x: fn(x, -1), lambda x: tfn(x, -1), x, rtol=1e-12, atol=1e-12)
    x32 = _inputs(np.float32, seed=3)
    check_parity(lambda x: fn(x, 1, dtype=jnp.float64), lambda x: tfn(x, 1, dtype=torch.float64),
                 x32, rtol=1e-12, atol=1e-12)


def test_softmax_extreme_logits():
    x = np.array([[1000.0, 0.0, -1000.0], [-np.inf, 0.0, 1.0]], np.float32)
    for fn, tfn in ((F.softmax, TF.softmax), (F.log_softmax, TF.log_softmax)):
        out = fn(jnp.asarray(x), 1)
        np.testing.assert_allclose(np.asarray(out), tfn(torch.tensor(x), 1).numpy(), rtol=1e-6)


@pytest.mark.parametrize("fn", [F.softmax, F.log_softmax])
def test_softmax_errors(fn):
    with pytest.raises(TypeError, match="dim"):
        fn(jnp.ones((2, 3)))
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of "
                                         r"\[-2, 1\], but got 2\)"):
        fn(jnp.ones((2, 3)), 2)
