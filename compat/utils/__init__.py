"""compat.utils: torch.utils' data loading (`compat.utils.data`)."""
from . import data as data

__all__ = ["data"]
