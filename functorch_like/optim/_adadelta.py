"""torch.optim.Adadelta as an optax transformation."""
from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax

from ._transforms import (
    cast_like,
    check_nonnegative,
    decayed_weights,
    scale_by_lr,
    sign_for,
    torch_optimizer,
)


class AdadeltaState(NamedTuple):
    """State of :func:`scale_by_torch_adadelta`, named after torch's entries.

    Attributes:
        square_avg: running average of squared gradients, one per parameter.
        acc_delta: running average of squared updates, one per parameter.
    """

    square_avg: optax.Params
    acc_delta: optax.Params


def scale_by_torch_adadelta(rho=0.9, eps=1e-6):
    """Adadelta's direction as torch computes it: ``sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g``.

    ``square_avg = rho * square_avg + (1 - rho) * g * g`` before, ``acc_delta = rho *
    acc_delta + (1 - rho) * delta**2`` after, both from zero.

    Why not ``optax.scale_by_adadelta`` (the same formulas): optax forms ``1 - rho`` in
    the tensors' precision, torch from the Python double; for ``rho = 0.999`` in float32
    the running averages drift 1.8e-5 (relative) from torch's in 100 steps. Here ``1 -
    rho`` is formed in the hyperparameters' precision, and the state has torch's names.

    Args:
        rho: decay of the running averages.
        eps: added inside both square roots.

    Returns:
        An ``optax.GradientTransformation`` with :class:`AdadeltaState`.

    Example:
        >>> tx = optax.chain(scale_by_torch_adadelta(), optax.scale(-1.0))
    """

    def init_fn(params):
        return AdadeltaState(
            square_avg=optax.tree.zeros_like(params), acc_delta=optax.tree.zeros_like(params)
        )

    def moment(new, old):
        return cast_like(rho, old) * old + cast_like(1 - rho, new) * (new * new)

    def update_fn(updates, state, params=None):
        del params
        square_avg = jax.tree.map(moment, updates, state.square_avg)

        def delta(g, v, acc):
            e = cast_like(eps, g)
            return jnp.sqrt(acc + e) / jnp.sqrt(v + e) * g  # torch's order: div, then mul

        deltas = jax.tree.map(delta, updates, square_avg, state.acc_delta)
        acc_delta = jax.tree.map(moment, deltas, state.acc_delta)
        return deltas, AdadeltaState(square_avg, acc_delta)

    return optax.GradientTransformation(init_fn, update_fn)


def _adadelta(lr, rho, eps, weight_decay, maximize):
    return optax.chain(
        sign_for(maximize),  # torch: grad = -grad first
        decayed_weights(weight_decay),  # coupled L2: g + wd * p
        scale_by_torch_adadelta(rho, eps),
        scale_by_lr(lr),
    )


def adadelta(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, maximize=False):
    """torch.optim.Adadelta.

    Per step: ``g = -g`` if maximize; ``g += weight_decay * p``; the direction of
    :func:`scale_by_torch_adadelta`; ``p -= lr * delta``.

    State (for torch's ``optimizer.state``): 'square_avg' and 'acc_delta' are the
    fields of the :class:`AdadeltaState` in ``opt_state.inner_state``; 'step' is
    ``opt_state.count``. Hyperparameters: ``opt_state.hyperparams`` 'lr', 'rho', 'eps',
    'weight_decay'.

    Args:
        lr: coefficient that scales delta, a float or an optax schedule.
        rho: decay of the running averages.
        eps: added inside both square roots.
        weight_decay: L2 penalty added to the gradient.
        maximize: maximize the objective instead of minimizing.

    Returns:
        An optax transformation; ``update(grads, state, params)`` needs ``params``.

    Raises:
        ValueError: torch's messages for invalid lr, rho, eps or weight_decay.

    Example:
        >>> tx = adadelta(lr=1.0, rho=0.95)
    """
    check_nonnegative(lr, "Invalid learning rate: {}")
    if not callable(rho) and not 0.0 <= rho <= 1.0:
        raise ValueError(f"Invalid rho value: {rho}")
    check_nonnegative(eps, "Invalid epsilon value: {}")
    check_nonnegative(weight_decay, "Invalid weight_decay value: {}")
    return torch_optimizer(
        "adadelta", _adadelta, lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize
    )
