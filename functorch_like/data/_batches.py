"""Seeded, epoch-aware minibatching of numpy arrays."""
import jax
import numpy as np


def _check(arrays, batch_size):
    if not isinstance(arrays, tuple) or len(arrays) == 0:
        raise TypeError(f"batches: expected a non-empty tuple of arrays, got {type(arrays)}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
        raise ValueError(
            f"batch_size should be a positive integer value, but got batch_size={batch_size}"
        )
    lengths = [np.shape(a)[0] if np.ndim(a) else None for a in arrays]
    if None in lengths or len(set(lengths)) != 1:
        shapes = [np.shape(a) for a in arrays]
        raise ValueError(f"batches: arrays must share their first dimension, got shapes {shapes}")
    return lengths[0]


def num_batches(n, batch_size, *, drop_last=False):
    """How many batches `batches` yields for `n` examples.

    Example:
        >>> num_batches(10, 4), num_batches(10, 4, drop_last=True)
        (3, 2)
    """
    return n // batch_size if drop_last else -(-n // batch_size)


def permutation(n, *, seed=0, epoch=0, key=None):
    """The example order of one epoch: a permutation of `range(n)`.

    Args:
        n: number of examples.
        seed: integer seed (used when `key` is None): epoch e's order comes from
            `np.random.default_rng([seed, e])`, so every epoch differs and any epoch can
            be regenerated on its own.
        epoch: the epoch number.
        key: a jax PRNG key; when given, the order is
            `jax.random.permutation(jax.random.fold_in(key, epoch), n)`.

    Returns:
        int64 numpy array of length `n`.

    Example:
        >>> sorted(permutation(4, seed=1).tolist())
        [0, 1, 2, 3]
    """
    if key is not None:
        return np.asarray(jax.random.permutation(jax.random.fold_in(key, epoch), n), np.int64)
    return np.random.default_rng([seed, epoch]).permutation(n).astype(np.int64)


def batches(arrays, batch_size, *, shuffle=True, seed=0, epoch=0, key=None, drop_last=False):
    """Yields minibatches: tuples of aligned slices of `arrays` (a DataLoader analog).

    Deterministic: the same `(seed, epoch)` (or `(key, epoch)`) gives the same batches;
    pass the epoch number to get a fresh order each epoch.

    Args:
        arrays: a tuple of numpy (or array-like) arrays sharing their first dimension,
            e.g. `(images, labels)`.
        batch_size: examples per batch (a positive int).
        shuffle: permute the examples (see `permutation`); else keep file order.
        seed: integer seed for the shuffle.
        epoch: the epoch number, mixed into the shuffle.
        key: a jax PRNG key to shuffle with instead of `seed`.
        drop_last: drop the final batch when it is smaller than `batch_size` (as
            torch's DataLoader).

    Yields:
        Tuples with one numpy array per input, each holding the batch's rows.

    Raises:
        TypeError: `arrays` is not a non-empty tuple.
        ValueError: `batch_size` is not a positive int (torch's message), or the arrays'
            first dimensions differ.

    Example:
        >>> xs, ys = np.arange(10), np.arange(10) * 2
        >>> [b[1].tolist() for b in batches((xs, ys), 4, shuffle=False)]
        [[0, 2, 4, 6], [8, 10, 12, 14], [16, 18]]
    """
    n = _check(arrays, batch_size)
    arrays = tuple(np.asarray(a) for a in arrays)
    order = permutation(n, seed=seed, epoch=epoch, key=key) if shuffle else None
    for b in range(num_batches(n, batch_size, drop_last=drop_last)):
        lo, hi = b * batch_size, min((b + 1) * batch_size, n)
        if order is None:
            yield tuple(a[lo:hi] for a in arrays)  # views: no copy without shuffling
        else:
            idx = order[lo:hi]
            yield tuple(a[idx] for a in arrays)
