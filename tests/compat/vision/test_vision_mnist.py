"""compat.vision.datasets.MNIST / FashionMNIST: the shipped MNIST files, synthetic files,
downloads from a local server and offline failure (no internet is touched)."""
import gzip
import hashlib
import http.server
import os
import pathlib
import shutil
import socket
import threading

import numpy as np
import pytest
import torch
from PIL import Image

import compat
from compat.utils.data import DataLoader, Subset
from compat.vision import datasets, transforms

REPO = pathlib.Path(__file__).resolve().parents[3]
RAW = REPO / "data" / "MNIST" / "raw"


def _raw_idx(path):
    """Independent IDX read: gunzip, skip the header (16 bytes images / 8 labels)."""
    raw = gzip.decompress(path.read_bytes())
    ndim = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(shape)


@pytest.fixture(scope="module")
def test_split():
    return datasets.MNIST(str(REPO / "data"), train=False)


def test_train_split_shapes_labels_and_pixels():
    ds = datasets.MNIST(REPO / "data", train=True)
    assert len(ds) == 60000
    assert tuple(ds.data.shape) == (60000, 28, 28) and str(ds.data.dtype) == "torch.uint8"
    assert str(ds.targets.dtype) == "torch.int64"
    assert np.asarray(ds.targets[:5]._data).tolist() == [5, 0, 4, 1, 9]
    raw_images = _raw_idx(RAW / "train-images-idx3-ubyte.gz")
    raw_labels = _raw_idx(RAW / "train-labels-idx1-ubyte.gz")
    for i in (0, 1, 12345, 59999):
        img, label = ds[i]
        assert isinstance(img, Image.Image) and img.mode == "L" and img.size == (28, 28)
        np.testing.assert_array_equal(np.asarray(img), raw_images[i])
        assert label == int(raw_labels[i]) and type(label) is int
    np.testing.assert_array_equal(np.asarray(ds.data[59999]._data), raw_images[59999])


def test_test_split_and_metadata(test_split):
    ds = test_split
    assert len(ds) == 10000 and np.asarray(ds.targets[:5]._data).tolist() == [7, 2, 1, 0, 4]
    assert ds.classes[3] == "3 - three" and ds.class_to_idx["9 - nine"] == 9
    assert ds.raw_folder == os.path.join(str(REPO / "data"), "MNIST", "raw")
    assert repr(ds).splitlines()[:4] == ["Dataset MNIST", "    Number of datapoints: 10000",
                                         f"    Root location: {REPO / 'data'}", "    Split: Test"]
    with pytest.warns(UserWarning, match="test_labels has been renamed targets"):
        assert ds.test_labels is ds.targets


def test_transforms_applied(test_split):
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    ds = datasets.MNIST(str(REPO / "data"), train=False, transform=tf, target_transform=lambda y: y + 100)
    x, y = ds[0]
    raw = np.asarray(test_split.data[0]._data)
    expected = ((raw.astype(np.float32) / np.float32(255)) - np.float32(0.1307)) / np.float32(0.3081)
    assert tuple(x.shape) == (1, 28, 28) and str(x.dtype) == "torch.float32" and y == 107
    np.testing.assert_allclose(np.asarray(x._data)[0], expected, rtol=1e-6, atol=1e-6)
    assert "Transform: Compose(" in repr(ds) and "Target transform:" in repr(ds)


def test_data_and_targets_are_assignable(test_split):
    ds = datasets.MNIST(str(REPO / "data"), train=False)
    keep = np.asarray(ds.targets._data) == 3
    ds.data, ds.targets = ds.data[compat.tensor(keep)], ds.targets[compat.tensor(keep)]
    assert len(ds) == int(keep.sum()) and all(ds[i][1] == 3 for i in range(5))


def test_loader_with_workers_matches_single_process(test_split):
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    ds = Subset(datasets.MNIST(str(REPO / "data"), train=False, transform=tf), list(range(96)))
    single = [(np.asarray(x._data), np.asarray(y._data)) for x, y in DataLoader(ds, batch_size=32)]
    multi = [(np.asarray(x._data), np.asarray(y._data)) for x, y in DataLoader(ds, batch_size=32, num_workers=2)]
    assert len(multi) == 3
    raw = np.asarray(test_split.data[:96]._data)
    exact = ((raw.astype(np.float32) / np.float32(255)) - np.float32(0.1307)) / np.float32(0.3081)
    for k, ((xa, ya), (xb, yb)) in enumerate(zip(single, multi)):
        assert xb.dtype == np.float32 and xb.shape == (32, 1, 28, 28)
        # workers compute with numpy: IEEE float32, bit-equal to torch's ToTensor + Normalize
        np.testing.assert_array_equal(xb[:, 0], exact[32 * k:32 * (k + 1)])
        # the main process divides with XLA, whose CPU float32 division can be 1 ulp off IEEE
        np.testing.assert_allclose(xa, xb, rtol=1e-6, atol=0)
        np.testing.assert_array_equal(ya, yb)


def test_missing_files_error_names_paths(tmp_path):
    with pytest.raises(RuntimeError, match=r"Dataset not found. You can use download=True") as err:
        datasets.MNIST(str(tmp_path), train=False)
    msg = str(err.value)
    assert os.path.join(str(tmp_path), "MNIST", "raw", "t10k-images-idx3-ubyte") in msg
    assert "ossci-datasets.s3.amazonaws.com" in msg and "9fb629c4189551a2d022fa330f9573f3" in msg


def _closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens here once the socket is closed


