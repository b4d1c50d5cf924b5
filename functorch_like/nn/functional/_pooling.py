"""2-D pooling with torch's window arithmetic: max_pool2d, avg_pool2d, adaptive_avg_pool2d.

Layouts are NCHW (or unbatched CHW). Max pooling over windows of up to 16 elements is
unrolled into one strided slice per window offset, combined elementwise; XLA runs that (and
its gradient, a few pads) several times faster than `reduce_window` with JAX's
`select_and_scatter` gradient. Larger windows use `reduce_window`. Both max-pool paths give
torch's gradient through a `custom_jvp`: the whole cotangent goes to the element torch's
kernel picks (the first maximum in row-major window order, or the last NaN when the window
holds NaNs). Average pooling over non-overlapping, unpadded windows is a reshape into blocks
plus a sum; the rest uses `reduce_window`.
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax


def _pair(name, op, value, *, default=None):
    """Normalizes an int or a 1/2-tuple of ints to a 2-tuple, with torch's message."""
    if value is None or (isinstance(value, (tuple, list)) and len(value) == 0):
        if default is None:
            raise RuntimeError(f"{op}: {name} must either be a single int, or a tuple of two ints")
        return default
    if isinstance(value, (tuple, list)):
        if len(value) == 1:
            return (int(value[0]), int(value[0]))
        if len(value) == 2:
            return (int(value[0]), int(value[1]))
        what = "must either be omitted, a single int, or a tuple of two ints" if name == "stride" \
            else "must either be a single int, or a tuple of two ints"
        raise RuntimeError(f"{op}: {name} {what}")
    return (int(value), int(value))


def _as_batched(op, input):
    """Returns (NCHW input, unbatched flag) after torch's 3-D/4-D and non-empty checks."""
    shape = tuple(input.shape)
    if input.ndim not in (3, 4):
        raise RuntimeError(
            f"{op}: non-empty 3D or 4D (batch mode) tensor expected for input, got shape {list(shape)}")
    if any(s == 0 for s in shape[-3:]):
        raise RuntimeError(
            "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, "
            f"but got:{list(shape)}")
    if input.ndim == 3:
        return input[None], True
    return input, False


def _output_size(size, kernel, pad, stride, dilation, ceil_mode):
    """torch's pooling_output_shape: floor/ceil window count, last window inside input+left pad."""
    if stride == 0:
        raise RuntimeError("stride should not be zero")
    if pad < 0:
        raise RuntimeError(f"pad must be non-negative, but got pad: {pad}")
    if pad > ((kernel - 1) * dilation + 1) // 2:
        raise RuntimeError(
            f"pad should be at most half of effective kernel size, but got pad={pad}, "
            f"kernel_size={kernel} and dilation={dilation}")
    span = size + 2 * pad - dilation * (kernel - 1) - 1 + (stride - 1 if ceil_mode else 0)
    out = span // stride + 1  # floor division == torch's div_rtn
    # ceil_mode may only add a window that starts inside the input or the left padding.
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def _pool_geometry(op, input, kernel_size, stride, padding, dilation, ceil_mode):
    """Validates pooling arguments like torch and returns the static window geometry."""
    k = _pair("kernel_size", op, kernel_size)
    s = _pair("stride", op, stride, default=k)
    p = _pair("padding", op, padding)
    d = _pair("dilation", op, dilation)
    x, unbatched = _as_batched(op, input)
    h, w = x.shape[2], x.shape[3]
    out = (_output_size(h, k[0], p[0], s[0], d[0], ceil_mode),
           _output_size(w, k[1], p[1], s[1], d[1], ceil_mode))
    if k[0] <= 0 or k[1] <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {k[0]} kW: {k[1]}")
    if s[0] <= 0 or s[1] <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got dH: {s[0]} dW: {s[1]}")
    if d[0] <= 0 or d[1] <= 0:
        raise RuntimeError(
            f"dilation should be greater than zero, but got dilationH: {d[0]} dilationW: {d[1]}")
    if out[0] < 1 or out[1] < 1:
        c = x.shape[1]
        raise RuntimeError(
            f"Given input size: ({c}x{h}x{w}). Calculated output size: ({c}x{out[0]}x{out[1]}). "
            "Output size is too small")
    # Right padding so that exactly `out` windows fit (never negative: unused rows are left out).
    hi = tuple(max((o - 1) * st + di * (kk - 1) + 1 - n - pp, 0)
               for o, st, di, kk, n, pp in zip(out, s, d, k, (h, w), p))
    return x, unbatched, k, s, p, d, out, hi


