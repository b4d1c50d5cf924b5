"""Train/eval behaviour: BatchNorm running statistics and Dropout, vs torch.

BatchNorm: after several training forwards the buffers equal torch's (float32, rtol 1e-5,
atol 1e-6 -- a few exponential-average steps of batch moments). Dropout: the identity in
eval; in train the keep rate and 1/(1-p) scaling, checked on 20000 elements against
binomial 5-sigma bounds, and gradients equal to the mask times 1/(1-p).
"""
import numpy as np
import pytest
import torch

import compat
from tests.parity import assert_close

F32 = np.float32


@pytest.mark.parametrize("momentum", [0.1, None, 0.5])
@pytest.mark.parametrize("dims", [2, 4])
def test_batchnorm_running_stats_match_torch(momentum, dims):
    shape = (6, 3) if dims == 2 else (4, 3, 3, 2)
    cls = "BatchNorm1d" if dims == 2 else "BatchNorm2d"
    theirs = getattr(torch.nn, cls)(3, momentum=momentum)
    ours = getattr(compat.nn, cls)(3, momentum=momentum)
    rng = np.random.default_rng(0)
    for step in range(4):
        x = (rng.standard_normal(shape) * (step + 1) + step).astype(F32)
        t_out = theirs(torch.tensor(x))
        c_out = ours(compat.tensor(x))
        assert_close(c_out, t_out, rtol=1e-5, atol=1e-5)
    for name in ("running_mean", "running_var"):
        assert_close(getattr(ours, name), getattr(theirs, name), rtol=1e-5, atol=1e-6, msg=name)
    assert ours.num_batches_tracked.item() == theirs.num_batches_tracked.item() == 4
    assert ours.num_batches_tracked.dtype == compat.int64
    theirs.eval()
    ours.eval()
    x = rng.standard_normal(shape).astype(F32)
    assert_close(ours(compat.tensor(x)), theirs(torch.tensor(x)), rtol=1e-5, atol=1e-5)
    assert ours.num_batches_tracked.item() == 4  # eval does not count


def test_batchnorm_buffers_keep_identity_and_do_not_track_grad():
    bn = compat.nn.BatchNorm1d(2)
    rm, rv = bn.running_mean, bn.running_var
    x = compat.tensor(np.random.default_rng(0).standard_normal((5, 2)).astype(F32),
                      requires_grad=True)
    bn(x).sum().backward()
    assert bn.running_mean is rm and bn.running_var is rv
    assert not rm.requires_grad and rm.grad_fn is None
    assert x.grad is not None and bn.weight.grad is not None


def test_batchnorm_without_running_stats_uses_batch_stats_in_eval():
    theirs = torch.nn.BatchNorm2d(3, track_running_stats=False).eval()
    ours = compat.nn.BatchNorm2d(3, track_running_stats=False).eval()
    assert ours.running_mean is None and list(ours.state_dict()) == ["weight", "bias"]
    x = np.random.default_rng(1).standard_normal((2, 3, 2, 2)).astype(F32)
    assert_close(ours(compat.tensor(x)), theirs(torch.tensor(x)), rtol=1e-5, atol=1e-5)


def test_batchnorm_single_value_per_channel_errors_like_torch():
    for ns in (torch, compat):
        with pytest.raises(ValueError, match=r"Expected more than 1 value per channel when "
                                             r"training, got input size torch.Size\(\[1, 3\]\)"):
            ns.nn.BatchNorm1d(3)(ns.zeros(1, 3))


def test_batchnorm_reset_and_old_checkpoint_without_num_batches_tracked():
    bn = compat.nn.BatchNorm1d(2)
    bn(compat.tensor(np.arange(6, dtype=F32).reshape(3, 2)))
    assert bn.num_batches_tracked.item() == 1
    sd = bn.state_dict()
    alias = sd["running_mean"]
    sd = type(sd)((k, v.clone()) for k, v in sd.items())  # state_dict values alias the buffers
    sd._metadata = bn.state_dict()._metadata
    bn.reset_running_stats()
    assert alias.tolist() == [0.0, 0.0]  # as torch: the in-place reset shows through the alias
    assert bn.num_batches_tracked.item() == 0 and bn.running_var.tolist() == [1.0, 1.0]
    del sd["num_batches_tracked"]
    sd._metadata[""] = {"version": 1}  # a pre-num_batches_tracked checkpoint loads strictly
    bn.load_state_dict(sd)
    assert_close(bn.running_mean, torch.tensor([2.0 * 0.1, 3.0 * 0.1]), rtol=1e-6, atol=1e-7)


