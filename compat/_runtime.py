"""Process-level switches scripts call: threads, determinism, and the missing-API error.

XLA owns its CPU thread pool (sized from the machine at start-up); torch's thread knobs
are accepted and recorded so scripts run unchanged, and say so in their docstrings.
"""
__all__ = ["set_num_threads", "get_num_threads", "set_num_interop_threads", "get_num_interop_threads",
           "use_deterministic_algorithms", "are_deterministic_algorithms_enabled", "unsupported"]

_threads = {"intra": None, "interop": None, "deterministic": False}


def set_num_threads(n):
    """Mirrors `torch.set_num_threads`. Difference: recorded only -- XLA sizes its own pool
    (set XLA_FLAGS/`taskset` before start-up to limit it)."""
    if int(n) <= 0:
        raise RuntimeError(f"set_num_threads expects a positive integer, got {n}")
    _threads["intra"] = int(n)


def get_num_threads():
    """Mirrors `torch.get_num_threads` (the recorded value, else the CPU count)."""
    import os

    return _threads["intra"] or os.cpu_count() or 1


def set_num_interop_threads(n):
    """Mirrors `torch.set_num_interop_threads` (recorded only, as set_num_threads)."""
    _threads["interop"] = int(n)


def get_num_interop_threads():
    return _threads["interop"] or 1


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Mirrors `torch.use_deterministic_algorithms`: XLA on CPU is deterministic already."""
    _threads["deterministic"] = bool(mode)


def are_deterministic_algorithms_enabled():
    return _threads["deterministic"]


def unsupported(module_name, name):
    """The AttributeError a missing torch API raises: names it and says what to do."""
    torch_name = module_name.replace("compat", "torch", 1)
    return AttributeError(
        f"`{torch_name}.{name}` is not supported by compat yet (module '{module_name}' has no "
        f"attribute '{name}'). Use a supported equivalent or run this part with real PyTorch."
    )
