"""Samplers (mirror torch.utils.data.sampler): which indices, in which order, in which batches.

Random samplers draw one seed per epoch from a compat Generator (see `_seed.py`) and use a
numpy generator for the indices, with torch's structure: `RandomSampler` yields
`num_samples // n` full permutations then a partial one (or, with replacement, uniform
draws in chunks of 32); `WeightedRandomSampler` draws like `torch.multinomial`.
"""
import numpy as np

from ..._creation import from_numpy
from ..._tensor import Tensor
from ._seed import numpy_rng

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler"]


class Sampler:
    """Mirrors `torch.utils.data.Sampler`: the base class; subclasses define `__iter__`.

    Example:
        >>> class Evens(Sampler):
        ...     def __iter__(self): return iter(range(0, 10, 2))

    Differences from PyTorch: none.
    """

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError


class SequentialSampler(Sampler):
    """Mirrors `torch.utils.data.SequentialSampler(data_source)`: 0, 1, ..., len-1.

    Example:
        >>> list(SequentialSampler(range(3)))
        [0, 1, 2]

    Differences from PyTorch: none.
    """

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """Mirrors `torch.utils.data.RandomSampler(data_source, replacement=False, num_samples=None, generator=None)`.

    Args:
        data_source: the dataset (only its length is used).
        replacement: draw with replacement.
        num_samples: how many indices per epoch (default len(data_source)).
        generator: a compat Generator; None draws a fresh seed from the global one each epoch.

    Raises:
        TypeError: replacement is not a bool.
        ValueError: num_samples is not a positive int.

    Example:
        >>> sorted(RandomSampler(range(4)))
        [0, 1, 2, 3]

    Differences from PyTorch: orders come from a numpy generator seeded from compat's
    (reproducible under manual_seed, not equal to torch's).
    """

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={self.replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={self.num_samples}")

    @property
    def num_samples(self):
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        rng = numpy_rng(self.generator)
        if self.replacement:
            for _ in range(self.num_samples // 32):  # torch draws in chunks of 32
                yield from rng.integers(0, n, size=32).tolist()
            yield from rng.integers(0, n, size=self.num_samples % 32).tolist()
        else:
            for _ in range(self.num_samples // n):
                yield from rng.permutation(n).tolist()
            yield from rng.permutation(n).tolist()[:self.num_samples % n]

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """Mirrors `torch.utils.data.SubsetRandomSampler(indices, generator=None)`: the given
    indices in a random order (a fresh order every epoch).

    Example:
        >>> sorted(SubsetRandomSampler([5, 7, 9]))
        [5, 7, 9]

    Differences from PyTorch: numpy order from a compat seed (see RandomSampler).
    """

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        for i in numpy_rng(self.generator).permutation(len(self.indices)).tolist():
            yield self.indices[i]

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """Mirrors `torch.utils.data.WeightedRandomSampler(weights, num_samples, replacement=True, generator=None)`.

    Index i is drawn with probability weights[i] / sum(weights); without replacement each
    index at most once (as `torch.multinomial`).

    Raises:
        ValueError: num_samples not a positive int, or weights not 1-D.
        TypeError: replacement not a bool.
        RuntimeError: without replacement, more samples than weights.

    Example:
        >>> list(WeightedRandomSampler([0.0, 1.0], 3))
        [1, 1, 1]

    Differences from PyTorch: numpy draws from a compat seed (see RandomSampler).
    """

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement}")
        w = np.asarray(weights._data if isinstance(weights, Tensor) else weights, dtype=np.float64)
        if w.ndim != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape {tuple(w.shape)}")
        self.weights = from_numpy(w)  # torch keeps them as a float64 tensor
        self._w = w
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self):
        w = self._w
        if (w < 0).any() or not np.isfinite(w).all():
            raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
        if w.sum() <= 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        if not self.replacement and self.num_samples > len(w):
            raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
        rng = numpy_rng(self.generator)
        if self.replacement:
            yield from rng.choice(len(w), size=self.num_samples, replace=True, p=w / w.sum()).tolist()
        else:
            # torch.multinomial's method: the top-k of w / q with q ~ Exp(1); zero weights get
            # key 0 and come last (in index order), as torch returns them once the rest is used.
            keys = w / rng.exponential(size=len(w))
            yield from np.argsort(-keys, kind="stable")[:self.num_samples].tolist()

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """Mirrors `torch.utils.data.BatchSampler(sampler, batch_size, drop_last)`: lists of indices.

    Raises:
        ValueError: batch_size not a positive int, or drop_last not a bool.

    Example:
        >>> list(BatchSampler(SequentialSampler(range(5)), 2, drop_last=False))
        [[0, 1], [2, 3], [4]]

    Differences from PyTorch: none.
    """

    def __init__(self, sampler, batch_size, drop_last):
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self):
        batch = []
        for idx in self.sampler:
            batch.append(idx)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size


class InfiniteConstantSampler(Sampler):
    """torch's `_InfiniteConstantSampler`: None forever (the index 'sampler' of iterable datasets)."""

    def __iter__(self):
        while True:
            yield None