def test_dropout_eval_is_identity():
    x = compat.tensor(np.ones((3, 4), F32), requires_grad=True)
    drop = compat.nn.Dropout(0.5).eval()
    assert drop(x) is x
    assert compat.nn.functional.dropout(x, 0.5, training=False) is x
    assert compat.nn.Dropout(0.0)(x) is x


def test_dropout_train_keep_rate_scaling_and_gradient():
    p, n = 0.3, 20000
    x = compat.tensor(np.full((n,), 2.0, F32), requires_grad=True)
    y = compat.nn.Dropout(p)(x)
    out = np.asarray(y._data)
    kept = out != 0
    rate = kept.mean()
    sigma = np.sqrt(p * (1 - p) / n)
    assert abs(rate - (1 - p)) < 5 * sigma
    scale = np.float32(1) / np.float32(1 - p)  # torch's kernel multiplies by 1/(1-p)
    np.testing.assert_array_equal(out[kept], np.float32(2.0) * scale)
    y.sum().backward()
    np.testing.assert_array_equal(np.asarray(x.grad._data), np.where(kept, scale, 0).astype(F32))
    assert y.grad_fn.name() == "MulBackward0"


def test_dropout_masks_differ_per_call_and_repeat_under_manual_seed():
    x = compat.ones(1000)
    compat.manual_seed(123)
    a = np.asarray(compat.nn.Dropout(0.5)(x)._data)
    b = np.asarray(compat.nn.Dropout(0.5)(x)._data)
    compat.manual_seed(123)
    c = np.asarray(compat.nn.Dropout(0.5)(x)._data)
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(a, c)


def test_dropout_p1_and_inplace():
    x = compat.ones(5)
    np.testing.assert_array_equal(np.asarray(compat.nn.Dropout(1.0)(x)._data), 0)
    y = compat.ones(100)
    out = compat.nn.Dropout(0.5, inplace=True)(y)
    assert out is y and set(np.unique(np.asarray(y._data)).tolist()) <= {0.0, 2.0}


def test_lstm_inter_layer_dropout_only_in_training():
    compat.manual_seed(0)
    lstm = compat.nn.LSTM(3, 4, num_layers=2, dropout=0.5)
    x = compat.tensor(np.random.default_rng(0).standard_normal((5, 2, 3)).astype(F32))
    a, _ = lstm(x)
    b, _ = lstm(x)
    assert not np.allclose(np.asarray(a._data), np.asarray(b._data))
    lstm.eval()
    c, _ = lstm(x)
    d, _ = lstm(x)
    np.testing.assert_array_equal(np.asarray(c._data), np.asarray(d._data))
    theirs = torch.nn.LSTM(3, 4, num_layers=2, dropout=0.5).eval()
    lstm.load_state_dict({k: compat.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    assert_close(lstm(x)[0], theirs(torch.tensor(np.asarray(x._data)))[0], rtol=1e-5, atol=1e-6)


def test_dropout2d_drops_whole_channels_with_torch_scaling():
    p = 0.4
    x = compat.tensor(np.full((50, 40, 3, 2), 3.0, F32), requires_grad=True)
    drop = compat.nn.Dropout2d(p)
    assert repr(drop) == repr(torch.nn.Dropout2d(p))
    y = drop(x)
    out = np.asarray(y._data)
    per_channel = out.reshape(50, 40, -1)
    assert (per_channel.min(-1) == per_channel.max(-1)).all()  # each channel all kept or all dropped
    kept = per_channel[..., 0] != 0
    assert abs(kept.mean() - (1 - p)) < 5 * np.sqrt(p * (1 - p) / kept.size)
    scale = np.float32(1) / np.float32(1 - p)
    np.testing.assert_array_equal(per_channel[kept], np.float32(3.0) * scale)
    y.sum().backward()
    np.testing.assert_array_equal(np.asarray(x.grad._data).reshape(50, 40, -1)[..., 0],
                                  np.where(kept, scale, 0).astype(F32))
    drop.eval()
    assert drop(x) is x
    for ns in (torch, compat):
        with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
            ns.nn.functional.dropout2d(ns.ones(2, 3, 4), 0.5)
        with pytest.warns(UserWarning, match="Received a 2-D input to dropout2d"):
            ns.nn.functional.dropout2d(ns.ones(2, 3), 0.5)
