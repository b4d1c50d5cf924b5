"""`compat.Tensor`: torch.Tensor's behaviour over an immutable jax.Array.

The tensor is a box: `_data` holds the current jax array and in-place ops rebind it
(`_set_`), bumping `_version` as torch's version counter does. Autograd state is torch's:
`requires_grad`, `grad`, `grad_fn` (a `Node`), `is_leaf`. Ops are attached as methods
by `compat/_ops` (one pure implementation each, run through `compat._dispatch.apply`).

Views (view/reshape/transpose/indexing/.data ...) are tensors with `_base` set: an in-place
write to a view is written back into the base, and every live view of a base is refreshed
after the base changes, so the visible aliasing matches torch's.

The class is a JAX pytree (the array is its only child), so it passes through jax.jit.
"""
import weakref

import jax
import jax.numpy as jnp
import numpy as np

from . import _dtypes
from ._device import device_of as _device_of
from ._size import Size as _Size
from .autograd import _graph
from .autograd._grad_mode import is_grad_enabled

__all__ = ["Tensor"]


class Tensor:
    """Mirrors `torch.Tensor`.

    Construct with `compat.tensor(...)` and the other creation functions; `Tensor(data)`
    also accepts array-likes (float data becomes float32, as `torch.Tensor(...)`).

    Example:
        >>> x = compat.tensor([1.0, 2.0], requires_grad=True)
        >>> (x * x).sum().backward()
        >>> x.grad
        tensor([2., 4.])

    Differences from PyTorch: storage is an immutable jax.Array, so in-place ops rebind the
    box (aliasing through views and `.data` is reproduced, strides and `storage()` are not).
    """

    __slots__ = ("_data", "_requires_grad", "_grad", "grad_fn", "_output_nr", "_version",
                 "_hooks", "_retains_grad", "_base", "_view_fn", "_views", "__weakref__", "__dict__")
    __array_priority__ = 1000  # numpy scalars defer to Tensor's reflected operators

    def __init__(self, *args, requires_grad=False):
        # torch.Tensor(...) is the legacy float constructor: Tensor(2, 3) / Tensor(torch.Size)
        # make a (zero-filled) tensor of that size; Tensor(sequence) converts data to float.
        data = args[0] if len(args) == 1 else None
        fdt = _dtypes.get_default_dtype().np
        if not args:
            arr = jnp.zeros((0,), fdt)
        elif all(isinstance(a, (int, np.integer)) and not isinstance(a, (bool, np.bool_)) for a in args) or \
                isinstance(data, _Size):
            arr = jnp.zeros(tuple(int(s) for s in (data if isinstance(data, _Size) else args)), fdt)
        elif len(args) > 1:
            raise TypeError(f"new(): data must be a sequence (got {', '.join(type(a).__name__ for a in args)})")
        elif isinstance(data, Tensor):
            arr = data._data
        elif isinstance(data, jax.Array):
            arr = data
        elif isinstance(data, (float, complex, bool)):
            raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
        else:
            a = np.asarray(data)
            if a.dtype.kind in "fiub":
                a = a.astype(fdt)
            arr = jnp.asarray(a)
        self._init(arr)
        if requires_grad:
            self.requires_grad = True

    def _init(self, arr):
        self._data = arr
        self._requires_grad = False
        self._grad = None
        self.grad_fn = None
        self._output_nr = 0
        self._version = 0
        self._hooks = None
        self._retains_grad = False
        self._base = None
        self._view_fn = None
        self._views = None

    @classmethod
    def _wrap(cls, arr):
        """Boxes a jax array without conversion (the hot path)."""
        t = object.__new__(cls)
        t._init(arr)
        return t

    # ------------------------------------------------------------------ metadata
    @property
    def dtype(self):
        return _dtypes.from_np(self._data.dtype)

    @property
    def shape(self):
        return _Size(self._data.shape)

    def size(self, dim=None):
        """Mirrors `Tensor.size(dim=None)`."""
        if dim is None:
            return self.shape
        return self._data.shape[self._wrap_dim(dim)]

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    ndimension = dim

    def numel(self):
        return int(np.prod(self._data.shape, dtype=np.int64))

    nelement = numel

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def _wrap_dim(self, dim):
        n = max(self._data.ndim, 1)
        if not -n <= dim < n:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
            )
        return dim % n

    @property
    def device(self):
        return _device_of(self._data)

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    def is_floating_point(self):
        return self.dtype.is_floating_point

    def is_complex(self):
        return self.dtype.is_complex

    def type(self, dtype=None):
        if dtype is None:
            return _LEGACY_TYPE_NAMES.get(self.dtype.name, f"torch.{self.dtype.name}")
        return self.to(dtype)

    def element_size(self):
        return self.dtype.itemsize

    # ------------------------------------------------------------------ autograd
    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        flag = bool(flag)
        if self.grad_fn is not None and not flag:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
        if flag and not (self.dtype.is_floating_point or self.dtype.is_complex):
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._requires_grad = flag

    def requires_grad_(self, requires_grad=True):
        """Mirrors `Tensor.requires_grad_`."""
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def grad(self):
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError(
                    f"assigned grad has data of a different size: expected {list(self.shape)}, got {list(value.shape)}"
                )
        self._grad = value

    @property
    def retains_grad(self):
        return self._retains_grad

    def retain_grad(self):
        """Mirrors `Tensor.retain_grad()`: a non-leaf keeps its `.grad` after backward."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains_grad:
            return
        self._retains_grad = True
        ref = weakref.ref(self)

        def _keep(g):
            t = ref()
            if t is not None:
                g = g.detach()
                t._grad = g if t._grad is None else Tensor._wrap(t._grad._data + g._data)

        _keep._is_retain_grad = True
        self.grad_fn.register_prehook(self._output_nr, _keep)

    def register_hook(self, hook):
        """Mirrors `Tensor.register_hook(hook)`: `hook(grad)` may return a replacement grad.

        Returns a handle with `.remove()`.
        """
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is None:
            if self._hooks is None:
                self._hooks = []
            self._hooks.append(hook)
            return _RemovableHandle(self._hooks, hook)
        self.grad_fn.register_prehook(self._output_nr, hook)
        return _RemovableHandle(self.grad_fn.pre_hooks[self._output_nr], hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Mirrors `Tensor.backward`."""
        from .autograd._functions import backward

        backward(self, gradient, retain_graph=retain_graph, create_graph=create_graph, inputs=inputs)

    def detach(self):
        """A new leaf sharing this tensor's value (and, as a view, its in-place updates)."""
        from ._views import make_view

        return make_view(self, Tensor._wrap(self._data), None)

    def detach_(self):
        if self._base is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self):
        """Mirrors `Tensor.data`: a detached alias; in-place changes to it change this tensor."""
        return self.detach()

    @data.setter
    def data(self, value):
        self._data = value._data if isinstance(value, Tensor) else jnp.asarray(value)
        self._refresh_views()

    # ------------------------------------------------------------------ views & in-place
    def _check_inplace(self):
        if not (self._requires_grad and is_grad_enabled()):
            return
        if self.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        base = self._base
        if base is not None and base.grad_fn is None and base._requires_grad:
            raise RuntimeError(
                "a view of a leaf Variable that requires grad is being used in an in-place operation."
            )

    def _set_(self, new):
        """The one in-place primitive: this tensor takes `new`'s value and graph history."""
        self._check_inplace()
        if not isinstance(new, Tensor):
            new = Tensor._wrap(jnp.asarray(new))
        arr = new._data
        if arr.shape != self._data.shape:
            raise RuntimeError(
                f"output with shape {list(self._data.shape)} doesn't match the broadcast shape {list(arr.shape)}"
            )
        if arr.dtype != self._data.dtype:
            arr = arr.astype(self._data.dtype)  # in-place ops keep the destination's dtype, as torch
            if new.grad_fn is not None:
                new = new.to(self.dtype)
        self._data = arr
        if new.grad_fn is not None:
            self.grad_fn = new.grad_fn
            self._output_nr = new._output_nr
            self._requires_grad = True
        self._version += 1
        node = new.grad_fn
        if node is not None and node.saved_versions:
            # The op that produced the new value saved this tensor's *old* value (an immutable
            # snapshot), so its own in-place write must not count as a later modification.
            node.saved_versions = tuple((t, self._version if t is self else v) for t, v in node.saved_versions)
        if self._base is not None:
            from ._views import write_back

            write_back(self)
        else:
            self._refresh_views()
        return self

    def _refresh_views(self):
        if self._views:
            from ._views import refresh

            refresh(self)

    # ------------------------------------------------------------------ conversion
    def item(self):
        """Mirrors `Tensor.item()`."""
        if self.numel() != 1:
            raise RuntimeError(
                f"a Tensor with {self.numel()} elements cannot be converted to Scalar"
            )
        return self._data.reshape(()).item()

    def tolist(self):
        return np.asarray(self._data).tolist()

    def numpy(self, *, force=False):
        """Mirrors `Tensor.numpy()` (a read-only numpy copy: jax arrays are immutable)."""
        if self._requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
            )
        return np.asarray(self._data)

    def __array__(self, dtype=None, copy=None):
        a = np.asarray(self._data)
        return a if dtype is None else a.astype(dtype)

    def __jax_array__(self):
        return self._data

    def __bool__(self):
        if self.numel() != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with more than one value is ambiguous"
            )
        return bool(self._data.reshape(()))

    def __int__(self):
        return int(self.item())

    def __float__(self):
        return float(self.item())

    def __index__(self):
        if self.dtype.is_floating_point or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __hash__(self):
        return id(self)

    def __repr__(self):
        from ._printing import tensor_repr

        return tensor_repr(self)

    __str__ = __repr__

    def __format__(self, spec):
        if self._data.ndim == 0 and spec:
            return format(self.item(), spec)
        return repr(self)

    def __reduce_ex__(self, protocol):
        # Plain pickling (multiprocessing, copy): numpy payload plus autograd flags.
        return (_rebuild, (np.asarray(self._data), self._requires_grad))

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the moment."
            )
        t = type(self).__new__(type(self))
        Tensor._init(t, self._data)
        t._requires_grad = self._requires_grad
        if self._grad is not None:
            t._grad = self._grad.__deepcopy__(memo)
        if hasattr(self, "__dict__"):
            t.__dict__.update({k: v for k, v in self.__dict__.items()})
        memo[id(self)] = t
        return t


def _rebuild(arr, requires_grad):
    t = Tensor._wrap(jnp.asarray(arr))
    t._requires_grad = requires_grad
    return t


_LEGACY_TYPE_NAMES = {
    "float32": "torch.FloatTensor", "float64": "torch.DoubleTensor", "float16": "torch.HalfTensor",
    "bfloat16": "torch.BFloat16Tensor", "int64": "torch.LongTensor", "int32": "torch.IntTensor",
    "int16": "torch.ShortTensor", "int8": "torch.CharTensor", "uint8": "torch.ByteTensor",
    "bool": "torch.BoolTensor",
}


class _RemovableHandle:
    def __init__(self, hooks, hook):
        self._hooks, self._hook = hooks, hook

    def remove(self):
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


def _flatten(t):
    return (t._data,), (type(t), t._requires_grad)


def _unflatten(aux, children):
    cls, rg = aux
    t = object.__new__(cls)
    Tensor._init(t, children[0])
    t._requires_grad = rg
    return t


jax.tree_util.register_pytree_node(Tensor, _flatten, _unflatten)
