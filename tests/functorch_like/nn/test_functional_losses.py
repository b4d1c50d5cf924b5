"""Parity of functorch_like.nn.functional losses with torch 2.13.

Each case runs the same arrays through torch and through ours and compares the loss and
the gradients of sum(loss * g) (g random, a random scalar for reduced losses) w.r.t. every
input torch differentiates: input, target (mse, l1, smooth_l1, huber, bce, bce_with_logits,
kl_div, probability-target cross_entropy) and elementwise/class weights where torch has a
gradient. float32 tolerances rtol 1e-5 / atol 1e-6 (reductions over <= 60 elements).
"""
import re
import warnings

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

RTOL, ATOL = 1e-5, 1e-6


def check_parity(ours, theirs, arrays, diff, *, rtol=RTOL, atol=ATOL, seed=0):
    """Compare ours(*jax arrays) / theirs(*torch tensors) values and grads w.r.t. diff."""
    rng = np.random.default_rng(seed)
    ts = [None if a is None else torch.tensor(a) for a in arrays]
    for i in diff:
        ts[i].requires_grad_(True)
    t_out = theirs(*ts)
    cot = rng.standard_normal(t_out.shape).astype(str(t_out.dtype).replace("torch.", ""))
    t_grads = torch.autograd.grad((t_out * torch.tensor(cot)).sum(), [ts[i] for i in diff])

    js = [None if a is None else jnp.asarray(a) for a in arrays]

    def loss(*d):
        full = list(js)
        for i, v in zip(diff, d):
            full[i] = v
        out = ours(*full)
        return jnp.sum(out * cot), out

    (_, out), grads = jax.value_and_grad(loss, argnums=tuple(range(len(diff))), has_aux=True)(
        *[js[i] for i in diff])
    assert_close(out, t_out, rtol=rtol, atol=atol, check_dtype=True, msg="loss")
    for i, a, b in zip(diff, grads, t_grads):
        assert_close(a, b, rtol=rtol, atol=atol, check_dtype=True, msg=f"grad of arg {i}")


def _randn(rng, *shape):
    return rng.standard_normal(shape).astype(np.float32)


REDUCTIONS = ["none", "mean", "sum"]

# --- regression ----------------------------------------------------------------------------

POINTWISE = {
    "mse": (F.mse_loss, TF.mse_loss, {}),
    "l1": (F.l1_loss, TF.l1_loss, {}),
    "smooth_l1": (F.smooth_l1_loss, TF.smooth_l1_loss, {"beta": 0.5}),
    "smooth_l1_b0": (F.smooth_l1_loss, TF.smooth_l1_loss, {"beta": 0.0}),
    "smooth_l1_default": (F.smooth_l1_loss, TF.smooth_l1_loss, {}),
    "huber": (F.huber_loss, TF.huber_loss, {"delta": 1.5}),
    "huber_default": (F.huber_loss, TF.huber_loss, {}),
}


def _pointwise_case(seed, shape=(3, 5)):
    rng = np.random.default_rng(seed)
    x, t = _randn(rng, *shape) * 2, _randn(rng, *shape) * 2
    t.reshape(-1)[:3] = x.reshape(-1)[:3]  # exact ties: the |d| kink, gradient 0 in torch
    t.reshape(-1)[3] = x.reshape(-1)[3] - 0.5  # exactly at smooth_l1's beta
    return x, t


@pytest.mark.parametrize("name", list(POINTWISE))
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_pointwise_parity(name, reduction):
    ours, theirs, kw = POINTWISE[name]
    x, t = _pointwise_case(1)
    check_parity(lambda x, t: ours(x, t, reduction=reduction, **kw),
                 lambda x, t: theirs(x, t, reduction=reduction, **kw), [x, t], [0, 1])


