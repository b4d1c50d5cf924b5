"""Parity of nn.functional.flatten and pad with torch 2.13 (values and VJPs, exact).

Both only move or copy elements, so values and gradients must be bit-equal; pad's gradient
sums the cotangents of every copy of an element (reflect / replicate / circular), and torch
adds them in a different order, so those use rtol 1e-6 / atol 1e-6.
"""
import re

import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

from _functional_parity import check_parity

import functorch_like.nn.functional as F

FLATTEN = [((2, 3, 4), 0, -1), ((2, 3, 4), 1, -1), ((2, 3, 4, 5), 1, 2), ((2, 3, 4), -2, -1),
           ((2, 3), 1, 1), ((), 0, -1), ((3,), -1, 0)]


@pytest.mark.parametrize("shape,start,end", FLATTEN, ids=[str(c) for c in FLATTEN])
def test_flatten_parity(shape, start, end):
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    out, _ = check_parity(lambda x: F.flatten(x, start, end), lambda x: torch.flatten(x, start, end),
                          x, exact=True)
    assert out.dtype == np.float32


def test_flatten_errors():
    x = jnp.ones((2, 3, 4, 5))
    with pytest.raises(RuntimeError, match="start_dim cannot come after end_dim"):
        F.flatten(x, 2, 1)
    with pytest.raises(IndexError, match=re.escape("(expected to be in range of [-4, 3], but got 5)")):
        F.flatten(x, 0, 5)


CONSTANT = [
    ((2, 3, 4), (1, 2), 0.0),
    ((2, 3, 4), (1, 2, 0, 3, 2, 1), -1.5),
    ((2, 3, 4), (-1, 2, 1, -2), 0.0),  # negative pads crop
    ((2, 3, 4), (-2, -2), 2.0),  # empty result
    ((5,), (3, 0), None),
]


@pytest.mark.parametrize("shape,amounts,value,dtype",
                         [c + (np.float32,) for c in CONSTANT] + [CONSTANT[1] + (np.float64,)],
                         ids=[f"float32-{c[1]}" for c in CONSTANT] + [f"float64-{CONSTANT[1][1]}"])
def test_pad_constant_parity(shape, amounts, value, dtype):
    x = np.random.default_rng(1).standard_normal(shape).astype(dtype)
    if np.prod(shape) and np.prod([s + a + b for s, a, b in zip(
            shape[::-1], amounts[0::2], amounts[1::2])]) == 0:
        ours = F.pad(jnp.asarray(x), amounts, value=value)
        assert ours.shape == tuple(TF.pad(torch.tensor(x), amounts, value=value).shape)
        return  # torch cannot backward through an empty result
    out, _ = check_parity(lambda x: F.pad(x, amounts, value=value),
                          lambda x: TF.pad(x, amounts, value=value), x, exact=True)
    assert out.dtype == dtype


def test_pad_constant_casts_value_to_integer_dtype():
    x = np.arange(3)
    ours = F.pad(jnp.asarray(x), (2, 1), value=1.5)
    theirs = TF.pad(torch.tensor(x), (2, 1), value=1.5)
    np.testing.assert_array_equal(np.asarray(ours), theirs.numpy())
    assert ours.dtype == np.int64


EDGE = [  # (mode, input shape, pad)
    ("reflect", (2, 3, 8), (3, 2)),
    ("reflect", (3, 8), (-1, 2)),
    ("reflect", (3, 8), (-3, 4)),
    ("reflect", (1, 8), (-9, 2)),
    ("reflect", (2, 3, 5, 6), (1, 2, 4, 0)),
    ("reflect", (2, 4, 5, 6), (1, 1, 2, 2, 3, 3)),
    ("replicate", (2, 3, 8), (3, 2)),
    ("replicate", (2, 3, 8), (-3, 4)),
    ("replicate", (3, 5, 6), (2, -1, 3, 3)),
    ("replicate", (1, 2, 3, 4, 5), (1, 1, 2, 0, 0, 3)),
    ("circular", (2, 3, 8), (3, 2)),
    ("circular", (2, 3, 8), (-1, 2)),
    ("circular", (2, 3, 8), (2, -3)),
    ("circular", (2, 3, 5, 6), (6, 6, 5, 1)),
    ("circular", (1, 2, 3, 4, 5), (1, 2, 3, 0, 2, 1)),
]


