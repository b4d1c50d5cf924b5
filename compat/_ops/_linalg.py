"""Products and norms: matmul/mm/bmm/mv/dot/vdot/inner/outer/einsum/tensordot/addmm/baddbmm/addmv,
norm, and the `torch.linalg` functions (vector_norm, matrix_norm, norm, inv, det, slogdet,
solve, cholesky, qr, svd, eigh, cross).

Products require equal operand dtypes, as torch (no promotion), and check shapes in Python
with torch's messages. Norms are written so their gradient at 0 is 0, as torch's
(`x / ||x||` is masked where the norm is 0) -- through a double `where`, so the gradient
still comes from JAX.
"""
import math

import jax.numpy as jnp
import numpy as np

from .. import _dispatch, _dtypes, return_types
from .._tensor import Tensor
from ._common import abs_with_zero_grad, check_broadcast, dims_arg, wrap_dim

__all__ = ["matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "outer", "ger", "einsum", "tensordot",
           "addmm", "addmv", "baddbmm", "addbmm", "norm", "vector_norm", "matrix_norm", "linalg_norm",
           "inv", "det", "slogdet", "logdet", "solve", "cholesky", "qr", "svd", "eigh", "eigvalsh",
           "cross", "kron", "cdist"]

_apply = _dispatch.apply
_SCALAR_NAMES = _dtypes.SCALAR_NAMES


def _k_matmul(a, b):
    return jnp.matmul(a, b)


def _matmul_name(na, nb):
    if na == 2 and nb == 2:
        return "MmBackward0"
    if na == 1 and nb == 1:
        return "DotBackward0"
    if na == 2 and nb == 1:
        return "MvBackward0"
    if na == 1 and nb == 2:
        return "SqueezeBackward4"
    if na == 3 and nb == 3:
        return "BmmBackward0"
    return "UnsafeViewBackward0"


def _check_matmul(a, b):
    sa, sb = a._data.shape, b._data.shape
    na, nb = len(sa), len(sb)
    if na == 0 or nb == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {na}D and {nb}D")
    if a._data.dtype == np.bool_ and b._data.dtype == np.bool_:
        kernel = "dot" if na == 1 and nb == 1 else "addmv_impl_cpu" if nb == 1 else "addmm_impl_cpu_"
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')
    if a._data.dtype != b._data.dtype:
        da, db = _SCALAR_NAMES[a.dtype.name], _SCALAR_NAMES[b.dtype.name]
        if na == 1 and nb == 1:
            raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {da} and {db}")
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {da.lower()} != {db.lower()}")
    if na == 1 and nb == 1:
        if sa[0] != sb[0]:
            raise RuntimeError(
                f"inconsistent tensor size, expected tensor [{sa[0]}] and src [{sb[0]}] to have the same "
                f"number of elements, but got {sa[0]} and {sb[0]} elements respectively"
            )
        return
    ka, kb = sa[-1], sb[0] if nb == 1 else sb[-2]
    if (na > 2 or nb > 2) and nb != 1 and not (na > 2 and nb == 2):
        check_broadcast(sa[:-2], sb[:-2])  # batch dims first, as torch
    if nb == 1 and ka != kb:
        rows = math.prod(sa[:-1])
        raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{ka}), vec ({kb})")
    if nb == 2 and ka != kb:
        rows = math.prod(sa[:-1])
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{ka} and {sb[0]}x{sb[1]})")
    if ka != kb:
        n = max(len(sa), len(sb)) - 2
        batch = math.prod(max(x, y) for x, y in zip((1,) * (n - len(sa) + 2) + tuple(sa[:-2]),
                                                      (1,) * (n - len(sb) + 2) + tuple(sb[:-2])))
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{batch}, {ka}] but got: [{batch}, {kb}]."
        )


def matmul(input, other, *, out=None):
    """Mirrors `torch.matmul` (dot/mv/mm/batched with broadcasting; equal dtypes required).

    Example:
        >>> (compat.ones(2, 3) @ compat.ones(3)).tolist()
        [3.0, 3.0]
    """
    _check_matmul(input, other)
    return _apply(_k_matmul, input, other, name=_matmul_name(input._data.ndim, other._data.ndim))


def mm(input, mat2, *, out=None):
    """Mirrors `torch.mm` (2-D x 2-D)."""
    if input._data.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2._data.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    return matmul(input, mat2)


