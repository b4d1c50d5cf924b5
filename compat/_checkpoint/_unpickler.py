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
from ._names import STORAGE_DTYPE, UNSUPPORTED_STORAGES, StorageType, get_layout
from ._storage import LoadedStorage, check_ints, restore_location_fn, strided_copy

__all__ = ["Loader", "WeightsOnlyUnpickler", "TrustedUnpickler", "BLOCKED_MODULES"]

BLOCKED_MODULES = ("sys", "os", "posix", "nt")  # torch's _blocklisted_modules


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
            placeholder = jax.ShapeDtypeStruct(check_ints("size", size), dtype.np)
            t = Tensor._wrap(placeholder)
            self.deferred.append((t, storage, dtype, offset, size, stride))
            return t
        host = strided_copy(storage, dtype, offset, size, stride)
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
            host = strided_copy(storage, dtype, offset, size, stride)
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
            ("torch.serialization", "_get_layout"): get_layout,
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
