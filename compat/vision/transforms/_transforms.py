"""Transform classes (mirror torchvision.transforms): thin callables over `_functional`.

Random transforms draw from compat's global generator in the main process (reproducible
under `compat.manual_seed`) and, inside DataLoader workers, from the worker's numpy
generator (seeded per worker from the loader's base seed, as torch seeds each worker),
because workers never run JAX.
"""
import numbers

from ...utils.data._worker import in_worker, worker_rng
from . import _functional as F
from ._functional import InterpolationMode

__all__ = ["Compose", "ToTensor", "PILToTensor", "ToPILImage", "Normalize", "Lambda", "Resize",
           "RandomHorizontalFlip", "RandomCrop", "CenterCrop"]


def _uniform():
    """One U[0, 1) draw (torch.rand(1) in torchvision's random transforms)."""
    if in_worker():
        return float(worker_rng().random())
    from ... import _random

    return float(_random.rand(1).item())


def _randint(low, high):
    """One integer in [low, high) (torch.randint(low, high, (1,)).item())."""
    if in_worker():
        return int(worker_rng().integers(low, high))
    from ... import _random

    return int(_random.randint(low, high, (1,)).item())


class Compose:
    """Mirrors `torchvision.transforms.Compose(transforms)`: apply in order.

    Example:
        >>> t = Compose([ToTensor(), Normalize((0.1307,), (0.3081,))])

    Differences from PyTorch: none.
    """

    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        lines = [self.__class__.__name__ + "("] + [f"    {t}" for t in self.transforms]
        return "\n".join(lines) + "\n)"


class ToTensor:
    """Mirrors `torchvision.transforms.ToTensor()`: PIL/ndarray (H, W[, C]) -> float32 (C, H, W) in [0, 1].

    Example:
        >>> ToTensor()(Image.new("L", (28, 28))).shape
        torch.Size([1, 28, 28])

    Differences from PyTorch: inside DataLoader workers the result is a HostTensor (numpy).
    """

    def __call__(self, pic):
        return F.to_tensor(pic)

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class PILToTensor:
    """Mirrors `torchvision.transforms.PILToTensor()`: PIL -> (C, H, W) tensor, dtype kept (uint8).

    Example:
        >>> PILToTensor()(Image.new("L", (2, 2))).dtype
        torch.uint8

    Differences from PyTorch: HostTensor inside workers (see ToTensor).
    """

    def __call__(self, pic):
        return F.pil_to_tensor(pic)

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class ToPILImage:
    """Mirrors `torchvision.transforms.ToPILImage(mode=None)`.

    Example:
        >>> ToPILImage()(compat.zeros(3, 4, 4)).mode
        'RGB'

    Differences from PyTorch: an explicit `mode` must equal the one inferred from the data
    (torchvision also reinterprets some combinations).
    """

    def __init__(self, mode=None):
        self.mode = mode

    def __call__(self, pic):
        return F.to_pil_image(pic, self.mode)

    def __repr__(self):
        return f"{self.__class__.__name__}(" + (f"mode={self.mode}" if self.mode is not None else "") + ")"


class Normalize:
    """Mirrors `torchvision.transforms.Normalize(mean, std, inplace=False)`: (x - mean) / std per channel.

    Example:
        >>> Normalize((0.5,), (0.5,))(compat.ones(1, 2, 2)).max().item()
        1.0

    Differences from PyTorch: none.
    """

    def __init__(self, mean, std, inplace=False):
        self.mean = mean
        self.std = std
        self.inplace = inplace

    def __call__(self, tensor):
        return F.normalize(tensor, self.mean, self.std, self.inplace)

    def __repr__(self):
        return f"{self.__class__.__name__}(mean={self.mean}, std={self.std})"


