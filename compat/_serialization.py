"""`compat.save` / `compat.load`: PyTorch's checkpoint files, without torch.

Files are torch's own format (a zip of `data.pkl` plus one record per storage, laid out
byte for byte as torch 2.x writes it; see compat/_checkpoint/), so a `state_dict` saved by
PyTorch loads here and one saved here loads in PyTorch. Loading is `weights_only=True` by
default, as in torch >= 2.6: only tensors, Parameters, dtypes, devices, Size, OrderedDict
and builtin containers can be unpickled; nothing named in the file is executed.
"""
import io
import mmap as _mmap
import os
import pickle
import secrets
import tempfile

import numpy as np

from ._checkpoint._legacy import read_legacy, write_legacy
from ._checkpoint._pickler import TorchPickler, storage_bytes
from ._checkpoint._unpickler import Loader, TrustedUnpickler, WeightsOnlyUnpickler
from ._checkpoint._zip import RecordReader, RecordWriter, archive_name_for

__all__ = ["save", "load"]

_UNSAFE_MESSAGE = (
    "Re-running `compat.load` with `weights_only` set to `False` will likely succeed, but it "
    "can result in arbitrary code execution. Do it only if you got the file from a trusted source."
)


def _check_pickle_module(pickle_module, api):
    if pickle_module is not None and pickle_module is not pickle:
        raise ValueError(
            f"{api}: pickle_module={getattr(pickle_module, '__name__', pickle_module)!r} is not "
            "supported; compat reads and writes torch's format with its own pickler (pass None or pickle)"
        )


def _write_zip(obj, stream, archive_name, protocol, byteorder_record):
    """torch's `_save`: the pickle first (so a failure writes nothing), then every record."""
    buf = io.BytesIO()
    pickler = TorchPickler(buf, protocol)
    pickler.dump(obj)
    writer = RecordWriter(stream, archive_name)
    writer.write_record("data.pkl", buf.getbuffer())
    writer.write_record(".format_version", b"1")  # storages numbered by insertion order
    writer.write_record(".storage_alignment", b"64")
    if byteorder_record:
        writer.write_record("byteorder", b"little")  # storages are always written little-endian
    for key, ref in pickler.storages.items():
        writer.write_record(f"data/{key}", storage_bytes(ref.array))
    writer.write_record("version", b"3\n")  # torch's kProducedFileFormatVersion
    # torch 2.x tags each file with a random id: two zero-padded decimal uint64s.
    ident = f"{secrets.randbits(64):020d}{secrets.randbits(64):020d}"
    writer.write_record(".data/serialization_id", ident.encode("ascii"))
    writer.finish()


