"""PyTorch's checkpoint container: an uncompressed zip laid out as torch's writer lays it out.

torch writes checkpoints with miniz through `caffe2::serialize::PyTorchStreamWriter`. This
module reproduces that byte layout so files written here look like torch's to every
reader, including torch's own offset arithmetic for `mmap=True` loads:

* every record is stored (no compression) under `<archive_name>/`, its data aligned to
  64 bytes by a padding extra field `FB<len>ZZZ...` in the local header;
* local headers carry zeros for crc/sizes (general-purpose flag 0x0808: data descriptor,
  UTF-8 names) and each record's data is followed by a data descriptor;
* the central directory is followed by a zip64 end record, its locator, and the classic
  end record (miniz always writes the zip64 trailer).

Reading goes through Python's `zipfile`, which accepts this layout and torch's older ones;
its errors are translated into torch's `PytorchStreamReader failed ...` RuntimeErrors.
"""
import struct
import zipfile
import zlib

__all__ = ["ALIGNMENT", "RecordWriter", "RecordReader", "archive_name_for"]

ALIGNMENT = 64  # torch's kFieldAlignment / `.storage_alignment`
_U32_MAX = 0xFFFFFFFF  # miniz's MZ_UINT32_MAX: sizes/offsets at or above it go to zip64 fields
_FLAGS = 0x0808  # bit 3: crc and sizes in a data descriptor; bit 11: UTF-8 file names
_LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")  # 30 bytes
_CENTRAL_HEADER = struct.Struct("<IHHHHHHIIIHHHHHII")  # 46 bytes


def archive_name_for(path):
    """torch's archive folder for a file path: the base name without its last extension.

    Args:
        path: the destination path (str), or None for a file-like object.

    Returns:
        The folder name every record is stored under ("archive" for file objects).

    Example:
        >>> archive_name_for("/ckpt/my.model.pt"), archive_name_for(None)
        ('my.model', 'archive')
    """
    if path is None:
        return "archive"
    base = str(path).replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, _ = base.rpartition(".")
    return stem if dot else base


