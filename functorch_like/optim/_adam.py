"""torch.optim.Adam and AdamW as optax transformations."""
from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax

from ._transforms import (
    cast_like,
    check_nonnegative,
    decayed_weights,
    lerp,
    scale_by_lr,
    sign_for,
    torch_optimizer,
)


class AdamState(NamedTuple):
    """State of :func:`scale_by_torch_adam`, named after torch's ``optimizer.state`` entries.

    Attributes:
        step: torch's 'step' (steps taken; shared by all parameters).
        exp_avg: first moment, one per parameter.
        exp_avg_sq: second moment, one per parameter.
        max_exp_avg_sq: running max of ``exp_avg_sq`` (amsgrad only; None otherwise, as
            torch keeps no such entry then).
    """

    step: jax.Array
    exp_avg: optax.Params
    exp_avg_sq: optax.Params
    max_exp_avg_sq: optax.Params


def scale_by_torch_adam(beta1=0.9, beta2=0.999, eps=1e-8, amsgrad=False):
    """Adam's direction as torch computes it: ``(m / bc1) / (sqrt(v_max) / sqrt(bc2) + eps)``.

    With ``bc_i = 1 - beta_i ** step``, ``m = lerp(m, g, 1 - beta1)``, ``v = beta2 * v +
    (1 - beta2) * g * g`` and ``v_max = max(v_max, v)`` (amsgrad) or ``v``. Multiply by
    ``-lr`` to get torch's step.

    Why not ``optax.scale_by_adam`` / ``scale_by_amsgrad``: torch 2.x's amsgrad keeps the
    max over the *raw* second moment and bias-corrects it afterwards, while optax's
    amsgrad takes the max of the bias-corrected moment -- different trajectories. And
    torch divides ``sqrt(v)`` by ``sqrt(bc2)`` (eps outside, added after the correction),
    which this piece follows operation by operation; its state uses torch's entry names.

    Args:
        beta1: decay of the first moment.
        beta2: decay of the second moment.
        eps: added to the denominator, outside the square root.
        amsgrad: use the running max of the second moment.

    Returns:
        An ``optax.GradientTransformation`` with :class:`AdamState`.

    Example:
        >>> tx = optax.chain(scale_by_torch_adam(), optax.scale(-1e-3))
    """

    def init_fn(params):
        return AdamState(
            step=jnp.zeros([], jnp.int32),
            exp_avg=optax.tree.zeros_like(params),
            exp_avg_sq=optax.tree.zeros_like(params),
            max_exp_avg_sq=optax.tree.zeros_like(params) if amsgrad else None,
        )

    def update_fn(updates, state, params=None):
        del params
        step = optax.safe_increment(state.step)
        # scalar corrections in the hyperparameters' dtype, cast per leaf like torch's
        # Python floats
        bias_correction1 = 1 - beta1**step
        bias_correction2_sqrt = jnp.sqrt(1 - beta2**step)

        def second_moment(g, v):
            return cast_like(beta2, g) * v + cast_like(1 - beta2, g) * (g * g)

        exp_avg = jax.tree.map(lambda g, m: lerp(m, g, 1 - beta1), updates, state.exp_avg)
        exp_avg_sq = jax.tree.map(second_moment, updates, state.exp_avg_sq)
        if amsgrad:
            max_exp_avg_sq = jax.tree.map(jnp.maximum, state.max_exp_avg_sq, exp_avg_sq)
            denominator_source = max_exp_avg_sq
        else:
            max_exp_avg_sq = None
            denominator_source = exp_avg_sq

        def direction(m, v):
            denom = jnp.sqrt(v) / cast_like(bias_correction2_sqrt, v) + cast_like(eps, v)
            return m / denom / cast_like(bias_correction1, m)

        new_updates = jax.tree.map(direction, exp_avg, denominator_source)
        return new_updates, AdamState(step, exp_avg, exp_avg_sq, max_exp_avg_sq)

    return optax.GradientTransformation(init_fn, update_fn)


