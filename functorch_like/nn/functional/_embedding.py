"""Embedding lookup with torch's gradient rules, and its max-norm renormalisation.

`embedding` is a row gather whose weight gradient is zero at `padding_idx` and optionally
divided by each index's frequency, as torch's; both are done by scaling the gradient of the
gathered rows (`_scale_grad`), never by changing the forward value. torch's `max_norm`
renormalises the weight rows *in place*; here `embedding_renorm` returns the renormalised
weight and `embedding` uses it for the forward value, so a caller owning the weight (the
compat facade) writes it back.
"""
import jax
import jax.numpy as jnp
import numpy as np


@jax.custom_vjp
def _scale_grad(x, scale):
    """Identity on `x` whose backward pass multiplies the cotangent by `scale`."""
    return x


def _scale_grad_fwd(x, scale):
    return x, scale


def _scale_grad_bwd(scale, g):
    return g * scale, jnp.zeros_like(scale)


_scale_grad.defvjp(_scale_grad_fwd, _scale_grad_bwd)


def _check_indices(input, weight, name):
    if jnp.ndim(weight) != 2:
        raise RuntimeError("'weight' must be 2-D")
    idx = jnp.asarray(input)
    if not jnp.issubdtype(idx.dtype, jnp.integer):
        raise RuntimeError(
            f"Expected tensor for argument #1 'indices' to have an integer type (torch: Long, "
            f"Int); but got {idx.dtype} instead (while checking arguments for {name})"
        )
    # Bounds can only be checked on concrete indices; under jit an invalid index reads a
    # row of NaN (see `embedding`) rather than raising.
    if not isinstance(idx, jax.core.Tracer) and idx.size:
        host = np.asarray(idx)
        if host.min() < 0 or host.max() >= jnp.shape(weight)[0]:
            raise IndexError("index out of range in self")
    return idx


def _row_norms(weight, norm_type):
    """Per-row p-norm, torch's ``row.norm(norm_type)``."""
    a = jnp.abs(weight)
    if norm_type == float("inf"):
        return jnp.max(a, axis=1)
    if norm_type == 0:
        return jnp.sum(a != 0, axis=1).astype(weight.dtype)
    return jnp.sum(a**norm_type, axis=1) ** (1.0 / norm_type)


def embedding_renorm(weight, input, max_norm, norm_type=2.0):
    """Returns `weight` with each row referenced by `input` rescaled to norm <= `max_norm`.

    The pure form of ``torch.embedding_renorm_`` (what ``F.embedding(..., max_norm=...)``
    does to its weight in place): a referenced row with ``norm > max_norm`` is multiplied by
    ``max_norm / (norm + 1e-7)``; other rows are unchanged.

    Args:
        weight: (num_embeddings, embedding_dim) array.
        input: integer array of indices, any shape.
        max_norm: the maximum row norm.
        norm_type: the p of the p-norm (default 2; ``inf`` allowed).

    Returns:
        The renormalised weight, same shape and dtype.

    Raises:
        RuntimeError: `weight` not 2-D or non-integer indices.
        IndexError: a (concrete) index outside ``[0, num_embeddings)``.

    Example:
        >>> w = jnp.array([[3.0, 4.0], [0.3, 0.4]])
        >>> embedding_renorm(w, jnp.array([0, 1]), 1.0).round(4)
        Array([[0.6, 0.8],
               [0.3, 0.4]], dtype=float32)
    """
    w = jnp.asarray(weight)
    idx = _check_indices(input, w, "embedding_renorm_")
    referenced = jnp.zeros(w.shape[0], bool).at[idx.reshape(-1)].set(True, mode="drop")
    norm = _row_norms(w, norm_type)
    # torch's exact rule, including its 1e-7 guard in the denominator.
    scale = jnp.where(referenced & (norm > max_norm), max_norm / (norm + 1e-7), 1.0)
    return w * scale[:, None].astype(w.dtype)


def embedding(
    input,
    weight,
    padding_idx=None,
    max_norm=None,
    norm_type=2.0,
    scale_grad_by_freq=False,
    sparse=False,
):
    """Looks up rows of `weight` at the integer indices `input`.

    Mirrors ``torch.nn.functional.embedding``. Differences from torch, all forced by purity:
    with `max_norm`, torch renormalises `weight` in place; here the forward value uses the
    renormalised rows (so outputs match torch) and the weight gradient is the plain gather
    gradient (as torch's, which renormalises under ``no_grad``), but the caller must call
    `embedding_renorm` to obtain the updated weight. `sparse` only changes torch's gradient
    *layout*; JAX gradients are dense with the same values. Index bounds are checked when
    the indices are concrete; under ``jit`` they cannot be, and an out-of-range (or
    negative) index yields a row of NaN instead of an error.

    Args:
        input: integer array of indices, any shape.
        weight: (num_embeddings, embedding_dim) array.
        padding_idx: row whose gradient is always zero (negative counts from the end).
        max_norm: if given, referenced rows with larger `norm_type`-norm are rescaled.
        norm_type: p of the p-norm for `max_norm`.
        scale_grad_by_freq: divide each row's gradient by its index's count in `input`.
        sparse: accepted for signature parity; has no effect (see above).

    Returns:
        Array of shape ``input.shape + (embedding_dim,)`` with `weight`'s dtype.

    Raises:
        RuntimeError: `weight` not 2-D or non-integer indices.
        IndexError: a (concrete) index outside ``[0, num_embeddings)``.
        AssertionError: `padding_idx` outside ``[-num_embeddings, num_embeddings)``, as torch.

    Example:
        >>> w = jnp.arange(6.0).reshape(3, 2)
        >>> embedding(jnp.array([[2, 0]]), w)
        Array([[[4., 5.],
                [0., 1.]]], dtype=float32)
    """
    w = jnp.asarray(weight)
    idx = _check_indices(input, w, "embedding")
    num = w.shape[0]
    if padding_idx is not None:
        if not -num <= padding_idx < num:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx = padding_idx % num  # torch normalises a negative padding_idx
    if max_norm is not None:
        # Forward value = the renormed rows exactly (w - sg(w) == 0); gradient passes to
        # `weight` unchanged, as torch renormalises under no_grad.
        w = jax.lax.stop_gradient(embedding_renorm(w, idx, max_norm, norm_type)) + (
            w - jax.lax.stop_gradient(w))
    # A negative index would wrap around in jnp.take; send it out of range -> NaN row.
    safe = jnp.where(idx < 0, num, idx)
    rows = jnp.take(w, safe, axis=0, mode="fill", fill_value=jnp.nan)
    if padding_idx is None and not scale_grad_by_freq:
        return rows
    scale = jnp.ones(idx.shape, w.dtype)
    if scale_grad_by_freq:
        counts = jnp.zeros(num, w.dtype).at[idx.reshape(-1)].add(1, mode="drop")
        scale = 1 / jnp.take(counts, safe, mode="fill", fill_value=1)
    if padding_idx is not None:
        scale = jnp.where(idx == padding_idx, jnp.zeros((), w.dtype), scale)
    return _scale_grad(rows, scale[..., None])
