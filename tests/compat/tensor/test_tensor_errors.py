"""User errors raise torch's exception type with torch's message (checked against torch 2.13)."""
import pytest

from tensor_parity import check_error, rnd

A = rnd((2, 3), seed=0)

SAME_MESSAGE = {
    "mm_shapes": lambda T, a: a @ T.ones(2, 3), "mm_shapes2": lambda T, a: T.mm(a, T.ones(2, 2)),
    "matmul_dtype": lambda T, a: a @ T.ones(3, 2, dtype=T.float64), "dot_sizes": lambda T, a: T.ones(3) @ T.ones(4),
    "dot_dtype": lambda T, a: T.ones(3).dot(T.ones(3, dtype=T.float64)),
    "mv_sizes": lambda T, a: T.ones(2, 3, 4) @ T.ones(5), "vec_mat": lambda T, a: T.ones(3) @ T.ones(4, 5),
    "batch_mismatch": lambda T, a: T.ones(2, 3, 4) @ T.ones(3, 5, 6), "bmm_k": lambda T, a: T.ones(2, 3, 4) @ T.ones(2, 5, 6),
    "bmm_batch": lambda T, a: T.bmm(T.ones(2, 3, 4), T.ones(3, 4, 6)), "bmm_2d": lambda T, a: T.bmm(a, a),
    "matmul_0d": lambda T, a: T.tensor(1.0) @ T.ones(3),
    "broadcast": lambda T, a: a + T.ones(3, 2), "broadcast_mul": lambda T, a: a * T.ones(4),
    "cat_sizes": lambda T, a: T.cat([a, T.ones(3, 3)], 1), "cat_dims": lambda T, a: T.cat([a, T.ones(3)]),
    "cat_0d": lambda T, a: T.cat([T.tensor(1.0), T.tensor(2.0)]), "stack_sizes": lambda T, a: T.stack([a, T.ones(3, 3)]),
    "stack_dim": lambda T, a: T.stack([a, a], 4),
    "view_size": lambda T, a: a.view(3, 5), "view_two_infer": lambda T, a: a.view(-1, -1),
    "view_infer_bad": lambda T, a: a.view(4, -1), "view_neg": lambda T, a: a.view(-2, 3),
    "reshape_size": lambda T, a: a.reshape(7), "expand_bad": lambda T, a: a.expand(3, 3),
    "expand_fewer": lambda T, a: a.expand(2), "permute_len": lambda T, a: a.permute(0),
    "permute_dup": lambda T, a: a.permute(0, 0), "sum_dim": lambda T, a: a.sum(2), "mean_dim": lambda T, a: a.mean(-3),
    "transpose_dim": lambda T, a: a.transpose(0, 2), "squeeze_dim": lambda T, a: a.squeeze(3),
    "unsqueeze_dim": lambda T, a: a.unsqueeze(3), "flatten_dim": lambda T, a: a.flatten(2),
    "unflatten_sizes": lambda T, a: a.unflatten(1, (2, -1)), "narrow_len": lambda T, a: a.narrow(1, 2, 3),
    "split_zero": lambda T, a: a.split(0), "split_sizes": lambda T, a: a.split([1, 2]), "chunk_zero": lambda T, a: a.chunk(0),
    "repeat_fewer": lambda T, a: a.repeat(2), "t_3d": lambda T, a: T.ones(2, 2, 2).t(), "mT_1d": lambda T, a: T.ones(3).mT,
    "select_oob": lambda T, a: a.select(0, 5), "diag_3d": lambda T, a: T.diag(T.ones(2, 2, 2)),
    "max_dim": lambda T, a: a.max(5), "max_empty": lambda T, a: T.tensor([]).max(), "argmax_empty": lambda T, a: T.tensor([]).argmax(),
    "topk_k": lambda T, a: a.topk(5), "std_dim": lambda T, a: a.std(dim=5), "prod_dim_tuple": lambda T, a: a.prod((0, 1)),
    "mean_int": lambda T, a: T.tensor([1, 2]).mean(), "mean_dtype_int": lambda T, a: a.mean(dtype=T.int64),
    "var_int": lambda T, a: T.tensor([1, 2]).var(), "softmax_int": lambda T, a: T.tensor([1, 2]).softmax(0),
    "item_many": lambda T, a: a.item(), "bool_many": lambda T, a: bool(a), "len_0d": lambda T, a: len(T.tensor(1.0)),
    "lshift_float": lambda T, a: a << 1, "and_float": lambda T, a: a & a, "invert_float": lambda T, a: ~a,
    "neg_bool": lambda T, a: -T.tensor([True]), "sub_bool": lambda T, a: T.tensor([True]) - T.tensor([False]),
    "sub_bool_scalar": lambda T, a: T.tensor([1]) - True, "rsub_bool": lambda T, a: 1.5 - T.tensor([True]),
    "sub_bool_alpha": lambda T, a: T.sub(T.tensor([True]), T.tensor([True]), alpha=2),
    "int_neg_pow": lambda T, a: T.tensor([2]) ** -1, "int_div_zero": lambda T, a: T.tensor([7]) // 0,
    "int_mod_zero": lambda T, a: T.tensor([7]) % 0, "div_mode": lambda T, a: a.div(2, rounding_mode="round"),
    "iadd_cast": lambda T, a: T.tensor([1]).__iadd__(1.5), "exp_inplace_int": lambda T, a: T.tensor([1]).exp_(),
    "inplace_shape": lambda T, a: a.add_(T.ones(3, 2, 3)), "clamp_none": lambda T, a: a.clamp(),
    "frac_int": lambda T, a: T.tensor([1]).frac(), "allclose_dtype": lambda T, a: T.allclose(a, a.double()),
    "lerp_dtype": lambda T, a: T.lerp(a, a.double(), 0.5), "where_cond": lambda T, a: T.where(a, a, a),
    "masked_fill_mask": lambda T, a: a.masked_fill(T.ones(3, 2, dtype=T.bool), 1.0),
    "masked_fill_int_mask": lambda T, a: a.masked_fill(T.ones(3, dtype=T.int64), 1.0),
    "gather_shape": lambda T, a: a.gather(0, T.tensor([0])), "gather_oob": lambda T, a: a.gather(1, T.tensor([[5]])),
    "scatter_oob": lambda T, a: a.scatter(0, T.tensor([[5]]), 1.0), "index_add_count": lambda T, a: a.index_add(0, T.tensor([0]), a),
    "index_add_oob": lambda T, a: a.index_add(0, T.tensor([2]), a[:1]), "index_copy_oob": lambda T, a: a.index_copy(0, T.tensor([5]), a[:1]),
    "index_fill_oob": lambda T, a: a.index_fill(0, T.tensor([5]), 1.0), "take_oob": lambda T, a: a.take(T.tensor([9])),
    "requires_grad_int": lambda T, a: T.tensor([1]).requires_grad_(), "backward_nonscalar": lambda T, a: (a.requires_grad_() * 2).backward(),
    "numpy_grad": lambda T, a: a.requires_grad_().numpy(), "leaf_inplace": lambda T, a: a.requires_grad_().mul_(2),
    "abs_bool": lambda T, a: (a > 0).abs(), "floor_bool": lambda T, a: (a > 0).floor(),
    "round_bool": lambda T, a: T.round(a > 0), "relu_bool": lambda T, a: (a > 0).relu(),
    "argmax_bool": lambda T, a: (a > 0).argmax(), "topk_bool": lambda T, a: (a > 0).topk(1),
    "median_bool": lambda T, a: (a > 0).median(), "pow_bool": lambda T, a: (a > 0) ** (a < 0),
    "floordiv_bool": lambda T, a: (a > 0) // (a < 0), "mod_bool": lambda T, a: (a > 0) % True,
    "fmod_bool": lambda T, a: T.fmod(a > 0, a > 0), "bitwise_not_float": lambda T, a: a.bitwise_not(),
    "int_div_zero_tensor": lambda T, a: T.tensor([4, 5]) // T.tensor([1, 0]),
    "int_mod_zero_tensor": lambda T, a: T.remainder(T.tensor([4, 5]), T.tensor([0, 2])),
    "matmul_bool": lambda T, a: (a > 0) @ (a > 0).T, "dot_bool": lambda T, a: (a[0] > 0) @ (a[0] > 0),
    "trace_bool": lambda T, a: (a > 0).trace(), "kthvalue_bool": lambda T, a: (a > 0).kthvalue(1),
    "lerp_int": lambda T, a: T.lerp(a.long(), a.long(), 0.5), "lerp_end_dtype": lambda T, a: T.lerp(a, a.long(), 0.5),
    "arange_zero_step": lambda T, a: T.arange(0, 5, 0), "device_bad_index": lambda T, a: T.device("cuda:x"),
    "bad_device": lambda T, a: T.device("tpu"),
}


