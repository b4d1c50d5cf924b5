"""torch's pre-1.6 checkpoint format (`_use_new_zipfile_serialization=False`).

Layout: five consecutive pickles -- the magic number, the protocol version (1001), a
sys-info dict, the object (storages as persistent ids `('storage', type, key, location,
numel, view)`), and the sorted list of storage keys -- followed, for each key in that
order, by the storage's element count (little-endian int64) and its raw bytes.
"""
import io
import pickle
import struct
import sys

import numpy as np

from ._pickler import TorchPickler, storage_bytes

__all__ = ["MAGIC_NUMBER", "PROTOCOL_VERSION", "write_legacy", "read_legacy"]

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C  # torch.serialization.MAGIC_NUMBER
PROTOCOL_VERSION = 1001


def write_legacy(obj, stream, protocol):
    """Writes `obj` in the legacy format to the binary `stream`.

    Args:
        obj: what to save.
        stream: a writable binary file object.
        protocol: the pickle protocol.

    Example:
        >>> write_legacy({"w": compat.ones(2)}, io.BytesIO(), 2)
    """
    body = io.BytesIO()
    pickler = TorchPickler(body, protocol, legacy=True)
    pickler.dump(obj)  # fails before anything is written when obj cannot be pickled
    sys_info = {"protocol_version": PROTOCOL_VERSION, "little_endian": True,
                "type_sizes": {"short": 2, "int": 4, "long": 4}}
    for header in (MAGIC_NUMBER, PROTOCOL_VERSION, sys_info):
        pickle.dump(header, stream, protocol=protocol)
    stream.write(body.getvalue())
    keys = sorted(pickler.storages)  # torch sorts the keys as strings
    pickle.dump(keys, stream, protocol=protocol)
    for key in keys:
        ref = pickler.storages[key]
        stream.write(struct.pack("<q", int(ref.array.size)))
        stream.write(storage_bytes(ref.array))


def read_legacy(stream, loader, unpickler_cls, encoding):
    """Reads a legacy-format checkpoint.

    Args:
        stream: a seekable binary stream at the file's start.
        loader: a `Loader` built with `read_storage=None` (data comes after the pickle).
        unpickler_cls: `WeightsOnlyUnpickler` or `TrustedUnpickler`.
        encoding: for Python 2 strings.

    Returns:
        The unpickled object with every tensor filled in.

    Raises:
        RuntimeError: a wrong magic number or protocol version ("corrupt file?"), or
            storage data shorter than its header says.
    """
    def header():
        return unpickler_cls(stream, loader, encoding=encoding).load()

    try:
        magic = header()
    except (pickle.UnpicklingError, EOFError, ValueError, KeyError, IndexError, struct.error) as e:
        raise RuntimeError(
            f"Invalid magic number; corrupt file? The file is neither a zip checkpoint (torch "
            f">= 1.6) nor a legacy one ({type(e).__name__}: {e})") from None
    if magic != MAGIC_NUMBER:
        raise RuntimeError("Invalid magic number; corrupt file?")
    version = header()
    if version != PROTOCOL_VERSION:
        raise RuntimeError(f"Invalid protocol version: {version}")
    sys_info = header()
    little = sys_info.get("little_endian", True) if isinstance(sys_info, dict) else True
    result = header()
    keys = header()
    for key in keys:
        storage = loader.storages.get(str(key))
        if storage is None:
            raise RuntimeError(f"legacy checkpoint: storage key {key!r} not found in the pickle")
        raw = stream.read(8)
        if len(raw) != 8:
            raise RuntimeError(f"legacy checkpoint truncated: no size for storage {key!r}")
        numel = struct.unpack("<q" if little else ">q", raw)[0]
        nbytes = numel * storage.dtype.itemsize
        data = stream.read(nbytes)
        if len(data) != nbytes or numel < 0:
            raise RuntimeError(
                f"legacy checkpoint truncated: storage {key!r} needs {nbytes} bytes, got {len(data)}")
        array = np.frombuffer(data, dtype=storage.dtype.np)
        storage._array = array if little == (sys.byteorder == "little") else array.byteswap()
        storage._numel = numel
    loader.finish_deferred()
    return result
