"""Image functions behind the transforms (mirror torchvision.transforms.functional).

Every function takes a PIL image, a compat Tensor image (..., C, H, W), or -- inside a
DataLoader worker -- a `HostTensor` (numpy) image, and returns the same kind:

* PIL images go through PIL, as torchvision does (so PIL resizes match torchvision's);
* compat Tensors go through compat ops (stay on their device, autograd recorded);
* HostTensors go through numpy (workers never run JAX; see compat/utils/data/_host.py).

`to_tensor`/`pil_to_tensor` make a compat Tensor in the main process and a HostTensor in
a worker; the DataLoader turns worker batches into Tensors.
"""
import enum
import numbers
import sys

import numpy as np

from ..._tensor import Tensor
from ...utils.data._host import HostTensor
from ...utils.data._worker import in_worker
from ._resize import resize_matrix

try:
    from PIL import Image
except ImportError:  # pillow is optional at run time; PIL inputs then cannot occur
    Image = None

__all__ = ["InterpolationMode", "to_tensor", "pil_to_tensor", "to_pil_image", "normalize",
           "resize", "hflip", "pad", "crop", "center_crop", "get_dimensions"]


class InterpolationMode(enum.Enum):
    """Mirrors `torchvision.transforms.InterpolationMode`."""

    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


def _pil_resample(mode):
    names = {InterpolationMode.NEAREST: "NEAREST", InterpolationMode.NEAREST_EXACT: "NEAREST",
             InterpolationMode.BILINEAR: "BILINEAR", InterpolationMode.BICUBIC: "BICUBIC",
             InterpolationMode.BOX: "BOX", InterpolationMode.HAMMING: "HAMMING",
             InterpolationMode.LANCZOS: "LANCZOS"}
    return getattr(Image.Resampling, names[mode])


def _is_pil(img):
    return Image is not None and isinstance(img, Image.Image)


def _is_tensor(img):
    return isinstance(img, (Tensor, HostTensor))


def _as_output(array):
    """A numpy result -> a compat Tensor (main process) or a HostTensor (DataLoader worker)."""
    if in_worker():
        return np.asarray(array).view(HostTensor)
    from ..._creation import from_numpy

    return from_numpy(np.asarray(array, order="C"))


def _check_image(img, fn):
    if not (_is_pil(img) or _is_tensor(img)):
        raise TypeError(f"{fn}: img should be PIL Image or Tensor. Got {type(img)}")
    if _is_tensor(img) and img.ndim < 2:
        raise TypeError(f"{fn}: tensor is not a torch image (expected (..., H, W), got shape {tuple(img.shape)})")


def get_dimensions(img):
    """Mirrors `F.get_dimensions`: [channels, height, width].

    Example:
        >>> get_dimensions(compat.zeros(3, 4, 5))
        [3, 4, 5]
    """
    _check_image(img, "get_dimensions")
    if _is_pil(img):
        return [len(img.getbands()), img.height, img.width]
    shape = tuple(img.shape)
    channels = 1 if len(shape) == 2 else shape[-3]
    return [channels, shape[-2], shape[-1]]


def _pil_array(pic):
    mode_to_nptype = {"I": np.int32, "I;16" if sys.byteorder == "little" else "I;16B": np.int16,
                      "F": np.float32}
    arr = np.array(pic, mode_to_nptype.get(pic.mode, np.uint8), copy=True)
    if pic.mode == "1":
        arr = 255 * arr
    return arr.reshape(pic.size[1], pic.size[0], len(pic.getbands()))


def to_tensor(pic):
    """Mirrors `F.to_tensor`: PIL image / HWC ndarray -> CHW tensor; uint8 scaled to [0, 1].

    Args:
        pic: a PIL image or a numpy array (H, W) or (H, W, C).

    Returns:
        float32 (C, H, W) in [0, 1] for 8-bit input (x / 255 in float32, as torch's
        `.float().div(255)`); other dtypes keep their values and dtype.

    Raises:
        TypeError: pic is neither a PIL image nor an ndarray.
        ValueError: an ndarray that is not 2-D or 3-D.

    Example:
        >>> to_tensor(np.full((2, 2), 255, np.uint8))
        tensor([[[1., 1.], [1., 1.]]])
    """
    if _is_pil(pic):
        arr = _pil_array(pic)
    elif isinstance(pic, np.ndarray) and not isinstance(pic, HostTensor):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    chw = np.ascontiguousarray(arr.transpose(2, 0, 1))
    if chw.dtype == np.uint8:
        chw = chw.astype(np.float32) / np.float32(255)  # float32 divide, as torch's div(255)
    return _as_output(chw)


