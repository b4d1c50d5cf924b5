"""Loss modules and functions vs torch: forward values and gradients (input and, where torch
differentiates it, target) for every constructor option; legacy size_average/reduce; errors.

float32; rtol 1e-5 / atol 1e-6 (sums of a few dozen terms stay well inside).
"""

import numpy as np
import pytest
import torch

import compat
from tests.parity import assert_close

F32 = np.float32
RNG = np.random.default_rng(0)
X23 = RNG.standard_normal((4, 3)).astype(F32)
T23 = RNG.standard_normal((4, 3)).astype(F32)
P23 = RNG.uniform(0.05, 0.95, (4, 3)).astype(F32)
Q23 = RNG.uniform(0.05, 0.95, (4, 3)).astype(F32)
LOGITS = RNG.standard_normal((5, 4)).astype(F32)
IDX = np.array([0, 3, 1, 3, 2])
IDX_IGN = np.array([0, -100, 1, 3, 2])
LOGITS4D = RNG.standard_normal((2, 3, 2, 2)).astype(F32)
IDX4D = RNG.integers(0, 3, (2, 2, 2))
PROBS = np.abs(RNG.standard_normal((5, 4))).astype(F32)
PROBS /= PROBS.sum(1, keepdims=True)
LOGP = np.log(PROBS).astype(F32)
W4 = np.array([0.5, 2.0, 1.0, 0.25], F32)
W3 = np.array([0.3, 1.5, 1.0], F32)


def _t(ns, a):
    return ns.tensor(a)


# (id, ctor(ns) -> module, input, target, differentiate target)
CASES = [
    ("MSE", lambda ns: ns.nn.MSELoss(), X23, T23, True),
    ("MSE-sum", lambda ns: ns.nn.MSELoss(reduction="sum"), X23, T23, True),
    ("MSE-none", lambda ns: ns.nn.MSELoss(reduction="none"), X23, T23, True),
    ("L1", lambda ns: ns.nn.L1Loss(), X23, T23, True),
    ("L1-none", lambda ns: ns.nn.L1Loss(reduction="none"), X23, T23, True),
    ("SmoothL1", lambda ns: ns.nn.SmoothL1Loss(), X23, T23 * 3, True),
    ("SmoothL1-beta", lambda ns: ns.nn.SmoothL1Loss(reduction="sum", beta=0.5), X23, T23, True),
    ("SmoothL1-beta0", lambda ns: ns.nn.SmoothL1Loss(beta=0.0), X23, T23, True),
    ("Huber", lambda ns: ns.nn.HuberLoss(), X23, T23 * 3, True),
    ("Huber-delta", lambda ns: ns.nn.HuberLoss(reduction="none", delta=0.3), X23, T23, True),
    ("CE", lambda ns: ns.nn.CrossEntropyLoss(), LOGITS, IDX, False),
    ("CE-weight-ignore", lambda ns: ns.nn.CrossEntropyLoss(weight=_t(ns, W4), ignore_index=3),
     LOGITS, IDX, False),
    ("CE-sum-smooth", lambda ns: ns.nn.CrossEntropyLoss(reduction="sum", label_smoothing=0.2),
     LOGITS, IDX_IGN, False),
    ("CE-weight-smooth", lambda ns: ns.nn.CrossEntropyLoss(weight=_t(ns, W4),
                                                           label_smoothing=0.1), LOGITS, IDX_IGN,
     False),
    ("CE-none", lambda ns: ns.nn.CrossEntropyLoss(reduction="none"), LOGITS, IDX_IGN, False),
    ("CE-4d", lambda ns: ns.nn.CrossEntropyLoss(weight=_t(ns, W3)), LOGITS4D, IDX4D, False),
    ("CE-probs", lambda ns: ns.nn.CrossEntropyLoss(label_smoothing=0.3), LOGITS, PROBS, True),
    ("CE-probs-weight", lambda ns: ns.nn.CrossEntropyLoss(weight=_t(ns, W4), reduction="none"),
     LOGITS, PROBS, True),
    ("NLL", lambda ns: ns.nn.NLLLoss(), LOGP, IDX, False),
    ("NLL-weight-ignore", lambda ns: ns.nn.NLLLoss(weight=_t(ns, W4), ignore_index=0),
     LOGP, IDX, False),
    ("NLL-none", lambda ns: ns.nn.NLLLoss(reduction="none"), LOGP, IDX_IGN, False),
    ("NLL-4d", lambda ns: ns.nn.NLLLoss(reduction="sum"), LOGITS4D, IDX4D, False),
    ("BCE", lambda ns: ns.nn.BCELoss(), P23, Q23, False),
    ("BCE-weight", lambda ns: ns.nn.BCELoss(weight=_t(ns, W3), reduction="sum"), P23, Q23, False),
    ("BCELogits", lambda ns: ns.nn.BCEWithLogitsLoss(), X23, Q23, True),
    ("BCELogits-pos", lambda ns: ns.nn.BCEWithLogitsLoss(weight=_t(ns, W3),
                                                         pos_weight=_t(ns, W3 * 2),
                                                         reduction="none"), X23, Q23, True),
    ("KLDiv-batchmean", lambda ns: ns.nn.KLDivLoss(reduction="batchmean"), LOGP, PROBS, True),
    ("KLDiv-sum-logtarget", lambda ns: ns.nn.KLDivLoss(reduction="sum", log_target=True),
     LOGP, LOGP[::-1].copy(), True),
    ("KLDiv-none", lambda ns: ns.nn.KLDivLoss(reduction="none"), LOGP, PROBS, True),
    ("MSE-legacy-sum", lambda ns: ns.nn.MSELoss(size_average=False), X23, T23, True),
    ("L1-legacy-none", lambda ns: ns.nn.L1Loss(reduce=False), X23, T23, True),
    ("NLL-legacy-sum", lambda ns: ns.nn.NLLLoss(size_average=False), LOGP, IDX, False),
]