def bmm(input, mat2, *, out=None):
    """Mirrors `torch.bmm` (3-D x 3-D, equal batch sizes)."""
    if input._data.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2._data.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    sa, sb = input._data.shape, mat2._data.shape
    if sb[0] != sa[0] or sb[1] != sa[2]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{sa[0]}, {sa[2]}] "
                           f"but got: [{sb[0]}, {sb[1]}].")
    return matmul(input, mat2)


def mv(input, vec, *, out=None):
    """Mirrors `torch.mv` (matrix x vector)."""
    if input._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input._data.ndim}, {vec._data.ndim}")
    return matmul(input, vec)


def dot(input, tensor, *, out=None):
    """Mirrors `torch.dot` (1-D x 1-D)."""
    if input._data.ndim != 1 or tensor._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input._data.ndim}D and {tensor._data.ndim}D tensors")
    return matmul(input, tensor)


def vdot(input, other, *, out=None):
    """Mirrors `torch.vdot` (conjugates the first argument)."""
    if input.is_complex():
        from ._misc import conj

        input = conj(input)
    return dot(input, other)


def _k_outer(a, b):
    return jnp.outer(a, b)


def outer(input, vec2):
    """Mirrors `torch.outer` (promotes dtypes, as torch's mul)."""
    if input._data.ndim != 1 or vec2._data.ndim != 1:
        raise RuntimeError("outer: Expected 1-D argument self, but got "
                           f"{input._data.ndim if input._data.ndim != 1 else vec2._data.ndim}-D")
    dt = _dtypes.result_type(input, vec2)
    return _apply(_k_outer, input.to(dt), vec2.to(dt), name="MulBackward0")


ger = outer


def inner(input, other):
    """Mirrors `torch.inner` (sum over the last dims)."""
    if input._data.ndim == 0 or other._data.ndim == 0:
        from ._arith import mul

        return mul(input, other)
    return tensordot(input, other, dims=([-1], [-1]))


def _k_einsum(*ops, eq):
    return jnp.einsum(eq, *ops, precision=None)


