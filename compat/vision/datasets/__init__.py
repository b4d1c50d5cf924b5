"""compat.vision.datasets: torchvision.datasets' MNIST family and the VisionDataset base."""
from ._mnist import MNIST as MNIST
from ._mnist import FashionMNIST as FashionMNIST
from ._vision import StandardTransform as StandardTransform
from ._vision import VisionDataset as VisionDataset

__all__ = ["FashionMNIST", "MNIST", "StandardTransform", "VisionDataset"]
