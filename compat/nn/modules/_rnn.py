"""Recurrent layers: RNN, LSTM, GRU and their cells (torch's parameter names and gate orders).

Each forward is one recorded op: a module-level kernel rebuilds the core's params dict
from the weights passed positionally (their names are a static argument) and calls
`functorch_like.nn.functional.lstm/gru/rnn` (a `lax.scan` per layer and direction).
"""
import numbers
import warnings

import functorch_like.nn.functional as _F
import functorch_like.nn.init as _init

from ... import _dispatch
from ..._tensor import Tensor
from ..._random import next_key
from ._module import Module
from ._utils import assign_, new_parameter

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


def _lstm_k(x, h0, c0, key, *weights, names, num_layers, bias, batch_first, dropout, training,
            bidirectional):
    hx = None if h0 is None else (h0, c0)
    out, (h, c) = _F.lstm(x, hx, dict(zip(names, weights)), num_layers=num_layers, bias=bias,
                          batch_first=batch_first, dropout=dropout, training=training,
                          bidirectional=bidirectional, key=key)
    return out, h, c


def _gru_k(x, h0, key, *weights, names, num_layers, bias, batch_first, dropout, training,
           bidirectional):
    return _F.gru(x, h0, dict(zip(names, weights)), num_layers=num_layers, bias=bias,
                  batch_first=batch_first, dropout=dropout, training=training,
                  bidirectional=bidirectional, key=key)


def _rnn_k(x, h0, key, *weights, names, nonlinearity, num_layers, bias, batch_first, dropout,
           training, bidirectional):
    return _F.rnn(x, h0, dict(zip(names, weights)), nonlinearity=nonlinearity,
                  num_layers=num_layers, bias=bias, batch_first=batch_first, dropout=dropout,
                  training=training, bidirectional=bidirectional, key=key)


