"""Unpickling torch checkpoints into compat objects, with torch's `weights_only` rules.

`Loader` owns what a load needs besides the pickle bytes: where storages come from, where
they go (map_location) and the rebuild functions torch's pickles call by name
(`torch._utils._rebuild_tensor_v2`, `_rebuild_parameter`, ...), implemented on numpy and
compat. Two unpicklers use it:

* `WeightsOnlyUnpickler` (the default): only an allowlist of globals can be named --
  tensors, Parameters, dtypes, devices, Size, storages, OrderedDict/Counter, set, bytearray,
  complex, bytes -- and, as torch's `_weights_only_unpickler`, only lists can be appended to,
  only dicts filled, only allowlisted classes built. Anything else raises
  `pickle.UnpicklingError` naming the global; nothing in the file is executed.
* `TrustedUnpickler` (`weights_only=False`): maps torch's names onto compat and imports
  anything else, as `pickle` does. Only for files from a trusted source.
"""
import codecs
import collections
import pickle
import _compat_pickle

import jax
import numpy as np

from .. import _dtypes
from .._device import device as _device_cls
from .._device import jax_device
from .._size import Size
from .._tensor import Tensor
from ._names import STORAGE_DTYPE, UNSUPPORTED_STORAGES, Layout, StorageType

__all__ = ["Loader", "LoadedStorage", "WeightsOnlyUnpickler", "TrustedUnpickler", "BLOCKED_MODULES"]

BLOCKED_MODULES = ("sys", "os", "posix", "nt")  # torch's _blocklisted_modules


class LoadedStorage:
    """A storage read from a checkpoint: its elements as a 1-D numpy array, and its placement.

    This is what a callable `map_location(storage, location)` receives; return it (after
    `.cpu()`/`.cuda()`/`.to(device)`) or None to keep the saved location.

    Attributes:
        dtype: the element dtype (a compat dtype).
        location: the location tag saved with it ('cpu', 'cuda:0', ...).
        device: where tensors built on it are placed (a compat device).
    """

    __slots__ = ("_array", "dtype", "location", "device", "_base", "_offset", "_numel")

    def __init__(self, array, dtype, location, *, base=None, offset=0, numel=None):
        self._array = array
        self.dtype = dtype
        self.location = location
        self.device = _device_cls("cpu")
        self._base, self._offset = base, offset  # legacy storage views: a window into a root
        self._numel = int(array.size) if numel is None else int(numel)

    @property
    def array(self):
        if self._base is not None:
            return self._base.array[self._offset:self._offset + self._numel]
        return self._array

    def size(self):
        return self._numel

    def nbytes(self):
        return self._numel * self.dtype.itemsize

    def cpu(self):
        self.device = _device_cls("cpu")
        return self

    def cuda(self, device=None):
        idx = device.index if isinstance(device, _device_cls) else device
        self.device = _device_cls("cuda", 0 if idx is None else int(idx))
        return self

    def to(self, device):
        self.device = _device_cls(device)
        return self

    def __repr__(self):
        return f"LoadedStorage(dtype={self.dtype}, size={self._numel}, location={self.location!r})"


def _cuda_missing_error():
    return RuntimeError(
        "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is "
        "False (jax sees no GPU). If you are running on a CPU-only machine, please use "
        "compat.load with map_location=compat.device('cpu') to map your storages to the CPU."
    )


def restore_location_fn(map_location):
    """torch's `_get_restore_location`: (storage, location) -> the storage, placed.

    Args:
        map_location: None, a str or compat device, a dict {saved: target}, or a callable
            `f(storage, location)` returning a storage or None.

    Returns:
        A function placing a `LoadedStorage` (setting its `.device`) and returning it.

    Raises:
        TypeError: map_location of another type, or a callable returning a non-storage.
    """

    def default(storage, location):
        dev = _device_cls(location)
        if dev.type == "cuda":
            try:
                jax_device(dev)
            except RuntimeError:
                raise _cuda_missing_error() from None
        elif dev.type != "cpu":
            raise RuntimeError(f"don't know how to restore data location {location!r}")
        storage.device = dev
        return storage

    if map_location is None:
        return default
    if isinstance(map_location, dict):
        return lambda s, loc: default(s, str(map_location.get(loc, loc)))
    if isinstance(map_location, (str, bytes)):
        target = map_location.decode() if isinstance(map_location, bytes) else map_location
        return lambda s, loc: default(s, target)
    if isinstance(map_location, _device_cls):
        return lambda s, loc: default(s, str(map_location))
    if callable(map_location):

        def call(storage, location):
            result = map_location(storage, location)
            if result is None:
                return default(storage, location)
            if not isinstance(result, LoadedStorage):
                raise TypeError(
                    "map_location callable must return the storage it was given (optionally moved "
                    f"with .cpu()/.cuda()/.to()) or None, got {type(result).__name__}"
                )
            if result.device.type == "cuda":
                default(result, str(result.device))  # same availability check as saved locations
            return result

        return call
    raise TypeError(
        "map_location should be a str, a device, a dict or a callable, got "
        f"{type(map_location).__name__}"
    )