def _is_blocked(k, s, p, d, size, out):
    """True when windows tile the (possibly trimmed) input exactly: the reshape fast path."""
    return k == s and p == (0, 0) and d == (1, 1) and all(o * kk <= n for o, kk, n in zip(out, k, size))


def _blocks(x, k, out):
    """(N, C, H, W) -> (N, C, oH, kH, oW, kW), dropping rows/cols no window reaches."""
    n, c = x.shape[:2]
    x = x[:, :, :out[0] * k[0], :out[1] * k[1]]
    return x.reshape(n, c, out[0], k[0], out[1], k[1])


# Max-pool windows up to this many elements are unrolled into strided slices; larger ones use
# reduce_window. Measured fwd+bwd for (64, 64, 24, 24) -> 12x12 on 2 CPU cores: ~9 ms with
# slices vs ~50 ms with reduce_window and JAX's select_and_scatter gradient.
_MAX_UNROLLED_WINDOW = 16


def _window_slices(x, fill, k, s, p, d, out, hi):
    """The kH * kW strided views x_pad[:, :, i*dH + sH*oh, j*dW + sW*ow], row-major in (i, j)."""
    n, c = x.shape[:2]
    if any(p) or any(hi):
        x = lax.pad(x, fill, ((0, 0, 0), (0, 0, 0), (p[0], hi[0], 0), (p[1], hi[1], 0)))
    return [lax.slice(x, (0, 0, i * d[0], j * d[1]),
                      (n, c, i * d[0] + (out[0] - 1) * s[0] + 1, j * d[1] + (out[1] - 1) * s[1] + 1),
                      (1, 1, s[0], s[1]))
            for i in range(k[0]) for j in range(k[1])]


def _window_sources(size, k, s, p, d, out):
    """Static flat input index (row * W + col) of every slice element, and whether it is real.

    Returns two lists (one entry per window offset, row-major) of (oH, oW) numpy arrays.
    """
    rows = [np.arange(out[0]) * s[0] - p[0] + i * d[0] for i in range(k[0])]
    cols = [np.arange(out[1]) * s[1] - p[1] + j * d[1] for j in range(k[1])]
    flat, real = [], []
    for r in rows:
        for c in cols:
            flat.append(r[:, None] * size[1] + c[None, :])
            real.append(((r >= 0) & (r < size[0]))[:, None] & ((c >= 0) & (c < size[1]))[None, :])
    return flat, real


def _slice_choice(views, real):
    """One-hot masks (one per window offset) of the element torch's max-pool kernel picks.

    torch scans a window in row-major order and replaces its running max when `val > max`
    or `val` is NaN: so the first maximum wins, and in a window with NaNs the last NaN wins.
    Padding never wins (torch starts from the first real element).
    """
    y = functools.reduce(jnp.maximum, views)  # NaN-propagating, like torch's output
    first, taken = [], None
    for v, ok in zip(views, real):
        hit = v == y
        if not ok.all():
            hit = hit & ok
        first.append(hit if taken is None else hit & ~taken)
        taken = hit if taken is None else taken | hit
    last_nan, later = [None] * len(views), None
    for i in reversed(range(len(views))):
        is_nan = jnp.isnan(views[i])
        last_nan[i] = is_nan if later is None else is_nan & ~later
        later = is_nan if later is None else later | is_nan
    return [jnp.where(later, nan_hit, hit) for nan_hit, hit in zip(last_nan, first)]


@functools.partial(jax.custom_jvp, nondiff_argnums=(1,))
def _slice_max(x, geom):
    return functools.reduce(jnp.maximum, _window_slices(x, _lowest(x.dtype), *geom))


