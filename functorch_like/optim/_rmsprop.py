"""torch.optim.RMSprop as an optax transformation."""
from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax

from ._transforms import (
    cast_like,
    check_nonnegative,
    decayed_weights,
    in_updates_dtype,
    lerp,
    scale_by_lr,
    sign_for,
    torch_optimizer,
)


class RMSpropState(NamedTuple):
    """State of :func:`scale_by_torch_rms`, named after torch's entries.

    Attributes:
        square_avg: running average of squared gradients, one per parameter.
        grad_avg: running average of gradients (centered only; None otherwise, as torch
            keeps no such entry then).
    """

    square_avg: optax.Params
    grad_avg: optax.Params


def scale_by_torch_rms(alpha=0.99, eps=1e-8, centered=False):
    """RMSprop's direction as torch computes it: ``g / (sqrt(square_avg [- grad_avg**2]) + eps)``.

    ``square_avg = alpha * square_avg + (1 - alpha) * g * g`` and (centered)
    ``grad_avg = lerp(grad_avg, g, 1 - alpha)``, both from zero.

    Why not ``optax.scale_by_rms`` / ``scale_by_stddev`` (which, with
    ``eps_in_sqrt=False``, are the same formulas): optax forms ``1 - alpha`` from alpha
    in the tensors' precision, torch from the Python double; for ``alpha = 0.999`` in
    float32 that is a 1.3e-5 relative difference in every running average (measured
    1.9e-5 in torch's 'square_avg' after 100 steps). Here ``1 - alpha`` is formed in the
    hyperparameters' (double, under x64) precision, as in torch, and the state carries
    torch's entry names.

    Args:
        alpha: smoothing constant.
        eps: added to the denominator, outside the square root.
        centered: subtract the squared running mean of the gradient.

    Returns:
        An ``optax.GradientTransformation`` with :class:`RMSpropState`.

    Example:
        >>> tx = optax.chain(scale_by_torch_rms(), optax.scale(-1e-2))
    """

    def init_fn(params):
        return RMSpropState(
            square_avg=optax.tree.zeros_like(params),
            grad_avg=optax.tree.zeros_like(params) if centered else None,
        )

    def update_fn(updates, state, params=None):
        del params
        square_avg = jax.tree.map(
            lambda g, v: cast_like(alpha, v) * v + cast_like(1 - alpha, g) * (g * g),
            updates,
            state.square_avg,
        )
        if centered:
            grad_avg = jax.tree.map(lambda g, m: lerp(m, g, 1 - alpha), updates, state.grad_avg)
            avg = jax.tree.map(lambda v, m: jnp.sqrt(v - m * m), square_avg, grad_avg)
        else:
            grad_avg = None
            avg = jax.tree.map(jnp.sqrt, square_avg)
        new_updates = jax.tree.map(lambda g, a: g / (a + cast_like(eps, a)), updates, avg)
        return new_updates, RMSpropState(square_avg, grad_avg)

    return optax.GradientTransformation(init_fn, update_fn)


def _rmsprop(lr, alpha, eps, weight_decay, momentum, centered, maximize):
    return optax.chain(
        sign_for(maximize),  # torch: grad = -grad first
        decayed_weights(weight_decay),  # coupled L2: g + wd * p
        scale_by_torch_rms(alpha, eps, centered),
        # torch's buffer starts at zero (buf = m * buf + g / avg): exactly optax.trace;
        # momentum 0 makes the trace the plain update, torch's no-momentum branch
        in_updates_dtype(optax.trace, decay=momentum),
        scale_by_lr(lr),
    )


def rmsprop(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, maximize=False):
    """torch.optim.RMSprop.

    Per step: ``g = -g`` if maximize; ``g += weight_decay * p``; the direction of
    :func:`scale_by_torch_rms`; ``buf = momentum * buf + direction`` (``optax.trace``);
    ``p -= lr * buf``.

    State (for torch's ``optimizer.state``): 'square_avg' and (centered) 'grad_avg' are
    the fields of the :class:`RMSpropState` in ``opt_state.inner_state``;
    'momentum_buffer' is ``optax.TraceState.trace`` (torch keeps it only when momentum
    > 0; here it always exists); 'step' is ``opt_state.count``. Hyperparameters:
    ``opt_state.hyperparams`` 'lr', 'alpha', 'eps', 'weight_decay', 'momentum'.

    Args:
        lr: learning rate, a float or an optax schedule of the step count.
        alpha: smoothing constant of the squared-gradient average.
        eps: added to the denominator, outside the square root.
        weight_decay: L2 penalty added to the gradient.
        momentum: momentum factor.
        centered: normalise by the estimated variance of the gradient.
        maximize: maximize the objective instead of minimizing.

    Returns:
        An optax transformation; ``update(grads, state, params)`` needs ``params``.

    Raises:
        ValueError: torch's messages for negative lr, eps, momentum, weight_decay, alpha.

    Example:
        >>> tx = rmsprop(lr=1e-2, momentum=0.9, centered=True)
    """
    check_nonnegative(lr, "Invalid learning rate: {}")
    check_nonnegative(eps, "Invalid epsilon value: {}")
    check_nonnegative(momentum, "Invalid momentum value: {}")
    check_nonnegative(weight_decay, "Invalid weight_decay value: {}")
    check_nonnegative(alpha, "Invalid alpha value: {}")
    return torch_optimizer(
        "rmsprop",
        _rmsprop,
        lr=lr,
        alpha=alpha,
        eps=eps,
        weight_decay=weight_decay,
        momentum=momentum,
        centered=centered,
        maximize=maximize,
    )