def _check_ints(name, values):
    if not isinstance(values, (tuple, list)) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values):
        raise RuntimeError(f"compat.load: invalid tensor {name} {values!r} in checkpoint")
    return tuple(values)


def _strided_copy(storage, dtype, offset, size, stride):
    """torch's `set_(storage, offset, size, stride)` then a contiguous copy, on numpy."""
    flat = storage.array
    if storage.dtype != dtype:  # _rebuild_tensor_v3: untyped (byte) storage reinterpreted
        if flat.nbytes % dtype.itemsize:
            raise RuntimeError(
                f"compat.load: storage of {flat.nbytes} bytes is not a whole number of {dtype} elements")
        flat = flat.view(dtype.np)
    size, stride = _check_ints("size", size), _check_ints("stride", stride)
    if len(size) != len(stride) or not isinstance(offset, int) or offset < 0:
        raise RuntimeError(
            f"compat.load: inconsistent tensor metadata: size {list(size)}, stride "
            f"{list(stride)}, storage offset {offset}")
    if any(s == 0 for s in size):
        return np.zeros(size, dtype.np)
    needed = offset + sum((s - 1) * st for s, st in zip(size, stride)) + 1
    if needed > flat.size:  # never read past the storage (an untrusted file could ask to)
        raise RuntimeError(
            f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, "
            f"and itemsize {dtype.itemsize} requiring a storage size of {needed * dtype.itemsize} "
            f"are out of bounds for storage of size {flat.size * dtype.itemsize}")
    numel = int(np.prod(size, dtype=np.int64))
    if offset == 0 and numel == flat.size and stride == _contiguous(size):
        return flat.reshape(size)
    item = flat.itemsize
    view = np.lib.stride_tricks.as_strided(
        flat[offset:], shape=size, strides=[st * item for st in stride], writeable=False)
    return np.array(view, order="C")  # a contiguous copy (ascontiguousarray would make 0-d 1-d)


def _contiguous(size):
    strides, acc = [], 1
    for s in reversed(size):
        strides.append(acc)
        acc *= max(s, 1)
    return tuple(reversed(strides))