class RecordWriter:
    """Writes named records into a zip stream exactly as torch's PyTorchStreamWriter does.

    Args:
        stream: a binary writable file object (need not be seekable).
        archive_name: the folder the records go under (see `archive_name_for`).

    Example:
        >>> w = RecordWriter(io.BytesIO(), "archive")
        >>> w.write_record("version", b"3\\n")
        >>> w.finish()
    """

    # Record sizes at or above this use zip64 fields; a class attribute so tests can lower it.
    zip64_threshold = _U32_MAX

    def __init__(self, stream, archive_name):
        self._out = stream
        self._prefix = archive_name + "/"
        self._pos = 0  # offsets are relative to the start of the archive, as miniz counts them
        self._entries = []

    def _write(self, data):
        self._out.write(data)
        self._pos += len(data)

    def write_record(self, name, data):
        """Appends one stored record `<archive_name>/<name>` holding `data` (bytes-like)."""
        data = memoryview(data).cast("B")
        fname = (self._prefix + name).encode("utf-8")
        size, offset = len(data), self._pos
        big_size, big_offset = size >= self.zip64_threshold, offset >= self.zip64_threshold
        zip64 = b""
        if big_size or big_offset:  # miniz's local zip64 extra: sizes and/or header offset
            fields = (struct.pack("<QQ", size, size) if big_size else b"") + (
                struct.pack("<Q", offset) if big_offset else b"")
            zip64 = struct.pack("<HH", 0x0001, len(fields)) + fields
        # torch's getPadding: the data must start on a multiple of ALIGNMENT, counting the
        # 30-byte header, the name, any zip64 extra and the 4-byte FB field header.
        start = offset + _LOCAL_HEADER.size + len(fname) + len(zip64) + 4
        pad = -start % ALIGNMENT
        extra = zip64 + b"FB" + struct.pack("<H", pad) + b"Z" * pad
        version = 45 if zip64 else 0  # 4.5 = "needs zip64"; miniz writes 0 otherwise
        self._write(_LOCAL_HEADER.pack(0x04034B50, version, _FLAGS, 0, 0, 0, 0, 0, 0,
                                       len(fname), len(extra)))
        self._write(fname)
        self._write(extra)
        self._write(data)
        crc = zlib.crc32(data) & 0xFFFFFFFF
        if big_size or big_offset:  # 64-bit data descriptor, as torch's `_get_offset` expects
            self._write(struct.pack("<IIQQ", 0x08074B50, crc, size, size))
        else:
            self._write(struct.pack("<IIII", 0x08074B50, crc, size, size))
        self._entries.append((fname, crc, size, offset))

    def finish(self):
        """Writes the central directory and the zip64 + classic end records."""
        cd_start = self._pos
        for fname, crc, size, offset in self._entries:
            big_size, big_offset = size >= self.zip64_threshold, offset >= self.zip64_threshold
            fields = (struct.pack("<QQ", size, size) if big_size else b"") + (
                struct.pack("<Q", offset) if big_offset else b"")
            extra = struct.pack("<HH", 0x0001, len(fields)) + fields if fields else b""
            version = 45 if fields else 0
            self._write(_CENTRAL_HEADER.pack(
                0x02014B50, version, version, _FLAGS, 0, 0, 0, crc,
                _U32_MAX if big_size else size, _U32_MAX if big_size else size,
                len(fname), len(extra), 0, 0, 0, 0, _U32_MAX if big_offset else offset))
            self._write(fname)
            self._write(extra)
        cd_size, n = self._pos - cd_start, len(self._entries)
        eocd64 = self._pos
        self._write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 0x031E, 45, 0, 0, n, n,
                                cd_size, cd_start))
        self._write(struct.pack("<IIQI", 0x07064B50, 0, eocd64, 1))
        self._write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(n, 0xFFFF), min(n, 0xFFFF),
                                min(cd_size, _U32_MAX), min(cd_start, _U32_MAX), 0))


class RecordReader:
    """Reads records of a torch zip checkpoint by name (torch's PyTorchStreamReader).

    Args:
        stream: a seekable binary file object positioned at the archive's start.

    Raises:
        RuntimeError: the stream is not a readable zip archive (torch's message), or its
            entries are not all under one top-level folder.

    Example:
        >>> r = RecordReader(open("model.pt", "rb"))
        >>> r.get_record("version")
        b'3\\n'
    """

    def __init__(self, stream):
        try:
            self._zip = zipfile.ZipFile(stream, "r")
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as e:
            raise RuntimeError(
                "PytorchStreamReader failed reading zip archive: failed finding central "
                f"directory ({e}). The checkpoint file is likely truncated or corrupted: it "
                "was not saved completely, was transferred incorrectly, or was modified "
                "after saving."
            ) from None
        names = self._zip.namelist()
        if not names:
            raise RuntimeError("PytorchStreamReader failed reading zip archive: the archive is empty")
        root = names[0].split("/", 1)[0]
        if "/" not in names[0] or any(not n.startswith(root + "/") for n in names):
            raise RuntimeError(
                "PytorchStreamReader failed reading zip archive: file in archive is not in a "
                f"subdirectory {root}/: {[n for n in names if not n.startswith(root + '/')][:3]}"
            )
        self._prefix = root + "/"
        self._names = set(names)

    def has_record(self, name):
        return self._prefix + name in self._names

    def get_record(self, name):
        """The bytes of record `name`.

        Raises:
            RuntimeError: the record is missing or its data fails the CRC check.
        """
        full = self._prefix + name
        if full not in self._names:
            raise RuntimeError(f"PytorchStreamReader failed locating file {name}: file not found")
        try:
            return self._zip.read(full)
        except (zipfile.BadZipFile, EOFError, OSError, zlib.error, struct.error) as e:
            raise RuntimeError(
                f"PytorchStreamReader failed reading file {name}: invalid header or archive is "
                f"corrupted ({e})"
            ) from None

    def close(self):
        self._zip.close()
