"""Parity of functorch_like.vmap with torch.func.vmap: in/out_dims, chunks, errors, keys.

Functions are written once against a namespace `m` (torch or jax.numpy) and mapped by both
libraries over the same float32 inputs; values compare at rtol 1e-5 / atol 1e-5 (float32
matmuls and reductions whose summation order differs between the libraries). Error cases
check torch's exception type and message, captured live from torch.func. Randomness has
no torch counterpart value-wise (keys vs a global generator): those tests check the
documented key rules against keys split by hand.
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
RNG = np.random.default_rng(1)


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


def assert_same_error(ours, theirs, prefix_only_until=None):
    expected = torch_error(theirs)
    with pytest.raises(type(expected)) as info:
        ours()
    msg = str(expected)
    if prefix_only_until is not None:
        msg = msg[: msg.index(prefix_only_until)]
        assert str(info.value).startswith(msg), (str(info.value), msg)
    else:
        assert str(info.value) == msg


def assert_tree_close(ours, theirs):
    o_leaves, t_leaves = jax.tree.leaves(ours), jax.tree.leaves(theirs)
    assert len(o_leaves) == len(t_leaves)
    assert jax.tree.structure(ours) == jax.tree.structure(
        jax.tree.map(lambda t: 0, theirs, is_leaf=lambda t: isinstance(t, torch.Tensor))
    )
    for o, t in zip(o_leaves, t_leaves):
        assert_close(o, t, rtol=RTOL, atol=ATOL)


def affine(m):
    def f(x, w, b):
        return m.tanh(x @ w + b)

    return f


@pytest.mark.parametrize("in_dims", [0, (1, None, None), (-1, None, 0)])
def test_vmap_in_dims_match_torch(in_dims):
    x = arr(3, 3) if in_dims == 0 else arr(4, 3)
    w = arr(3, 3, 2) if in_dims == 0 else arr(4, 2)
    b = arr(3, 2) if in_dims == 0 else (arr(2) if in_dims[2] is None else arr(3, 2))
    (tx, tw, tb), (jx, jw, jb) = pair(x, w, b)
    theirs = tf.vmap(affine(torch), in_dims=in_dims)(tx, tw, tb)
    ours = fl.vmap(affine(jnp), in_dims=in_dims)(jx, jw, jb)
    assert ours.dtype == jnp.float32
    assert_close(ours, theirs, rtol=RTOL, atol=ATOL)


def test_vmap_nested_in_dims_dict_and_kwargs_not_mapped():
    def make(m):
        def f(pair_, params, *, shift):
            a, c = pair_
            return {"s": a * params["w"] + c + shift, "p": (a * c).sum() * params["k"]}

        return f

    a, c, w, k, shift = arr(5, 3), arr(3, 5), arr(3), arr(5), arr(3)
    (ta, tc, tw, tk, ts), (ja, jc, jw, jk, js) = pair(a, c, w, k, shift)
    in_dims = ((0, 1), {"w": None, "k": 0})
    theirs = tf.vmap(make(torch), in_dims=in_dims)((ta, tc), {"w": tw, "k": tk}, shift=ts)
    ours = fl.vmap(make(jnp), in_dims=in_dims)((ja, jc), {"w": jw, "k": jk}, shift=js)
    assert_tree_close(ours, theirs)


@pytest.mark.parametrize(
    "out_dims", [1, -1, {"s": 1, "p": -1, "u": None}, {"s": 0, "p": 1, "u": 0}]
)
def test_vmap_out_dims_match_torch(out_dims):
    def make(m):
        def f(x, c):
            out = {"s": c * x.mean(), "p": m.exp(x) * c}
            if isinstance(out_dims, dict):
                out["u"] = c * 2  # unmapped: fine with out_dim None, broadcast with 0
            return out

        return f

    (x, c), (jx, jc) = pair(arr(4, 3), arr(3))
    in_dims = (0, None)
    theirs = tf.vmap(make(torch), in_dims=in_dims, out_dims=out_dims)(x, c)
    ours = fl.vmap(make(jnp), in_dims=in_dims, out_dims=out_dims)(jx, jc)
    assert_tree_close(ours, theirs)


def test_vmap_single_output_with_one_tuple_out_dims_and_tuple_outputs():
    (x,), (jx,) = pair(arr(3, 2))
    assert_close(fl.vmap(lambda v: v * 3, out_dims=(1,))(jx),
                 tf.vmap(lambda v: v * 3, out_dims=(1,))(x))
    theirs = tf.vmap(lambda v: (v.sum(), [v * 2, v]), out_dims=(0, [1, 0]))(x)
    ours = fl.vmap(lambda v: (v.sum(), [v * 2, v]), out_dims=(0, [1, 0]))(jx)
    assert_tree_close(ours, theirs)


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 7])
def test_vmap_chunk_size_matches_torch(chunk_size):
    def make(m):
        return lambda x, w, s: {"y": m.sin(x @ w) * s, "c": w.sum() + s * 0}

    (x, w, s), (jx, jw, js) = pair(arr(3, 5), arr(3, 2), arr(5))
    kw = dict(in_dims=(1, None, 0), out_dims={"y": 1, "c": 0}, chunk_size=chunk_size)
    theirs = tf.vmap(make(torch), **kw)(x, w, s)
    ours = fl.vmap(make(jnp), **kw)(jx, jw, js)
    assert ours["y"].shape == (2, 5)
    assert_tree_close(ours, theirs)
    # and the same numbers as without chunks, under jit as well
    jitted = fl.jit(fl.vmap(make(jnp), **kw))(jx, jw, js)
    assert_tree_close(jitted, theirs)


def test_vmap_chunked_unmapped_output_with_out_dim_none():
    (x,), (jx,) = pair(arr(5, 2))
    c = jnp.arange(3.0, dtype=jnp.float32)
    ys, cs = fl.vmap(lambda v: (v * 2, c), out_dims=(0, None), chunk_size=2)(jx)
    assert_close(ys, tf.vmap(lambda v: v * 2)(x))
    np.testing.assert_array_equal(np.asarray(cs), np.asarray(c))


def test_nested_vmap_and_per_sample_grads_match_torch():
    (x, y), (jx, jy) = pair(arr(4, 3), arr(5, 3))
    theirs = tf.vmap(tf.vmap(lambda a, b: (a * b).sum(), in_dims=(None, 0)), in_dims=(0, None))(x, y)
    ours = fl.vmap(fl.vmap(lambda a, b: (a * b).sum(), in_dims=(None, 0)), in_dims=(0, None))(jx, jy)
    assert_close(ours, theirs, rtol=RTOL, atol=ATOL)

    def make(m):
        return lambda w, xi, yi: ((m.tanh(xi @ w) - yi) ** 2).sum()

    (w, xs, ys), (jw, jxs, jys) = pair(arr(3, 2), arr(6, 3), arr(6, 2))
    theirs = tf.vmap(tf.grad(make(torch)), in_dims=(None, 0, 0))(w, xs, ys)
    ours = fl.vmap(fl.grad(make(jnp)), in_dims=(None, 0, 0))(jw, jxs, jys)
    assert ours.shape == (6, 3, 2)
    assert_close(ours, theirs, rtol=RTOL, atol=ATOL)


def test_vmap_errors_match_torch():
    (x, y), (jx, jy) = pair(arr(3), arr(4))
    ident = lambda v: v  # noqa: E731
    add = lambda a, b: a + b  # noqa: E731
    structure = "in_dims has structure"
    cases = [
        (lambda V, a, b: V(add, in_dims=(0,))(a, a), structure),
        (lambda V, a, b: V(add)(a, b), None),
        (lambda V, a, b: V(add, in_dims=[0, 0])(a, a), None),
        (lambda V, a, b: V(ident, in_dims=2)(a), None),
        (lambda V, a, b: V(ident, in_dims=None)(a), None),
        (lambda V, a, b: V(ident, in_dims=(None,))(a), None),
        (lambda V, a, b: V(ident)(1.0), None),
        (lambda V, a, b: V(ident)(), None),
        (lambda V, a, b: V(lambda v: (v, v), out_dims=(0, 0, 0))(a), "out_dims has structure"),
        (lambda V, a, b: V(ident, out_dims=None)(a), None),
        (lambda V, a, b: V(ident, out_dims="a")(a), None),
        (lambda V, a, b: V(ident, out_dims=2)(a), None),
        (lambda V, a, b: V(lambda v: 1.0)(a), None),
        (lambda V, a, b: V(ident, randomness="bogus")(a), None),
        (lambda V, a, b: V(ident, chunk_size=0)(a), None),
    ]
    for case, until in cases:
        assert_same_error(lambda: case(fl.vmap, jx, jy), lambda: case(tf.vmap, x, y),
                          prefix_only_until=until)
    # the brief's two headline cases, spelled out
    with pytest.raises(ValueError, match=r"got sizes \[3, 4\] for the mapped dimension"):
        fl.vmap(add)(jx, jy)
    with pytest.raises(ValueError, match="in_dims is not compatible with the structure"):
        fl.vmap(add, in_dims=(0,))(jx, jx)


def noisy(a, *, key):
    return a + jax.random.normal(key, a.shape, a.dtype)


def test_randomness_error_mode_refuses_keys_like_torch_refuses_random_ops():
    (x,), (jx,) = pair(arr(3, 2))
    key = jax.random.key(0)
    assert_same_error(lambda: fl.vmap(noisy)(jx, key=key),
                      lambda: tf.vmap(lambda v: v + torch.rand(()))(x))
    with pytest.raises(RuntimeError, match="randomness error mode"):
        fl.vmap(lambda a, k: a + jax.random.normal(k, a.shape), in_dims=(0, None))(jx, key)
    with pytest.raises(RuntimeError, match="randomness error mode"):
        fl.vmap(noisy)(jx, key=jax.random.PRNGKey(0))  # raw uint32 keys count too


def test_randomness_same_broadcasts_the_key():
    x = jnp.zeros((4, 3), jnp.float32)
    key = jax.random.key(1)
    out = fl.vmap(noisy, randomness="same")(x, key=key)
    expected = jax.random.normal(key, (3,), jnp.float32)
    for row in out:
        np.testing.assert_allclose(np.asarray(row), np.asarray(expected), rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match="randomness='same'"):
        fl.vmap(lambda a, k: a, randomness="same")(x, jax.random.split(key, 4))


@pytest.mark.parametrize("chunk_size", [None, 3])
def test_randomness_different_splits_the_key_per_element(chunk_size):
    x = jnp.zeros((5, 3), jnp.float32)
    key = jax.random.key(2)
    out = fl.vmap(noisy, randomness="different", chunk_size=chunk_size)(x, key=key)
    expected = jnp.stack([jax.random.normal(k, (3,), jnp.float32)
                          for k in jax.random.split(key, 5)])
    np.testing.assert_allclose(np.asarray(out), np.asarray(expected), rtol=1e-6, atol=1e-6)
    assert len({tuple(np.asarray(r).round(5)) for r in out}) == 5
    # a typed key among positional args, unmapped -> split the same way
    pos = fl.vmap(lambda a, k: noisy(a, key=k), in_dims=(0, None), randomness="different")(x, key)
    np.testing.assert_allclose(np.asarray(pos), np.asarray(expected), rtol=1e-6, atol=1e-6)
    # a batch of keys given explicitly (in_dim 0) is used as is
    keys = jax.random.split(jax.random.key(3), 5)
    given = fl.vmap(lambda a, k: noisy(a, key=k), randomness="different")(x, keys)
    np.testing.assert_allclose(np.asarray(given[4]),
                               np.asarray(jax.random.normal(keys[4], (3,), jnp.float32)),
                               rtol=1e-6, atol=1e-6)
