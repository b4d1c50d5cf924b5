"""Resampling matrices for resizing tensor images, with torch's interpolation arithmetic.

Resizing (..., H, W) to (..., h, w) is `Wh @ x @ Ww.T` with one (out, in) matrix per axis:

* bilinear + antialias (torchvision's default): PIL's / torch's `_upsample_bilinear2d_aa`
  triangle filter widened by the downscale factor, truncated to the image and renormalised;
* bilinear without antialias: `F.interpolate(mode='bilinear', align_corners=False)`;
* nearest: `F.interpolate(mode='nearest')`, source index floor(dst * in / out) in float32.

The matrices are built in numpy (host), then applied with compat ops to Tensors (any
device, differentiable) or with numpy to worker-side HostTensors: one algorithm for both.
"""
import numpy as np

__all__ = ["resize_matrix"]


def _antialiased_bilinear(in_size, out_size):
    scale = in_size / out_size
    support = 1.0 * max(scale, 1.0)  # the triangle's half-width grows when downscaling
    invscale = 1.0 / scale if scale >= 1.0 else 1.0
    m = np.zeros((out_size, in_size), np.float64)
    for i in range(out_size):
        center = scale * (i + 0.5)
        xmin = max(int(center - support + 0.5), 0)  # int() truncates, as torch's int64_t cast
        xmax = min(int(center + support + 0.5), in_size)
        j = np.arange(xmin, xmax)
        w = np.clip(1.0 - np.abs((j - center + 0.5) * invscale), 0.0, None)
        total = w.sum()
        m[i, xmin:xmax] = w / total if total > 0 else 0.0
    return m


def _bilinear(in_size, out_size):
    # torch computes the source coordinate in float32: scale * (dst + 0.5) - 0.5
    scale = np.float32(in_size) / np.float32(out_size)
    m = np.zeros((out_size, in_size), np.float64)
    for i in range(out_size):
        src = max(scale * (np.float32(i) + np.float32(0.5)) - np.float32(0.5), np.float32(0))
        i0 = int(src)  # align_corners=False; negative sources were clamped to 0 above
        i1 = i0 + (1 if i0 < in_size - 1 else 0)
        lam = float(src - np.float32(i0))
        m[i, i0] += 1.0 - lam
        m[i, i1] += lam
    return m


def _nearest(in_size, out_size):
    scale = np.float32(in_size) / np.float32(out_size)  # torch computes the index in float32
    src = np.minimum(np.floor(np.arange(out_size, dtype=np.float32) * scale).astype(np.int64), in_size - 1)
    m = np.zeros((out_size, in_size), np.float64)
    m[np.arange(out_size), src] = 1.0
    return m


def resize_matrix(in_size, out_size, mode, antialias):
    """The (out_size, in_size) resampling matrix of one axis.

    Args:
        in_size: input length along the axis.
        out_size: output length.
        mode: "bilinear" or "nearest".
        antialias: for bilinear, whether to widen the filter when downscaling.

    Returns:
        float64 numpy array whose rows sum to 1.

    Example:
        >>> resize_matrix(4, 2, "bilinear", True)
        array([[0.5, 0.5, 0. , 0. ],
               [0. , 0. , 0.5, 0.5]])
    """
    if mode == "nearest":
        return _nearest(in_size, out_size)
    if mode == "bilinear":
        return _antialiased_bilinear(in_size, out_size) if antialias else _bilinear(in_size, out_size)
    raise ValueError(f"tensor resize supports 'bilinear' and 'nearest', got {mode!r}")
