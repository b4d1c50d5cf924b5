"""Mirrors `torch.return_types`: the named tuples returned by max/min/sort/topk/...

Each is a `tuple` subclass with named fields and torch's multi-line repr.

Example:
    >>> compat.tensor([[1, 3], [3, 1]]).max(1)
    torch.return_types.max(
    values=tensor([3, 3]),
    indices=tensor([1, 0]))
"""
import collections

__all__ = ["max", "min", "sort", "topk", "median", "kthvalue", "mode", "aminmax", "cummax",
           "cummin", "std_mean", "var_mean", "slogdet", "qr", "svd", "eigh", "linalg_eigh",
           "linalg_qr", "linalg_svd", "linalg_slogdet"]


def _structseq(name, fields):
    base = collections.namedtuple(name, fields)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
        return f"torch.return_types.{name}(\n{body})"

    cls = type(name, (base,), {"__slots__": (), "__repr__": __repr__, "__str__": __repr__,
                               "__module__": __name__})
    return cls


max = _structseq("max", ["values", "indices"])
min = _structseq("min", ["values", "indices"])
sort = _structseq("sort", ["values", "indices"])
topk = _structseq("topk", ["values", "indices"])
median = _structseq("median", ["values", "indices"])
kthvalue = _structseq("kthvalue", ["values", "indices"])
mode = _structseq("mode", ["values", "indices"])
cummax = _structseq("cummax", ["values", "indices"])
cummin = _structseq("cummin", ["values", "indices"])
aminmax = _structseq("aminmax", ["min", "max"])
std_mean = tuple
var_mean = tuple
slogdet = _structseq("slogdet", ["sign", "logabsdet"])
linalg_slogdet = _structseq("linalg_slogdet", ["sign", "logabsdet"])
qr = _structseq("qr", ["Q", "R"])
linalg_qr = _structseq("linalg_qr", ["Q", "R"])
svd = _structseq("svd", ["U", "S", "V"])
linalg_svd = _structseq("linalg_svd", ["U", "S", "Vh"])
eigh = linalg_eigh = _structseq("linalg_eigh", ["eigenvalues", "eigenvectors"])
