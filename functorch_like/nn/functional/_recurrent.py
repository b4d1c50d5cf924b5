"""Recurrent cells and multi-layer sequence functions (LSTM, GRU, Elman RNN), torch-exact.

Each cell is one step function of the *input projection* `gx = linear(x, w_ih, b_ih)` and
the previous state; the public cells project the input and call it, and the sequence
functions project a whole layer's input in one matmul, then `lax.scan` the step over time.
Sequence functions take `params` keyed exactly like torch's ``nn.LSTM``/``nn.GRU``/``nn.RNN``
``state_dict`` ('weight_ih_l0', 'bias_hh_l1_reverse', 'weight_hr_l0' for a projection, ...),
so weights move between the two without renaming.
"""
import functools

import jax
import jax.numpy as jnp
from jax import lax

from ._activations import relu, sigmoid, tanh
from ._dropout import dropout as _dropout
from ._linear import linear

_GATES = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}


# --- one time step, from the projected input gx -------------------------------------


def _lstm_step(gx, state, w_hh, b_hh, w_hr=None):
    h, c = state
    # torch's gate order along the 4*hidden rows: input, forget, cell (g), output.
    i, f, g, o = jnp.split(linear(h, w_hh, b_hh) + gx, 4, axis=-1)
    c = sigmoid(f) * c + sigmoid(i) * tanh(g)
    h = sigmoid(o) * tanh(c)
    if w_hr is not None:  # LSTM with proj_size: h is projected down, c is not
        h = linear(h, w_hr)
    return h, c


def _gru_step(gx, h, w_hh, b_hh):
    # torch's gate order: reset, update (z), new (n); b_hn stays inside r * (W_hn h + b_hn).
    xr, xz, xn = jnp.split(gx, 3, axis=-1)
    hr, hz, hn = jnp.split(linear(h, w_hh, b_hh), 3, axis=-1)
    r = sigmoid(xr + hr)
    z = sigmoid(xz + hz)
    n = tanh(xn + r * hn)
    return (h - n) * z + n  # = (1 - z) * n + z * h, in the order torch's kernel computes it


def _rnn_step(gx, h, w_hh, b_hh, act):
    return act(gx + linear(h, w_hh, b_hh))


_STEPS = {
    "lstm": _lstm_step,
    "gru": _gru_step,
    "rnn_tanh": functools.partial(_rnn_step, act=tanh),
    "rnn_relu": functools.partial(_rnn_step, act=relu),
}


# --- cells ------------------------------------------------------------------------------


def _check_cell(name, input, hiddens, w_ih, w_hh, gates):
    x = jnp.asarray(input)
    if x.ndim not in (1, 2):
        raise ValueError(f"{name}: Expected input to be 1D or 2D, got {x.ndim}D instead")
    rows = gates * w_hh.shape[-1]
    if w_ih.ndim != 2 or w_hh.ndim != 2 or w_ih.shape[0] != rows or w_hh.shape[0] != rows:
        raise RuntimeError(
            f"{name}: expected w_ih ({rows}, input_size) and w_hh ({rows}, {w_hh.shape[-1]}) "
            f"({gates} gates x hidden_size {w_hh.shape[-1]}), got w_ih {list(w_ih.shape)} and "
            f"w_hh {list(w_hh.shape)}")
    if x.shape[-1] != w_ih.shape[-1]:
        raise RuntimeError(
            f"input has inconsistent input_size: got {x.shape[-1]} expected {w_ih.shape[-1]}")
    for k, h in enumerate(hiddens):
        if h.ndim != x.ndim:
            raise RuntimeError(f"{name}: input is {x.ndim}-D but hidden{k} is {h.ndim}-D; "
                               "both must be batched (2-D) or both unbatched (1-D)")
        if x.ndim == 2 and h.shape[0] != x.shape[0]:
            raise RuntimeError(f"Input batch size {x.shape[0]} doesn't match hidden{k} "
                               f"batch size {h.shape[0]}")
        size = w_hh.shape[-1] if k == 0 else w_hh.shape[0] // 4
        if h.shape[-1] != size:
            raise RuntimeError(
                f"hidden{k} has inconsistent hidden_size: got {h.shape[-1]}, expected {size}")
    return x


