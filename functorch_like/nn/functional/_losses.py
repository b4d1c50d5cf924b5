"""Loss functions with torch's formulas, reductions, gradients and error messages.

Regression losses share `_broadcast_pair` (torch's size-mismatch warning) and `_reduce`;
classification losses are built on one gather, `_nll_terms`: `nll_loss` reduces it,
`cross_entropy` is `nll_loss(log_softmax(x))` plus torch's label-smoothing term.
Checks on *values* (class index range, probabilities in [0, 1]) run only when the values
are concrete; under ``jit``/``grad`` tracing they cannot, and an out-of-range class index
then gives a NaN loss instead of an error.
"""
import warnings

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.special import xlogy

from ._activations import log_softmax

_REDUCTIONS = ("none", "mean", "sum")


def _check_reduction(reduction, allowed=_REDUCTIONS):
    if reduction not in allowed:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _reduce(loss, reduction):
    if reduction == "none":
        return loss
    return jnp.sum(loss) if reduction == "sum" else jnp.mean(loss)


def _concrete(x):
    """x as a numpy array if its values are known now, else None (traced under jit/grad)."""
    return None if isinstance(x, jax.core.Tracer) else np.asarray(x)


def _broadcast_shape(a, b):
    """torch.broadcast_shapes with torch's error message."""
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    for dim, (x, y) in enumerate(zip(a, b)):
        if x != y and 1 not in (x, y):
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b "
                               f"({y}) at non-singleton dimension {dim}")
    return tuple(max(x, y) for x, y in zip(a, b))


def _broadcast_pair(input, target, *, warn=True):
    """Broadcasts input and target as torch's pointwise losses do, warning when shapes differ."""
    x, t = jnp.asarray(input), jnp.asarray(target)
    if x.shape != t.shape:
        shape = _broadcast_shape(x.shape, t.shape)
        if warn:
            warnings.warn(
                f"Using a target size ({list(t.shape)}) that is different to the input size "
                f"({list(x.shape)}). This will likely lead to incorrect results due to "
                "broadcasting. Please ensure they have the same size.", stacklevel=3)
        x, t = jnp.broadcast_to(x, shape), jnp.broadcast_to(t, shape)
    return x, t


def _abs(d):
    # |d| with gradient sign(d), i.e. 0 at d == 0 like torch (jnp.abs has gradient 1 there).
    return d * jnp.sign(d)


def _weighted(loss, input, weight, reduction, mean):
    """torch's optional elementwise `weight` for mse/l1/huber; `mean(wloss, w)` reduces."""
    if weight is None:
        return _reduce(loss, reduction)
    weight = jnp.asarray(weight)
    if weight.shape != jnp.shape(input):
        raise ValueError("Weights and input must have the same size.")
    wloss = loss * weight
    return mean(wloss, weight) if reduction == "mean" else _reduce(wloss, reduction)


def mse_loss(input, target, reduction="mean", weight=None):
    """Mean squared error ``(input - target)^2``, as ``torch.nn.functional.mse_loss``.

    Different shapes broadcast with torch's warning. With `weight` (same shape as input)
    the elementwise loss is multiplied by it, and 'mean' is ``sum(w * l) / sum(w)`` as in
    torch.

    Args:
        input: floating array.
        target: floating array broadcastable with `input`.
        reduction: 'none' | 'mean' | 'sum'.
        weight: optional elementwise weight of `input`'s shape.

    Returns:
        Scalar, or the broadcast elementwise loss for 'none'.

    Raises:
        ValueError: bad reduction or weight shape.
        RuntimeError: shapes that do not broadcast.

    Example:
        >>> mse_loss(jnp.array([1.0, 2.0]), jnp.array([1.0, 4.0]))
        Array(2., dtype=float32)
    """
    _check_reduction(reduction)
    x, t = _broadcast_pair(input, target)
    d = x - t
    return _weighted(d * d, input, weight, reduction, lambda wl, w: jnp.sum(wl) / jnp.sum(w))


