"""Parity of nn.functional.conv1d / conv2d / conv_transpose2d with torch 2.13.

Values and VJPs (input, weight, bias) for stride / padding (int, tuple, 'same' with odd and
even effective kernels, 'valid') / dilation / groups / unbatched inputs. Sums of up to ~50
float32 products: rtol 1e-5 / atol 1e-5 on values, 1e-4 absolute on weight gradients, which
sum over every output position (~400 terms); float64 agrees to 1e-11.
"""
import re

import jax.numpy as jnp
import numpy as np
import pytest
import torch.nn.functional as TF

from _functional_parity import check_parity

import functorch_like.nn.functional as F

# torch warns that its even-kernel 'same' padding copies the input; that is torch's business.
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same'")

TOL32 = dict(rtol=1e-5, atol=1e-5, grad_rtol=1e-5, grad_atol=1e-4)
TOL64 = dict(rtol=1e-11, atol=1e-11)

CONV2D = [  # (input shape, weight shape, kwargs)
    ((2, 3, 9, 8), (4, 3, 3, 3), {}),
    ((2, 3, 9, 8), (4, 3, 3, 2), dict(stride=2, padding=1)),
    ((2, 4, 9, 8), (6, 2, 3, 3), dict(stride=(2, 1), padding=(0, 2), dilation=(1, 2), groups=2)),
    ((1, 4, 7, 7), (4, 1, 3, 3), dict(groups=4, padding="same")),
    ((2, 3, 8, 9), (5, 3, 2, 4), dict(padding="same")),  # even kernel: extra pad on the right
    ((2, 3, 8, 9), (5, 3, 3, 2), dict(padding="same", dilation=(2, 3))),
    ((2, 3, 8, 9), (5, 3, 3, 3), dict(padding="valid", stride=3)),
    ((3, 8, 9), (5, 3, 3, 3), dict(padding=[1])),  # unbatched, 1-element padding list
    ((0, 3, 5, 5), (2, 3, 3, 3), {}),  # empty batch
]


# Every case with a bias; the first two also without (bias=None takes another code path).
@pytest.mark.parametrize("x_shape,w_shape,kw,bias",
                         [c + (True,) for c in CONV2D] + [c + (False,) for c in CONV2D[:2]],
                         ids=[f"bias-{c[2]}" for c in CONV2D] + [f"nobias-{c[2]}" for c in CONV2D[:2]])
def test_conv2d_parity(x_shape, w_shape, kw, bias):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(x_shape).astype(np.float32)
    w = rng.standard_normal(w_shape).astype(np.float32)
    if bias:
        b = rng.standard_normal(w_shape[0]).astype(np.float32)
        out, _ = check_parity(lambda x, w, b: F.conv2d(x, w, b, **kw),
                              lambda x, w, b: TF.conv2d(x, w, b, **kw), x, w, b, **TOL32)
    else:
        out, _ = check_parity(lambda x, w: F.conv2d(x, w, **kw),
                              lambda x, w: TF.conv2d(x, w, **kw), x, w, **TOL32)
    assert out.dtype == np.float32


def test_conv2d_float64():
    rng = np.random.default_rng(1)
    x, w, b = (rng.standard_normal(s) for s in ((2, 4, 7, 6), (6, 2, 3, 3), (6,)))
    kw = dict(stride=2, padding=1, dilation=1, groups=2)
    out, _ = check_parity(lambda x, w, b: F.conv2d(x, w, b, **kw),
                          lambda x, w, b: TF.conv2d(x, w, b, **kw), x, w, b, **TOL64)
    assert out.dtype == np.float64


CONV1D = [
    ((2, 3, 11), (4, 3, 3), {}),
    ((2, 4, 11), (6, 2, 4), dict(stride=2, padding=3, dilation=2, groups=2)),
    ((2, 3, 10), (4, 3, 4), dict(padding="same")),
    ((3, 10), (4, 3, 3), dict(padding="valid", stride=(2,))),  # unbatched
]


