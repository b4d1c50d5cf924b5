"""torch.nn.init's schemes as pure functions that return new arrays.

torch fills a tensor in place (``kaiming_uniform_(w)``); here every scheme takes the
shape and returns a fresh array: ``w = kaiming_uniform((out, in), key=k)``.

Conventions, the same in every function of this package:

* ``shape`` first, then the scheme's own arguments with torch's names and defaults;
* randomness comes from a keyword-only ``key`` (a ``jax.random`` key), never hidden state;
* ``dtype`` is keyword-only and defaults to float32 (torch's default dtype), whatever
  ``jax_enable_x64`` says.

The random streams cannot equal torch's bit for bit; the distributions (bounds, means,
standard deviations, fans, gains) are torch's exactly.
"""
import functools
import math
import numbers
import warnings

import jax
import jax.numpy as jnp
import numpy as np

_LINEAR_FNS = (
    "linear",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
)


def _as_shape(shape):
    """Accepts an int, a sequence of ints or anything with ``.shape``; returns a tuple."""
    if hasattr(shape, "shape"):
        shape = shape.shape
    if isinstance(shape, numbers.Integral):
        return (int(shape),)
    try:
        return tuple(int(s) for s in shape)
    except TypeError:
        raise TypeError(
            f"shape must be an int or a sequence of ints, got {type(shape).__name__}: {shape!r}"
        ) from None


def calculate_gain(nonlinearity, param=None):
    """Returns torch's recommended gain for a nonlinearity.

    Mirrors ``torch.nn.init.calculate_gain``: 1 for linear/conv/sigmoid, 5/3 for tanh,
    sqrt(2) for relu, sqrt(2 / (1 + negative_slope**2)) for leaky_relu (slope 0.01 when
    ``param`` is None) and 3/4 for selu.

    Args:
        nonlinearity: name of the function, as in ``nn.functional``.
        param: optional parameter of the function (leaky_relu's negative slope).

    Returns:
        The gain (a Python number).

    Raises:
        ValueError: unknown nonlinearity, or a non-numeric ``param`` for leaky_relu.

    Example:
        >>> calculate_gain("leaky_relu", 0.2)
        1.386750490563073
    """
    if nonlinearity in _LINEAR_FNS or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01  # torch's F.leaky_relu default slope
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            negative_slope = param  # bools are ints in Python; torch rejects them
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope**2))
    if nonlinearity == "selu":
        # torch's empirical value (pytorch PR 50664); use 'linear' for self-normalising nets
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def calculate_fan_in_and_fan_out(shape):
    """Returns ``(fan_in, fan_out)`` of a weight of this shape, as torch computes them.

    The weight is laid out torch's way, ``(out, in, *kernel)``: fan_in = ``shape[1] *
    receptive``, fan_out = ``shape[0] * receptive`` with receptive = prod(shape[2:]).

    Args:
        shape: the weight's shape (or an array, whose ``.shape`` is used).

    Returns:
        ``(fan_in, fan_out)`` as Python ints.

    Raises:
        ValueError: fewer than 2 dimensions.

    Example:
        >>> calculate_fan_in_and_fan_out((16, 3, 5, 5))
        (75, 400)
    """
    shape = _as_shape(shape)
    if len(shape) < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"
        )
    receptive_field_size = math.prod(shape[2:])
    return shape[1] * receptive_field_size, shape[0] * receptive_field_size


# torch's own (private) name, kept so torch code ported verbatim finds it
_calculate_fan_in_and_fan_out = calculate_fan_in_and_fan_out


def calculate_correct_fan(shape, mode):
    """Returns the fan that ``mode`` ('fan_in' or 'fan_out', any case) selects.

    Args:
        shape: the weight's shape.
        mode: 'fan_in' or 'fan_out'.

    Returns:
        The fan as a Python int.

    Raises:
        ValueError: unknown mode, or fewer than 2 dimensions.

    Example:
        >>> calculate_correct_fan((16, 3, 5, 5), "fan_out")
        400
    """
    mode = mode.lower()
    valid_modes = ["fan_in", "fan_out"]
    if mode not in valid_modes:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid_modes}")
    fan_in, fan_out = calculate_fan_in_and_fan_out(shape)
    return fan_in if mode == "fan_in" else fan_out


