"""Indexing parity with torch: getitem (basic/advanced/mask), setitem with gradients, view
semantics of basic indexing (in-place writes reach the base), and torch's index errors.

float32 tolerances as tensor_parity (values rtol 1e-5/atol 1e-6, grads rtol/atol 1e-5).
"""
import numpy as np
import pytest
import torch

import compat
from tensor_parity import check, check_error, rnd

X = rnd((3, 4, 5), seed=0)
IDX = np.array([2, 0, 2], np.int64)

GET = {
    "int": lambda T, a: a[1], "neg_int": lambda T, a: a[-1], "two_ints": lambda T, a: a[1, -2],
    "three_ints": lambda T, a: a[0, 1, 2], "slice": lambda T, a: a[1:], "slice_step": lambda T, a: a[:, ::2],
    "slice_neg_start": lambda T, a: a[-2:, 1:-1], "slice_oob": lambda T, a: a[:, 2:100], "empty_slice": lambda T, a: a[2:1],
    "none": lambda T, a: a[None], "none_mid": lambda T, a: a[:, None, 1], "ellipsis": lambda T, a: a[..., 1],
    "ellipsis_mid": lambda T, a: a[0, ..., 2:], "ellipsis_none": lambda T, a: a[..., None],
    "true": lambda T, a: a[True], "list": lambda T, a: a[[0, 2]], "list_neg": lambda T, a: a[[-1, 0, -1]],
    "tensor_idx": lambda T, a: a[T.tensor([2, 0])], "tensor_2d": lambda T, a: a[T.tensor([[0, 1], [2, 2]])],
    "adv_pair": lambda T, a: a[T.tensor([0, 2]), T.tensor([1, 3])],
    "adv_broadcast": lambda T, a: a[T.tensor([[0], [2]]), T.tensor([1, 3, 0])],
    "adv_slice_adv": lambda T, a: a[T.tensor([0, 2]), :, T.tensor([1, 4])],  # separated: adv dims go first
    "slice_adv": lambda T, a: a[:, T.tensor([3, 1])], "slice_adv_adv": lambda T, a: a[:, [0, 1], [4, 2]],
    "int_adv": lambda T, a: a[1, [0, 3]], "adv_int_sep": lambda T, a: a[[0, 2], :, 1],
    "int_slice_adv": lambda T, a: a[1, :, [0, 2]],  # torch selects the int first (numpy would give (2, 4))
    "int_slice_mask": lambda T, a: a[-2, 1:, T.tensor([True, False, True, True, False])],
    "numpy_idx": lambda T, a: a[np.array([1, 0])], "zero_d_idx": lambda T, a: a[T.tensor(1)],
    "int32_idx": lambda T, a: a[T.tensor([1, 2], dtype=T.int32)],
    "mask": lambda T, a: a[a > 0], "mask_2d": lambda T, a: a[a[:, :, 0] > 0], "mask_1d": lambda T, a: a[T.tensor([True, False, True])],
    "mask_slice": lambda T, a: a[:, a[0, :, 0] > 0], "mask_numpy": lambda T, a: a[np.array([False, True, True])],
    "empty_list": lambda T, a: a[[]], "chained": lambda T, a: a[1][2][::2],
}


@pytest.mark.parametrize("name", list(GET))
def test_getitem(name):
    check(GET[name], X)


def test_getitem_advanced_with_index_tensor_input():
    check(lambda T, a, i: a[i], X, IDX)            # repeated indices accumulate their gradients
    check(lambda T, a, i: a[:, i, 1:], X, IDX)


SET = {
    "int": lambda T, a, v: a.__setitem__(0, v[0]),
    "slice_scalar": lambda T, a, v: a.__setitem__((slice(None), 1), 2.5),
    "slice_tensor": lambda T, a, v: a.__setitem__((slice(None), slice(1, 3)), v[:, :2]),
    "broadcast_row": lambda T, a, v: a.__setitem__(1, v[0, 0]),
    "leading_ones": lambda T, a, v: a.__setitem__(1, v[:1, :1]),
    "ellipsis": lambda T, a, v: a.__setitem__((Ellipsis, 0), v[:, :, 0]),
    "adv": lambda T, a, v: a.__setitem__(T.tensor([0, 2]), v[:2]),
    "adv_pair": lambda T, a, v: a.__setitem__((T.tensor([0, 2]), T.tensor([1, 3])), v[0, :2]),
    "int_slice_adv": lambda T, a, v: a.__setitem__((1, slice(None), T.tensor([0, 2])), v[0, :, :2]),
    "mask_scalar": lambda T, a, v: a.__setitem__(a > 0.5, 0.0),
    "mask_tensor0d": lambda T, a, v: a.__setitem__(a < 0, v.sum()),
    "mask_values": lambda T, a, v: a.__setitem__(a > 1, v[a > 1] * 2),
    "mask_rows": lambda T, a, v: a.__setitem__(T.tensor([True, False, True]), -1.0),
    "int_value": lambda T, a, v: a.__setitem__((0, 0), 7),
}


