"""compat.vision.transforms.functional: torchvision.transforms.functional's image functions."""
from ._functional import InterpolationMode as InterpolationMode
from ._functional import center_crop as center_crop
from ._functional import crop as crop
from ._functional import get_dimensions as get_dimensions
from ._functional import hflip as hflip
from ._functional import normalize as normalize
from ._functional import pad as pad
from ._functional import pil_to_tensor as pil_to_tensor
from ._functional import resize as resize
from ._functional import to_pil_image as to_pil_image
from ._functional import to_tensor as to_tensor

__all__ = ["InterpolationMode", "center_crop", "crop", "get_dimensions", "hflip", "normalize", "pad",
           "pil_to_tensor", "resize", "to_pil_image", "to_tensor"]