class Loader:
    """State of one `compat.load`: storage source, placement, and the rebuild functions.

    Args:
        read_storage: `f(key, dtype, numel) -> 1-D numpy array` (None to defer: legacy).
        map_location: as `compat.load`'s.
        weights_only: whether the restricted rules apply (also restricts attribute state).
    """

    def __init__(self, read_storage, map_location, weights_only):
        self._read = read_storage
        self._restore = restore_location_fn(map_location)
        self.weights_only = weights_only
        self.storages = {}
        self.deferred = []  # legacy format: (tensor, storage, dtype, offset, size, stride)

    # ---------------------------------------------------------------- storages
    def persistent_load(self, pid):
        """Resolves a persistent id `('storage', type, key, location, numel[, view])`."""
        if not isinstance(pid, tuple) or not pid:
            raise pickle.UnpicklingError(f"persistent_load id must be tuple, but got {type(pid).__name__}")
        kind = pid[0].decode("ascii") if isinstance(pid[0], bytes) else pid[0]
        if kind != "storage":
            raise pickle.UnpicklingError(f"Only persistent_load of storage is allowed, but got {kind!r}")
        if len(pid) not in (5, 6):
            raise pickle.UnpicklingError(f"malformed storage id {pid!r}")
        storage_type, key, location, numel = pid[1:5]
        if not isinstance(storage_type, StorageType):
            raise pickle.UnpicklingError(f"storage type expected, got {storage_type!r}")
        location = location.decode("ascii") if isinstance(location, bytes) else str(location)
        key = str(key)
        st = self.storages.get(key)
        if st is None:
            if self._read is None:  # legacy: the data follows the pickle; filled in later
                array = np.zeros((0,), storage_type.dtype.np)
            else:
                array = self._read(key, storage_type.dtype, numel)
            st = LoadedStorage(array, storage_type.dtype, location, numel=numel)
            st = self._restore(st, location)
            self.storages[key] = st
        if len(pid) == 6 and pid[5] is not None:  # legacy view: (view_key, offset, size)
            view_key, off, view_numel = pid[5]
            view = self.storages.get(str(view_key))
            if view is None:
                view = LoadedStorage(st._array, st.dtype, location, base=st, offset=off, numel=view_numel)
                view.device = st.device
                self.storages[str(view_key)] = view
            return view
        return st

    # ---------------------------------------------------------------- rebuild functions
    def _tensor(self, storage, offset, size, stride, dtype=None):
        if not isinstance(storage, LoadedStorage):
            raise pickle.UnpicklingError(f"tensor storage expected, got {type(storage).__name__}")
        dtype = storage.dtype if dtype is None else dtype
        if self._read is None:  # legacy format: the bytes are not read yet
            placeholder = jax.ShapeDtypeStruct(_check_ints("size", size), dtype.np)
            t = Tensor._wrap(placeholder)
            self.deferred.append((t, storage, dtype, offset, size, stride))
            return t
        host = _strided_copy(storage, dtype, offset, size, stride)
        return Tensor._wrap(jax.device_put(host, jax_device(storage.device)))

    def rebuild_tensor(self, storage, storage_offset, size, stride):
        return self._tensor(storage, storage_offset, size, stride)

    def rebuild_tensor_v2(self, storage, storage_offset, size, stride, requires_grad,
                          backward_hooks, metadata=None):
        t = self._tensor(storage, storage_offset, size, stride)
        if requires_grad:
            t._requires_grad = True  # torch sets it on the rebuilt leaf
        return t

    def rebuild_tensor_v3(self, storage, storage_offset, size, stride, requires_grad,
                          backward_hooks, dtype, metadata=None):
        if not isinstance(dtype, _dtypes.dtype):
            raise pickle.UnpicklingError(f"dtype expected, got {dtype!r}")
        t = self._tensor(storage, storage_offset, size, stride, dtype)
        if requires_grad:
            t._requires_grad = True
        return t

    def rebuild_parameter(self, data, requires_grad, backward_hooks):
        from ..nn import Parameter

        if not isinstance(data, Tensor):
            raise pickle.UnpicklingError(f"Parameter data must be a tensor, got {type(data).__name__}")
        param = Parameter(data, bool(requires_grad))
        for entry in list(self.deferred):
            if entry[0] is data:  # the Parameter's value arrives with its data tensor's
                self.deferred.append((param,) + entry[1:])
        return param

    def rebuild_parameter_with_state(self, data, requires_grad, backward_hooks, state):
        return self._set_state(self.rebuild_parameter(data, requires_grad, backward_hooks), state)

    def rebuild_from_type_v2(self, func, new_type, args, state):
        from ..nn import Parameter

        if self.weights_only and func not in self.rebuild_functions():
            raise pickle.UnpicklingError(f"_rebuild_from_type_v2 cannot call {func!r}")
        ret = func(*args)
        if new_type is Parameter and not isinstance(ret, Parameter):
            ret = self.rebuild_parameter(ret, ret.requires_grad, None)
        return self._set_state(ret, state)

    def _set_state(self, obj, state):
        if isinstance(state, tuple) and len(state) == 2:
            dict_state = dict(state[0] or {})
            dict_state.update(state[1] or {})
        else:
            dict_state = state or {}
        if not isinstance(dict_state, dict):
            raise pickle.UnpicklingError(f"invalid tensor state {state!r}")
        for k, v in dict_state.items():
            if self.weights_only and (not isinstance(k, str) or k.startswith("_")):
                raise pickle.UnpicklingError(
                    f"refusing to set private attribute {k!r} on a tensor with weights_only=True")
            setattr(obj, k, v)
        return obj

    def rebuild_functions(self):
        return (self.rebuild_tensor, self.rebuild_tensor_v2, self.rebuild_tensor_v3,
                self.rebuild_parameter, self.rebuild_parameter_with_state)

    def finish_deferred(self):
        """Legacy format: builds the tensors whose storages have now been read."""
        for t, storage, dtype, offset, size, stride in self.deferred:
            host = _strided_copy(storage, dtype, offset, size, stride)
            t._data = jax.device_put(host, jax_device(storage.device))
        self.deferred = []

    # ---------------------------------------------------------------- names
    def allowed_globals(self):
        """(module, name) -> object for every global the weights-only unpickler accepts."""
        from ..nn import Parameter

        table = {
            ("collections", "OrderedDict"): collections.OrderedDict,
            ("collections", "Counter"): collections.Counter,
            ("torch._utils", "_rebuild_tensor"): self.rebuild_tensor,
            ("torch._utils", "_rebuild_tensor_v2"): self.rebuild_tensor_v2,
            ("torch._utils", "_rebuild_tensor_v3"): self.rebuild_tensor_v3,
            ("torch._utils", "_rebuild_parameter"): self.rebuild_parameter,
            ("torch._utils", "_rebuild_parameter_with_state"): self.rebuild_parameter_with_state,
            ("torch._tensor", "_rebuild_from_type_v2"): self.rebuild_from_type_v2,
            ("torch.nn.parameter", "Parameter"): Parameter,
            ("torch", "Tensor"): Tensor,
            ("torch", "Size"): Size,
            ("torch", "device"): _device_cls,
            ("torch.serialization", "_get_layout"): Layout,
            ("_codecs", "encode"): codecs.encode,  # how protocol 2 pickles `bytes`
            ("builtins", "bytearray"): bytearray,
            ("builtins", "set"): set,
            ("builtins", "complex"): complex,
        }
        for d in _dtypes.ALL:
            table[("torch", d.name)] = d
        for name in STORAGE_DTYPE:
            table[("torch", name)] = StorageType(name)
        for mod in ("torch", "torch.storage"):
            for name in ("UntypedStorage", "TypedStorage"):
                table[(mod, name)] = StorageType(name)
        return table