@pytest.mark.parametrize("x_shape,w_shape,kw", CONV1D, ids=[str(c[2]) for c in CONV1D])
def test_conv1d_parity(x_shape, w_shape, kw):
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    b = rng.standard_normal(w_shape[0])
    x, w, b = (a.astype(np.float32) for a in (x, w, b))
    check_parity(lambda x, w, b: F.conv1d(x, w, b, **kw), lambda x, w, b: TF.conv1d(x, w, b, **kw),
                 x, w, b, **TOL32)


CONV_T = [  # (input shape, weight shape (in, out/groups, kH, kW), kwargs)
    ((2, 4, 5, 6), (4, 3, 3, 3), {}),
    ((2, 4, 5, 6), (4, 3, 3, 2), dict(stride=2, padding=1, output_padding=1)),
    ((2, 4, 5, 6), (4, 2, 3, 3), dict(stride=(2, 3), padding=(0, 2), output_padding=(1, 0),
                                      dilation=(2, 1), groups=2)),
    ((2, 6, 5, 6), (6, 1, 3, 3), dict(padding=3, stride=2, groups=3)),  # padding > d(k-1): crop
    ((4, 5, 6), (4, 2, 2, 2), dict(stride=2, dilation=3, output_padding=2)),  # unbatched
]


@pytest.mark.parametrize("x_shape,w_shape,kw,bias",
                         [c + (True,) for c in CONV_T] + [c + (False,) for c in CONV_T[1:3]],
                         ids=[f"bias-{c[2]}" for c in CONV_T] + [f"nobias-{c[2]}" for c in CONV_T[1:3]])
def test_conv_transpose2d_parity(x_shape, w_shape, kw, bias):
    rng = np.random.default_rng(3)
    x = rng.standard_normal(x_shape).astype(np.float32)
    w = rng.standard_normal(w_shape).astype(np.float32)
    if bias:
        b = rng.standard_normal(w_shape[1] * kw.get("groups", 1)).astype(np.float32)
        out, _ = check_parity(lambda x, w, b: F.conv_transpose2d(x, w, b, **kw),
                              lambda x, w, b: TF.conv_transpose2d(x, w, b, **kw), x, w, b, **TOL32)
    else:
        out, _ = check_parity(lambda x, w: F.conv_transpose2d(x, w, **kw),
                              lambda x, w: TF.conv_transpose2d(x, w, **kw), x, w, **TOL32)
    assert out.dtype == np.float32


def test_conv_transpose2d_float64():
    rng = np.random.default_rng(4)
    x, w, b = (rng.standard_normal(s) for s in ((1, 4, 4, 5), (4, 3, 3, 3), (6,)))
    kw = dict(stride=2, padding=1, output_padding=1, groups=2)
    check_parity(lambda x, w, b: F.conv_transpose2d(x, w, b, **kw),
                 lambda x, w, b: TF.conv_transpose2d(x, w, b, **kw), x, w, b, **TOL64)


def _f32(*shape):
    return jnp.ones(shape, jnp.float32)


