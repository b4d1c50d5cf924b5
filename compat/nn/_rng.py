"""PRNG keys for compat.nn's random draws (default init, dropout).

TEMPORARY bridge: compat's global generator (`compat._random`, written separately) was not
in the tree when compat.nn was written. `next_key()` uses it when present and otherwise a
private stream seeded with 0. Replace the fallback with a direct call once `_random` lands.
"""
import jax

__all__ = ["next_key"]

_fallback = {"key": None}


def next_key(generator=None):
    """A fresh jax PRNG key from `generator`, or compat's global generator (see module note)."""
    if generator is not None:
        return generator._next_key()
    try:
        from .. import _random
    except ImportError:
        _random = None
    if _random is not None:
        return _random.next_key()
    if _fallback["key"] is None:
        _fallback["key"] = jax.random.key(0)
    _fallback["key"], sub = jax.random.split(_fallback["key"])
    return sub
