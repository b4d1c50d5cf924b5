"""compat.vision: the torchvision analog (datasets.MNIST/FashionMNIST, transforms)."""
from . import datasets as datasets
from . import transforms as transforms

__all__ = ["datasets", "transforms"]