def pil_to_tensor(pic):
    """Mirrors `F.pil_to_tensor`: PIL image -> (C, H, W) tensor of its own dtype (no scaling).

    Raises:
        TypeError: pic is not a PIL image.

    Example:
        >>> pil_to_tensor(Image.new("L", (3, 2))).shape
        torch.Size([1, 2, 3])
    """
    if not _is_pil(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    return _as_output(np.ascontiguousarray(_pil_array(pic).transpose(2, 0, 1)))


def to_pil_image(pic, mode=None):
    """Mirrors `F.to_pil_image`: a (C, H, W) tensor or (H, W, C) ndarray -> PIL image.

    Float inputs are scaled by 255 and truncated to uint8 (torch's `.mul(255).byte()`).
    1 channel -> 'L' (uint8) / 'I;16' / 'I' / 'F', 2 -> 'LA', 3 -> 'RGB', 4 -> 'RGBA'.

    Raises:
        TypeError: not a tensor/ndarray, or an unsupported dtype.
        ValueError: not 2-D/3-D, or more than 4 channels.
        RuntimeError: pillow is not installed.

    Example:
        >>> to_pil_image(compat.zeros(1, 2, 2)).mode
        'L'
    """
    if Image is None:
        raise RuntimeError("to_pil_image needs pillow: pip install pillow")
    if isinstance(pic, Tensor):
        arr = np.asarray(pic.detach()._data)
        if arr.ndim == 2:
            arr = arr[None]
        if arr.ndim != 3:
            raise ValueError(f"pic should be 2/3 dimensional. Got {arr.ndim} dimensions.")
        arr = arr.transpose(1, 2, 0)
    elif isinstance(pic, np.ndarray):
        arr = np.asarray(pic.view(np.ndarray) if isinstance(pic, HostTensor) else pic)
        if isinstance(pic, HostTensor):
            arr = (arr[None] if arr.ndim == 2 else arr).transpose(1, 2, 0)
        elif arr.ndim == 2:
            arr = arr[:, :, None]
        if arr.ndim != 3:
            raise ValueError(f"pic should be 2/3 dimensional. Got {arr.ndim} dimensions.")
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if arr.shape[-1] > 4:
        raise ValueError(f"pic should not have > 4 channels. Got {arr.shape[-1]} channels.")
    if np.issubdtype(arr.dtype, np.floating) and mode != "F":
        arr = (arr * 255).astype(np.uint8)  # torch's mul(255).byte(): truncation
    if arr.shape[2] == 1:
        arr = arr[:, :, 0]
        natural = {np.dtype(np.uint8): "L", np.dtype(np.int16): "I;16", np.dtype(np.uint16): "I;16",
                   np.dtype(np.int32): "I", np.dtype(np.float32): "F"}.get(arr.dtype)
        if natural is None:
            raise TypeError(f"Input type {arr.dtype} is not supported")
        if natural == "I;16":
            arr = arr.astype(np.uint16)
    else:
        if arr.dtype != np.uint8:
            raise TypeError(f"Input type {arr.dtype} is not supported for {arr.shape[2]}-channel images")
        natural = {2: "LA", 3: "RGB", 4: "RGBA"}[arr.shape[2]]
    if mode is not None and mode != natural:
        raise ValueError(f"Incorrect mode ({mode}) supplied for input type {arr.dtype} with "
                         f"{1 if arr.ndim == 2 else arr.shape[2]} channel(s). Should be {natural}")
    return Image.fromarray(np.ascontiguousarray(arr))


def normalize(tensor, mean, std, inplace=False):
    """Mirrors `F.normalize`: (tensor - mean[c]) / std[c] per channel, in the tensor's dtype.

    Raises:
        TypeError: not a tensor, or not floating point.
        ValueError: fewer than 3 dims, or a std that is zero in the tensor's dtype.

    Example:
        >>> normalize(compat.ones(1, 2, 2), [0.5], [0.5])
        tensor([[[1., 1.], [1., 1.]]])
    """
    if not _is_tensor(tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    dtype = tensor.dtype
    if not (dtype.is_floating_point if isinstance(tensor, Tensor) else np.issubdtype(dtype, np.floating)):
        raise TypeError(f"Input tensor should be a float tensor. Got {dtype}.")
    if tensor.ndim < 3:
        raise ValueError("Expected tensor to be a tensor image of size (..., C, H, W). Got "
                         f"tensor.size() = {_size_repr(tensor)}")
    np_dtype = dtype.np if isinstance(tensor, Tensor) else dtype
    m = np.asarray(mean, dtype=np_dtype)  # mean/std are cast to the image's dtype first, as torch
    s = np.asarray(std, dtype=np_dtype)
    if (s == 0).any():
        raise ValueError(f"std evaluated to zero after conversion to {dtype}, leading to division by zero.")
    if m.ndim == 1:
        m = m.reshape(-1, 1, 1)
    if s.ndim == 1:
        s = s.reshape(-1, 1, 1)
    if isinstance(tensor, HostTensor):
        if inplace:
            np.subtract(tensor, m, out=tensor)
            np.divide(tensor, s, out=tensor)
            return tensor
        return (tensor - m) / s
    mt, st = _constant(m, tensor), _constant(s, tensor)
    if inplace:
        return tensor.sub_(mt).div_(st)
    return (tensor - mt) / st


_CONSTANTS = {}


def _constant(values, like):
    """`values` as a tensor on `like`'s device, cached: per-image transforms reuse the same
    mean/std, and a host->device copy per call would dominate their cost."""
    key = (values.tobytes(), values.shape, values.dtype.str, str(like.device))
    t = _CONSTANTS.get(key)
    if t is None:
        from ..._creation import from_numpy

        if len(_CONSTANTS) > 256:
            _CONSTANTS.clear()
        t = _CONSTANTS[key] = from_numpy(values).to(like.device)
    return t


def _size_repr(t):
    return f"torch.Size({list(t.shape)})"


def _setup_size(size):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, (tuple, list)) and len(size) == 1:
        return size[0], size[0]
    if not isinstance(size, (tuple, list)) or len(size) != 2:
        raise ValueError("Please provide only two dimensions (h, w) for size.")
    return tuple(size)


def _resized_output_size(h, w, size, max_size):
    if isinstance(size, int) or len(size) == 1:  # the shorter edge becomes `size`
        requested = size if isinstance(size, int) else size[0]
        short, long = (w, h) if w <= h else (h, w)
        new_short, new_long = requested, int(requested * long / short)
        if max_size is not None:
            if max_size <= requested:
                raise ValueError(
                    f"max_size = {max_size} must be strictly greater than the requested size for the "
                    f"smaller edge size = {size}")
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        return (new_long, new_short) if w <= h else (new_short, new_long)
    if max_size is not None:
        raise ValueError("max_size should only be passed if size specifies the length of the smaller "
                         "edge, i.e. size should be an int or a sequence of length 1 in torchscript mode.")
    return int(size[0]), int(size[1])


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Mirrors `F.resize`.

    PIL images use PIL's resampling (torchvision's path, bit-identical); tensors support
    bilinear (antialiased by default, as torchvision >= 0.17) and nearest, computed as
    torch's F.interpolate does (see _resize.py). Integer tensors are resized in float32
    and rounded back.

    Raises:
        TypeError: img is not an image, or size has a bad type.
        ValueError: bad size/max_size, or an interpolation tensors do not support here.

    Example:
        >>> resize(compat.zeros(1, 28, 28), [14, 14]).shape
        torch.Size([1, 14, 14])
    """
    _check_image(img, "resize")
    if isinstance(interpolation, int):  # PIL constants are accepted, as torchvision
        interpolation = {0: InterpolationMode.NEAREST, 2: InterpolationMode.BILINEAR,
                         3: InterpolationMode.BICUBIC, 4: InterpolationMode.BOX,
                         5: InterpolationMode.HAMMING, 1: InterpolationMode.LANCZOS}[interpolation]
    if not isinstance(interpolation, InterpolationMode):
        raise TypeError("Argument interpolation should be a InterpolationMode or a corresponding Pillow integer constant")
    if not isinstance(size, (int, list, tuple)):
        raise TypeError(f"Size should be int or sequence. Got {type(size)}")
    if isinstance(size, (list, tuple)) and len(size) not in (1, 2):
        raise ValueError(f"Size must be an int or a 1 or 2 element tuple/list, not a {len(size)} element tuple/list")
    _, h, w = get_dimensions(img)
    new_h, new_w = _resized_output_size(h, w, size, max_size)
    if _is_pil(img):
        return img.resize((new_w, new_h), _pil_resample(interpolation))
    if (new_h, new_w) == (h, w):
        return img
    if interpolation in (InterpolationMode.NEAREST, InterpolationMode.NEAREST_EXACT):
        if interpolation is InterpolationMode.NEAREST_EXACT:
            raise ValueError("nearest-exact resize of tensors is not supported; use NEAREST or a PIL image")
        mode = "nearest"
    elif interpolation is InterpolationMode.BILINEAR:
        mode = "bilinear"
    else:
        raise ValueError(
            f"resize of tensor images supports BILINEAR and NEAREST, got {interpolation}; convert to "
            "a PIL image (to_pil_image) for PIL's other filters")
    wh = resize_matrix(h, new_h, mode, bool(antialias))
    ww = resize_matrix(w, new_w, mode, bool(antialias)).T
    is_int = not (img.dtype.is_floating_point if isinstance(img, Tensor) else np.issubdtype(img.dtype, np.floating))
    if isinstance(img, HostTensor):
        x = img.astype(np.float32) if is_int else img
        out = wh.astype(x.dtype) @ x @ ww.astype(x.dtype)
        if is_int:  # torchvision rounds integer images back
            info = np.iinfo(img.dtype)
            out = np.clip(np.round(out), info.min, info.max).astype(img.dtype)
        return np.asarray(out).view(HostTensor)
    from ..._creation import from_numpy

    x = img.float() if is_int else img
    work = x.dtype.np
    out = from_numpy(wh.astype(work)).to(x.device) @ x @ from_numpy(ww.astype(work)).to(x.device)
    if is_int:
        info = np.iinfo(img.dtype.np)
        out = out.round().clamp(int(info.min), int(info.max)).to(img.dtype)
    return out


def hflip(img):
    """Mirrors `F.hflip`: mirror left-right.

    Example:
        >>> hflip(compat.tensor([[[1, 2]]]))
        tensor([[[2, 1]]])
    """
    _check_image(img, "hflip")
    if _is_pil(img):
        return img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    if isinstance(img, HostTensor):
        return np.ascontiguousarray(img[..., ::-1]).view(HostTensor)
    return img.flip(-1)


def _parse_padding(padding):
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if isinstance(padding, (tuple, list)) and len(padding) not in (1, 2, 4):
        raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")
    if isinstance(padding, numbers.Number):
        padding = [padding]
    padding = [int(p) for p in padding]
    if len(padding) == 1:
        left = top = right = bottom = padding[0]
    elif len(padding) == 2:
        left, right, top, bottom = padding[0], padding[0], padding[1], padding[1]
    else:
        left, top, right, bottom = padding
    if min(left, top, right, bottom) < 0:
        raise ValueError("negative padding (cropping) is not supported by compat's pad; use crop() instead")
    return left, top, right, bottom


def pad(img, padding, fill=0, padding_mode="constant"):
    """Mirrors `F.pad`: pad the last two dims; modes constant/edge/reflect/symmetric.

    Args:
        img: PIL image or tensor.
        padding: int (all sides), [left/right, top/bottom] or [left, top, right, bottom].
        fill: the constant for mode 'constant' (a number; for PIL also a per-band tuple).
        padding_mode: 'constant', 'edge', 'reflect' or 'symmetric'.

    Raises:
        TypeError / ValueError: torchvision's checks on padding, fill and mode.

    Example:
        >>> pad(compat.ones(1, 1, 1), 1).shape
        torch.Size([1, 3, 3])
    """
    _check_image(img, "pad")
    if not isinstance(fill, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate fill arg")
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    left, top, right, bottom = _parse_padding(padding)
    np_mode = {"edge": "edge", "reflect": "reflect", "symmetric": "symmetric"}.get(padding_mode)
    if _is_pil(img):
        if padding_mode == "constant":
            bands = len(img.getbands())
            color = tuple(fill) if isinstance(fill, (tuple, list)) else (fill if bands == 1 else (fill,) * bands)
            out = Image.new(img.mode, (img.width + left + right, img.height + top + bottom), color)
            if img.mode == "P":
                out.putpalette(img.getpalette())
            out.paste(img, (left, top))
            return out
        arr = np.asarray(img)
        widths = ((top, bottom), (left, right)) + (((0, 0),) if arr.ndim == 3 else ())
        out = Image.fromarray(np.pad(arr, widths, np_mode))
        if img.mode == "P":
            out.putpalette(img.getpalette())
        return out
    if isinstance(fill, (tuple, list)):
        if len(fill) != 1:
            raise ValueError("tensor pad supports a single fill value")
        fill = fill[0]
    nd = img.ndim
    if isinstance(img, HostTensor):
        widths = ((0, 0),) * (nd - 2) + ((top, bottom), (left, right))
        arr = img.view(np.ndarray)
        if padding_mode == "constant":
            return np.pad(arr, widths, "constant", constant_values=fill).view(HostTensor)
        return np.pad(arr, widths, np_mode).view(HostTensor)
    if padding_mode == "constant":
        from ...nn import functional as nnf

        return nnf.pad(img, (left, right, top, bottom), mode="constant", value=fill)
    # edge/reflect/symmetric: padding the index ranges with the same mode gives each output
    # pixel's source pixel; one gather does the rest (device-agnostic, differentiable).
    h, w = img.shape[-2], img.shape[-1]
    rows = np.pad(np.arange(h), (top, bottom), np_mode)
    cols = np.pad(np.arange(w), (left, right), np_mode)
    return img[..., rows[:, None], cols[None, :]]


def crop(img, top, left, height, width):
    """Mirrors `F.crop`: the region [top, top+height) x [left, left+width); regions beyond
    the image are zero-padded, as torchvision's.

    Example:
        >>> crop(compat.arange(9.0).reshape(1, 3, 3), 1, 1, 2, 2)
        tensor([[[4., 5.], [7., 8.]]])
    """
    _check_image(img, "crop")
    if _is_pil(img):
        return img.crop((left, top, left + width, top + height))
    _, h, w = get_dimensions(img)
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        padding = [max(-left + min(0, right), 0), max(-top + min(0, bottom), 0),
                   max(right - max(w, left), 0), max(bottom - max(h, top), 0)]
        inner = _window(img, max(top, 0), max(left, 0), bottom, right)
        return pad(inner, padding, fill=0)
    return _window(img, top, left, bottom, right)


def _window(img, top, left, bottom, right):
    if isinstance(img, HostTensor):
        return img[..., top:bottom, left:right]
    # A gather with index tensors: the offsets are traced, so random crops at new offsets
    # reuse one compiled kernel (a slice with Python ints compiles once per offset).
    from ..._creation import from_numpy

    rows = from_numpy(np.arange(top, max(bottom, top), dtype=np.int64))
    cols = from_numpy(np.arange(left, max(right, left), dtype=np.int64))
    return img[..., rows[:, None], cols]


def center_crop(img, output_size):
    """Mirrors `F.center_crop`: offsets int(round((h - th) / 2.0)), zero-padding small images.

    Example:
        >>> center_crop(compat.zeros(1, 5, 5), 3).shape
        torch.Size([1, 3, 3])
    """
    if isinstance(output_size, numbers.Number):
        output_size = (int(output_size), int(output_size))
    elif isinstance(output_size, (tuple, list)) and len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    _, image_height, image_width = get_dimensions(img)
    crop_height, crop_width = output_size
    if crop_width > image_width or crop_height > image_height:
        padding_ltrb = [
            (crop_width - image_width) // 2 if crop_width > image_width else 0,
            (crop_height - image_height) // 2 if crop_height > image_height else 0,
            (crop_width - image_width + 1) // 2 if crop_width > image_width else 0,
            (crop_height - image_height + 1) // 2 if crop_height > image_height else 0,
        ]
        img = pad(img, padding_ltrb, fill=0)
        _, image_height, image_width = get_dimensions(img)
        if crop_width == image_width and crop_height == image_height:
            return img
    crop_top = int(round((image_height - crop_height) / 2.0))  # Python's round: half to even
    crop_left = int(round((image_width - crop_width) / 2.0))
    return crop(img, crop_top, crop_left, crop_height, crop_width)
