"""torch's pickle names for dtypes and storage classes, and the compat objects they mean.

A torch checkpoint names its types by torch's module paths (`torch FloatStorage`,
`torch float32`, `torch._utils _rebuild_tensor_v2`). Saving writes those names without
importing torch; loading maps them back onto compat objects.
"""
from .. import _dtypes

__all__ = ["STORAGE_NAME", "STORAGE_DTYPE", "TorchGlobal", "StorageType", "get_layout"]

# torch._dtype_to_storage_type_map(): the legacy typed-storage class for each dtype.
STORAGE_NAME = {
    "float64": "DoubleStorage", "float32": "FloatStorage", "float16": "HalfStorage",
    "bfloat16": "BFloat16Storage", "int64": "LongStorage", "int32": "IntStorage",
    "int16": "ShortStorage", "int8": "CharStorage", "uint8": "ByteStorage",
    "bool": "BoolStorage", "complex128": "ComplexDoubleStorage",
    "complex64": "ComplexFloatStorage",
}
STORAGE_DTYPE = {v: getattr(_dtypes, k if k != "bool" else "bool_") for k, v in STORAGE_NAME.items()}
# torch's storage/dtype names compat has no dtype for (quantized, float8, unsigned > 8 bits).
UNSUPPORTED_STORAGES = {"QInt8Storage", "QUInt8Storage", "QInt32Storage", "QUInt4x2Storage",
                        "QUInt2x4Storage", "ComplexHalfStorage"}


class TorchGlobal:
    """A name in torch's namespace, pickled as `GLOBAL '<module> <name>'` (never imported).

    Example:
        >>> TorchGlobal("torch._utils", "_rebuild_tensor_v2")
        torch._utils._rebuild_tensor_v2
    """

    __slots__ = ("module", "name")
    _cache = {}

    def __new__(cls, module, name):
        # One object per name, so the pickler's memo writes each GLOBAL once.
        key = (module, name)
        obj = cls._cache.get(key)
        if obj is None:
            obj = object.__new__(cls)
            obj.module, obj.name = module, name
            cls._cache[key] = obj
        return obj

    def __repr__(self):
        return f"{self.module}.{self.name}"

    def __call__(self, *args, **kwargs):
        # Callable only so pickle accepts it as a reduce function; it is never run here.
        raise TypeError(f"{self!r} is a name written into checkpoints, not a function compat runs")


class StorageType:
    """What `torch.FloatStorage` (etc.) unpickles to: it carries the element dtype.

    Example:
        >>> StorageType("FloatStorage").dtype
        torch.float32
    """

    __slots__ = ("name", "dtype")

    def __init__(self, name):
        self.name = name
        self.dtype = STORAGE_DTYPE.get(name, _dtypes.uint8)  # UntypedStorage holds bytes

    def __repr__(self):
        return f"StorageType(dtype={self.dtype})"


def get_layout(name):
    """What `torch.serialization._get_layout('torch.strided')` unpickles to: compat's layout
    token, the string itself (compat.strided == "torch.strided").

    Example:
        >>> get_layout("torch.strided")
        'torch.strided'
    """
    return str(name)
