"""torch's dtype objects over jax/numpy dtypes, and torch's type-promotion rules.

int64 and float64 are real 64-bit arrays: importing compat turns on `jax_enable_x64`
(see compat/__init__.py), because torch's default integer dtype is int64 and silently
narrowing it would change overflow and indexing behaviour. Floating defaults stay float32.
"""
import jax.numpy as jnp
import numpy as np

__all__ = ["dtype", "finfo", "iinfo", "can_cast", "promote_types", "result_type",
           "get_default_dtype", "set_default_dtype", "is_floating_point", "is_complex"]


class dtype:
    """Mirrors `torch.dtype`: a named element type with torch's predicates.

    Example:
        >>> import compat as torch
        >>> torch.float32.is_floating_point, torch.int64.itemsize
        (True, 8)
    """

    __slots__ = ("name", "np", "is_floating_point", "is_complex", "is_signed", "itemsize", "_kind")

    def __init__(self, name, np_dtype, kind):
        self.name = name
        self.np = np.dtype(np_dtype)
        self._kind = kind  # 0 bool, 1 integer, 2 floating, 3 complex: torch's promotion categories
        self.is_floating_point = kind == 2
        self.is_complex = kind == 3
        self.is_signed = name not in ("uint8", "bool")
        self.itemsize = self.np.itemsize

    def __repr__(self):
        return f"torch.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))

    def to_real(self):
        return {"complex64": float32, "complex128": float64}.get(self.name, self)

    def to_complex(self):
        return {"float64": complex128}.get(self.name, complex64)


bool_ = dtype("bool", np.bool_, 0)
uint8 = dtype("uint8", np.uint8, 1)
int8 = dtype("int8", np.int8, 1)
int16 = dtype("int16", np.int16, 1)
int32 = dtype("int32", np.int32, 1)
int64 = dtype("int64", np.int64, 1)
float16 = dtype("float16", np.float16, 2)
bfloat16 = dtype("bfloat16", jnp.bfloat16, 2)
float32 = dtype("float32", np.float32, 2)
float64 = dtype("float64", np.float64, 2)
complex64 = dtype("complex64", np.complex64, 3)
complex128 = dtype("complex128", np.complex128, 3)

ALL = (bool_, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64, complex64, complex128)
_FROM_NP = {d.np: d for d in ALL}
_NAMES = {d.name: d for d in ALL}
# torch's aliases, exported from compat's namespace.
ALIASES = {
    "bool": bool_, "half": float16, "float": float32, "double": float64, "short": int16,
    "int": int32, "long": int64, "cfloat": complex64, "cdouble": complex128,
}

_default_float = [float32]


def _by_name(name):
    return _NAMES[name]


def get_default_dtype():
    """Mirrors `torch.get_default_dtype()`."""
    return _default_float[0]


def set_default_dtype(d):
    """Mirrors `torch.set_default_dtype(d)` (a floating dtype, as torch)."""
    if d not in (float32, float64, float16, bfloat16):
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default_float[0] = d
    _BINARY_CACHE.clear()  # cached promotions depend on the default dtype (Python floats)


