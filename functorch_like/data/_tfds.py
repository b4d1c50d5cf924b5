"""MNIST through tensorflow-datasets, the optional loader for functional users."""
import importlib

import numpy as np


def _import_tfds():
    try:
        return importlib.import_module("tensorflow_datasets")
    except ImportError as e:
        raise ImportError(
            "load_tfds_mnist needs tensorflow-datasets, which is not installed: "
            "pip install 'functorch-like[datasets]' (or tensorflow-datasets). Without it, use "
            "functorch_like.data.read_mnist(), which reads torchvision's MNIST files."
        ) from e


def tfds_to_numpy(examples):
    """Converts tfds's whole-split MNIST dict to `read_mnist`'s arrays.

    Args:
        examples: a mapping with `image` (uint8 `(N, 28, 28, 1)` or `(N, 28, 28)`) and
            `label` (integers `(N,)`), as `tfds.as_numpy(tfds.load(..., batch_size=-1))`
            gives.

    Returns:
        `(images, labels)`: uint8 `(N, 28, 28)` and int64 `(N,)`, as `read_mnist`.

    Raises:
        ValueError: missing keys, wrong shapes or dtypes, or mismatched counts.

    Example:
        >>> fake = {"image": np.zeros((2, 28, 28, 1), np.uint8), "label": np.array([3, 4])}
        >>> [a.shape for a in tfds_to_numpy(fake)]
        [(2, 28, 28), (2,)]
    """
    if "image" not in examples or "label" not in examples:
        raise ValueError(f"tfds MNIST: expected keys 'image' and 'label', got {sorted(examples)}")
    images, labels = np.asarray(examples["image"]), np.asarray(examples["label"])
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]  # tfds stores a trailing channel axis; torchvision doesn't
    if images.shape[1:] != (28, 28) or images.dtype != np.uint8:
        raise ValueError(
            f"tfds MNIST: expected uint8 images (N, 28, 28[, 1]), got {images.dtype} {images.shape}"
        )
    if labels.shape != images.shape[:1] or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"tfds MNIST: expected {images.shape[0]} integer labels, got {labels.dtype} "
            f"{labels.shape}"
        )
    return images, labels.astype(np.int64)


def load_tfds_mnist(split, *, data_dir=None, download=False):
    """Loads an MNIST split with tensorflow-datasets, as numpy arrays like `read_mnist`.

    Args:
        split: a tfds split string: "train", "test", or a slice like "train[:10%]".
        data_dir: tfds's data directory (default: tfds's own, `~/tensorflow_datasets`).
        download: let tfds download the dataset when absent (off by default).

    Returns:
        `(images, labels)`: uint8 `(N, 28, 28)` and int64 `(N,)`.

    Raises:
        ImportError: tensorflow-datasets is not installed (the message says what to
            install, and to use `read_mnist` otherwise).
        FileNotFoundError: the dataset is not prepared in `data_dir` and `download` is off.
        ValueError: the data has unexpected keys, shapes or dtypes.

    Example:
        >>> images, labels = load_tfds_mnist("test")  # doctest: +SKIP
    """
    tfds = _import_tfds()
    try:
        ds = tfds.load("mnist", split=split, batch_size=-1, data_dir=data_dir, download=download)
    except Exception as e:  # tfds raises AssertionError / DatasetNotFoundError variants
        if download:
            raise
        raise FileNotFoundError(
            f"tensorflow-datasets has no prepared 'mnist' (split {split!r}) in "
            f"{data_dir or 'its default data_dir'}: {e}. Pass download=True, or use "
            "functorch_like.data.read_mnist() for torchvision's files."
        ) from e
    return tfds_to_numpy(tfds.as_numpy(ds))
