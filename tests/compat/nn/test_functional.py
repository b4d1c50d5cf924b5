"""compat.nn.functional shells vs torch.nn.functional: values, grads, grad_fn names, in-place
variants, errors. float32; rtol 1e-5 / atol 1e-6."""
import numpy as np
import pytest
import torch

import compat
from tests.parity import assert_close

F32 = np.float32
RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.standard_normal(shape).astype(F32)


def _run(fn, *arrays, **kwargs):
    """fn(F, ns, *tensors) in torch and compat; compares value, grads and grad_fn name."""
    res = []
    for ns in (torch, compat):
        ts = [ns.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
        out = fn(ns.nn.functional, ns, *ts)
        seed = np.linspace(-1, 1, int(np.prod(out.shape)), dtype=F32).reshape(tuple(out.shape))
        (out * ns.tensor(seed)).sum().backward()
        res.append((out, [t.grad for t in ts if t.requires_grad], out.grad_fn.name()))
    (t_out, t_g, t_name), (c_out, c_g, c_name) = res
    assert_close(c_out, t_out, check_dtype=True, **kwargs)
    for a, b in zip(c_g, t_g):
        assert_close(a, b, **kwargs)
    assert c_name == t_name


@pytest.mark.parametrize("fn,arrays", [
    (lambda F, ns, x, w, b: F.linear(x, w, b), [_x(3, 4), _x(2, 4), _x(2)]),
    (lambda F, ns, x, w: F.linear(x, w), [_x(3, 4), _x(2, 4)]),
    (lambda F, ns, x, w: F.conv2d(x, w, None, 2, 1), [_x(1, 2, 5, 5), _x(3, 2, 3, 3)]),
    (lambda F, ns, x, w: F.conv1d(x, w, padding="same"), [_x(1, 2, 6), _x(3, 2, 3)]),
    (lambda F, ns, x, w: F.conv_transpose2d(x, w, stride=2), [_x(1, 2, 3, 3), _x(2, 3, 2, 2)]),
    (lambda F, ns, x: F.max_pool2d(x, [2, 2]), [_x(1, 2, 4, 4)]),
    (lambda F, ns, x: F.avg_pool2d(x, 2), [_x(1, 2, 4, 4)]),
    (lambda F, ns, x: F.adaptive_avg_pool2d(x, (3, None)), [_x(1, 2, 5, 4)]),
    (lambda F, ns, x: F.relu(x), [_x(3, 4)]),
    (lambda F, ns, x: F.leaky_relu(x, 0.1), [_x(3, 4)]),
    (lambda F, ns, x: F.elu(x), [_x(3, 4)]),
    (lambda F, ns, x: F.gelu(x, approximate="tanh"), [_x(3, 4)]),
    (lambda F, ns, x: F.silu(x), [_x(3, 4)]),
    (lambda F, ns, x: F.sigmoid(x), [_x(3, 4)]),
    (lambda F, ns, x: F.tanh(x), [_x(3, 4)]),
    (lambda F, ns, x: F.softplus(x, 2.0, 1.0), [_x(3, 4)]),
    (lambda F, ns, x: F.softmax(x, dim=-1), [_x(3, 4)]),
    (lambda F, ns, x: F.log_softmax(x, 1, dtype=ns.float64), [_x(3, 4)]),
    (lambda F, ns, x: F.pad(x, (1, 2)), [_x(2, 3)]),
    (lambda F, ns, x: F.pad(x, (1, 2, 2, 0), mode="reflect"), [_x(1, 2, 4, 4)]),
    (lambda F, ns, x: F.pad(x, [1, 1, 1, 1], mode="replicate"), [_x(1, 2, 3, 3)]),
    (lambda F, ns, x: F.pad(x, (2, 1), value=3.5), [_x(2, 3)]),
    (lambda F, ns, x, w, b: F.layer_norm(x, [4], w, b), [_x(3, 4), _x(4), _x(4)]),
    (lambda F, ns, x: F.group_norm(x, 2), [_x(2, 4, 3)]),
    (lambda F, ns, x, w: F.batch_norm(x, None, None, w, training=True), [_x(4, 3), _x(3)]),
    (lambda F, ns, w: F.embedding(ns.tensor([[0, 2], [2, 1]]), w, padding_idx=2), [_x(4, 3)]),
    (lambda F, ns, x: F.mse_loss(x, ns.zeros(3, 4)), [_x(3, 4)]),
    (lambda F, ns, x: F.cross_entropy(x, ns.tensor([0, 3, 1])), [_x(3, 4)]),
    (lambda F, ns, x: F.binary_cross_entropy_with_logits(x, ns.ones(3, 4)), [_x(3, 4)]),
])
def test_functional_matches_torch(fn, arrays):
    _run(fn, *arrays)


def test_inplace_activations_mutate_input_like_torch():
    for ns in (torch, compat):
        x = ns.tensor([-1.0, 2.0, -3.0])
        y = ns.nn.functional.relu(x, inplace=True)
        assert y is x and x.tolist() == [0.0, 2.0, 0.0]
        z = ns.tensor([-1.0, 1.0])
        ns.nn.ReLU(inplace=True)(z)
        assert z.tolist() == [0.0, 1.0]
        ns.nn.functional.relu_(ns.tensor([1.0]))
        w = ns.tensor([-2.0, 2.0])
        ns.nn.functional.leaky_relu(w, 0.5, inplace=True)
        assert w.tolist() == [-1.0, 2.0]


def test_inplace_on_leaf_requiring_grad_errors_like_torch():
    for ns in (torch, compat):
        x = ns.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation."):
            ns.nn.functional.relu(x, inplace=True)


def test_batch_norm_functional_updates_stats_in_place():
    x = _x(6, 3)
    outs = []
    for ns in (torch, compat):
        rm, rv = ns.zeros(3), ns.ones(3)
        ns.nn.functional.batch_norm(ns.tensor(x), rm, rv, training=True, momentum=0.3)
        ns.nn.functional.batch_norm(ns.tensor(x * 2), rm, rv, training=True)
        ev = ns.nn.functional.batch_norm(ns.tensor(x), rm, rv)  # eval: uses the stats
        outs.append((rm, rv, ev))
    for a, b in zip(outs[1], outs[0]):
        assert_close(a, b, rtol=1e-5, atol=1e-6)


def test_embedding_max_norm_renormalises_weight_in_place_like_torch():
    w0 = np.abs(_x(5, 3)) * 3
    idx = np.array([1, 3, 1])
    res = []
    for ns in (torch, compat):
        w = ns.tensor(w0, requires_grad=True)
        out = ns.nn.functional.embedding(ns.tensor(idx), w, max_norm=1.0)
        out.sum().backward()
        res.append((out, w.detach(), w.grad))
    for a, b in zip(res[1], res[0]):
        assert_close(a, b, rtol=1e-5, atol=1e-6)
    emb = compat.nn.Embedding(5, 3, max_norm=1.0)
    emb(compat.tensor([0, 4]))
    norms = np.linalg.norm(np.asarray(emb.weight._data)[[0, 4]], axis=1)
    assert (norms <= 1.0 + 1e-6).all()


@pytest.mark.parametrize("fn,exc,match", [
    (lambda ns: ns.nn.functional.dropout(ns.ones(2), 1.5), ValueError,
     "dropout probability has to be between 0 and 1, but got 1.5"),
    (lambda ns: ns.nn.functional.embedding(ns.tensor([5]), ns.ones(5, 2)), IndexError,
     "index out of range in self"),
    (lambda ns: ns.nn.functional.embedding(ns.tensor([0]), ns.ones(5, 2), padding_idx=7),
     AssertionError, "Padding_idx must be within num_embeddings"),
    (lambda ns: ns.nn.functional.linear(ns.ones(2, 3), ns.ones(4, 2)), RuntimeError,
     r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x4\)"),
    (lambda ns: ns.nn.functional.conv2d(ns.ones(1, 3, 5, 5), ns.ones(2, 2, 3, 3)), RuntimeError,
     "expected input.* to have 2 channels, but got 3 channels instead"),
    (lambda ns: ns.nn.functional.layer_norm(ns.ones(2, 3), [4]), RuntimeError,
     r"Given normalized_shape=\[4\], expected input with shape \[\*, 4\]"),
])
def test_functional_errors_match_torch(fn, exc, match):
    with pytest.raises(exc, match=match):
        fn(torch)
    with pytest.raises(exc, match=match):
        fn(compat)
