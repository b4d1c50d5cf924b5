"""compat.nn.utils vs torch.nn.utils: gradient clipping (norm types, error_if_nonfinite) and
parameter/vector conversion. float32; rtol 1e-5 / atol 1e-6."""
import math

import numpy as np
import pytest
import torch

import compat
from tests.parity import assert_close

F32 = np.float32


def _pair(scale=1.0):
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Linear(3, 2))
    ours = compat.nn.Sequential(compat.nn.Linear(4, 3), compat.nn.Linear(3, 2))
    ours.load_state_dict({k: compat.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(F32) * scale
    (theirs(torch.tensor(x)) ** 2).sum().backward()
    (ours(compat.tensor(x)) * ours(compat.tensor(x))).sum().backward()
    return ours, theirs


@pytest.mark.parametrize("max_norm,norm_type", [(0.5, 2.0), (100.0, 2.0), (0.3, 1), (0.2, math.inf),
                                                (1.0, 3.5)])
def test_clip_grad_norm_matches_torch(max_norm, norm_type):
    ours, theirs = _pair()
    t_total = torch.nn.utils.clip_grad_norm_(theirs.parameters(), max_norm, norm_type)
    grads_before = [p.grad for p in ours.parameters()]
    c_total = compat.nn.utils.clip_grad_norm_(ours.parameters(), max_norm, norm_type)
    assert_close(c_total, t_total, rtol=1e-5, atol=1e-6, check_dtype=True)
    for (n, tp), cp, g in zip(theirs.named_parameters(), ours.parameters(), grads_before):
        assert cp.grad is g  # scaled in place
        assert_close(cp.grad, tp.grad, rtol=1e-5, atol=1e-6, msg=n)


def test_clip_grad_norm_single_tensor_and_no_grads():
    p = compat.nn.Parameter(compat.tensor([3.0, 4.0]))
    p.grad = compat.tensor([3.0, 4.0])
    assert compat.nn.utils.clip_grad_norm_(p, 1.0).item() == pytest.approx(5.0)
    assert_close(p.grad, torch.tensor([0.6, 0.8]), rtol=1e-5, atol=1e-6)
    q = compat.nn.Parameter(compat.zeros(2))
    assert compat.nn.utils.clip_grad_norm_([q], 1.0).item() == 0.0


def test_clip_grad_norm_nonfinite_errors_like_torch():
    for ns in (torch, compat):
        p = ns.nn.Parameter(ns.ones(2))
        p.grad = ns.tensor([float("inf"), 1.0])
        with pytest.raises(RuntimeError, match="The total norm of order 2.0 for gradients from "
                                               "`parameters` is non-finite"):
            ns.nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)


def test_clip_grad_value_matches_torch():
    ours, theirs = _pair(scale=3.0)
    torch.nn.utils.clip_grad_value_(theirs.parameters(), 0.5)
    compat.nn.utils.clip_grad_value_(ours.parameters(), 0.5)
    for (n, tp), cp in zip(theirs.named_parameters(), ours.parameters()):
        assert_close(cp.grad, tp.grad, rtol=1e-5, atol=1e-6, msg=n)
        assert np.abs(np.asarray(cp.grad._data)).max() <= 0.5


def test_parameters_to_vector_and_back():
    ours, theirs = _pair()
    v_t = torch.nn.utils.parameters_to_vector(theirs.parameters())
    v_c = compat.nn.utils.parameters_to_vector(ours.parameters())
    assert_close(v_c, v_t, rtol=0, atol=0)
    assert v_c.requires_grad  # differentiable w.r.t. the parameters, as torch
    (v_c * compat.tensor(np.arange(v_c.shape[0], dtype=F32))).sum().backward()
    w = list(ours.parameters())[0]
    compat.nn.utils.vector_to_parameters(compat.tensor(np.arange(v_c.shape[0], dtype=F32)),
                                         ours.parameters())
    torch.nn.utils.vector_to_parameters(torch.arange(v_t.shape[0], dtype=torch.float32),
                                        theirs.parameters())
    assert list(ours.parameters())[0] is w
    for (n, tp), cp in zip(theirs.named_parameters(), ours.parameters()):
        assert_close(cp, tp, rtol=0, atol=0, msg=n)
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
        compat.nn.utils.vector_to_parameters([1.0], ours.parameters())
