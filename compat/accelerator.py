"""Mirrors `torch.accelerator`: the current accelerator (a jax GPU) if any.

Example:
    >>> import compat as torch
    >>> dev = torch.accelerator.current_accelerator() if torch.accelerator.is_available() else "cpu"
"""
from . import _device

__all__ = ["is_available", "current_accelerator", "device_count"]


def is_available():
    """Mirrors `torch.accelerator.is_available()`."""
    return _device.cuda_available()


def current_accelerator(check_available=False):
    """Mirrors `torch.accelerator.current_accelerator()`: device('cuda') or None."""
    return _device.device("cuda") if _device.cuda_available() else None


def device_count():
    """Mirrors `torch.accelerator.device_count()`."""
    return _device.cuda_device_count()
