"""Mirrors `torch.cuda`: availability, device count, seeding and no-op synchronisation shims.

CUDA here means "a GPU visible to jax" (install the `cuda` extra, jax[cuda12]). Without one,
`is_available()` is False, seeding is a no-op (as torch without CUDA) and calls that need a
device raise RuntimeError saying so.

Example:
    >>> import compat as torch
    >>> device = "cuda" if torch.cuda.is_available() else "cpu"
"""
import jax

from . import _device, _random

__all__ = ["is_available", "device_count", "current_device", "set_device", "get_device_name",
           "manual_seed", "manual_seed_all", "seed", "seed_all", "synchronize", "empty_cache",
           "is_bf16_supported", "memory_allocated", "max_memory_allocated", "reset_peak_memory_stats"]


def is_available():
    """Mirrors `torch.cuda.is_available()`: True when jax sees a GPU."""
    return _device.cuda_available()


def device_count():
    """Mirrors `torch.cuda.device_count()`."""
    return _device.cuda_device_count()


def _require():
    if not is_available():
        raise _device.CudaUnavailableError("Torch not compiled with CUDA enabled: no CUDA device is visible to jax. Install the "
                           "project's `cuda` extra (jax[cuda12]) on a machine with an NVIDIA GPU.")


def current_device():
    """Mirrors `torch.cuda.current_device()` (always 0: jax places eager arrays on GPU 0)."""
    _require()
    return 0


def set_device(device):
    """Mirrors `torch.cuda.set_device` (validates the index; eager arrays stay on GPU 0)."""
    _device.jax_device(_device.device("cuda", device) if isinstance(device, int) else device)


def get_device_name(device=None):
    """Mirrors `torch.cuda.get_device_name(device=None)`."""
    _require()
    idx = 0 if device is None else (device if isinstance(device, int) else _device.device(device).index or 0)
    return _device.jax_device(_device.device("cuda", idx)).device_kind


def manual_seed(seed):
    """Mirrors `torch.cuda.manual_seed`: seeds the (shared) default generator when a GPU exists.

    compat has one random stream for all devices; without a GPU this is a no-op, as in torch.
    """
    if is_available():
        _random.manual_seed(seed)


manual_seed_all = manual_seed


def seed():
    """Mirrors `torch.cuda.seed()`."""
    if is_available():
        _random.seed()


seed_all = seed


def synchronize(device=None):
    """Mirrors `torch.cuda.synchronize()`: waits for pending jax work (effects barrier)."""
    jax.effects_barrier()


def empty_cache():
    """Mirrors `torch.cuda.empty_cache()` (jax manages its own pool: a no-op)."""


def is_bf16_supported(including_emulation=True):
    """Mirrors `torch.cuda.is_bf16_supported()`."""
    return is_available()


def _stats(device):
    if not is_available():
        return {}
    return _device.jax_device(_device.device("cuda", 0 if device is None else device)).memory_stats() or {}


def memory_allocated(device=None):
    """Mirrors `torch.cuda.memory_allocated()` (bytes in use per jax's allocator; 0 without a GPU)."""
    return int(_stats(device).get("bytes_in_use", 0))


def max_memory_allocated(device=None):
    """Mirrors `torch.cuda.max_memory_allocated()`."""
    return int(_stats(device).get("peak_bytes_in_use", 0))


def reset_peak_memory_stats(device=None):
    """Mirrors `torch.cuda.reset_peak_memory_stats()` (jax keeps its own peak: a no-op)."""
