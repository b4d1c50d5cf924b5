"""compat.vision.transforms: torchvision.transforms' common image transforms."""
from . import functional as functional
from ._functional import InterpolationMode as InterpolationMode
from ._transforms import CenterCrop as CenterCrop
from ._transforms import Compose as Compose
from ._transforms import Lambda as Lambda
from ._transforms import Normalize as Normalize
from ._transforms import PILToTensor as PILToTensor
from ._transforms import RandomCrop as RandomCrop
from ._transforms import RandomHorizontalFlip as RandomHorizontalFlip
from ._transforms import Resize as Resize
from ._transforms import ToPILImage as ToPILImage
from ._transforms import ToTensor as ToTensor

__all__ = ["CenterCrop", "Compose", "InterpolationMode", "Lambda", "Normalize", "PILToTensor",
           "RandomCrop", "RandomHorizontalFlip", "Resize", "ToPILImage", "ToTensor", "functional"]