def l1_loss(input, target, reduction="mean", weight=None):
    """Mean absolute error ``|input - target|``, as ``torch.nn.functional.l1_loss``.

    The gradient at ``input == target`` is 0 (torch's ``sign``). `weight` and broadcasting
    as in `mse_loss`.

    Args:
        input: floating array.
        target: floating array broadcastable with `input`.
        reduction: 'none' | 'mean' | 'sum'.
        weight: optional elementwise weight of `input`'s shape.

    Returns:
        Scalar, or the broadcast elementwise loss for 'none'.

    Raises:
        ValueError: bad reduction or weight shape.
        RuntimeError: shapes that do not broadcast.

    Example:
        >>> l1_loss(jnp.array([1.0, 2.0]), jnp.array([0.0, 4.0]), reduction="sum")
        Array(3., dtype=float32)
    """
    _check_reduction(reduction)
    x, t = _broadcast_pair(input, target)
    return _weighted(_abs(x - t), input, weight, reduction,
                     lambda wl, w: jnp.sum(wl) / jnp.sum(w))


def smooth_l1_loss(input, target, reduction="mean", beta=1.0):
    """Smooth L1: ``0.5 d^2 / beta`` if ``|d| < beta`` else ``|d| - 0.5 beta``.

    As ``torch.nn.functional.smooth_l1_loss``; ``beta == 0`` is exactly `l1_loss`.

    Args:
        input: floating array.
        target: floating array broadcastable with `input`.
        reduction: 'none' | 'mean' | 'sum'.
        beta: non-negative threshold between the quadratic and linear pieces.

    Returns:
        Scalar, or the broadcast elementwise loss for 'none'.

    Raises:
        ValueError: bad reduction.
        RuntimeError: negative beta, or shapes that do not broadcast.

    Example:
        >>> smooth_l1_loss(jnp.array([0.5, 3.0]), jnp.zeros(2), reduction="none")
        Array([0.125, 2.5  ], dtype=float32)
    """
    _check_reduction(reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0:
        return l1_loss(input, target, reduction)
    x, t = _broadcast_pair(input, target)
    d = x - t
    a = _abs(d)
    return _reduce(jnp.where(a < beta, 0.5 * d * d / beta, a - 0.5 * beta), reduction)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """Huber loss: ``0.5 d^2`` if ``|d| < delta`` else ``delta (|d| - 0.5 delta)``.

    As ``torch.nn.functional.huber_loss`` (= ``delta * smooth_l1_loss(beta=delta)``). With
    `weight`, 'mean' is ``mean(w * l)`` -- torch divides by the element count here, unlike
    its weighted mse/l1 -- reproduced as is.

    Args:
        input: floating array.
        target: floating array broadcastable with `input`.
        reduction: 'none' | 'mean' | 'sum'.
        delta: positive threshold.
        weight: optional elementwise weight of `input`'s shape.

    Returns:
        Scalar, or the broadcast elementwise loss for 'none'.

    Raises:
        ValueError: bad reduction or weight shape.
        RuntimeError: non-positive delta, or shapes that do not broadcast.

    Example:
        >>> huber_loss(jnp.array([0.5, 3.0]), jnp.zeros(2), reduction="none", delta=2.0)
        Array([0.125, 4.   ], dtype=float32)
    """
    _check_reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    x, t = _broadcast_pair(input, target)
    d = x - t
    a = _abs(d)
    loss = jnp.where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta))
    return _weighted(loss, input, weight, reduction, lambda wl, w: jnp.mean(wl))


# --- classification ----------------------------------------------------------------------


def _check_class_weight(weight, n_classes, prefix=""):
    if weight is not None and (jnp.ndim(weight) != 1 or jnp.size(weight) != n_classes):
        raise RuntimeError(
            f"{prefix}weight tensor should be defined either for all {n_classes} classes or "
            f"no classes but got weight tensor of shape: {list(jnp.shape(weight))}")