def test_download_offline_fails_clearly(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets.MNIST, "mirrors", [f"http://127.0.0.1:{_closed_port()}/mnist/"])
    with pytest.raises(RuntimeError, match=r"Error downloading train-images-idx3-ubyte.gz") as err:
        datasets.MNIST(str(tmp_path), train=True, download=True)
    msg = str(err.value)
    assert "Connection refused" in msg or "refused" in msg.lower()
    assert os.path.join(str(tmp_path), "MNIST", "raw", "train-images-idx3-ubyte") in msg
    assert not any(p.name.endswith(".part") for p in (tmp_path / "MNIST" / "raw").iterdir())


def _idx(array):
    """IDX bytes of a uint8 array (magic 0x0000 0x08 ndim, big-endian sizes)."""
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(s).to_bytes(4, "big") for s in array.shape)
    return header + array.astype(np.uint8).tobytes()


def _synthetic(n, seed):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n).astype(np.uint8)


def test_fashion_mnist_synthetic_files(tmp_path):
    raw = tmp_path / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    train_x, train_y = _synthetic(6, 0)
    test_x, test_y = _synthetic(4, 1)
    (raw / "train-images-idx3-ubyte").write_bytes(_idx(train_x))  # extracted, as torchvision leaves them
    (raw / "train-labels-idx1-ubyte").write_bytes(_idx(train_y))
    (raw / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(_idx(test_x)))  # gzipped
    (raw / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(_idx(test_y)))
    train = datasets.FashionMNIST(str(tmp_path), train=True)
    test = datasets.FashionMNIST(tmp_path, train=False, transform=transforms.PILToTensor())
    assert len(train) == 6 and len(test) == 4
    assert train.classes[0] == "T-shirt/top" and train.classes[9] == "Ankle boot"
    np.testing.assert_array_equal(np.asarray(train[5][0]), train_x[5])
    assert train[5][1] == int(train_y[5])
    x, y = test[2]
    assert str(x.dtype) == "torch.uint8" and tuple(x.shape) == (1, 28, 28) and y == int(test_y[2])
    np.testing.assert_array_equal(np.asarray(x._data)[0], test_x[2])
    np.testing.assert_array_equal(np.asarray(test.targets._data), test_y.astype(np.int64))
    with pytest.raises(RuntimeError, match=r"Dataset not found[\s\S]*/MNIST/raw/t10k-images"):  # separate folders
        datasets.MNIST(str(tmp_path), train=False)


def test_corrupt_files_are_reported(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    x, y = _synthetic(3, 2)
    (raw / "t10k-images-idx3-ubyte").write_bytes(_idx(x)[:-5])  # truncated
    (raw / "t10k-labels-idx1-ubyte").write_bytes(_idx(y))
    with pytest.raises(RuntimeError, match="cannot read"):
        datasets.MNIST(str(tmp_path), train=False)
    (raw / "t10k-images-idx3-ubyte").write_bytes(_idx(x))
    (raw / "t10k-labels-idx1-ubyte").write_bytes(_idx(np.zeros(5, np.uint8)))
    with pytest.raises(RuntimeError, match="labels for 3 images"):
        datasets.MNIST(str(tmp_path), train=False)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_download_from_a_mirror_verifies_md5_and_extracts(tmp_path, monkeypatch):
    served = tmp_path / "served"
    served.mkdir()
    files = {}
    for stem, arr in zip(["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                          "t10k-labels-idx1-ubyte"], [*_synthetic(5, 3), *_synthetic(2, 4)]):
        data = gzip.compress(_idx(arr))
        (served / (stem + ".gz")).write_bytes(data)
        files[stem + ".gz"] = hashlib.md5(data).hexdigest()
    handler = lambda *a, **k: _QuietHandler(*a, directory=str(served), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        dead = f"http://127.0.0.1:{_closed_port()}/"
        live = f"http://127.0.0.1:{server.server_address[1]}/"
        monkeypatch.setattr(datasets.FashionMNIST, "mirrors", [dead, live])  # first mirror fails
        monkeypatch.setattr(datasets.FashionMNIST, "resources", list(files.items()))
        ds = datasets.FashionMNIST(str(tmp_path / "root"), train=True, download=True)
        assert len(ds) == 5
        raw = tmp_path / "root" / "FashionMNIST" / "raw"
        assert sorted(p.name for p in raw.iterdir()) == sorted(list(files) + [f[:-3] for f in files])
        np.testing.assert_array_equal(np.asarray(ds.data._data), _synthetic(5, 3)[0])
        # a mirror serving a file with the wrong md5 is rejected
        shutil.rmtree(tmp_path / "root")
        bad = dict(files)
        bad["train-images-idx3-ubyte.gz"] = "0" * 32
        monkeypatch.setattr(datasets.FashionMNIST, "resources", list(bad.items()))
        with pytest.raises(RuntimeError, match="expected 0{32}"):
            datasets.FashionMNIST(str(tmp_path / "root"), train=True, download=True)
    finally:
        server.shutdown()
        server.server_close()


def test_torchvision_legacy_processed_files(tmp_path):
    proc = tmp_path / "MNIST" / "processed"
    proc.mkdir(parents=True)
    x, y = _synthetic(3, 5)
    torch.save((torch.tensor(x), torch.tensor(y.astype(np.int64))), proc / "training.pt")
    torch.save((torch.tensor(x[:2]), torch.tensor(y[:2].astype(np.int64))), proc / "test.pt")
    ds = datasets.MNIST(str(tmp_path), train=False)
    assert len(ds) == 2 and ds[1][1] == int(y[1])
    np.testing.assert_array_equal(np.asarray(ds[1][0]), x[1])
