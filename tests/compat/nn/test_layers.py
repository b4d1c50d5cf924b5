"""Every layer vs torch: repr, state_dict layout, forward and gradients (input and params).

float32 throughout; tolerances rtol 1e-5 / atol 1e-6 unless a case says otherwise (the
reason is next to the case).
"""
import numpy as np
import pytest
import torch

import compat
from _nn_parity import check_module

F32 = np.float32


def _x(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(F32)


# (id, constructor taking the nn namespace, inputs, tolerances)
CASES = [
    ("Identity", lambda nn: nn.Identity(3, unused=1), [_x(2, 3)], {}),
    ("Linear", lambda nn: nn.Linear(4, 3), [_x(2, 4)], {}),
    ("Linear-nobias-3d", lambda nn: nn.Linear(4, 3, bias=False), [_x(2, 5, 4)], {}),
    ("Linear-1d", lambda nn: nn.Linear(4, 3), [_x(4)], {}),
    ("Conv1d", lambda nn: nn.Conv1d(2, 3, 3, stride=2, padding=1), [_x(2, 2, 9)], {}),
    ("Conv1d-circular", lambda nn: nn.Conv1d(2, 2, 3, padding=2, padding_mode="circular",
                                             bias=False), [_x(1, 2, 7)], {}),
    ("Conv2d", lambda nn: nn.Conv2d(2, 4, 3, padding=1, groups=2), [_x(2, 2, 6, 6)], {}),
    ("Conv2d-rect", lambda nn: nn.Conv2d(3, 2, (3, 2), stride=(2, 1), padding=(1, 0),
                                         dilation=(1, 2)), [_x(1, 3, 7, 6)], {}),
    ("Conv2d-same", lambda nn: nn.Conv2d(2, 3, 4, padding="same", dilation=2),
     [_x(1, 2, 9, 8)], {}),
    ("Conv2d-valid", lambda nn: nn.Conv2d(2, 3, 3, padding="valid"), [_x(1, 2, 5, 5)], {}),
    ("Conv2d-reflect", lambda nn: nn.Conv2d(2, 3, 3, padding=1, padding_mode="reflect"),
     [_x(1, 2, 5, 6)], {}),
    ("Conv2d-replicate", lambda nn: nn.Conv2d(2, 3, 3, padding=(2, 1), padding_mode="replicate"),
     [_x(1, 2, 5, 6)], {}),
    ("Conv2d-circular", lambda nn: nn.Conv2d(2, 3, 3, padding=1, padding_mode="circular"),
     [_x(1, 2, 5, 6)], {}),
    ("Conv2d-unbatched", lambda nn: nn.Conv2d(2, 3, 3), [_x(2, 5, 5)], {}),
    ("ConvTranspose2d", lambda nn: nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1,
                                                      output_padding=1), [_x(1, 2, 4, 4)], {}),
    ("ConvTranspose2d-groups", lambda nn: nn.ConvTranspose2d(4, 2, (2, 3), groups=2, bias=False,
                                                             dilation=2), [_x(2, 4, 3, 3)], {}),
    ("MaxPool2d", lambda nn: nn.MaxPool2d(2), [_x(2, 3, 6, 6)], {}),
    ("MaxPool2d-opts", lambda nn: nn.MaxPool2d((3, 2), stride=2, padding=1, dilation=1,
                                               ceil_mode=True), [_x(1, 2, 7, 6)], {}),
    ("MaxPool2d-indices", lambda nn: nn.MaxPool2d(2, return_indices=True), [_x(1, 2, 4, 4)], {}),
    ("AvgPool2d", lambda nn: nn.AvgPool2d(2), [_x(2, 3, 6, 6)], {}),
    ("AvgPool2d-opts", lambda nn: nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True,
                                               count_include_pad=False), [_x(1, 2, 7, 6)], {}),
    ("AvgPool2d-divisor", lambda nn: nn.AvgPool2d(2, divisor_override=3), [_x(1, 2, 4, 4)], {}),
    ("AdaptiveAvgPool2d", lambda nn: nn.AdaptiveAvgPool2d((2, 3)), [_x(2, 3, 5, 7)], {}),
    ("AdaptiveAvgPool2d-1", lambda nn: nn.AdaptiveAvgPool2d(1), [_x(2, 3, 5, 7)], {}),
    ("ReLU", lambda nn: nn.ReLU(), [_x(3, 4)], {}),
    ("LeakyReLU", lambda nn: nn.LeakyReLU(0.2), [_x(3, 4)], {}),
    ("ELU", lambda nn: nn.ELU(0.7), [_x(3, 4)], {}),
    ("GELU", lambda nn: nn.GELU(), [_x(3, 4)], {}),
    ("GELU-tanh", lambda nn: nn.GELU(approximate="tanh"), [_x(3, 4)], {}),
    ("SiLU", lambda nn: nn.SiLU(), [_x(3, 4)], {}),
    ("Sigmoid", lambda nn: nn.Sigmoid(), [_x(3, 4)], {}),
    ("Tanh", lambda nn: nn.Tanh(), [_x(3, 4)], {}),
    ("Softmax", lambda nn: nn.Softmax(dim=1), [_x(3, 4)], {}),
    ("LogSoftmax", lambda nn: nn.LogSoftmax(dim=0), [_x(3, 4)], {}),
    ("Softplus", lambda nn: nn.Softplus(beta=2.0, threshold=1.0), [_x(3, 4)], {}),
    ("LayerNorm", lambda nn: nn.LayerNorm((3, 4)), [_x(2, 3, 4)], {}),
    ("LayerNorm-noaffine", lambda nn: nn.LayerNorm(4, eps=1e-3, elementwise_affine=False),
     [_x(2, 4)], {}),
    ("LayerNorm-nobias", lambda nn: nn.LayerNorm(4, bias=False), [_x(2, 4)], {}),
    ("GroupNorm", lambda nn: nn.GroupNorm(2, 4), [_x(2, 4, 3, 3)], {}),
    ("GroupNorm-noaffine", lambda nn: nn.GroupNorm(1, 4, affine=False), [_x(2, 4, 5)], {}),
    ("BatchNorm1d", lambda nn: nn.BatchNorm1d(3), [_x(5, 3)], {}),
    ("BatchNorm1d-3d", lambda nn: nn.BatchNorm1d(3, affine=False), [_x(4, 3, 2)], {}),
    ("BatchNorm2d", lambda nn: nn.BatchNorm2d(3), [_x(2, 3, 4, 4)], {}),
    ("BatchNorm2d-eval", lambda nn: nn.BatchNorm2d(3, momentum=None).eval(),
     [_x(2, 3, 4, 4)], {}),
    ("BatchNorm2d-nostats", lambda nn: nn.BatchNorm2d(3, track_running_stats=False).eval(),
     [_x(2, 3, 4, 4)], {}),
    ("Embedding", lambda nn: nn.Embedding(10, 3), [np.array([[1, 2, 9], [1, 0, 3]])], {}),
    ("Embedding-padding", lambda nn: nn.Embedding(10, 3, padding_idx=-1,
                                                  scale_grad_by_freq=True),
     [np.array([[1, 9, 1], [1, 0, 9]])], {}),
    ("Flatten", lambda nn: nn.Flatten(), [_x(2, 3, 4, 2)], {}),
    ("Flatten-dims", lambda nn: nn.Flatten(0, 1), [_x(2, 3, 4)], {}),
    ("Unflatten", lambda nn: nn.Unflatten(1, (2, 3)), [_x(4, 6)], {}),
    ("Dropout-eval", lambda nn: nn.Dropout(0.3).eval(), [_x(3, 4)], {}),
    ("Sequential", lambda nn: nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 2)),
     [_x(3, 4)], {}),
    ("RNNCell", lambda nn: nn.RNNCell(3, 4), [_x(2, 3)], {}),
    ("RNNCell-relu", lambda nn: nn.RNNCell(3, 4, bias=False, nonlinearity="relu"),
     [_x(2, 3), _x(2, 4, seed=1)], {}),
    ("LSTMCell", lambda nn: nn.LSTMCell(3, 4), [_x(2, 3)], {}),
    ("GRUCell", lambda nn: nn.GRUCell(3, 4), [_x(3), _x(4, seed=1)], {}),
    ("RNN", lambda nn: nn.RNN(3, 4, num_layers=2, nonlinearity="relu"), [_x(5, 2, 3)], {}),
    ("RNN-bi", lambda nn: nn.RNN(3, 4, bidirectional=True, batch_first=True, bias=False),
     [_x(2, 5, 3), _x(2, 2, 4, seed=1)], {}),
    ("LSTM", lambda nn: nn.LSTM(3, 4), [_x(5, 2, 3)], {}),
    ("LSTM-2layer-bi", lambda nn: nn.LSTM(3, 4, num_layers=2, bidirectional=True,
                                          batch_first=True), [_x(2, 5, 3)], {}),
    ("LSTM-proj-unbatched", lambda nn: nn.LSTM(3, 4, proj_size=2), [_x(5, 3)], {}),
    ("GRU", lambda nn: nn.GRU(3, 4, num_layers=2), [_x(5, 2, 3), _x(2, 2, 4, seed=1)], {}),
    ("GRU-bi", lambda nn: nn.GRU(3, 4, bidirectional=True, bias=False), [_x(4, 2, 3)], {}),
]


