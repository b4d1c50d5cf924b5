"""Parity of compat.Tensor ops with torch 2.13: values, dtypes, shapes and gradients.

Each case runs one lambda on torch and compat tensors built from the same numpy data
(tensor_parity.check). float32 tolerances rtol 1e-5 / atol 1e-6 on values and rtol 1e-5 /
atol 1e-5 on gradients (XLA and ATen reduce in different orders).
"""
import numpy as np
import pytest

from tensor_parity import check, rnd

X = rnd((3, 4), seed=0)                        # values in (-2, 2)
Y = rnd((3, 4), seed=1)
P = rnd((3, 4), low=0.5, high=2.0, seed=2)     # positive
U = rnd((3, 4), low=-0.9, high=0.9, seed=3)    # inside (-1, 1)
ROW = rnd((4,), seed=4)
COL = rnd((3, 1), seed=5)
S0 = np.asarray(np.float32(1.5))               # 0-d tensor
I = rnd((3, 4), "int64", -5, 5, seed=6)
I_NZ = np.where(I == 0, 3, I)                  # no zero divisors
B = rnd((3, 4), "bool", seed=7)
X3 = rnd((2, 3, 4), seed=8)

BINARY = {
    "add": lambda T, a, b: a + b,
    "add_alpha": lambda T, a, b: T.add(a, b, alpha=2.5),
    "sub": lambda T, a, b: a - b,
    "sub_alpha": lambda T, a, b: a.sub(b, alpha=0.5),
    "mul": lambda T, a, b: a * b,
    "div": lambda T, a, b: a / b,
    "pow": lambda T, a, b: a.abs() ** b,
    "maximum": lambda T, a, b: T.maximum(a, b),
    "minimum": lambda T, a, b: T.minimum(a, b),
    "atan2": lambda T, a, b: T.atan2(a, b),
    "remainder": lambda T, a, b: a % b,
    "fmod": lambda T, a, b: T.fmod(a, b),
    "hypot": lambda T, a, b: T.hypot(a, b),
    "lerp": lambda T, a, b: T.lerp(a, b, 0.3),
    "lerp_tensor": lambda T, a, b: T.lerp(a, b, (a * 0 + 0.7)),
    "where": lambda T, a, b: T.where(a > b, a, b),
    "eq_mask_mul": lambda T, a, b: (a > 0) * b,
}


_SHAPES = ["same", "row", "col", "scalar0d"]
# Every op with one broadcasting pattern (cycled), plus add/mul/div with all of them.
_BINARY_CASES = [(n, _SHAPES[i % 4]) for i, n in enumerate(BINARY)] + [
    (n, s) for n in ("add", "mul", "div") for s in _SHAPES if (n, s) not in
    [(m, _SHAPES[i % 4]) for i, m in enumerate(BINARY)]]


@pytest.mark.parametrize("name,shapes", _BINARY_CASES)
def test_binary(name, shapes):
    other = {"same": Y, "row": ROW, "col": COL, "scalar0d": S0}[shapes]
    if name in ("remainder", "fmod"):
        other = np.where(np.abs(other) < 0.3, np.float32(0.7), other).astype(np.float32)
    check(BINARY[name], X, other)