@pytest.mark.filterwarnings("ignore:size_average and reduce args")
@pytest.mark.parametrize("ctor,x,t,diff_t", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_loss_matches_torch(ctor, x, t, diff_t):
    theirs, ours = ctor(torch), ctor(compat)
    assert repr(ours) == repr(theirs)
    assert ours.reduction == theirs.reduction
    assert list(ours.state_dict()) == list(theirs.state_dict())
    tx, cx = torch.tensor(x, requires_grad=True), compat.tensor(x, requires_grad=True)
    tt = torch.tensor(t, requires_grad=diff_t)
    ct = compat.tensor(t, requires_grad=diff_t)
    t_out, c_out = theirs(tx, tt), ours(cx, ct)
    assert_close(c_out, t_out, rtol=1e-5, atol=1e-6, check_dtype=True)
    seed = np.random.default_rng(1).standard_normal(tuple(t_out.shape)).astype(F32)
    (t_out * torch.tensor(seed)).sum().backward()
    (c_out * compat.tensor(seed)).sum().backward()
    assert_close(cx.grad, tx.grad, rtol=1e-5, atol=1e-6, msg="input grad")
    if diff_t:
        assert_close(ct.grad, tt.grad, rtol=1e-5, atol=1e-6, msg="target grad")


def test_legacy_arguments_warn_like_torch():
    for ns in (torch, compat):
        with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated, "
                                             "please use reduction='none' instead."):
            loss = ns.nn.MSELoss(size_average=True, reduce=False)
        assert loss.reduction == "none"
        with pytest.warns(UserWarning, match="reduction='sum'"):
            assert ns.nn.functional.mse_loss(ns.ones(2), ns.zeros(2), size_average=False).item() == 2.0


def test_kl_div_mean_warns_like_torch():
    for ns in (torch, compat):
        with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
            ns.nn.functional.kl_div(ns.zeros(2, 2), ns.ones(2, 2))


@pytest.mark.parametrize("fn,exc,match", [
    (lambda ns: ns.nn.functional.cross_entropy(ns.zeros(2, 3), ns.tensor([0, 5])), IndexError,
     "Target 5 is out of bounds."),
    (lambda ns: ns.nn.functional.nll_loss(ns.zeros(2, 3), ns.tensor([0, -3])), IndexError,
     "Target -3 is out of bounds."),
    (lambda ns: ns.nn.functional.cross_entropy(ns.zeros(4, 3), ns.tensor([0, 1])), ValueError,
     r"Expected input batch_size \(4\) to match target batch_size \(2\)."),
    (lambda ns: ns.nn.functional.binary_cross_entropy(ns.zeros(2, 3), ns.zeros(3)), ValueError,
     "Using a target size"),
    (lambda ns: ns.nn.functional.mse_loss(ns.zeros(2), ns.zeros(2), reduction="avg"), ValueError,
     "avg is not a valid value for reduction"),
    (lambda ns: ns.nn.CrossEntropyLoss(weight=ns.ones(2))(ns.zeros(2, 3), ns.tensor([0, 1])),
     RuntimeError, "weight tensor should be defined either for all 3 classes or no classes"),
])
def test_loss_errors_match_torch(fn, exc, match):
    with pytest.raises(exc, match=match):
        fn(torch)
    with pytest.raises(exc, match=match):
        fn(compat)


def test_weight_buffers_move_with_module_dtype():
    loss = compat.nn.CrossEntropyLoss(weight=compat.tensor(W4))
    assert list(dict(loss.named_buffers())) == ["weight"]
    loss.double()
    assert loss.weight.dtype == compat.float64
    out = loss(compat.tensor(LOGITS.astype(np.float64)), compat.tensor(IDX))
    ref = torch.nn.CrossEntropyLoss(weight=torch.tensor(W4).double())(
        torch.tensor(LOGITS.astype(np.float64)), torch.tensor(IDX))
    assert_close(out, ref, rtol=1e-12, atol=1e-12, check_dtype=True)
