"""Losses: thin shells over functorch_like.nn.functional's losses, with torch's legacy args.

`size_average`/`reduce` (deprecated in torch) map to `reduction` through torch's own rule
(`_Reduction.legacy_get_string`), warning as torch does.
"""
import warnings

import numpy as np

import functorch_like.nn.functional as _F

from ... import _dispatch
from ._common import is_traced

__all__ = ["legacy_get_string", "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "nll_loss",
           "cross_entropy", "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div"]


def legacy_get_string(size_average, reduce, emit_warning=True):
    """torch's `_Reduction.legacy_get_string`: (size_average, reduce) -> reduction."""
    warning = "size_average and reduce args will be deprecated, please use reduction='{}' instead."
    if size_average is None:
        size_average = True
    if reduce is None:
        reduce = True
    if size_average and reduce:
        ret = "mean"
    elif reduce:
        ret = "sum"
    else:
        ret = "none"
    if emit_warning:
        warnings.warn(warning.format(ret), stacklevel=3)
    return ret


def _reduction(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        return legacy_get_string(size_average, reduce)
    return reduction



def _k_mse(x, t, w, *, reduction):
    return _F.mse_loss(x, t, reduction, w)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mirrors `torch.nn.functional.mse_loss` (mean of squared differences)."""
    reduction = _reduction(size_average, reduce, reduction)
    return _dispatch.apply(_k_mse, input, target, weight, name="MseLossBackward0",
                           reduction=reduction)


def _k_l1(x, t, w, *, reduction):
    return _F.l1_loss(x, t, reduction, w)


_L1_NAMES = {"mean": "MeanBackward0", "sum": "SumBackward0", "none": "AbsBackward0"}


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mirrors `torch.nn.functional.l1_loss` (gradient 0 where input == target, as torch)."""
    reduction = _reduction(size_average, reduce, reduction)
    return _dispatch.apply(_k_l1, input, target, weight, name=_L1_NAMES.get(reduction, "MeanBackward0"),
                           reduction=reduction)


def _k_smooth_l1(x, t, *, reduction, beta):
    return _F.smooth_l1_loss(x, t, reduction, beta)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """Mirrors `torch.nn.functional.smooth_l1_loss` (beta=0 is l1_loss)."""
    reduction = _reduction(size_average, reduce, reduction)
    return _dispatch.apply(_k_smooth_l1, input, target, name="SmoothL1LossBackward0",
                           reduction=reduction, beta=float(beta))


def _k_huber(x, t, w, *, reduction, delta):
    return _F.huber_loss(x, t, reduction, delta, w)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """Mirrors `torch.nn.functional.huber_loss(input, target, reduction='mean', delta=1.0, weight=None)`."""
    return _dispatch.apply(_k_huber, input, target, weight, name="HuberLossBackward0",
                           reduction=reduction, delta=float(delta))


def _check_targets(input, target, ignore_index):
    # Inside the jitted kernel targets are traced, so check class indices here to raise
    # torch's IndexError instead of producing NaN.
    if is_traced(target) or not (target.dtype.name.startswith("int") or target.dtype.name == "uint8"):
        return
    if input.ndim == 0:
        return
    n_classes = input.shape[0 if input.ndim == 1 else 1]
    host = np.asarray(target._data)
    bad = (host != ignore_index) & ((host < 0) | (host >= n_classes))
    if bad.any():
        raise IndexError(f"Target {host[bad].flat[0]} is out of bounds.")


def _k_nll(x, t, w, *, ignore_index, reduction):
    return _F.nll_loss(x, t, w, ignore_index, reduction)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """Mirrors `torch.nn.functional.nll_loss` (input holds log-probabilities)."""
    reduction = _reduction(size_average, reduce, reduction)
    _check_targets(input, target, ignore_index)
    name = "NllLoss2DBackward0" if input.ndim == 4 else "NllLossBackward0"
    return _dispatch.apply(_k_nll, input, target, weight, name=name,
                           ignore_index=int(ignore_index), reduction=reduction)


def _k_cross_entropy(x, t, w, *, ignore_index, reduction, label_smoothing):
    return _F.cross_entropy(x, t, w, ignore_index, reduction, label_smoothing)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """Mirrors `torch.nn.functional.cross_entropy` (class indices or class probabilities).

    Example:
        >>> F.cross_entropy(compat.zeros(2, 4), compat.tensor([1, 3]))
        tensor(1.3863)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if input.shape != target.shape:
        _check_targets(input, target, ignore_index)
    name = "NllLossBackward0" if label_smoothing == 0.0 and input.shape != target.shape else "AddBackward0"
    return _dispatch.apply(_k_cross_entropy, input, target, weight, name=name,
                           ignore_index=int(ignore_index), reduction=reduction,
                           label_smoothing=float(label_smoothing))


def _k_bce(x, t, w, *, reduction):
    return _F.binary_cross_entropy(x, t, w, reduction)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """Mirrors `torch.nn.functional.binary_cross_entropy` (logs clamped at -100, as torch).

    Raises:
        ValueError: target and input sizes differ (torch's message).
    """
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}) is deprecated. Please ensure they have the same size.")
    return _dispatch.apply(_k_bce, input, target, weight, name="BinaryCrossEntropyBackward0",
                           reduction=reduction)


def _k_bce_logits(x, t, w, pw, *, reduction):
    return _F.binary_cross_entropy_with_logits(x, t, w, reduction, pw)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """Mirrors `torch.nn.functional.binary_cross_entropy_with_logits` (with `pos_weight`)."""
    reduction = _reduction(size_average, reduce, reduction)
    return _dispatch.apply(_k_bce_logits, input, target, weight, pos_weight,
                           name="BinaryCrossEntropyWithLogitsBackward0", reduction=reduction)


def _k_kl_div(x, t, *, reduction, log_target):
    return _F.kl_div(x, t, reduction, log_target)


_KL_NAMES = {"batchmean": "DivBackward0", "mean": "MeanBackward0", "sum": "SumBackward0",
             "none": "XlogyBackward0"}


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """Mirrors `torch.nn.functional.kl_div` (input: log-probabilities; 'batchmean' is the true KL)."""
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    elif reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support "
            "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
            "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
            "major release.", stacklevel=2)
    return _dispatch.apply(_k_kl_div, input, target, name=_KL_NAMES.get(reduction, "MeanBackward0"),
                           reduction=reduction, log_target=bool(log_target))