def einsum(equation, *operands):
    """Mirrors `torch.einsum(equation, *operands)` (operands may also be passed as one list)."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    dt = _dtypes.result_type(*operands) if len(operands) > 1 else operands[0].dtype
    ops = [o if o.dtype is dt else o.to(dt) for o in operands]
    try:
        return _apply(_k_einsum, *ops, name="ViewBackward0" if len(ops) > 1 else "PermuteBackward0",
                      eq=equation.replace(" ", ""))
    except ValueError as e:
        raise RuntimeError(f"einsum(): {e}") from None


def _k_tensordot(a, b, *, axes):
    return jnp.tensordot(a, b, axes)


def tensordot(a, b, dims=2, out=None):
    """Mirrors `torch.tensordot(a, b, dims=2)` (int or a pair of dim lists)."""
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        axes = dims
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
    else:
        da, db = dims
        da = [da] if isinstance(da, int) else list(da)
        db = [db] if isinstance(db, int) else list(db)
        axes = (tuple(wrap_dim(d, a.ndim) for d in da), tuple(wrap_dim(d, b.ndim) for d in db))
        for x, y in zip(*axes):
            if a.shape[x] != b.shape[y]:
                raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[x]} in dim "
                                   f"{x} and second has size {b.shape[y]} in dim {y}")
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected scalar type {_SCALAR_NAMES[a.dtype.name]} but found "
                           f"{_SCALAR_NAMES[b.dtype.name]}")
    return _apply(_k_tensordot, a, b, name="ViewBackward0", axes=axes)


def _k_addmm(c, a, b, beta, alpha):
    out = jnp.matmul(a, b)
    # beta == 0 ignores c entirely (even NaN in it), as torch documents.
    return jnp.where(beta == 0, alpha * out, beta * c + alpha * out)


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """Mirrors `torch.addmm(input, mat1, mat2, *, beta=1, alpha=1)`: beta*input + alpha*(mat1@mat2)."""
    _check_matmul(mat1, mat2)
    dt = mat1.dtype.np
    return _apply(_k_addmm, input, mat1, mat2, np.asarray(beta, dt), np.asarray(alpha, dt), name="AddmmBackward0")


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """Mirrors `torch.addmv`: beta*input + alpha*(mat@vec)."""
    _check_matmul(mat, vec)
    dt = mat.dtype.np
    return _apply(_k_addmm, input, mat, vec, np.asarray(beta, dt), np.asarray(alpha, dt), name="AddmvBackward0")


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """Mirrors `torch.baddbmm`: beta*input + alpha*bmm(batch1, batch2)."""
    bmm(batch1, batch2)  # shape checks only; the product below is the one recorded
    dt = batch1.dtype.np
    return _apply(_k_addmm, input, batch1, batch2, np.asarray(beta, dt), np.asarray(alpha, dt),
                  name="BaddbmmBackward0")


def _k_addbmm(c, a, b, beta, alpha):
    return beta * c + alpha * jnp.sum(jnp.matmul(a, b), axis=0)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """Mirrors `torch.addbmm`: beta*input + alpha*sum_b(batch1[b] @ batch2[b])."""
    bmm(batch1, batch2)
    dt = batch1.dtype.np
    return _apply(_k_addbmm, input, batch1, batch2, np.asarray(beta, dt), np.asarray(alpha, dt),
                  name="AddbmmBackward0")


# ----------------------------------------------------------------------------- norms
def _safe_root(s, p):
    # s ** (1/p) with gradient 0 (not inf * 0 = nan) where s == 0, as torch's norm backward.
    zero = s == 0
    safe = jnp.where(zero, jnp.ones_like(s), s)
    return jnp.where(zero, jnp.zeros_like(s), safe ** (1.0 / p) if p != 2 else jnp.sqrt(safe))


def _k_vector_norm(x, *, ord, axis, keepdims, dtype):
    x = x.astype(dtype)
    a = abs_with_zero_grad(x)
    if ord == math.inf:
        return jnp.max(a, axis=axis, keepdims=keepdims)
    if ord == -math.inf:
        return jnp.min(a, axis=axis, keepdims=keepdims)
    if ord == 0:
        return jnp.sum((a != 0).astype(a.dtype), axis=axis, keepdims=keepdims)
    if ord == 1:
        return jnp.sum(a, axis=axis, keepdims=keepdims)
    if ord == 2:
        return _safe_root(jnp.sum(jnp.real(x * jnp.conj(x)), axis=axis, keepdims=keepdims), 2)
    return _safe_root(jnp.sum(a ** ord, axis=axis, keepdims=keepdims), ord)


def _norm_dtype(x, dtype, opname):
    dt = x.dtype if dtype is None else _dtypes.to_dtype(dtype)
    if dt._kind < 2:
        raise RuntimeError(f"{opname}: Expected a floating point or complex tensor as input. Got "
                           f"{_SCALAR_NAMES[x.dtype.name]}")
    return dt


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mirrors `torch.linalg.vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None)`.

    Example:
        >>> compat.linalg.vector_norm(compat.tensor([3.0, 4.0]))
        tensor(5.)
    """
    dt = _norm_dtype(x, dtype, "linalg.vector_norm")
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.vector_norm: Expected a numeric ord, got '{ord}'")
    axis = None if dim is None else dims_arg(dim, x._data.ndim)
    if axis is not None and x._data.ndim == 0:
        axis = None
    rdt = dt.to_real() if dt.is_complex else dt
    out = _apply(_k_vector_norm, x, name="LinalgVectorNormBackward0", ord=float(ord), axis=axis,
                 keepdims=bool(keepdim), dtype=dt.np)
    return out if out.dtype is rdt else out.to(rdt)


