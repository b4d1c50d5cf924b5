"""Parity of nn.functional.linear with torch 2.13: values and VJPs for input, weight, bias.

Dot products of length <= 16 in float32 agree to a few ulps of the output magnitude (rtol
1e-5 / atol 1e-5); float64 to 1e-12.
"""
import jax.numpy as jnp
import numpy as np
import pytest
import torch.nn.functional as TF

from _functional_parity import check_parity

import functorch_like.nn.functional as F

SHAPES = [  # (input, weight, bias)
    ((5, 3), (4, 3), (4,)),
    ((2, 3, 16), (7, 16), (7,)),
    ((3,), (4, 3), (4,)),
    ((6, 3), (3,), None),
    ((2, 6, 3), (3,), ()),
    ((2, 5), (4, 5), None),
    ((2, 5), (4, 5), (2, 4)),
    ((0, 5), (4, 5), (4,)),
]


@pytest.mark.parametrize("x_shape,w_shape,b_shape", SHAPES, ids=[str(s) for s in SHAPES])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_linear_parity(x_shape, w_shape, b_shape, dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(x_shape).astype(dtype)
    w = rng.standard_normal(w_shape).astype(dtype)
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    if b_shape is None:
        out, _ = check_parity(F.linear, TF.linear, x, w, **tol)
    else:
        b = rng.standard_normal(b_shape).astype(dtype)
        out, _ = check_parity(F.linear, TF.linear, x, w, b, **tol)
    assert out.dtype == dtype


def test_linear_errors():
    x, w = jnp.ones((2, 3), jnp.float32), jnp.ones((5, 4), jnp.float32)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"):
        F.linear(x, w)
    with pytest.raises(RuntimeError, match="at least 1D, but they are 0D and 2D"):
        F.linear(jnp.ones(()), w)
    with pytest.raises(RuntimeError, match="expected m1 and m2 to have the same dtype"):
        F.linear(x, jnp.ones((5, 3), jnp.float64))
    with pytest.raises(RuntimeError, match="same dtype"):
        F.linear(x, jnp.ones((5, 3), jnp.float32), jnp.ones(5, jnp.float64))
    with pytest.raises(RuntimeError, match=r"bias \[4\] must match \(or broadcast to\) the output size \[2, 5\]"):
        F.linear(x, jnp.ones((5, 3), jnp.float32), jnp.ones(4, jnp.float32))
    with pytest.raises(RuntimeError, match="mat2 must be a matrix, got 1-D tensor"):
        F.linear(x, jnp.ones(3, jnp.float32), jnp.ones(2, jnp.float32))
    with pytest.raises(RuntimeError, match="t\\(\\) expects a tensor with <= 2 dimensions"):
        F.linear(x, jnp.ones((5, 3, 1)))
