"""Parity of functorch_like.jacrev / jacfwd / hessian with torch.func.

Same functions (written against a namespace `m`: torch or jax.numpy), same float32
inputs; Jacobians compare at rtol 1e-5 / atol 1e-5 (float32 products and short sums).
Structure checks make sure the nesting (outputs outside, differentiated arguments inside)
and shapes (output.shape + input.shape) are torch's. Error cases compare torch.func's live
exception type and message.
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.func as tf

from parity import assert_close

import functorch_like as fl

RTOL, ATOL = 1e-5, 1e-5
RNG = np.random.default_rng(2)


def arr(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def pair(*arrays):
    return [torch.tensor(a) for a in arrays], [jnp.asarray(a) for a in arrays]


def torch_error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - any torch exception is the reference
        return e
    raise AssertionError("torch raised nothing")


def assert_same_error(ours, theirs):
    expected = torch_error(theirs)
    with pytest.raises(type(expected)) as info:
        ours()
    assert str(info.value) == str(expected)


def assert_tree_close(ours, theirs):
    def spec(t):
        return jax.tree.structure(
            jax.tree.map(lambda _: 0, t, is_leaf=lambda v: isinstance(v, torch.Tensor))
        )

    assert spec(ours) == spec(theirs), (spec(ours), spec(theirs))
    for o, t in zip(jax.tree.leaves(ours), jax.tree.leaves(theirs)):
        assert o.dtype == jnp.float32
        assert_close(o, t, rtol=RTOL, atol=ATOL)


def two_outputs(m):
    def f(x, w, *, scale=1.0):
        y = x @ w
        return m.sin(y) * scale, (y ** 2).sum(0)

    return f


JACS = [(fl.jacrev, tf.jacrev), (fl.jacfwd, tf.jacfwd)]


@pytest.mark.parametrize("ours_t,theirs_t", JACS, ids=["jacrev", "jacfwd"])
@pytest.mark.parametrize("argnums", [0, 1, (0, 1), (-1,)])
def test_jacobians_match_torch(ours_t, theirs_t, argnums):
    (x, w), (jx, jw) = pair(arr(2, 3), arr(3, 4))
    # torch.func.jacfwd ignores a negative argnum (its _replace_args compares the raw -1
    # with positions, so it returns zeros): torch's reference uses the positive index.
    positive = (1,) if argnums == (-1,) else argnums
    theirs = theirs_t(lambda a, b: two_outputs(torch)(a, b, scale=0.5), argnums=positive)(x, w)
    ours = ours_t(two_outputs(jnp), argnums=argnums)(jx, jw, scale=0.5)
    assert_tree_close(ours, theirs)


@pytest.mark.parametrize("ours_t,theirs_t", JACS, ids=["jacrev", "jacfwd"])
def test_jacobians_of_dict_inputs_with_aux(ours_t, theirs_t):
    def make(m):
        def f(params, x):
            y = m.tanh(x @ params["w"].T + params["b"])
            return y, {"y_mean": y.mean()}

        return f

    (w, b, x), (jw, jb, jx) = pair(arr(2, 3), arr(2), arr(3))
    tjac, taux = theirs_t(make(torch), has_aux=True)({"w": w, "b": b}, x)
    ojac, oaux = ours_t(make(jnp), has_aux=True)({"w": jw, "b": jb}, jx)
    assert ojac["w"].shape == (2, 2, 3)
    assert_tree_close(ojac, tjac)
    assert_close(oaux["y_mean"], taux["y_mean"], rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("chunk_size", [1, 2, 5, 100])
def test_jacrev_chunk_size_matches_torch(chunk_size):
    (x, w), (jx, jw) = pair(arr(2, 3), arr(3, 4))
    theirs = tf.jacrev(two_outputs(torch), argnums=(0, 1), chunk_size=chunk_size)(x, w)
    ours = fl.jacrev(two_outputs(jnp), argnums=(0, 1), chunk_size=chunk_size)(jx, jw)
    assert_tree_close(ours, theirs)


@pytest.mark.parametrize("argnums", [0, (0, 1)])
def test_hessian_matches_torch_under_jit(argnums):
    def make(m):
        return lambda x, w: (m.sin(x @ w) ** 2).sum() + (x ** 3).sum()

    (x, w), (jx, jw) = pair(arr(3), arr(3, 2))
    theirs = tf.hessian(make(torch), argnums=argnums)(x, w)
    ours = fl.jit(fl.hessian(make(jnp), argnums=argnums))(jx, jw)
    assert_tree_close(ours, theirs)


def test_jacfwd_randomness_modes_apply_to_keys():
    x = jnp.arange(3.0, dtype=jnp.float32)
    key = jax.random.key(0)

    def f(v, *, key):
        return v * jax.random.uniform(key, (3,), jnp.float32)

    with pytest.raises(RuntimeError, match="randomness error mode"):
        fl.jacfwd(f)(x, key=key)
    # 'same': every basis direction sees one key -> diag(u) for the one draw u
    jac = fl.jacfwd(f, randomness="same")(x, key=key)
    u = jax.random.uniform(key, (3,), jnp.float32)
    np.testing.assert_allclose(np.asarray(jac), np.diag(np.asarray(u)), rtol=1e-6)


def test_jacobian_errors_match_torch():
    (x,), (jx,) = pair(arr(3))
    double = lambda v: v * 2  # noqa: E731
    assert_same_error(lambda: fl.jacrev(double, has_aux=True)(jx),
                      lambda: tf.jacrev(double, has_aux=True)(x))
    assert_same_error(lambda: fl.jacfwd(double, has_aux=True)(jx),
                      lambda: tf.jacfwd(double, has_aux=True)(x))
    assert_same_error(lambda: fl.jacrev(double, chunk_size=0),
                      lambda: tf.jacrev(double, chunk_size=0))
    assert_same_error(lambda: fl.jacrev(double, argnums=3)(jx),
                      lambda: tf.jacrev(double, argnums=3)(x))
    assert_same_error(lambda: fl.jacrev(double)(jnp.arange(3)),
                      lambda: tf.jacrev(double)(torch.arange(3)))