@pytest.mark.parametrize("name", ["mse", "l1", "huber"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_pointwise_weighted_parity(name, reduction):
    ours, theirs, _ = POINTWISE[name]
    x, t = _pointwise_case(2)
    w = np.random.default_rng(3).uniform(0.1, 2.0, x.shape).astype(np.float32)
    check_parity(lambda x, t, w: ours(x, t, reduction=reduction, weight=w),
                 lambda x, t, w: theirs(x, t, reduction=reduction, weight=w), [x, t, w],
                 [0, 1, 2])


def test_pointwise_broadcast_warns_like_torch():
    rng = np.random.default_rng(4)
    x, t = _randn(rng, 3, 4), _randn(rng, 3, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's own warning; ours is checked below
        check_parity(F.mse_loss, lambda x, t: TF.mse_loss(x, t), [x, t], [0, 1])
        check_parity(lambda x, t: F.l1_loss(x, t, "none"),
                     lambda x, t: TF.l1_loss(x, t, reduction="none"), [x, t], [0, 1])
    for loss in (F.mse_loss, F.l1_loss, F.smooth_l1_loss, F.huber_loss):
        with pytest.warns(UserWarning, match=re.escape(
                "Using a target size ([3, 1]) that is different to the input size ([3, 4]). "
                "This will likely lead to incorrect results due to broadcasting.")):
            loss(jnp.asarray(x), jnp.asarray(t))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # same shapes: no warning
        F.mse_loss(jnp.asarray(x), jnp.asarray(x))


def test_pointwise_float64_and_jit():
    rng = np.random.default_rng(5)
    x, t = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    out = jax.jit(lambda x, t: F.huber_loss(x, t, delta=0.7))(jnp.asarray(x), jnp.asarray(t))
    assert out.dtype == jnp.float64
    assert_close(out, TF.huber_loss(torch.tensor(x), torch.tensor(t), delta=0.7), rtol=1e-12,
                 atol=1e-14)


def test_pointwise_errors():
    x = jnp.zeros((2, 3), jnp.float32)
    with pytest.raises(ValueError, match="bad is not a valid value for reduction"):
        F.mse_loss(x, x, reduction="bad")
    with pytest.raises(RuntimeError, match=re.escape(
            "The size of tensor a (3) must match the size of tensor b (4) at non-singleton "
            "dimension 1")):
        F.mse_loss(x, jnp.zeros((2, 4)))
    with pytest.raises(RuntimeError, match="smooth_l1_loss does not support negative values "
                                           "for beta."):
        F.smooth_l1_loss(x, x, beta=-1)
    with pytest.raises(RuntimeError, match="huber_loss does not support non-positive values "
                                           "for delta."):
        F.huber_loss(x, x, delta=0)
    with pytest.raises(ValueError, match="Weights and input must have the same size."):
        F.mse_loss(x, x, weight=jnp.ones(3))


# --- nll / cross entropy -------------------------------------------------------------------

CLASS_SHAPES = {"NC": (6, 4), "NCd": (3, 4, 5), "NCdd": (2, 4, 3, 2), "C": (4,)}


def _class_case(seed, shape, ignore_index=-100, n_ignored=2):
    rng = np.random.default_rng(seed)
    x = _randn(rng, *shape) * 2
    c = shape[0] if len(shape) == 1 else shape[1]
    t_shape = () if len(shape) == 1 else (shape[0],) + shape[2:]
    t = rng.integers(0, c, t_shape)
    if t.ndim:
        t.reshape(-1)[:n_ignored] = ignore_index
    w = rng.uniform(0.2, 2.0, c).astype(np.float32)
    return x, t, w


# cross_entropy's tests run this same path (nll of log_softmax) with every option product;
# here each shape once weighted-mean and once unweighted-none, plus 'sum'.
NLL_CASES = ([(s, True, "mean") for s in CLASS_SHAPES] + [(s, False, "none") for s in CLASS_SHAPES]
             + [("NCd", True, "sum"), ("NC", False, "mean")])


@pytest.mark.parametrize("shape,weighted,reduction", NLL_CASES)
def test_nll_loss_parity(shape, weighted, reduction):
    x, t, w = _class_case(6, CLASS_SHAPES[shape])
    w = w if weighted else None
    check_parity(lambda x, t, w: F.nll_loss(x, t, w, reduction=reduction),
                 lambda x, t, w: TF.nll_loss(x, t, w, reduction=reduction), [x, t, w], [0])


def test_nll_loss_custom_ignore_index_and_all_ignored_nan():
    x, t, w = _class_case(7, (5, 3), ignore_index=1, n_ignored=3)
    check_parity(lambda x, t, w: F.nll_loss(x, t, w, ignore_index=1),
                 lambda x, t, w: TF.nll_loss(x, t, w, ignore_index=1), [x, t, w], [0])
    t_all = np.full(5, -100)
    ours = F.nll_loss(jnp.asarray(x), jnp.asarray(t_all))
    theirs = TF.nll_loss(torch.tensor(x), torch.tensor(t_all))
    assert np.isnan(ours) and torch.isnan(theirs)
    assert F.nll_loss(jnp.asarray(x), jnp.asarray(t_all), reduction="sum") == 0


def test_nll_loss_weight_gradient_is_that_of_the_weighted_mean():
    # torch does not differentiate nll_loss w.r.t. weight; check ours against the formula
    # sum(-w[t] x[t]) / sum(w[t]) differentiated by torch autograd.
    x, t, w = _class_case(8, (6, 4))
    check_parity(lambda x, t, w: F.nll_loss(x, t, w),
                 lambda x, t, w: (-w[t.clamp(min=0)] * x.gather(1, t.clamp(min=0)[:, None])[:, 0]
                                  * (t != -100)).sum() / (w[t.clamp(min=0)] * (t != -100)).sum(),
                 [x, t, w], [0, 2])


def _ce_combos(smoothing):
    """(shape, weighted, label_smoothing): both 'off' and both 'on' for every shape, the
    two mixed combinations on one shape -- every option pair without the full product."""
    combos = [(s, w, ls) for s in CLASS_SHAPES for w, ls in ((False, 0.0), (True, smoothing))]
    return combos + [("NCd", True, 0.0), ("NCd", False, smoothing)]


@pytest.mark.parametrize("shape,weighted,smoothing", _ce_combos(0.2))
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_index_parity(shape, weighted, reduction, smoothing):
    x, t, w = _class_case(9, CLASS_SHAPES[shape])
    w = w if weighted else None
    kw = dict(reduction=reduction, label_smoothing=smoothing)
    check_parity(lambda x, t, w: F.cross_entropy(x, t, w, **kw),
                 lambda x, t, w: TF.cross_entropy(x, t, w, **kw), [x, t, w], [0])


@pytest.mark.parametrize("shape,weighted,smoothing", _ce_combos(0.3))
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_probability_parity(shape, weighted, reduction, smoothing):
    rng = np.random.default_rng(10)
    x = _randn(rng, *CLASS_SHAPES[shape])
    cdim = 0 if x.ndim == 1 else 1
    p = np.exp(_randn(rng, *x.shape))
    p = (p / p.sum(cdim, keepdims=True)).astype(np.float32)
    w = rng.uniform(0.2, 2.0, x.shape[cdim]).astype(np.float32) if weighted else None
    kw = dict(reduction=reduction, label_smoothing=smoothing)
    check_parity(lambda x, p, w: F.cross_entropy(x, p, w, **kw),
                 lambda x, p, w: TF.cross_entropy(x, p, w, **kw), [x, p, w],
                 [0, 1, 2] if weighted else [0, 1])


@settings(max_examples=8, deadline=None)  # each new shape recompiles: keep it small
@given(n=st.integers(1, 4), c=st.integers(1, 5), extra=st.lists(st.integers(1, 3), max_size=2),
       weighted=st.booleans(), smoothing=st.sampled_from([0.0, 0.1, 1.0]),
       reduction=st.sampled_from(REDUCTIONS), probabilities=st.booleans(),
       seed=st.integers(0, 2**16))
def test_cross_entropy_random_shapes(n, c, extra, weighted, smoothing, reduction,
                                     probabilities, seed):
    rng = np.random.default_rng(seed)
    x = _randn(rng, n, c, *extra) * 2
    if probabilities:
        t = np.moveaxis(rng.dirichlet(np.ones(c), (n, *extra)), -1, 1).astype(np.float32)
    else:
        t = rng.integers(-1, c, (n, *extra))
        t[t == -1] = -100  # some ignored
    w = rng.uniform(0.2, 2.0, c).astype(np.float32) if weighted else None
    kw = dict(reduction=reduction, label_smoothing=smoothing)
    diff = ([0, 1] + ([2] if weighted else [])) if probabilities else [0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # 0/0 when every target is ignored
        check_parity(lambda x, t, w: F.cross_entropy(x, t, w, **kw),
                     lambda x, t, w: TF.cross_entropy(x, t, w, **kw), [x, t, w], diff, seed=seed)


def test_cross_entropy_label_smoothing_all_ignored_is_nan():
    x = jnp.zeros((3, 5), jnp.float32)
    t = jnp.full(3, -100)
    for w in (None, jnp.ones(5, jnp.float32)):
        assert np.isnan(F.cross_entropy(x, t, w, label_smoothing=0.1))


def test_classification_jit_traced_targets():
    x, t, w = _class_case(11, (6, 4))
    f = jax.jit(lambda x, t: F.cross_entropy(x, t, jnp.asarray(w), label_smoothing=0.1))
    expected = TF.cross_entropy(torch.tensor(x), torch.tensor(t), torch.tensor(w),
                                label_smoothing=0.1)
    assert_close(f(jnp.asarray(x), jnp.asarray(t)), expected, rtol=RTOL, atol=ATOL)
    # under jit the bound cannot be checked: an out-of-range class reads NaN
    assert np.isnan(jax.jit(F.nll_loss)(jnp.asarray(x), jnp.asarray(np.full(6, 9))))


def test_classification_float64():
    rng = np.random.default_rng(12)
    x, t = rng.standard_normal((5, 3)), rng.integers(0, 3, 5)
    out = F.cross_entropy(jnp.asarray(x), jnp.asarray(t), label_smoothing=0.25)
    assert out.dtype == jnp.float64
    assert_close(out, TF.cross_entropy(torch.tensor(x), torch.tensor(t), label_smoothing=0.25),
                 rtol=1e-12, atol=1e-14)


def test_classification_errors():
    x = jnp.zeros((3, 5), jnp.float32)
    with pytest.raises(ValueError, match=re.escape(
            "Expected input batch_size (3) to match target batch_size (4).")):
        F.nll_loss(x, jnp.array([1, 2, 3, 4]))
    with pytest.raises(IndexError, match="Target 7 is out of bounds."):
        F.nll_loss(x, jnp.array([1, 2, 7]))
    with pytest.raises(IndexError, match="Target -1 is out of bounds."):
        F.cross_entropy(x, jnp.array([1, 2, -1]))
    with pytest.raises(IndexError, match="Target 9 is out of bounds."):
        F.cross_entropy(x, jnp.array([1, 2, 9]), label_smoothing=0.1)
    with pytest.raises(RuntimeError, match=re.escape("Expected target size [3, 2], got [3, 3]")):
        F.nll_loss(jnp.zeros((3, 5, 2)), jnp.zeros((3, 3), jnp.int32))
    with pytest.raises(RuntimeError, match="0D or 1D target tensor expected"):
        F.nll_loss(x, jnp.zeros((3, 2), jnp.int32))
    with pytest.raises(RuntimeError, match="expected target dtype to be an integer type"):
        F.nll_loss(x, jnp.array([1.0, 2.0, 3.0]))
    with pytest.raises(RuntimeError, match=re.escape(
            "weight tensor should be defined either for all 5 classes or no classes but got "
            "weight tensor of shape: [4]")):
        F.cross_entropy(x, jnp.array([1, 2, 3]), weight=jnp.ones(4))
    with pytest.raises(RuntimeError, match="^cross_entropy: weight tensor should be defined"):
        F.cross_entropy(x, jnp.zeros((3, 5), jnp.float32), weight=jnp.ones(4))
    with pytest.raises(RuntimeError, match=re.escape(
            "label_smoothing must be between 0.0 and 1.0. Got: 1.5")):
        F.cross_entropy(x, jnp.array([1, 2, 3]), label_smoothing=1.5)
    with pytest.raises(RuntimeError, match="ignore_index is not supported for floating point"):
        F.cross_entropy(x, jnp.zeros((3, 5), jnp.float32), ignore_index=1)
    with pytest.raises(RuntimeError, match="Expected floating point type for target with "
                                           "class probabilities"):
        F.cross_entropy(x, jnp.zeros((3, 5), jnp.int32))
    with pytest.raises(ValueError, match="For 1D input, 1D target must have size 1, but got "
                                         "target size: 2"):
        F.nll_loss(jnp.zeros(5), jnp.array([3, 1]))
    with pytest.raises(ValueError, match="bad is not a valid value for reduction"):
        F.cross_entropy(x, jnp.array([1, 2, 3]), reduction="bad")


# --- binary ----------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight_shape", [None, (4, 3), (3,)])
def test_binary_cross_entropy_parity(reduction, weight_shape):
    rng = np.random.default_rng(13)
    x = rng.uniform(0.02, 0.98, (4, 3)).astype(np.float32)
    t = rng.uniform(0, 1, (4, 3)).astype(np.float32)
    t[0] = [0.0, 1.0, 0.5]
    w = None if weight_shape is None else rng.uniform(0.2, 2, weight_shape).astype(np.float32)
    check_parity(lambda x, t, w: F.binary_cross_entropy(x, t, w, reduction=reduction),
                 lambda x, t, w: TF.binary_cross_entropy(x, t, w, reduction=reduction),
                 [x, t, w], [0, 1])


def test_binary_cross_entropy_clamps_like_torch_at_0_and_1():
    # log clamped at -100 (finite loss); input grad (x - t) / max(x (1 - x), 1e-12); target
    # grad -logit(x) = +-inf at the ends: all exactly torch's.
    x = np.array([0.0, 1e-20, 1.0, 0.3, 1.0], np.float32)
    t = np.array([0.0, 1.0, 0.0, 0.3, 1.0], np.float32)
    check_parity(lambda x, t: F.binary_cross_entropy(x, t, reduction="none"),
                 lambda x, t: TF.binary_cross_entropy(x, t, reduction="none"), [x, t], [0, 1])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("pos_weighted", [False, True])
def test_bce_with_logits_parity(reduction, weighted, pos_weighted):
    rng = np.random.default_rng(14)
    x = (_randn(rng, 4, 3) * 3).astype(np.float32)
    x[0] = [60.0, -60.0, 0.0]  # far logits: the stable form gives finite loss and grads
    t = rng.uniform(0, 1, (4, 3)).astype(np.float32)
    w = rng.uniform(0.2, 2, (4, 3)).astype(np.float32) if weighted else None
    pw = rng.uniform(0.5, 3, 3).astype(np.float32) if pos_weighted else None
    check_parity(
        lambda x, t, w, pw: F.binary_cross_entropy_with_logits(
            x, t, w, reduction=reduction, pos_weight=pw),
        lambda x, t, w, pw: TF.binary_cross_entropy_with_logits(
            x, t, w, reduction=reduction, pos_weight=pw),
        [x, t, w, pw], [0, 1])


def test_binary_errors():
    x = jnp.full((3,), 0.5, jnp.float32)
    with pytest.raises(ValueError, match=re.escape(
            "Using a target size ([3, 1]) that is different to the input size ([3]) is "
            "deprecated")):
        F.binary_cross_entropy(x, jnp.zeros((3, 1), jnp.float32))
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(jnp.array([0.5, 1.5]), jnp.array([0.0, 1.0]))
    with pytest.raises(RuntimeError, match="all elements of target should be between 0 and 1"):
        F.binary_cross_entropy(jnp.array([0.5, 0.5]), jnp.array([0.0, 1.5]))
    with pytest.raises(RuntimeError, match="must match the size of tensor b"):
        F.binary_cross_entropy(x, x, weight=jnp.ones(2))
    with pytest.raises(ValueError, match=re.escape(
            "Target size ([3, 1]) must be the same as input size ([3])")):
        F.binary_cross_entropy_with_logits(x, jnp.zeros((3, 1), jnp.float32))
    with pytest.raises(RuntimeError, match="must match the size of tensor b"):
        F.binary_cross_entropy_with_logits(jnp.zeros((2, 3)), jnp.zeros((2, 3)),
                                           pos_weight=jnp.ones(2))


# --- kl_div ------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", ["none", "sum", "mean", "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_parity(reduction, log_target):
    rng = np.random.default_rng(15)
    x = np.log(rng.dirichlet(np.ones(5), 4)).astype(np.float32)
    p = rng.dirichlet(np.ones(5), 4).astype(np.float32)
    t = np.log(p) if log_target else p
    kw = dict(reduction=reduction, log_target=log_target)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the 'mean' warning, tested below
        check_parity(lambda x, t: F.kl_div(x, t, **kw), lambda x, t: TF.kl_div(x, t, **kw),
                     [x, t], [0, 1])


def test_kl_div_broadcast_zero_target_and_mean_warning():
    rng = np.random.default_rng(16)
    x = _randn(rng, 3, 4)
    t = rng.uniform(0, 1, 4).astype(np.float32)
    t[1] = 0.0  # contributes 0; torch's target gradient there is NaN, so is ours
    check_parity(lambda x, t: F.kl_div(x, t, reduction="sum"),
                 lambda x, t: TF.kl_div(x, t, reduction="sum"), [x, t], [0, 1])
    with pytest.warns(UserWarning, match="reduction: 'mean' divides the total loss by both"):
        F.kl_div(jnp.asarray(x), jnp.asarray(t))
    with pytest.raises(ValueError, match="bad is not a valid value for reduction"):
        F.kl_div(jnp.asarray(x), jnp.asarray(t), reduction="bad")
    with pytest.raises(RuntimeError, match="must match the size of tensor b"):
        F.kl_div(jnp.asarray(x), jnp.zeros(5, jnp.float32), reduction="sum")
