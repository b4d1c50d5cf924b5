"""Mirrors `torch.backends`: cudnn/cuda/mps flags (accepted for compatibility; XLA decides)."""
from . import cuda as cuda
from . import cudnn as cudnn
from . import mps as mps

__all__ = ["cuda", "cudnn", "mps"]