@pytest.mark.parametrize("name", list(SET))
def test_setitem_values_and_gradients(name):
    # x = 2 * a (non-leaf), x[idx] = value: the overwritten part of a gets zero gradient,
    # the value gets the gathered gradient.
    def fn(T, a, v):
        x = a * 2
        SET[name](T, x, v)
        return x

    check(fn, X, rnd((3, 4, 5), seed=9))


def test_setitem_dtype_cast_and_int_tensor():
    check(lambda T, a: _set(a.clone(), (0, 0), 2.7), rnd((3, 4), "int64", 0, 9))
    check(lambda T, a: _set(a.long(), 1, a[0] * 3.9), rnd((3, 4), seed=3))
    check(lambda T, a: _set(a.clone(), a > 0.5, T.tensor(1.0, dtype=T.float64)), rnd((3, 4), seed=4))


def _set(x, idx, v):
    x[idx] = v
    return x


def test_setitem_grad_to_value_only():
    # The guides' pattern: writing a tensor that requires grad into a plain buffer.
    for mod in (torch, compat):
        y = mod.tensor([1.0, 2.0], requires_grad=True)
        buf = mod.zeros(3, 2)
        buf[1] = y * 3
        buf.sum().backward()
        if mod is torch:
            ref = y.grad.numpy()
        else:
            np.testing.assert_array_equal(y.grad.numpy(), ref)
            assert buf.grad_fn is not None


def test_basic_index_views_write_through():
    for mod in (torch, compat):
        x = mod.arange(12.0).reshape(3, 4)
        x[0].zero_()
        x[:, 1] += 1
        x[1:, 2:].mul_(10)
        row = x[2]
        row[0] = -5
        x.t()[3].fill_(9)
        x.view(-1)[5] = 100
        y = x.narrow(0, 1, 1)
        y.add_(1)
        if mod is torch:
            ref = x.numpy().copy()
        else:
            np.testing.assert_array_equal(x.numpy(), ref)
    # Advanced indexing gives a copy (writes do not reach the source).
    for mod in (torch, compat):
        x = mod.arange(4.0)
        c = x[[0, 1]]
        c.zero_()
        assert x.tolist() == [0.0, 1.0, 2.0, 3.0]


def test_inplace_on_view_of_nonleaf_gradient():
    def fn(T, a):
        x = a * 1.0
        x[:, 0].mul_(3)
        x[1] += x[0]
        return x

    check(fn, rnd((3, 4), seed=5))


def test_leaf_requires_grad_setitem_raises():
    check_error(lambda T, a: a.requires_grad_().__setitem__(0, 1.0), rnd((3,), seed=1))


ERRORS = {
    "oob_int": lambda T, a: a[5], "oob_neg": lambda T, a: a[-4], "oob_second": lambda T, a: a[:, 7],
    "too_many": lambda T, a: a[0, 0, 0, 0], "zero_d": lambda T, a: a[0, 0, 0][0],
    "oob_list": lambda T, a: a[[0, 5]], "oob_tensor": lambda T, a: a[:, T.tensor([0, 4])],
    "float_idx": lambda T, a: a[T.tensor([1.0])], "adv_mismatch": lambda T, a: a[T.tensor([0, 1]), :, T.tensor([0, 1, 2])], "neg_step": lambda T, a: a[::-1],
    "zero_step": lambda T, a: a[::0], "mask_shape": lambda T, a: a[T.ones(4, dtype=T.bool)],
    "set_shape": lambda T, a: a.__setitem__(0, T.ones(3)), "set_adv_shape": lambda T, a: a.__setitem__([0, 1], T.ones(3)),
    "set_mask_shape": lambda T, a: a.__setitem__(a > 0, T.ones(2)),
    "gather_dims": lambda T, a: a.gather(0, T.tensor([0])), "gather_dtype": lambda T, a: a.gather(1, T.tensor([[[1.0]]])),
    "gather_oob": lambda T, a: a.gather(1, T.tensor([[[7]]])), "index_select_2d": lambda T, a: a.index_select(0, T.tensor([[0]])),
    "masked_fill_float": lambda T, a: a.masked_fill(T.ones(5), 1.0),
    "masked_fill_value": lambda T, a: a.masked_fill(a > 0, T.ones(2)),
    "where_float": lambda T, a: T.where(a, a, a), "index_add_n": lambda T, a: a.index_add(0, T.tensor([0]), T.ones(2, 4, 5)),
    "scatter_reduce": lambda T, a: a.scatter(0, T.zeros(1, 1, 1, dtype=T.long), 1.0, reduce="mean"),
    "take_oob": lambda T, a: a.take(T.tensor([60])),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_index_errors_match_torch(name):
    check_error(ERRORS[name], X)