@pytest.mark.parametrize("mode,shape,amounts", EDGE, ids=[f"{m}{a}" for m, _, a in EDGE])
def test_pad_edge_modes_parity(mode, shape, amounts):
    x = np.random.default_rng(2).standard_normal(shape).astype(np.float32)
    out, _ = check_parity(lambda x: F.pad(x, amounts, mode=mode),
                          lambda x: TF.pad(x, amounts, mode=mode), x, rtol=1e-6, atol=1e-6)
    assert out.dtype == np.float32


def test_pad_reflect_float64():
    x = np.random.default_rng(3).standard_normal((2, 3, 5, 6))
    check_parity(lambda x: F.pad(x, (2, 1, 3, 4), mode="reflect"),
                 lambda x: TF.pad(x, (2, 1, 3, 4), mode="reflect"), x, rtol=1e-14, atol=1e-14)


def _x(*shape):
    return jnp.ones(shape, jnp.float32)


PAD_ERRORS = [
    (RuntimeError, lambda: F.pad(_x(2, 4, 8, 8), (1,)), "Padding length must be divisible by 2"),
    (RuntimeError, lambda: F.pad(_x(2, 4, 8, 8), (1, 1) * 5),
     "Padding length should be less than or equal to two times the input dimension but got "
     "padding length 10 and input of dimension 4"),
    (RuntimeError, lambda: F.pad(_x(2, 4, 8, 8), (8, 8, 1, 1), mode="reflect"),
     "Argument #4: Padding size should be less than the corresponding input dimension, but "
     "got: padding (8, 8) at dimension 3 of input [2, 4, 8, 8]"),
    (RuntimeError, lambda: F.pad(_x(2, 4, 1, 8), (0, 0, 1, 1), mode="reflect"),
     "Argument #6: Padding size should be less than the corresponding input dimension, but "
     "got: padding (1, 1) at dimension 2 of input [2, 4, 1, 8]"),
    (RuntimeError, lambda: F.pad(_x(1, 1, 8), (9, 2), mode="circular"),
     "Padding value causes wrapping around more than once."),
    (RuntimeError, lambda: F.pad(_x(1, 1, 8), (-6, 4), mode="circular"),
     "Padding value causes wrapping around more than once."),
    (RuntimeError, lambda: F.pad(_x(1, 1, 8), (-4, -4), mode="replicate"),
     "input (W: 8) is too small. Calculated output W: 0"),
    (RuntimeError, lambda: F.pad(_x(2, 4, 8), (-5, -4)), "narrow(): length must be non-negative"),
    (RuntimeError, lambda: F.pad(_x(2, 4, 8), (1, 1), mode="reflect", value=1.0),
     'Padding mode "reflect" doesn\'t take in value argument'),
    (RuntimeError, lambda: F.pad(_x(3, 4, 0), (1, 1), mode="replicate"),
     "Expected 2D or 3D (batch mode) tensor with possibly 0 batch size and other non-zero "
     "dimensions for input, but got: [3, 4, 0]"),
    (NotImplementedError, lambda: F.pad(_x(2, 4, 8, 8), (1, 1), mode="reflect"),
     "Padding size 2 is not supported for 4D input tensor."),
    (NotImplementedError, lambda: F.pad(_x(8), (1, 1), mode="circular"),
     "Padding size 2 is not supported for 1D input tensor."),
    (NotImplementedError, lambda: F.pad(_x(2, 4, 8), (1, 1), mode="foo"),
     "Unrecognised padding mode foo"),
]


@pytest.mark.parametrize("exc,call,message", PAD_ERRORS, ids=[str(i) for i in range(len(PAD_ERRORS))])
def test_pad_errors(exc, call, message):
    with pytest.raises(exc, match=re.escape(message)):
        call()