def _nll_terms(input, target, weight, ignore_index):
    """Validates like torch's nll_loss_nd; returns (-w[t] * input[t], w[t]), 0 if ignored.

    Both have the target's shape (a 1-element target of a 1-D input becomes 0-D).
    """
    x, t = jnp.asarray(input), jnp.asarray(target)
    if x.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {x.ndim})")
    if not jnp.issubdtype(t.dtype, jnp.integer):
        raise RuntimeError(f"expected target dtype to be an integer type (torch: Long or "
                           f"Byte), but got {t.dtype}")
    if x.ndim == 1:
        if t.ndim > 1 or t.size != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: "
                             f"{t.size}")
        t = t.reshape(())
    elif t.ndim == 0 or x.shape[0] != t.shape[0]:
        raise ValueError(f"Expected input batch_size ({x.shape[0]}) to match target "
                         f"batch_size ({t.shape[0] if t.ndim else 0}).")
    elif x.ndim == 2 and t.ndim != 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    elif x.ndim > 2 and t.shape[1:] != x.shape[2:]:
        raise RuntimeError(f"Expected target size {[x.shape[0], *x.shape[2:]]}, got "
                           f"{list(t.shape)}")
    n_classes = x.shape[0 if x.ndim == 1 else 1]
    _check_class_weight(weight, n_classes)
    host = _concrete(t)
    if host is not None:
        bad = (host != ignore_index) & ((host < 0) | (host >= n_classes))
        if bad.any():
            raise IndexError(f"Target {host[bad].flat[0]} is out of bounds.")

    valid = t != ignore_index
    safe = jnp.where(valid, t, 0)
    logp = x if x.ndim == 1 else jnp.moveaxis(x, 1, -1)  # classes last
    # mode="fill": an out-of-range class (only possible when traced) reads NaN.
    picked = jnp.take_along_axis(logp, safe[..., None], axis=-1, mode="fill")[..., 0]
    if weight is None:
        w_t = valid.astype(x.dtype)
    else:
        w = jnp.asarray(weight).astype(x.dtype)
        w_t = jnp.where(valid, jnp.take(w, safe, mode="fill"), jnp.zeros((), x.dtype))
    loss = jnp.where(valid, -picked * w_t, jnp.zeros((), x.dtype))
    return loss, w_t


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """Negative log-likelihood ``-w[t] * input[t]``, as ``torch.nn.functional.nll_loss``.

    'mean' is the weighted mean ``sum(w[t] * loss) / sum(w[t])`` over non-ignored targets,
    so with every target ignored it is 0/0 = NaN, as torch.

    Args:
        input: log-probabilities (N, C), (N, C, d1, ...), or unbatched (C,).
        target: integer class indices (N,), (N, d1, ...), or () for unbatched input.
        weight: optional (C,) per-class weight.
        ignore_index: target value that contributes neither loss nor weight.
        reduction: 'none' | 'mean' | 'sum'.

    Returns:
        Scalar, or the per-target loss (target's shape) for 'none'.

    Raises:
        ValueError: bad reduction, batch-size mismatch, bad 1-D target.
        RuntimeError: non-integer target, wrong target shape, wrong weight size.
        IndexError: a (concrete) target outside [0, C) that is not `ignore_index`.

    Example:
        >>> nll_loss(jnp.log(jnp.array([[0.5, 0.5], [0.25, 0.75]])), jnp.array([0, 1]))
        Array(0.49041462, dtype=float32)
    """
    _check_reduction(reduction)
    loss, w_t = _nll_terms(input, target, weight, ignore_index)
    if reduction == "mean":
        return jnp.sum(loss) / jnp.sum(w_t)
    return _reduce(loss, reduction)


def _class_weight_view(weight, ndim, class_dim, dtype):
    """(C,) weight -> shape broadcasting along `class_dim` of an ndim-D input."""
    if weight is None:
        return jnp.ones((), dtype)
    shape = [1] * ndim
    shape[class_dim] = -1
    return jnp.reshape(jnp.asarray(weight), shape)


