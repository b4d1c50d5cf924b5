"""compat.vision.transforms against independently computed numpy/PIL/torch expectations.

torchvision cannot be installed beside torch 2.13.0 here, so expectations are torchvision's
documented arithmetic written out in numpy (ToTensor = HWC/255 -> CHW, Normalize =
(x - m) / s, CenterCrop offsets int(round((h - th) / 2.0)), pad = numpy's pad modes) and,
for tensor resizing, torch.nn.functional.interpolate (what torchvision calls).
"""
import numpy as np
import pytest
import torch
from PIL import Image

import compat
from compat.utils.data import _worker
from compat.utils.data._host import HostTensor
from compat.vision import transforms as T
from compat.vision.transforms import functional as F


def _np(x):
    if isinstance(x, compat.Tensor):
        return np.asarray(x.detach()._data)
    return np.asarray(x.view(np.ndarray) if isinstance(x, HostTensor) else x)


def _img(h=5, w=7, c=None, seed=0):
    rng = np.random.default_rng(seed)
    shape = (h, w) if c is None else (h, w, c)
    return rng.integers(0, 256, shape, dtype=np.uint8)


@pytest.fixture
def worker_mode():
    _worker._worker_info = _worker.WorkerInfo(id=0, num_workers=1, seed=0, dataset=None)
    _worker._worker_rng = np.random.default_rng(0)
    try:
        yield
    finally:
        _worker._worker_info = None
        _worker._worker_rng = None


@pytest.mark.parametrize("c", [None, 3])
def test_to_tensor_pil_and_numpy(c):
    arr = _img(c=c)
    expected = (arr.astype(np.float32) / np.float32(255))
    expected = expected[None] if c is None else expected.transpose(2, 0, 1)
    for pic in (Image.fromarray(arr), arr):
        t = T.ToTensor()(pic)
        assert isinstance(t, compat.Tensor) and str(t.dtype) == "torch.float32"
        np.testing.assert_array_equal(_np(t), expected)  # float32 x / 255, bit-exact


