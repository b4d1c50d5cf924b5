"""functorch_like.data.batches: determinism, coverage, epochs, drop_last, errors.

The batch_size error is compared with torch's DataLoader message, captured live.
"""
import jax
import numpy as np
import pytest
import torch

from functorch_like import data


def _arrays(n=10):
    x = np.arange(n * 2, dtype=np.float32).reshape(n, 2)
    return x, np.arange(n, dtype=np.int64)


def test_unshuffled_batches_are_ordered_views():
    x, y = _arrays()
    got = list(data.batches((x, y), 4, shuffle=False))
    assert [b[1].tolist() for b in got] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert np.shares_memory(got[0][0], x)
    assert [b[1].tolist() for b in data.batches((x, y), 4, shuffle=False, drop_last=True)] == [
        [0, 1, 2, 3], [4, 5, 6, 7]]
    assert data.num_batches(10, 4) == 3 and data.num_batches(10, 4, drop_last=True) == 2


@pytest.mark.parametrize("rng", ["seed", "key"])
def test_shuffled_batches_cover_once_align_and_are_deterministic(rng):
    x, y = _arrays(23)
    kw = {"seed": 7} if rng == "seed" else {"key": jax.random.key(7)}
    first = list(data.batches((x, y), 5, epoch=0, **kw))
    again = list(data.batches((x, y), 5, epoch=0, **kw))
    other = list(data.batches((x, y), 5, epoch=1, **kw))
    labels = np.concatenate([b[1] for b in first])
    assert sorted(labels.tolist()) == list(range(23))  # each example exactly once
    assert labels.tolist() != list(range(23))  # actually shuffled
    for bx, by in first:
        np.testing.assert_array_equal(bx, x[by])  # rows stay aligned across arrays
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(first, again))
    assert np.concatenate([b[1] for b in other]).tolist() != labels.tolist()
    assert [len(b[1]) for b in first] == [5, 5, 5, 5, 3]
    assert [len(b[1]) for b in data.batches((x, y), 5, drop_last=True, **kw)] == [5] * 4


def test_permutation_is_a_function_of_seed_and_epoch():
    a = data.permutation(50, seed=3, epoch=2)
    np.testing.assert_array_equal(a, np.random.default_rng([3, 2]).permutation(50))
    assert not np.array_equal(a, data.permutation(50, seed=4, epoch=2))


def test_batch_errors():
    x, y = _arrays()
    try:
        torch.utils.data.DataLoader(list(range(3)), batch_size=0)
    except ValueError as e:
        expected = str(e)
    with pytest.raises(ValueError) as info:
        next(data.batches((x, y), 0))
    assert str(info.value) == expected
    with pytest.raises(ValueError, match=r"share their first dimension, got shapes \[\(10, 2\), \(9,\)\]"):
        next(data.batches((x, y[:9]), 2))
    with pytest.raises(TypeError, match="non-empty tuple"):
        next(data.batches([x, y], 2))