def uniform(shape, a=0.0, b=1.0, *, key, dtype=jnp.float32):
    """Samples U(a, b), like ``torch.nn.init.uniform_``.

    Args:
        shape: output shape.
        a: lower bound.
        b: upper bound.
        key: a ``jax.random`` key.
        dtype: a floating dtype (default float32).

    Returns:
        An array of ``shape`` and ``dtype``.

    Example:
        >>> w = uniform((3, 4), -0.1, 0.1, key=jax.random.key(0))
    """
    shape = _as_shape(shape)
    u, xp = _draw("uniform", key, shape, dtype)
    # jax.random.uniform's own formula: u * (b - a) + a, kept >= a
    return jnp.asarray(xp.maximum(u * (b - a) + a, a), dtype=dtype)


def normal(shape, mean=0.0, std=1.0, *, key, dtype=jnp.float32):
    """Samples N(mean, std**2), like ``torch.nn.init.normal_``.

    Args:
        shape: output shape.
        mean: mean of the distribution.
        std: standard deviation.
        key: a ``jax.random`` key.
        dtype: a floating dtype (default float32).

    Returns:
        An array of ``shape`` and ``dtype``.

    Example:
        >>> w = normal((3, 4), 0.0, 0.02, key=jax.random.key(0))
    """
    z, _ = _draw("normal", key, _as_shape(shape), dtype)
    return jnp.asarray(z * std + mean, dtype=dtype)


# Every XLA compile costs ~0.3 s on a small CPU, and eager jax compiles per shape. So
# uniform and normal draw a flat vector whose length is the element count rounded up to
# a power of two (>= 1024) -- one compiled program per bucket, shared by every layer --
# and cut and scale it on the host (numpy) when the key is concrete, or in the traced
# graph under jit/vmap. Both paths take the same draw, so jit(init)(key) equals
# init(key) up to float rounding of the scaling.
_MIN_BUCKET = 1024


@functools.partial(jax.jit, static_argnames=("kind", "size", "dtype"))
def _flat_draw(key, *, kind, size, dtype):
    if kind == "uniform":
        return jax.random.uniform(key, (size,), dtype)
    return jax.random.normal(key, (size,), dtype)


def _draw(kind, key, shape, dtype):
    """iid U[0, 1) or N(0, 1) of ``shape``, and the array module (numpy or jax.numpy)."""
    n = math.prod(shape)
    bucket = max(_MIN_BUCKET, 1 << max(n - 1, 0).bit_length())
    flat = _flat_draw(key, kind=kind, size=bucket, dtype=jnp.dtype(dtype))
    if isinstance(flat, jax.core.Tracer):
        return flat[:n].reshape(shape), jnp
    return np.asarray(flat)[:n].reshape(shape), np


def trunc_normal(shape, mean=0.0, std=1.0, a=-2.0, b=2.0, *, key, dtype=jnp.float32):
    """Samples N(mean, std**2) truncated to [a, b], like ``torch.nn.init.trunc_normal_``.

    torch redraws out-of-range values (or rejection-samples from U(a, b)); here the
    standard truncated normal on ``[(a - mean) / std, (b - mean) / std]`` is sampled by
    ``jax.random.truncated_normal`` and moved to ``mean, std``: the same distribution.

    Args:
        shape: output shape.
        mean: mean of the untruncated normal.
        std: its standard deviation.
        a: the minimum cutoff value.
        b: the maximum cutoff value.
        key: a ``jax.random`` key.
        dtype: a floating dtype (default float32).

    Returns:
        An array of ``shape`` and ``dtype`` with every value in [a, b].

    Example:
        >>> w = trunc_normal((3, 4), std=0.02, a=-0.04, b=0.04, key=jax.random.key(0))
    """
    if (mean < a - 2 * std) or (mean > b + 2 * std):
        warnings.warn(
            "mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
            "The distribution of values may be incorrect.",
            stacklevel=2,
        )
    return _trunc_normal(key, mean, std, a, b, shape=_as_shape(shape), dtype=dtype)


