"""`torch.set_float32_matmul_precision` / `get_float32_matmul_precision` over jax's setting.

(Thread-count and determinism switches live in compat/_runtime.py.)

Example:
    >>> import compat as torch
    >>> torch.set_float32_matmul_precision("highest")   # jax_default_matmul_precision
"""
import jax

__all__ = ["set_float32_matmul_precision", "get_float32_matmul_precision"]

# torch's names -> jax_default_matmul_precision values.
_PRECISION = {"highest": "highest", "high": "high", "medium": "bfloat16"}
_state = {"matmul": "highest"}


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
