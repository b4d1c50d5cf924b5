"""Helpers that run the same computation in torch and here and compare.

`assert_close` checks values (and dtype when asked); `torch_value_and_grads` gives torch's
output and gradients for a function of float arrays, the reference the tests compare to.
"""
import numpy as np
import torch


def to_numpy(x):
    """Any of torch.Tensor / jax.Array / compat.Tensor / numpy -> numpy."""
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    if hasattr(x, "_data"):  # compat.Tensor
        x = x._data
    return np.asarray(x)


def assert_close(ours, theirs, *, rtol=1e-5, atol=1e-6, check_dtype=False, msg=""):
    a, b = to_numpy(ours), to_numpy(theirs)
    assert a.shape == b.shape, f"{msg} shape {a.shape} != torch {b.shape}"
    if check_dtype:
        assert str(a.dtype) == str(b.dtype), f"{msg} dtype {a.dtype} != torch {b.dtype}"
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=msg)


def torch_value_and_grads(fn, *arrays, argnums=None, seed_grad=None):
    """Runs `fn` on torch tensors made from numpy `arrays`; returns (out, grads).

    Gradients are of `sum(out * seed_grad)` (seed defaults to ones) w.r.t. the inputs in
    `argnums` (default: all floating inputs).
    """
    ts = [torch.tensor(np.asarray(a)) for a in arrays]
    if argnums is None:
        argnums = [i for i, t in enumerate(ts) if t.is_floating_point()]
    for i in argnums:
        ts[i].requires_grad_(True)
    out = fn(*ts)
    seed = torch.ones_like(out) if seed_grad is None else torch.tensor(np.asarray(seed_grad))
    grads = torch.autograd.grad(out, [ts[i] for i in argnums], seed, allow_unused=True)
    return out.detach().numpy(), [None if g is None else g.numpy() for g in grads]
