"""DataLoader (single process) against torch.utils.data.DataLoader on the same datasets."""
import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import compat
from compat.utils import data as cud


class Squares:
    """A map-style dataset usable by both libraries: (index as numpy float32 row, int label)."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return np.array([i, i * i], np.float32), int(i % 3)


def _flat(batches):
    """Batches of (x, y) from either library -> list of (x list, y list)."""
    out = []
    for x, y in batches:
        xa = np.asarray(x._data) if isinstance(x, compat.Tensor) else x.numpy()
        ya = np.asarray(y._data) if isinstance(y, compat.Tensor) else y.numpy()
        out.append((xa.tolist(), ya.tolist(), str(xa.dtype), str(ya.dtype)))
    return out


LOADER_ARGS = [dict(batch_size=1), dict(batch_size=4), dict(batch_size=4, drop_last=True),
               dict(batch_size=10), dict(batch_size=3, drop_last=True)]


@pytest.mark.parametrize("kwargs", LOADER_ARGS)
def test_sequential_batches_equal_torch(kwargs):
    ds = Squares(10)
    ours, theirs = cud.DataLoader(ds, **kwargs), tud.DataLoader(ds, **kwargs)
    assert _flat(ours) == _flat(theirs)
    assert len(ours) == len(theirs)


def test_batch_size_none_and_samplers_equal_torch():
    ds = Squares(5)
    ours = [(np.asarray(x._data).tolist(), y) for x, y in cud.DataLoader(ds, batch_size=None)]
    theirs = [(x.tolist(), y) for x, y in tud.DataLoader(ds, batch_size=None)]
    assert ours == theirs and len(cud.DataLoader(ds, batch_size=None)) == 5
    bs = [[4, 0], [2], [1, 3]]
    assert _flat(cud.DataLoader(ds, batch_sampler=bs)) == _flat(tud.DataLoader(ds, batch_sampler=bs))
    sampler = [3, 1, 4, 0]
    assert _flat(cud.DataLoader(ds, sampler=sampler, batch_size=3)) == _flat(tud.DataLoader(ds, sampler=sampler, batch_size=3))
    collate = lambda items: [i for _, i in items]  # noqa: E731
    assert list(cud.DataLoader(ds, batch_size=2, collate_fn=collate)) == list(tud.DataLoader(ds, batch_size=2, collate_fn=collate))


def test_shuffle_is_a_seeded_permutation():
    ds = Squares(20)
    compat.manual_seed(0)
    epoch1 = [y for _, ys in cud.DataLoader(ds, batch_size=20, shuffle=True) for y in np.asarray(ys._data)]
    firsts = [np.asarray(x._data)[:, 0].astype(int).tolist() for x, _ in cud.DataLoader(ds, batch_size=5, shuffle=True)]
    order2 = [i for b in firsts for i in b]
    assert sorted(order2) == list(range(20)) and order2 != list(range(20))
    compat.manual_seed(0)
    again = [y for _, ys in cud.DataLoader(ds, batch_size=20, shuffle=True) for y in np.asarray(ys._data)]
    assert epoch1 == again
    loader = cud.DataLoader(ds, batch_size=20, shuffle=True, generator=compat.Generator().manual_seed(1))
    e1 = np.asarray(next(iter(loader))[0]._data)[:, 0].tolist()
    e2 = np.asarray(next(iter(loader))[0]._data)[:, 0].tolist()
    assert e1 != e2 and sorted(e1) == sorted(e2)  # new permutation each epoch
    loader2 = cud.DataLoader(ds, batch_size=20, shuffle=True, generator=compat.Generator().manual_seed(1))
    assert np.asarray(next(iter(loader2))[0]._data)[:, 0].tolist() == e1


BAD_ARGS = [
    dict(num_workers=-1), dict(timeout=-1), dict(prefetch_factor=2), dict(num_workers=1, prefetch_factor=-1),
    dict(persistent_workers=True), dict(shuffle=True, sampler=[0, 1]),
    dict(batch_sampler=[[0]], batch_size=2), dict(batch_sampler=[[0]], drop_last=True),
    dict(batch_size=None, drop_last=True), dict(multiprocessing_context="fork"),
    dict(num_workers=1, multiprocessing_context="bogus"), dict(num_workers=1, multiprocessing_context=3),
    dict(batch_size=0),
]


@pytest.mark.parametrize("kwargs", BAD_ARGS)
def test_argument_errors_match_torch(kwargs):
    ds = Squares(4)
    with pytest.raises((ValueError, TypeError)) as theirs:
        tud.DataLoader(ds, **kwargs)
    with pytest.raises(theirs.type) as ours:
        cud.DataLoader(ds, **kwargs)
    assert str(ours.value) == str(theirs.value)


def test_attributes_frozen_after_init():
    loader = cud.DataLoader(Squares(4), batch_size=2)
    for attr in ("batch_size", "sampler", "drop_last", "dataset"):
        with pytest.raises(ValueError, match=f"{attr} attribute should not be set after DataLoader is initialized"):
            setattr(loader, attr, None)
    loader.num_workers = 0  # others stay settable, as torch


class Count(cud.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = cud.get_worker_info()
        if info is None:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))

    def __len__(self):
        return self.n


class TCount(tud.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = tud.get_worker_info()
        if info is None:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))

    def __len__(self):
        return self.n


@pytest.mark.parametrize("kwargs", [dict(batch_size=3), dict(batch_size=3, drop_last=True), dict(batch_size=None)])
def test_iterable_dataset_matches_torch(kwargs):
    def plain(b):
        return b if isinstance(b, int) else np.asarray(b._data if isinstance(b, compat.Tensor) else b).tolist()

    ours = [plain(b) for b in cud.DataLoader(Count(8), **kwargs)]
    theirs = [plain(b) for b in tud.DataLoader(TCount(8), **kwargs)]
    assert ours == theirs
    assert len(cud.DataLoader(Count(8), **kwargs)) == len(tud.DataLoader(TCount(8), **kwargs))
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        cud.DataLoader(Count(3), shuffle=True)


def test_tensor_dataset_loader_values():
    x = np.random.default_rng(0).standard_normal((7, 3)).astype(np.float32)
    y = np.arange(7)
    ours = cud.DataLoader(cud.TensorDataset(compat.tensor(x), compat.tensor(y)), batch_size=3)
    theirs = tud.DataLoader(tud.TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=3)
    assert _flat(ours) == _flat(theirs)


def test_pin_memory_is_accepted():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = list(cud.DataLoader(Squares(2), batch_size=2, pin_memory=True))
    assert len(out) == 1
    if not compat.cuda.is_available():
        assert any("pin_memory" in str(x.message) for x in w)  # torch warns the same without a GPU
