"""compat.save / compat.load against real torch.save / torch.load (torch 2.13.0).

Values are compared exactly (a checkpoint moves bytes; any difference is a bug).
"""
import collections
import io
import os
import pathlib
import pickle
import struct
import zipfile

import numpy as np
import pytest
import torch

import compat
from compat._checkpoint._pickler import TorchPickler, storage_bytes
from compat._checkpoint._zip import RecordWriter

ALL_DTYPES = ["float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64",
              "uint8", "bool", "complex64", "complex128"]


def _np(x):
    """compat or torch tensor -> numpy (bfloat16 via float32, exact)."""
    if isinstance(x, torch.Tensor):
        x = x.detach()
        return x.float().numpy() if x.dtype == torch.bfloat16 else x.numpy()
    a = np.asarray(x._data)
    return a.astype(np.float32) if str(a.dtype) == "bfloat16" else a


def _assert_same(ours, theirs):
    """Recursively: same container types/keys, tensors equal in dtype, shape and value."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, compat.Tensor), type(ours)
        assert str(ours.dtype) == str(theirs.dtype)
        assert tuple(ours.shape) == tuple(theirs.shape)
        assert ours.requires_grad == theirs.requires_grad
        assert isinstance(ours, compat.nn.Parameter) == isinstance(theirs, torch.nn.Parameter)
        np.testing.assert_array_equal(_np(ours), _np(theirs))
    elif isinstance(theirs, dict):
        assert type(ours).__name__ == type(theirs).__name__
        assert list(ours.keys()) == list(theirs.keys())
        for k in theirs:
            _assert_same(ours[k], theirs[k])
    elif isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _assert_same(a, b)
    elif isinstance(theirs, torch.dtype):
        assert str(ours) == str(theirs)
    elif isinstance(theirs, torch.device):
        assert str(ours) == str(theirs)
    else:
        assert ours == theirs and type(ours) is type(theirs)


def _torch_dtype_tensor(name, rng):
    vals = rng.standard_normal(6) * 10
    if name == "bool":
        return torch.tensor(vals > 0)
    if name.startswith("complex"):
        return torch.tensor(vals + 1j * vals[::-1], dtype=getattr(torch, name))
    return torch.tensor(vals).to(getattr(torch, name)).reshape(2, 3)


def _torch_state():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 2))
    model(torch.randn(5, 3))  # BatchNorm running stats and num_batches_tracked (0-dim int64)
    return model.state_dict()


def test_torch_state_dict_loads_here(tmp_path):
    sd = _torch_state()
    torch.save(sd, tmp_path / "model.pt")
    ours = compat.load(tmp_path / "model.pt")
    assert isinstance(ours, collections.OrderedDict)
    _assert_same(ours, sd)
    assert ours["1.num_batches_tracked"].shape == () and str(ours["1.num_batches_tracked"].dtype) == "torch.int64"


def test_our_state_dict_loads_in_torch(tmp_path):
    rng = np.random.default_rng(0)
    w = compat.nn.Parameter(compat.tensor(rng.standard_normal((4, 3)).astype(np.float32)))
    sd = collections.OrderedDict(weight=w, bias=compat.tensor([0.5, -1.0, 2.0, 3.0]),
                                 steps=compat.tensor(7), mask=compat.tensor([True, False]))
    compat.save(sd, tmp_path / "ours.pt")
    theirs = torch.load(tmp_path / "ours.pt", weights_only=True)
    assert isinstance(theirs, collections.OrderedDict) and list(theirs) == list(sd)
    assert isinstance(theirs["weight"], torch.nn.Parameter) and theirs["weight"].requires_grad
    for k in sd:
        assert str(theirs[k].dtype) == str(sd[k].dtype)
        np.testing.assert_array_equal(_np(theirs[k]), _np(sd[k]))
    # ... and the torch Linear accepts it as a state_dict
    lin = torch.nn.Linear(3, 4)
    lin.load_state_dict({"weight": theirs["weight"], "bias": theirs["bias"]})
    np.testing.assert_array_equal(lin.weight.detach().numpy(), _np(w))


def test_compat_module_state_dict_round_trips_through_torch(tmp_path):
    compat.manual_seed(0)
    lin = compat.nn.Linear(5, 3)
    compat.save(lin.state_dict(), tmp_path / "lin.pt")
    t_lin = torch.nn.Linear(5, 3)
    t_lin.load_state_dict(torch.load(tmp_path / "lin.pt"))
    x = np.random.default_rng(1).standard_normal((2, 5)).astype(np.float32)
    np.testing.assert_allclose(t_lin(torch.tensor(x)).detach().numpy(), _np(lin(compat.tensor(x)).detach()),
                               rtol=1e-6, atol=1e-6)
    torch.save(t_lin.state_dict(), tmp_path / "t_lin.pt")
    lin2 = compat.nn.Linear(5, 3)
    lin2.load_state_dict(compat.load(tmp_path / "t_lin.pt"))
    np.testing.assert_array_equal(_np(lin2.weight.detach()), t_lin.weight.detach().numpy())


@pytest.mark.parametrize("direction", ["torch_to_compat", "compat_to_torch"])
def test_every_dtype_both_ways(tmp_path, direction):
    rng = np.random.default_rng(1)
    theirs = {name: _torch_dtype_tensor(name, rng) for name in ALL_DTYPES}
    path = tmp_path / "dtypes.pt"
    if direction == "torch_to_compat":
        torch.save(theirs, path)
        _assert_same(compat.load(path), theirs)
    else:
        ours = {k: compat.tensor(_np(v)).to(getattr(compat, k)) if k == "bfloat16" else compat.tensor(v.numpy())
                for k, v in theirs.items()}
        compat.save(ours, path)
        _assert_same(ours, torch.load(path, weights_only=True))


def _adam_state():
    torch.manual_seed(0)
    p = [torch.nn.Parameter(torch.randn(3, 2)), torch.nn.Parameter(torch.randn(2))]
    opt = torch.optim.Adam(p, lr=1e-3, betas=(0.8, 0.99))
    sum((q ** 2).sum() for q in p).backward()
    opt.step()
    return opt.state_dict()


def test_optimizer_state_round_trips_both_ways(tmp_path):
    sd = _adam_state()
    torch.save(sd, tmp_path / "opt.pt")
    ours = compat.load(tmp_path / "opt.pt")
    _assert_same(ours, sd)
    assert ours["param_groups"][0]["betas"] == (0.8, 0.99) and ours["param_groups"][0]["params"] == [0, 1]
    compat.save(ours, tmp_path / "opt2.pt")
    back = torch.load(tmp_path / "opt2.pt", weights_only=True)
    _assert_same(ours, back)
    # torch's optimizer accepts it and continues with the same state
    p = [torch.nn.Parameter(torch.zeros(3, 2)), torch.nn.Parameter(torch.zeros(2))]
    opt = torch.optim.Adam(p)
    opt.load_state_dict(back)
    torch.testing.assert_close(opt.state_dict()["state"][0]["exp_avg"], sd["state"][0]["exp_avg"], rtol=0, atol=0)


def test_nested_python_values_round_trip(tmp_path):
    obj = {"list": [1, 2.5, "s", None, True], "tuple": (compat.zeros(2), {"deep": [compat.ones(1)]}),
           "set": {1, 2}, "bytes": b"\x00\xff", "complex": 1 - 2j, "big": 2 ** 70, "neg": -5,
           "dtype": compat.float64, "device": compat.device("cpu"), "size": compat.zeros(2, 3).shape}
    compat.save(obj, tmp_path / "nested.pt")
    theirs = torch.load(tmp_path / "nested.pt", weights_only=True)
    assert theirs["list"] == [1, 2.5, "s", None, True] and theirs["set"] == {1, 2}
    assert theirs["bytes"] == b"\x00\xff" and theirs["complex"] == 1 - 2j and theirs["big"] == 2 ** 70
    assert theirs["dtype"] is torch.float64 and theirs["device"] == torch.device("cpu")
    assert isinstance(theirs["size"], torch.Size) and theirs["size"] == torch.Size([2, 3])
    ours = compat.load(tmp_path / "nested.pt")
    assert ours["dtype"] is compat.float64 and ours["size"] == (2, 3) and type(ours["size"]) is compat.Size
    assert ours["big"] == 2 ** 70 and ours["bytes"] == b"\x00\xff"
    np.testing.assert_array_equal(_np(ours["tuple"][1]["deep"][0]), [1.0])


def test_views_of_one_storage_load_correctly(tmp_path):
    base = torch.arange(24.0)
    views = {"base": base, "slice": base[2:20:3], "mat_t": base[:12].reshape(3, 4).t(),
             "narrow": base.reshape(4, 6)[1:3, 2:5], "expand": base[5:6].expand(3, 2),
             "scalar": base[7], "empty": base[3:3], "again": base}
    torch.save(views, tmp_path / "views.pt")
    with zipfile.ZipFile(tmp_path / "views.pt") as z:
        assert sum(n.split("/", 1)[1].startswith("data/") for n in z.namelist()) == 1  # one shared storage
    ours = compat.load(tmp_path / "views.pt")
    for k, v in views.items():
        assert tuple(ours[k].shape) == tuple(v.shape), k
        np.testing.assert_array_equal(_np(ours[k]), v.numpy(), err_msg=k)


def test_shared_tensor_is_one_storage_and_torch_keeps_sharing(tmp_path):
    w = compat.nn.Parameter(compat.ones(3))
    compat.save({"enc": w, "dec": w, "other": compat.zeros(2)}, tmp_path / "tied.pt")
    with zipfile.ZipFile(tmp_path / "tied.pt") as z:
        assert sorted(n.split("/", 1)[1] for n in z.namelist() if "/data/" in n) == ["data/0", "data/1"]
    theirs = torch.load(tmp_path / "tied.pt")
    assert theirs["enc"] is theirs["dec"]  # pickle memo: the same object, as torch's own tied weights


def test_requires_grad_survives(tmp_path):
    x = compat.tensor([1.0, 2.0], requires_grad=True)
    compat.save({"x": x, "y": compat.tensor([3.0])}, tmp_path / "rg.pt")
    theirs = torch.load(tmp_path / "rg.pt")
    assert theirs["x"].requires_grad and not theirs["y"].requires_grad
    assert not isinstance(theirs["x"], torch.nn.Parameter)
    ours = compat.load(tmp_path / "rg.pt")
    assert ours["x"].requires_grad and ours["x"].is_leaf and not ours["y"].requires_grad


def test_file_objects_paths_and_archive_names(tmp_path):
    t = compat.tensor([[1.0, 2.0]])
    buf = io.BytesIO()
    compat.save(t, buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        assert z.namelist()[0] == "archive/data.pkl"
    buf.seek(0)
    np.testing.assert_array_equal(_np(compat.load(buf)), [[1.0, 2.0]])
    buf.seek(0)
    np.testing.assert_array_equal(torch.load(buf).numpy(), [[1.0, 2.0]])
    for name, folder in [("my.model.pt", "my.model"), ("plain", "plain")]:
        compat.save(t, str(tmp_path / name))
        torch.save(torch.zeros(1), tmp_path / ("torch_" + name))
        with zipfile.ZipFile(tmp_path / name) as z, zipfile.ZipFile(tmp_path / ("torch_" + name)) as tz:
            assert z.namelist()[0] == f"{folder}/data.pkl"
            assert tz.namelist()[0] == f"torch_{folder}/data.pkl"  # torch names it the same way
    # a file object opened by the user
    with open(tmp_path / "fobj.pt", "wb") as f:
        compat.save({"a": t}, f)
    with open(tmp_path / "fobj.pt", "rb") as f:
        np.testing.assert_array_equal(_np(compat.load(f)["a"]), [[1.0, 2.0]])


def test_byte_layout_matches_torch(tmp_path):
    sd = collections.OrderedDict(a=torch.arange(5.0), b=torch.ones(2, dtype=torch.int64))
    torch.save(sd, tmp_path / "t.pt")
    compat.save(collections.OrderedDict(a=compat.arange(5.0), b=compat.ones(2, dtype=compat.int64)),
                tmp_path / "c.pt")
    raw = (tmp_path / "c.pt").read_bytes()
    with zipfile.ZipFile(tmp_path / "t.pt") as tz, zipfile.ZipFile(tmp_path / "c.pt") as cz:
        t_names = [n.split("/", 1)[1] for n in tz.namelist()]
        c_names = [n.split("/", 1)[1] for n in cz.namelist()]
        assert c_names == t_names
        for info in cz.infolist():
            assert info.compress_type == zipfile.ZIP_STORED and info.flag_bits == 0x0808
            name_len, extra_len = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
            assert (info.header_offset + 30 + name_len + extra_len) % 64 == 0, info.filename
        assert cz.read("c/version") == tz.read("t/version") == b"3\n"
        assert cz.read("c/byteorder") == b"little" and cz.read("c/.format_version") == b"1"
        assert cz.read("c/.storage_alignment") == b"64"
        ident = cz.read("c/.data/serialization_id")
        assert len(ident) == 40 and ident.isdigit()
        assert cz.read("c/data/0") == tz.read("t/data/0")  # identical storage bytes
    # torch's own offset arithmetic (mmap + calculated offsets, debug-asserted) accepts the layout
    from torch.utils.serialization import config

    old = config.load.calculate_storage_offsets
    config.load.calculate_storage_offsets = True
    os.environ["TORCH_SERIALIZATION_DEBUG"] = "1"
    try:
        loaded = torch.load(tmp_path / "c.pt", mmap=True)
    finally:
        config.load.calculate_storage_offsets = old
        del os.environ["TORCH_SERIALIZATION_DEBUG"]
    np.testing.assert_array_equal(loaded["a"].numpy(), np.arange(5.0, dtype=np.float32))


def test_zip64_records_are_readable(tmp_path, monkeypatch):
    monkeypatch.setattr(RecordWriter, "zip64_threshold", 16)  # force the >4 GiB code path
    t = compat.arange(40.0)
    compat.save({"t": t, "s": compat.tensor([1, 2])}, tmp_path / "z64.pt")
    theirs = torch.load(tmp_path / "z64.pt")
    np.testing.assert_array_equal(theirs["t"].numpy(), np.arange(40.0, dtype=np.float32))
    np.testing.assert_array_equal(_np(compat.load(tmp_path / "z64.pt")["t"]), np.arange(40.0, dtype=np.float32))


class Evil:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (os.system, (f"touch {self.path}",))


def test_malicious_pickle_is_rejected(tmp_path):
    marker = tmp_path / "pwned"
    torch.save({"w": torch.ones(1), "x": Evil(marker)}, tmp_path / "evil.pt")
    with pytest.raises(pickle.UnpicklingError, match=r"Weights only load failed[\s\S]*GLOBAL posix.system"):
        compat.load(tmp_path / "evil.pt")
    with pytest.raises(pickle.UnpicklingError, match="GLOBAL posix.system"):
        torch.load(tmp_path / "evil.pt")  # the reference rejects it as well
    assert not marker.exists()


Point = collections.namedtuple("Point", "a")


@pytest.mark.parametrize("payload", [Point(1), np.zeros(2), print])
def test_non_allowlisted_globals_rejected_like_torch(tmp_path, payload):
    torch.save({"v": payload}, tmp_path / "g.pt")
    with pytest.raises(pickle.UnpicklingError):
        torch.load(tmp_path / "g.pt")
    with pytest.raises(pickle.UnpicklingError, match=r"Weights only load failed[\s\S]*Unsupported global"):
        compat.load(tmp_path / "g.pt")


def test_weights_only_false_loads_trusted_objects(tmp_path):
    torch.save({"w": torch.ones(2), "arr": np.arange(3)}, tmp_path / "trusted.pt")
    out = compat.load(tmp_path / "trusted.pt", weights_only=False)
    np.testing.assert_array_equal(out["arr"], np.arange(3))
    np.testing.assert_array_equal(_np(out["w"]), [1.0, 1.0])
    with pytest.raises(RuntimeError, match="explicit pickle_module"):
        compat.load(tmp_path / "trusted.pt", pickle_module=pickle, weights_only=True)
    out2 = compat.load(tmp_path / "trusted.pt", pickle_module=pickle)  # implies weights_only=False
    np.testing.assert_array_equal(out2["arr"], np.arange(3))


def test_truncated_and_corrupt_files(tmp_path):
    compat.save({"w": compat.arange(100.0)}, tmp_path / "ok.pt")
    raw = (tmp_path / "ok.pt").read_bytes()
    (tmp_path / "trunc.pt").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(RuntimeError, match="PytorchStreamReader failed reading zip archive"):
        compat.load(tmp_path / "trunc.pt")
    with pytest.raises(RuntimeError, match="PytorchStreamReader failed reading zip archive"):
        torch.load(tmp_path / "trunc.pt")
    bad = bytearray(raw)
    with zipfile.ZipFile(tmp_path / "ok.pt") as z:
        info = z.getinfo("ok/data/0")
    name_len, extra_len = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
    bad[info.header_offset + 30 + name_len + extra_len + 4] ^= 0xFF  # flip a byte of the storage
    (tmp_path / "crc.pt").write_bytes(bytes(bad))
    with pytest.raises(RuntimeError, match="PytorchStreamReader failed reading file data/0"):
        compat.load(tmp_path / "crc.pt")
    (tmp_path / "junk.pt").write_bytes(b"definitely not a checkpoint")
    with pytest.raises(RuntimeError, match="Invalid magic number"):
        compat.load(tmp_path / "junk.pt")
    with pytest.raises(FileNotFoundError):
        compat.load(tmp_path / "missing.pt")


def test_save_is_atomic(tmp_path):
    target = tmp_path / "ckpt.pt"
    compat.save({"v": compat.tensor([1.0])}, target)
    before = target.read_bytes()
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        compat.save({"v": compat.tensor([2.0]), "bad": lambda: 0}, target)
    assert target.read_bytes() == before  # the old checkpoint is untouched
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        compat.save({"bad": lambda: 0}, tmp_path / "new.pt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt.pt"]  # no partial or temp files
    compat.save({"v": compat.tensor([3.0])}, target)
    np.testing.assert_array_equal(_np(compat.load(target)["v"]), [3.0])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt.pt"]
    umask = os.umask(0)
    os.umask(umask)
    assert (target.stat().st_mode & 0o777) == (0o666 & ~umask)  # as a file torch.save creates


def _write_with_location(path, obj, location):
    """A checkpoint whose storages claim `location` (e.g. saved on a GPU)."""

    class P(TorchPickler):
        def persistent_id(self, o):
            pid = super().persistent_id(o)
            return None if pid is None else pid[:3] + (location,) + pid[4:]

    buf = io.BytesIO()
    p = P(buf, 2)
    p.dump(obj)
    with open(path, "wb") as f:
        w = RecordWriter(f, "gpu")
        w.write_record("data.pkl", buf.getvalue())
        for key, ref in p.storages.items():
            w.write_record(f"data/{key}", storage_bytes(ref.array))
        w.write_record("version", b"3\n")
        w.finish()


def test_map_location(tmp_path):
    path = tmp_path / "gpu.pt"
    _write_with_location(path, {"w": compat.tensor([1.0, 2.0])}, "cuda:0")
    np.testing.assert_array_equal(torch.load(path, map_location="cpu")["w"].numpy(), [1.0, 2.0])
    if compat.cuda.is_available() if hasattr(compat, "cuda") else False:
        assert compat.load(path)["w"].device.type == "cuda"
    else:
        with pytest.raises(RuntimeError, match="Attempting to deserialize object on a CUDA device"):
            compat.load(path)
        with pytest.raises(RuntimeError, match="on a CUDA device but torch.cuda.is_available"):
            torch.load(path)  # torch says the same on a CPU-only machine
    seen = []

    def keep_on_cpu(storage, location):
        seen.append(location)
        return storage

    for ml in ["cpu", compat.device("cpu"), {"cuda:0": "cpu"}, keep_on_cpu, lambda s, loc: None if loc == "cpu" else s.cpu()]:
        out = compat.load(path, map_location=ml)
        assert out["w"].device.type == "cpu"
        np.testing.assert_array_equal(_np(out["w"]), [1.0, 2.0])
    assert seen == ["cuda:0"]
    with pytest.raises(TypeError, match="map_location"):
        compat.load(path, map_location=3)


@pytest.mark.parametrize("direction", ["torch_to_compat", "compat_to_torch"])
def test_legacy_format(tmp_path, direction):
    base = torch.arange(12.0)
    theirs = {"base": base, "view": base[3:9:2], "p": torch.nn.Parameter(torch.ones(2, 2)),
              "i": torch.tensor([1, 2], dtype=torch.int64), "h": torch.ones(3, dtype=torch.bfloat16)}
    path = tmp_path / "legacy.pt"
    if direction == "torch_to_compat":
        torch.save(theirs, path, _use_new_zipfile_serialization=False)
        assert not zipfile.is_zipfile(path)
        _assert_same(compat.load(path), theirs)
    else:
        ours = {"base": compat.arange(12.0), "view": compat.tensor([3.0, 5.0, 7.0]),
                "p": compat.nn.Parameter(compat.ones(2, 2)), "i": compat.tensor([1, 2]),
                "h": compat.ones(3, dtype=compat.bfloat16)}
        compat.save(ours, path, _use_new_zipfile_serialization=False)
        assert not zipfile.is_zipfile(path)
        _assert_same(ours, torch.load(path, weights_only=True))


def test_unsupported_torch_dtype_is_named(tmp_path):
    torch.save({"u": torch.zeros(3, dtype=torch.uint16)}, tmp_path / "u16.pt")
    with pytest.raises(RuntimeError, match=r"torch\.uint16"):
        compat.load(tmp_path / "u16.pt")


def test_pathlib_and_bad_pickle_module(tmp_path):
    compat.save(compat.ones(1), pathlib.Path(tmp_path) / "p.pt")
    np.testing.assert_array_equal(_np(compat.load(pathlib.Path(tmp_path) / "p.pt")), [1.0])
    with pytest.raises(ValueError, match="pickle_module"):
        compat.save(compat.ones(1), tmp_path / "x.pt", pickle_module=zipfile)
    torch.save({"w": torch.arange(4.0)}, tmp_path / "m.pt")
    np.testing.assert_array_equal(_np(compat.load(tmp_path / "m.pt", mmap=True)["w"]), [0.0, 1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="mmap"):
        compat.load(io.BytesIO((tmp_path / "m.pt").read_bytes()), mmap=True)
