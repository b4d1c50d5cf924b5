"""MNIST loading (torchvision's files, or tensorflow-datasets) and seeded batching."""
from ._batches import batches as batches
from ._batches import num_batches as num_batches
from ._batches import permutation as permutation
from ._idx import parse_idx as parse_idx
from ._idx import read_idx as read_idx
from ._mnist import MNIST_MEAN as MNIST_MEAN
from ._mnist import MNIST_STD as MNIST_STD
from ._mnist import default_data_root as default_data_root
from ._mnist import normalize as normalize
from ._mnist import read_mnist as read_mnist
from ._tfds import load_tfds_mnist as load_tfds_mnist
from ._tfds import tfds_to_numpy as tfds_to_numpy

__all__ = [
    "MNIST_MEAN",
    "MNIST_STD",
    "batches",
    "default_data_root",
    "load_tfds_mnist",
    "normalize",
    "num_batches",
    "parse_idx",
    "permutation",
    "read_idx",
    "read_mnist",
    "tfds_to_numpy",
]
