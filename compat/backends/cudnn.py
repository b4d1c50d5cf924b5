"""Mirrors `torch.backends.cudnn`: flags scripts set (benchmark, deterministic, ...).

They are accepted and kept, but have no effect: XLA picks convolution algorithms itself
(set XLA_FLAGS=--xla_gpu_deterministic_ops=true for determinism on GPU).
"""
from .. import _device

__all__ = ["enabled", "benchmark", "deterministic", "allow_tf32", "is_available", "version"]

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available():
    """Mirrors `torch.backends.cudnn.is_available()`: True when jax sees a GPU."""
    return _device.cuda_available()


def version():
    """Mirrors `torch.backends.cudnn.version()` (None: cuDNN is managed by jaxlib)."""
    return None