def from_np(np_dtype):
    """numpy/jax dtype -> torch dtype object."""
    d = _FROM_NP.get(np_dtype)  # hot path: the key is already a numpy dtype (a jax array's)
    if d is not None:
        return d
    try:
        return _FROM_NP[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(f"the dtype {np_dtype!r} has no torch equivalent") from None


def to_dtype(d):
    """Accepts a compat dtype, a numpy/jax dtype, or a Python type (float/int/bool/complex)."""
    if isinstance(d, dtype):
        return d
    if d is float:
        return get_default_dtype()
    if d is int:
        return int64
    if d is bool:
        return bool_
    if d is complex:
        return complex64
    if isinstance(d, str):  # 'float32' / 'torch.float32', accepted by Tensor.to/type
        name = d[6:] if d.startswith("torch.") else d
        got = _NAMES.get(name) or ALIASES.get(name) or _LEGACY.get(name)
        if got is None:
            raise TypeError(f"invalid type: '{d}'")
        return got
    return from_np(d)


def scalar_dtype(value):
    """The dtype torch gives a Python number wrapped in an op (its 'wrapped number' rule)."""
    if isinstance(value, bool):
        return bool_
    if isinstance(value, int):
        return int64
    if isinstance(value, float):
        return get_default_dtype()  # a Python float promotes as the default dtype, not float64
    if isinstance(value, complex):
        return complex128 if get_default_dtype() is float64 else complex64
    if isinstance(value, np.generic):  # numpy scalars act as Python numbers of their kind
        return scalar_dtype(value.item())
    raise TypeError(f"unsupported scalar type {type(value).__name__}")


def promote_types(a, b):
    """Mirrors `torch.promote_types` on two dtypes."""
    if a is b:
        return a
    if a._kind != b._kind:
        hi, lo = (a, b) if a._kind > b._kind else (b, a)
        if hi.is_complex and lo.name == "float64":
            return complex128
        if hi is bool_:
            return lo
        return hi if hi._kind >= 2 or lo is bool_ else hi
    if a._kind == 1:
        if "uint8" in (a.name, b.name):  # uint8 with a signed int widens as torch: u8+i8 -> i16
            other = b if a is uint8 else a
            return int16 if other is int8 else other
        return a if a.itemsize >= b.itemsize else b
    if a._kind == 2:
        if {a.name, b.name} == {"float16", "bfloat16"}:
            return float32
        return a if a.itemsize >= b.itemsize else b
    return a if a.itemsize >= b.itemsize else b


def _combine_categories(higher, lower):
    # torch's c10 combine_categories: a lower-priority operand only matters when its
    # category (bool < int < float < complex) is above the higher-priority one's.
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.is_complex:
        return higher
    if lower.is_complex:
        return higher.to_complex() if higher.is_floating_point else lower
    if higher.is_floating_point:
        return higher
    if higher is bool_ or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher


def result_type(*operands):
    """torch.result_type over tensors and Python scalars.

    Dimensioned tensors outrank zero-dim tensors, which outrank Python scalars; a lower
    rank only lifts the category (e.g. int32 tensor + 2.5 -> float32, float16 tensor +
    float64 zero-dim tensor -> float16).
    """
    dim = zero = wrapped = None
    for x in operands:
        d = getattr(x, "dtype", None)
        if isinstance(x, np.ndarray):  # numpy arrays act as tensors of their dtype (even 0-d, as torch)
            d = from_np(x.dtype)
            dim = d if dim is None else promote_types(dim, d)
            continue
        if isinstance(d, dtype):
            if x.ndim:
                dim = d if dim is None else promote_types(dim, d)
            else:
                zero = d if zero is None else promote_types(zero, d)
        elif x is not None:
            s = scalar_dtype(x)
            wrapped = s if wrapped is None else promote_types(wrapped, s)
    return _combine_categories(dim, _combine_categories(zero, wrapped))


_LEGACY = {"FloatTensor": float32, "DoubleTensor": float64, "HalfTensor": float16,
           "BFloat16Tensor": bfloat16, "LongTensor": int64, "IntTensor": int32,
           "ShortTensor": int16, "CharTensor": int8, "ByteTensor": uint8, "BoolTensor": bool_}

# (operand key, operand key) -> dtype, where an operand key is (numpy dtype, has dims) for a
# tensor and the Python type for a scalar: promotion then costs one dict lookup per op.
_BINARY_CACHE = {}


def _operand_key(x):
    data = getattr(x, "_data", None)
    if data is not None:
        return (data.dtype, data.ndim != 0)
    if type(x) is np.ndarray:
        return (x.dtype, True)
    return type(x)


def binary_result_type(a, b):
    """`result_type(a, b)` for the hot path of binary ops, memoised on the operand kinds."""
    key = (_operand_key(a), _operand_key(b))
    d = _BINARY_CACHE.get(key)
    if d is None:
        d = _BINARY_CACHE[key] = result_type(a, b)
    return d


def cached_result_type(*operands):
    """`result_type(*operands)` memoised on the operand kinds (None operands are skipped)."""
    key = tuple(_operand_key(x) for x in operands if x is not None)
    d = _BINARY_CACHE.get(key)
    if d is None:
        d = _BINARY_CACHE[key] = result_type(*operands)
    return d


def can_cast(from_, to):
    """Mirrors `torch.can_cast(from_, to)`: same-kind casting as torch defines it.

    Example:
        >>> compat.can_cast(compat.float32, compat.int32), compat.can_cast(compat.int32, compat.float32)
        (False, True)
    """
    # torch forbids only downward category casts: complex->real, float->integral, non-bool->bool.
    return from_._kind <= to._kind


def is_floating_point(input):
    """Mirrors `torch.is_floating_point(input)`."""
    return input.dtype.is_floating_point


def is_complex(input):
    """Mirrors `torch.is_complex(input)`."""
    return input.dtype.is_complex


class finfo:
    """Mirrors `torch.finfo(dtype=default)`: machine limits of a floating dtype.

    Example:
        >>> compat.finfo(compat.float32).eps
        1.1920928955078125e-07
    """

    def __init__(self, type=None):
        d = get_default_dtype() if type is None else type
        if not isinstance(d, dtype) or not (d.is_floating_point or d.is_complex):
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to "
                            "handle 'torch.finfo'")
        d = d.to_real()
        info = jnp.finfo(d.np)  # jnp.finfo knows bfloat16 too
        self.bits = int(info.bits)
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -int(info.precision)  # torch: 10**-precision as a double
        self.dtype = d.name

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, "
                f"dtype={self.dtype})")


class iinfo:
    """Mirrors `torch.iinfo(dtype)`: limits of an integer dtype.

    Example:
        >>> compat.iinfo(compat.int8).max
        127
    """

    def __init__(self, type):
        if not isinstance(type, dtype) or type._kind != 1:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle "
                            "'torch.iinfo'")
        info = np.iinfo(type.np)
        self.bits = int(info.bits)
        self.max = int(info.max)
        self.min = int(info.min)
        self.dtype = type.name

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


# c10 ScalarType names, used in torch's error messages ("result type Float can't be cast ...").
SCALAR_NAMES = {
    "bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int",
    "int64": "Long", "float16": "Half", "bfloat16": "BFloat16", "float32": "Float",
    "float64": "Double", "complex64": "ComplexFloat", "complex128": "ComplexDouble",
}


# C++ type names torch prints in some dtype errors.
CPP_NAMES = {"float32": "float", "float64": "double", "int64": "long int", "int32": "int",
             "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool",
             "float16": "c10::Half", "bfloat16": "c10::BFloat16", "complex64": "c10::complex<float>",
             "complex128": "c10::complex<double>"}
