"""Embedding layer."""
import functorch_like.nn.init as _init

from ..._tensor import Tensor
from .. import functional as F
from .._parameter import Parameter
from ..._random import next_key
from ._module import Module
from ._utils import assign_, new_parameter

__all__ = ["Embedding"]


class Embedding(Module):
    """Mirrors `torch.nn.Embedding(num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, device=None, dtype=None)`.

    A lookup table: `weight` `(num_embeddings, embedding_dim)` starts as N(0, 1) with the
    `padding_idx` row zeroed; that row never receives gradient.

    Shape:
        Input: integer tensor `(*)`; output `(*, embedding_dim)`.

    Example:
        >>> emb = compat.nn.Embedding(10, 3, padding_idx=0)
        >>> emb(compat.tensor([[0, 2]])).shape
        torch.Size([1, 2, 3])

    Differences from PyTorch: `sparse=True` produces a dense gradient (same values);
    initial values come from JAX's PRNG (same distribution).
    """

    __constants__ = ["num_embeddings", "embedding_dim", "padding_idx", "max_norm", "norm_type",
                     "scale_grad_by_freq", "sparse"]

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None,
                 norm_type=2.0, scale_grad_by_freq=False, sparse=False, _weight=None,
                 _freeze=False, device=None, dtype=None):
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        if padding_idx is not None:
            if padding_idx > 0:
                if padding_idx >= self.num_embeddings:
                    raise AssertionError("Padding_idx must be within num_embeddings")
            elif padding_idx < 0:
                if padding_idx < -self.num_embeddings:
                    raise AssertionError("Padding_idx must be within num_embeddings")
                padding_idx = self.num_embeddings + padding_idx
        self.padding_idx = padding_idx
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        if _weight is None:
            self.weight = new_parameter((num_embeddings, embedding_dim), device, dtype,
                                        requires_grad=not _freeze)
            self.reset_parameters()
        else:
            if list(_weight.shape) != [num_embeddings, embedding_dim]:
                raise AssertionError("Shape of weight does not match num_embeddings and embedding_dim")
            self.weight = Parameter(_weight, requires_grad=not _freeze)
        self.sparse = sparse

    def reset_parameters(self):
        """Redraws weight ~ N(0, 1) and zeroes the padding row, as torch."""
        p = _init.embedding_params(self.num_embeddings, self.embedding_dim, self.padding_idx,
                                   key=next_key(), dtype=self.weight._data.dtype)
        assign_(self.weight, p["weight"])

    def _fill_padding_idx_with_zero(self):
        if self.padding_idx is not None:
            assign_(self.weight, self.weight._data.at[self.padding_idx].set(0))

    def forward(self, input):
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                           self.scale_grad_by_freq, self.sparse)

    def extra_repr(self):
        s = "{num_embeddings}, {embedding_dim}"
        if self.padding_idx is not None:
            s += ", padding_idx={padding_idx}"
        if self.max_norm is not None:
            s += ", max_norm={max_norm}"
        if self.norm_type != 2:
            s += ", norm_type={norm_type}"
        if self.scale_grad_by_freq is not False:
            s += ", scale_grad_by_freq={scale_grad_by_freq}"
        if self.sparse is not False:
            s += ", sparse=True"
        return s.format(**self.__dict__)

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None, max_norm=None,
                        norm_type=2.0, scale_grad_by_freq=False, sparse=False):
        """Mirrors `Embedding.from_pretrained(embeddings, freeze=True, ...)`: wraps a 2-D tensor."""
        if not isinstance(embeddings, Tensor) or embeddings.dim() != 2:
            raise AssertionError("Embeddings parameter is expected to be 2-dimensional")
        rows, cols = embeddings.shape
        return cls(num_embeddings=rows, embedding_dim=cols, _weight=embeddings, _freeze=freeze,
                   padding_idx=padding_idx, max_norm=max_norm, norm_type=norm_type,
                   scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)
