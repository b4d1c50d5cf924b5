"""The IDX file format (LeCun's MNIST files): a generic reader."""
import gzip
import os

import numpy as np

# Type byte of the magic number -> big-endian element dtype (the format's spec).
IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def parse_idx(raw, name="<bytes>"):
    """Parses IDX bytes: magic `00 00 <type> <ndim>`, ndim big-endian uint32 sizes, data.

    Args:
        raw: the (decompressed) file contents.
        name: what to call the data in error messages (usually its path).

    Returns:
        A numpy array with the file's shape, in native byte order (uint8 for MNIST).

    Raises:
        ValueError: a bad magic number, an unknown type byte, or a data section whose
            length does not match the header's shape (truncated or padded file).

    Example:
        >>> parse_idx(bytes([0, 0, 8, 1, 0, 0, 0, 2, 7, 9]))
        array([7, 9], dtype=uint8)
    """
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ValueError(f"{name}: not an IDX file (magic number starts {bytes(raw[:4])!r})")
    type_code, ndim = raw[2], raw[3]
    if type_code not in IDX_DTYPES:
        raise ValueError(f"{name}: unknown IDX type byte 0x{type_code:02x}")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{name}: IDX header truncated ({len(raw)} bytes, need {header})")
    shape = tuple(int(s) for s in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = IDX_DTYPES[type_code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) - header != expected:
        raise ValueError(
            f"{name}: IDX header says shape {shape} ({expected} data bytes) but the file has "
            f"{len(raw) - header} data bytes"
        )
    data = np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)
    return data.astype(dtype.newbyteorder("="))  # native order, and a writable copy


def read_idx(path):
    """Reads an IDX file, gzip-compressed when `path` ends in `.gz`.

    Args:
        path: the file's path.

    Returns:
        The array (see `parse_idx`).

    Raises:
        FileNotFoundError: `path` does not exist.
        ValueError: the contents are not valid IDX.

    Example:
        >>> images = read_idx("data/MNIST/raw/t10k-images-idx3-ubyte.gz")
        >>> images.shape
        (10000, 28, 28)
    """
    path = os.fspath(path)
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        return parse_idx(f.read(), name=path)
