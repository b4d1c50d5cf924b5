"""embedding: a thin shell over functorch_like.nn.functional.embedding (+ in-place max_norm)."""
import numpy as np

import functorch_like.nn.functional as _F

from ... import _dispatch
from ...autograd._grad_mode import no_grad
from ._common import is_traced

__all__ = ["embedding"]


def _check_bounds(input, num_embeddings):
    # Inside the jitted kernel indices are traced and cannot be checked; check them here
    # so an out-of-range index raises torch's IndexError instead of reading NaN.
    if is_traced(input) or input.numel() == 0:
        return
    host = np.asarray(input._data)
    if host.dtype.kind in "iu" and (host.min() < 0 or host.max() >= num_embeddings):
        raise IndexError("index out of range in self")


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Mirrors `torch.nn.functional.embedding`: rows of `weight` at integer indices `input`.

    With `max_norm`, the referenced rows of `weight` are renormalised in place first (under
    no_grad), as torch does.

    Raises:
        IndexError: an index outside [0, num_embeddings).
        RuntimeError: non-integer indices or a weight that is not 2-D.

    Differences from PyTorch: `sparse=True` gives a dense gradient with the same values.
    """
    if padding_idx is not None:
        n = weight.shape[0]
        if padding_idx > 0:
            if padding_idx >= n:
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -n:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = n + padding_idx
    else:
        padding_idx = -1
    if weight.ndim == 2:
        _check_bounds(input, weight.shape[0])
    if max_norm is not None:
        with no_grad():
            renormed = _dispatch.apply(_F.embedding_renorm, weight, input,
                                       max_norm=float(max_norm), norm_type=float(norm_type))
        weight._data = renormed._data  # torch.embedding_renorm_ writes the weight in place
        weight._version += 1
        weight._refresh_views()
    return _dispatch.apply(_F.embedding, input, weight, name="EmbeddingBackward0",
                           padding_idx=None if padding_idx == -1 else int(padding_idx),
                           scale_grad_by_freq=bool(scale_grad_by_freq), sparse=bool(sparse))