def _zeros_hidden(x, size):
    return jnp.zeros(x.shape[:-1] + (size,), x.dtype)


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One LSTM step, as ``torch.lstm_cell`` / ``nn.LSTMCell`` (gate order i, f, g, o).

    ``c' = f * c + i * g``, ``h' = o * tanh(c')`` with ``i, f, o = sigmoid(...)``,
    ``g = tanh(...)`` of ``x W_ih^T + b_ih + h W_hh^T + b_hh`` split in four.

    Args:
        input: (N, input_size) or unbatched (input_size,).
        hx: ``(h, c)``, each (N, hidden_size) (or 1-D for unbatched input); None -> zeros.
        w_ih: (4 * hidden_size, input_size).
        w_hh: (4 * hidden_size, hidden_size).
        b_ih: optional (4 * hidden_size,).
        b_hh: optional (4 * hidden_size,).

    Returns:
        ``(h', c')`` with the shape and dtype of `hx`'s members.

    Raises:
        ValueError: input not 1-D or 2-D.
        RuntimeError: input/hidden sizes or batch sizes inconsistent with the weights.

    Example:
        >>> h, c = lstm_cell(jnp.ones((2, 3)), None, jnp.zeros((8, 3)), jnp.zeros((8, 2)))
        >>> c  # i = f = o = 0.5, g = 0 -> c' = 0
        Array([[0., 0.],
               [0., 0.]], dtype=float32)
    """
    hidden = w_hh.shape[-1]
    if hx is None:
        x = jnp.asarray(input)
        hx = (_zeros_hidden(x, hidden), _zeros_hidden(x, hidden))
    x = _check_cell("LSTMCell", input, hx, w_ih, w_hh, 4)
    return _lstm_step(linear(x, w_ih, b_ih), tuple(hx), w_hh, b_hh)


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One GRU step, as ``torch.gru_cell`` / ``nn.GRUCell`` (gate order r, z, n).

    ``r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)``, ``z`` likewise,
    ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``, ``h' = (1 - z) * n + z * h``.

    Args:
        input: (N, input_size) or unbatched (input_size,).
        hx: (N, hidden_size) (1-D for unbatched input), or None for zeros.
        w_ih: (3 * hidden_size, input_size).
        w_hh: (3 * hidden_size, hidden_size).
        b_ih: optional (3 * hidden_size,).
        b_hh: optional (3 * hidden_size,).

    Returns:
        h' with the shape and dtype of `hx`.

    Raises:
        ValueError: input not 1-D or 2-D.
        RuntimeError: input/hidden sizes or batch sizes inconsistent with the weights.

    Example:
        >>> gru_cell(jnp.ones(3), jnp.ones(2), jnp.zeros((6, 3)), jnp.zeros((6, 2)))
        Array([0.5, 0.5], dtype=float32)
    """
    x = jnp.asarray(input)
    h = _zeros_hidden(x, w_hh.shape[-1]) if hx is None else jnp.asarray(hx)
    _check_cell("GRUCell", x, (h,), w_ih, w_hh, 3)
    return _gru_step(linear(x, w_ih, b_ih), h, w_hh, b_hh)


def _rnn_cell(mode, input, hx, w_ih, w_hh, b_ih, b_hh):
    x = jnp.asarray(input)
    h = _zeros_hidden(x, w_hh.shape[-1]) if hx is None else jnp.asarray(hx)
    _check_cell("RNNCell", x, (h,), w_ih, w_hh, 1)
    return _STEPS[mode](linear(x, w_ih, b_ih), h, w_hh, b_hh)


def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One Elman RNN step ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``.

    As ``torch.rnn_tanh_cell`` / ``nn.RNNCell(nonlinearity='tanh')``.

    Args:
        input: (N, input_size) or unbatched (input_size,).
        hx: (N, hidden_size) (1-D for unbatched input), or None for zeros.
        w_ih: (hidden_size, input_size).
        w_hh: (hidden_size, hidden_size).
        b_ih: optional (hidden_size,).
        b_hh: optional (hidden_size,).

    Returns:
        h' with the shape and dtype of `hx`.

    Raises:
        ValueError: input not 1-D or 2-D.
        RuntimeError: input/hidden sizes or batch sizes inconsistent with the weights.

    Example:
        >>> rnn_tanh_cell(jnp.ones(3), None, jnp.ones((2, 3)), jnp.eye(2)).round(4)
        Array([0.9951, 0.9951], dtype=float32)
    """
    return _rnn_cell("rnn_tanh", input, hx, w_ih, w_hh, b_ih, b_hh)


def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One Elman RNN step ``h' = relu(x W_ih^T + b_ih + h W_hh^T + b_hh)``.

    As ``torch.rnn_relu_cell`` / ``nn.RNNCell(nonlinearity='relu')``.

    Args:
        input: (N, input_size) or unbatched (input_size,).
        hx: (N, hidden_size) (1-D for unbatched input), or None for zeros.
        w_ih: (hidden_size, input_size).
        w_hh: (hidden_size, hidden_size).
        b_ih: optional (hidden_size,).
        b_hh: optional (hidden_size,).

    Returns:
        h' with the shape and dtype of `hx`.

    Raises:
        ValueError: input not 1-D or 2-D.
        RuntimeError: input/hidden sizes or batch sizes inconsistent with the weights.

    Example:
        >>> rnn_relu_cell(jnp.ones(3), None, jnp.ones((2, 3)), jnp.eye(2))
        Array([3., 3.], dtype=float32)
    """
    return _rnn_cell("rnn_relu", input, hx, w_ih, w_hh, b_ih, b_hh)


# --- multi-layer sequences --------------------------------------------------------------


def _layer_weights(name, mode, params, num_layers, bias, bidirectional):
    """[[per-direction dict of w_ih, w_hh, b_ih, b_hh, w_hr] per layer]; checks the keys."""
    suffixes = ["", "_reverse"] if bidirectional else [""]
    proj = mode == "lstm" and "weight_hr_l0" in params
    kinds = ["weight_ih", "weight_hh"] + (["bias_ih", "bias_hh"] if bias else [])
    kinds += ["weight_hr"] if proj else []
    expected = [f"{k}_l{layer}{s}" for layer in range(num_layers) for s in suffixes
                for k in kinds]
    missing = [k for k in expected if k not in params]
    unexpected = sorted(set(params) - set(expected))
    if missing or unexpected:
        raise KeyError(
            f"{name}: params must hold exactly torch's state_dict keys for num_layers="
            f"{num_layers}, bias={bias}, bidirectional={bidirectional}; missing {missing}, "
            f"unexpected {unexpected}")
    return [[{k: jnp.asarray(params[f"{k}_l{layer}{s}"]) for k in kinds} for s in suffixes]
            for layer in range(num_layers)]


def _check_weight_shapes(name, mode, layers, input_size, hidden, real_hidden, directions):
    gh = _GATES[mode] * hidden
    for layer, dirs in enumerate(layers):
        in_size = input_size if layer == 0 else directions * real_hidden
        want = {"weight_ih": (gh, in_size), "weight_hh": (gh, real_hidden), "bias_ih": (gh,),
                "bias_hh": (gh,), "weight_hr": (real_hidden, hidden)}
        for d, w in enumerate(dirs):
            for k, v in w.items():
                if v.shape != want[k]:
                    key = f"{k}_l{layer}{'_reverse' if d else ''}"
                    raise RuntimeError(
                        f"{name}: params['{key}'] has shape {list(v.shape)}, expected "
                        f"{list(want[k])} (gates={_GATES[mode]}, hidden_size={hidden})")


def _scan_direction(mode, xs, state0, w, reverse):
    """Runs one layer in one direction over time-major `xs`; returns (ys, final_state)."""
    gx = linear(xs, w["weight_ih"], w.get("bias_ih"))  # all time steps in one matmul
    step_args = (w["weight_hh"], w.get("bias_hh"))
    if "weight_hr" in w:
        step_args += (w["weight_hr"],)

    def body(state, g):
        new = _STEPS[mode](g, state, *step_args)
        return new, new[0] if mode == "lstm" else new

    final, ys = lax.scan(body, state0, gx, reverse=reverse)
    return ys, final


def _run(mode, name, input, hx, params, num_layers, bias, batch_first, dropout, training,
         bidirectional, key):
    """Shared body of lstm/gru/rnn; `hx` is a list of initial-state arrays (h[, c]) or None."""
    x = jnp.asarray(input)
    if x.ndim not in (2, 3):
        tensor = " tensor" if name == "RNN" else ""
        raise ValueError(f"{name}: Expected input to be 2D or 3D, got {x.ndim}D{tensor} instead")
    if not 0.0 <= dropout <= 1.0:
        raise ValueError("dropout should be a number in range [0, 1] representing the "
                         "probability of an element being zeroed")
    use_dropout = training and dropout > 0 and num_layers > 1
    if use_dropout and key is None:
        raise ValueError(f"{name.lower()}(dropout={dropout}, training=True) needs a PRNG key "
                         "for inter-layer dropout: pass key=jax.random.key(seed)")
    layers = _layer_weights(name, mode, params, num_layers, bias, bidirectional)
    w0 = layers[0][0]
    # hidden_size from W_hh's columns (or W_hr's for a projected LSTM), so a weight with
    # the wrong number of gate rows is reported below instead of silently floor-divided.
    hidden = w0["weight_hr"].shape[1] if "weight_hr" in w0 else w0["weight_hh"].shape[1]
    real_hidden = w0["weight_hr"].shape[0] if "weight_hr" in w0 else hidden
    directions = 2 if bidirectional else 1
    input_size = w0["weight_ih"].shape[1]
    _check_weight_shapes(name, mode, layers, input_size, hidden, real_hidden, directions)
    if x.dtype != w0["weight_ih"].dtype:
        raise ValueError(
            f"RNN input dtype ({x.dtype}) does not match weight dtype "
            f"({w0['weight_ih'].dtype}). Convert the input or the params to one dtype")
    if x.shape[-1] != input_size:
        raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                           f"{input_size}, got {x.shape[-1]}")

    batched = x.ndim == 3
    if not batched:
        x = x[:, None]  # (L, H_in) -> (L, 1, H_in); batch_first is moot without a batch
    elif batch_first:
        x = jnp.swapaxes(x, 0, 1)  # scan runs time-major
    if x.shape[0] == 0:
        raise RuntimeError(f"Expected sequence length to be larger than 0 in {name}")
    batch = x.shape[1]
    sizes = [real_hidden, hidden]  # h (projected for LSTM with proj_size), c
    if hx is None:
        states = [jnp.zeros((num_layers * directions, batch, s), x.dtype)
                  for s in sizes[:2 if mode == "lstm" else 1]]
    else:
        states = _check_hx(name, mode, hx, batched, num_layers * directions, batch, sizes,
                           x.dtype)

    keys = jax.random.split(key, num_layers - 1) if use_dropout else None
    finals = []
    for layer, dirs in enumerate(layers):
        outs = []
        for d, w in enumerate(dirs):
            idx = layer * directions + d
            state0 = tuple(s[idx] for s in states) if mode == "lstm" else states[0][idx]
            ys, final = _scan_direction(mode, x, state0, w, reverse=d == 1)
            outs.append(ys)
            finals.append(final if mode == "lstm" else (final,))
        x = outs[0] if directions == 1 else jnp.concatenate(outs, axis=-1)
        if use_dropout and layer < num_layers - 1:  # torch: between layers, never after last
            x = _dropout(x, dropout, True, key=keys[layer])
    final_states = [jnp.stack([f[i] for f in finals]) for i in range(len(finals[0]))]
    if not batched:
        x = x[:, 0]
        final_states = [s[:, 0] for s in final_states]
    elif batch_first:
        x = jnp.swapaxes(x, 0, 1)
    return x, final_states


