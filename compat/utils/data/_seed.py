"""Seeds for data-order randomness, drawn from compat's generators.

Samplers, `random_split` and worker seeding draw one 63-bit seed from a compat `Generator`
(or the global one) and run a numpy Generator from it: index permutations are host-side
lists anyway, and numpy draws them without a device round trip. Orders are reproducible
under `compat.manual_seed` / `Generator.manual_seed`, but cannot match torch's bit for bit
(different generators).
"""
import numpy as np

__all__ = ["draw_seed", "numpy_rng"]


def draw_seed(generator=None):
    """A seed in [0, 2**63) drawn from `generator` (a compat Generator; None: the global one).

    Advances the generator by one key, as torch advances its generator by one `random_()`.

    Example:
        >>> compat.manual_seed(0); a = draw_seed()
        >>> compat.manual_seed(0); a == draw_seed()
        True
    """
    from ... import _random

    hi, lo = (int(v) for v in np.asarray(_random.next_key(generator)))
    return ((hi << 32) | lo) & ((1 << 63) - 1)


def numpy_rng(generator=None):
    """A numpy Generator seeded by `draw_seed(generator)`."""
    return np.random.default_rng(draw_seed(generator))
