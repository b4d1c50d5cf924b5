"""Runs the same layer in torch and compat with the same weights; compares values and grads.

Weights travel torch -> compat through `load_state_dict` (so that path is exercised on
every layer); gradients are of `sum(out_i * seed_i)` with random seeds, so every output
element and every parameter contributes.
"""
import numpy as np
import torch

import compat
from tests.parity import assert_close


def to_compat_state(torch_module):
    return {k: compat.tensor(v.detach().cpu().numpy()) for k, v in torch_module.state_dict().items()}


def _flat(out):
    if isinstance(out, (tuple, list)):
        res = []
        for o in out:
            res.extend(_flat(o))
        return res
    return [out]


def check_state_dict_layout(ours, theirs):
    """Same keys, order and shapes as torch's state_dict."""
    a, b = ours.state_dict(), theirs.state_dict()
    assert list(a) == list(b)
    for k in b:
        assert tuple(a[k].shape) == tuple(b[k].shape), k
        assert str(a[k].dtype) == str(b[k].dtype), k


def check_module(ours, theirs, inputs, *, rtol=1e-5, atol=1e-6, grad_rtol=None, grad_atol=None,
                 seed=0, check_repr=True, **kwargs):
    """Copies theirs' state into ours, then compares outputs and input/parameter grads.

    Args:
        inputs: numpy arrays; floating ones are differentiated.
        kwargs: extra keyword arguments for both forwards.
    """
    grad_rtol = rtol if grad_rtol is None else grad_rtol
    grad_atol = atol if grad_atol is None else grad_atol
    if check_repr:
        assert repr(ours) == repr(theirs)
    check_state_dict_layout(ours, theirs)
    ours.load_state_dict(to_compat_state(theirs))
    ours.train(theirs.training)
    t_in = [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in inputs]
    c_in = [compat.tensor(a, requires_grad=a.dtype.kind == "f") for a in inputs]
    t_out = _flat(theirs(*t_in, **kwargs))
    c_out = _flat(ours(*c_in, **kwargs))
    assert len(t_out) == len(c_out)
    rng = np.random.default_rng(seed)
    t_loss, c_loss = 0, 0
    for i, (t, c) in enumerate(zip(t_out, c_out)):
        assert_close(c, t, rtol=rtol, atol=atol, msg=f"output {i}")
        assert str(c.dtype) == str(t.dtype), f"output {i} dtype"
        if t.is_floating_point() and t.requires_grad:
            s = rng.standard_normal(tuple(t.shape)).astype(np.float32)
            t_loss = t_loss + (t * torch.tensor(s)).sum()
            c_loss = c_loss + (c * compat.tensor(s)).sum()
    if isinstance(t_loss, int):
        return
    t_loss.backward()
    c_loss.backward()
    for i, (t, c) in enumerate(zip(t_in, c_in)):
        if t.requires_grad:
            assert (c.grad is None) == (t.grad is None), f"input {i} grad presence"
            if t.grad is not None:
                assert_close(c.grad, t.grad, rtol=grad_rtol, atol=grad_atol, msg=f"input {i} grad")
    t_params = dict(theirs.named_parameters())
    c_params = dict(ours.named_parameters())
    assert list(c_params) == list(t_params)
    for name, tp in t_params.items():
        cp = c_params[name]
        assert (cp.grad is None) == (tp.grad is None), f"{name} grad presence"
        if tp.grad is not None:
            assert_close(cp.grad, tp.grad, rtol=grad_rtol, atol=grad_atol, msg=f"{name} grad")