ERRORS = [
    (lambda: F.conv2d(_f32(2, 4, 8, 8), _f32(8, 3, 3, 3)),
     "Given groups=1, weight of size [8, 3, 3, 3], expected input[2, 4, 8, 8] to have 3 "
     "channels, but got 4 channels instead"),
    (lambda: F.conv2d(_f32(2, 4, 8, 8), _f32(3, 2, 3, 3), groups=2),
     "Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of "
     "size [[3, 2, 3, 3]] instead"),
    (lambda: F.conv2d(_f32(2, 4, 8, 8), _f32(8, 4, 3, 3), _f32(7)),
     "Given weight of size [8, 4, 3, 3], expected bias to be 1-dimensional with 8 elements, "
     "but got bias of size [7] instead"),
    (lambda: F.conv2d(_f32(2, 4, 8, 8), _f32(8, 4, 9, 9)),
     "Calculated padded input size per channel: (8 x 8). Kernel size: (9 x 9). Kernel size "
     "can't be greater than actual input size"),
    (lambda: F.conv2d(_f32(2, 4, 2, 2), _f32(8, 4, 3, 3), padding=1, dilation=2),
     "Calculated padded input size per channel: (4 x 4). Kernel size: (5 x 5)"),
    (lambda: F.conv2d(_f32(2, 4, 8, 8), _f32(8, 4, 3, 3), stride=2, padding="same"),
     "padding='same' is not supported for strided convolutions"),
    (lambda: F.conv2d(_f32(2, 4, 8, 8), _f32(8, 4, 3, 3), padding="foo"),
     "Invalid padding string: 'foo'"),
    (lambda: F.conv2d(_f32(2, 4, 8, 8), _f32(8, 4, 3, 3), padding=(1, 2, 3)),
     "expected padding to be a single integer value or a list of 2 values to match the "
     "convolution dimensions, but got padding=[1, 2, 3]"),
    (lambda: F.conv2d(_f32(2, 4, 8, 8), _f32(8, 4, 3, 3), stride=0),
     "non-positive stride is not supported"),
    (lambda: F.conv2d(_f32(2, 4, 8, 8), _f32(8, 4, 3, 3), padding=-1),
     "negative padding is not supported"),
    (lambda: F.conv2d(_f32(2, 4, 8, 8), _f32(8, 4, 3, 3), dilation=0),
     "non-positive dilation is not supported"),
    (lambda: F.conv2d(_f32(2, 4, 8, 8), _f32(8, 4, 3, 3), groups=0),
     "non-positive groups is not supported"),
    (lambda: F.conv2d(_f32(8, 8), _f32(8, 4, 3, 3)),
     "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [8, 8]"),
    (lambda: F.conv2d(_f32(2, 4, 8, 8), _f32(8, 4, 3)), "Expected 4-dimensional weight"),
    (lambda: F.conv2d(_f32(2, 4, 8, 8), jnp.ones((8, 4, 3, 3), jnp.float64)),
     "Input type (float32) and weight type (float64) should be the same"),
    (lambda: F.conv1d(_f32(4, 8), _f32(8, 3, 3)),
     "Given groups=1, weight of size [8, 3, 3], expected input[4, 8] to have 3 channels, but "
     "got 4 channels instead"),
    (lambda: F.conv_transpose2d(_f32(2, 4, 8, 8), _f32(4, 2, 3, 3), output_padding=1),
     "output padding must be smaller than either stride or dilation, but got "
     "output_padding_height: 1 output_padding_width: 1 stride_height: 1 stride_width: 1 "
     "dilation_height: 1 dilation_width: 1"),
    (lambda: F.conv_transpose2d(_f32(2, 4, 8, 8), _f32(3, 2, 3, 3)),
     "Given transposed=1, weight of size [3, 2, 3, 3], expected input[2, 4, 8, 8] to have 3 "
     "channels, but got 4 channels instead"),
    (lambda: F.conv_transpose2d(_f32(2, 4, 8, 8), _f32(4, 2, 3, 3), _f32(3)),
     "Given transposed=1, weight of size [4, 2, 3, 3], expected bias to be 1-dimensional with "
     "2 elements, but got bias of size [3] instead"),
    (lambda: F.conv_transpose2d(_f32(1, 4, 8, 8), _f32(4, 2, 3, 3), padding=6),
     "Given input size per channel: (8 x 8). Calculated output size per channel: (-2 x -2). "
     "Output size is too small"),
    (lambda: F.conv_transpose2d(_f32(1, 4, 8, 8), _f32(4, 2, 3, 3), output_padding=-1, stride=2),
     "negative output_padding is not supported"),
    (lambda: F.conv_transpose2d(_f32(1, 4, 8, 8), _f32(4, 2, 3, 3), groups=3),
     "Given groups=3, expected weight to be divisible by 3 at dimension 0"),
]


@pytest.mark.parametrize("call,message", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_conv_errors(call, message):
    with pytest.raises(RuntimeError, match=re.escape(message)):
        call()


def test_conv_transpose2d_rejects_string_padding():
    with pytest.raises(TypeError, match="argument 'padding' must be tuple of ints, not str"):
        F.conv_transpose2d(_f32(1, 4, 8, 8), _f32(4, 2, 3, 3), padding="same")
