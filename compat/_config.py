"""Process-wide switches torch scripts set: determinism, thread count, matmul precision.

Example:
    >>> import compat as torch
    >>> torch.set_float32_matmul_precision("highest")   # jax_default_matmul_precision
"""
import jax

__all__ = ["use_deterministic_algorithms", "are_deterministic_algorithms_enabled", "set_num_threads",
           "get_num_threads", "set_num_interop_threads", "get_num_interop_threads",
           "set_float32_matmul_precision", "get_float32_matmul_precision"]

_state = {"deterministic": False, "threads": None, "interop": None, "matmul": "highest"}
# torch's names -> jax_default_matmul_precision values.
_PRECISION = {"highest": "highest", "high": "high", "medium": "bfloat16"}


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Mirrors `torch.use_deterministic_algorithms` (recorded; XLA on CPU is deterministic)."""
    _state["deterministic"] = bool(mode)


def are_deterministic_algorithms_enabled():
    """Mirrors `torch.are_deterministic_algorithms_enabled()`."""
    return _state["deterministic"]


def set_num_threads(n):
    """Mirrors `torch.set_num_threads` (recorded only: XLA sizes its own thread pool)."""
    if int(n) <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _state["threads"] = int(n)


def get_num_threads():
    """Mirrors `torch.get_num_threads()` (the value set, else the CPU count)."""
    import os

    return _state["threads"] or os.cpu_count() or 1


def set_num_interop_threads(n):
    """Mirrors `torch.set_num_interop_threads` (recorded only)."""
    _state["interop"] = int(n)


def get_num_interop_threads():
    """Mirrors `torch.get_num_interop_threads()`."""
    return _state["interop"] or 1


def set_float32_matmul_precision(precision):
    """Mirrors `torch.set_float32_matmul_precision('highest' | 'high' | 'medium')`.

    Sets jax_default_matmul_precision ('medium' -> 'bfloat16').
    """
    if precision not in _PRECISION:
        raise RuntimeError(f"Invalid precision: {precision}. Expected one of 'highest', 'high', 'medium'")
    _state["matmul"] = precision
    jax.config.update("jax_default_matmul_precision", _PRECISION[precision])


def get_float32_matmul_precision():
    """Mirrors `torch.get_float32_matmul_precision()`."""
    return _state["matmul"]
