"""Parity of the recurrent cells and lstm/gru/rnn sequence functions with torch 2.13.

torch modules (nn.LSTM/GRU/RNN and their cells) are built with random weights; their
state_dict is copied into our params dict. Compared: outputs, final states, and gradients
of sum(out * g) (random g for every output) w.r.t. the input, the initial states and every
weight. float32 tolerances rtol 1e-5 / atol 2e-6 (sequences of <= 5 steps; the recurrence
compounds rounding of differently ordered matmul sums); float64 to 1e-10.
"""
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

from parity import assert_close

import functorch_like.nn.functional as F

RTOL, ATOL = 1e-5, 2e-6


def _flat(x):
    return [y for v in x for y in _flat(v)] if isinstance(x, (tuple, list)) else [x]


def check_parity(ours, theirs, inputs, params, *, rtol=RTOL, atol=ATOL, seed=0):
    """ours(inputs: list[jax], params: dict[jax]); theirs(inputs: list[torch]) with the module
    owning the params. Compares every output and grads w.r.t. inputs and params."""
    module_params = params  # torch Parameters owned by the module `theirs` calls
    t_in = [torch.tensor(a, requires_grad=True) for a in inputs]
    t_out = _flat(theirs(*t_in))
    rng = np.random.default_rng(seed)
    cots = [rng.standard_normal(o.shape).astype(np.asarray(o.detach()).dtype) for o in t_out]
    t_loss = sum((o * torch.tensor(c)).sum() for o, c in zip(t_out, cots))
    names = sorted(module_params)
    t_grads = torch.autograd.grad(t_loss, t_in + [module_params[n] for n in names])

    def loss(ins, ps):
        outs = _flat(ours(*ins, ps))
        return sum(jnp.sum(o * c) for o, c in zip(outs, cots)), outs

    j_params = {k: jnp.asarray(v.detach().numpy()) for k, v in params.items()}
    # jit: one XLA program per case compiles faster than dispatching the scans op by op
    (_, j_out), (g_in, g_p) = jax.jit(jax.value_and_grad(loss, argnums=(0, 1), has_aux=True))(
        [jnp.asarray(a) for a in inputs], j_params)
    assert len(j_out) == len(t_out)
    for k, (a, b) in enumerate(zip(j_out, t_out)):
        assert_close(a, b, rtol=rtol, atol=atol, check_dtype=True, msg=f"output {k}")
    for k, (a, b) in enumerate(zip(g_in, t_grads)):
        assert_close(a, b, rtol=rtol, atol=atol, check_dtype=True, msg=f"grad input {k}")
    assert sorted(g_p) == names
    for n, b in zip(names, t_grads[len(inputs):]):
        assert_close(g_p[n], b, rtol=rtol, atol=atol, check_dtype=True, msg=f"grad {n}")


