"""clip_grad_norm_ / clip_grad_value_: in-place gradient clipping, as torch.nn.utils."""
import jax.numpy as jnp
import numpy as np

from ... import _dispatch
from ..._tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_"]


def _as_list(tensors):
    if isinstance(tensors, Tensor):
        return [tensors]
    return list(tensors)


def _total_norm(*grads, norm_type):
    """torch's total norm: the p-norm of the stacked per-tensor p-norms (inf/-inf/0 included)."""
    norms = [jnp.linalg.norm(jnp.ravel(g), ord=norm_type).astype(grads[0].dtype) for g in grads]
    return jnp.linalg.norm(jnp.stack(norms), ord=norm_type)


def _scale(total_norm, max_norm, *grads):
    # torch: clip_coef = max_norm / (total_norm + 1e-6), clamped to at most 1 (the 1e-6 keeps
    # a zero norm finite); every gradient is multiplied by it in its own dtype.
    coef = jnp.minimum(max_norm / (total_norm + 1e-6), 1.0)
    return tuple(g * coef.astype(g.dtype) for g in grads)


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Mirrors `torch.nn.utils.get_total_norm`: the `norm_type`-norm of all tensors together."""
    tensors = _as_list(tensors)
    norm_type = float(norm_type)
    if len(tensors) == 0:
        return Tensor._wrap(jnp.zeros((), jnp.float32))
    total = _dispatch.call(_total_norm, (("norm_type", norm_type),), *[t._data for t in tensors])
    if error_if_nonfinite and not bool(jnp.isfinite(total)):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, "
            "so it cannot be clipped. To disable this error and scale the gradients by the "
            "non-finite norm anyway, set `error_if_nonfinite=False`")
    return Tensor._wrap(total)


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Mirrors `torch.nn.utils.clip_grads_with_norm_`: scales grads by max_norm/total_norm (<= 1)."""
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    if not grads:
        return
    tn = total_norm._data if isinstance(total_norm, Tensor) else jnp.asarray(total_norm)
    new = _dispatch.call(_scale, (), tn, np.float32(max_norm), *[g._data for g in grads])
    for g, arr in zip(grads, new):
        g._data = arr  # in place: torch's g.mul_(clip_coef_clamped)
        g._version += 1


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Mirrors `torch.nn.utils.clip_grad_norm_`: rescales grads in place so their total norm <= max_norm.

    Args:
        parameters: a Tensor or an iterable of Tensors whose `.grad` is clipped.
        max_norm: maximum total norm.
        norm_type: p of the p-norm (`float('inf')` for the max norm).
        error_if_nonfinite: raise when the total norm is nan/inf.
        foreach: accepted for signature parity (one fused XLA kernel is always used).

    Returns:
        The total norm of the gradients before clipping (a 0-d Tensor).

    Raises:
        RuntimeError: non-finite norm with `error_if_nonfinite=True` (torch's message).

    Example:
        >>> loss.backward()
        >>> compat.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    """
    parameters = _as_list(parameters)
    grads = [p.grad for p in parameters if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    if grads:
        clip_grads_with_norm_(parameters, float(max_norm), total, foreach)
    return total


def _clamp(*grads, clip_value):
    return tuple(jnp.clip(g, -clip_value, clip_value).astype(g.dtype) for g in grads)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Mirrors `torch.nn.utils.clip_grad_value_`: clamps every grad to [-clip_value, clip_value] in place.

    Example:
        >>> compat.nn.utils.clip_grad_value_(model.parameters(), 0.5)
    """
    clip_value = float(clip_value)
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    if not grads:
        return
    new = _dispatch.call(_clamp, (("clip_value", clip_value),), *[g._data for g in grads])
    for g, arr in zip(grads, new):
        g._data = arr
        g._version += 1
