"""Attaches the op functions to `Tensor` as methods, operators and in-place variants.

Every method is the same function object as the `compat.<op>` function (no wrapper), so a
method call costs exactly the op. In-place variants (`add_`, `x += y`, ...) compute the
out-of-place result and hand it to `Tensor._set_`, after checking torch's rule that the
result dtype must be castable to the destination's dtype.
"""
from .. import _dtypes, _random
from .._tensor import Tensor
from . import _arith, _compare, _index, _linalg, _misc, _reduce, _shape, _sort, _unary

_can_cast = _dtypes.can_cast
_brt = _dtypes.binary_result_type
_SCALAR_NAMES = _dtypes.SCALAR_NAMES


def _reflect(fn):
    def r(self, other):
        return fn(other, self)

    r.__name__ = f"__r{fn.__name__}__"
    return r


def _check_cast(self, result_dt):
    dt = _dtypes._FROM_NP[self._data.dtype]
    if not _can_cast(result_dt, dt):
        raise RuntimeError(f"result type {_SCALAR_NAMES[result_dt.name]} can't be cast to the desired output "
                           f"type {_SCALAR_NAMES[dt.name]}")


def _inplace_binary(fn):
    def m(self, other, *args, **kwargs):
        _check_cast(self, _brt(self, other))
        return self._set_(fn(self, other, *args, **kwargs))

    m.__name__ = fn.__name__ + "_"
    return m


def _inplace_div(self, other, *, rounding_mode=None):
    dt = _brt(self, other)
    if rounding_mode is None and dt._kind < 2:
        dt = _dtypes.get_default_dtype()
    _check_cast(self, dt)
    return self._set_(_arith.div(self, other, rounding_mode=rounding_mode))


def _inplace_unary(fn):
    def m(self, *args, **kwargs):
        out = fn(self, *args, **kwargs)
        _check_cast(self, out.dtype)
        return self._set_(out)

    m.__name__ = fn.__name__ + "_"
    return m


def _inplace_same(fn):
    # Ops whose result already has self's dtype/shape (clamp_, masked_fill_, scatter_, ...).
    def m(self, *args, **kwargs):
        return self._set_(fn(self, *args, **kwargs))

    m.__name__ = fn.__name__ + "_"
    return m


def _imatmul(self, other):
    # torch has no in-place matmul: `x @= y` rebinds x to x @ y (Python's fallback).
    return _linalg.matmul(self, other)


def _eq(self, other):
    return _compare.eq(self, other)


def _ne(self, other):
    return _compare.ne(self, other)


def _iter(self):
    if self._data.ndim == 0:
        raise TypeError("iteration over a 0-d tensor")
    return iter(_shape.unbind(self, 0))


def _contains(self, element):
    if not isinstance(element, (Tensor, int, float, bool, complex)):
        raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a {type(element)}.")
    return bool(_compare.eq(self, element).any().item())


T = Tensor

# ----------------------------------------------------------------------------- operators
T.__add__ = _arith.add
T.__radd__ = _reflect(_arith.add)
T.__sub__ = _arith.sub
T.__rsub__ = _arith.rsub  # other - self, with torch's RsubBackward1
T.__mul__ = _arith.mul
T.__rmul__ = _reflect(_arith.mul)
T.__truediv__ = _arith.div
T.__rtruediv__ = _arith.rtruediv
T.__floordiv__ = _arith.floor_divide
T.__rfloordiv__ = _reflect(_arith.floor_divide)
T.__mod__ = _arith.remainder
T.__rmod__ = _reflect(_arith.remainder)
T.__pow__ = _arith.pow
T.__rpow__ = _reflect(_arith.pow)
T.__matmul__ = _linalg.matmul
T.__rmatmul__ = _reflect(_linalg.matmul)
T.__and__ = _arith.bitwise_and
T.__rand__ = _reflect(_arith.bitwise_and)
T.__or__ = _arith.bitwise_or
T.__ror__ = _reflect(_arith.bitwise_or)
T.__xor__ = _arith.bitwise_xor
T.__rxor__ = _reflect(_arith.bitwise_xor)
T.__lshift__ = _arith.bitwise_left_shift
T.__rlshift__ = _reflect(_arith.bitwise_left_shift)
T.__rshift__ = _arith.bitwise_right_shift
T.__rrshift__ = _reflect(_arith.bitwise_right_shift)
T.__invert__ = _arith.invert
T.__neg__ = _arith.neg
T.__pos__ = _arith.positive
T.__abs__ = _unary.abs
T.__eq__ = _eq
T.__ne__ = _ne
T.__lt__ = _compare.lt
T.__le__ = _compare.le
T.__gt__ = _compare.gt
T.__ge__ = _compare.ge
T.__getitem__ = _index.getitem
T.__iter__ = _iter
T.__contains__ = _contains
T.__reversed__ = lambda self: _shape.flip(self, 0) if self.ndim else self  # noqa: E731
T.__complex__ = lambda self: complex(self.item())  # noqa: E731
T.__dlpack__ = lambda self, *a, **k: self._data.__dlpack__(*a, **k)  # noqa: E731
T.__dlpack_device__ = lambda self: self._data.__dlpack_device__()  # noqa: E731
T.__div__, T.__rdiv__ = _arith.div, _arith.rtruediv
T.__setitem__ = _index.setitem
T.__hash__ = lambda self: id(self)  # noqa: E731 -- defining __eq__ would otherwise unset it

