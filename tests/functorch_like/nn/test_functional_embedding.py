"""Parity of functorch_like.nn.functional.embedding / embedding_renorm with torch.

Forward values and the weight gradient of sum(out * g) for random g are compared with
torch 2.13. A gather is exact, so values and gradients match to float32 rounding of the
gradient accumulation (rtol 1e-6 / atol 1e-6); max_norm rows are rescaled from a float32
norm whose summation order differs from torch's (rtol 1e-6 still holds: ~6e-8 observed).
"""
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

from parity import assert_close

import functorch_like.nn.functional as F

RTOL, ATOL = 1e-6, 1e-6


def _case(seed, idx_shape, num=7, dim=4):
    rng = np.random.default_rng(seed)
    w = (rng.standard_normal((num, dim)) * 2).astype(np.float32)
    idx = rng.integers(0, num, idx_shape)
    g = rng.standard_normal(idx_shape + (dim,)).astype(np.float32)
    return w, idx, g


def _torch_out_grad(w, idx, g, **kw):
    tw = torch.tensor(w, requires_grad=True)
    out = TF.embedding(torch.tensor(idx), tw, **kw)
    (out * torch.tensor(g)).sum().backward()
    return out.detach(), tw.grad, tw.detach()


def _ours_out_grad(w, idx, g, **kw):
    out, vjp = jax.vjp(lambda w: F.embedding(jnp.asarray(idx), w, **kw), jnp.asarray(w))
    return out, vjp(jnp.asarray(g))[0]


@pytest.mark.parametrize("idx_shape", [(), (5,), (3, 4)])
@pytest.mark.parametrize("padding_idx", [None, 2, -3])
@pytest.mark.parametrize("freq", [False, True])
def test_embedding_parity(idx_shape, padding_idx, freq):
    w, idx, g = _case(0, idx_shape)
    if idx.ndim:  # make sure the padding row and a repeated index both occur
        idx.reshape(-1)[:3] = [4, 4, 7 + padding_idx if padding_idx and padding_idx < 0
                               else (padding_idx or 1)]
    kw = dict(padding_idx=padding_idx, scale_grad_by_freq=freq)
    t_out, t_grad, _ = _torch_out_grad(w, idx, g, **kw)
    out, grad = _ours_out_grad(w, idx, g, **kw)
    assert_close(out, t_out, rtol=RTOL, atol=ATOL, check_dtype=True)
    assert_close(grad, t_grad, rtol=RTOL, atol=ATOL, check_dtype=True)
    if padding_idx is not None and idx.ndim:
        assert np.all(np.asarray(grad)[padding_idx % 7] == 0)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
def test_embedding_max_norm_parity(norm_type):
    w, idx, g = _case(1, (2, 3))
    t_out, t_grad, t_w_after = _torch_out_grad(w, idx, g, max_norm=1.5, norm_type=norm_type)
    out, grad = _ours_out_grad(w, idx, g, max_norm=1.5, norm_type=norm_type)
    assert_close(out, t_out, rtol=RTOL, atol=ATOL, check_dtype=True)
    assert_close(grad, t_grad, rtol=RTOL, atol=ATOL, check_dtype=True)
    new_w = F.embedding_renorm(jnp.asarray(w), jnp.asarray(idx), 1.5, norm_type)
    assert_close(new_w, t_w_after, rtol=RTOL, atol=ATOL, check_dtype=True)
    assert not np.allclose(new_w, w)  # the case does renormalise some rows


def test_embedding_jit_int32_and_float64():
    w, idx, g = _case(2, (6,))
    w64 = w.astype(np.float64)
    f = jax.jit(lambda i, w: F.embedding(i, w, padding_idx=0))
    out = f(jnp.asarray(idx, jnp.int32), jnp.asarray(w64))
    assert out.dtype == jnp.float64
    assert_close(out, TF.embedding(torch.tensor(idx), torch.tensor(w64)), rtol=0, atol=0)


def test_embedding_invalid_index_under_jit_gives_nan_rows():
    w = jnp.ones((3, 2), jnp.float32)
    out = jax.jit(F.embedding)(jnp.array([0, 3, -1]), w)
    assert np.all(np.isnan(np.asarray(out)[1:])) and np.all(np.asarray(out)[0] == 1)


def test_embedding_errors():
    w = jnp.zeros((5, 3))
    for bad in ([1, 5], [1, -1]):
        with pytest.raises(IndexError, match="index out of range in self"):
            F.embedding(jnp.array(bad), w)
    with pytest.raises(RuntimeError, match=re.escape("'indices' to have an integer type")):
        F.embedding(jnp.array([1.0, 2.0]), w)
    with pytest.raises(RuntimeError, match="'weight' must be 2-D"):
        F.embedding(jnp.array([1, 2]), jnp.zeros(5))
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        F.embedding(jnp.array([1, 2]), w, padding_idx=5)
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        F.embedding(jnp.array([1, 2]), w, padding_idx=-6)
    with pytest.raises(IndexError, match="index out of range in self"):
        F.embedding_renorm(w, jnp.array([7]), 1.0)
