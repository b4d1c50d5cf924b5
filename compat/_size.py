"""`compat.Size`: torch.Size, a tuple subclass with torch's repr."""

__all__ = ["Size"]


class Size(tuple):
    """Mirrors `torch.Size`.

    Example:
        >>> compat.zeros(2, 3).shape
        torch.Size([2, 3])
    """

    def __repr__(self):
        return f"torch.Size({list(self)})"

    __str__ = __repr__

    def numel(self):
        n = 1
        for d in self:
            n *= d
        return n

    def __getitem__(self, item):
        r = tuple.__getitem__(self, item)
        return Size(r) if isinstance(item, slice) else r

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))
