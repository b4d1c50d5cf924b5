"""Samplers against torch.utils.data's (orders that are deterministic must be equal)."""
import numpy as np
import pytest
import torch
import torch.utils.data as tud

import compat
from compat.utils import data as cud


def test_sequential_sampler():
    assert list(cud.SequentialSampler(range(7))) == list(tud.SequentialSampler(range(7)))
    assert len(cud.SequentialSampler(range(7))) == 7


@pytest.mark.parametrize("batch_size, drop_last", [(1, False), (3, False), (3, True), (7, True), (10, False)])
def test_batch_sampler_matches_torch(batch_size, drop_last):
    ours = cud.BatchSampler(cud.SequentialSampler(range(7)), batch_size, drop_last)
    theirs = tud.BatchSampler(tud.SequentialSampler(range(7)), batch_size, drop_last)
    assert list(ours) == list(theirs)
    assert len(ours) == len(theirs)


@pytest.mark.parametrize("kwargs", [dict(batch_size=0, drop_last=False), dict(batch_size=True, drop_last=False),
                                    dict(batch_size=2, drop_last=1)])
def test_batch_sampler_errors_match_torch(kwargs):
    with pytest.raises(ValueError) as theirs:
        tud.BatchSampler(range(3), **kwargs)
    with pytest.raises(ValueError) as ours:
        cud.BatchSampler(range(3), **kwargs)
    assert str(ours.value) == str(theirs.value)


def test_random_sampler_permutation_and_seed():
    compat.manual_seed(0)
    a = list(cud.RandomSampler(range(20)))
    compat.manual_seed(0)
    b = list(cud.RandomSampler(range(20)))
    assert sorted(a) == list(range(20)) and a == b
    assert a != list(range(20))
    s = cud.RandomSampler(range(20))
    assert list(s) != list(s)  # a fresh order every epoch
    g1, g2 = compat.Generator().manual_seed(5), compat.Generator().manual_seed(5)
    assert list(cud.RandomSampler(range(20), generator=g1)) == list(cud.RandomSampler(range(20), generator=g2))


def test_random_sampler_num_samples_and_replacement():
    out = list(cud.RandomSampler(range(4), num_samples=10))
    assert len(out) == 10 and sorted(out[:4]) == sorted(out[4:8]) == [0, 1, 2, 3]  # torch's blocks
    assert len(set(out[8:])) == 2
    rep = list(cud.RandomSampler(range(4), replacement=True, num_samples=70))
    assert len(rep) == 70 and set(rep) <= {0, 1, 2, 3}
    assert len(cud.RandomSampler(range(4), num_samples=10)) == len(tud.RandomSampler(range(4), num_samples=10))


@pytest.mark.parametrize("kwargs, exc", [(dict(replacement=1), TypeError), (dict(num_samples=0), ValueError),
                                         (dict(num_samples=2.0), ValueError)])
def test_random_sampler_errors_match_torch(kwargs, exc):
    with pytest.raises(exc) as theirs:
        tud.RandomSampler(range(3), **kwargs)
    with pytest.raises(exc) as ours:
        cud.RandomSampler(range(3), **kwargs)
    assert str(ours.value) == str(theirs.value)


def test_subset_random_sampler():
    compat.manual_seed(1)
    out = list(cud.SubsetRandomSampler([10, 20, 30, 40]))
    assert sorted(out) == [10, 20, 30, 40] and len(cud.SubsetRandomSampler([1, 2])) == 2


def test_weighted_random_sampler():
    compat.manual_seed(0)
    w = [0.0, 1.0, 3.0, 0.0]
    draws = list(cud.WeightedRandomSampler(w, 4000))
    counts = np.bincount(draws, minlength=4)
    assert counts[0] == counts[3] == 0
    assert 2.6 < counts[2] / counts[1] < 3.4  # ~3:1 (4000 draws; binomial sd of the ratio ~0.1)
    no_rep = list(cud.WeightedRandomSampler([1.0, 2.0, 3.0, 4.0], 4, replacement=False))
    assert sorted(no_rep) == [0, 1, 2, 3]
    assert str(cud.WeightedRandomSampler(w, 3).weights.dtype) == str(tud.WeightedRandomSampler(w, 3).weights.dtype)
    # without replacement, zero-weight indices come only after every weighted one (as torch)
    three = list(cud.WeightedRandomSampler(w, 3, replacement=False))
    assert sorted(three[:2]) == [1, 2] and three[2] in (0, 3)
    assert sorted(list(tud.WeightedRandomSampler(w, 3, replacement=False))[:2]) == [1, 2]
    with pytest.raises(RuntimeError, match="cannot sample n_sample > prob_dist.size"):
        list(cud.WeightedRandomSampler(w, 5, replacement=False))
    with pytest.raises(RuntimeError, match="cannot sample n_sample > prob_dist.size"):
        list(tud.WeightedRandomSampler(w, 5, replacement=False))
    for kwargs in (dict(weights=[[1.0, 2.0]], num_samples=1), dict(weights=w, num_samples=0),
                   dict(weights=w, num_samples=2, replacement="yes")):
        with pytest.raises(ValueError) as theirs:
            tud.WeightedRandomSampler(**kwargs)
        with pytest.raises(ValueError) as ours:
            cud.WeightedRandomSampler(**kwargs)
        assert str(ours.value) == str(theirs.value)


def test_weighted_sampler_reproducible():
    g = lambda: compat.Generator().manual_seed(9)  # noqa: E731
    assert list(cud.WeightedRandomSampler([1.0, 1.0, 1.0], 20, generator=g())) == \
        list(cud.WeightedRandomSampler([1.0, 1.0, 1.0], 20, generator=g()))
    _ = torch  # torch is the reference imported for the error checks above