def _adam(lr, beta1, beta2, eps, weight_decay, amsgrad, maximize, decoupled):
    adam_direction = scale_by_torch_adam(beta1, beta2, eps, amsgrad)
    decay = decayed_weights(weight_decay)
    return optax.chain(
        sign_for(maximize),  # torch: grad = -grad first
        # Adam: L2 folded into the gradient before the moments (coupled). AdamW: torch's
        # p *= 1 - lr * wd before the step equals adding wd * p to the direction that
        # is then scaled by -lr (decoupled, as optax.adamw)
        *((adam_direction, decay) if decoupled else (decay, adam_direction)),
        scale_by_lr(lr),
    )


def _validate_adam(lr, betas, eps, weight_decay):
    check_nonnegative(lr, "Invalid learning rate: {}")
    check_nonnegative(eps, "Invalid epsilon value: {}")
    for index, beta in enumerate(betas):
        if not callable(beta) and not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {index}: {beta}")
    check_nonnegative(weight_decay, "Invalid weight_decay value: {}")


def _make(name, lr, betas, eps, weight_decay, amsgrad, maximize, decoupled):
    _validate_adam(lr, betas, eps, weight_decay)
    beta1, beta2 = betas
    return torch_optimizer(
        name,
        _adam,
        lr=lr,
        beta1=beta1,
        beta2=beta2,
        eps=eps,
        weight_decay=weight_decay,
        amsgrad=amsgrad,
        maximize=maximize,
        decoupled=decoupled,
    )


_STATE_DOC = """State (for torch's ``optimizer.state``): 'step', 'exp_avg', 'exp_avg_sq' and
    (amsgrad) 'max_exp_avg_sq' are the fields of the :class:`AdamState` in
    ``opt_state.inner_state``. Hyperparameters: ``opt_state.hyperparams`` 'lr', 'beta1',
    'beta2' (torch's ``betas`` pair), 'eps', 'weight_decay'."""


def adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, maximize=False):
    """torch.optim.Adam, with torch's coupled L2 weight decay.

    Per step: ``g = -g`` if maximize; ``g += weight_decay * p``; then
    ``p -= lr * (m / bc1) / (sqrt(v) / sqrt(bc2) + eps)`` (:func:`scale_by_torch_adam`).

    {state}

    Args:
        lr: learning rate, a float or an optax schedule of the step count.
        betas: ``(beta1, beta2)``; either may be a schedule (OneCycle cycles beta1).
        eps: added to the denominator, outside the square root.
        weight_decay: L2 penalty added to the gradient (coupled).
        amsgrad: torch 2.x's AMSGrad (max over the raw second moment).
        maximize: maximize the objective instead of minimizing.

    Returns:
        An optax transformation; ``update(grads, state, params)`` needs ``params``.

    Raises:
        ValueError: torch's messages for invalid lr, eps, betas or weight_decay.

    Example:
        >>> tx = adam(lr=1e-3)
        >>> state = tx.init({{"w": jnp.zeros(3)}})
    """
    return _make("adam", lr, betas, eps, weight_decay, amsgrad, maximize, decoupled=False)


def adamw(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, maximize=False):
    """torch.optim.AdamW: Adam with decoupled weight decay (default 1e-2).

    Per step: ``p *= 1 - lr * weight_decay`` (whatever ``maximize``), then the Adam step
    on the undecayed gradient.

    {state}

    Args:
        lr: learning rate, a float or an optax schedule of the step count.
        betas: ``(beta1, beta2)``; either may be a schedule.
        eps: added to the denominator, outside the square root.
        weight_decay: decoupled decay coefficient.
        amsgrad: torch 2.x's AMSGrad.
        maximize: maximize the objective instead of minimizing.

    Returns:
        An optax transformation; ``update(grads, state, params)`` needs ``params``.

    Raises:
        ValueError: torch's messages for invalid lr, eps, betas or weight_decay.

    Example:
        >>> tx = adamw(lr=1e-3, weight_decay=0.05)
    """
    return _make("adamw", lr, betas, eps, weight_decay, amsgrad, maximize, decoupled=True)


adam.__doc__ = adam.__doc__.format(state=_STATE_DOC)
adamw.__doc__ = adamw.__doc__.format(state=_STATE_DOC)
