"""default_collate / default_convert against torch's, in the main process and in worker mode."""
import collections

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import compat
from compat.utils import data as cud
from compat.utils.data import _worker
from compat.utils.data._host import HostTensor, to_compat

Point = collections.namedtuple("Point", "x y")


def _same(ours, theirs):
    """Recursive structural equality: tensors by dtype/shape/value, containers by type."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, compat.Tensor), type(ours)
        assert str(ours.dtype) == str(theirs.dtype) and tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_array_equal(np.asarray(ours._data), theirs.numpy())
    elif isinstance(theirs, dict):
        assert type(ours) is type(theirs) and list(ours) == list(theirs)
        for k in theirs:
            _same(ours[k], theirs[k])
    elif isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _same(a, b)
    else:
        assert ours == theirs and type(ours) is type(theirs)


def _to_compat_sample(sample):
    """The same sample with torch tensors replaced by compat tensors."""
    if isinstance(sample, torch.Tensor):
        return compat.tensor(sample.numpy())
    if isinstance(sample, Point):
        return Point(*(_to_compat_sample(s) for s in sample))
    if isinstance(sample, dict):
        return type(sample)((k, _to_compat_sample(v)) for k, v in sample.items())
    if isinstance(sample, (list, tuple)):
        return type(sample)(_to_compat_sample(s) for s in sample)
    return sample


BATCHES = {
    "tensors": [torch.ones(2, 3), torch.zeros(2, 3)],
    "int_tensors": [torch.tensor([1, 2]), torch.tensor([3, 4])],
    "numpy": [np.arange(3, dtype=np.float32), np.ones(3, dtype=np.float32)],
    "numpy_int": [np.arange(2), np.arange(2)],
    "numpy_scalars": [np.float32(1.5), np.float32(2.5)],
    "numpy_f64_scalar": [np.float64(1.0), np.float64(2.0)],
    "floats": [1.0, 2.5, 3.0],
    "ints": [1, 2, 3],
    "bools": [True, False],
    "mixed_int_bool": [1, True],
    "strings": ["a", "bc"],
    "dicts": [{"x": torch.ones(2), "y": 1}, {"x": torch.zeros(2), "y": 2}],
    "ordered": [collections.OrderedDict(b=1.0, a=2), collections.OrderedDict(b=2.0, a=3)],
    "namedtuples": [Point(torch.ones(1), 1.0), Point(torch.zeros(1), 2.0)],
    "tuples": [(torch.ones(2), 1, "a"), (torch.zeros(2), 0, "b")],
    "lists": [[1, 2.0], [3, 4.0]],
    "nested": [{"img": (np.ones((2, 2), np.uint8), 3)}, {"img": (np.zeros((2, 2), np.uint8), 4)}],
}


@pytest.mark.parametrize("name", sorted(BATCHES))
def test_default_collate_matches_torch(name):
    batch = BATCHES[name]
    theirs = tud.default_collate(batch)
    ours = cud.default_collate([_to_compat_sample(s) for s in batch])
    _same(ours, theirs)


@pytest.fixture
def worker_mode():
    """Pretends to be inside a DataLoader worker (what compat's data code checks)."""
    _worker._worker_info = _worker.WorkerInfo(id=0, num_workers=1, seed=0, dataset=None)
    try:
        yield
    finally:
        _worker._worker_info = None


@pytest.mark.parametrize("name", sorted(BATCHES))
def test_default_collate_in_worker_mode_builds_host_tensors(name, worker_mode):
    batch = BATCHES[name]
    theirs = tud.default_collate(batch)
    ours = cud.default_collate([_to_compat_sample(s) for s in batch])

    def no_compat_tensors(x):
        assert not isinstance(x, compat.Tensor)
        if isinstance(x, dict):
            for v in x.values():
                no_compat_tensors(v)
        elif isinstance(x, (list, tuple)):
            for v in x:
                no_compat_tensors(v)

    no_compat_tensors(ours)  # nothing in a worker batch runs JAX
    _worker._worker_info = None
    _same(to_compat(ours), theirs)  # what the main process hands to the user


def test_default_collate_errors_match_torch():
    cases = [[torch.ones(2), torch.ones(3)], [[1, 2], [3]], [object(), object()], [np.array(["a", "b"])] * 2]
    for batch in cases:
        with pytest.raises((RuntimeError, TypeError)) as theirs:
            tud.default_collate(batch)
        with pytest.raises(theirs.type) as ours:
            cud.default_collate([_to_compat_sample(s) for s in batch])
        if theirs.type is TypeError or "each element" in str(theirs.value):
            assert str(ours.value) == str(theirs.value)
        else:  # torch.stack's message, ours names the same shapes
            assert "stack expects each tensor to be equal size, but got [2] at entry 0 and [3] at entry 1" in str(ours.value)
            assert "stack expects each tensor to be equal size" in str(theirs.value)


@pytest.mark.parametrize("sample", [np.arange(3.0), np.float32(2.0), {"a": np.ones(2), "b": "s"}, (np.ones(1), 2),
                                    Point(np.zeros(1), 1), [np.ones(2)], "text", 3, np.array(["x"])])
def test_default_convert_matches_torch(sample):
    theirs = tud.default_convert(sample)
    ours = cud.default_convert(sample)
    if isinstance(theirs, np.ndarray):
        assert isinstance(ours, np.ndarray) and ours.tolist() == theirs.tolist()
    else:
        _same(ours, theirs)


def test_host_tensor_conversion_keeps_plain_numpy():
    batch = {"t": np.ones(2).view(HostTensor), "n": np.ones(2), "s": ["a"], "z": np.asarray(1.0).view(HostTensor)}
    out = to_compat(batch)
    assert isinstance(out["t"], compat.Tensor) and isinstance(out["n"], np.ndarray)
    assert isinstance(out["z"], compat.Tensor) and out["z"].shape == ()
    assert out["s"] == ["a"]