class RNNBase(Module):
    """Mirrors `torch.nn.RNNBase`: argument checks, per-layer parameters, init, extra_repr.

    Differences from PyTorch: `flatten_parameters()` is a no-op (no cuDNN); PackedSequence
    inputs are not supported.
    """

    __constants__ = ["mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first",
                     "dropout", "bidirectional", "proj_size"]

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        num_directions = 2 if bidirectional else 1
        if (not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1
                or isinstance(dropout, bool)):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=2)
        if not isinstance(batch_first, bool):
            raise TypeError(f"batch_first should be of type bool, got: {type(batch_first).__name__}")
        _init.check_rnn_config(input_size, hidden_size, num_layers, bias, bidirectional, proj_size)
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        gate_size = _GATES[mode] * hidden_size
        real_hidden_size = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input_size = input_size if layer == 0 else real_hidden_size * num_directions
                suffix = "_reverse" if direction == 1 else ""
                shapes = [(f"weight_ih_l{layer}{suffix}", (gate_size, layer_input_size)),
                          (f"weight_hh_l{layer}{suffix}", (gate_size, real_hidden_size))]
                if bias:
                    shapes += [(f"bias_ih_l{layer}{suffix}", (gate_size,)),
                               (f"bias_hh_l{layer}{suffix}", (gate_size,))]
                if proj_size > 0:
                    shapes += [(f"weight_hr_l{layer}{suffix}", (proj_size, hidden_size))]
                for name, shape in shapes:
                    setattr(self, name, new_parameter(shape, device, dtype))
                names = [n for n, _ in shapes]
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self._init_flat_weights()
        self.reset_parameters()

    def _init_flat_weights(self):
        self._flat_weights = [getattr(self, wn) if hasattr(self, wn) else None
                              for wn in self._flat_weights_names]

    def __setattr__(self, attr, value):
        if hasattr(self, "_flat_weights_names") and attr in self._flat_weights_names:
            self._flat_weights[self._flat_weights_names.index(attr)] = value
        super().__setattr__(attr, value)

    def flatten_parameters(self):
        """No-op: cuDNN weight flattening does not exist under XLA (kept for torch scripts)."""

    def _apply(self, fn, recurse=True):
        ret = super()._apply(fn, recurse)
        self._init_flat_weights()
        return ret

    def reset_parameters(self):
        """Redraws every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        dtype = self._flat_weights[0]._data.dtype
        key = next_key()
        if self.mode == "LSTM":
            p = _init.lstm_params(self.input_size, self.hidden_size, self.num_layers, self.bias,
                                  self.bidirectional, self.proj_size, key=key, dtype=dtype)
        elif self.mode == "GRU":
            p = _init.gru_params(self.input_size, self.hidden_size, self.num_layers, self.bias,
                                 self.bidirectional, key=key, dtype=dtype)
        else:
            nl = "tanh" if self.mode == "RNN_TANH" else "relu"
            p = _init.rnn_params(self.input_size, self.hidden_size, self.num_layers, nl,
                                 self.bias, self.bidirectional, key=key, dtype=dtype)
        for name in self._flat_weights_names:
            assign_(getattr(self, name), p[name])

    @property
    def all_weights(self):
        """Per layer and direction, the list of its parameters (torch's `all_weights`)."""
        return [[getattr(self, weight) for weight in weights] for weights in self._all_weights]

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)

    def _run(self, kernel, input, hiddens, name, **extra):
        if not isinstance(input, Tensor):
            raise TypeError(f"{type(self).__name__}: input must be a Tensor, got "
                            f"{type(input).__name__}; packed sequences are not supported, "
                            "pad the batch instead")
        weights = [getattr(self, n) for n in self._flat_weights_names]
        w0 = weights[0]
        if input.dim() in (2, 3) and input.dtype != w0.dtype:  # torch's RNNBase.check_input
            raise ValueError(
                f"RNN input dtype ({input.dtype}) does not match weight dtype ({w0.dtype}). "
                f"Convert input: input.to({w0.dtype}), or convert model: model.to({input.dtype})")
        use_dropout = self.training and self.dropout > 0 and self.num_layers > 1
        key = next_key() if use_dropout else None
        return _dispatch.apply(
            kernel, input, *hiddens, key, *weights, name=name,
            names=tuple(self._flat_weights_names), num_layers=self.num_layers, bias=self.bias,
            batch_first=self.batch_first, dropout=self.dropout, training=self.training,
            bidirectional=self.bidirectional, **extra)


class RNN(RNNBase):
    """Mirrors `torch.nn.RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True, batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None)`.

    `h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)` with act tanh or relu.

    Shape:
        Input `(L, N, H_in)` (`(N, L, H_in)` if batch_first, or unbatched `(L, H_in)`);
        returns `(output, h_n)`.

    Example:
        >>> out, h = compat.nn.RNN(3, 4)(compat.zeros(5, 2, 3))
        >>> out.shape, h.shape
        (torch.Size([5, 2, 4]), torch.Size([1, 2, 4]))

    Differences from PyTorch: PackedSequence inputs are not supported (pad instead).
    """

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self.nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(mode, *args, **kwargs)

    def forward(self, input, hx=None):
        out, h = self._run(_rnn_k, input, [hx], "StackBackward0", nonlinearity=self.nonlinearity)
        return out, h


class LSTM(RNNBase):
    """Mirrors `torch.nn.LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None)`.

    Gates stacked in torch's order (input, forget, cell, output); parameter names
    `weight_ih_l{k}[_reverse]`, `weight_hh_...`, `bias_ih_...`, `bias_hh_...`,
    `weight_hr_...` (proj_size > 0).

    Example:
        >>> out, (h, c) = compat.nn.LSTM(3, 4, batch_first=True)(compat.zeros(2, 5, 3))
        >>> out.shape
        torch.Size([2, 5, 4])

    Differences from PyTorch: PackedSequence inputs are not supported (pad instead).
    """

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def forward(self, input, hx=None):
        if hx is None:
            hiddens = [None, None]
        else:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise TypeError("LSTM: hx must be a tuple (h_0, c_0) of Tensors")
            hiddens = list(hx)
        out, h, c = self._run(_lstm_k, input, hiddens, "StackBackward0")
        return out, (h, c)