def _randn(rng, *shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


# --- cells ------------------------------------------------------------------------------

CELLS = {
    "lstm": (torch.nn.LSTMCell, F.lstm_cell),
    "gru": (torch.nn.GRUCell, F.gru_cell),
    "rnn_tanh": (lambda i, h, **kw: torch.nn.RNNCell(i, h, nonlinearity="tanh", **kw),
                 F.rnn_tanh_cell),
    "rnn_relu": (lambda i, h, **kw: torch.nn.RNNCell(i, h, nonlinearity="relu", **kw),
                 F.rnn_relu_cell),
}


CELL_CASES = ([(m, b, bias) for m in ("lstm", "gru")
               for b, bias in ((True, True), (False, True), (True, False))]
              + [("rnn_tanh", True, True), ("rnn_tanh", False, False), ("rnn_relu", True, True)])


@pytest.mark.parametrize("mode,batched,bias", CELL_CASES)
def test_cell_parity(mode, batched, bias):
    torch.manual_seed(0)
    make, ours_cell = CELLS[mode]
    module = make(3, 4, bias=bias)
    rng = np.random.default_rng(1)
    lead = (2,) if batched else ()
    x = _randn(rng, *lead, 3)
    states = [_randn(rng, *lead, 4) for _ in range(2 if mode == "lstm" else 1)]
    params = dict(module.named_parameters())

    def ours(x, *st_and_p):
        *st, p = st_and_p
        hx = tuple(st) if mode == "lstm" else st[0]
        return ours_cell(x, hx, p["weight_ih"], p["weight_hh"], p.get("bias_ih"),
                         p.get("bias_hh"))

    def theirs(x, *st):
        return module(x, tuple(st) if mode == "lstm" else st[0])

    check_parity(ours, theirs, [x, *states], params)


def test_cell_hx_none_is_zeros_and_dtype_preserved():
    rng = np.random.default_rng(2)
    w_ih, w_hh, x = _randn(rng, 16, 3), _randn(rng, 16, 4), _randn(rng, 2, 3)
    h, c = F.lstm_cell(jnp.asarray(x), None, jnp.asarray(w_ih), jnp.asarray(w_hh))
    th, tc = torch.lstm_cell(torch.tensor(x), (torch.zeros(2, 4), torch.zeros(2, 4)),
                             torch.tensor(w_ih), torch.tensor(w_hh))
    assert h.dtype == jnp.float32
    assert_close(h, th, rtol=RTOL, atol=ATOL)
    assert_close(c, tc, rtol=RTOL, atol=ATOL)


def test_cell_errors():
    w_ih, w_hh = jnp.zeros((16, 3)), jnp.zeros((16, 4))
    with pytest.raises(ValueError, match="LSTMCell: Expected input to be 1D or 2D, got 3D"):
        F.lstm_cell(jnp.zeros((1, 2, 3)), None, w_ih, w_hh)
    with pytest.raises(RuntimeError, match="input has inconsistent input_size: got 5 expected 3"):
        F.lstm_cell(jnp.zeros((2, 5)), None, w_ih, w_hh)
    with pytest.raises(RuntimeError, match="Input batch size 2 doesn't match hidden0 batch "
                                           "size 3"):
        F.lstm_cell(jnp.zeros((2, 3)), (jnp.zeros((3, 4)), jnp.zeros((2, 4))), w_ih, w_hh)
    with pytest.raises(RuntimeError, match="hidden1 has inconsistent hidden_size: got 5, "
                                           "expected 4"):
        F.lstm_cell(jnp.zeros((2, 3)), (jnp.zeros((2, 4)), jnp.zeros((2, 5))), w_ih, w_hh)
    with pytest.raises(RuntimeError, match=re.escape(
            "GRUCell: expected w_ih (12, input_size) and w_hh (12, 4) (3 gates x hidden_size "
            "4), got w_ih [16, 3] and w_hh [16, 4]")):
        F.gru_cell(jnp.zeros((2, 3)), None, w_ih, w_hh)
    with pytest.raises(RuntimeError, match="GRUCell: input is 2-D but hidden0 is 1-D"):
        F.gru_cell(jnp.zeros((2, 3)), jnp.zeros(4), jnp.zeros((12, 3)), jnp.zeros((12, 4)))


# --- sequences --------------------------------------------------------------------------

SEQ = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn_tanh": torch.nn.RNN,
       "rnn_relu": torch.nn.RNN}

CONFIGS = [  # (num_layers, bidirectional, batch_first, batched, bias, with_hx)
    (1, False, False, True, True, True),
    (2, True, True, True, True, True),
    (2, False, False, False, False, True),
    (1, True, False, False, True, False),
    (3, False, True, True, True, False),
]


def _ours_seq(mode, **kw):
    fn = {"lstm": F.lstm, "gru": F.gru}.get(mode)
    if fn is None:
        return lambda x, hx, p: F.rnn(x, hx, p, nonlinearity=mode[4:], **kw)
    return lambda x, hx, p: fn(x, hx, p, **kw)


def _module(mode, num_layers, bidirectional, batch_first, bias, **extra):
    kw = dict(num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first,
              bias=bias, **extra)
    if mode.startswith("rnn"):
        kw["nonlinearity"] = mode[4:]
    return SEQ[mode](3, 4, **kw)


