"""tinygrad-style parity helper for compat.Tensor: one lambda, run in torch and in compat.

`check(fn, *arrays)` builds torch tensors and compat tensors from the same numpy arrays,
runs `fn(T, *tensors)` with `T` the module (torch or compat), and compares every output's
shape, dtype and values; then, for floating outputs, the gradients of a random-weighted sum
of the outputs w.r.t. every floating input (torch.autograd.grad vs compat.autograd.grad).
Values and gradients have separate tolerances.
"""
import numpy as np
import torch

import compat

# float32: summation order differs between XLA and ATen, so the last bits may differ.
RTOL, ATOL = 1e-5, 1e-6
GRAD_RTOL, GRAD_ATOL = 1e-5, 1e-5


def rnd(shape, dtype="float32", low=-2.0, high=2.0, seed=0):
    """Deterministic test data (ints in [low, high), bools at random, floats uniform)."""
    r = np.random.default_rng(seed)
    if dtype == "bool":
        return r.random(shape) > 0.5
    if np.dtype(dtype).kind in "iu":
        return r.integers(int(low), int(high), size=shape).astype(dtype)
    return r.uniform(low, high, size=shape).astype(dtype)


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [y for o in out for y in _flat(o)]
    return [out]


def _np(x):
    if isinstance(x, torch.Tensor):
        x = x.detach()
        return (x.float() if x.dtype == torch.bfloat16 else x).numpy()
    if isinstance(x, compat.Tensor):
        a = np.asarray(x._data)
        return a.astype(np.float32) if x.dtype is compat.bfloat16 else a
    return np.asarray(x)


def _dtype_name(x):
    return str(x.dtype) if isinstance(x, (torch.Tensor, compat.Tensor)) else type(x).__name__


def compare(ours, theirs, rtol=RTOL, atol=ATOL, check_dtype=True, msg=""):
    """Asserts equal structure, shapes, dtypes and close values (NaNs must match)."""
    fo, ft = _flat(ours), _flat(theirs)
    assert len(fo) == len(ft), f"{msg}: {len(fo)} outputs vs torch {len(ft)}"
    for i, (a, b) in enumerate(zip(fo, ft)):
        if isinstance(b, torch.Tensor):
            assert isinstance(a, compat.Tensor), f"{msg}[{i}]: got {type(a).__name__}, torch gives a Tensor"
            assert tuple(a.shape) == tuple(b.shape), f"{msg}[{i}]: shape {tuple(a.shape)} vs torch {tuple(b.shape)}"
            if check_dtype:
                assert repr(a.dtype) == str(b.dtype), f"{msg}[{i}]: dtype {a.dtype} vs torch {b.dtype}"
        else:
            assert type(a) is type(b) or (isinstance(a, (int, float, bool)) and isinstance(b, (int, float, bool))), \
                f"{msg}[{i}]: {type(a).__name__} vs torch {type(b).__name__}"
        na, nb = _np(a), _np(b)
        if na.dtype.kind in "fc" or nb.dtype.kind in "fc":
            np.testing.assert_allclose(na.astype(np.complex128 if na.dtype.kind == "c" else np.float64),
                                       nb.astype(np.complex128 if nb.dtype.kind == "c" else np.float64),
                                       rtol=rtol, atol=atol, equal_nan=True, err_msg=f"{msg}[{i}]")
        else:
            np.testing.assert_array_equal(na, nb, err_msg=f"{msg}[{i}]")


def check(fn, *arrays, grad=True, rtol=RTOL, atol=ATOL, grad_rtol=GRAD_RTOL, grad_atol=GRAD_ATOL,
          check_dtype=True, diff=None, seed=1):
    """Runs `fn(T, *tensors)` with T=torch and T=compat on the same data and compares.

    Args:
        fn: `lambda T, x, y: ...` using only the shared torch/compat API.
        *arrays: numpy arrays (or Python scalars, passed through unchanged).
        grad: also compare gradients of sum(out_i * w_i) w.r.t. floating inputs.
        diff: indices of the inputs to differentiate (default: every floating array).
    """
    def make(mod, a):
        if isinstance(a, np.ndarray):
            return mod.tensor(a)
        return a

    tt = [make(torch, a) for a in arrays]
    ct = [make(compat, a) for a in arrays]
    if diff is None:
        diff = [i for i, a in enumerate(arrays) if isinstance(a, np.ndarray) and a.dtype.kind == "f"]
    if not grad:
        diff = []
    for i in diff:
        tt[i].requires_grad_(True)
        ct[i].requires_grad_(True)
    t_out = fn(torch, *tt)
    c_out = fn(compat, *ct)
    compare(c_out, t_out, rtol, atol, check_dtype, msg="value")
    if not diff:
        return c_out
    t_flat = [o for o in _flat(t_out) if isinstance(o, torch.Tensor) and o.requires_grad]
    c_flat = [o for o in _flat(c_out) if isinstance(o, compat.Tensor) and o.requires_grad]
    assert len(t_flat) == len(c_flat), f"{len(c_flat)} differentiable outputs vs torch {len(t_flat)}"
    if not t_flat:
        return c_out
    r = np.random.default_rng(seed)
    ws = [r.uniform(0.5, 1.5, size=tuple(o.shape)).astype(_np(o).dtype) for o in t_flat]
    # Gradients of sum_i <out_i, w_i>: the weights are passed as grad_outputs (no extra ops).
    t_g = torch.autograd.grad(t_flat, [tt[i] for i in diff], [torch.tensor(w) for w in ws], allow_unused=True)
    c_g = compat.autograd.grad(c_flat, [ct[i] for i in diff], [compat.tensor(w) for w in ws], allow_unused=True)
    for i, a, b in zip(diff, c_g, t_g):
        a = np.zeros(arrays[i].shape, arrays[i].dtype) if a is None else _np(a)
        b = np.zeros(arrays[i].shape, arrays[i].dtype) if b is None else _np(b)
        np.testing.assert_allclose(a, b, rtol=grad_rtol, atol=grad_atol, equal_nan=True,
                                   err_msg=f"grad of input {i}")
    return c_out


def check_error(fn, *arrays, match_message=True):
    """Both libraries raise the same exception type (and, by default, the same message)."""
    tt = [torch.tensor(a) if isinstance(a, np.ndarray) else a for a in arrays]
    ct = [compat.tensor(a) if isinstance(a, np.ndarray) else a for a in arrays]
    try:
        fn(torch, *tt)
    except Exception as e:  # noqa: BLE001 -- any exception type is the reference
        t_exc = e
    else:
        raise AssertionError("torch did not raise")
    try:
        fn(compat, *ct)
    except Exception as e:  # noqa: BLE001
        c_exc = e
    else:
        raise AssertionError(f"compat did not raise (torch raised {type(t_exc).__name__}: {t_exc})")
    assert type(c_exc) is type(t_exc), f"{type(c_exc).__name__}: {c_exc}  vs torch {type(t_exc).__name__}: {t_exc}"
    if match_message:
        assert str(c_exc) == str(t_exc), f"message {str(c_exc)!r} vs torch {str(t_exc)!r}"
