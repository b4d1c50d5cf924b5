"""Mirrors `torch.linalg`: norms and the common decompositions (see compat/_ops/_linalg.py)."""
from ._ops._linalg import cholesky as cholesky
from ._ops._linalg import cross as cross
from ._ops._linalg import det as det
from ._ops._linalg import eigh as eigh
from ._ops._linalg import eigvalsh as eigvalsh
from ._ops._linalg import inv as inv
from ._ops._linalg import linalg_norm as norm
from ._ops._linalg import matrix_norm as matrix_norm
from ._ops._linalg import qr as qr
from ._ops._linalg import slogdet as slogdet
from ._ops._linalg import solve as solve
from ._ops._linalg import svd as svd
from ._ops._linalg import vector_norm as vector_norm
from ._ops._linalg import matmul as matmul

__all__ = ["cholesky", "cross", "det", "eigh", "eigvalsh", "inv", "norm", "matrix_norm", "qr", "slogdet",
           "solve", "svd", "vector_norm", "matmul"]
