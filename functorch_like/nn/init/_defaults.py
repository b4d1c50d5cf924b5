"""torch's default parameters of each layer, as pure functions of a PRNG key.

Each function reproduces the layer's ``__init__`` + ``reset_parameters()`` in torch
2.13: same parameter names (the ``state_dict`` keys), shapes, layouts, dtypes and
distributions. The result is a plain dict pytree, ready for the functional ops.
Deterministic initialisations (norm layers) take no key.

Example:
    >>> params = linear_params(784, 10, key=jax.random.key(0))
    >>> params["weight"].shape, params["bias"].shape
    ((10, 784), (10,))
"""
import math
import numbers

import jax
import jax.numpy as jnp

from ._init import (
    _as_shape,
    calculate_fan_in_and_fan_out,
    kaiming_uniform,
    normal,
    ones,
    uniform,
    zeros,
)

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}  # gate_size / hidden_size


def _weight_and_bias(weight_shape, out_features, bias, key, dtype):
    """torch's ``Linear``/``_ConvNd`` ``reset_parameters``, shared by linear and conv."""
    k_w, k_b = jax.random.split(key)
    # a=sqrt(5): gain sqrt(2 / (1 + 5)) = 1/sqrt(3), so bound = gain * sqrt(3 / fan_in)
    # = 1/sqrt(fan_in) -- torch's historical default (pytorch issue 57109)
    params = {"weight": kaiming_uniform(weight_shape, a=math.sqrt(5), key=k_w, dtype=dtype)}
    if bias:
        fan_in, _ = calculate_fan_in_and_fan_out(weight_shape)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0  # torch's guard for fan_in 0
        params["bias"] = uniform((out_features,), -bound, bound, key=k_b, dtype=dtype)
    return params


def linear_params(in_features, out_features, bias=True, *, key, dtype=jnp.float32):
    """Default parameters of ``torch.nn.Linear``.

    ``weight`` ``(out_features, in_features)`` ~ U(+-1/sqrt(in_features)) (kaiming_uniform
    with a=sqrt(5)); ``bias`` ``(out_features,)`` ~ U(+-1/sqrt(in_features)).

    Args:
        in_features: size of each input sample.
        out_features: size of each output sample.
        bias: whether to create ``bias``.
        key: a ``jax.random`` key.
        dtype: a floating dtype (default float32).

    Returns:
        ``{'weight': ..., 'bias': ...}`` (no ``'bias'`` when ``bias=False``).

    Example:
        >>> p = linear_params(3, 2, key=jax.random.key(0))
    """
    return _weight_and_bias((out_features, in_features), out_features, bias, key, dtype)