# Every config for lstm; gru and the Elman RNNs share the driver (`_run`), so a subset
# covering layers, both directions, batch_first, unbatched, no bias and hx=None each.
SEQ_CASES = ([("lstm", c) for c in CONFIGS] + [("gru", c) for c in CONFIGS[1:4]]
             + [("rnn_tanh", c) for c in CONFIGS[:3:2]] + [("rnn_relu", CONFIGS[3])])


@pytest.mark.parametrize("mode,config", SEQ_CASES,
                         ids=[f"{m}-{'-'.join(str(int(v)) for v in c)}" for m, c in SEQ_CASES])
def test_sequence_parity(mode, config):
    num_layers, bidir, batch_first, batched, bias, with_hx = config
    torch.manual_seed(3)
    module = _module(mode, num_layers, bidir, batch_first, bias)
    rng = np.random.default_rng(4)
    length, batch, d = 5, 2, 2 if bidir else 1
    x_shape = ((batch, length) if batch_first else (length, batch)) if batched else (length,)
    x = _randn(rng, *x_shape, 3)
    h_shape = (d * num_layers,) + ((batch,) if batched else ()) + (4,)
    n_states = 2 if mode == "lstm" else 1
    states = [_randn(rng, *h_shape) for _ in range(n_states)] if with_hx else []
    ours_fn = _ours_seq(mode, num_layers=num_layers, bias=bias, batch_first=batch_first,
                        bidirectional=bidir)

    def ours(x, *st_and_p):
        *st, p = st_and_p
        hx = (tuple(st) if mode == "lstm" else st[0]) if st else None
        return ours_fn(x, hx, p)

    def theirs(x, *st):
        hx = (tuple(st) if mode == "lstm" else st[0]) if st else None
        return module(x, hx)

    check_parity(ours, theirs, [x, *states], dict(module.named_parameters()))


@pytest.mark.filterwarnings("ignore:LSTM with projections is not supported with oneDNN")
@pytest.mark.parametrize("bidir", [True])
def test_lstm_proj_size_parity(bidir):
    torch.manual_seed(5)
    module = torch.nn.LSTM(3, 5, num_layers=2, proj_size=2, bidirectional=bidir)
    rng = np.random.default_rng(6)
    d = 2 if bidir else 1
    x, h0, c0 = _randn(rng, 4, 2, 3), _randn(rng, 2 * d, 2, 2), _randn(rng, 2 * d, 2, 5)
    check_parity(lambda x, h, c, p: F.lstm(x, (h, c), p, num_layers=2, bidirectional=bidir),
                 lambda x, h, c: module(x, (h, c)), [x, h0, c0],
                 dict(module.named_parameters()))


def test_sequence_float64_and_jit():
    torch.manual_seed(7)
    module = torch.nn.GRU(3, 4, num_layers=2, bidirectional=True).double()
    x = np.random.default_rng(8).standard_normal((6, 2, 3))
    params = {k: jnp.asarray(v.detach().numpy()) for k, v in module.state_dict().items()}
    out, h = jax.jit(lambda x, p: F.gru(x, None, p, num_layers=2, bidirectional=True))(
        jnp.asarray(x), params)
    t_out, t_h = module(torch.tensor(x))
    assert out.dtype == jnp.float64
    assert_close(out, t_out, rtol=1e-10, atol=1e-12)
    assert_close(h, t_h, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("mode", ["lstm"])
def test_dropout_one_matches_torch(mode):
    # p = 1 zeroes every inter-layer activation in both libraries: deterministic parity.
    torch.manual_seed(9)
    module = _module(mode, 2, False, False, True, dropout=1.0).train()
    x = np.random.default_rng(10).standard_normal((4, 2, 3)).astype(np.float32)
    check_parity(lambda x, p: _ours_seq(mode, num_layers=2, dropout=1.0, training=True,
                                        key=jax.random.key(0))(x, None, p),
                 lambda x: module(x), [x], dict(module.named_parameters()))


def test_dropout_uses_key():
    torch.manual_seed(11)
    module = torch.nn.LSTM(3, 4, num_layers=2)
    params = {k: jnp.asarray(v.detach().numpy()) for k, v in module.state_dict().items()}
    x = jnp.asarray(np.random.default_rng(12).standard_normal((4, 2, 3)), jnp.float32)

    def run(**kw):
        return F.lstm(x, None, params, num_layers=2, dropout=0.5, **kw)[0]

    train = jax.jit(lambda key: run(training=True, key=key))
    a, b, c = train(jax.random.key(1)), train(jax.random.key(1)), train(jax.random.key(2))
    evaluated = jax.jit(lambda: run(training=False))()
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c) and not np.allclose(a, evaluated)
    assert_close(evaluated, module(torch.tensor(np.asarray(x)))[0], rtol=RTOL, atol=ATOL)
    # one layer: torch applies no dropout at all, so no key is needed
    F.lstm(x, None, {k: v for k, v in params.items() if k.endswith("l0")}, dropout=0.5,
           training=True)
    with pytest.raises(ValueError, match=r"lstm\(dropout=0.5, training=True\) needs a PRNG"):
        run(training=True)


