"""`compat.device` and placement of arrays on jax devices.

'cpu' maps to jax's CPU devices; 'cuda'/'cuda:N' to jax's GPU devices. Asking for CUDA
where jax has no GPU raises torch's error type with a message saying what is missing.
"""
import functools

import jax

__all__ = ["device", "device_of", "put", "cuda_available", "cuda_device_count"]


_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
                 "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")


class CudaUnavailableError(RuntimeError, AssertionError):
    """CUDA asked for but absent: a RuntimeError, and an AssertionError as torch raises."""


class device:
    """Mirrors `torch.device('cpu' | 'cuda' | 'cuda:0' | ('cuda', 0))`.

    Example:
        >>> compat.device("cuda:0")
        device(type='cuda', index=0)
    """

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, int) and not isinstance(type, bool):  # torch.device(0) is cuda:0
            type, index = "cuda", type
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, str) and ":" in type:
            type, _, idx = type.partition(":")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
            index = int(idx)
        if type not in _DEVICE_TYPES:
            raise RuntimeError(
                "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, lazy, "
                "vulkan, mps, meta, hpu, mtia, privateuseone device type at start of device string: " + str(type)
            )
        self.type = type
        self.index = index

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@functools.lru_cache(maxsize=None)
def _gpus():
    try:
        return tuple(jax.devices("gpu"))
    except RuntimeError:  # no GPU backend installed / visible
        return ()


def cuda_available():
    return bool(_gpus())


def cuda_device_count():
    return len(_gpus())


def device_of(arr):
    """The compat device an array lives on (traced arrays report the default device)."""
    try:
        devs = arr.devices()
    except Exception:  # tracers inside jit have no committed device
        return device("cuda", 0) if jax.default_backend() == "gpu" else device("cpu")
    d = next(iter(devs))
    if d.platform == "gpu":
        return device("cuda", d.id)
    return device("cpu")


def jax_device(dev):
    """compat device (or string) -> jax.Device; raises when CUDA is asked for and absent."""
    dev = device(dev) if not isinstance(dev, device) else dev
    if dev.type == "cuda":
        gpus = _gpus()
        if not gpus:
            raise CudaUnavailableError(
                "Torch not compiled with CUDA enabled: no CUDA device is visible to jax. Install "
                "the project's `cuda` extra (jax[cuda12]) on a machine with an NVIDIA GPU, or use "
                "device='cpu'."
            )
        idx = dev.index or 0
        if idx >= len(gpus):
            raise RuntimeError(
                f"CUDA error: invalid device ordinal (asked for cuda:{idx}, {len(gpus)} visible)"
            )
        return gpus[idx]
    if dev.type == "cpu":
        return jax.devices("cpu")[0]
    raise RuntimeError(f"device type '{dev.type}' is not supported by compat; use 'cpu' or 'cuda'")


def put(arr, dev):
    """Places `arr` on compat device `dev` (a no-op when it is already there)."""
    if dev is None:
        return arr
    target = jax_device(dev)
    try:
        if target in arr.devices():
            return arr
    except Exception:
        return arr
    return jax.device_put(arr, target)