@_slice_max.defjvp
def _slice_max_jvp(geom, primals, tangents):
    # The tangent of the chosen element passes through. The rule is linear in the tangent, so
    # JAX transposes it into torch's backward (the cotangent goes to the chosen element only),
    # and forward-mode and higher-order derivatives work too.
    (x,), (t,) = primals, tangents
    views = _window_slices(lax.stop_gradient(x), _lowest(x.dtype), *geom)
    _, real = _window_sources(x.shape[2:], *geom[:5])
    picks = _slice_choice(views, real)
    t_views = _window_slices(t, jnp.zeros((), t.dtype), *geom)
    zero = jnp.zeros((), t.dtype)
    t_out = functools.reduce(jnp.add, [jnp.where(m, tv, zero) for m, tv in zip(picks, t_views)])
    # The primal output comes from the custom function itself, so differentiating this rule
    # again (second order) reuses the same rule.
    return _slice_max(x, geom), t_out


def _lowest(dtype):
    """The identity of max for `dtype` (-inf for floats), as a concrete numpy scalar.

    Concrete (not a jnp array, which is a tracer under jit) so `lax.reduce_window` sees a
    known monoid and uses its specialised max/sum primitives.
    """
    if jnp.issubdtype(dtype, jnp.floating):
        return np.array(-np.inf, dtype)
    if dtype == jnp.bool_:
        return np.array(False)
    return np.array(jnp.iinfo(dtype).min, dtype)


def _torch_pick(a, b):
    """Associative, commutative reducer over (value, flat index) giving torch's choice.

    A total order: NaNs above everything (larger index wins among NaNs, as torch keeps the
    last NaN); otherwise larger value wins, and equal values go to the smaller index (torch
    keeps the first maximum). Padding carries the largest index so it never wins a tie.
    """
    (av, ai), (bv, bi) = a, b
    a_nan, b_nan = av != av, bv != bv
    pick_a = jnp.where(a_nan, ~b_nan | (ai > bi),
                       ~b_nan & ((av > bv) | ((av == bv) & (ai < bi))))
    return jnp.where(pick_a, av, bv), jnp.where(pick_a, ai, bi)


def _index_dtype():
    # torch returns int64 indices; int32 when x64 is off.
    return jax.dtypes.canonicalize_dtype(jnp.int64)


def _window_indices(x, geom):
    """Flat (H * W) index of torch's chosen element in every pooling window."""
    k, s, p, d, _, hi = geom
    n, c, h, w = x.shape
    idx = jnp.broadcast_to(jnp.arange(h * w, dtype=_index_dtype()).reshape(h, w), x.shape)
    init = (_lowest(x.dtype), np.array(h * w, _index_dtype()))
    _, chosen = lax.reduce_window(
        (x, idx), init, _torch_pick, (1, 1) + k, (1, 1) + s,
        ((0, 0), (0, 0), (p[0], hi[0]), (p[1], hi[1])), window_dilation=(1, 1) + d)
    return chosen


@functools.partial(jax.custom_jvp, nondiff_argnums=(1,))
def _window_max(x, geom):
    k, s, p, d, _, hi = geom
    return lax.reduce_window(
        x, _lowest(x.dtype), lax.max, (1, 1) + k, (1, 1) + s,
        ((0, 0), (0, 0), (p[0], hi[0]), (p[1], hi[1])), window_dilation=(1, 1) + d)


