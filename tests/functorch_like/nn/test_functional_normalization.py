"""Parity of functorch_like.nn.functional batch_norm / layer_norm / group_norm with torch.

Every case compares the forward values and the gradients of a random-cotangent scalar
(sum(out * g)) w.r.t. every differentiable input, against torch 2.13 on the same arrays.
float32 tolerances: rtol 1e-5 / atol 1e-5 on values and grads (normalisation divides by a
std computed from a reduction, so the last bits differ by summation order).
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
import torch.nn.functional as TF

from parity import assert_close

import functorch_like.nn.functional as F

RTOL, ATOL = 1e-5, 1e-5


def _flat(x):
    return [y for v in x for y in _flat(v)] if isinstance(x, (tuple, list)) else [x]


def check_parity(ours, theirs, arrays, diff, *, n_out=None, rtol=RTOL, atol=ATOL, seed=0):
    """Compare forward outputs and grads of sum(out_i * g_i) w.r.t. arrays[i] for i in diff.

    `n_out` limits how many (flattened) outputs enter the scalar (e.g. skip running stats).
    """
    rng = np.random.default_rng(seed)
    ts = [torch.tensor(a) if a is not None else None for a in arrays]
    for i in diff:
        ts[i].requires_grad_(True)
    t_out = _flat(theirs(*ts))
    cots = [rng.standard_normal(o.shape).astype(str(o.dtype).replace("torch.", ""))
            for o in t_out[:n_out]]
    t_loss = sum((o * torch.tensor(c)).sum() for o, c in zip(t_out, cots))
    t_grads = torch.autograd.grad(t_loss, [ts[i] for i in diff]) if diff else []

    js = [jnp.asarray(a) if a is not None else None for a in arrays]

    def loss(*d):
        full = list(js)
        for i, v in zip(diff, d):
            full[i] = v
        outs = _flat(ours(*full))
        return sum(jnp.sum(o * c) for o, c in zip(outs, cots)), outs

    (_, j_out), j_grads = jax.jit(jax.value_and_grad(loss, argnums=tuple(range(len(diff))),
                                             has_aux=True))(*[js[i] for i in diff])
    assert len(j_out) == len(t_out)
    for k, (a, b) in enumerate(zip(j_out, t_out)):
        if b is None:
            assert a is None
            continue
        assert_close(a, b, rtol=rtol, atol=atol, check_dtype=True, msg=f"output {k}")
    for i, a, b in zip(diff, j_grads, t_grads):
        assert_close(a, b, rtol=rtol, atol=atol, check_dtype=True, msg=f"grad of arg {i}")


def _randn(rng, *shape):
    return rng.standard_normal(shape).astype(np.float32)


@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 6), (2, 3, 4, 5)])
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_parity(shape, training, affine):
    rng = np.random.default_rng(1)
    c = shape[1]
    x = _randn(rng, *shape) * 2 + 0.5
    rm, rv = _randn(rng, c), rng.uniform(0.5, 2, c).astype(np.float32)
    w = _randn(rng, c) if affine else None
    b = _randn(rng, c) if affine else None
    diff = [0, 3, 4] if affine else [0]

    def ours(x, rm, rv, w, b):
        return F.batch_norm(x, rm, rv, w, b, training=training, momentum=0.3, eps=1e-4)

    def theirs(x, rm, rv, w, b):
        rm, rv = rm.clone(), rv.clone()  # torch updates these in place
        out = TF.batch_norm(x, rm, rv, w, b, training=training, momentum=0.3, eps=1e-4)
        return out, rm, rv

    check_parity(ours, theirs, [x, rm, rv, w, b], diff, n_out=1)


@settings(max_examples=6, deadline=None)  # each new shape recompiles: keep it small
@given(n=st.integers(1, 4), c=st.integers(1, 4), spatial=st.lists(st.integers(1, 3), max_size=2),
       training=st.booleans(), momentum=st.floats(0.0, 1.0), seed=st.integers(0, 2**16))
def test_batch_norm_random_shapes(n, c, spatial, training, momentum, seed):
    shape = (n, c, *spatial)
    if training and n * np.prod(spatial, dtype=int) == 1:
        return  # one value per channel: the error case, tested separately
    rng = np.random.default_rng(seed)
    x = _randn(rng, *shape)
    rm, rv = _randn(rng, c), rng.uniform(0.5, 2, c).astype(np.float32)
    w, b = _randn(rng, c), _randn(rng, c)

    def theirs(x, rm, rv, w, b):
        rm, rv = rm.clone(), rv.clone()
        return TF.batch_norm(x, rm, rv, w, b, training, momentum), rm, rv

    check_parity(lambda x, rm, rv, w, b: F.batch_norm(x, rm, rv, w, b, training, momentum),
                 theirs, [x, rm, rv, w, b], [0, 3, 4], n_out=1, seed=seed)


def test_batch_norm_without_running_stats_uses_batch_stats():
    rng = np.random.default_rng(2)
    x, w, b = _randn(rng, 6, 3, 2), _randn(rng, 3), _randn(rng, 3)
    for training in (True,):
        check_parity(
            lambda x, w, b: F.batch_norm(x, None, None, w, b, training=training)[0],
            lambda x, w, b: TF.batch_norm(x, None, None, w, b, training=training),
            [x, w, b], [0, 1, 2])
    out, rm, rv = F.batch_norm(jnp.asarray(x), None, None, training=True)
    assert rm is None and rv is None


def test_batch_norm_running_update_is_unbiased_and_keeps_dtype():
    rng = np.random.default_rng(3)
    x = _randn(rng, 4, 2, 3)
    rm, rv = np.zeros(2, np.float32), np.ones(2, np.float32)
    _, nm, nv = F.batch_norm(jnp.asarray(x), jnp.asarray(rm), jnp.asarray(rv), training=True)
    flat = x.transpose(1, 0, 2).reshape(2, -1).astype(np.float64)
    assert_close(nm, 0.1 * flat.mean(1), rtol=1e-5, atol=1e-6)
    assert_close(nv, 0.9 + 0.1 * flat.var(1, ddof=1), rtol=1e-5, atol=1e-6)
    assert nm.dtype == jnp.float32 and nv.dtype == jnp.float32
    # eval mode returns the running stats unchanged
    _, em, ev = F.batch_norm(jnp.asarray(x), jnp.asarray(rm), jnp.asarray(rv))
    np.testing.assert_array_equal(em, rm)
    np.testing.assert_array_equal(ev, rv)


def test_batch_norm_running_stats_get_no_gradient():
    x = jnp.asarray(np.random.default_rng(4).standard_normal((5, 2)), jnp.float32)
    g = jax.grad(lambda x: jnp.sum(F.batch_norm(x, jnp.zeros(2), jnp.ones(2),
                                                training=True)[1]))(x)
    np.testing.assert_array_equal(g, np.zeros((5, 2)))


def test_batch_norm_jit_and_float64():
    x = np.random.default_rng(5).standard_normal((3, 2, 2))
    f = jax.jit(lambda x, rm, rv: F.batch_norm(x, rm, rv, training=True))
    out, rm, rv = f(jnp.asarray(x), jnp.zeros(2), jnp.ones(2))
    t_rm, t_rv = torch.zeros(2, dtype=torch.float64), torch.ones(2, dtype=torch.float64)
    t_out = TF.batch_norm(torch.tensor(x), t_rm, t_rv, training=True)
    assert out.dtype == jnp.float64
    assert_close(out, t_out, rtol=1e-12, atol=1e-12)
    assert_close(rm, t_rm, rtol=1e-12, atol=1e-12)
    assert_close(rv, t_rv, rtol=1e-12, atol=1e-12)


def test_batch_norm_errors():
    x = jnp.zeros((2, 3, 4))
    with pytest.raises(ValueError, match=r"Expected more than 1 value per channel when "
                                         r"training, got input size \[1, 3\]"):
        F.batch_norm(jnp.zeros((1, 3)), jnp.zeros(3), jnp.ones(3), training=True)
    with pytest.raises(RuntimeError, match="running_mean should contain 3 elements not 4"):
        F.batch_norm(x, jnp.zeros(4), jnp.ones(4))
    with pytest.raises(RuntimeError, match="weight should contain 3 elements not 4"):
        F.batch_norm(x, jnp.zeros(3), jnp.ones(3), weight=jnp.ones(4))
    with pytest.raises(RuntimeError, match="running_mean must be defined in evaluation mode"):
        F.batch_norm(x, None, None)
    with pytest.raises(ValueError, match="both be None or neither"):
        F.batch_norm(x, jnp.zeros(3), None, training=True)
    with pytest.raises(ValueError, match="eps must be positive during training, but got 0"):
        F.batch_norm(x, jnp.zeros(3), jnp.ones(3), training=True, eps=0)
    with pytest.raises(RuntimeError, match=r"at least 2 dims, got input of shape \[3\]"):
        F.batch_norm(jnp.zeros(3), jnp.zeros(3), jnp.ones(3))
    with pytest.raises(TypeError, match="num_batches_tracked"):
        F.batch_norm(x, jnp.zeros(3), jnp.ones(3), training=True, momentum=None)


@pytest.mark.parametrize("shape,ns", [((4, 5), (5,)), ((2, 3, 4), (3, 4)), ((2, 3, 4), 4)])
@pytest.mark.parametrize("affine", [True, False])
def test_layer_norm_parity(shape, ns, affine):
    rng = np.random.default_rng(6)
    nst = (ns,) if isinstance(ns, int) else ns
    x = _randn(rng, *shape) * 3 - 1
    w = _randn(rng, *nst) if affine else None
    b = _randn(rng, *nst) if affine else None
    check_parity(lambda x, w, b: F.layer_norm(x, ns, w, b, eps=1e-3),
                 lambda x, w, b: TF.layer_norm(x, nst, w, b, eps=1e-3),
                 [x, w, b], [0, 1, 2] if affine else [0])


def test_layer_norm_errors():
    x = jnp.zeros((2, 3, 4))
    with pytest.raises(RuntimeError, match=re_escape(
            "Given normalized_shape=[3], expected input with shape [*, 3], but got input of "
            "size[2, 3, 4]")):
        F.layer_norm(x, [3])
    with pytest.raises(RuntimeError, match=re_escape(
            "Expected weight to be of same shape as normalized_shape, but got weight of "
            "shape [3] and normalized_shape = [4]")):
        F.layer_norm(x, [4], weight=jnp.ones(3))
    with pytest.raises(RuntimeError, match="Expected bias to be of same shape"):
        F.layer_norm(x, [4], bias=jnp.ones(3))


@pytest.mark.parametrize("shape,groups", [((3, 6), 3), ((2, 6, 5), 2), ((2, 4, 3, 3), 4),
                                          ((2, 4, 3), 1)])
@pytest.mark.parametrize("affine", [True, False])
def test_group_norm_parity(shape, groups, affine):
    rng = np.random.default_rng(7)
    c = shape[1]
    x = _randn(rng, *shape) * 2 + 1
    w = _randn(rng, c) if affine else None
    b = _randn(rng, c) if affine else None
    check_parity(lambda x, w, b: F.group_norm(x, groups, w, b, eps=1e-4),
                 lambda x, w, b: TF.group_norm(x, groups, w, b, eps=1e-4),
                 [x, w, b], [0, 1, 2] if affine else [0])


def test_group_norm_errors():
    with pytest.raises(RuntimeError, match=re_escape(
            "Expected number of channels in input to be divisible by num_groups, but got "
            "input of shape [2, 6, 4] and num_groups=4")):
        F.group_norm(jnp.zeros((2, 6, 4)), 4)
    with pytest.raises(RuntimeError, match="Expected at least 2 dimensions for input tensor "
                                           "but received 1"):
        F.group_norm(jnp.zeros(3), 3)
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        F.group_norm(jnp.zeros((1, 3)), 3)
    with pytest.raises(RuntimeError, match=re_escape(
            "Expected weight to be a vector of size equal to the number of channels in input, "
            "but got weight of shape [3] and input of shape [2, 6, 4]")):
        F.group_norm(jnp.zeros((2, 6, 4)), 3, weight=jnp.ones(3))
    with pytest.raises(ValueError, match="num_groups must be positive, got 0"):
        F.group_norm(jnp.zeros((2, 6, 4)), 0)


def re_escape(s):
    import re
    return re.escape(s)
