"""Shape ops with torch's argument conventions: flatten and pad."""
import math

import jax.numpy as jnp
from jax import lax

_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def _wrap_dim(dim, ndim):
    """torch's dimension wrapping: 0-D arrays accept dims -1 and 0; IndexError otherwise."""
    rank = max(ndim, 1)
    if not -rank <= dim < rank:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-rank}, {rank - 1}], but "
            f"got {dim})")
    return dim % rank


def flatten(input, start_dim=0, end_dim=-1):
    """Merges dimensions `start_dim..end_dim` into one, as `torch.flatten`.

    Args:
      input: array of any rank (a 0-D array becomes shape (1,)).
      start_dim: first dimension to merge.
      end_dim: last dimension to merge (inclusive).

    Returns:
      A reshaped view of `input`.

    Raises:
      IndexError: for a dimension out of range.
      RuntimeError: if `start_dim` comes after `end_dim`.

    Example:
      >>> flatten(jnp.zeros((2, 3, 4)), 1).shape
      (2, 12)
    """
    start, end = _wrap_dim(start_dim, input.ndim), _wrap_dim(end_dim, input.ndim)
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if input.ndim == 0:
        return input.reshape(1)
    shape = input.shape
    return input.reshape(shape[:start] + (math.prod(shape[start:end + 1]),) + shape[end + 1:])


def _pad_constant(input, pairs, value):
    fill = jnp.zeros((), input.dtype) if value is None else jnp.asarray(value).astype(input.dtype)
    for dim, (lo, hi) in enumerate(pairs):
        if input.shape[dim] + lo + hi < 0:
            raise RuntimeError(
                f"narrow(): length must be non-negative. (pad ({lo}, {hi}) gives size "
                f"{input.shape[dim] + lo + hi} at dimension {dim} of input {list(input.shape)})")
    return lax.pad(input, fill, [(lo, hi, 0) for lo, hi in pairs])


def _crop(input, pairs):
    """Removes -lo / -hi elements where a pad amount is negative."""
    starts = [max(-lo, 0) for lo, _ in pairs]
    limits = [n - max(-hi, 0) for n, (_, hi) in zip(input.shape, pairs)]
    return lax.slice(input, starts, limits)


def _pad_edges(input, pairs, mode, pad_dims):
    """reflect / replicate / circular, with torch's size rules and negative amounts."""
    n = pad_dims
    if input.ndim not in (n + 1, n + 2):
        # torch raises NotImplementedError here: the same type keeps callers' handlers valid.
        raise NotImplementedError(
            f"Padding size {2 * n} is not supported for {input.ndim}D input tensor. Non-constant "
            f"padding of {n} dimension(s) needs a {n + 1}D or {n + 2}D input; reshape the input "
            "or use mode='constant'.")
    first = input.ndim - n
    if mode != "circular" and any(s == 0 for s in input.shape[1:]):
        raise RuntimeError(
            f"Expected {n + 1}D or {n + 2}D (batch mode) tensor with possibly 0 batch size and "
            f"other non-zero dimensions for input, but got: {list(input.shape)}")
    for i, dim in enumerate(range(first, input.ndim)):
        lo, hi = pairs[dim]
        size = input.shape[dim]
        if mode == "reflect" and (lo >= size or hi >= size):
            # torch numbers pad's entries from 4 in this message (argument #4 is pad[0]).
            arg = 4 + 2 * (n - 1 - i)
            raise RuntimeError(
                f"Argument #{arg}: Padding size should be less than the corresponding input "
                f"dimension, but got: padding ({lo}, {hi}) at dimension {dim} of input "
                f"{list(input.shape)}")
        if mode in ("reflect", "replicate") and size + lo + hi < 1:
            name = "DHW"[3 - n + i] if n <= 3 else str(dim)
            raise RuntimeError(
                f"input ({name}: {size}) is too small. Calculated output {name}: "
                f"{size + lo + hi}")
        if mode == "circular":
            cropped = size - max(-lo, 0) - max(-hi, 0)
            if lo > cropped or hi > cropped or lo > size or hi > size:
                raise RuntimeError("Padding value causes wrapping around more than once.")
            if cropped < 0:
                raise RuntimeError(
                    f"narrow(): length must be non-negative. (pad ({lo}, {hi}) at dimension "
                    f"{dim} of input {list(input.shape)})")
    positive = [(max(lo, 0), max(hi, 0)) for lo, hi in pairs]
    if mode == "circular":
        # torch crops first and wraps the cropped array.
        return jnp.pad(_crop(input, pairs), positive, mode="wrap")
    # reflect / replicate index the original array, so pad first and crop after.
    padded = jnp.pad(input, positive, mode="reflect" if mode == "reflect" else "edge")
    return _crop(padded, [(min(lo, 0), min(hi, 0)) for lo, hi in pairs])


def pad(input, pad, mode="constant", value=None):
    """Pads the trailing dimensions, as `torch.nn.functional.pad`.

    `pad` lists (left, right) amounts starting from the LAST dimension:
    `(w_left, w_right, h_left, h_right, ...)`. Negative amounts crop.

    Args:
      input: array.
      pad: even-length sequence of ints, at most 2 * input.ndim long.
      mode: 'constant', 'reflect' (mirror without repeating the edge), 'replicate' (repeat
        the edge) or 'circular' (wrap around). Non-constant modes pad the last 1-3 dimensions
        of an input with one or two leading (batch, channel) dimensions, as torch requires.
      value: fill value for 'constant' (default 0), cast to the input's dtype.

    Returns:
      The padded array, in the input's dtype.

    Raises:
      RuntimeError: odd or too long `pad`, a value with a non-constant mode, reflect padding
        not smaller than the dimension, wrapping more than once, or an empty result.
      NotImplementedError: an unknown mode, or a non-constant pad for an unsupported rank
        (torch's exception type for both).

    Example:
      >>> pad(jnp.ones((1, 2, 3)), (1, 1), value=0.5).shape
      (1, 2, 5)
    """
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2 != 0:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input dimension but "
            f"got padding length {len(pad)} and input of dimension {input.ndim}")
    if mode not in _PAD_MODES:
        # torch raises NotImplementedError for an unknown mode: same type as torch.
        raise NotImplementedError(
            f"Unrecognised padding mode {mode}; use one of {', '.join(_PAD_MODES)}")
    pairs = [(0, 0)] * input.ndim
    for i in range(len(pad) // 2):
        pairs[input.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    if mode == "constant":
        return _pad_constant(input, pairs, value)
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    return _pad_edges(input, pairs, mode, len(pad) // 2)
