"""nn.functional.dropout against torch 2.13: statistics and exact scaling, not RNG bits.

The masks come from different generators, so parity is: the kept fraction is 1 - p within
5 standard deviations on both sides, and both sides compute kept values (and gradients) with
the same arithmetic bit for bit -- `x * (1 / (1 - p))` with the division in the input's
dtype. For p = 0.45 that differs from the correctly rounded x / (1 - p) on ~44% of float32
elements, and from x * float32(1 / (1 - p)) on ~80%, so the check can tell them apart.
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import functorch_like.nn.functional as F

N = 200_000


def _torch_scaled(x, p):
    """torch's kept value, derived from torch's formula (bernoulli(1-p).div_(1-p)) in numpy."""
    dtype = x.dtype.type
    return x * (dtype(1) / dtype(1 - p))


@pytest.mark.parametrize("p", [0.1, 0.45, 0.5, 0.9])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dropout_statistics_and_exact_scaling(p, dtype):
    x = (np.random.default_rng(0).standard_normal(N) + 3.0).astype(dtype)  # no exact zeros
    ours = np.asarray(F.dropout(jnp.asarray(x), p, key=jax.random.key(1)))
    theirs = TF.dropout(torch.tensor(x), p).numpy()
    assert ours.dtype == theirs.dtype == dtype
    sigma = np.sqrt(p * (1 - p) / N)
    for out in (ours, theirs):
        kept = out != 0
        assert abs(kept.mean() - (1 - p)) < 5 * sigma
        np.testing.assert_array_equal(out[kept], _torch_scaled(x, p)[kept])


def test_dropout_gradient_is_mask_times_scale():
    p = 0.45
    x = np.random.default_rng(2).standard_normal(1000).astype(np.float32)
    g = np.random.default_rng(3).standard_normal(1000).astype(np.float32)
    out, vjp = jax.vjp(lambda x: F.dropout(x, p, key=jax.random.key(4)), jnp.asarray(x))
    (grad,) = vjp(jnp.asarray(g))
    tx = torch.tensor(x, requires_grad=True)
    t_out = TF.dropout(tx, p)
    (t_grad,) = torch.autograd.grad(t_out, tx, torch.tensor(g))
    for o, gr in ((np.asarray(out), np.asarray(grad)), (t_out.detach().numpy(), t_grad.numpy())):
        kept = o != 0
        np.testing.assert_array_equal(gr, np.where(kept, _torch_scaled(g, p), 0).astype(np.float32))


def test_dropout_nan_and_inf_follow_torch():
    """torch multiplies by the mask, so a dropped NaN or inf becomes NaN, not 0."""
    x = np.array([np.nan, np.inf] * 50, np.float32)
    ours = np.asarray(F.dropout(jnp.asarray(x), 0.5, key=jax.random.key(5)))
    theirs = TF.dropout(torch.tensor(x), 0.5).numpy()
    for out in (ours, theirs):
        assert np.isnan(out[0::2]).all()
        assert set(np.unique(np.isnan(out[1::2]))) == {False, True}
        assert (out[1::2][~np.isnan(out[1::2])] == np.inf).all()


def test_dropout_identity_cases_and_p_one():
    x = jnp.arange(1.0, 7.0, dtype=jnp.float32).reshape(2, 3)
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0, key=None) is x
    y = F.dropout(x, 1.0, key=jax.random.key(0))
    np.testing.assert_array_equal(np.asarray(y), TF.dropout(torch.tensor(np.asarray(x)), 1.0).numpy())
    assert y.dtype == jnp.float32
    g = jax.grad(lambda x: F.dropout(x, 1.0, key=jax.random.key(0)).sum())(x)
    np.testing.assert_array_equal(np.asarray(g), np.zeros((2, 3), np.float32))


def test_dropout_key_determinism_and_jit():
    x = jnp.ones((64, 64), jnp.float32)
    a = F.dropout(x, 0.5, key=jax.random.key(7))
    b = jax.jit(lambda x, k: F.dropout(x, 0.5, key=k))(x, jax.random.key(7))
    c = F.dropout(x, 0.5, key=jax.random.key(8))
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert not np.array_equal(np.asarray(a), np.asarray(c))


def test_dropout_errors():
    x = jnp.ones(3, jnp.float32)
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        F.dropout(x, 1.5, key=jax.random.key(0))
    with pytest.raises(ValueError, match="between 0 and 1, but got -0.1"):
        F.dropout(x, -0.1)
    with pytest.raises(ValueError, match=r"needs a PRNG key: pass key=jax.random.key"):
        F.dropout(x, 0.5)