_TORCH_DTYPE_NAMES = {  # torch dtypes compat has no equivalent for
    "uint16", "uint32", "uint64", "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz",
    "float8_e5m2fnuz", "float8_e8m0fnu", "complex32", "qint8", "quint8", "qint32",
    "quint4x2", "quint2x4", "bits8", "bits16", "int1", "int2", "int3", "int4", "int5",
    "int6", "int7", "uint1", "uint2", "uint3", "uint4", "uint5", "uint6", "uint7",
}


def _unsupported_torch_type(module, name):
    if module == "torch" and (name in _TORCH_DTYPE_NAMES or name in UNSUPPORTED_STORAGES):
        supported = ", ".join(d.name for d in _dtypes.ALL)
        return RuntimeError(
            f"compat.load: the checkpoint uses torch.{name}, which compat has no dtype for "
            f"(supported: {supported}); convert those tensors in PyTorch before saving"
        )
    return None


def _fix_name(module, name):
    """Python 2 names (`__builtin__ set`) -> Python 3, as torch's unpickler maps them."""
    if (module, name) in _compat_pickle.NAME_MAPPING:
        return _compat_pickle.NAME_MAPPING[(module, name)]
    return _compat_pickle.IMPORT_MAPPING.get(module, module), name


class _RestrictedDispatch(dict):
    def __missing__(self, op):
        raise pickle.UnpicklingError(f"Unsupported operand {op}")