@_window_max.defjvp
def _window_max_jvp(geom, primals, tangents):
    # As in the slice path: gather the tangent at torch's chosen element (a linear map whose
    # transpose is torch's scatter of the cotangent to that element).
    (x,), (t,) = primals, tangents
    chosen = _window_indices(lax.stop_gradient(x), geom)
    n, c, oh, ow = chosen.shape
    t_out = jnp.take_along_axis(t.reshape(n, c, -1), chosen.reshape(n, c, -1), axis=2)
    return _window_max(x, geom), t_out.reshape(n, c, oh, ow)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """2-D max pooling over an NCHW (or CHW) array, as `torch.nn.functional.max_pool2d`.

    Padding is implicit -inf. The gradient goes entirely to the element torch selects in
    each window (the first maximum in row-major order; the last NaN if there are NaNs).

    Args:
      input: array of shape (N, C, H, W) or (C, H, W).
      kernel_size: window size, int or (kH, kW).
      stride: window step, int or (sH, sW); defaults to `kernel_size`.
      padding: implicit -inf padding on each side, at most half the effective kernel.
      dilation: spacing between window elements.
      ceil_mode: use ceil instead of floor for the output size (torch's rule: the last
        window must start inside the input or the left padding).
      return_indices: also return the flat index into H * W of each chosen element.

    Returns:
      The pooled array (N, C, oH, oW), and with `return_indices` a pair (pooled, indices)
      with int64 indices (int32 when x64 is disabled).

    Raises:
      RuntimeError: on torch's invalid-argument conditions (bad sizes, padding larger than
        half the kernel, output size below 1, empty non-batch dimensions).

    Example:
      >>> x = jnp.arange(16.0).reshape(1, 1, 4, 4)
      >>> max_pool2d(x, 2)[0, 0]
      Array([[ 5.,  7.],
             [13., 15.]], dtype=float32)
    """
    x, unbatched, k, s, p, d, out, hi = _pool_geometry(
        "max_pool2d", input, kernel_size, stride, padding, dilation, ceil_mode)
    geom = (k, s, p, d, out, hi)
    if k[0] * k[1] <= _MAX_UNROLLED_WINDOW:
        y = _slice_max(x, geom)
        if return_indices:
            flat, real = _window_sources(x.shape[2:], k, s, p, d, out)
            picks = _slice_choice(_window_slices(lax.stop_gradient(x), _lowest(x.dtype), *geom), real)
            indices = functools.reduce(jnp.add, [
                jnp.where(m, jnp.asarray(f, _index_dtype()), jnp.zeros((), _index_dtype()))
                for m, f in zip(picks, flat)])
    else:
        y = _window_max(x, geom)
        if return_indices:
            indices = _window_indices(lax.stop_gradient(x), geom)
    if unbatched:
        y = y[0]
        if return_indices:
            indices = indices[0]
    return (y, indices) if return_indices else y


def _divide(total, divisor):
    """`total / divisor` in total's dtype (integer inputs truncate, as torch's kernel does)."""
    if jnp.issubdtype(total.dtype, jnp.integer):
        return lax.div(total, jnp.broadcast_to(jnp.asarray(divisor).astype(total.dtype), total.shape))
    return total / jnp.asarray(divisor).astype(total.dtype)


def _avg_counts(size, out, kernel, stride, pad, count_include_pad):
    """Per-axis divisor factors with torch's avg_pool2d rule, as a numpy vector."""
    start = np.arange(out) * stride - pad
    end = np.minimum(start + kernel, size + pad)  # windows never count beyond the right pad
    if count_include_pad:
        return end - start
    return np.minimum(end, size) - np.maximum(start, 0)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """2-D average pooling over an NCHW (or CHW) array, as `torch.nn.functional.avg_pool2d`.

    Args:
      input: array of shape (N, C, H, W) or (C, H, W).
      kernel_size: window size, int or (kH, kW).
      stride: window step; defaults to `kernel_size`.
      padding: implicit zero padding on each side, at most half the kernel.
      ceil_mode: ceil instead of floor for the output size (torch's rule).
      count_include_pad: whether padded zeros count in the divisor (windows are clipped at
        the end of the right padding either way, as in torch).
      divisor_override: if given, every window sum is divided by this instead.

    Returns:
      The pooled array (N, C, oH, oW) (or (C, oH, oW)), in the input's dtype.

    Raises:
      RuntimeError: on torch's invalid-argument conditions, or `divisor_override == 0`.

    Example:
      >>> avg_pool2d(jnp.arange(16.0).reshape(1, 4, 4), 2)[0]
      Array([[ 2.5,  4.5],
             [10.5, 12.5]], dtype=float32)
    """
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    x, unbatched, k, s, p, d, out, hi = _pool_geometry(
        "avg_pool2d", input, kernel_size, stride, padding, 1, ceil_mode)
    if _is_blocked(k, s, p, d, x.shape[2:], out):
        total = jnp.sum(_blocks(x, k, out), axis=(3, 5))
        divisor = k[0] * k[1] if divisor_override is None else divisor_override
    else:
        # A concrete numpy 0 lets reduce_window pick its differentiable sum primitive.
        total = lax.reduce_window(
            x, np.zeros((), x.dtype), lax.add, (1, 1) + k, (1, 1) + s,
            ((0, 0), (0, 0), (p[0], hi[0]), (p[1], hi[1])))
        if divisor_override is None:
            divisor = np.outer(
                _avg_counts(x.shape[2], out[0], k[0], s[0], p[0], count_include_pad),
                _avg_counts(x.shape[3], out[1], k[1], s[1], p[1], count_include_pad))
        else:
            divisor = divisor_override
    y = _divide(total, divisor)
    return y[0] if unbatched else y