def save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Mirrors `torch.save`: writes `obj` (tensors, state_dicts, ...) in PyTorch's format.

    Saving to a path is atomic: the file is written to a temporary file in the same
    directory and moved into place with `os.replace`, so a failure (an unpicklable object,
    a full disk) never leaves a partial checkpoint, and an existing file is either kept or
    fully replaced.

    Args:
        obj: the object to save; tensors inside are stored as torch tensors.
        f: a path (str / os.PathLike) or a writable binary file object.
        pickle_module: None or the `pickle` module (compat uses its own pickler).
        pickle_protocol: pickle protocol of `data.pkl` (torch's default 2).
        _use_new_zipfile_serialization: False writes torch's pre-1.6 (non-zip) format.
        _disable_byteorder_record: omit the `byteorder` record, as torch's flag.

    Raises:
        ValueError: an unsupported pickle_module.
        pickle.PicklingError / TypeError / AttributeError: `obj` cannot be pickled (nothing
            is written).
        RuntimeError: a tensor's value is not concrete (saving inside a traced function).

    Example:
        >>> compat.save(model.state_dict(), "model.pt")
        >>> torch.load("model.pt", weights_only=True)  # real PyTorch reads it

    Differences from PyTorch: tensors that share one jax array share one storage; views
    are saved as their own contiguous storage (compat tensors have no strided storage), so
    they load as equal values rather than as aliases. Python attributes set on tensors are
    not saved.
    """
    _check_pickle_module(pickle_module, "compat.save")
    if hasattr(f, "write") and not isinstance(f, (str, bytes, os.PathLike)):
        if _use_new_zipfile_serialization:
            _write_zip(obj, f, "archive", pickle_protocol, not _disable_byteorder_record)
        else:
            write_legacy(obj, f, pickle_protocol)
        if hasattr(f, "flush"):
            f.flush()
        return
    path = os.fspath(f)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    directory = os.path.dirname(os.path.abspath(path))
    # Build the payload in memory first: if it cannot be pickled nothing touches the disk.
    payload = io.BytesIO()
    if _use_new_zipfile_serialization:
        _write_zip(obj, payload, archive_name_for(path), pickle_protocol, not _disable_byteorder_record)
    else:
        write_legacy(obj, payload, pickle_protocol)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(payload.getbuffer())
            out.flush()
            os.fsync(out.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; torch's open() gives 0666 - umask
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _weights_only_message(message):
    return (f"Weights only load failed. {_UNSAFE_MESSAGE}\n\nWeightsUnpickler error: {message}\n\n"
            "Check the documentation of torch.load (compat.load follows it) to learn more about "
            "types accepted by default with weights_only.")


def _read_zip(stream, map_location, weights_only, encoding):
    reader = RecordReader(stream)
    try:
        byteorder = reader.get_record("byteorder") if reader.has_record("byteorder") else b"little"
        if byteorder not in (b"little", b"big"):
            raise ValueError("Unknown endianness type: " + byteorder.decode(errors="replace"))
        swap = byteorder.decode() != ("little" if np.little_endian else "big")

        def read_storage(key, dtype, numel):
            raw = reader.get_record(f"data/{key}")
            if numel is not None and len(raw) not in (numel * dtype.itemsize,):
                raise RuntimeError(
                    f"compat.load: storage data/{key} has {len(raw)} bytes, expected "
                    f"{numel} x {dtype.itemsize} ({dtype})")
            array = np.frombuffer(raw, dtype=dtype.np)
            return array.byteswap() if swap else array

        loader = Loader(read_storage, map_location, weights_only)
        unpickler = (WeightsOnlyUnpickler if weights_only else TrustedUnpickler)
        return unpickler(io.BytesIO(reader.get_record("data.pkl")), loader, encoding=encoding).load()
    finally:
        reader.close()


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """Mirrors `torch.load`: reads a PyTorch checkpoint (zip format, or torch's legacy one).

    Args:
        f: a path (str / os.PathLike) or a readable binary file object.
        map_location: where storages go: None (where they were saved), a device or string
            ('cpu', 'cuda:0'), a dict {saved location: target}, or a callable
            `f(storage, location)` returning the storage (moved with .cpu()/.cuda()) or None.
        pickle_module: None or `pickle` (giving one without weights_only means
            weights_only=False, as torch).
        weights_only: True (the default, as torch >= 2.6) restricts unpickling to tensors,
            Parameters, dtypes, devices, Size, OrderedDict and builtin containers. False
            uses a normal unpickler: it can execute code named in the file; trusted files only.
        mmap: read the file through a memory map (needs a path). Tensors are still copied
            into jax arrays, which own their memory.
        **pickle_load_args: `encoding` for Python 2 strings (default 'utf-8').

    Returns:
        The saved object with compat Tensors / Parameters in place of torch's.

    Raises:
        pickle.UnpicklingError: weights_only=True and the file names anything outside the
            allowlist (e.g. "Weights only load failed ... GLOBAL posix.system ...").
        RuntimeError: a truncated or corrupt file ("PytorchStreamReader failed reading zip
            archive: ..."), a CUDA location with no GPU, a dtype compat lacks, or
            weights_only=True together with a pickle_module.
        FileNotFoundError: the path does not exist.

    Example:
        >>> model.load_state_dict(compat.load("model.pt", map_location="cpu"))

    Differences from PyTorch: storages shared between tensors in the file are loaded as
    separate (equal-valued) arrays; jax arrays cannot alias. The pre-0.4 tar format is not
    read (re-save such files with PyTorch).
    """
    _check_pickle_module(pickle_module, "compat.load")
    if weights_only is None:
        weights_only = pickle_module is None  # torch: an explicit pickle_module means trusted
    elif weights_only and pickle_module is not None:
        raise RuntimeError(
            "Can not safely load weights when explicit pickle_module is specified")
    encoding = pickle_load_args.pop("encoding", "utf-8")
    if pickle_load_args:
        raise TypeError(f"compat.load: unexpected keyword arguments {sorted(pickle_load_args)}")

    opened = None
    if isinstance(f, (str, bytes, os.PathLike)):
        path = os.fspath(f)
        opened = open(path, "rb")
        stream = opened
        if mmap:
            size = os.fstat(opened.fileno()).st_size
            stream = _MappedFile(_mmap.mmap(opened.fileno(), size, access=_mmap.ACCESS_READ)) if size else opened
    else:
        if mmap:
            raise ValueError("f must be a file path in order to use the mmap argument")
        stream = f
        if not (hasattr(stream, "seek") and (not hasattr(stream, "seekable") or stream.seekable())):
            stream = io.BytesIO(stream.read())  # zip reading needs random access
    try:
        return _load_stream(stream, map_location, weights_only, encoding)
    except pickle.UnpicklingError as e:
        if weights_only:
            raise pickle.UnpicklingError(_weights_only_message(str(e))) from None
        raise
    finally:
        if isinstance(stream, _MappedFile):
            stream.close()
        if opened is not None:
            opened.close()


class _MappedFile:
    """An mmap as the seekable binary file zipfile expects (mmap lacks `seekable()`)."""

    def __init__(self, mapped):
        self._mapped = mapped

    def __getattr__(self, name):
        return getattr(self._mapped, name)

    def seekable(self):
        return True

    def readable(self):
        return True


def _load_stream(stream, map_location, weights_only, encoding):
    start = stream.tell()
    head = stream.read(512)
    stream.seek(start)
    if head[:4] == b"PK\x03\x04":
        return _read_zip(stream, map_location, weights_only, encoding)
    if len(head) >= 262 and head[257:262] == b"ustar":
        raise RuntimeError(
            "compat.load: this is PyTorch's pre-0.4 tar checkpoint format, which compat does not "
            "read; load it in PyTorch and re-save it with torch.save")
    if not head:
        raise EOFError("compat.load: the file is empty")
    loader = Loader(None, map_location, weights_only)
    unpickler = WeightsOnlyUnpickler if weights_only else TrustedUnpickler
    return read_legacy(stream, loader, unpickler, encoding)