def _z(shape):
    return jnp.zeros(shape, jnp.float32)


def test_sequence_errors():
    torch.manual_seed(0)
    params = {k: jnp.asarray(v.detach().numpy())
              for k, v in torch.nn.LSTM(3, 4).state_dict().items()}
    x = _z((5, 2, 3))
    with pytest.raises(ValueError, match="LSTM: Expected input to be 2D or 3D, got 4D instead"):
        F.lstm(_z((5, 2, 2, 3)), None, params)
    with pytest.raises(RuntimeError, match="input.size\\(-1\\) must be equal to input_size. "
                                           "Expected 3, got 5"):
        F.lstm(_z((5, 2, 5)), None, params)
    with pytest.raises(RuntimeError, match=r"Expected hidden\[0\] size \(1, 2, 4\), got "
                                           r"\[1, 2, 5\]"):
        F.lstm(x, (_z((1, 2, 5)), _z((1, 2, 4))), params)
    with pytest.raises(RuntimeError, match=r"Expected hidden\[1\] size \(1, 2, 4\)"):
        F.lstm(x, (_z((1, 2, 4)), _z((1, 3, 4))), params)
    with pytest.raises(RuntimeError, match=r"For batched 3-D input, hx and cx should also be "
                                           r"3-D but got \(2-D, 2-D\) tensors"):
        F.lstm(x, (_z((1, 4)), _z((1, 4))), params)
    with pytest.raises(RuntimeError, match="For unbatched 2-D input, hx should also be 2-D "
                                           "but got 3-D tensor"):
        F.rnn(_z((5, 3)), _z((1, 1, 4)),
              {k: _z((4,) + v.shape[1:]) for k, v in params.items()})
    with pytest.raises(KeyError, match=r"missing \['weight_ih_l1'"):
        F.lstm(x, None, params, num_layers=2)
    with pytest.raises(KeyError, match=r"unexpected \['bias_hh_l0', 'bias_ih_l0'\]"):
        F.lstm(x, None, params, bias=False)
    with pytest.raises(ValueError, match=r"RNN input dtype \(float64\) does not match weight "
                                         r"dtype \(float32\)"):
        F.lstm(jnp.zeros((5, 2, 3), jnp.float64), None, params)
    with pytest.raises(RuntimeError, match="Expected sequence length to be larger than 0 in "
                                           "LSTM"):
        F.lstm(_z((0, 2, 3)), None, params)
    with pytest.raises(ValueError, match="Unknown nonlinearity 'sigmoid'"):
        F.rnn(x, None, params, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match=r"dropout should be a number in range \[0, 1\]"):
        F.lstm(x, None, params, dropout=1.5)
    with pytest.raises(RuntimeError, match=r"GRU: params\['weight_ih_l0'\] has shape \[16, 3\], "
                                           r"expected \[12, 3\]"):
        F.gru(x, None, params)
