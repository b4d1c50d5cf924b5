"""torch's dtype objects over jax/numpy dtypes, and torch's type-promotion rules.

int64 and float64 are real 64-bit arrays: importing compat turns on `jax_enable_x64`
(see compat/__init__.py), because torch's default integer dtype is int64 and silently
narrowing it would change overflow and indexing behaviour. Floating defaults stay float32.
"""
import jax.numpy as jnp
import numpy as np

__all__ = ["dtype"]


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
    """Mirrors `torch.set_default_dtype(d)` (float32 or float64 only, as torch)."""
    if d not in (float32, float64, float16, bfloat16):
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default_float[0] = d


def from_np(np_dtype):
    """numpy/jax dtype -> torch dtype object."""
    try:
        return _FROM_NP[np.dtype(np_dtype)]
    except KeyError:
        raise TypeError(f"the numpy dtype {np.dtype(np_dtype)} has no torch equivalent") from None


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
        if isinstance(d, dtype):
            if x.ndim:
                dim = d if dim is None else promote_types(dim, d)
            else:
                zero = d if zero is None else promote_types(zero, d)
        elif x is not None:
            s = scalar_dtype(x)
            wrapped = s if wrapped is None else promote_types(wrapped, s)
    return _combine_categories(dim, _combine_categories(zero, wrapped))