@functools.partial(jax.jit, static_argnames=("shape", "dtype"))
def _trunc_normal(key, mean, std, a, b, *, shape, dtype):
    lower, upper = (a - mean) / std, (b - mean) / std
    z = jax.random.truncated_normal(key, lower, upper, shape, dtype)
    # rounding in `z * std + mean` could step just past a bound; torch never returns
    # values outside [a, b], so clip
    return jnp.clip(z * std + mean, a, b).astype(dtype)


def constant(shape, val, *, dtype=jnp.float32):
    """Returns an array filled with ``val``, like ``torch.nn.init.constant_``.

    Args:
        shape: output shape.
        val: the fill value.
        dtype: the dtype (default float32).

    Returns:
        An array of ``shape`` and ``dtype``.

    Example:
        >>> b = constant((4,), 0.1)
    """
    return jnp.full(_as_shape(shape), val, dtype)


def zeros(shape, *, dtype=jnp.float32):
    """Returns zeros, like ``torch.nn.init.zeros_``.

    Args:
        shape: output shape.
        dtype: the dtype (default float32).

    Returns:
        An array of ``shape`` and ``dtype``.

    Example:
        >>> b = zeros((4,))
    """
    return constant(shape, 0, dtype=dtype)


def ones(shape, *, dtype=jnp.float32):
    """Returns ones, like ``torch.nn.init.ones_``.

    Args:
        shape: output shape.
        dtype: the dtype (default float32).

    Returns:
        An array of ``shape`` and ``dtype``.

    Example:
        >>> w = ones((4,))
    """
    return constant(shape, 1, dtype=dtype)


def eye(shape, *, dtype=jnp.float32):
    """Returns the (rectangular) identity matrix, like ``torch.nn.init.eye_``.

    Args:
        shape: a 2-d shape ``(n, m)``.
        dtype: the dtype (default float32).

    Returns:
        An ``(n, m)`` array with ones on the main diagonal.

    Raises:
        ValueError: ``shape`` is not 2-d.

    Example:
        >>> w = eye((3, 5))
    """
    shape = _as_shape(shape)
    if len(shape) != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return jnp.eye(shape[0], shape[1], dtype=dtype)


