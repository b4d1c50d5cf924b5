"""DataLoader with worker processes: results, ordering, seeding, errors, shutdown, speed."""
import gc
import multiprocessing as mp
import os
import time

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import compat
from compat.utils import data as cud
from compat.utils.data import _worker


class Squares:
    def __len__(self):
        return 13

    def __getitem__(self, i):
        return np.array([i, i * i], np.float32), i


class WhoLoads:
    """Each item reports which worker produced it (None in the main process)."""

    def __init__(self, info_fn, n=12):
        self.info_fn, self.n = info_fn, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        info = self.info_fn()
        return i, -1 if info is None else info.id


def _who_compat():
    return cud.get_worker_info()


def _who_torch():
    return tud.get_worker_info()


class Sleepy:
    def __init__(self, n, delay):
        self.n, self.delay = n, delay

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        time.sleep(self.delay)
        return np.full(4, i, np.float32)


class Fails:
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 5:
            raise KeyError(f"no item {i} here")
        return i


class Pids:
    def __len__(self):
        return 6

    def __getitem__(self, i):
        return os.getpid()


class SeedProbe:
    """Returns the worker's seeds: WorkerInfo.seed, python random and numpy draws."""

    def __len__(self):
        return 4

    def __getitem__(self, i):
        import random

        info = cud.get_worker_info()
        return info.seed, random.random(), float(np.random.rand())


_INIT_CALLS = []


def _init(worker_id):
    _INIT_CALLS.append(worker_id)
    np.random.seed(1000 + worker_id)


class InitProbe:
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return len(_INIT_CALLS), _INIT_CALLS[0], float(np.random.rand())


def _values(batches):
    out = []
    for x, y in batches:
        out.append((np.asarray(x._data).tolist(), np.asarray(y._data).tolist(), str(x.dtype), str(y.dtype)))
    return out


def _torch_values(batches):
    out = []
    for x, y in batches:
        out.append((x.numpy().tolist(), y.numpy().tolist(), str(x.dtype), str(y.dtype)))
    return out


def _children_alive():
    return [p for p in mp.active_children() if p.is_alive()]


@pytest.mark.parametrize("kwargs", [dict(batch_size=3), dict(batch_size=3, drop_last=True), dict(batch_size=5, shuffle=False)])
def test_workers_give_the_same_batches_in_order(kwargs):
    ds = Squares()
    single = _values(cud.DataLoader(ds, **kwargs))
    multi = _values(cud.DataLoader(ds, num_workers=2, **kwargs))
    theirs = _torch_values(tud.DataLoader(ds, **kwargs))
    assert multi == single == theirs
    assert not _children_alive()  # workers shut down at the end of the epoch


def test_tensor_dataset_in_workers():
    x = compat.tensor(np.arange(20, dtype=np.float32).reshape(10, 2))
    y = compat.tensor(np.arange(10))
    ds = cud.TensorDataset(x, y)
    assert _values(cud.DataLoader(ds, batch_size=4, num_workers=2)) == _values(cud.DataLoader(ds, batch_size=4))


def test_round_robin_worker_assignment_matches_torch():
    ours = [(list(np.asarray(i._data)), list(np.asarray(w._data)))
            for i, w in cud.DataLoader(WhoLoads(_who_compat), batch_size=2, num_workers=2)]
    theirs = [(list(i.numpy()), list(w.numpy())) for i, w in tud.DataLoader(WhoLoads(_who_torch), batch_size=2, num_workers=2)]
    assert [(list(map(int, a)), list(map(int, b))) for a, b in ours] == \
        [(list(map(int, a)), list(map(int, b))) for a, b in theirs]


def test_shuffled_workers_are_a_reproducible_permutation():
    ds = Squares()

    def order():
        compat.manual_seed(7)
        return [int(v) for _, y in cud.DataLoader(ds, batch_size=4, shuffle=True, num_workers=2) for v in np.asarray(y._data)]

    a, b = order(), order()
    assert a == b and sorted(a) == list(range(13)) and a != list(range(13))


def test_worker_seeds_follow_torchs_rule():
    compat.manual_seed(3)
    batches = list(cud.DataLoader(SeedProbe(), batch_size=2, num_workers=2))
    seeds = [int(s) for b in batches for s in np.asarray(b[0]._data)]
    assert seeds[0] == seeds[1] and seeds[2] == seeds[3] and seeds[2] == seeds[0] + 1  # base_seed + worker_id
    py_draws = [float(v) for b in batches for v in np.asarray(b[1]._data)]
    assert len(set(py_draws)) == 4  # workers' random streams differ
    compat.manual_seed(3)
    again = list(cud.DataLoader(SeedProbe(), batch_size=2, num_workers=2))
    assert [np.asarray(t._data).tolist() for b in again for t in b] == [np.asarray(t._data).tolist() for b in batches for t in b]