def _k_matrix_norm(x, *, ord, axis, keepdims):
    a, b = axis
    if ord == "fro":
        return _k_vector_norm(x, ord=2.0, axis=axis, keepdims=keepdims, dtype=x.dtype)
    if ord == "nuc":
        s = jnp.linalg.svd(jnp.moveaxis(x, (a, b), (-2, -1)), compute_uv=False)
        r = jnp.sum(s, axis=-1)
    elif ord in (2.0, -2.0):
        s = jnp.linalg.svd(jnp.moveaxis(x, (a, b), (-2, -1)), compute_uv=False)
        r = jnp.max(s, axis=-1) if ord > 0 else jnp.min(s, axis=-1)
    elif ord in (1.0, -1.0):
        col = jnp.sum(jnp.abs(x), axis=a, keepdims=True)
        r = (jnp.max if ord > 0 else jnp.min)(col, axis=b, keepdims=True)
        r = jnp.squeeze(r, (a, b))
    else:  # +-inf: max/min row sum
        row = jnp.sum(jnp.abs(x), axis=b, keepdims=True)
        r = (jnp.max if ord > 0 else jnp.min)(row, axis=a, keepdims=True)
        r = jnp.squeeze(r, (a, b))
    if keepdims:
        r = jnp.expand_dims(r, tuple(sorted((a, b))))
    return r


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """Mirrors `torch.linalg.matrix_norm(A, ord='fro', dim=(-2, -1), keepdim=False)`.

    ord: 'fro', 'nuc', 1, -1, 2, -2, inf, -inf.
    """
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    dt = _norm_dtype(A, dtype, "linalg.matrix_norm")
    if not isinstance(ord, str):
        if ord not in (1, -1, 2, -2, math.inf, -math.inf):
            raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
        ord = float(ord)
    elif ord not in ("fro", "nuc"):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    axis = tuple(wrap_dim(d, A.ndim) for d in dim)
    x = A if A.dtype is dt else A.to(dt)
    return _apply(_k_matrix_norm, x, name="LinalgMatrixNormBackward0" if ord != "fro" else
                  "LinalgVectorNormBackward0", ord=ord, axis=axis, keepdims=bool(keepdim))