def _restricted_dispatch():
    base = pickle._Unpickler.dispatch
    allowed = """PROTO STOP FRAME MARK POP POP_MARK DUP NONE NEWTRUE NEWFALSE BININT BININT1
        BININT2 LONG1 LONG4 BINFLOAT BINUNICODE SHORT_BINUNICODE BINUNICODE8 SHORT_BINSTRING
        BINSTRING BINBYTES SHORT_BINBYTES BINBYTES8 BYTEARRAY8 EMPTY_TUPLE TUPLE TUPLE1 TUPLE2
        TUPLE3 EMPTY_LIST EMPTY_DICT EMPTY_SET FROZENSET GLOBAL STACK_GLOBAL BINPERSID BINGET
        LONG_BINGET BINPUT LONG_BINPUT MEMOIZE""".split()
    table = _RestrictedDispatch({getattr(pickle, op)[0]: base[getattr(pickle, op)[0]] for op in allowed})

    def checked(op, check):
        raw = base[getattr(pickle, op)[0]]

        def run(self):
            check(self)
            raw(self)

        table[getattr(pickle, op)[0]] = run

    def top_after_mark(self):
        return self.metastack[-1][-1] if self.metastack else None

    def require(kinds, op, target):
        if type(target) not in kinds:
            names = ", ".join(k.__name__ for k in kinds)
            raise pickle.UnpicklingError(f"Can only {op} {names}, but got {type(target)}")

    lists, dicts = (list,), (dict, collections.OrderedDict, collections.Counter)
    checked("APPEND", lambda self: require(lists, "append to", self.stack[-2]))
    checked("APPENDS", lambda self: require(lists, "extend", top_after_mark(self)))
    checked("SETITEM", lambda self: require(dicts, "SETITEM for", self.stack[-3]))
    checked("SETITEMS", lambda self: require(dicts, "SETITEMS for", top_after_mark(self)))
    checked("ADDITEMS", lambda self: require((set,), "add items to", top_after_mark(self)))

    def check_reduce(self):
        func = self.stack[-2]
        if not any(func is v for v in self._allowed_values):
            raise pickle.UnpicklingError(f"Trying to call reduce for unrecognized function {func!r}")

    def check_newobj(self):
        cls = self.stack[-2]
        if not any(cls is v for v in self._newobj_classes):
            raise pickle.UnpicklingError(
                f"Can only create new object for nn.Parameter or allowlisted classes but got {cls!r}")

    def check_build(self):
        inst = self.stack[-2]
        if type(inst) not in (collections.OrderedDict, collections.Counter):
            raise pickle.UnpicklingError(
                f"Can only build OrderedDict or Counter with weights_only=True, but got {type(inst)}")

    checked("REDUCE", check_reduce)
    checked("NEWOBJ", check_newobj)
    checked("BUILD", check_build)
    return table


class WeightsOnlyUnpickler(pickle._Unpickler):
    """torch's weights-only unpickler on compat: allowlisted globals and opcodes only.

    Args:
        file: the pickle stream.
        loader: the `Loader` giving storages and rebuild functions.
        encoding: how to decode Python 2 byte strings (torch's default 'utf-8').

    Raises (from `load()`):
        pickle.UnpicklingError: a global outside the allowlist, a blocked module, or a
            disallowed operation (message in torch's words).

    Example:
        >>> WeightsOnlyUnpickler(io.BytesIO(pkl), loader).load()
    """

    dispatch = _restricted_dispatch()

    def __init__(self, file, loader, encoding="utf-8"):
        super().__init__(file, encoding=encoding)
        self._loader = loader
        self._allowed = loader.allowed_globals()
        self._allowed_values = list(self._allowed.values())
        # Classes NEWOBJ may instantiate (their __new__ builds a complete object).
        self._newobj_classes = [collections.OrderedDict, collections.Counter, set, bytearray,
                                complex, Size, self._allowed[("torch.nn.parameter", "Parameter")]]

    def persistent_load(self, pid):
        return self._loader.persistent_load(pid)

    def find_class(self, module, name):
        module, name = _fix_name(module, name)
        full = f"{module}.{name}"
        if module in BLOCKED_MODULES:
            raise pickle.UnpicklingError(
                f"Trying to load unsupported GLOBAL {full} whose module {module} is blocked.")
        obj = self._allowed.get((module, name))
        if obj is not None:
            return obj
        err = _unsupported_torch_type(module, name)
        if err is not None:
            raise err
        raise pickle.UnpicklingError(
            f"Unsupported global: GLOBAL {full} was not an allowed global by default. With "
            "weights_only=True compat.load only rebuilds tensors, Parameters, dtypes, devices, "
            "Size, storages, OrderedDict and builtin containers; load the file with "
            "weights_only=False if (and only if) you trust its source.")


class TrustedUnpickler(pickle.Unpickler):
    """`weights_only=False`: torch's names map onto compat, anything else is imported.

    Unpickling can run arbitrary code named in the file: use only on trusted files.
    """

    def __init__(self, file, loader, encoding="utf-8"):
        super().__init__(file, encoding=encoding)
        self._loader = loader
        self._allowed = loader.allowed_globals()

    def persistent_load(self, pid):
        return self._loader.persistent_load(pid)

    def find_class(self, module, name):
        fixed = _fix_name(module, name)
        obj = self._allowed.get(fixed)
        if obj is not None:
            return obj
        err = _unsupported_torch_type(*fixed)
        if err is not None:
            raise err
        return super().find_class(module, name)