def _check_hx(name, mode, hx, batched, n_states, batch, sizes, dtype):
    """Validates user initial states like torch's module and returns them batched."""
    hs = [jnp.asarray(h) for h in (hx if mode == "lstm" else (hx,))]
    want_dim = 3 if batched else 2
    if any(h.ndim != want_dim for h in hs):
        which = "batched 3-D" if batched else "unbatched 2-D"
        if mode == "lstm":
            got = ", ".join(f"{h.ndim}-D" for h in hs)
            raise RuntimeError(f"For {which} input, hx and cx should also be {want_dim}-D "
                               f"but got ({got}) tensors")
        raise RuntimeError(f"For {which} input, hx should also be {want_dim}-D but got "
                           f"{hs[0].ndim}-D tensor")
    if not batched:
        hs = [h[:, None] for h in hs]
    for i, h in enumerate(hs):
        expected = (n_states, batch, sizes[i])
        if h.shape != expected:
            label = f"hidden[{i}] size" if mode == "lstm" else "hidden size"
            raise RuntimeError(f"Expected {label} {expected}, got {list(h.shape)}")
        if h.dtype != dtype:
            raise ValueError(f"{name}: initial state dtype ({h.dtype}) does not match the "
                             f"input dtype ({dtype})")
    return hs


def lstm(input, hx, params, *, num_layers=1, bias=True, batch_first=False, dropout=0.0,
         training=False, bidirectional=False, key=None):
    """Multi-layer (bi)directional LSTM over a sequence, as ``torch.nn.LSTM.forward``.

    Layer `k` reads layer `k-1`'s output (both directions concatenated); dropout with
    probability `dropout` is applied between layers (not after the last) when `training`.
    A ``'weight_hr_l0'`` key in `params` means torch's ``proj_size`` LSTM. Packed
    (variable-length) sequences are not supported: pad and mask instead.

    Args:
        input: (L, N, H_in), (N, L, H_in) if `batch_first`, or unbatched (L, H_in).
        hx: ``(h_0, c_0)`` of shapes (D * num_layers, N, H_out) and (D * num_layers, N,
            H_cell) -- without the N axis for unbatched input -- or None for zeros.
        params: dict with torch's ``nn.LSTM`` state_dict keys, e.g. ``'weight_ih_l0'``
            (4 * hidden, H_in), ``'weight_hh_l0'``, ``'bias_ih_l0'``, ``'bias_hh_l0'``,
            ``'..._reverse'`` for the backward direction.
        num_layers: number of stacked layers.
        bias: whether `params` holds bias vectors.
        batch_first: input/output are (N, L, features).
        dropout: inter-layer dropout probability.
        training: enables dropout.
        bidirectional: run a reverse direction too (D = 2).
        key: PRNG key, required when dropout is active (training, dropout > 0, >1 layer).

    Returns:
        ``(output, (h_n, c_n))``: output (L, N, D * H_out) (batch-first / unbatched like
        the input), h_n (D * num_layers, N, H_out), c_n (D * num_layers, N, H_cell).

    Raises:
        ValueError: input not 2-D/3-D, bad dropout, missing key, dtype mismatch.
        KeyError: `params` keys differ from torch's state_dict for these options.
        RuntimeError: wrong input/hidden/weight sizes or an empty sequence, as torch.

    Example:
        >>> p = {"weight_ih_l0": jnp.zeros((8, 3)), "weight_hh_l0": jnp.zeros((8, 2)),
        ...      "bias_ih_l0": jnp.zeros(8), "bias_hh_l0": jnp.zeros(8)}
        >>> out, (h, c) = lstm(jnp.ones((5, 4, 3)), None, p)
        >>> out.shape, h.shape
        ((5, 4, 2), (1, 4, 2))
    """
    out, (h, c) = _run("lstm", "LSTM", input, hx, params, num_layers, bias, batch_first,
                       dropout, training, bidirectional, key)
    return out, (h, c)


