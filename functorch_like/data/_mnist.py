"""MNIST from torchvision's on-disk layout: `root/MNIST/raw/*-ubyte[.gz]`."""
import gzip
import os
from pathlib import Path

import numpy as np

from ._idx import read_idx

IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes, 3 dimensions
LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes, 1 dimension
_FILES = {
    True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
# torchvision's ToTensor + Normalize((0.1307,), (0.3081,)) constants: the training set's
# pixel mean and standard deviation after scaling to [0, 1].
MNIST_MEAN = (0.1307,)
MNIST_STD = (0.3081,)


def default_data_root():
    """The directory holding `MNIST/raw`: `$FUNCTORCH_LIKE_DATA`, else the repo's `data/`.

    Looks, in order, at the environment variable `FUNCTORCH_LIKE_DATA` (returned as
    given, whether or not it exists), the repository's `data/` (beside the
    `functorch_like` package), a `shared/data` beside the repository, and `./data`.

    Returns:
        A `pathlib.Path`: the first candidate containing an `MNIST` directory, or the
        repository's `data/` when none does (so errors name where files belong).

    Example:
        >>> (default_data_root() / "MNIST" / "raw").is_dir()
        True
    """
    env = os.environ.get("FUNCTORCH_LIKE_DATA")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[2]
    candidates = [repo / "data", repo.parent / "shared" / "data", Path.cwd() / "data"]
    for c in candidates:
        if (c / "MNIST").is_dir():
            return c
    return candidates[0]


def _find(raw_dir, stem):
    """The uncompressed file if present, else the .gz one, else None."""
    for name in (stem, stem + ".gz"):
        if (raw_dir / name).is_file():
            return raw_dir / name
    return None


def read_mnist(root=None, train=True):
    """Reads MNIST images and labels from `root/MNIST/raw` (torchvision's layout).

    Each file may be gzip-compressed (`.gz`, as downloaded) or not (as torchvision
    extracts them); the uncompressed one is used when both exist.

    Args:
        root: the dataset root (the directory holding `MNIST/`); default
            `default_data_root()`.
        train: the 60000-image training split if True, else the 10000-image test split.

    Returns:
        `(images, labels)`: uint8 numpy array `(N, 28, 28)` and int64 array `(N,)`
        (int64 like torchvision's targets).

    Raises:
        FileNotFoundError: a file is missing; the message names every expected path.
        ValueError: a file is not the expected IDX kind (magic number), has the wrong
            image size, or images and labels disagree in count.

    Example:
        >>> images, labels = read_mnist(train=False)
        >>> images.shape, labels[:3]
        ((10000, 28, 28), array([7, 2, 1]))
    """
    root = Path(default_data_root() if root is None else root)
    raw_dir = root / "MNIST" / "raw"
    stems = _FILES[bool(train)]
    paths = [_find(raw_dir, s) for s in stems]
    missing = [s for s, p in zip(stems, paths) if p is None]
    if missing:
        expected = ", ".join(f"{raw_dir / s}[.gz]" for s in missing)
        raise FileNotFoundError(
            f"MNIST {'train' if train else 'test'} files not found: expected {expected}. "
            "Put the four MNIST files (torchvision's layout) under <root>/MNIST/raw, or set "
            "FUNCTORCH_LIKE_DATA to the directory holding MNIST/."
        )
    images_path, labels_path = paths
    _check_magic(images_path, IMAGES_MAGIC)
    _check_magic(labels_path, LABELS_MAGIC)
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.shape[1:] != (28, 28):
        raise ValueError(f"{images_path}: expected images of shape (N, 28, 28), got {images.shape}")
    if labels.shape != images.shape[:1]:
        raise ValueError(
            f"{labels_path}: {labels.shape[0]} labels for {images.shape[0]} images in {images_path}"
        )
    return images, labels.astype(np.int64)


def _check_magic(path, magic):
    """Reads only the 4-byte magic number (cheap even for the 10 MB .gz images)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        head = f.read(4)
    found = int.from_bytes(head, "big") if len(head) == 4 else None
    if found != magic:
        kind = "images" if magic == IMAGES_MAGIC else "labels"
        raise ValueError(f"{path}: magic number {found} is not the MNIST {kind} magic {magic}")


def normalize(images, mean=MNIST_MEAN, std=MNIST_STD):
    """torchvision's `ToTensor()` then `Normalize(mean, std)` on a batch, as float32 NCHW.

    Args:
        images: uint8 array `(N, H, W)` (one channel) or `(N, H, W, C)`.
        mean: per-channel means (a sequence of C floats); default MNIST's (0.1307,).
        std: per-channel standard deviations; default MNIST's (0.3081,).

    Returns:
        float32 array `(N, C, H, W)`: `(images / 255 - mean) / std`.

    Raises:
        ValueError: `images` is not 3-D or 4-D, or mean/std don't have one entry per
            channel.

    Example:
        >>> normalize(np.zeros((2, 28, 28), np.uint8)).shape
        (2, 1, 28, 28)
    """
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[:, None]
    elif images.ndim == 4:
        images = images.transpose(0, 3, 1, 2)  # ToTensor: HWC -> CHW
    else:
        raise ValueError(f"normalize: expected images (N, H, W) or (N, H, W, C), got {images.shape}")
    channels = images.shape[1]
    if len(mean) != channels or len(std) != channels:
        raise ValueError(
            f"normalize: mean {tuple(mean)} and std {tuple(std)} need one entry per channel "
            f"({channels})"
        )
    # ToTensor divides by 255 in float32; Normalize subtracts and divides by float32 copies
    # of mean/std; the same float32 operations in the same order give torch's bits.
    x = images.astype(np.float32) / np.float32(255)
    m = np.asarray(mean, dtype=np.float32).reshape(1, -1, 1, 1)
    s = np.asarray(std, dtype=np.float32).reshape(1, -1, 1, 1)
    return (x - m) / s