T.__iadd__ = T.add_ = _inplace_binary(_arith.add)
T.__isub__ = T.sub_ = T.subtract_ = _inplace_binary(_arith.sub)
T.__imul__ = T.mul_ = T.multiply_ = _inplace_binary(_arith.mul)
T.__itruediv__ = T.__idiv__ = T.div_ = T.divide_ = _inplace_div
T.true_divide_ = _inplace_div
T.__ifloordiv__ = T.floor_divide_ = _inplace_binary(_arith.floor_divide)
T.__imod__ = T.remainder_ = _inplace_binary(_arith.remainder)
T.__ipow__ = T.pow_ = _inplace_binary(_arith.pow)
T.__iand__ = T.bitwise_and_ = _inplace_binary(_arith.bitwise_and)
T.__ior__ = T.bitwise_or_ = _inplace_binary(_arith.bitwise_or)
T.__ixor__ = T.bitwise_xor_ = _inplace_binary(_arith.bitwise_xor)
T.__ilshift__ = T.bitwise_left_shift_ = _inplace_binary(_arith.bitwise_left_shift)
T.__irshift__ = T.bitwise_right_shift_ = _inplace_binary(_arith.bitwise_right_shift)
T.__imatmul__ = _imatmul
T.fmod_ = _inplace_binary(_arith.fmod)
T.atan2_ = T.arctan2_ = _inplace_binary(_arith.atan2)
T.hypot_ = _inplace_binary(_arith.hypot)
T.copysign_ = _inplace_binary(_arith.copysign)
T.lerp_ = _inplace_same(_arith.lerp)
T.neg_ = T.negative_ = _inplace_same(_arith.neg)
T.bitwise_not_ = _inplace_same(_arith.bitwise_not)

# ----------------------------------------------------------------------------- plain methods
_SAME_NAME = {
    _arith: ["add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide",
             "remainder", "fmod", "pow", "float_power", "neg", "negative", "positive", "bitwise_and",
             "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_left_shift", "bitwise_right_shift", "atan2",
             "arctan2", "lerp", "hypot", "copysign"],
    _compare: ["eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal",
               "not_equal", "equal", "isclose", "allclose", "maximum", "minimum", "fmax", "fmin", "isnan",
               "isinf", "isfinite", "isposinf", "isneginf", "isreal", "signbit", "logical_and", "logical_or",
               "logical_not", "logical_xor"],
    _unary: list(_unary._FLOAT_OPS) + ["arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "abs",
                                       "absolute", "sign", "sgn", "square", "floor", "ceil", "trunc", "fix",
                                       "round", "frac", "relu", "clamp", "clip", "clamp_min", "clamp_max",
                                       "nan_to_num"],
    _reduce: _reduce.__all__,
    _shape: ["reshape", "view", "view_as", "reshape_as", "permute", "transpose", "swapaxes", "swapdims",
             "t", "adjoint", "squeeze", "unsqueeze", "flatten", "unflatten", "ravel", "expand", "expand_as",
             "broadcast_to", "repeat", "tile", "repeat_interleave", "narrow", "select", "split", "chunk",
             "unbind", "tensor_split", "flip", "fliplr", "flipud", "roll", "movedim", "moveaxis", "diag",
             "diagonal", "diag_embed", "triu", "tril", "trace"],
    _index: ["index_put", "gather", "scatter", "scatter_add", "scatter_reduce", "index_select", "index_add", "index_copy",
             "index_fill", "masked_fill", "masked_select", "masked_scatter", "take", "take_along_dim",
             "where", "nonzero", "argwhere"],
    _sort: ["sort", "argsort", "msort", "topk", "kthvalue", "unique", "unique_consecutive"],
    _linalg: ["matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "outer", "ger", "tensordot", "addmm",
              "addmv", "baddbmm", "addbmm", "norm", "logdet", "det", "inv", "kron", "cross"],
    _misc: ["to", "clone", "contiguous", "is_contiguous", "cpu", "cuda", "new_zeros", "new_ones", "new_full",
            "new_empty", "new_tensor", "type_as", "zero_", "fill_", "copy_", "conj"],
    _random: ["uniform_", "normal_", "bernoulli_", "random_", "exponential_", "cauchy_", "log_normal_",
              "bernoulli", "multinomial"],
}
for _mod, _names in _SAME_NAME.items():
    for _n in _names:
        setattr(T, _n, getattr(_mod, _n))