def _adaptive_matrix(size, out, dtype):
    """(out, size) averaging matrix over torch's adaptive windows [floor(i*n/o), ceil((i+1)*n/o))."""
    i = np.arange(out)
    start = (i * size) // out
    end = -((-(i + 1) * size) // out)  # ceil division
    cols = np.arange(size)
    inside = (cols[None, :] >= start[:, None]) & (cols[None, :] < end[:, None])
    return jnp.asarray(inside / (end - start)[:, None], dtype=dtype)


def adaptive_avg_pool2d(input, output_size):
    """Adaptive 2-D average pooling, as `torch.nn.functional.adaptive_avg_pool2d`.

    Output cell (i, j) averages rows [floor(i*H/oH), ceil((i+1)*H/oH)) and the matching
    columns, exactly torch's windows.

    Args:
      input: array of shape (N, C, H, W) or (C, H, W) with non-empty C, H, W.
      output_size: int or (oH, oW); a None entry keeps that input size.

    Returns:
      Array of shape (N, C, oH, oW) (or (C, oH, oW)) in the input's dtype.

    Raises:
      RuntimeError: for a wrong rank, empty non-batch dimensions, a negative output size or
        an output_size that is not 1 or 2 long.

    Example:
      >>> adaptive_avg_pool2d(jnp.ones((2, 3, 7, 5)), (2, None)).shape
      (2, 3, 2, 5)
    """
    if input.ndim not in (3, 4):
        raise RuntimeError(
            f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got {list(input.shape)}")
    for dim in range(input.ndim - 3, input.ndim):
        if input.shape[dim] == 0:
            raise RuntimeError(
                "adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch "
                f"dimensions, but input has sizes {list(input.shape)} with dimension {dim} "
                "being empty")
    if isinstance(output_size, (tuple, list)):
        if len(output_size) != 2:
            raise RuntimeError("adaptive_avg_pool2d: output_size must be 2")
        sizes = tuple(output_size)
    else:
        sizes = (output_size, output_size)
    h, w = input.shape[-2:]
    oh, ow = (h if sizes[0] is None else int(sizes[0]), w if sizes[1] is None else int(sizes[1]))
    if oh < 0 or ow < 0:
        raise RuntimeError(
            "adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 "
            f"but received {{{oh}, {ow}}}")
    if oh > 0 and ow > 0 and h % oh == 0 and w % ow == 0:
        # Equal windows: a block mean (reshape + sum), much cheaper than two matmuls.
        blocks = input.reshape(input.shape[:-2] + (oh, h // oh, ow, w // ow))
        return _divide(jnp.sum(blocks, axis=(-3, -1)), (h // oh) * (w // ow))
    dtype = input.dtype if jnp.issubdtype(input.dtype, jnp.inexact) else jnp.float32
    rows, cols = _adaptive_matrix(h, oh, dtype), _adaptive_matrix(w, ow, dtype)
    y = jnp.einsum("...hw,ah,bw->...ab", input.astype(dtype), rows, cols)
    return y.astype(input.dtype)
