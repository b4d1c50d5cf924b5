"""Parity of functorch_like.functional_call (pure apply + params) and jit with torch.

The pure model is a linear layer written with the torch weight layout; torch's side is a
real `nn.Linear` (+ a registered buffer) called through `torch.func.functional_call` with
the same tensors. Values and gradients w.r.t. every parameter compare at rtol 1e-5 /
atol 1e-5 (float32 matmul + reductions, summed in different orders).
"""
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.func as tf

from parity import assert_close

import functorch_like as fl

RTOL, ATOL = 1e-5, 1e-5
RNG = np.random.default_rng(3)


def arr(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


class ScaledLinear(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(3, 2)
        self.register_buffer("scale", torch.ones(2))

    def forward(self, x, *, shift=0.0):
        return self.lin(x) * self.scale + shift


def apply(params, x, *, shift=0.0):
    return (x @ params["lin.weight"].T + params["lin.bias"]) * params["scale"] + shift


class Model:
    """An (init, apply) pair, the shape of the project's pure models."""

    def init(self):
        raise AssertionError("functional_call must not call init")

    apply = staticmethod(apply)


def state():
    w, b, s, x = arr(2, 3), arr(2), arr(2), arr(4, 3)
    params = {"lin.weight": w, "lin.bias": b}
    buffers = {"scale": s}
    t = lambda d: {k: torch.tensor(v) for k, v in d.items()}  # noqa: E731
    j = lambda d: {k: jnp.asarray(v) for k, v in d.items()}  # noqa: E731
    return (t(params), t(buffers), torch.tensor(x)), (j(params), j(buffers), jnp.asarray(x))


@pytest.mark.parametrize("model", [apply, Model()], ids=["apply_fn", "object_with_apply"])
def test_functional_call_values_and_param_grads_match_torch(model):
    (tp, tb, tx), (jp, jb, jx) = state()
    module = ScaledLinear()
    theirs = tf.functional_call(module, (tp, tb), (tx,), {"shift": 0.25})
    ours = fl.functional_call(model, (jp, jb), (jx,), {"shift": 0.25})
    assert ours.dtype == jnp.float32
    assert_close(ours, theirs, rtol=RTOL, atol=ATOL)
    # a single non-tuple arg is wrapped, as in torch
    assert_close(fl.functional_call(model, {**jp, **jb}, jx),
                 tf.functional_call(module, {**tp, **tb}, tx), rtol=RTOL, atol=ATOL)

    tg = tf.grad(lambda p: (tf.functional_call(module, (p, tb), tx) ** 2).mean())(tp)
    og = fl.grad(lambda p: (fl.functional_call(model, (p, jb), jx) ** 2).mean())(jp)
    assert set(og) == set(tg)
    for k in og:
        assert_close(og[k], tg[k], rtol=RTOL, atol=ATOL)


def test_functional_call_errors_match_torch():
    (tp, tb, tx), (jp, jb, jx) = state()
    module = ScaledLinear()
    for bad in [({"scale": 1}, {"scale": 2}), 5, [5]]:
        try:
            tf.functional_call(module, bad, (tx,))
        except ValueError as e:
            expected = str(e)
        else:
            raise AssertionError("torch raised nothing")
        with pytest.raises(ValueError) as info:
            fl.functional_call(apply, bad, (jx,))
        assert str(info.value) == expected
    with pytest.raises(TypeError, match="apply function"):
        fl.functional_call(3, jp, (jx,))


def test_jit_compiles_once_and_matches_torch_grad():
    (tp, tb, tx), (jp, jb, jx) = state()
    traces = []

    def loss(p, x, power):
        traces.append(power)  # runs only while tracing
        return (apply({**p, **jb}, x) ** power).sum()

    step = fl.jit(fl.grad(loss), static_argnums=2)
    first, second = step(jp, jx, 2), step(jp, jx * 2, 2)
    assert traces == [2]  # one trace for two calls with the same shapes
    module = ScaledLinear()
    for ours, x in [(first, tx), (second, tx * 2)]:
        theirs = tf.grad(lambda p: (tf.functional_call(module, (p, tb), x) ** 2).sum())(tp)
        for k in ours:
            assert_close(ours[k], theirs[k], rtol=RTOL, atol=ATOL)
    assert fl.jit.__doc__.startswith("Compiles `func` with XLA")