def gru(input, hx, params, *, num_layers=1, bias=True, batch_first=False, dropout=0.0,
        training=False, bidirectional=False, key=None):
    """Multi-layer (bi)directional GRU over a sequence, as ``torch.nn.GRU.forward``.

    Same layout and options as `lstm` (without a cell state or projection); the step is
    `gru_cell`'s.

    Args:
        input: (L, N, H_in), (N, L, H_in) if `batch_first`, or unbatched (L, H_in).
        hx: h_0 (D * num_layers, N, H) (no N axis for unbatched input), or None for zeros.
        params: dict with torch's ``nn.GRU`` state_dict keys (``'weight_ih_l0'`` is
            (3 * H, H_in), ...).
        num_layers: number of stacked layers.
        bias: whether `params` holds bias vectors.
        batch_first: input/output are (N, L, features).
        dropout: inter-layer dropout probability.
        training: enables dropout.
        bidirectional: run a reverse direction too (D = 2).
        key: PRNG key, required when dropout is active.

    Returns:
        ``(output, h_n)``: output (L, N, D * H), h_n (D * num_layers, N, H).

    Raises:
        ValueError: input not 2-D/3-D, bad dropout, missing key, dtype mismatch.
        KeyError: `params` keys differ from torch's state_dict for these options.
        RuntimeError: wrong input/hidden/weight sizes or an empty sequence, as torch.

    Example:
        >>> p = {"weight_ih_l0": jnp.zeros((6, 3)), "weight_hh_l0": jnp.zeros((6, 2))}
        >>> gru(jnp.ones((5, 3)), None, p, bias=False)[1].shape
        (1, 2)
    """
    out, (h,) = _run("gru", "GRU", input, hx, params, num_layers, bias, batch_first,
                     dropout, training, bidirectional, key)
    return out, h


