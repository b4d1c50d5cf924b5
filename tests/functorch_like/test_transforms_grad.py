"""Parity of functorch_like's grad / grad_and_value / vjp / jvp / linearize with torch.func.

Each function is written once against a namespace `m` (torch or jax.numpy) and run
through both libraries' transform on the same float32 inputs; values compare at rtol
1e-5 / atol 1e-5 (float32: gradients sum O(1) products whose cancellation leaves
~1e-6 absolute rounding differences between the two libraries' summation orders). Error cases
compare our exception type and message with the one torch.func raises for the same
mistake (captured live from torch, not copied), exactly where the message holds no
library-specific repr, else up to that repr.
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
RNG = np.random.default_rng(0)


def arr(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def pair(*arrays):
    """The same values as torch tensors and jax arrays."""
    return [torch.tensor(a) for a in arrays], [jnp.asarray(a) for a in arrays]


def torch_error(fn):
    """Runs fn, returns the exception torch raised (the test fails if none)."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - any torch exception is the reference
        return e
    raise AssertionError("torch raised nothing")


def assert_same_error(ours, theirs, prefix_only_until=None):
    """Our call raises torch's exception type with torch's message (or its prefix)."""
    expected = torch_error(theirs)
    with pytest.raises(type(expected)) as info:
        ours()
    msg = str(expected)
    if prefix_only_until is not None:
        msg = msg[: msg.index(prefix_only_until)]
        assert str(info.value).startswith(msg), (str(info.value), msg)
    else:
        assert str(info.value) == msg


def loss(m):
    def f(x, w, b, *, scale=1.0):
        return (m.tanh(x @ w + b) ** 2).sum() * scale

    return f


def loss_aux(m):
    def f(x, w):
        y = m.sin(x @ w)
        return y.sum(), {"y": y, "n": y.mean()}

    return f


