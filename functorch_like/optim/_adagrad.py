"""torch.optim.Adagrad as an optax transformation."""
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


class AdagradState(NamedTuple):
    """State of :func:`scale_by_torch_adagrad`, named after torch's entries.

    Attributes:
        step: torch's 'step' (steps taken; shared by all parameters).
        sum: torch's 'sum', the accumulated squared gradients, one per parameter.
    """

    step: jax.Array
    sum: optax.Params


def scale_by_torch_adagrad(lr_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
    """Adagrad's direction as torch computes it: ``g / (sqrt(sum) + eps) / (1 + (step-1) * lr_decay)``.

    Multiply by ``-lr`` to get torch's step (torch's ``clr = lr / (1 + (step - 1) *
    lr_decay)``).

    Why not ``optax.scale_by_rss``: optax adds eps inside the square root and maps a zero
    accumulator to a zero update, torch adds eps outside; optax has no ``lr_decay``.

    Args:
        lr_decay: learning-rate decay per step.
        initial_accumulator_value: starting value of 'sum'.
        eps: added to the denominator, outside the square root.

    Returns:
        An ``optax.GradientTransformation`` with :class:`AdagradState`.

    Example:
        >>> tx = optax.chain(scale_by_torch_adagrad(), optax.scale(-1e-2))
    """

    def init_fn(params):
        return AdagradState(
            step=jnp.zeros([], jnp.int32),
            sum=jax.tree.map(
                lambda p: jnp.full_like(p, cast_like(initial_accumulator_value, p)), params
            ),
        )

    def update_fn(updates, state, params=None):
        del params
        step = optax.safe_increment(state.step)
        decay_factor = 1 + (step - 1) * lr_decay  # torch's clr = lr / decay_factor
        new_sum = jax.tree.map(lambda g, s: s + g * g, updates, state.sum)

        def direction(g, s):
            return g / (jnp.sqrt(s) + cast_like(eps, g)) / cast_like(decay_factor, g)

        return jax.tree.map(direction, updates, new_sum), AdagradState(step, new_sum)

    return optax.GradientTransformation(init_fn, update_fn)


def _adagrad(lr, lr_decay, weight_decay, initial_accumulator_value, eps, maximize):
    return optax.chain(
        sign_for(maximize),  # torch: grad = -grad first
        decayed_weights(weight_decay),  # coupled L2: g + wd * p
        scale_by_torch_adagrad(lr_decay, initial_accumulator_value, eps),
        scale_by_lr(lr),
    )


def adagrad(
    lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, maximize=False
):
    """torch.optim.Adagrad.

    Per step: ``g = -g`` if maximize; ``g += weight_decay * p``; ``sum += g * g``;
    ``p -= lr / (1 + (step - 1) * lr_decay) * g / (sqrt(sum) + eps)``.

    State (for torch's ``optimizer.state``): 'step' and 'sum' are the fields of the
    :class:`AdagradState` in ``opt_state.inner_state``. Hyperparameters:
    ``opt_state.hyperparams`` 'lr', 'lr_decay', 'weight_decay',
    'initial_accumulator_value' (used by ``init`` only), 'eps'.

    Args:
        lr: learning rate, a float or an optax schedule of the step count.
        lr_decay: learning-rate decay.
        weight_decay: L2 penalty added to the gradient.
        initial_accumulator_value: starting value of the squared-gradient sum.
        eps: added to the denominator, outside the square root.
        maximize: maximize the objective instead of minimizing.

    Returns:
        An optax transformation; ``update(grads, state, params)`` needs ``params``.

    Raises:
        ValueError: torch's messages for negative lr, lr_decay, weight_decay,
            initial_accumulator_value or eps.

    Example:
        >>> tx = adagrad(lr=0.1, lr_decay=1e-3)
    """
    check_nonnegative(lr, "Invalid learning rate: {}")
    check_nonnegative(lr_decay, "Invalid lr_decay value: {}")
    check_nonnegative(weight_decay, "Invalid weight_decay value: {}")
    check_nonnegative(initial_accumulator_value, "Invalid initial_accumulator_value value: {}")
    check_nonnegative(eps, "Invalid epsilon value: {}")
    return torch_optimizer(
        "adagrad",
        _adagrad,
        lr=lr,
        lr_decay=lr_decay,
        weight_decay=weight_decay,
        initial_accumulator_value=initial_accumulator_value,
        eps=eps,
        maximize=maximize,
    )