@pytest.mark.parametrize("name", list(SAME_MESSAGE))
def test_error_type_and_message(name):
    check_error(SAME_MESSAGE[name], A)


def test_einsum_and_linalg_errors_type_only():
    # Same exception type as torch; the message names the bad equation/shape in our words.
    check_error(lambda T, a: T.einsum("ij,jk->ik", a, a), A, match_message=False)
    check_error(lambda T, a: T.linalg.inv(a), A, match_message=False)
    check_error(lambda T, a: T.linalg.matrix_norm(a[0]), A, match_message=False)

def test_cuda_unavailable_errors():
    # torch raises AssertionError("Torch not compiled with CUDA enabled"); ours is both an
    # AssertionError and a RuntimeError, with a message saying what to install.
    import compat

    if compat.cuda.is_available():  # on a GPU machine the same calls must succeed instead
        assert compat.ones(2).cuda().device.type == "cuda"
        return
    for fn in (lambda: compat.ones(2).cuda(), lambda: compat.ones(2).to("cuda"), lambda: compat.zeros(2, device="cuda"),
               lambda: compat.ones(2).to(compat.device("cuda", 0)), lambda: compat.cuda.current_device()):
        with pytest.raises(RuntimeError, match="Torch not compiled with CUDA enabled"):
            fn()
        with pytest.raises(AssertionError):
            fn()


def test_numpy_data_errors():
    check_error(lambda T: T.tensor([[1, 2], [3]]))
    check_error(lambda T: T.tensor([object()]))
    check_error(lambda T: T.tensor([1, "a"]))
    check_error(lambda T: T.from_numpy([1, 2]))