def dirac(shape, groups=1, *, dtype=jnp.float32):
    """Returns a conv weight that passes inputs through, like ``torch.nn.init.dirac_``.

    Weight layout ``(out, in, *kernel)``; in each group, output channel ``d`` gets a one
    at input channel ``d`` and the kernel's centre (``size // 2`` per dim).

    Args:
        shape: a 3-, 4- or 5-d conv weight shape.
        groups: number of conv groups.
        dtype: the dtype (default float32).

    Returns:
        The Dirac weight.

    Raises:
        ValueError: wrong number of dims, or ``shape[0]`` not divisible by ``groups``.

    Example:
        >>> w = dirac((4, 4, 3, 3))
    """
    shape = _as_shape(shape)
    if len(shape) not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    if shape[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_per_group = shape[0] // groups
    w = np.zeros(shape, dtype=np.dtype(dtype))  # built on host: shapes are static
    centre = tuple(s // 2 for s in shape[2:])
    for g in range(groups):
        for d in range(min(out_per_group, shape[1])):
            w[(g * out_per_group + d, d) + centre] = 1
    return jnp.asarray(w, dtype=dtype)


def xavier_uniform(shape, gain=1.0, *, key, dtype=jnp.float32):
    """Glorot uniform, like ``torch.nn.init.xavier_uniform_``.

    Samples U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).

    Args:
        shape: weight shape, at least 2-d, torch layout ``(out, in, *kernel)``.
        gain: scaling factor.
        key: a ``jax.random`` key.
        dtype: a floating dtype (default float32).

    Returns:
        An array of ``shape`` and ``dtype``.

    Raises:
        ValueError: fewer than 2 dimensions.

    Example:
        >>> w = xavier_uniform((4, 3), gain=calculate_gain("tanh"), key=jax.random.key(0))
    """
    fan_in, fan_out = calculate_fan_in_and_fan_out(shape)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std  # U(-b, b) has std b / sqrt(3)
    return uniform(shape, -bound, bound, key=key, dtype=dtype)


def xavier_normal(shape, gain=1.0, *, key, dtype=jnp.float32):
    """Glorot normal, like ``torch.nn.init.xavier_normal_``.

    Samples N(0, std**2) with std = gain * sqrt(2 / (fan_in + fan_out)).

    Args:
        shape: weight shape, at least 2-d.
        gain: scaling factor.
        key: a ``jax.random`` key.
        dtype: a floating dtype (default float32).

    Returns:
        An array of ``shape`` and ``dtype``.

    Raises:
        ValueError: fewer than 2 dimensions.

    Example:
        >>> w = xavier_normal((4, 3), key=jax.random.key(0))
    """
    fan_in, fan_out = calculate_fan_in_and_fan_out(shape)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal(shape, 0.0, std, key=key, dtype=dtype)


def _kaiming_std(shape, a, mode, nonlinearity):
    """std = gain / sqrt(fan), or None for a zero-element shape (torch: warn, no-op)."""
    if 0 in shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=4)
        return None
    fan = calculate_correct_fan(shape, mode)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform(
    shape, a=0, mode="fan_in", nonlinearity="leaky_relu", *, key, dtype=jnp.float32
):
    """He uniform, like ``torch.nn.init.kaiming_uniform_``.

    Samples U(-bound, bound) with bound = gain * sqrt(3 / fan), gain =
    ``calculate_gain(nonlinearity, a)``. With ``a=sqrt(5)`` (torch's Linear/Conv
    default) this is U(-1/sqrt(fan_in), 1/sqrt(fan_in)).

    Args:
        shape: weight shape, at least 2-d, torch layout ``(out, in, *kernel)``.
        a: negative slope of the rectifier after this layer (leaky_relu only).
        mode: 'fan_in' (default) or 'fan_out'.
        nonlinearity: ``nn.functional`` name of the nonlinearity.
        key: a ``jax.random`` key.
        dtype: a floating dtype (default float32).

    Returns:
        An array of ``shape`` and ``dtype`` (empty shapes: an empty array and torch's
        "no-op" warning).

    Raises:
        ValueError: fewer than 2 dims, unknown mode or nonlinearity.

    Example:
        >>> w = kaiming_uniform((4, 3), a=math.sqrt(5), key=jax.random.key(0))
    """
    shape = _as_shape(shape)
    bound = kaiming_uniform_bound(shape, a, mode, nonlinearity)
    if bound is None:
        return jnp.zeros(shape, dtype)
    return uniform(shape, -bound, bound, key=key, dtype=dtype)


def kaiming_uniform_bound(shape, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    """The bound of :func:`kaiming_uniform`: gain * sqrt(3 / fan) (None for empty shapes).

    Args:
        shape: weight shape, at least 2-d.
        a: negative slope (leaky_relu only).
        mode: 'fan_in' or 'fan_out'.
        nonlinearity: ``nn.functional`` name of the nonlinearity.

    Returns:
        The bound as a Python float, or None (with torch's warning) if ``shape`` is empty.

    Example:
        >>> kaiming_uniform_bound((10, 25), a=math.sqrt(5))  # 1/sqrt(25)
        0.2
    """
    std = _kaiming_std(_as_shape(shape), a, mode, nonlinearity)
    return None if std is None else math.sqrt(3.0) * std  # U(-b, b) has std b / sqrt(3)


def kaiming_normal(
    shape, a=0, mode="fan_in", nonlinearity="leaky_relu", *, key, dtype=jnp.float32
):
    """He normal, like ``torch.nn.init.kaiming_normal_``.

    Samples N(0, std**2) with std = gain / sqrt(fan).

    Args:
        shape: weight shape, at least 2-d.
        a: negative slope of the rectifier after this layer (leaky_relu only).
        mode: 'fan_in' (default) or 'fan_out'.
        nonlinearity: ``nn.functional`` name of the nonlinearity.
        key: a ``jax.random`` key.
        dtype: a floating dtype (default float32).

    Returns:
        An array of ``shape`` and ``dtype``.

    Raises:
        ValueError: fewer than 2 dims, unknown mode or nonlinearity.

    Example:
        >>> w = kaiming_normal((4, 3), nonlinearity="relu", key=jax.random.key(0))
    """
    shape = _as_shape(shape)
    std = _kaiming_std(shape, a, mode, nonlinearity)
    if std is None:
        return jnp.zeros(shape, dtype)
    return normal(shape, 0.0, std, key=key, dtype=dtype)


def _orthogonalize(flattened):
    """Q of the QR of a 2-d gaussian matrix, sign-corrected as torch does.

    Multiplying Q's columns by sign(diag(R)) makes Q Haar-distributed (Mezzadri 2006,
    arXiv math-ph/0609050); torch does exactly this, including sign(0) = 0.
    """
    rows, cols = flattened.shape
    if rows < cols:
        flattened = flattened.T
    q, r = jnp.linalg.qr(flattened)  # reduced QR, like torch.linalg.qr's default
    q = q * jnp.sign(jnp.diagonal(r))
    return q.T if rows < cols else q


def orthogonal(shape, gain=1, *, key, dtype=jnp.float32):
    """(Semi-)orthogonal matrix, like ``torch.nn.init.orthogonal_``.

    Trailing dims are flattened: the ``(shape[0], prod(shape[1:]))`` result ``W``
    satisfies ``W @ W.T = gain**2 * I`` (rows <= cols) or ``W.T @ W = gain**2 * I``.

    Args:
        shape: at least 2-d shape.
        gain: scaling factor.
        key: a ``jax.random`` key.
        dtype: a floating dtype (default float32).

    Returns:
        An array of ``shape`` and ``dtype``.

    Raises:
        ValueError: fewer than 2 dimensions.

    Example:
        >>> w = orthogonal((3, 5), key=jax.random.key(0))
    """
    shape = _as_shape(shape)
    if len(shape) < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if math.prod(shape) == 0:
        return jnp.zeros(shape, dtype)  # torch: no-op on an empty tensor
    return _orthogonal(key, gain, shape=shape, dtype=dtype)


@functools.partial(jax.jit, static_argnames=("shape", "dtype"))
def _orthogonal(key, gain, *, shape, dtype):
    rows = shape[0]
    cols = math.prod(shape) // rows
    flattened = jax.random.normal(key, (rows, cols), dtype)
    return (_orthogonalize(flattened) * gain).astype(dtype).reshape(shape)


def sparse(shape, sparsity, std=0.01, *, key, dtype=jnp.float32):
    """Sparse normal matrix, like ``torch.nn.init.sparse_``.

    Draws N(0, std**2) and zeros ``ceil(sparsity * rows)`` randomly chosen entries of
    every column.

    Args:
        shape: a 2-d shape ``(rows, cols)``.
        sparsity: fraction of each column set to zero.
        std: standard deviation of the non-zero values.
        key: a ``jax.random`` key.
        dtype: a floating dtype (default float32).

    Returns:
        An array of ``shape`` and ``dtype``.

    Raises:
        ValueError: ``shape`` is not 2-d.

    Example:
        >>> w = sparse((10, 4), 0.3, key=jax.random.key(0))
    """
    shape = _as_shape(shape)
    if len(shape) != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return _sparse(key, std, num_zeros=math.ceil(sparsity * shape[0]), shape=shape, dtype=dtype)


@functools.partial(jax.jit, static_argnames=("num_zeros", "shape", "dtype"))
def _sparse(key, std, *, num_zeros, shape, dtype):
    k_values, k_perm = jax.random.split(key)
    values = normal(shape, 0.0, std, key=k_values, dtype=dtype)
    # an independent random permutation of the rows per column: ranks of iid uniforms
    ranks = jnp.argsort(jnp.argsort(jax.random.uniform(k_perm, shape), axis=0), axis=0)
    return jnp.where(ranks < num_zeros, jnp.zeros((), dtype), values)