SCALAR_RHS = {
    "add": lambda T, a: a + 2,
    "rsub": lambda T, a: 3 - a, "mul": lambda T, a: a * 3,
    "rdiv": lambda T, a: 2 / a, "pow2": lambda T, a: a ** 2,
    "pow_half": lambda T, a: a ** 0.5, "rpow": lambda T, a: 2 ** a,
    "pow_neg": lambda T, a: a ** -2, "mod": lambda T, a: a % 0.7, "rmod": lambda T, a: (5.0 % a).detach(),
    "floordiv_float": lambda T, a: (a // 0.3).detach(), "neg": lambda T, a: -a,
    "abs_op": lambda T, a: abs(a),
}


@pytest.mark.parametrize("name", list(SCALAR_RHS))
def test_scalar_operand(name):
    check(SCALAR_RHS[name], P if name in ("pow_half", "rdiv", "rmod", "pow_neg") else X)


UNARY = {
    "exp": (X, lambda T, a: a.exp()), "expm1": (X, lambda T, a: T.expm1(a)),
    "log": (P, lambda T, a: a.log()), "log1p": (P, lambda T, a: a.log1p()),
    "log10": (P, lambda T, a: a.log10()),
    "sqrt": (P, lambda T, a: a.sqrt()), "rsqrt": (P, lambda T, a: a.rsqrt()),
    "sin": (X, lambda T, a: a.sin()), "cos": (X, lambda T, a: T.cos(a)), "tan": (U, lambda T, a: a.tan()),
    "asin": (U, lambda T, a: a.asin()), "acos": (U, lambda T, a: T.acos(a)), "atan": (X, lambda T, a: a.atan()),
    "sinh": (X, lambda T, a: a.sinh()), "tanh": (X, lambda T, a: a.tanh()),
    "atanh": (U, lambda T, a: a.atanh()),
    "sigmoid": (X, lambda T, a: a.sigmoid()), "relu": (X, lambda T, a: a.relu()),
    "erf": (X, lambda T, a: a.erf()), "erfinv": (U, lambda T, a: a.erfinv()),
    "reciprocal": (P, lambda T, a: a.reciprocal()), "square": (X, lambda T, a: a.square()),
    "abs": (X, lambda T, a: a.abs()), "sign": (X, lambda T, a: a.sign()), "neg": (X, lambda T, a: a.neg()),
    "floor": (X, lambda T, a: a.floor()), "ceil": (X, lambda T, a: a.ceil()), "trunc": (X, lambda T, a: a.trunc()),
    "round": (X * 3, lambda T, a: a.round()), "round_dec": (X, lambda T, a: a.round(decimals=2)),
    "frac": (X, lambda T, a: a.frac()), "lgamma": (P, lambda T, a: a.lgamma()),
    "clamp": (X, lambda T, a: a.clamp(-0.5, 0.7)), "clamp_min": (X, lambda T, a: a.clamp(min=0.1)),
    "clamp_max": (X, lambda T, a: T.clamp(a, max=0.2)),
    "nan_to_num": (X, lambda T, a: T.nan_to_num(T.log(a), nan=0.5, neginf=-3.0)),
    "softmax": (X, lambda T, a: a.softmax(1)), "log_softmax": (X, lambda T, a: a.log_softmax(0)),
}


@pytest.mark.parametrize("name", list(UNARY))
def test_unary(name):
    data, fn = UNARY[name]
    check(fn, data)


def test_clamp_tensor_bounds_and_ties():
    lo, hi = rnd((4,), low=-1, high=0, seed=10), rnd((3, 1), low=0, high=1, seed=11)
    check(lambda T, a, l, h: a.clamp(l, h), X, lo, hi)
    # Gradient passes at the bounds themselves (inclusive), as torch.
    check(lambda T, a: a.clamp(-1.0, 1.0), np.array([-1.0, 0.0, 1.0, 2.0], np.float32))
    # min > max gives max everywhere.
    check(lambda T, a: a.clamp(1.0, -1.0), X)


KINKS = np.array([0.0, -0.0, 1.0, -2.0, 0.0], np.float32)


@pytest.mark.parametrize("fn", [lambda T, a: a.abs(), lambda T, a: a.relu(), lambda T, a: a.sign(),
                                lambda T, a: T.maximum(a, a * 0), lambda T, a: a.norm(),
                                lambda T, a: T.linalg.vector_norm(a * 0, 3), lambda T, a: (a * 0).norm()])
def test_gradients_at_kinks(fn):
    check(fn, KINKS)


def test_integer_and_bool_unary_dtypes():
    for fn in (lambda T, a: a.exp(), lambda T, a: a.sqrt().nan_to_num(), lambda T, a: a.sigmoid(),
               lambda T, a: a.abs(), lambda T, a: a.floor(), lambda T, a: a.square(),
               lambda T, a: a.sign(), lambda T, a: a.relu(), lambda T, a: -a, lambda T, a: a.clamp(-2, 2),
               lambda T, a: a.clamp(-2.5, 2.5)):
        check(fn, I)
    for fn in (lambda T, a: a.float(), lambda T, a: ~a, lambda T, a: a.logical_not(), lambda T, a: a.sum(),
               lambda T, a: a.exp(), lambda T, a: a.long().cumsum(0), lambda T, a: a.square()):
        check(fn, B)


INT_OPS = {
    "floordiv": lambda T, a, b: a // b, "floordiv_scalar": lambda T, a, b: a // 3,
    "rfloordiv": lambda T, a, b: 7 // b, "mod": lambda T, a, b: a % b, "mod_scalar": lambda T, a, b: a % -3,
    "fmod": lambda T, a, b: T.fmod(a, b), "div": lambda T, a, b: a / b,
    "div_trunc": lambda T, a, b: T.div(a, b, rounding_mode="trunc"),
    "div_floor": lambda T, a, b: a.div(b, rounding_mode="floor"),
    "and": lambda T, a, b: a & b, "or": lambda T, a, b: a | b, "xor": lambda T, a, b: a ^ b,
    "invert": lambda T, a, b: ~a, "lshift": lambda T, a, b: a << 2, "rshift": lambda T, a, b: a >> 1,
    "pow": lambda T, a, b: a ** 2, "pow_tensor": lambda T, a, b: a.abs() ** (b.abs() % 3),
    "rpow": lambda T, a, b: 2 ** b.abs(), "pow_neg_exponent": lambda T, a, b: T.tensor([[1], [-1], [2]]) ** (b % 4 - 2), "mul_float": lambda T, a, b: a * 1.5,
    "add_bool": lambda T, a, b: a + True,
}


@pytest.mark.parametrize("name", list(INT_OPS))
def test_integer_ops(name):
    check(INT_OPS[name], I, I_NZ)


def test_float_floor_divide_signs():
    a = np.array([-7.5, 7.5, -7.0, 7.0, -0.5, 0.5, 3.0], np.float32)
    b = np.array([2.0, -2.0, 2.0, -2.0, 2.0, -2.0, 0.0], np.float32)
    check(lambda T, x, y: x // y, a, b, grad=False)
    check(lambda T, x, y: x.div(y, rounding_mode="floor"), a, b, grad=False)
    check(lambda T, x, y: T.div(x, y, rounding_mode="trunc"), a, b, grad=False)
    check(lambda T, x, y: T.remainder(x, y), a, b[:-1].tolist() and np.append(b[:-1], 1.5).astype(np.float32))
    check(lambda T, x, y: T.fmod(x, y), a, np.append(b[:-1], 1.5).astype(np.float32))


BOOL_OPS = {
    "and": lambda T, a, b: a & b, "or": lambda T, a, b: a | b, "xor": lambda T, a, b: a ^ b,
    "add": lambda T, a, b: a + b, "mul": lambda T, a, b: a * b, "eq": lambda T, a, b: a == b,
    "logical_and": lambda T, a, b: T.logical_and(a, b), "logical_xor": lambda T, a, b: a.logical_xor(b),
    "any": lambda T, a, b: (a.any(), a.all(1), a.any(dim=0, keepdim=True)),
    "count": lambda T, a, b: T.count_nonzero(a, 1),
    "scatter_add": lambda T, a, b: (a.scatter_add(1, T.tensor([[0, 0, 1, 1]] * 3), b),
                                    a.index_add(0, T.tensor([0, 0, 2]), b)),
}


@pytest.mark.parametrize("name", list(BOOL_OPS))
def test_bool_ops(name):
    check(BOOL_OPS[name], B, ~B)


COMPARE = {
    "eq": lambda T, a, b: a == b, "ne": lambda T, a, b: a != b, "lt": lambda T, a, b: a < b,
    "le": lambda T, a, b: a <= b, "gt": lambda T, a, b: a > b, "ge": lambda T, a, b: a >= b,
    "rlt": lambda T, a, b: 0.5 < a, "eq_scalar": lambda T, a, b: a.round() == 1,
    "isclose": lambda T, a, b: T.isclose(a, a + 1e-6), "isclose_tol": lambda T, a, b: a.isclose(b, rtol=0.5, atol=0.5),
    "equal": lambda T, a, b: (T.equal(a, a), T.equal(a, b), T.equal(a, a[:2])),
    "allclose": lambda T, a, b: (T.allclose(a, a + 1e-7), a.allclose(b)),
    "isnan": lambda T, a, b: (T.isnan(a.log()), T.isinf(a / 0), T.isfinite(a.log()), T.isposinf(a / 0)),
}


@pytest.mark.parametrize("name", list(COMPARE))
def test_compare(name):
    check(COMPARE[name], X, Y)


REDUCE = {
    "sum": lambda T, a: a.sum(), "sum_dim": lambda T, a: a.sum(1), "sum_dims": lambda T, a: a.sum((0, 2), keepdim=True),
    "mean": lambda T, a: a.mean(), "mean_dim": lambda T, a: a.mean(dim=(1, 2)),
    "prod": lambda T, a: a.prod(),
    "cumsum": lambda T, a: a.cumsum(1), "cumprod": lambda T, a: a.cumprod(-1),
    "amax": lambda T, a: a.amax(),
    "max": lambda T, a: a.max(), "max_dim": lambda T, a: a.max(1),
    "min": lambda T, a: T.min(a), "min_dim": lambda T, a: T.min(a, 0),
    "argmax": lambda T, a: (a.argmax(), a.argmax(1), a.argmax(2, keepdim=True)),
    "argmin": lambda T, a: (a.argmin(), T.argmin(a, 0)),
    "logsumexp": lambda T, a: a.logsumexp(1), "logsumexp_dims": lambda T, a: T.logsumexp(a, (0, 2), keepdim=True),
    "std": lambda T, a: a.std(), "std_dim": lambda T, a: a.std(1),
    "std_corr": lambda T, a: a.std(dim=0, correction=0),
    "var": lambda T, a: a.var(),
    "var_corr": lambda T, a: T.var(a, (0, 1), correction=2),
    "std_mean": lambda T, a: T.std_mean(a, 1), "var_mean": lambda T, a: T.var_mean(a, correction=0),
    "median": lambda T, a: a.median(), "median_dim": lambda T, a: a.median(1),
    "aminmax": lambda T, a: T.aminmax(a, dim=1), "nansum": lambda T, a: T.nansum(a.log(), 1),
    "norm": lambda T, a: a.norm(), "norm_p1": lambda T, a: a.norm(1, dim=1),
    "norm_p3": lambda T, a: T.norm(a, 3, dim=(1, 2), keepdim=True),
    "vector_norm": lambda T, a: T.linalg.vector_norm(a, dim=-1),
    "linalg_norm_mat": lambda T, a: T.linalg.norm(a[0], "fro"),
    "matrix_norm_nuc": lambda T, a: T.linalg.matrix_norm(a, "nuc"), "matrix_norm_1": lambda T, a: T.linalg.matrix_norm(a, 1),
}


@pytest.mark.parametrize("name", list(REDUCE))
def test_reduce(name):
    check(REDUCE[name], X3)


def test_max_first_occurrence_and_ties():
    a = np.array([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, 2.0]], np.float32)
    check(lambda T, x: x.max(1), a)       # indices = first occurrence; grad only to it
    check(lambda T, x: x.max(), a)        # no dim: gradient shared evenly over ties
    check(lambda T, x: x.amax(1), a)      # amax: gradient shared evenly over ties
    check(lambda T, x: x.min(1), a)
    check(lambda T, x: (x.argmax(1), x.argmin(1)), a)
    check(lambda T, x: T.max(x, x.flip(1)), a)  # elementwise: ties split half/half
    nan = np.array([[1.0, np.nan, 3.0]], np.float32)
    check(lambda T, x: (x.max(1), x.max(), x.argmax()), nan, grad=False)


def test_integer_reductions():
    check(lambda T, a: (a.sum(), a.sum(0), a.prod(1), a.cumsum(1), a.max(), a.min(0), a.amax(1), a.argmax(),
                        a.median(), a.sum(dtype=T.float32), a.to(T.int32).sum().dtype == T.int64), I)
    check(lambda T, a: (a.mean(dtype=T.float64), a.float().var()), I)


SORT = {
    "sort": lambda T, a: a.sort(), "sort_desc": lambda T, a: a.sort(0, descending=True),
    "sort_stable": lambda T, a: T.sort(a.round(), dim=1, stable=True),
    "sort_stable_desc": lambda T, a: a.round().sort(dim=1, descending=True, stable=True),
    "argsort": lambda T, a: a.argsort(1),
    "topk": lambda T, a: a.topk(2), "topk_small": lambda T, a: a.topk(2, 0, largest=False),
    "kthvalue": lambda T, a: a.kthvalue(2, 1),
}


@pytest.mark.parametrize("name", list(SORT))
def test_sort(name):
    check(SORT[name], X)


def test_unique_and_nonzero():
    a = np.array([3, 1, 2, 3, 1, 1, 5], np.int64)
    check(lambda T, x: T.unique(x), a)
    check(lambda T, x: T.unique(x, return_inverse=True, return_counts=True), a)
    check(lambda T, x: x.reshape(7, 1).unique(dim=0, return_counts=True), a)
    check(lambda T, x: T.unique_consecutive(x.sort().values, return_counts=True, return_inverse=True), a)
    check(lambda T, x: (x.nonzero(), T.nonzero(x > 2, as_tuple=True), T.where(x > 1), T.argwhere(x == 1)), a)
    m = rnd((3, 4), "bool", seed=3)
    check(lambda T, x: (x.nonzero(), x.nonzero(as_tuple=True)), m)
    check(lambda T, x: T.searchsorted(T.tensor([1.0, 2.0, 3.0]), x), X)
    check(lambda T, x: T.bucketize(x, T.tensor([-1.0, 0.0, 1.0]), right=True), X)


SHAPE = {
    "view": lambda T, a: a.view(4, 6), "view_infer": lambda T, a: a.view(-1, 3),
    "reshape": lambda T, a: a.reshape(6, -1),
    "view_as": lambda T, a: a.view_as(a.transpose(0, 2)), "reshape_as": lambda T, a: a.reshape_as(a.permute(2, 1, 0)),
    "permute": lambda T, a: a.permute(2, 0, 1),
    "transpose": lambda T, a: a.transpose(0, 2),
    "t": lambda T, a: a[0].t(), "T": lambda T, a: a[0].T, "mT": lambda T, a: a.mT,
    "squeeze": lambda T, a: a[:, :1].squeeze(), "squeeze_dim": lambda T, a: a[:, :1].squeeze(1),
    "unsqueeze": lambda T, a: a.unsqueeze(1),
    "flatten": lambda T, a: a.flatten(), "flatten_range": lambda T, a: a.flatten(1),
    "unflatten": lambda T, a: a.unflatten(2, (2, -1)),
    "expand": lambda T, a: a[:, :1].expand(2, 3, 4),
    "expand_as": lambda T, a: a[0, 0].expand_as(a),
    "repeat": lambda T, a: a.repeat(2, 1, 3),
    "repeat_interleave": lambda T, a: a.repeat_interleave(2, dim=1),
    "repeat_interleave_t": lambda T, a: T.repeat_interleave(a, T.tensor([1, 0, 2]), dim=1),
    "narrow": lambda T, a: a.narrow(2, 1, 2),
    "select": lambda T, a: a.select(1, -1), "split": lambda T, a: a.split(2, dim=2),
    "split_sizes": lambda T, a: T.split(a, [1, 3], 2), "chunk": lambda T, a: a.chunk(3, 2),
    "unbind": lambda T, a: a.unbind(1),
    "tensor_split": lambda T, a: T.tensor_split(a, 3, dim=2),
    "cat": lambda T, a: T.cat([a, a * 2], 1),
    "stack": lambda T, a: T.stack([a, a + 1], 1),
    "hstack": lambda T, a: T.hstack([a, a]),
    "vstack": lambda T, a: T.vstack([a[0, 0], a[1, 1]]),
    "flip": lambda T, a: a.flip(0, 2),
    "roll": lambda T, a: a.roll(1, 2),
    "movedim": lambda T, a: a.movedim(0, -1),
    "diag": lambda T, a: T.diag(a[0, 0]), "diag_off": lambda T, a: a[0].diag(1),
    "diagonal": lambda T, a: a.diagonal(),
    "diag_embed": lambda T, a: T.diag_embed(a), "triu": lambda T, a: a.triu(), "tril": lambda T, a: T.tril(a, -1),
    "trace": lambda T, a: a[0, :, :3].trace(),
    "meshgrid": lambda T, a: T.meshgrid(a[0, 0], a[1, 1, :3], indexing="ij"),
    "contiguous": lambda T, a: a.transpose(0, 1).contiguous().view(-1),
}


@pytest.mark.parametrize("name", list(SHAPE))
def test_shape(name):
    check(SHAPE[name], X3)


def test_cat_promotes_and_skips_legacy_empty():
    check(lambda T, a, i: T.cat([a, i]), X, I)
    check(lambda T, a: T.cat([a, T.tensor([])]), X)
    check(lambda T, a, i: T.stack([i, a]), X, I)


MATMUL = [
    ((3, 4), (4, 5)), ((4,), (4,)), ((3, 4), (4,)), ((4,), (4, 5)), ((2, 3, 4), (4, 5)),
    ((2, 3, 4), (2, 4, 5)), ((2, 3, 4), (4,)), ((4,), (2, 4, 5)), ((2, 1, 3, 4), (5, 4, 2)),
]


@pytest.mark.parametrize("sa,sb", MATMUL)
def test_matmul_shapes(sa, sb):
    check(lambda T, a, b: a @ b, rnd(sa, seed=1), rnd(sb, seed=2))


LINALG = {
    "mm": lambda T, a, b: T.mm(a, b.t()), "bmm": lambda T, a, b: T.bmm(a[None], b.t()[None]),
    "mv": lambda T, a, b: a.mv(b[0]), "dot": lambda T, a, b: a[0].dot(b[1]), "outer": lambda T, a, b: T.outer(a[0], b[1]),
    "inner": lambda T, a, b: T.inner(a, b), "einsum": lambda T, a, b: T.einsum("ij,kj->ik", a, b),
    "einsum_trace": lambda T, a, b: T.einsum("ii", a[:, :3]),
    "tensordot": lambda T, a, b: T.tensordot(a, b, dims=([1], [1])),
    "addmm": lambda T, a, b: T.addmm(a[:, :3], a, b.t(), beta=0.5, alpha=2.0),
    "baddbmm": lambda T, a, b: T.baddbmm(a[None, :, :3], a[None], b.t()[None]),
    "kron": lambda T, a, b: T.kron(a[:2, :2], b[:2, :2]), "cdist": lambda T, a, b: T.cdist(a, b + 3),
    "inv": lambda T, a, b: T.linalg.inv(a[:, :3] + 3 * T.eye(3)), "det": lambda T, a, b: T.linalg.det(a[:, :3]),
    "slogdet": lambda T, a, b: T.linalg.slogdet(a[:, :3] + 3 * T.eye(3)),
    "solve": lambda T, a, b: T.linalg.solve(a[:, :3] + 3 * T.eye(3), b[:, 0]),
    "cholesky": lambda T, a, b: T.linalg.cholesky(a @ a.T + T.eye(3)),
    "eigvalsh": lambda T, a, b: T.linalg.eigvalsh(a @ a.T), "cross": lambda T, a, b: T.linalg.cross(a[:, :3], b[:, :3]),
}


@pytest.mark.parametrize("name", list(LINALG))
def test_linalg(name):
    check(LINALG[name], X, Y, rtol=1e-5, atol=1e-5, grad_rtol=1e-4, grad_atol=1e-4)  # decompositions: ~1e-5 relative


INDEX_OPS = {
    "gather": lambda T, a, i: a.gather(1, i[:, :2]), "gather0": lambda T, a, i: T.gather(a, 0, i[:2] % 3),
    "scatter": lambda T, a, i: a.scatter(1, i[:, :1], a[:, :1] * 2),
    "scatter_value": lambda T, a, i: a.scatter(0, i[1:2], 1.5),
    "scatter_add": lambda T, a, i: a.scatter_add(1, i, a * 3),
    "scatter_reduce_add": lambda T, a, i: a.detach().scatter(1, i, 2.0, reduce="add"),
    "scatter_reduce_mul": lambda T, a, i: a.detach().scatter(1, i, a.detach(), reduce="multiply"),
    "scatter_reduce_sum": lambda T, a, i: a.scatter_reduce(1, i, a * 2, "sum"),
    "scatter_reduce_amax": lambda T, a, i: a.scatter_reduce(1, i, a * 2, "amax", include_self=False),
    "scatter_reduce_mean": lambda T, a, i: T.scatter_reduce(a, 1, i, a, reduce="mean"),
    "index_select": lambda T, a, i: a.index_select(1, i[0]),
    "index_add": lambda T, a, i: a.index_add(1, i[0], a * 2, alpha=0.5),
    "index_copy": lambda T, a, i: a.index_copy(0, T.tensor([2, 0]), a[:2] * 3),
    "index_fill": lambda T, a, i: a.index_fill(1, i[0, :2], -1.0),
    "masked_fill": lambda T, a, i: a.masked_fill(a > 0, 0.5),
    "masked_fill_t": lambda T, a, i: a.masked_fill(a < 0, a.sum() * 0 + 3),
    "masked_select": lambda T, a, i: a.masked_select(a > 0), "masked_select_bc": lambda T, a, i: T.masked_select(a, a[0] > 0),
    "masked_scatter": lambda T, a, i: a.masked_scatter(a > 0, a * 10),
    "take": lambda T, a, i: a.take(i), "take_along": lambda T, a, i: T.take_along_dim(a, i, 1),
    "where_scalar": lambda T, a, i: T.where(a > 0, a, 0.0),
    "where_method": lambda T, a, i: a.where(a > 0, -a),
}


@pytest.mark.parametrize("name", list(INDEX_OPS))
def test_index_ops(name):
    idx = np.array([[0, 3, 1, 2], [2, 2, 0, 1], [1, 0, 3, 3]], np.int64)
    check(INDEX_OPS[name], X, idx)


CONVERT = {
    "float": lambda T, a: a.float(), "double": lambda T, a: a.double(),
    "bfloat16": lambda T, a: a.bfloat16().float(), "long": lambda T, a: a.long(), "int": lambda T, a: a.int(),
    "byte": lambda T, a: a.abs().byte(),
    "bool": lambda T, a: a.bool(), "to_dtype": lambda T, a: a.to(T.float64),
    "to_other": lambda T, a: a.to(T.zeros(1, dtype=T.float16)),
    "type_str": lambda T, a: a.type("torch.DoubleTensor"),
    "clone": lambda T, a: a.clone(), "detach": lambda T, a: a.detach() * 2,
    "new_full": lambda T, a: a.new_full((2, 2), 3),
    "new_tensor": lambda T, a: a.new_tensor([1, 2]),
    "double_grad": lambda T, a: (a.double() ** 2).float(),
}


@pytest.mark.parametrize("name", list(CONVERT))
def test_conversions(name):
    check(CONVERT[name], X)


def test_metadata():
    import compat
    import torch

    for mod in (torch, compat):
        x = mod.zeros(2, 3, 4, dtype=mod.float64)
        info = (x.size(), x.size(1), x.size(-1), x.dim(), x.ndim, x.numel(), x.nelement(), len(x), x.shape[1:],
                x.element_size(), x.is_floating_point(), x.is_contiguous(), x.type(), str(x.device), x.is_cuda,
                x.requires_grad, x.is_leaf, x.nbytes, x.itemsize, mod.is_tensor(x), mod.is_floating_point(x),
                x.get_device(), x.int().type(), x.bool().type())
        if mod is torch:
            ref = info
        else:
            assert repr(info) == repr(ref)
    assert repr(compat.zeros(2, 3).shape) == "torch.Size([2, 3])"


def test_item_tolist_numpy():
    import compat
    import torch

    for fn in (lambda T: T.tensor(2.5).item(), lambda T: T.tensor([[1, 2]]).tolist(), lambda T: T.tensor([True]).item(),
               lambda T: T.tensor([1.5, 2.0]).tolist(), lambda T: int(T.tensor(3.7)), lambda T: float(T.tensor(3)),
               lambda T: bool(T.tensor([0.0])), lambda T: T.tensor(7).__index__(), lambda T: [1, 2, 3][T.tensor(1)],
               lambda T: f"{T.tensor(2.5):.2f}", lambda T: T.tensor(3.0).numpy().tolist()):
        a, b = fn(compat), fn(torch)
        assert a == b and type(a) is type(b), (a, b)
    np.testing.assert_array_equal(compat.arange(4).numpy(), torch.arange(4).numpy())
    assert compat.arange(4).numpy().dtype == np.int64


def test_counting_diff_and_index_put():
    v = np.array([1.0, 5.0, 2.0, 2.0, 8.0], np.float32)
    check(lambda T, a: (T.histc(a, bins=4), T.histc(a, bins=4, min=0, max=6)), v, grad=False)
    check(lambda T, a: (T.diff(a), T.diff(a, n=2), T.diff(a, prepend=a[:1], append=a[-1:] * 2)), v)
    check(lambda T, a: T.diff(a.reshape(1, 5).expand(3, 5) * T.arange(3.0)[:, None], dim=0), v)
    i = np.array([0, 2, 2, 4], np.int64)
    check(lambda T, a: (T.bincount(a), T.bincount(a, minlength=7), a.bincount(weights=a.double() * 0.5)), i)
    check(lambda T, a: a.index_put((T.tensor([0, 0, 3]),), a[:3] * 2, accumulate=True), v)
    check(lambda T, a: a.index_put((T.tensor([1, 3]),), T.tensor(7.0)), v)


def test_iteration_contains_reversed():
    import compat
    import torch

    for mod in (torch, compat):
        x = mod.arange(6).reshape(2, 3)
        got = ([r.tolist() for r in x], 4 in x, 9 in x, mod.tensor(2) in x, [t.item() for t in reversed(x[0])],
               [float(t) for t in mod.tensor([1.5, 2.5])])
        if mod is torch:
            ref = got
        else:
            assert got == ref
    check_error = __import__("tensor_parity").check_error
    check_error(lambda T: iter(T.tensor(1.0)))
    check_error(lambda T: "a" in T.tensor([1.0]))


def test_process_switches():
    import compat

    compat.use_deterministic_algorithms(True)
    assert compat.are_deterministic_algorithms_enabled()
    compat.use_deterministic_algorithms(False)
    compat.set_num_threads(2)
    assert compat.get_num_threads() == 2
    compat.set_float32_matmul_precision("highest")
    assert compat.get_float32_matmul_precision() == "highest"


def test_numpy_style_axis_keywords():
    check(lambda T, a: (a.sum(axis=0, keepdims=True), T.cat([a, a], axis=1), a.max(axis=1).values, a.argmax(axis=1),
                        a.std(axis=0), T.stack([a, a], axis=2), a.mean(axis=(0, 1)), (a > 0).any(axis=0),
                        a.cumsum(axis=1), a.softmax(axis=0), a.logsumexp(axis=1, keepdims=True)), X)


def test_numpy_array_operands():
    # A numpy array operand acts as a tensor of its dtype (float64 here, as torch gives).
    check(lambda T, a: (a + np.ones(4), a * np.float64(2.0), a - np.full(4, 0.5, np.float32)), X, grad=False)
