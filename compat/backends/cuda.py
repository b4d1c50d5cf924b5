"""Mirrors `torch.backends.cuda`: `matmul.allow_tf32` and friends (kept, no effect).

Matmul precision in jax is set with `jax.config.update("jax_default_matmul_precision", ...)`.
"""
from .. import _device

__all__ = ["matmul", "is_built"]


class _MatmulFlags:
    allow_tf32 = False
    allow_fp16_reduced_precision_reduction = True
    allow_bf16_reduced_precision_reduction = True


matmul = _MatmulFlags()


def is_built():
    """Mirrors `torch.backends.cuda.is_built()`: True when jax has a GPU backend."""
    return _device.cuda_available()
