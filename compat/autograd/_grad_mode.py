"""Grad-mode switches: no_grad, enable_grad, set_grad_enabled, inference_mode.

Each works as a context manager and as a decorator, as torch's do. The flag is
thread-local, like torch's.
"""
import functools
import threading

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled"]

_state = threading.local()


def is_grad_enabled():
    """Mirrors `torch.is_grad_enabled()`."""
    return getattr(_state, "enabled", True)


def _set(flag):
    _state.enabled = flag


class _GradModeBase:
    _target = True

    def __enter__(self):
        self._prev = is_grad_enabled()
        _set(self._target)
        return None

    def __exit__(self, *exc):
        _set(self._prev)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with type(self)._fresh(self):
                return fn(*args, **kwargs)

        return wrapper

    @staticmethod
    def _fresh(obj):
        return obj.__class__()


class no_grad(_GradModeBase):
    """Mirrors `torch.no_grad`: ops inside record no graph.

    Example:
        >>> with compat.no_grad():
        ...     y = x * 2          # y.requires_grad is False
    """

    _target = False


class enable_grad(_GradModeBase):
    """Mirrors `torch.enable_grad`: re-enables recording inside no_grad."""

    _target = True


class set_grad_enabled(_GradModeBase):
    """Mirrors `torch.set_grad_enabled(mode)`: a function call, context manager or decorator."""

    def __init__(self, mode):
        self._target = bool(mode)
        self._prev = is_grad_enabled()
        _set(self._target)  # torch's set_grad_enabled also acts when merely called

    def __enter__(self):
        return None

    @staticmethod
    def _fresh(obj):
        return set_grad_enabled(obj._target)


class inference_mode(_GradModeBase):
    """Mirrors `torch.inference_mode(mode=True)`.

    Difference from PyTorch: tensors made inside are ordinary tensors (no "inference
    tensor" flag); the speed benefit torch gets is already had here since no graph is kept.
    """

    def __init__(self, mode=True):
        self._target = not mode

    @staticmethod
    def _fresh(obj):
        return inference_mode(not obj._target)