def test_worker_init_fn_and_get_worker_info():
    batches = list(cud.DataLoader(InitProbe(), batch_size=2, num_workers=2, worker_init_fn=_init))
    counts = [np.asarray(b[0]._data).tolist() for b in batches]
    ids = [np.asarray(b[1]._data).tolist() for b in batches]
    assert counts == [[1, 1], [1, 1]] and ids == [[0, 0], [1, 1]]  # init_fn ran once per worker, with its id
    expected = [np.random.RandomState(1000).rand(2).tolist(), np.random.RandomState(1001).rand(2).tolist()]
    assert [np.asarray(b[2]._data).tolist() for b in batches] == expected
    assert cud.get_worker_info() is None and _INIT_CALLS == []  # main process untouched


def test_persistent_workers_survive_epochs_and_shut_down():
    loader = cud.DataLoader(Pids(), batch_size=2, num_workers=2, persistent_workers=True)
    e1 = sorted({int(p) for b in loader for p in np.asarray(b._data)})
    e2 = sorted({int(p) for b in loader for p in np.asarray(b._data)})
    assert e1 == e2 and len(e1) == 2 and os.getpid() not in e1
    assert len(_children_alive()) == 2
    del loader
    gc.collect()
    deadline = time.time() + 5
    while _children_alive() and time.time() < deadline:
        time.sleep(0.05)
    assert not _children_alive()


def test_worker_exception_is_reraised_with_its_traceback():
    it = iter(cud.DataLoader(Fails(), batch_size=2, num_workers=2))
    assert np.asarray(next(it)._data).tolist() == [0, 1]
    assert np.asarray(next(it)._data).tolist() == [2, 3]
    with pytest.raises(KeyError) as err:
        next(it)
    text = str(err.value)
    assert "Caught KeyError in DataLoader worker process 0" in text
    assert "no item 5 here" in text and "in __getitem__" in text  # the worker's own traceback
    assert np.asarray(next(it)._data).tolist() == [6, 7]  # as torch, the iterator goes on
    with pytest.raises(StopIteration):
        next(it)
    del it, err
    gc.collect()
    assert not _children_alive()


def test_timeout():
    with pytest.raises(RuntimeError, match=r"DataLoader timed out after 0.2 seconds"):
        list(cud.DataLoader(Sleepy(2, 1.0), num_workers=1, timeout=0.2))
    gc.collect()
    assert not _children_alive()


def test_spawn_workers_can_run_jax():
    from _spawn_datasets import UsesJax as SpawnUsesJax  # a torch-free module for the child

    out = list(cud.DataLoader(SpawnUsesJax(), batch_size=2, num_workers=1, multiprocessing_context="spawn"))
    np.testing.assert_array_equal(np.asarray(out[0]._data), [[0.0, 0.0], [1.0, 1.0]])


def test_in_order_false_delivers_everything():
    got = sorted(int(v) for b in cud.DataLoader(Squares(), batch_size=2, num_workers=2, in_order=False)
                 for v in np.asarray(b[1]._data))
    assert got == list(range(13))


def test_two_workers_are_faster_on_a_slow_dataset():
    list(cud.DataLoader(Sleepy(2, 0.0), batch_size=2))  # warm-up: compile-once costs out of the timing
    ds = Sleepy(40, 0.05)  # 40 x 50 ms of waiting per epoch: large against a worker's fork cost
    t0 = time.perf_counter()
    serial = list(cud.DataLoader(ds, batch_size=2))
    t_serial = time.perf_counter() - t0
    t0 = time.perf_counter()
    parallel = list(cud.DataLoader(ds, batch_size=2, num_workers=2))
    t_parallel = time.perf_counter() - t0
    assert [np.asarray(b._data).tolist() for b in parallel] == [np.asarray(b._data).tolist() for b in serial]
    # 2 workers halve the waiting (~0.5 s of 1 s); forking a JAX process (~50-100 ms per
    # worker) and the pipes cost some of the gain
    assert t_serial / t_parallel >= 1.3, (t_serial, t_parallel)
    _ = torch


class Shards(cud.IterableDataset):
    """Each worker yields every num_workers-th item, as torch's docs suggest."""

    def __iter__(self):
        info = cud.get_worker_info()
        start, step = (0, 1) if info is None else (info.id, info.num_workers)
        return iter(range(start, 8, step))


class TShards(tud.IterableDataset):
    def __iter__(self):
        info = tud.get_worker_info()
        start, step = (0, 1) if info is None else (info.id, info.num_workers)
        return iter(range(start, 8, step))


@pytest.mark.parametrize("kwargs", [dict(batch_size=3), dict(batch_size=3, drop_last=True)])
def test_iterable_dataset_with_workers_matches_torch(kwargs):
    ours = [np.asarray(b._data).tolist() for b in cud.DataLoader(Shards(), num_workers=2, **kwargs)]
    theirs = [b.tolist() for b in tud.DataLoader(TShards(), num_workers=2, **kwargs)]
    assert ours == theirs
    loader = cud.DataLoader(Shards(), num_workers=2, persistent_workers=True, **kwargs)
    assert [np.asarray(b._data).tolist() for b in loader] == theirs
    assert [np.asarray(b._data).tolist() for b in loader] == theirs  # second epoch restarts the iterators
