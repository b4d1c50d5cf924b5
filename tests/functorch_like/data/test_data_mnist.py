"""functorch_like.data's MNIST reading, checked against facts about the real files.

The shipped files are the four canonical MNIST files. Expected values are independent
published facts, not our output: split sizes, the first labels (LeCun's files), the
per-class counts, and torchvision's normalisation constants (0.1307, 0.3081), which are
the training pixels' mean and std. Normalisation is compared with torch's own float32
ops (torchvision's ToTensor/Normalize arithmetic), exactly.
"""
import gzip
import shutil
import struct

import numpy as np
import pytest
import torch

from functorch_like import data

TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.fixture(scope="module")
def train():
    return data.read_mnist(data.default_data_root(), train=True)


@pytest.fixture(scope="module")
def test_split():
    return data.read_mnist(train=False)


def test_train_split_facts(train):
    images, labels = train
    assert images.shape == (60000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (60000,) and labels.dtype == np.int64
    assert labels[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert np.bincount(labels, minlength=10).tolist() == TRAIN_COUNTS
    scaled = images.astype(np.float64) / 255
    assert round(scaled.mean(), 4) == 0.1307  # torchvision's Normalize mean
    assert round(scaled.std(), 4) == 0.3081  # and std
    assert images.min() == 0 and images.max() == 255


def test_test_split_facts(test_split):
    images, labels = test_split
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(labels, minlength=10).tolist() == TEST_COUNTS
    assert sum(TEST_COUNTS) == len(labels)


def _raw_copy(tmp_path, compress):
    """torchvision's layout under tmp_path with the test split, .gz or extracted."""
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    src = data.default_data_root() / "MNIST" / "raw"
    for stem in ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]:
        if compress:
            shutil.copy(src / f"{stem}.gz", raw / f"{stem}.gz")
        else:
            with gzip.open(src / f"{stem}.gz", "rb") as f, open(raw / stem, "wb") as g:
                shutil.copyfileobj(f, g)
    return raw


def test_uncompressed_files_read_the_same(tmp_path, test_split):
    _raw_copy(tmp_path, compress=False)
    images, labels = data.read_mnist(tmp_path, train=False)
    np.testing.assert_array_equal(images, test_split[0])
    np.testing.assert_array_equal(labels, test_split[1])


def test_missing_files_name_expected_paths(tmp_path):
    _raw_copy(tmp_path, compress=True)
    with pytest.raises(FileNotFoundError) as info:
        data.read_mnist(tmp_path, train=True)
    msg = str(info.value)
    for stem in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"]:
        assert str(tmp_path / "MNIST" / "raw" / stem) + "[.gz]" in msg


def test_wrong_magic_and_truncation_are_reported(tmp_path):
    raw = _raw_copy(tmp_path, compress=False)
    images = raw / "t10k-images-idx3-ubyte"
    labels = raw / "t10k-labels-idx1-ubyte"
    good_labels = labels.read_bytes()
    labels.write_bytes(images.read_bytes()[:1000])  # an images header where labels belong
    with pytest.raises(ValueError, match="magic number 2051 is not the MNIST labels magic 2049"):
        data.read_mnist(tmp_path, train=False)
    labels.write_bytes(good_labels[:-3])  # truncated
    with pytest.raises(ValueError, match=r"shape \(10000,\) \(10000 data bytes\) but the file has 9997"):
        data.read_mnist(tmp_path, train=False)


def test_parse_idx_generic_dtypes_and_errors():
    values = np.array([[1, -2, 3], [70000, 5, -6]], dtype=np.int32)
    raw = bytes([0, 0, 0x0C, 2]) + struct.pack(">II", 2, 3) + values.astype(">i4").tobytes()
    out = data.parse_idx(raw)
    assert out.dtype == np.int32 and out.dtype.isnative
    np.testing.assert_array_equal(out, values)
    floats = np.array([1.5, -0.25], dtype=np.float64)
    raw = bytes([0, 0, 0x0E, 1]) + struct.pack(">I", 2) + floats.astype(">f8").tobytes()
    np.testing.assert_array_equal(data.parse_idx(raw), floats)
    with pytest.raises(ValueError, match="not an IDX file"):
        data.parse_idx(b"\x01\x00\x08\x01")
    with pytest.raises(ValueError, match="unknown IDX type byte 0x07"):
        data.parse_idx(bytes([0, 0, 7, 1, 0, 0, 0, 0]))


def test_default_data_root_env_override(monkeypatch, tmp_path):
    monkeypatch.setenv("FUNCTORCH_LIKE_DATA", str(tmp_path))
    assert data.default_data_root() == tmp_path
    monkeypatch.delenv("FUNCTORCH_LIKE_DATA")
    assert (data.default_data_root() / "MNIST" / "raw" / "train-images-idx3-ubyte.gz").is_file()


def test_normalize_equals_torchvision_arithmetic(test_split):
    images = test_split[0][:64]
    ours = data.normalize(images)
    # torchvision: ToTensor -> img.float().div(255); Normalize -> sub_(mean).div_(std)
    # with mean/std as float32 tensors.
    t = torch.from_numpy(images).unsqueeze(1).float().div(255)
    t = t.sub(torch.tensor([0.1307]).view(-1, 1, 1)).div(torch.tensor([0.3081]).view(-1, 1, 1))
    assert ours.dtype == np.float32 and ours.shape == (64, 1, 28, 28)
    np.testing.assert_array_equal(ours, t.numpy())
    rgb = np.random.default_rng(0).integers(0, 256, (2, 4, 5, 3), dtype=np.uint8)
    mean, std = (0.5, 0.4, 0.3), (0.2, 0.25, 0.3)
    t = torch.from_numpy(rgb).permute(0, 3, 1, 2).float().div(255)
    t = t.sub(torch.tensor(mean).view(-1, 1, 1)).div(torch.tensor(std).view(-1, 1, 1))
    np.testing.assert_array_equal(data.normalize(rgb, mean, std), t.numpy())
    with pytest.raises(ValueError, match="one entry per channel"):
        data.normalize(rgb)
    with pytest.raises(ValueError, match=r"got \(28, 28\)"):
        data.normalize(images[0])