@pytest.mark.parametrize("ctor,inputs,tol", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_layer_matches_torch(ctor, inputs, tol):
    torch.manual_seed(0)
    theirs = ctor(torch.nn)
    ours = ctor(compat.nn)
    check_module(ours, theirs, inputs, **tol)


def test_lstm_with_initial_state_matches_torch():
    torch.manual_seed(0)
    theirs, ours = torch.nn.LSTM(3, 4, num_layers=2), compat.nn.LSTM(3, 4, num_layers=2)
    x, h0, c0 = _x(5, 2, 3), _x(2, 2, 4, seed=1), _x(2, 2, 4, seed=2)


    t_out, (t_h, t_c) = theirs(torch.tensor(x), (torch.tensor(h0), torch.tensor(c0)))
    ours.load_state_dict({k: compat.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    c_out, (c_h, c_c) = ours(compat.tensor(x), (compat.tensor(h0), compat.tensor(c0)))
    from tests.parity import assert_close

    for a, b in ((c_out, t_out), (c_h, t_h), (c_c, t_c)):
        assert_close(a, b, rtol=1e-5, atol=1e-6)


def test_conv_transpose_output_size_matches_torch():
    torch.manual_seed(0)
    theirs = torch.nn.ConvTranspose2d(2, 2, 3, stride=2, padding=1)
    ours = compat.nn.ConvTranspose2d(2, 2, 3, stride=2, padding=1)
    check_module(ours, theirs, [_x(1, 2, 6, 6)], output_size=[12, 12])
    with pytest.raises(ValueError, match="requested an output size of"):
        ours(compat.tensor(_x(1, 2, 6, 6)), output_size=[14, 14])


def test_maxpool_indices_are_int64_and_equal_torch():
    x = _x(1, 2, 5, 5)
    t, ti = torch.nn.MaxPool2d(2, return_indices=True)(torch.tensor(x))
    c, ci = compat.nn.MaxPool2d(2, return_indices=True)(compat.tensor(x))
    assert str(ci.dtype) == "torch.int64"
    np.testing.assert_array_equal(np.asarray(ci._data), ti.numpy())


@pytest.mark.parametrize("ctor,exc,match", [
    (lambda nn: nn.Conv2d(3, 4, 3, groups=2), ValueError, "in_channels must be divisible by groups"),
    (lambda nn: nn.Conv2d(4, 3, 3, groups=2), ValueError, "out_channels must be divisible by groups"),
    (lambda nn: nn.Conv2d(4, 4, 3, groups=0), ValueError, "groups must be a positive integer"),
    (lambda nn: nn.Conv2d(2, 2, 3, padding="full"), ValueError, "Invalid padding string"),
    (lambda nn: nn.Conv2d(2, 2, 3, stride=2, padding="same"), ValueError,
     "padding='same' is not supported for strided convolutions"),
    (lambda nn: nn.Conv2d(2, 2, 3, padding_mode="mirror"), ValueError, "padding_mode must be one of"),
    (lambda nn: nn.ConvTranspose2d(2, 2, 3, padding_mode="reflect"), ValueError,
     'Only "zeros" padding mode is supported for ConvTranspose2d'),
    (lambda nn: nn.Dropout(1.5), ValueError, "dropout probability has to be between 0 and 1"),
    (lambda nn: nn.GroupNorm(3, 4), ValueError, r"num_channels \(4\) must be divisible by num_groups \(3\)"),
    (lambda nn: nn.Embedding(5, 2, padding_idx=5), AssertionError, "Padding_idx must be within num_embeddings"),
    (lambda nn: nn.LSTM(3, 4, dropout=2.0), ValueError, "dropout should be a number in range"),
    (lambda nn: nn.LSTM(3, 4, proj_size=4), ValueError, "proj_size has to be smaller than hidden_size"),
    (lambda nn: nn.GRU(3, 4, proj_size=2), ValueError, "proj_size argument is only supported for LSTM"),
    (lambda nn: nn.RNN(3, 4, nonlinearity="sigmoid"), ValueError, "Unknown nonlinearity 'sigmoid'"),
    (lambda nn: nn.LSTM(3, 0), ValueError, "hidden_size must be greater than zero"),
    (lambda nn: nn.LSTM(3, 4, bias=1), TypeError, "bias should be of type bool, got: int"),
    (lambda nn: nn.Unflatten(1, 6), TypeError, "unflattened_size must be a tuple of ints"),
])
def test_constructor_errors_match_torch(ctor, exc, match):
    with pytest.raises(exc, match=match):
        ctor(torch.nn)
    with pytest.raises(exc, match=match):
        ctor(compat.nn)


@pytest.mark.parametrize("ctor,shape,match", [
    (lambda nn: nn.BatchNorm2d(3), (2, 3, 4), r"expected 4D input \(got 3D input\)"),
    (lambda nn: nn.BatchNorm1d(3), (2, 3, 4, 4), r"expected 2D or 3D input \(got 4D input\)"),
])
def test_batchnorm_input_dim_errors_match_torch(ctor, shape, match):
    with pytest.raises(ValueError, match=match):
        ctor(torch.nn)(torch.zeros(shape))
    with pytest.raises(ValueError, match=match):
        ctor(compat.nn)(compat.zeros(*shape))


def test_rnn_input_errors_match_torch():
    x = np.zeros((5, 2, 3), F32)
    for nn, mk in ((torch.nn, torch.tensor), (compat.nn, compat.tensor)):
        lstm = nn.LSTM(3, 4)
        with pytest.raises(RuntimeError, match="input.size\\(-1\\) must be equal to input_size. Expected 3, got 2"):
            lstm(mk(np.zeros((5, 2, 2), F32)))
        with pytest.raises(RuntimeError, match="For batched 3-D input, hx and cx should also be 3-D"):
            lstm(mk(x), (mk(np.zeros((2, 4), F32)), mk(np.zeros((2, 4), F32))))
        with pytest.raises(ValueError, match="LSTM: Expected input to be 2D or 3D, got 4D instead"):
            lstm(mk(np.zeros((5, 2, 3, 1), F32)))


def test_embedding_from_pretrained_like_torch():
    w = _x(4, 3)
    for freeze in (True, False):
        theirs = torch.nn.Embedding.from_pretrained(torch.tensor(w), freeze=freeze, padding_idx=1)
        ours = compat.nn.Embedding.from_pretrained(compat.tensor(w), freeze=freeze, padding_idx=1)
        assert repr(ours) == repr(theirs)
        assert ours.weight.requires_grad == theirs.weight.requires_grad == (not freeze)
        check_module(ours, theirs, [np.array([0, 1, 3, 1])])
    for ns in (torch, compat):
        with pytest.raises(AssertionError, match="Embeddings parameter is expected to be 2-dimensional"):
            ns.nn.Embedding.from_pretrained(ns.zeros(3))


def test_rnn_weight_lists_follow_conversions():
    lstm = compat.nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    theirs = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    assert lstm._flat_weights_names == theirs._flat_weights_names
    assert [[tuple(p.shape) for p in ws] for ws in lstm.all_weights] == \
        [[tuple(p.shape) for p in ws] for ws in theirs.all_weights]
    lstm.flatten_parameters()  # accepted and harmless, as on CPU torch
    w = lstm.weight_ih_l0
    lstm.double()
    assert lstm.weight_ih_l0 is w and lstm._flat_weights[0] is w and w.dtype == compat.float64
    out, (h, c) = lstm(compat.zeros(5, 2, 3, dtype=compat.float64))
    assert out.dtype == compat.float64 and tuple(h.shape) == (4, 2, 4)
    msgs = []
    for ns in (torch, compat):
        with pytest.raises(ValueError) as info:
            ns.nn.LSTM(3, 4).double()(ns.zeros(5, 2, 3))
        msgs.append(str(info.value))
    assert msgs[1] == msgs[0]
