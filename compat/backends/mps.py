"""Mirrors `torch.backends.mps` (Apple GPUs are not a jax backend here: always unavailable)."""

__all__ = ["is_available", "is_built"]


def is_available():
    """Mirrors `torch.backends.mps.is_available()` (False)."""
    return False


def is_built():
    """Mirrors `torch.backends.mps.is_built()` (False)."""
    return False