def _check_label_smoothing(label_smoothing):
    if label_smoothing > 1.0:
        raise RuntimeError(
            f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean",
                  label_smoothing=0.0):
    """Cross entropy of logits, as ``torch.nn.functional.cross_entropy``.

    `target` is either class indices (then this is ``nll_loss(log_softmax(input))``) or,
    when it has the input's shape, class probabilities. With ``label_smoothing = e``:

    * probabilities: the target becomes ``t (1 - e) + e / C``; 'mean' divides by the
      number of samples ``numel / C`` (never by weights), as torch;
    * indices: ``(1 - e) * nll + e / C * smooth``, where ``smooth = -sum_c w_c log p_c``
      per non-ignored sample, reduced with the same denominator as the nll term
      (``sum(w[t])`` for a weighted mean) -- torch's exact formula.

    Args:
        input: logits (N, C), (N, C, d1, ...), or unbatched (C,).
        target: class indices (N,), (N, d1, ...), () -- or floating probabilities of the
            input's shape.
        weight: optional (C,) per-class weight.
        ignore_index: ignored class index (class-index targets only).
        reduction: 'none' | 'mean' | 'sum'.
        label_smoothing: in [0, 1].

    Returns:
        Scalar, or the per-sample loss for 'none'.

    Raises:
        ValueError: bad reduction or batch-size mismatch.
        RuntimeError: label_smoothing > 1, integer probability target, ignore_index with a
            probability target, wrong target/weight shapes.
        IndexError: a (concrete) class index out of range.

    Example:
        >>> cross_entropy(jnp.zeros((2, 4)), jnp.array([1, 3]))
        Array(1.3862944, dtype=float32)
    """
    _check_reduction(reduction)
    x, t = jnp.asarray(input), jnp.asarray(target)
    class_dim = 0 if x.ndim == 1 else 1
    n_classes = x.shape[class_dim] if x.ndim else 1
    if x.shape == t.shape:  # torch: same shape means class probabilities
        if not jnp.issubdtype(t.dtype, jnp.floating):
            raise RuntimeError(f"Expected floating point type for target with class "
                               f"probabilities, got {t.dtype}")
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        _check_class_weight(weight, n_classes, "cross_entropy: ")
        logp = log_softmax(x, dim=class_dim)
        if label_smoothing > 0.0:
            _check_label_smoothing(label_smoothing)
            t = t * (1 - label_smoothing) + label_smoothing / n_classes
        terms = -(logp * t * _class_weight_view(weight, x.ndim, class_dim, x.dtype))
        if reduction == "none":
            return jnp.sum(terms, axis=class_dim)
        # 'mean' divides by the sample count numel / C (0/0 = NaN for empty input).
        total = jnp.sum(terms)
        return total if reduction == "sum" else total / (x.size // n_classes)

    logp = log_softmax(x, dim=class_dim)
    nll = nll_loss(logp, t, weight, ignore_index, reduction)
    if not label_smoothing > 0.0:
        return nll
    _check_label_smoothing(label_smoothing)
    _, w_t = _nll_terms(logp, t, weight, ignore_index)
    smooth = -jnp.sum(logp * _class_weight_view(weight, x.ndim, class_dim, x.dtype),
                      axis=class_dim)
    smooth = jnp.where(t.reshape(smooth.shape) != ignore_index, smooth,
                       jnp.zeros((), smooth.dtype))
    if reduction == "mean":
        # sum(w[t]) over non-ignored targets, or their count without weight: as nll's mean.
        smooth = jnp.sum(smooth) / jnp.sum(w_t)
    else:
        smooth = _reduce(smooth, reduction)
    return (1 - label_smoothing) * nll + smooth * (label_smoothing / n_classes)


# --- binary ------------------------------------------------------------------------------


@jax.custom_vjp
def _bce(x, t):
    # torch's kernel: each log clamped at -100 so that x in {0, 1} gives a finite loss.
    return (t - 1) * jnp.maximum(jnp.log1p(-x), -100.0) - t * jnp.maximum(jnp.log(x), -100.0)


def _bce_fwd(x, t):
    return _bce(x, t), (x, t)


def _bce_bwd(res, g):
    x, t = res
    # torch's backward formulas, not the clamped forward's derivative: the input grad
    # divides by max(x (1 - x), 1e-12) and the target grad is -logit(x) (inf at 0 / 1).
    gx = g * (x - t) / jnp.maximum((1 - x) * x, 1e-12)
    gt = -g * jnp.log(x / (1 - x))
    return gx, gt


_bce.defvjp(_bce_fwd, _bce_bwd)


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """Binary cross entropy of probabilities, as ``torch.nn.functional.binary_cross_entropy``.

    ``-w [t log(x) + (1 - t) log(1 - x)]`` with each log clamped at -100 (torch's choice, so
    x = 0 or 1 gives a finite loss); gradients follow torch's backward formulas exactly.

    Args:
        input: probabilities in [0, 1].
        target: array of `input`'s shape, values in [0, 1].
        weight: optional rescaling weight broadcastable to `input`.
        reduction: 'none' | 'mean' | 'sum'.

    Returns:
        Scalar, or the elementwise loss for 'none'.

    Raises:
        ValueError: bad reduction or a target shape different from the input's.
        RuntimeError: (concrete) input or target values outside [0, 1]; weight that does not
            broadcast.

    Example:
        >>> binary_cross_entropy(jnp.array([0.5, 1.0]), jnp.array([1.0, 1.0]))
        Array(0.3465736, dtype=float32)
    """
    _check_reduction(reduction)
    x, t = jnp.asarray(input), jnp.asarray(target)
    if x.shape != t.shape:
        raise ValueError(f"Using a target size ({list(t.shape)}) that is different to the "
                         f"input size ({list(x.shape)}) is deprecated. Please ensure they "
                         "have the same size.")
    for name, v in (("input", x), ("target", t)):
        host = _concrete(v)
        if host is not None and ((host < 0) | (host > 1)).any():
            raise RuntimeError(f"all elements of {name} should be between 0 and 1")
    loss = _bce(x, t)
    if weight is not None:
        _broadcast_shape(jnp.shape(weight), t.shape)
        loss = loss * jnp.asarray(weight)
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean",
                                     pos_weight=None):
    """Sigmoid + binary cross entropy in one numerically stable expression.

    As ``torch.nn.functional.binary_cross_entropy_with_logits``:
    ``w [(1 - t) x - (1 + (p - 1) t) log_sigmoid(x)]`` with `p` = `pos_weight`; since
    ``log_sigmoid(x) = -softplus(-x)`` this never overflows, for any logit.

    Args:
        input: logits.
        target: array of `input`'s shape (values in [0, 1] for a proper likelihood).
        weight: optional rescaling weight broadcastable to `input`.
        reduction: 'none' | 'mean' | 'sum'.
        pos_weight: optional weight of positive examples, broadcast along the last
            (class) dimension, e.g. (C,) for (N, C) input.

    Returns:
        Scalar, or the elementwise loss for 'none'.

    Raises:
        ValueError: bad reduction, or a target shape different from the input's.
        RuntimeError: weight or pos_weight that does not broadcast.

    Example:
        >>> binary_cross_entropy_with_logits(jnp.array([0.0]), jnp.array([1.0]))
        Array(0.6931472, dtype=float32)
    """
    _check_reduction(reduction)
    x, t = jnp.asarray(input), jnp.asarray(target)
    if x.shape != t.shape:
        raise ValueError(f"Target size ({list(t.shape)}) must be the same as input size "
                         f"({list(x.shape)})")
    log_sig = jax.nn.log_sigmoid(x)
    if pos_weight is not None:
        _broadcast_shape(jnp.shape(pos_weight), t.shape)
        log_sig = log_sig * ((jnp.asarray(pos_weight) - 1) * t + 1)
    loss = (1 - t) * x - log_sig
    if weight is not None:
        _broadcast_shape(jnp.shape(weight), t.shape)
        loss = loss * jnp.asarray(weight)
    return _reduce(loss, reduction)