def rnn(input, hx, params, *, nonlinearity="tanh", num_layers=1, bias=True,
        batch_first=False, dropout=0.0, training=False, bidirectional=False, key=None):
    """Multi-layer (bi)directional Elman RNN over a sequence, as ``torch.nn.RNN.forward``.

    Args:
        input: (L, N, H_in), (N, L, H_in) if `batch_first`, or unbatched (L, H_in).
        hx: h_0 (D * num_layers, N, H) (no N axis for unbatched input), or None for zeros.
        params: dict with torch's ``nn.RNN`` state_dict keys (``'weight_ih_l0'`` is
            (H, H_in), ...).
        nonlinearity: ``'tanh'`` or ``'relu'``.
        num_layers: number of stacked layers.
        bias: whether `params` holds bias vectors.
        batch_first: input/output are (N, L, features).
        dropout: inter-layer dropout probability.
        training: enables dropout.
        bidirectional: run a reverse direction too (D = 2).
        key: PRNG key, required when dropout is active.

    Returns:
        ``(output, h_n)``: output (L, N, D * H), h_n (D * num_layers, N, H).

    Raises:
        ValueError: unknown nonlinearity, input not 2-D/3-D, bad dropout, missing key,
            dtype mismatch.
        KeyError: `params` keys differ from torch's state_dict for these options.
        RuntimeError: wrong input/hidden/weight sizes or an empty sequence, as torch.

    Example:
        >>> p = {"weight_ih_l0": jnp.ones((2, 3)), "weight_hh_l0": jnp.zeros((2, 2))}
        >>> rnn(jnp.ones((4, 3)), None, p, nonlinearity="relu", bias=False)[0][-1]
        Array([3., 3.], dtype=float32)
    """
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
    out, (h,) = _run(f"rnn_{nonlinearity}", "RNN", input, hx, params, num_layers, bias,
                     batch_first, dropout, training, bidirectional, key)
    return out, h
