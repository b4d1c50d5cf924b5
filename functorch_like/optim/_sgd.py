"""torch.optim.SGD as an optax transformation."""
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


class SGDMomentumState(NamedTuple):
    """State of :func:`sgd_momentum`.

    Attributes:
        momentum_buffer: torch's ``state['momentum_buffer']``, one per parameter.
        count: momentum steps taken so far; torch's buffer is ``None`` while this is 0.
    """

    momentum_buffer: optax.Params
    count: jax.Array


def sgd_momentum(momentum, dampening=0.0, nesterov=False):
    """torch's SGD momentum: ``buf = momentum * buf + (1 - dampening) * g``.

    Differs from ``optax.trace`` in two ways, both torch's:

    * the buffer starts as an undamped copy of the first gradient (``buf = g``), where
      ``optax.trace`` starts from zero (the two agree only when ``dampening == 0``);
    * ``momentum == 0`` means "no momentum": the gradient passes through and the buffer
      is left alone (torch never creates it), even if ``dampening`` is nonzero.

    ``momentum`` and ``dampening`` may be traced values, so they can change between steps
    (a buffer first used at a later step starts from that step's gradient, as in torch).

    Args:
        momentum: momentum factor.
        dampening: dampening for momentum.
        nesterov: use Nesterov momentum, ``g + momentum * buf``.

    Returns:
        An ``optax.GradientTransformation`` with :class:`SGDMomentumState`.

    Example:
        >>> tx = optax.chain(sgd_momentum(0.9), optax.scale(-0.1))
    """

    def init_fn(params):
        return SGDMomentumState(
            momentum_buffer=optax.tree.zeros_like(params), count=jnp.zeros([], jnp.int32)
        )

    def update_fn(updates, state, params=None):
        del params
        active = jnp.asarray(momentum) != 0
        first = state.count == 0

        def new_buffer(g, buf):
            damped = cast_like(momentum, g) * buf + cast_like(1 - dampening, g) * g
            started = jnp.where(first, g, damped)  # torch: buf = grad.clone() at first
            return jnp.where(active, started, buf)  # momentum 0: torch keeps no buffer

        def direction(g, buf):
            out = g + cast_like(momentum, g) * buf if nesterov else buf
            return jnp.where(active, out, g)

        new_buf = jax.tree.map(new_buffer, updates, state.momentum_buffer)
        new_updates = jax.tree.map(direction, updates, new_buf)
        count = state.count + active.astype(jnp.int32)
        return new_updates, SGDMomentumState(momentum_buffer=new_buf, count=count)

    return optax.GradientTransformation(init_fn, update_fn)


def _sgd(lr, momentum, dampening, weight_decay, nesterov, maximize):
    return optax.chain(
        sign_for(maximize),  # torch: grad = -grad first
        decayed_weights(weight_decay),  # coupled L2: g + wd * p
        sgd_momentum(momentum, dampening, nesterov),
        scale_by_lr(lr),  # p - lr * update
    )


def sgd(lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False):
    """torch.optim.SGD: stochastic gradient descent with torch's momentum rule.

    Per step: ``g = -g`` if maximize; ``g += weight_decay * p``; momentum as
    :func:`sgd_momentum` (buffer = first gradient, then ``m * buf + (1 - d) * g``;
    Nesterov uses ``g + m * buf``); ``p -= lr * g``.

    State (for torch's ``optimizer.state``): ``momentum_buffer`` is
    ``SGDMomentumState.momentum_buffer`` (``inner_state[2]``), None in torch while
    ``SGDMomentumState.count == 0``; torch's SGD keeps no 'step'. Hyperparameters:
    ``opt_state.hyperparams`` 'lr', 'momentum', 'dampening', 'weight_decay'.

    Args:
        lr: learning rate, a float or an optax schedule of the step count.
        momentum: momentum factor (float or schedule).
        dampening: dampening for momentum.
        weight_decay: L2 penalty added to the gradient.
        nesterov: Nesterov momentum (needs momentum > 0 and dampening 0).
        maximize: maximize the objective instead of minimizing.

    Returns:
        An optax transformation; ``update(grads, state, params)`` needs ``params``.

    Raises:
        ValueError: torch's messages for a negative lr, momentum or weight_decay, and
            for nesterov without momentum or with dampening.

    Example:
        >>> tx = sgd(lr=0.1, momentum=0.9)
        >>> params = {"w": jnp.ones(3)}
        >>> state = tx.init(params)
        >>> updates, state = tx.update({"w": jnp.ones(3)}, state, params)
        >>> params = optax.apply_updates(params, updates)
    """
    check_nonnegative(lr, "Invalid learning rate: {}")
    check_nonnegative(momentum, "Invalid momentum value: {}")
    check_nonnegative(weight_decay, "Invalid weight_decay value: {}")
    if nesterov and not callable(momentum) and not callable(dampening):
        if momentum <= 0 or dampening != 0:
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
    return torch_optimizer(
        "sgd",
        _sgd,
        lr=lr,
        momentum=momentum,
        dampening=dampening,
        weight_decay=weight_decay,
        nesterov=nesterov,
        maximize=maximize,
    )