class GRU(RNNBase):
    """Mirrors `torch.nn.GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None)`.

    Gates in torch's order (reset, update, new), with `b_hn` inside the reset product.

    Example:
        >>> out, h = compat.nn.GRU(3, 4, num_layers=2)(compat.zeros(5, 2, 3))
        >>> h.shape
        torch.Size([2, 2, 4])

    Differences from PyTorch: PackedSequence inputs are not supported (pad instead).
    """

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input, hx=None):
        out, h = self._run(_gru_k, input, [hx], "StackBackward0")
        return out, h


def _lstm_cell_k(x, h, c, w_ih, w_hh, b_ih, b_hh):
    return _F.lstm_cell(x, None if h is None else (h, c), w_ih, w_hh, b_ih, b_hh)


class RNNCellBase(Module):
    """Mirrors `torch.nn.RNNCellBase`: parameters `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`.

    Differences from PyTorch: none.
    """

    __constants__ = ["input_size", "hidden_size", "bias"]

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = new_parameter((num_chunks * hidden_size, input_size), device, dtype)
        self.weight_hh = new_parameter((num_chunks * hidden_size, hidden_size), device, dtype)
        if bias:
            self.bias_ih = new_parameter((num_chunks * hidden_size,), device, dtype)
            self.bias_hh = new_parameter((num_chunks * hidden_size,), device, dtype)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += ", bias={bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)

    def reset_parameters(self):
        """Redraws every parameter from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        dtype = self.weight_ih._data.dtype
        key = next_key()
        if isinstance(self, LSTMCell):
            p = _init.lstm_cell_params(self.input_size, self.hidden_size, self.bias, key=key,
                                       dtype=dtype)
        elif isinstance(self, GRUCell):
            p = _init.gru_cell_params(self.input_size, self.hidden_size, self.bias, key=key,
                                      dtype=dtype)
        else:
            p = _init.rnn_cell_params(self.input_size, self.hidden_size, self.bias, key=key,
                                      dtype=dtype)
        for name, value in p.items():
            assign_(getattr(self, name), value)


class RNNCell(RNNCellBase):
    """Mirrors `torch.nn.RNNCell(input_size, hidden_size, bias=True, nonlinearity='tanh', device=None, dtype=None)`.

    Example:
        >>> compat.nn.RNNCell(3, 4)(compat.zeros(2, 3)).shape
        torch.Size([2, 4])

    Differences from PyTorch: none.
    """

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        if self.nonlinearity == "tanh":
            fn, name = _F.rnn_tanh_cell, "TanhBackward0"
        elif self.nonlinearity == "relu":
            fn, name = _F.rnn_relu_cell, "ReluBackward0"
        else:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return _dispatch.apply(fn, input, hx, self.weight_ih, self.weight_hh, self.bias_ih,
                               self.bias_hh, name=name)


class LSTMCell(RNNCellBase):
    """Mirrors `torch.nn.LSTMCell(input_size, hidden_size, bias=True, device=None, dtype=None)`.

    Returns `(h_1, c_1)`; gate order (input, forget, cell, output) as torch.

    Example:
        >>> h, c = compat.nn.LSTMCell(3, 4)(compat.zeros(2, 3))

    Differences from PyTorch: none.
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        h, c = (None, None) if hx is None else hx
        return _dispatch.apply(_lstm_cell_k, input, h, c, self.weight_ih, self.weight_hh,
                               self.bias_ih, self.bias_hh, name="MulBackward0")


class GRUCell(RNNCellBase):
    """Mirrors `torch.nn.GRUCell(input_size, hidden_size, bias=True, device=None, dtype=None)`.

    Example:
        >>> compat.nn.GRUCell(3, 4)(compat.zeros(2, 3)).shape
        torch.Size([2, 4])

    Differences from PyTorch: none.
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        return _dispatch.apply(_F.gru_cell, input, hx, self.weight_ih, self.weight_hh,
                               self.bias_ih, self.bias_hh, name="AddBackward0")