class Lambda:
    """Mirrors `torchvision.transforms.Lambda(lambd)`: apply a user function.

    Raises:
        TypeError: lambd is not callable.

    Example:
        >>> Lambda(lambda x: x * 2)(3)
        6

    Differences from PyTorch: none (inside workers the function sees HostTensors for tensors).
    """

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {repr(type(lambd).__name__)}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class Resize:
    """Mirrors `torchvision.transforms.Resize(size, interpolation=BILINEAR, max_size=None, antialias=True)`.

    An int size resizes the shorter edge (keeping the aspect ratio); (h, w) is exact.

    Example:
        >>> Resize(14)(compat.zeros(1, 28, 56)).shape
        torch.Size([1, 14, 28])

    Differences from PyTorch: tensor images support BILINEAR and NEAREST (PIL images every
    PIL filter); uint8 tensors are resized in float32 and rounded, which can differ by 1
    from torch's fixed-point uint8 antialias kernel.
    """

    def __init__(self, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
        if not isinstance(size, (int, list, tuple)):
            raise TypeError(f"Size should be int or sequence. Got {type(size)}")
        if isinstance(size, (list, tuple)) and len(size) not in (1, 2):
            raise ValueError("If size is a sequence, it should have 1 or 2 values")
        self.size = size
        self.max_size = max_size
        if isinstance(interpolation, int):
            interpolation = {0: InterpolationMode.NEAREST, 2: InterpolationMode.BILINEAR,
                             3: InterpolationMode.BICUBIC}.get(interpolation, interpolation)
        self.interpolation = interpolation
        self.antialias = antialias

    def __call__(self, img):
        return F.resize(img, self.size, self.interpolation, self.max_size, self.antialias)

    def __repr__(self):
        return (f"{self.__class__.__name__}(size={self.size}, interpolation={self.interpolation.value}, "
                f"max_size={self.max_size}, antialias={self.antialias})")


class RandomHorizontalFlip:
    """Mirrors `torchvision.transforms.RandomHorizontalFlip(p=0.5)`: flip when rand() < p.

    Example:
        >>> compat.manual_seed(0); RandomHorizontalFlip(1.0)(compat.tensor([[[1, 2]]]))
        tensor([[[2, 1]]])

    Differences from PyTorch: draws from compat's generator (workers: numpy), so which
    samples flip differs from torch's under the same seed.
    """

    def __init__(self, p=0.5):
        self.p = p

    def __call__(self, img):
        if _uniform() < self.p:
            return F.hflip(img)
        return img

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p})"


class RandomCrop:
    """Mirrors `torchvision.transforms.RandomCrop(size, padding=None, pad_if_needed=False, fill=0, padding_mode='constant')`.

    Pads first (when asked), then crops a uniformly placed (h, w) window.

    Raises:
        ValueError: the crop is larger than the (padded) image, or a bad size/padding.

    Example:
        >>> RandomCrop(28, padding=4)(compat.zeros(1, 28, 28)).shape
        torch.Size([1, 28, 28])

    Differences from PyTorch: the window position comes from compat's generator (see
    RandomHorizontalFlip).
    """

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant"):
        self.size = tuple(F._setup_size(size))
        self.padding = padding
        self.pad_if_needed = pad_if_needed
        self.fill = fill
        self.padding_mode = padding_mode

    @staticmethod
    def get_params(img, output_size):
        """torchvision's get_params: (top, left, h, w) of a random crop."""
        _, h, w = F.get_dimensions(img)
        th, tw = output_size
        if h < th or w < tw:
            raise ValueError(f"Required crop size {(th, tw)} is larger than input image size {(h, w)}")
        if w == tw and h == th:
            return 0, 0, h, w
        i = _randint(0, h - th + 1)
        j = _randint(0, w - tw + 1)
        return i, j, th, tw

    def __call__(self, img):
        if self.padding is not None:
            img = F.pad(img, self.padding, self.fill, self.padding_mode)
        _, height, width = F.get_dimensions(img)
        if self.pad_if_needed and width < self.size[1]:
            img = F.pad(img, [self.size[1] - width, 0], self.fill, self.padding_mode)
        if self.pad_if_needed and height < self.size[0]:
            img = F.pad(img, [0, self.size[0] - height], self.fill, self.padding_mode)
        i, j, h, w = self.get_params(img, self.size)
        return F.crop(img, i, j, h, w)

    def __repr__(self):
        return f"{self.__class__.__name__}(size={self.size}, padding={self.padding})"


class CenterCrop:
    """Mirrors `torchvision.transforms.CenterCrop(size)`.

    Example:
        >>> CenterCrop(24)(compat.zeros(1, 28, 28)).shape
        torch.Size([1, 24, 24])

    Differences from PyTorch: none.
    """

    def __init__(self, size):
        self.size = tuple(F._setup_size(size)) if not isinstance(size, numbers.Number) else (int(size), int(size))

    def __call__(self, img):
        return F.center_crop(img, self.size)

    def __repr__(self):
        return f"{self.__class__.__name__}(size={self.size})"
