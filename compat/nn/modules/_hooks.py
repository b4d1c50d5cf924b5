"""`RemovableHandle`: what `register_*_hook` returns, as `torch.utils.hooks.RemovableHandle`."""
import weakref

__all__ = ["RemovableHandle"]


class RemovableHandle:
    """Mirrors `torch.utils.hooks.RemovableHandle`: `.remove()` unregisters the hook.

    Holds weak references to the hook dicts (and any `extra_dict` keyed by the same id,
    such as the "with_kwargs" flags) so a handle never keeps a module alive. Also a context
    manager: the hook is removed on exit.

    Example:
        >>> with model.register_forward_hook(hook):
        ...     model(x)          # hook runs
        >>> model(x)              # hook gone

    Differences from PyTorch: none.
    """

    next_id = 0

    def __init__(self, hooks_dict, *, extra_dict=None):
        self.hooks_dict_ref = weakref.ref(hooks_dict)
        self.id = RemovableHandle.next_id
        RemovableHandle.next_id += 1
        if extra_dict is None:
            extra_dict = ()
        elif isinstance(extra_dict, dict):
            extra_dict = (extra_dict,)
        self.extra_dict_ref = tuple(weakref.ref(d) for d in extra_dict)

    def remove(self):
        """Unregisters the hook (idempotent)."""
        for ref in (self.hooks_dict_ref, *self.extra_dict_ref):
            d = ref()
            if d is not None and self.id in d:
                del d[self.id]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
