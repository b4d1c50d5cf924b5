"""MNIST and FashionMNIST (mirror torchvision.datasets.MNIST / FashionMNIST).

Files use torchvision's layout, `root/<ClassName>/raw/<name>-idx?-ubyte[.gz]`, read with the
core's IDX parser (`functorch_like.data.read_idx`); gzip files are read directly, so the
four downloaded `.gz` files are enough. Images are kept as a uint8 numpy array: items
become PIL images (as torchvision) without touching JAX, so the datasets work unchanged
inside DataLoader workers; `.data` / `.targets` are compat tensors over the same values.
"""
import os
import urllib.error
import warnings

import numpy as np

from functorch_like.data import read_idx

from ..._creation import from_numpy
from ..._tensor import Tensor
from ...utils.data._host import host_tensor
from ...utils.data._worker import in_worker
from ._download import check_md5, download_file, extract_gzip
from ._vision import VisionDataset

try:
    from PIL import Image
except ImportError:  # pillow is optional at run time: items are then uint8 numpy arrays
    Image = None

__all__ = ["MNIST", "FashionMNIST"]


class MNIST(VisionDataset):
    """Mirrors `torchvision.datasets.MNIST(root, train=True, transform=None, target_transform=None, download=False)`.

    Args:
        root: the directory holding `MNIST/raw` (e.g. "data" from the repository root).
        train: the 60000-image training split, else the 10000-image test split.
        transform: applied to each PIL image (e.g. `transforms.ToTensor()`).
        target_transform: applied to each int label.
        download: fetch missing files from `mirrors` (md5-checked, extracted beside the .gz).

    Attributes:
        data: uint8 tensor (N, 28, 28). targets: int64 tensor (N,). classes, class_to_idx.

    Raises:
        RuntimeError: files missing (download=False: the message names the expected paths
            and where to get them), a failed download (every mirror's error), or files that
            are not MNIST-shaped IDX data.

    Example:
        >>> ds = MNIST("data", train=False, transform=transforms.ToTensor())
        >>> img, label = ds[0]
        >>> img.shape, label
        (torch.Size([1, 28, 28]), 7)

    Differences from PyTorch: `.gz` files are read without extracting them. Without pillow
    installed, items are uint8 numpy arrays (28, 28) instead of PIL images (ToTensor
    accepts both).
    """

    mirrors = [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ]
    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    training_file = "training.pt"
    test_file = "test.pt"
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six",
               "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(os.fspath(root), transform=transform, target_transform=target_transform)
        self.train = train
        self._data_t = self._targets_t = None
        if self._check_legacy_exist():
            from ..._serialization import load

            self.data, self.targets = load(os.path.join(self.processed_folder,
                                                        self.training_file if train else self.test_file))
            return
        if download:
            self.download()
        self._images, self._labels = self._load_data()

    # ------------------------------------------------------------------ files
    @property
    def raw_folder(self):
        return os.path.join(self.root, self.__class__.__name__, "raw")

    @property
    def processed_folder(self):
        return os.path.join(self.root, self.__class__.__name__, "processed")

    @property
    def class_to_idx(self):
        return {c: i for i, c in enumerate(self.classes)}

    def _check_legacy_exist(self):
        return all(os.path.isfile(os.path.join(self.processed_folder, f))
                   for f in (self.training_file, self.test_file))

    def _split_files(self):
        prefix = "train" if self.train else "t10k"
        return [f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"]

    def _find(self, stem):
        for name in (stem, stem + ".gz"):
            path = os.path.join(self.raw_folder, name)
            if os.path.isfile(path):
                return path
        return None

    def _check_exists(self):
        return all(self._find(os.path.splitext(name)[0]) is not None for name, _ in self.resources)

    def _where_to_get(self):
        files = ", ".join(f"{name} (md5 {md5})" for name, md5 in self.resources)
        return (f"Put the files {files} into {self.raw_folder} (gzipped or extracted), from one of "
                f"{self.mirrors}, or pass download=True.")

    def _load_data(self):
        stems = self._split_files()
        paths = [self._find(s) for s in stems]
        if None in paths:
            expected = ", ".join(os.path.join(self.raw_folder, s) + "[.gz]" for s in stems)
            raise RuntimeError(
                f"Dataset not found. You can use download=True to download it. Expected {expected}. "
                + self._where_to_get())
        try:
            images, labels = read_idx(paths[0]), read_idx(paths[1])
        except (ValueError, OSError, EOFError) as e:
            raise RuntimeError(f"{self.__class__.__name__}: cannot read {paths}: {e}") from None
        if images.dtype != np.uint8 or images.ndim != 3:
            raise RuntimeError(f"{paths[0]}: expected uint8 images (N, H, W), got {images.dtype} {images.shape}")
        if labels.ndim != 1 or labels.shape[0] != images.shape[0]:
            raise RuntimeError(
                f"{paths[1]}: {labels.shape} labels for {images.shape[0]} images in {paths[0]}")
        return images, labels.astype(np.int64)  # torchvision's targets are int64

    def download(self):
        """Downloads (md5-verified) and extracts every missing file; torchvision's `download()`.

        Raises:
            RuntimeError: a file could not be fetched from any mirror; names the files,
                the mirrors' errors, and where to put the files by hand.
        """
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self.resources:
            gz = os.path.join(self.raw_folder, filename)
            if self._find(os.path.splitext(filename)[0]) is not None and (
                    not os.path.isfile(gz) or check_md5(gz, md5)):
                continue
            errors = []
            for mirror in self.mirrors:
                try:
                    download_file(f"{mirror}{filename}", gz, md5)
                except (urllib.error.URLError, OSError, RuntimeError, ValueError) as e:
                    errors.append(f"Tried {mirror}, got:\n{e}")
                    continue
                extract_gzip(gz)
                break
            else:
                raise RuntimeError(
                    f"Error downloading {filename}:\n" + "\n".join(errors)
                    + f"\nThe {self.__class__.__name__} files are missing and could not be downloaded "
                    f"(no network?). Expected {os.path.join(self.raw_folder, os.path.splitext(filename)[0])}"
                    "[.gz]. " + self._where_to_get().replace(", or pass download=True", ""))

    # ------------------------------------------------------------------ data
    @property
    def data(self):
        if in_worker():
            return host_tensor(self._images)
        if self._data_t is None:
            self._data_t = from_numpy(self._images)
        return self._data_t

    @data.setter
    def data(self, value):
        self._images = np.asarray(value._data if isinstance(value, Tensor) else value)
        self._data_t = value if isinstance(value, Tensor) else None

    @property
    def targets(self):
        if in_worker():
            return host_tensor(self._labels)
        if self._targets_t is None:
            self._targets_t = from_numpy(self._labels)
        return self._targets_t

    @targets.setter
    def targets(self, value):
        self._labels = np.asarray(value._data if isinstance(value, Tensor) else value)
        self._targets_t = value if isinstance(value, Tensor) else None

    @property
    def train_labels(self):
        warnings.warn("train_labels has been renamed targets")
        return self.targets

    @property
    def test_labels(self):
        warnings.warn("test_labels has been renamed targets")
        return self.targets

    @property
    def train_data(self):
        warnings.warn("train_data has been renamed data")
        return self.data

    @property
    def test_data(self):
        warnings.warn("test_data has been renamed data")
        return self.data

    def __getitem__(self, index):
        img, target = self._images[index], int(self._labels[index])
        # a PIL image, as torchvision's, so transforms behave identically
        img = Image.fromarray(np.ascontiguousarray(img)) if Image is not None else np.array(img)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self._images)

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_data_t"] = state["_targets_t"] = None  # spawned workers use the numpy arrays
        return state


class FashionMNIST(MNIST):
    """Mirrors `torchvision.datasets.FashionMNIST`: MNIST's format, Zalando's clothing images.

    Files go in `root/FashionMNIST/raw`. Same arguments, behaviour and differences as MNIST.

    Example:
        >>> FashionMNIST("data", train=False).classes[0]
        'T-shirt/top'
    """

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
               "Bag", "Ankle boot"]
