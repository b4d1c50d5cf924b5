"""compat.utils.data datasets and random_split against torch.utils.data."""
import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import compat
from compat.utils import data as cud


def _np(t):
    return np.asarray(t._data) if isinstance(t, compat.Tensor) else t.numpy()


def _pair():
    x = np.arange(12, dtype=np.float32).reshape(6, 2)
    y = np.array([0, 1, 1, 0, 2, 2])
    return (cud.TensorDataset(compat.tensor(x), compat.tensor(y)),
            tud.TensorDataset(torch.tensor(x), torch.tensor(y)))


def test_tensor_dataset_items_match_torch():
    ours, theirs = _pair()
    assert len(ours) == len(theirs) == 6
    for i in [0, 3, -1]:
        (xa, ya), (xb, yb) = ours[i], theirs[i]
        np.testing.assert_array_equal(_np(xa), _np(xb))
        assert str(ya.dtype) == str(yb.dtype) and ya.item() == yb.item()
    xs, ys = ours[1:4]
    np.testing.assert_array_equal(_np(xs), _np(theirs[1:4][0]))
    for ds in (ours, theirs):  # IndexError ends Python's fallback iteration, as for torch
        with pytest.raises(IndexError):
            ds[6]
    assert len(list(iter(ours))) == 6


def test_tensor_dataset_size_mismatch():
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        cud.TensorDataset(compat.zeros(3, 2), compat.zeros(4))
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        tud.TensorDataset(torch.zeros(3, 2), torch.zeros(4))


def test_subset_concat_chain():
    ours, theirs = _pair()
    sub, tsub = cud.Subset(ours, [5, 0, 2]), tud.Subset(theirs, [5, 0, 2])
    assert len(sub) == 3 and _np(sub[0][0]).tolist() == _np(tsub[0][0]).tolist() == [10.0, 11.0]
    got = sub.__getitems__([2, 0])
    assert [_np(a).tolist() for a, _ in got] == [[4.0, 5.0], [10.0, 11.0]]
    cat, tcat = ours + sub, theirs + tsub
    assert isinstance(cat, cud.ConcatDataset) and len(cat) == len(tcat) == 9
    assert cat.cumulative_sizes == tcat.cumulative_sizes
    for i in [0, 5, 6, 8, -1, -9]:
        np.testing.assert_array_equal(_np(cat[i][0]), _np(tcat[i][0]))
    with pytest.raises(ValueError, match="absolute value of index should not exceed dataset length"):
        cat[-10]
    with pytest.raises(AssertionError, match="datasets should not be an empty iterable"):
        cud.ConcatDataset([])

    class Count(cud.IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(self.n))

        def __len__(self):
            return self.n

    chain = Count(2) + Count(3)
    assert isinstance(chain, cud.ChainDataset) and list(chain) == [0, 1, 0, 1, 2] and len(chain) == 5
    with pytest.raises(AssertionError, match="ConcatDataset does not support IterableDataset"):
        cud.ConcatDataset([Count(2)])


def test_base_classes_require_overrides():
    with pytest.raises(NotImplementedError, match="Subclasses of Dataset should implement __getitem__"):
        cud.Dataset()[0]


@pytest.mark.parametrize("n, lengths", [(10, [0.3, 0.3, 0.4]), (10, [0.5, 0.5]), (7, [1 / 3] * 3),
                                        (101, [0.7, 0.2, 0.1]), (9, [3, 6]), (5, [0.1] * 10)])
def test_random_split_sizes_match_torch(n, lengths):
    with warnings.catch_warnings(record=True) as ours_w:
        warnings.simplefilter("always")
        ours = cud.random_split(range(n), lengths, generator=compat.Generator().manual_seed(0))
    with warnings.catch_warnings(record=True) as theirs_w:
        warnings.simplefilter("always")
        theirs = tud.random_split(range(n), lengths, generator=torch.Generator().manual_seed(0))
    assert [len(s) for s in ours] == [len(s) for s in theirs]
    assert sorted(i for s in ours for i in s.indices) == list(range(n))  # one permutation, cut up
    assert [str(w.message) for w in ours_w] == [str(w.message) for w in theirs_w]  # zero-length warnings


def test_random_split_reproducible_and_seeded():
    a = cud.random_split(range(50), [20, 30], generator=compat.Generator().manual_seed(3))
    b = cud.random_split(range(50), [20, 30], generator=compat.Generator().manual_seed(3))
    c = cud.random_split(range(50), [20, 30], generator=compat.Generator().manual_seed(4))
    assert [s.indices for s in a] == [s.indices for s in b]
    assert [s.indices for s in a] != [s.indices for s in c]
    compat.manual_seed(11)
    d = cud.random_split(range(50), [0.5, 0.5])
    compat.manual_seed(11)
    e = cud.random_split(range(50), [0.5, 0.5])
    assert [s.indices for s in d] == [s.indices for s in e]


def test_random_split_errors_match_torch():
    for bad in ([3, 3], [0.5, 1.5, -1.0]):
        with pytest.raises(ValueError) as theirs:
            tud.random_split(range(5), bad)
        with pytest.raises(ValueError) as ours:
            cud.random_split(range(5), bad)
        assert str(ours.value) == str(theirs.value)
    with pytest.raises(ValueError, match="Fraction at index 1 is not between 0 and 1"):
        cud.random_split(range(5), [0.2, -0.2, 1.0])