T.det = _linalg.det
T.inverse = _linalg.inv
T.cross = lambda self, other, dim=None: _linalg.cross(self, other, dim=-1 if dim is None else dim)  # noqa: E731
T.type = _misc.type_
T.where = lambda self, condition, other: _index.where(condition, self, other)  # noqa: E731
T.real = property(_misc.real)
T.imag = property(_misc.imag)
T.T = property(_shape.T)
T.mT = property(_shape.mT)
T.H = property(lambda self: _misc.conj(_shape.T(self)) if self.ndim == 2 else _shape.T(self))
T.mH = property(lambda self: _misc.conj(_shape.mT(self)))

# dtype conversions: x.float(), x.long(), ...
for _dt, _name in ((_dtypes.float32, "float"), (_dtypes.float64, "double"), (_dtypes.float16, "half"),
                   (_dtypes.bfloat16, "bfloat16"), (_dtypes.int64, "long"), (_dtypes.int32, "int"),
                   (_dtypes.int16, "short"), (_dtypes.int8, "char"), (_dtypes.uint8, "byte"),
                   (_dtypes.bool_, "bool"), (_dtypes.complex64, "cfloat"), (_dtypes.complex128, "cdouble")):
    setattr(T, _name, _misc.conversion(_dt))

# in-place variants of unary/same-dtype ops: x.exp_(), x.clamp_(0, 1), x.masked_fill_(m, v), ...
for _n in list(_unary._FLOAT_OPS) + ["abs", "sign", "sgn", "square", "floor", "ceil", "trunc", "fix",
                                     "round", "frac", "relu", "nan_to_num", "arcsin", "arccos", "arctan",
                                     "arcsinh", "arccosh", "arctanh", "absolute"]:
    setattr(T, _n + "_", _inplace_unary(getattr(_unary, _n)))
for _mod, _n in ((_unary, "clamp"), (_unary, "clip"), (_unary, "clamp_min"), (_unary, "clamp_max"),
                 (_index, "masked_fill"), (_index, "scatter"), (_index, "scatter_add"),
                 (_index, "scatter_reduce"), (_index, "index_add"), (_index, "index_copy"),
                 (_index, "index_fill"), (_index, "masked_scatter"), (_index, "index_put"), (_shape, "triu"), (_shape, "tril"),
                 (_compare, "logical_not"), (_compare, "logical_and"), (_compare, "logical_or"),
                 (_compare, "logical_xor")):
    setattr(T, _n + "_", _inplace_same(getattr(_mod, _n)))
for _n in ("eq", "ne", "lt", "le", "gt", "ge"):
    setattr(T, _n + "_", _inplace_same(getattr(_compare, _n)))


def _squeeze_(self, dim=None):
    return _set_shape_(self, _shape.squeeze(self, dim))


def _unsqueeze_(self, dim):
    return _set_shape_(self, _shape.unsqueeze(self, dim))


def _t_(self):
    return _set_shape_(self, _shape.t(self))


def _transpose_(self, dim0, dim1):
    return _set_shape_(self, _shape.transpose(self, dim0, dim1))


def _resize_as_(self, other):
    return _set_shape_(self, _misc.new_zeros(self, other.shape))


def _set_shape_(self, new):
    # Shape-changing in-place ops rebind the array (and history) of this tensor itself.
    self._check_inplace()
    self._data = new._data
    if new.grad_fn is not None:
        self.grad_fn, self._output_nr = new.grad_fn, new._output_nr
    self._version += 1
    return self


T.squeeze_ = _squeeze_
T.unsqueeze_ = _unsqueeze_
T.t_ = _t_
T.transpose_ = _transpose_
T.swapaxes_ = T.swapdims_ = _transpose_
T.resize_as_ = _resize_as_
T.is_shared = lambda self: False  # noqa: E731
T.share_memory_ = lambda self: self  # noqa: E731 -- jax arrays are shared across processes by value
T.pin_memory = lambda self, device=None: self  # noqa: E731
T.is_pinned = lambda self, device=None: False  # noqa: E731
T.get_device = lambda self: -1 if self.device.type == "cpu" else (self.device.index or 0)  # noqa: E731
T.nbytes = property(lambda self: self.numel() * self.dtype.itemsize)
T.itemsize = property(lambda self: self.dtype.itemsize)
T.is_meta = property(lambda self: False)
T.is_sparse = property(lambda self: False)
T.is_quantized = property(lambda self: False)
T.softmax = _reduce.softmax
T.log_softmax = _reduce.log_softmax