def kl_div(input, target, reduction="mean", log_target=False):
    """Pointwise KL divergence ``t (log t - input)``, input in log space.

    As ``torch.nn.functional.kl_div``: `input` holds log-probabilities; `target` holds
    probabilities, or log-probabilities when `log_target` (then ``exp(t) (t - input)``).
    'batchmean' divides the sum by the batch size ``input.shape[0]`` (the true KL
    divergence); 'mean' averages over all elements and, like torch, warns that it does.
    Shapes broadcast silently, as in torch. A zero target contributes 0 loss; its target
    gradient is NaN in torch and here (``d/dt t log t`` at 0).

    Args:
        input: log-probabilities.
        target: probabilities (or log-probabilities with `log_target`), broadcastable.
        reduction: 'none' | 'batchmean' | 'sum' | 'mean'.
        log_target: whether `target` is in log space.

    Returns:
        Scalar, or the elementwise loss for 'none'.

    Raises:
        ValueError: bad reduction.
        RuntimeError: shapes that do not broadcast.

    Example:
        >>> p = jnp.array([[0.5, 0.5]])
        >>> kl_div(jnp.log(p), p, reduction="batchmean")
        Array(0., dtype=float32)
    """
    _check_reduction(reduction, _REDUCTIONS + ("batchmean",))
    if reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support "
            "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
            "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
            "major release.", stacklevel=2)
    x, t = _broadcast_pair(input, target, warn=False)
    loss = jnp.exp(t) * (t - x) if log_target else xlogy(t, t) - t * x
    if reduction == "batchmean":
        total = jnp.sum(loss)
        return total / jnp.shape(input)[0] if jnp.ndim(input) else total
    return _reduce(loss, reduction)