def conv_params(
    in_channels,
    out_channels,
    kernel_size,
    groups=1,
    bias=True,
    transposed=False,
    *,
    key,
    dtype=jnp.float32,
):
    """Default parameters of ``torch.nn.Conv{1,2,3}d`` / ``ConvTranspose{1,2,3}d``.

    ``weight`` is ``(out_channels, in_channels // groups, *kernel_size)`` (OIHW), or
    ``(in_channels, out_channels // groups, *kernel_size)`` when ``transposed`` -- torch's
    layouts. Fans follow the weight's shape as torch's do, so a transposed conv's fan_in
    is ``weight.shape[1] * prod(kernel_size)`` = ``out_channels // groups * receptive``.

    Args:
        in_channels: input channels.
        out_channels: output channels.
        kernel_size: tuple of kernel sizes, one per spatial dim.
        groups: number of blocked connections.
        bias: whether to create ``bias`` ``(out_channels,)``.
        transposed: True for ConvTranspose layers.
        key: a ``jax.random`` key.
        dtype: a floating dtype (default float32).

    Returns:
        ``{'weight': ..., 'bias': ...}`` (no ``'bias'`` when ``bias=False``).

    Raises:
        ValueError: bad groups (torch's messages), or ``kernel_size`` not a tuple.

    Example:
        >>> p = conv_params(1, 8, (3, 3), key=jax.random.key(0))
        >>> p["weight"].shape
        (8, 1, 3, 3)
    """
    if isinstance(kernel_size, numbers.Integral):
        raise ValueError(
            f"kernel_size must be a tuple with one size per spatial dim, got {kernel_size}; "
            f"pass (k,) for 1-d, (k, k) for 2-d, (k, k, k) for 3-d"
        )
    kernel_size = _as_shape(kernel_size)
    if groups <= 0:
        raise ValueError("groups must be a positive integer")
    if in_channels % groups != 0:
        raise ValueError("in_channels must be divisible by groups")
    if out_channels % groups != 0:
        raise ValueError("out_channels must be divisible by groups")
    if transposed:
        weight_shape = (in_channels, out_channels // groups, *kernel_size)
    else:
        weight_shape = (out_channels, in_channels // groups, *kernel_size)
    return _weight_and_bias(weight_shape, out_channels, bias, key, dtype)


def embedding_params(num_embeddings, embedding_dim, padding_idx=None, *, key, dtype=jnp.float32):
    """Default parameters of ``torch.nn.Embedding``.

    ``weight`` ``(num_embeddings, embedding_dim)`` ~ N(0, 1), with row ``padding_idx`` (if
    given; negative counts from the end) set to zero.

    Args:
        num_embeddings: size of the dictionary.
        embedding_dim: size of each embedding vector.
        padding_idx: index of the padding row, or None.
        key: a ``jax.random`` key.
        dtype: a floating dtype (default float32).

    Returns:
        ``{'weight': ...}``.

    Raises:
        AssertionError: ``padding_idx`` out of range (torch raises AssertionError too).

    Example:
        >>> p = embedding_params(10, 3, padding_idx=0, key=jax.random.key(0))
    """
    if padding_idx is not None:
        if padding_idx >= num_embeddings or padding_idx < -num_embeddings:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx = padding_idx % num_embeddings  # torch: num_embeddings + padding_idx
    weight = normal((num_embeddings, embedding_dim), key=key, dtype=dtype)
    if padding_idx is not None:
        weight = weight.at[padding_idx].set(0)
    return {"weight": weight}


def check_rnn_config(input_size, hidden_size, num_layers, bias, bidirectional, proj_size=0):
    """Validates an RNN/LSTM/GRU configuration with torch's ``RNNBase`` messages.

    Raises:
        TypeError: a flag or size of the wrong type.
        ValueError: a size out of range.

    Example:
        >>> check_rnn_config(10, 20, 1, True, False)
    """
    for name, value in (("bias", bias), ("bidirectional", bidirectional)):
        if not isinstance(value, bool):
            raise TypeError(f"{name} should be of type bool, got: {type(value).__name__}")
    if not isinstance(input_size, int):
        raise TypeError(f"input_size should be of type int, got: {type(input_size).__name__}")
    if input_size <= 0:
        raise ValueError("input_size must be greater than zero")
    if not isinstance(hidden_size, int):
        raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
    if hidden_size <= 0:
        raise ValueError("hidden_size must be greater than zero")
    if num_layers <= 0:
        raise ValueError("num_layers must be greater than zero")
    if proj_size < 0:
        raise ValueError("proj_size should be a positive integer or zero to disable projections")
    if proj_size >= hidden_size:
        raise ValueError("proj_size has to be smaller than hidden_size")


def _rnn_layers_params(
    mode, input_size, hidden_size, num_layers, bias, bidirectional, proj_size, key, dtype
):
    """torch's ``RNNBase.__init__`` + ``reset_parameters`` for every mode."""
    check_rnn_config(input_size, hidden_size, num_layers, bias, bidirectional, proj_size)

    gate_size = _GATES[mode] * hidden_size
    real_hidden_size = proj_size if proj_size > 0 else hidden_size
    num_directions = 2 if bidirectional else 1
    shapes = {}
    for layer in range(num_layers):
        layer_input_size = input_size if layer == 0 else real_hidden_size * num_directions
        for direction in range(num_directions):
            suffix = f"l{layer}" + ("_reverse" if direction == 1 else "")
            shapes[f"weight_ih_{suffix}"] = (gate_size, layer_input_size)
            shapes[f"weight_hh_{suffix}"] = (gate_size, real_hidden_size)
            if bias:
                shapes[f"bias_ih_{suffix}"] = (gate_size,)
                shapes[f"bias_hh_{suffix}"] = (gate_size,)
            if proj_size > 0:
                shapes[f"weight_hr_{suffix}"] = (proj_size, hidden_size)
    return _uniform_all(shapes, hidden_size, key, dtype)


def _uniform_all(shapes, hidden_size, key, dtype):
    """Every parameter ~ U(+-1/sqrt(hidden_size)): torch's RNN/RNNCell reset_parameters."""
    stdv = 1.0 / math.sqrt(hidden_size) if hidden_size > 0 else 0
    keys = jax.random.split(key, len(shapes))
    return {
        name: uniform(shape, -stdv, stdv, key=k, dtype=dtype)
        for (name, shape), k in zip(shapes.items(), keys)
    }


def lstm_params(
    input_size,
    hidden_size,
    num_layers=1,
    bias=True,
    bidirectional=False,
    proj_size=0,
    *,
    key,
    dtype=jnp.float32,
):
    """Default parameters of ``torch.nn.LSTM``.

    Per layer ``k`` (and ``_reverse`` twin when bidirectional): ``weight_ih_lk``
    ``(4*hidden, in)``, ``weight_hh_lk`` ``(4*hidden, real_hidden)``, ``bias_ih_lk``,
    ``bias_hh_lk`` ``(4*hidden,)`` and, with ``proj_size > 0``, ``weight_hr_lk``
    ``(proj_size, hidden)``. Gates stacked in torch's order (i, f, g, o). Every entry ~
    U(+-1/sqrt(hidden_size)).

    Args:
        input_size: features of the input.
        hidden_size: features of the hidden state.
        num_layers: stacked layers.
        bias: whether to create the biases.
        bidirectional: whether to add the ``_reverse`` direction.
        proj_size: LSTM projection size (0: none).
        key: a ``jax.random`` key.
        dtype: a floating dtype (default float32).

    Returns:
        A dict keyed by torch's parameter names.

    Raises:
        ValueError, TypeError: as ``torch.nn.LSTM``'s constructor.

    Example:
        >>> p = lstm_params(3, 5, num_layers=2, key=jax.random.key(0))
        >>> p["weight_ih_l1"].shape
        (20, 5)
    """
    return _rnn_layers_params(
        "LSTM", input_size, hidden_size, num_layers, bias, bidirectional, proj_size, key, dtype
    )


def gru_params(
    input_size, hidden_size, num_layers=1, bias=True, bidirectional=False, *, key,
    dtype=jnp.float32,
):
    """Default parameters of ``torch.nn.GRU``: like :func:`lstm_params` with 3 gates (r, z, n).

    Args:
        input_size: features of the input.
        hidden_size: features of the hidden state.
        num_layers: stacked layers.
        bias: whether to create the biases.
        bidirectional: whether to add the ``_reverse`` direction.
        key: a ``jax.random`` key.
        dtype: a floating dtype (default float32).

    Returns:
        A dict keyed by torch's parameter names (``weight_ih_l0`` ``(3*hidden, in)``...).

    Raises:
        ValueError, TypeError: as ``torch.nn.GRU``'s constructor.

    Example:
        >>> p = gru_params(3, 5, key=jax.random.key(0))
    """
    return _rnn_layers_params(
        "GRU", input_size, hidden_size, num_layers, bias, bidirectional, 0, key, dtype
    )


def rnn_params(
    input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, bidirectional=False,
    *, key, dtype=jnp.float32,
):
    """Default parameters of ``torch.nn.RNN`` (Elman): one gate, ``(hidden, in)`` weights.

    Args:
        input_size: features of the input.
        hidden_size: features of the hidden state.
        num_layers: stacked layers.
        nonlinearity: 'tanh' or 'relu' (checked as torch does; the parameters are the same).
        bias: whether to create the biases.
        bidirectional: whether to add the ``_reverse`` direction.
        key: a ``jax.random`` key.
        dtype: a floating dtype (default float32).

    Returns:
        A dict keyed by torch's parameter names.

    Raises:
        ValueError, TypeError: as ``torch.nn.RNN``'s constructor.

    Example:
        >>> p = rnn_params(3, 5, bidirectional=True, key=jax.random.key(0))
        >>> sorted(p)[:2]
        ['bias_hh_l0', 'bias_hh_l0_reverse']
    """
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(
            f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."
        )
    mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
    return _rnn_layers_params(
        mode, input_size, hidden_size, num_layers, bias, bidirectional, 0, key, dtype
    )


def _cell_params(num_chunks, input_size, hidden_size, bias, key, dtype):
    shapes = {
        "weight_ih": (num_chunks * hidden_size, input_size),
        "weight_hh": (num_chunks * hidden_size, hidden_size),
    }
    if bias:
        shapes["bias_ih"] = (num_chunks * hidden_size,)
        shapes["bias_hh"] = (num_chunks * hidden_size,)
    return _uniform_all(shapes, hidden_size, key, dtype)


def lstm_cell_params(input_size, hidden_size, bias=True, *, key, dtype=jnp.float32):
    """Default parameters of ``torch.nn.LSTMCell``: ``weight_ih`` ``(4*hidden, in)`` etc.

    Args:
        input_size: features of the input.
        hidden_size: features of the hidden state.
        bias: whether to create ``bias_ih`` / ``bias_hh``.
        key: a ``jax.random`` key.
        dtype: a floating dtype (default float32).

    Returns:
        ``{'weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'}``, all ~ U(+-1/sqrt(hidden)).

    Example:
        >>> p = lstm_cell_params(3, 5, key=jax.random.key(0))
    """
    return _cell_params(4, input_size, hidden_size, bias, key, dtype)


def gru_cell_params(input_size, hidden_size, bias=True, *, key, dtype=jnp.float32):
    """Default parameters of ``torch.nn.GRUCell`` (3 gates).

    Args:
        input_size: features of the input.
        hidden_size: features of the hidden state.
        bias: whether to create ``bias_ih`` / ``bias_hh``.
        key: a ``jax.random`` key.
        dtype: a floating dtype (default float32).

    Returns:
        ``{'weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'}``, all ~ U(+-1/sqrt(hidden)).

    Example:
        >>> p = gru_cell_params(3, 5, key=jax.random.key(0))
    """
    return _cell_params(3, input_size, hidden_size, bias, key, dtype)


def rnn_cell_params(input_size, hidden_size, bias=True, *, key, dtype=jnp.float32):
    """Default parameters of ``torch.nn.RNNCell`` (1 gate).

    Args:
        input_size: features of the input.
        hidden_size: features of the hidden state.
        bias: whether to create ``bias_ih`` / ``bias_hh``.
        key: a ``jax.random`` key.
        dtype: a floating dtype (default float32).

    Returns:
        ``{'weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'}``, all ~ U(+-1/sqrt(hidden)).

    Example:
        >>> p = rnn_cell_params(3, 5, key=jax.random.key(0))
    """
    return _cell_params(1, input_size, hidden_size, bias, key, dtype)


def batch_norm_params(
    num_features, affine=True, track_running_stats=True, *, bias=True, dtype=jnp.float32
):
    """Default parameters and buffers of ``torch.nn.BatchNorm{1,2,3}d``.

    Args:
        num_features: channels ``C``.
        affine: whether to create ``weight`` (ones) and ``bias`` (zeros).
        track_running_stats: whether to create the running-statistics buffers.
        bias: whether to create ``bias`` when ``affine`` (torch's keyword-only ``bias``).
        dtype: floating dtype of the float entries (default float32).

    Returns:
        ``(params, buffers)``: ``params`` = ``{'weight', 'bias'}`` (empty when not
        affine); ``buffers`` = ``{'running_mean': zeros, 'running_var': ones,
        'num_batches_tracked': 0}`` (empty when not tracking). ``num_batches_tracked``
        is int64 like torch's when x64 is enabled, int32 otherwise (JAX's widest int).

    Example:
        >>> params, buffers = batch_norm_params(8)
        >>> sorted(buffers)
        ['num_batches_tracked', 'running_mean', 'running_var']
    """
    params, buffers = {}, {}
    if affine:
        params["weight"] = ones((num_features,), dtype=dtype)
        if bias:
            params["bias"] = zeros((num_features,), dtype=dtype)
    if track_running_stats:
        buffers["running_mean"] = zeros((num_features,), dtype=dtype)
        buffers["running_var"] = ones((num_features,), dtype=dtype)
        long = jax.dtypes.canonicalize_dtype(jnp.int64)  # int32 when x64 is off
        buffers["num_batches_tracked"] = jnp.zeros((), long)
    return params, buffers


def layer_norm_params(normalized_shape, elementwise_affine=True, bias=True, *, dtype=jnp.float32):
    """Default parameters of ``torch.nn.LayerNorm``: ``weight`` ones, ``bias`` zeros.

    Args:
        normalized_shape: int or tuple, the trailing shape normalised over.
        elementwise_affine: whether to create the parameters at all.
        bias: whether to create ``bias``.
        dtype: a floating dtype (default float32).

    Returns:
        ``{'weight', 'bias'}`` of shape ``normalized_shape`` (fewer keys when disabled).

    Example:
        >>> p = layer_norm_params((4, 5))
        >>> p["weight"].shape
        (4, 5)
    """
    shape = _as_shape(normalized_shape)
    params = {}
    if elementwise_affine:
        params["weight"] = ones(shape, dtype=dtype)
        if bias:
            params["bias"] = zeros(shape, dtype=dtype)
    return params


def group_norm_params(num_groups, num_channels, affine=True, *, dtype=jnp.float32):
    """Default parameters of ``torch.nn.GroupNorm``: ``weight`` ones, ``bias`` zeros, ``(C,)``.

    Args:
        num_groups: number of channel groups.
        num_channels: channels ``C``.
        affine: whether to create the parameters.
        dtype: a floating dtype (default float32).

    Returns:
        ``{'weight', 'bias'}`` (empty when not affine).

    Raises:
        ValueError: ``num_channels`` not divisible by ``num_groups``.

    Example:
        >>> p = group_norm_params(2, 6)
    """
    if num_channels % num_groups != 0:
        raise ValueError(
            f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})"
        )
    params = {}
    if affine:
        params["weight"] = ones((num_channels,), dtype=dtype)
        params["bias"] = zeros((num_channels,), dtype=dtype)
    return params
