"""The tensorflow-datasets path: its error when tfds is absent, and its conversion logic.

tensorflow-datasets is not installed here; the absent case is forced either way by
blocking the import, and the present case runs against a fake `tensorflow_datasets`
module that returns what tfds returns for `batch_size=-1` (a dict of whole-split arrays).
"""
import sys
import types

import numpy as np
import pytest

from functorch_like import data


def test_missing_package_raises_import_error_saying_what_to_do(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow_datasets", None)  # import now fails
    with pytest.raises(ImportError, match="needs tensorflow-datasets") as info:
        data.load_tfds_mnist("train")
    assert "read_mnist" in str(info.value)


def _fake_tfds(load):
    mod = types.ModuleType("tensorflow_datasets")
    mod.load = load
    mod.as_numpy = lambda ds: {k: np.asarray(v) for k, v in ds.items()}
    return mod


def test_fake_tfds_dataset_converts_to_read_mnist_arrays(monkeypatch):
    calls = []
    images = np.random.default_rng(0).integers(0, 256, (3, 28, 28, 1), dtype=np.uint8)

    def load(name, **kw):
        calls.append((name, kw))
        return {"image": images, "label": np.array([4, 0, 9], dtype=np.int64)}

    monkeypatch.setitem(sys.modules, "tensorflow_datasets", _fake_tfds(load))
    out_images, out_labels = data.load_tfds_mnist("test[:3]")
    assert calls == [("mnist", {"split": "test[:3]", "batch_size": -1, "data_dir": None,
                                "download": False})]
    assert out_images.shape == (3, 28, 28) and out_images.dtype == np.uint8
    np.testing.assert_array_equal(out_images, images[..., 0])
    assert out_labels.dtype == np.int64 and out_labels.tolist() == [4, 0, 9]


def test_absent_tfds_data_raises_file_not_found(monkeypatch):
    def load(name, **kw):
        raise AssertionError("Dataset mnist: could not find data in /nowhere")

    monkeypatch.setitem(sys.modules, "tensorflow_datasets", _fake_tfds(load))
    with pytest.raises(FileNotFoundError, match="no prepared 'mnist'.*download=True"):
        data.load_tfds_mnist("train", data_dir="/nowhere")


def test_tfds_to_numpy_rejects_bad_examples():
    good = np.zeros((2, 28, 28), np.uint8)
    with pytest.raises(ValueError, match="expected keys 'image' and 'label'"):
        data.tfds_to_numpy({"image": good})
    with pytest.raises(ValueError, match=r"uint8 images .* got float32 \(2, 28, 28\)"):
        data.tfds_to_numpy({"image": good.astype(np.float32), "label": np.array([1, 2])})
    with pytest.raises(ValueError, match="expected 2 integer labels"):
        data.tfds_to_numpy({"image": good, "label": np.array([1, 2, 3])})