def test_to_tensor_other_modes_and_errors():
    f = np.linspace(0, 3, 6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(_np(T.ToTensor()(Image.fromarray(f))), f[None])  # mode F: kept
    i32 = np.arange(6, dtype=np.int32).reshape(2, 3) * 1000
    t = T.ToTensor()(Image.fromarray(i32))
    assert str(t.dtype) == "torch.int32" and _np(t).tolist() == [i32.tolist()]
    b = Image.fromarray(np.array([[True, False]]))
    np.testing.assert_array_equal(_np(T.ToTensor()(b)), [[[1.0, 0.0]]])  # mode '1' -> 0/255 -> 0/1
    fl = np.full((2, 2, 1), 0.5)
    assert str(T.ToTensor()(fl).dtype) == "torch.float64"  # non-uint8 arrays keep dtype and values
    with pytest.raises(TypeError, match="pic should be PIL Image or ndarray"):
        T.ToTensor()([1, 2])
    with pytest.raises(ValueError, match="pic should be 2/3 dimensional. Got 4 dimensions"):
        T.ToTensor()(np.zeros((1, 1, 1, 1), np.uint8))


def test_pil_to_tensor():
    arr = _img(c=3)
    t = T.PILToTensor()(Image.fromarray(arr))
    assert str(t.dtype) == "torch.uint8"
    np.testing.assert_array_equal(_np(t), arr.transpose(2, 0, 1))
    with pytest.raises(TypeError, match="pic should be PIL Image"):
        T.PILToTensor()(arr)


def test_normalize_matches_formula_and_torch():
    x = np.random.default_rng(1).random((3, 4, 5)).astype(np.float32)
    mean, std = (0.5, 0.25, 0.1), (0.2, 0.3, 0.4)
    out = T.Normalize(mean, std)(compat.tensor(x))
    expected = (x - np.array(mean, np.float32)[:, None, None]) / np.array(std, np.float32)[:, None, None]
    # XLA's CPU float32 division may be 1 ulp away from IEEE (numpy/torch): rtol 1e-6
    np.testing.assert_allclose(_np(out), expected, rtol=1e-6, atol=0)
    theirs = (torch.tensor(x) - torch.tensor(mean)[:, None, None]) / torch.tensor(std)[:, None, None]
    np.testing.assert_allclose(_np(out), theirs.numpy(), rtol=1e-6, atol=0)
    xt = compat.tensor(x)
    res = T.Normalize(mean, std, inplace=True)(xt)
    assert res is xt and np.allclose(_np(xt), expected, rtol=1e-6, atol=0)
    x64 = compat.tensor(x.astype(np.float64))
    assert str(T.Normalize(mean, std)(x64).dtype) == "torch.float64"
    with pytest.raises(TypeError, match="Input tensor should be a float tensor"):
        T.Normalize(mean, std)(compat.zeros(3, 2, 2, dtype=compat.uint8))
    with pytest.raises(ValueError, match="Expected tensor to be a tensor image of size"):
        T.Normalize((0.5,), (0.5,))(compat.zeros(2, 2))
    with pytest.raises(ValueError, match="std evaluated to zero"):
        T.Normalize((0.5,), (0.0,))(compat.zeros(1, 2, 2))
    with pytest.raises(TypeError, match="img should be Tensor Image"):
        T.Normalize((0.5,), (0.5,))(x)


def test_normalize_gradient_flows():
    x = compat.tensor(np.ones((1, 2, 2), np.float32), requires_grad=True)
    T.Normalize((0.5,), (0.25,))(x).sum().backward()
    np.testing.assert_allclose(_np(x.grad), np.full((1, 2, 2), 4.0, np.float32), rtol=1e-6)


@pytest.mark.parametrize("size, expected_hw", [(14, (14, 28)), ([14], (14, 28)), ((10, 9), (10, 9)), (40, (40, 80))])
def test_resize_pil_sizes_and_pixels(size, expected_hw):
    arr = _img(28, 56, seed=2)
    out = T.Resize(size)(Image.fromarray(arr))
    assert (out.height, out.width) == expected_hw
    ref = Image.fromarray(arr).resize((expected_hw[1], expected_hw[0]), Image.BILINEAR)
    np.testing.assert_array_equal(np.asarray(out), np.asarray(ref))


@pytest.mark.parametrize("hw, out_hw", [((28, 28), (14, 14)), ((28, 20), (37, 13)), ((9, 7), (3, 2)), ((5, 6), (11, 15))])
@pytest.mark.parametrize("mode, antialias", [("bilinear", True), ("bilinear", False), ("nearest", False)])
def test_resize_tensor_matches_torch_interpolate(hw, out_hw, mode, antialias):
    x = np.random.default_rng(3).random((2, 3) + hw).astype(np.float32)
    interp = T.InterpolationMode.BILINEAR if mode == "bilinear" else T.InterpolationMode.NEAREST
    ours = T.Resize(list(out_hw), interpolation=interp, antialias=antialias)(compat.tensor(x))
    extra = {} if mode == "nearest" else {"align_corners": False}
    theirs = torch.nn.functional.interpolate(torch.tensor(x), size=out_hw, mode=mode, antialias=antialias, **extra)
    # same resampling weights; float32 summation order differs (values in [0, 1])
    np.testing.assert_allclose(_np(ours), theirs.numpy(), rtol=0, atol=2e-6)


def test_resize_uint8_tensor_and_errors():
    x = _img(12, 12, c=None, seed=4)[None]
    ours = _np(T.Resize([5, 7])(compat.tensor(x)))
    theirs = torch.nn.functional.interpolate(torch.tensor(x)[None].float(), size=(5, 7), mode="bilinear",
                                             antialias=True, align_corners=False).round().clamp(0, 255).byte()[0]
    assert ours.dtype == np.uint8 and np.abs(ours.astype(int) - theirs.numpy().astype(int)).max() <= 1
    with pytest.raises(ValueError, match="max_size = 10 must be strictly greater"):
        T.Resize(10, max_size=10)(compat.zeros(1, 4, 4))
    assert tuple(T.Resize(10, max_size=12)(compat.zeros(1, 4, 8)).shape) == (1, 6, 12)
    with pytest.raises(ValueError, match="supports BILINEAR and NEAREST"):
        T.Resize(3, interpolation=T.InterpolationMode.BICUBIC)(compat.zeros(1, 4, 4))
    with pytest.raises(TypeError, match="Size should be int or sequence"):
        T.Resize(2.5)


def test_horizontal_flip_and_randomness():
    arr = _img(3, 4, c=None)
    assert _np(T.RandomHorizontalFlip(1.0)(compat.tensor(arr[None]))).tolist() == [arr[:, ::-1].tolist()]
    np.testing.assert_array_equal(np.asarray(T.RandomHorizontalFlip(1.0)(Image.fromarray(arr))), arr[:, ::-1])
    np.testing.assert_array_equal(_np(T.RandomHorizontalFlip(0.0)(compat.tensor(arr))), arr)
    flip = T.RandomHorizontalFlip(0.5)
    t = compat.tensor(arr[None])

    def decisions():
        return [bool((_np(flip(t)) != arr[None]).any()) for _ in range(20)]

    compat.manual_seed(123)
    first = decisions()
    compat.manual_seed(123)
    assert decisions() == first and 0 < sum(first) < 20  # reproducible, and both outcomes occur


@pytest.mark.parametrize("padding_mode", ["constant", "edge", "reflect", "symmetric"])
def test_pad_matches_numpy(padding_mode):
    arr = _img(4, 5, seed=5)
    widths = {"constant": "constant", "edge": "edge", "reflect": "reflect", "symmetric": "symmetric"}[padding_mode]
    kw = {"constant_values": 9} if padding_mode == "constant" else {}
    for padding, (l, t, r, b) in [(2, (2, 2, 2, 2)), ([1, 3], (1, 3, 1, 3)), ([1, 2, 3, 0], (1, 2, 3, 0))]:
        expected = np.pad(arr, ((t, b), (l, r)), widths, **kw)
        got_t = F.pad(compat.tensor(arr[None]), padding, fill=9, padding_mode=padding_mode)
        np.testing.assert_array_equal(_np(got_t)[0], expected)
        got_p = F.pad(Image.fromarray(arr), padding, fill=9, padding_mode=padding_mode)
        np.testing.assert_array_equal(np.asarray(got_p), expected)
    with pytest.raises(ValueError, match="Padding mode should be either constant, edge, reflect or symmetric"):
        F.pad(compat.zeros(1, 2, 2), 1, padding_mode="wrap")
    with pytest.raises(ValueError, match="Padding must be an int or a 1, 2, or 4 element tuple, not a 3 element tuple"):
        F.pad(compat.zeros(1, 2, 2), [1, 2, 3])


def _windows(padded, h, w):
    return [padded[..., i:i + h, j:j + w] for i in range(padded.shape[-2] - h + 1) for j in range(padded.shape[-1] - w + 1)]


def test_random_crop_is_a_window_of_the_padded_image():
    arr = _img(6, 6, seed=6)
    padded = np.pad(arr, 2)
    crop = T.RandomCrop(5, padding=2)
    compat.manual_seed(0)
    outs = [_np(crop(compat.tensor(arr[None])))[0] for _ in range(12)]
    for o in outs:
        assert o.shape == (5, 5) and any(np.array_equal(o, win) for win in _windows(padded, 5, 5))
    assert len({o.tobytes() for o in outs}) > 1  # different windows are chosen
    compat.manual_seed(0)
    assert all(np.array_equal(a, _np(crop(compat.tensor(arr[None])))[0]) for a in outs)  # reproducible
    pil = crop(Image.fromarray(arr))
    assert pil.size == (5, 5) and any(np.array_equal(np.asarray(pil), win) for win in _windows(padded, 5, 5))
    grown = T.RandomCrop((8, 9), pad_if_needed=True, padding_mode="edge")(compat.tensor(arr[None]))
    assert tuple(grown.shape) == (1, 8, 9)
    with pytest.raises(ValueError, match=r"Required crop size \(7, 7\) is larger than input image size \(6, 6\)"):
        T.RandomCrop(7)(compat.tensor(arr[None]))
    assert repr(T.RandomCrop(5, padding=2)) == "RandomCrop(size=(5, 5), padding=2)"


@pytest.mark.parametrize("hw, size", [((28, 28), 24), ((7, 8), 4), ((7, 8), (3, 5)), ((5, 5), 2), ((4, 6), (7, 9))])
def test_center_crop_offsets(hw, size):
    arr = _img(*hw, seed=7)
    th, tw = (size, size) if isinstance(size, int) else size
    h, w = hw
    if th <= h and tw <= w:
        top, left = int(round((h - th) / 2.0)), int(round((w - tw) / 2.0))
        expected = arr[top:top + th, left:left + tw]
    else:  # torchvision zero-pads (left/top get the floor half), then crops
        pl, pt = (tw - w) // 2 if tw > w else 0, (th - h) // 2 if th > h else 0
        pr, pb = (tw - w + 1) // 2 if tw > w else 0, (th - h + 1) // 2 if th > h else 0
        padded = np.pad(arr, ((pt, pb), (pl, pr)))
        ph, pw = padded.shape
        top, left = int(round((ph - th) / 2.0)), int(round((pw - tw) / 2.0))
        expected = padded[top:top + th, left:left + tw]
    np.testing.assert_array_equal(_np(T.CenterCrop(size)(compat.tensor(arr[None])))[0], expected)
    np.testing.assert_array_equal(np.asarray(T.CenterCrop(size)(Image.fromarray(arr))), expected)


def test_compose_lambda_repr():
    t = T.Compose([T.ToTensor(), T.Normalize((0.1307,), (0.3081,)), T.Lambda(lambda x: x * 2)])
    assert repr(t) == "Compose(\n    ToTensor()\n    Normalize(mean=(0.1307,), std=(0.3081,))\n    Lambda()\n)"
    out = t(Image.fromarray(np.zeros((2, 2), np.uint8)))
    np.testing.assert_allclose(_np(out), np.full((1, 2, 2), 2 * (0 - 0.1307) / 0.3081, np.float32), rtol=1e-6)
    with pytest.raises(TypeError, match="Argument lambd should be callable, got 'int'"):
        T.Lambda(3)
    assert repr(T.Resize(8)) == "Resize(size=8, interpolation=bilinear, max_size=None, antialias=True)"
    assert repr(T.RandomHorizontalFlip()) == "RandomHorizontalFlip(p=0.5)" and repr(T.CenterCrop(3)) == "CenterCrop(size=(3, 3))"


def test_to_pil_image():
    arr = _img(4, 5, c=3)
    img = T.ToPILImage()(compat.tensor(arr.transpose(2, 0, 1)))
    assert img.mode == "RGB"
    np.testing.assert_array_equal(np.asarray(img), arr)
    f = np.array([[[0.0, 0.5, 0.999, 1.0]]], np.float32)
    gray = T.ToPILImage()(compat.tensor(f))
    assert gray.mode == "L" and np.asarray(gray).tolist() == [[0, 127, 254, 255]]  # mul(255).byte() truncates
    with pytest.raises(ValueError, match="Incorrect mode"):
        T.ToPILImage(mode="RGB")(compat.tensor(f))


def test_worker_mode_uses_numpy_with_the_same_values(worker_mode):
    arr = _img(10, 12, c=3, seed=8)
    pipeline = T.Compose([T.ToTensor(), T.Normalize((0.5, 0.4, 0.3), (0.2, 0.25, 0.3)),
                          T.Resize([6, 7]), T.CenterCrop(5), T.RandomHorizontalFlip(0.0)])
    host = pipeline(Image.fromarray(arr))
    assert isinstance(host, HostTensor) and host.dtype == np.float32  # no compat Tensor (no JAX) in workers
    _worker._worker_info = None
    main = pipeline(Image.fromarray(arr))
    assert isinstance(main, compat.Tensor)
    np.testing.assert_allclose(_np(main), _np(host), rtol=1e-5, atol=1e-6)
    _worker._worker_info = _worker.WorkerInfo(id=0, num_workers=1, seed=0, dataset=None)
    padded = T.RandomCrop(8, padding=1, padding_mode="reflect")(T.ToTensor()(Image.fromarray(arr)))
    assert isinstance(padded, HostTensor) and padded.shape == (3, 8, 8)