def test_grad_single_argnum_float32():
    (x, w, b), (jx, jw, jb) = pair(arr(4, 3), arr(3, 2), arr(2))
    theirs = tf.grad(loss(torch), argnums=1)(x, w, b, scale=0.5)
    ours = fl.grad(loss(jnp), argnums=1)(jx, jw, jb, scale=0.5)
    assert ours.dtype == jnp.float32
    assert_close(ours, theirs, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("argnums", [(0, 2), (-1, 0), 0])
def test_grad_argnums_tuple_and_negative(argnums):
    (x, w, b), (jx, jw, jb) = pair(arr(4, 3), arr(3, 2), arr(2))
    theirs = tf.grad(loss(torch), argnums=argnums)(x, w, b)
    ours = fl.grad(loss(jnp), argnums=argnums)(jx, jw, jb)
    if isinstance(argnums, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
    else:
        ours, theirs = (ours,), (theirs,)
    for o, t in zip(ours, theirs):
        assert_close(o, t, rtol=RTOL, atol=ATOL)


def test_grad_has_aux_and_grad_and_value_orders():
    (x, w), (jx, jw) = pair(arr(4, 3), arr(3, 2))
    tg, taux = tf.grad(loss_aux(torch), has_aux=True)(x, w)
    og, oaux = fl.grad(loss_aux(jnp), has_aux=True)(jx, jw)
    assert_close(og, tg, rtol=RTOL, atol=ATOL)
    assert_close(oaux["y"], taux["y"], rtol=RTOL, atol=ATOL)
    assert_close(oaux["n"], taux["n"], rtol=RTOL, atol=ATOL)

    tg, (tv, taux) = tf.grad_and_value(loss_aux(torch), argnums=(0, 1), has_aux=True)(x, w)
    og, (ov, oaux) = fl.grad_and_value(loss_aux(jnp), argnums=(0, 1), has_aux=True)(jx, jw)
    assert_close(ov, tv, rtol=RTOL, atol=ATOL)
    assert_close(og[0], tg[0], rtol=RTOL, atol=ATOL)
    assert_close(og[1], tg[1], rtol=RTOL, atol=ATOL)
    assert_close(oaux["n"], taux["n"], rtol=RTOL, atol=ATOL)

    (x, w, b), (jx, jw, jb) = pair(arr(4, 3), arr(3, 2), arr(2))
    tg, tv = tf.grad_and_value(loss(torch))(x, w, b)
    og, ov = fl.grad_and_value(loss(jnp))(jx, jw, jb)
    assert ov.shape == () and og.shape == (4, 3)
    assert_close(ov, tv, rtol=RTOL, atol=ATOL)
    assert_close(og, tg, rtol=RTOL, atol=ATOL)


def test_grad_of_dict_params_and_non_array_args_under_jit():
    def make(m):
        def f(params, x, mode):
            assert mode == "train"  # a plain Python value passes through untouched
            return (m.exp(x @ params["weight"].T + params["bias"]) ** 0.5).mean()

        return f

    (w, b, x), (jw, jb, jx) = pair(arr(2, 3), arr(2), arr(5, 3))
    theirs = tf.grad(make(torch))({"weight": w, "bias": b}, x, "train")
    ours = fl.jit(fl.grad(make(jnp)), static_argnums=2)({"weight": jw, "bias": jb}, jx, "train")
    assert set(ours) == {"weight", "bias"}
    for k in ours:
        assert_close(ours[k], theirs[k], rtol=RTOL, atol=ATOL)


def test_grad_errors_match_torch():
    (x,), (jx,) = pair(arr(2, 3))
    cases = [
        (lambda m: (lambda v: v * 2), {}),  # 2-d output
        (lambda m: (lambda v: 3.0), {}),  # non-tensor output
        (lambda m: (lambda v: v.sum()), {"has_aux": True}),  # aux not a 2-tuple
        (lambda m: (lambda v: v.sum()), {"argnums": 2}),
        (lambda m: (lambda v: v.sum()), {"argnums": (0, 0)}),
        (lambda m: (lambda v: v.sum()), {"argnums": ()}),
        (lambda m: (lambda v: v.sum()), {"argnums": 1.0}),
    ]
    for make, kw in cases:
        assert_same_error(lambda: fl.grad(make(jnp), **kw)(jx),
                          lambda: tf.grad(make(torch), **kw)(x))
    assert_same_error(
        lambda: fl.grad_and_value(lambda v: v.sum())(jnp.arange(3)),
        lambda: tf.grad_and_value(lambda v: v.sum())(torch.arange(3)),
    )
    # The brief's literal text for a 2-d output:
    with pytest.raises(RuntimeError, match=r"got tensor with 2 dims\. Maybe you wanted"):
        fl.grad(lambda v: v)(jx)


def test_vjp_tuple_of_cotangents_multi_output_and_aux():
    def make(m):
        def f(x, w):
            y = x @ w
            return m.sin(y), (y ** 2).sum(1)

        return f

    (x, w, c1, c2), (jx, jw, jc1, jc2) = pair(arr(4, 3), arr(3, 2), arr(4, 2), arr(4))
    tout, tfn = tf.vjp(make(torch), x, w)
    oout, ofn = fl.vjp(make(jnp), jx, jw)
    for o, t in zip(oout, tout):
        assert_close(o, t, rtol=RTOL, atol=ATOL)
    tct, oct_ = tfn((c1, c2)), ofn((jc1, jc2))
    assert isinstance(oct_, tuple) and len(oct_) == 2
    for o, t in zip(oct_, tct):
        assert o.dtype == jnp.float32
        assert_close(o, t, rtol=RTOL, atol=ATOL)
    # reusable, and torch's retain_graph/create_graph keywords are accepted
    for o, t in zip(ofn((jc1, jc2), retain_graph=True), tct):
        assert_close(o, t, rtol=RTOL, atol=ATOL)

    # single primal -> a 1-tuple; float64 cotangent is cast to the float32 output dtype
    tout, tfn, taux = tf.vjp(loss_aux(torch), x, w, has_aux=True)
    oout, ofn, oaux = fl.vjp(loss_aux(jnp), jx, jw, has_aux=True)
    assert_close(oaux["y"], taux["y"], rtol=RTOL, atol=ATOL)
    theirs = tfn(torch.tensor(1.5, dtype=torch.float64))
    ours = ofn(np.float64(1.5) * np.ones((), np.float64))
    assert len(ours) == 2 and ours[0].dtype == jnp.float32
    for o, t in zip(ours, theirs):
        assert t.dtype == torch.float32
        assert_close(o, t, rtol=RTOL, atol=ATOL)


def test_vjp_errors_match_torch():
    (x,), (jx,) = pair(arr(3))
    assert_same_error(lambda: fl.vjp(lambda v: v.sum(), jx, has_aux=True),
                      lambda: tf.vjp(lambda v: v.sum(), x, has_aux=True))
    assert_same_error(lambda: fl.vjp(lambda v: v * 2, jx)[1]((jx,)),
                      lambda: tf.vjp(lambda v: v * 2, x)[1]((x,)))
    assert_same_error(lambda: fl.vjp(lambda v: v * 2, jx)[1](jnp.ones(2)),
                      lambda: tf.vjp(lambda v: v * 2, x)[1](torch.ones(2)),
                      prefix_only_until="torch.Size")
    assert_same_error(lambda: fl.vjp(lambda v: (v * 2).astype(jnp.int64), jx),
                      lambda: tf.vjp(lambda v: (v * 2).long(), x),
                      prefix_only_until="torch.int64")
    assert_same_error(lambda: fl.vjp(lambda v: v * 2, jnp.arange(3)),
                      lambda: tf.vjp(lambda v: v * 2, torch.arange(3)))


def jvp_fn(m):
    def f(x, w):
        return m.tanh(x @ w), (x ** 3).sum()

    return f


def test_jvp_values_tangents_and_aux():
    (x, w, tx, tw), (jx, jw, jtx, jtw) = pair(arr(4, 3), arr(3, 2), arr(4, 3), arr(3, 2))
    tout, ttan = tf.jvp(jvp_fn(torch), (x, w), (tx, tw))
    oout, otan = fl.jvp(jvp_fn(jnp), (jx, jw), (jtx, jtw))
    for o, t in zip(oout + otan, tout + ttan):
        assert_close(o, t, rtol=RTOL, atol=ATOL)
    assert otan[0].dtype == jnp.float32

    def with_aux(m):
        return lambda x, w: (jvp_fn(m)(x, w)[0], {"x2": x * 2})

    tout, ttan, taux = tf.jvp(with_aux(torch), (x, w), (tx, tw), has_aux=True)
    oout, otan, oaux = fl.jvp(with_aux(jnp), (jx, jw), (jtx, jtw), has_aux=True)
    assert_close(otan, ttan, rtol=RTOL, atol=ATOL)
    assert_close(oaux["x2"], taux["x2"], rtol=RTOL, atol=ATOL)


def test_jvp_errors_match_torch():
    (x,), (jx,) = pair(arr(3))
    f = lambda v: v * 2  # noqa: E731
    assert_same_error(lambda: fl.jvp(f, jx, jx), lambda: tf.jvp(f, x, x))
    assert_same_error(lambda: fl.jvp(f, (jx,), (jx, jx)), lambda: tf.jvp(f, (x,), (x, x)),
                      prefix_only_until="Got primals with structure")
    assert_same_error(lambda: fl.jvp(f, (jx,), (jnp.ones(2),)),
                      lambda: tf.jvp(f, (x,), (torch.ones(2),)))
    assert_same_error(lambda: fl.jvp(f, (jx,), (jx,), has_aux=True),
                      lambda: tf.jvp(f, (x,), (x,), has_aux=True))
    assert_same_error(lambda: fl.jvp(f, (jnp.arange(3),), (jnp.arange(3),)),
                      lambda: tf.jvp(f, (torch.arange(3),), (torch.arange(3),)),
                      prefix_only_until="torch.int64")


def test_linearize_matches_torch_and_checks_tangents():
    def make(m):
        return lambda x, w: m.sin(x) @ w

    (x, w, tx, tw), (jx, jw, jtx, jtw) = pair(arr(2, 3), arr(3, 4), arr(2, 3), arr(3, 4))
    tout, tfn = tf.linearize(make(torch), x, w)
    oout, ofn = fl.linearize(make(jnp), jx, jw)
    assert_close(oout, tout, rtol=RTOL, atol=ATOL)
    assert_close(ofn(jtx, jtw), tfn(tx, tw), rtol=RTOL, atol=ATOL)
    assert_close(ofn(2 * jtx, jtw), tfn(2 * tx, tw), rtol=RTOL, atol=ATOL)
    assert_same_error(lambda: ofn(jtx), lambda: tfn(tx), prefix_only_until="TreeSpec")
    assert_same_error(lambda: ofn(jtx[:1], jtw), lambda: tfn(tx[:1], tw),
                      prefix_only_until="torch.Size")
