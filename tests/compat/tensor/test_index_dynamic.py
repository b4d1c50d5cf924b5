"""Basic indexing reuses one compiled kernel for every start position."""
import numpy as np
import torch

import compat
from compat import _dispatch
from compat._ops import _index


def test_int_and_slice_indices_share_one_kernel_and_match_torch():
    a = np.arange(60, dtype=np.float32).reshape(12, 5)
    x, t = compat.tensor(a), torch.tensor(a)
    for i in range(-12, 12):
        np.testing.assert_array_equal(x[i].numpy(), t[i].numpy())
        np.testing.assert_array_equal(x[i:i + 3, 1:4:2].numpy(), t[i:i + 3, 1:4:2].numpy())
    kernels = [k for k in _dispatch._fwd_cache if k[0] is _index._k_basic_dynamic]
    layouts = {dict(k[1])["layout"] for k in kernels}
    # one layout for x[i] and one per distinct slice length, not one per start
    assert len(layouts) <= 6, layouts


def test_gradient_through_dynamic_slices():
    a = np.random.default_rng(0).standard_normal((6, 4)).astype(np.float32)
    x, t = compat.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    for lib_x in (x, t):
        (lib_x[1:5:2, 2] * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), t.grad.numpy())