def linalg_norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mirrors `torch.linalg.norm(A, ord=None, dim=None, keepdim=False, *, dtype=None)`."""
    if dim is not None and not isinstance(dim, int):
        dim = tuple(dim)
    if ord is None:
        if dim is None or isinstance(dim, int) or len(dim) == 1:
            return vector_norm(A, 2, dim, keepdim, dtype=dtype)
        return matrix_norm(A, "fro", dim, keepdim, dtype=dtype)
    if dim is None:
        if A.ndim == 1:
            return vector_norm(A, ord, None, keepdim, dtype=dtype)
        if A.ndim == 2:
            return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
        raise RuntimeError("linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                           f"Got {A.ndim}D.")
    if isinstance(dim, int) or len(dim) == 1:
        return vector_norm(A, ord, dim, keepdim, dtype=dtype)
    return matrix_norm(A, ord, dim, keepdim, dtype=dtype)


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """Mirrors `torch.norm(input, p='fro', dim=None, keepdim=False, dtype=None)`.

    'fro' (and numeric p) over `dim` (all dims when None) is a vector norm; 'nuc' is the
    nuclear norm of a matrix.

    Example:
        >>> compat.tensor([[3.0, 4.0]]).norm()
        tensor(5.)
    """
    if isinstance(p, str):
        if p == "fro":
            if dim is None or isinstance(dim, int) or len(dim) <= 2:
                return vector_norm(input, 2, dim, keepdim, dtype=dtype)
            raise RuntimeError("norm(): 'fro' expects at most 2 dims")
        if p == "nuc":
            return matrix_norm(input, "nuc", (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
        raise RuntimeError(f"norm(): unsupported p '{p}'")
    return vector_norm(input, 2 if p is None else p, dim, keepdim, dtype=dtype)


# ----------------------------------------------------------------------------- decompositions
def _square(opname, A):
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.{opname}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2] if A.ndim >= 2 else A.shape[-1]} by {A.shape[-1]} matrices")
    if A.dtype._kind < 2:
        raise RuntimeError(f"linalg.{opname}: Expected a floating point or complex tensor as input. Got "
                           f"{_SCALAR_NAMES[A.dtype.name]}")


def _k_inv(a):
    return jnp.linalg.inv(a)


def _k_det(a):
    return jnp.linalg.det(a)


def _k_slogdet(a):
    return jnp.linalg.slogdet(a)


def _k_solve(a, b, *, vec):
    if vec:
        return jnp.linalg.solve(a, b[..., None])[..., 0]
    return jnp.linalg.solve(a, b)


def _k_cholesky(a, *, upper):
    c = jnp.linalg.cholesky(a)
    return jnp.swapaxes(c, -1, -2).conj() if upper else c


def _k_qr(a, *, mode):
    return tuple(jnp.linalg.qr(a, mode=mode))


def _k_svd(a, *, full_matrices):
    u, s, vh = jnp.linalg.svd(a, full_matrices=full_matrices)
    return u, s, vh


def _k_eigh(a, *, UPLO):
    w, v = jnp.linalg.eigh(a, UPLO=UPLO, symmetrize_input=False)
    return w, v


def _k_cross(a, b, *, axis):
    return jnp.cross(a, b, axis=axis)


def _k_kron(a, b):
    return jnp.kron(a, b)


def inv(A, *, out=None):
    """Mirrors `torch.linalg.inv`."""
    _square("inv", A)
    return _apply(_k_inv, A, name="LinalgInvExBackward0")


def det(A, *, out=None):
    """Mirrors `torch.linalg.det`."""
    _square("det", A)
    return _apply(_k_det, A, name="LinalgDetBackward0")


def slogdet(A, *, out=None):
    """Mirrors `torch.linalg.slogdet` -> (sign, logabsdet)."""
    _square("slogdet", A)
    return return_types.linalg_slogdet(*_apply(_k_slogdet, A, name="LinalgSlogdetBackward0"))


def logdet(A):
    """Mirrors `torch.logdet` (nan for a negative determinant)."""
    s, la = slogdet(A)
    from ._arith import add
    from ._unary import log

    return add(log(s), la)


def solve(A, B, *, left=True, out=None):
    """Mirrors `torch.linalg.solve(A, B)` (left=True only)."""
    if not left:
        raise RuntimeError("linalg.solve: left=False is not supported by compat; solve A^T X^T = B^T instead")
    _square("solve", A)
    vec = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
    return _apply(_k_solve, A, B, name="LinalgSolveExBackward0", vec=vec)


def cholesky(A, *, upper=False, out=None):
    """Mirrors `torch.linalg.cholesky(A, *, upper=False)`."""
    _square("cholesky", A)
    return _apply(_k_cholesky, A, name="LinalgCholeskyExBackward0", upper=bool(upper))


def qr(A, mode="reduced", *, out=None):
    """Mirrors `torch.linalg.qr(A, mode='reduced')` -> (Q, R)."""
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
                           "'r', or 'complete'")
    if mode == "r":
        r = _apply(_k_qr, A, name="LinalgQrBackward0", mode="r")
        r = r[0] if isinstance(r, tuple) else r
        return return_types.linalg_qr(Tensor._wrap(jnp.zeros((0,), A.dtype.np)), r)
    return return_types.linalg_qr(*_apply(_k_qr, A, name="LinalgQrBackward0", mode=mode))


def svd(A, full_matrices=True, *, driver=None, out=None):
    """Mirrors `torch.linalg.svd(A, full_matrices=True)` -> (U, S, Vh)."""
    return return_types.linalg_svd(*_apply(_k_svd, A, name="LinalgSvdBackward0",
                                           full_matrices=bool(full_matrices)))


def eigh(A, UPLO="L", *, out=None):
    """Mirrors `torch.linalg.eigh(A, UPLO='L')` -> (eigenvalues, eigenvectors)."""
    _square("eigh", A)
    return return_types.linalg_eigh(*_apply(_k_eigh, A, name="LinalgEighBackward0", UPLO=UPLO))


def eigvalsh(A, UPLO="L", *, out=None):
    """Mirrors `torch.linalg.eigvalsh`."""
    return eigh(A, UPLO)[0]


def cross(input, other, *, dim=-1, out=None):
    """Mirrors `torch.linalg.cross(input, other, *, dim=-1)` (size-3 dim)."""
    d = wrap_dim(dim, input.ndim)
    if input.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {d} must have length 3. Got {input.shape[d]} and "
                           f"{other.shape[d]}")
    return _apply(_k_cross, input, other, name="LinalgCrossBackward0", axis=d)


def kron(input, other):
    """Mirrors `torch.kron`."""
    return _apply(_k_kron, input, other, name="KronBackward0")


def _k_cdist(a, b, *, p):
    d = a[..., :, None, :] - b[..., None, :, :]
    return _k_vector_norm(d, ord=p, axis=(d.ndim - 1,), keepdims=False, dtype=d.dtype)


def cdist(x1, x2, p=2.0, compute_mode=None):
    """Mirrors `torch.cdist(x1, x2, p=2.0)` (pairwise p-norm distances, computed directly)."""
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: "
                           f"{x2.shape[-1]}")
    return _apply(_k_cdist, x1, x2, name="CdistBackward0", p=float(p))
