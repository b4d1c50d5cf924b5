"""Datasets: Dataset, IterableDataset, TensorDataset, Subset, ConcatDataset, ChainDataset,
and random_split (mirrors torch.utils.data.dataset)."""
import bisect
import itertools
import math
import warnings

import numpy as np

from ..._creation import from_numpy
from ._host import host_tensor
from ._seed import numpy_rng
from ._worker import in_worker

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "Subset", "ConcatDataset",
           "ChainDataset", "random_split"]


class Dataset:
    """Mirrors `torch.utils.data.Dataset`: the map-style base class.

    Subclasses implement `__getitem__` (and usually `__len__`). `a + b` concatenates.

    Example:
        >>> class Squares(Dataset):
        ...     def __len__(self): return 4
        ...     def __getitem__(self, i): return i * i

    Differences from PyTorch: none.
    """

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other):
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """Mirrors `torch.utils.data.IterableDataset`: a dataset that is an iterable of samples.

    With `num_workers > 0` every worker iterates its own copy; use `get_worker_info()` in
    `__iter__` to split the work, as in torch.

    Example:
        >>> class Count(IterableDataset):
        ...     def __iter__(self): return iter(range(3))

    Differences from PyTorch: none.
    """

    def __iter__(self):
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other):
        return ChainDataset([self, other])


class TensorDataset(Dataset):
    """Mirrors `torch.utils.data.TensorDataset(*tensors)`: samples are rows of the tensors.

    Args:
        *tensors: compat Tensors with equal first dimensions.

    Raises:
        AssertionError: the first dimensions differ ("Size mismatch between tensors").

    Example:
        >>> ds = TensorDataset(compat.zeros(4, 2), compat.arange(4))
        >>> len(ds), ds[1][1]
        (4, tensor(1))

    Differences from PyTorch: inside DataLoader workers the rows are numpy-backed
    `HostTensor`s (workers do not run JAX); the DataLoader turns batches back into tensors.
    """

    def __init__(self, *tensors):
        assert all(tensors[0].size(0) == t.size(0) for t in tensors), "Size mismatch between tensors"
        self.tensors = tensors
        self._host = None

    def _prepare_for_workers(self):
        # Host copies made in the main process, so forked workers only index numpy.
        self._host = tuple(np.asarray(t._data) for t in self.tensors)

    def __getitem__(self, index):
        if in_worker():
            host = self._host or tuple(np.asarray(t._data) for t in self.tensors)
            return tuple(host_tensor(h[index]) for h in host)
        if isinstance(index, (int, np.integer)) and not isinstance(index, bool):
            n = len(self)
            if not -n <= index < n:
                raise IndexError(f"index {index} is out of bounds for dimension 0 with size {n}")
            # A tensor index is traced, so one compiled gather serves every row (a Python int
            # index is a static argument: one compilation per distinct row).
            index = from_numpy(np.asarray(index % n, dtype=np.int64))
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].size(0)

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_host"] = None  # spawned workers rebuild from the tensors
        return state


class Subset(Dataset):
    """Mirrors `torch.utils.data.Subset(dataset, indices)`: the samples at `indices`.

    Example:
        >>> Subset(ds, [0, 2])[1] == ds[2]

    Differences from PyTorch: none.
    """

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices):
        getitems = getattr(self.dataset, "__getitems__", None)
        if callable(getitems):
            return getitems([self.indices[idx] for idx in indices])
        return [self.dataset[self.indices[idx]] for idx in indices]

    def __len__(self):
        return len(self.indices)

    def _children(self):
        return (self.dataset,)


class ConcatDataset(Dataset):
    """Mirrors `torch.utils.data.ConcatDataset(datasets)`: datasets one after another.

    Raises:
        AssertionError: no datasets, or an IterableDataset among them (torch's messages).

    Example:
        >>> len(ConcatDataset([ds_a, ds_b])) == len(ds_a) + len(ds_b)
        True

    Differences from PyTorch: none.
    """

    @staticmethod
    def cumsum(sequence):
        r, s = [], 0
        for e in sequence:
            s += len(e)
            r.append(s)
        return r

    def __init__(self, datasets):
        self.datasets = list(datasets)
        assert len(self.datasets) > 0, "datasets should not be an empty iterable"
        for d in self.datasets:
            assert not isinstance(d, IterableDataset), "ConcatDataset does not support IterableDataset"
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        dataset_idx = bisect.bisect_right(self.cumulative_sizes, idx)
        sample_idx = idx if dataset_idx == 0 else idx - self.cumulative_sizes[dataset_idx - 1]
        return self.datasets[dataset_idx][sample_idx]

    def _children(self):
        return tuple(self.datasets)


class ChainDataset(IterableDataset):
    """Mirrors `torch.utils.data.ChainDataset(datasets)`: iterable datasets chained.

    Raises:
        AssertionError: a member is not an IterableDataset (when iterated or measured).

    Example:
        >>> list(ChainDataset([it_a, it_b]))

    Differences from PyTorch: none.
    """

    def __init__(self, datasets):
        self.datasets = datasets

    def __iter__(self):
        for d in self.datasets:
            assert isinstance(d, IterableDataset), "ChainDataset only supports IterableDataset"
            yield from d

    def __len__(self):
        total = 0
        for d in self.datasets:
            assert isinstance(d, IterableDataset), "ChainDataset only supports IterableDataset"
            total += len(d)
        return total

    def _children(self):
        return tuple(self.datasets)


def random_split(dataset, lengths, generator=None):
    """Mirrors `torch.utils.data.random_split(dataset, lengths, generator=default_generator)`.

    `lengths` are split sizes, or fractions summing to 1 (sizes are then floored and the
    remainder handed out round-robin, exactly as torch computes them). The indices are one
    random permutation cut into consecutive pieces.

    Args:
        dataset: the dataset to split.
        lengths: ints summing to len(dataset), or fractions summing to 1.
        generator: a compat Generator (default: the global one) the permutation is drawn from.

    Returns:
        A list of `Subset`s.

    Raises:
        ValueError: a fraction outside [0, 1], or lengths not summing to len(dataset).

    Example:
        >>> train, val = random_split(ds, [0.8, 0.2], generator=compat.Generator().manual_seed(0))

    Differences from PyTorch: the permutation comes from a numpy generator seeded from the
    compat generator: reproducible under the same seed, not equal to torch's.
    """
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        subset_lengths = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            subset_lengths.append(int(math.floor(len(dataset) * frac)))
        remainder = len(dataset) - sum(subset_lengths)
        for i in range(remainder):  # torch hands out the rounding remainder round-robin
            subset_lengths[i % len(subset_lengths)] += 1
        lengths = subset_lengths
        for i, length in enumerate(lengths):
            if length == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in an empty dataset.")
    if sum(lengths) != len(dataset):
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    indices = numpy_rng(generator).permutation(sum(lengths)).tolist()
    return [Subset(dataset, indices[offset - length:offset])
            for offset, length in zip(itertools.accumulate(lengths), lengths)]


def prepare_for_workers(dataset):
    """Before forking workers: lets datasets (and the ones they wrap) make host copies."""
    prep = getattr(dataset, "_prepare_for_workers", None)
    if callable(prep):
        prep()
    children = getattr(dataset, "_children", None)
    if callable(children):
        for child in children():
            prepare_for_workers(child)

