"""Fetching dataset files: download from mirrors, md5 verification, gzip extraction.

Mirrors torchvision.datasets.utils' behaviour for the MNIST family: each file is tried on
every mirror in turn; a download is accepted only if its md5 matches; the `.gz` is kept
and extracted beside itself.
"""
import gzip
import hashlib
import os
import shutil
import tempfile
import urllib.request

__all__ = ["md5_of", "check_md5", "download_file", "extract_gzip"]

_TIMEOUT = 30  # seconds per connection attempt
_USER_AGENT = "compat-vision"


def md5_of(path, chunk_size=1 << 20):
    """The hex md5 of a file, read in chunks."""
    h = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            h.update(chunk)
    return h.hexdigest()


def check_md5(path, md5):
    """True when `path` exists and (if md5 is given) has that md5."""
    return os.path.isfile(path) and (md5 is None or md5_of(path) == md5)


def download_file(url, path, md5):
    """Downloads `url` to `path` (atomically), verifying its md5.

    Args:
        url: the source URL.
        path: the destination file.
        md5: the expected hex md5 (None: not checked).

    Raises:
        urllib.error.URLError / OSError: the download failed (network, HTTP error).
        RuntimeError: the downloaded file's md5 does not match (the file is removed).

    Example:
        >>> download_file(MIRROR + "t10k-labels-idx1-ubyte.gz", "raw/t10k-labels-idx1-ubyte.gz", MD5)
    """
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".", suffix=".part")
    try:
        request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(request, timeout=_TIMEOUT) as response:
            shutil.copyfileobj(response, out)
        if md5 is not None and md5_of(tmp) != md5:
            raise RuntimeError(f"{url}: downloaded file has md5 {md5_of(tmp)}, expected {md5}")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def extract_gzip(path):
    """Writes `path` without its `.gz` suffix, decompressed; returns the new path."""
    target = path[:-3]
    with gzip.open(path, "rb") as src, open(target + ".part", "wb") as dst:
        shutil.copyfileobj(src, dst)
    os.replace(target + ".part", target)
    return target
