"""torch's tensor repr, reproduced exactly (a port of torch/_tensor_str.py onto numpy arrays).

Rules (torch's): precision 4; floats whose nonzero finite values are all integers print
as `7.`; scientific notation when max/min of the nonzero finite magnitudes > 1000, or the
max > 1e8, or the min < 1e-4; elements are right-aligned to a common width; lines wrap at
`linewidth` (80) with continuation indent; more than `threshold` (1000) elements are
summarised with '...' keeping `edgeitems` (3) at each end; suffixes for non-default dtypes,
devices other than cpu, `requires_grad=True` and `grad_fn=<...>`; empty tensors print their
size. `set_printoptions` / `printoptions` mirror torch's.
"""
import contextlib
import dataclasses
import math

import numpy as np

from . import _dtypes

__all__ = ["set_printoptions", "get_printoptions", "printoptions", "tensor_repr"]


@dataclasses.dataclass
class _PrinterOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: object = None


PRINT_OPTS = _PrinterOptions()


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None,
                     sci_mode=None):
    """Mirrors `torch.set_printoptions(precision, threshold, edgeitems, linewidth, profile, sci_mode)`.

    Example:
        >>> compat.set_printoptions(precision=2)
        >>> compat.tensor([1.12345])
        tensor([1.12])
        >>> compat.set_printoptions(profile="default")
    """
    if profile is not None:
        if profile == "default":
            PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 4, 1000, 3, 80
        elif profile == "short":
            PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 2, 1000, 2, 80
        elif profile == "full":
            PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = \
                4, math.inf, 3, 80
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """Mirrors `torch._tensor_str.get_printoptions()`."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Mirrors `torch._tensor_str.printoptions`: temporarily changed print options."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    def __init__(self, arr, floating):
        self.floating_dtype = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        view = arr.reshape(-1)
        if not floating:
            for value in view.tolist():
                self.max_width = max(self.max_width, len(f"{value}"))
            return
        vals = view[np.isfinite(view) & (view != 0)]
        if vals.size == 0:
            return
        absv = np.abs(vals).astype(np.float64)
        vmin, vmax = float(absv.min()), float(absv.max())
        self.int_mode = bool(np.all(np.ceil(vals) == vals))
        p = PRINT_OPTS.precision
        self.sci_mode = (vmax / vmin > 1000.0 or vmax > 1.0e8 or vmin < 1.0e-4
                         if PRINT_OPTS.sci_mode is None else PRINT_OPTS.sci_mode)
        values = vals.tolist()
        if self.int_mode:
            if self.sci_mode:
                for v in values:
                    self.max_width = max(self.max_width, len(f"{{:.{p}e}}".format(v)))
            else:
                for v in values:
                    self.max_width = max(self.max_width, len(f"{v:.0f}") + 1)
        elif self.sci_mode:
            for v in values:
                self.max_width = max(self.max_width, len(f"{{:.{p}e}}".format(v)))
        else:
            for v in values:
                self.max_width = max(self.max_width, len(f"{{:.{p}f}}".format(v)))

    def width(self):
        return self.max_width

    def format(self, value):
        p = PRINT_OPTS.precision
        if self.floating_dtype:
            if self.sci_mode:
                ret = f"{{:{self.max_width}.{p}e}}".format(value)
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{{:.{p}f}}".format(value)
        else:
            ret = f"{value}"
        return (self.max_width - len(ret)) * " " + ret


def _complex_str(val, f1, f2):
    real_str = f1.format(val.real)
    imag_str = (f2.format(val.imag) + "j").lstrip()
    if imag_str[0] == "+" or imag_str[0] == "-":
        return real_str + imag_str
    return real_str + "+" + imag_str


def _scalar_str(arr, f1, f2=None):
    v = arr.item()
    return _complex_str(v, f1, f2) if f2 is not None else f1.format(v)


def _vector_str(arr, indent, summarize, f1, f2=None):
    element_length = f1.width() + 2
    if f2 is not None:
        element_length += f2.width() + 1
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))

    def fmt(v):
        return _complex_str(v, f1, f2) if f2 is not None else f1.format(v)

    e = PRINT_OPTS.edgeitems
    if summarize and not e:
        data = ["..."]
    elif summarize and arr.shape[0] > 2 * e:
        data = [fmt(v) for v in arr[:e].tolist()] + [" ..."] + [fmt(v) for v in arr[-e:].tolist()]
    else:
        data = [fmt(v) for v in arr.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _str_with_formatter(arr, indent, summarize, f1, f2=None):
    dim = arr.ndim
    if dim == 0:
        return _scalar_str(arr, f1, f2)
    if dim == 1:
        return _vector_str(arr, indent, summarize, f1, f2)
    e = PRINT_OPTS.edgeitems
    if summarize and arr.shape[0] > 2 * e:
        slices = ([_str_with_formatter(arr[i], indent + 1, summarize, f1, f2) for i in range(e)] + ["..."] +
                  [_str_with_formatter(arr[i], indent + 1, summarize, f1, f2)
                   for i in range(arr.shape[0] - e, arr.shape[0])])
    else:
        slices = [_str_with_formatter(arr[i], indent + 1, summarize, f1, f2) for i in range(arr.shape[0])]
    return "[" + ("," + "\n" * (dim - 1) + " " * (indent + 1)).join(slices) + "]"


def _summarized(arr):
    dim = arr.ndim
    e = PRINT_OPTS.edgeitems
    if dim == 0:
        return arr
    if dim == 1:
        return np.concatenate((arr[:e], arr[-e:])) if arr.shape[0] > 2 * e else arr
    if not e:
        return arr[(slice(0, 0),) * dim]
    if arr.shape[0] > 2 * e:
        parts = [arr[i] for i in range(e)] + [arr[i] for i in range(arr.shape[0] - e, arr.shape[0])]
        return np.stack([_summarized(x) for x in parts])
    return np.stack([_summarized(x) for x in arr])


def _host_values(arr):
    """numpy array with Python-formattable elements (half/bfloat16 widened exactly)."""
    a = np.asarray(arr)
    if a.dtype.kind == "c":
        return a.astype(np.complex128)
    if a.dtype.kind == "f" or a.dtype == _dtypes.bfloat16.np:
        return a.astype(np.float64)
    return a


def _tensor_str(arr, dt, indent):
    if arr.size == 0:
        return "[]"
    summarize = arr.size > PRINT_OPTS.threshold
    if dt.is_complex:
        re, im = arr.real, arr.imag
        f1 = _Formatter(_summarized(re) if summarize else re, True)
        f2 = _Formatter(_summarized(im) if summarize else im, True)
        return _str_with_formatter(arr, indent, summarize, f1, f2)
    f = _Formatter(_summarized(arr) if summarize else arr, dt.is_floating_point)
    return _str_with_formatter(arr, indent, summarize, f)


def _add_suffixes(tensor_str, suffixes, indent):
    parts = [tensor_str]
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(t):
    """`repr(tensor)` exactly as torch prints it."""
    name = type(t).__name__
    prefix = "tensor(" if name in ("Tensor", "Parameter") else f"{name}("
    indent = len(prefix)
    suffixes = []
    dt = t.dtype
    dev = t.device
    if dev.type != "cpu":
        suffixes.append(f"device='{dev}'")
    default = _dtypes.get_default_dtype()
    default_complex = _dtypes.complex128 if default is _dtypes.float64 else _dtypes.complex64
    has_default_dtype = dt in (default, default_complex, _dtypes.int64, _dtypes.bool_)
    data = t._data
    shape = tuple(data.shape)
    from ._compile import check_printable

    check_printable(data)  # inside compat.compile: printing is a side effect -> eager fallback
    try:
        arr = _host_values(data)
    except Exception:  # a tracer inside jax transforms: no values to show
        arr = None
    if arr is None:
        tensor_str = "..."
        suffixes.append("size=" + str(shape))
        if not has_default_dtype:
            suffixes.append("dtype=" + repr(dt))
    elif arr.size == 0:
        if len(shape) != 1:
            suffixes.append("size=" + str(shape))
        if dt is not default:
            suffixes.append("dtype=" + repr(dt))
        tensor_str = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append("size=" + str(shape))
        if not has_default_dtype:
            suffixes.append("dtype=" + repr(dt))
        tensor_str = _tensor_str(arr, dt, indent)
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + tensor_str, suffixes, indent)
