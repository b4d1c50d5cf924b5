"""torch.optim.lr_scheduler's schedules as pure functions of the step count.

``schedule(t)`` is torch's ``scheduler.get_last_lr()`` after ``t`` calls of
``scheduler.step()`` (``t = 0``: just constructed), computed in closed form (torch's
``_get_closed_form_lr``, which its recursive ``get_lr`` equals in the usual
step-once-per-call use). Each works on a Python int or a (traced) integer array, so
it is an optax schedule: pass it as ``lr=`` to any optimizer here and the optimizer
evaluates it at its own update count -- torch's order "optimizer.step(), then
scheduler.step()". For a scheduler stepped once per epoch, wrap it with
:func:`per_epoch`.

Values are computed from Python floats, so they are weakly typed: the jax default
float (float64 when x64 is on, matching torch's Python-double lr), and they do not
promote float32 parameters.
"""
import math

import jax
import jax.numpy as jnp
import numpy as np


def _count(t):
    return jnp.asarray(t)


def step_lr(base_lr, step_size, gamma=0.1):
    """torch's ``StepLR``: ``base_lr * gamma ** (t // step_size)``.

    Args:
        base_lr: the optimizer's initial lr.
        step_size: period of the decay, in scheduler steps.
        gamma: multiplicative factor.

    Returns:
        A schedule ``t -> lr``.

    Raises:
        ValueError: ``step_size <= 0`` (torch fails later, with ZeroDivisionError).

    Example:
        >>> float(step_lr(0.1, 30)(30))
        0.010000000000000002
    """
    if step_size <= 0:
        raise ValueError(f"step_lr: step_size must be a positive integer, got {step_size}")
    return lambda t: base_lr * gamma ** (_count(t) // step_size)


def multi_step_lr(base_lr, milestones, gamma=0.1):
    """torch's ``MultiStepLR``: ``base_lr * gamma ** bisect_right(sorted(milestones), t)``.

    Repeated milestones decay repeatedly, as torch's ``Counter`` does.

    Args:
        base_lr: the optimizer's initial lr.
        milestones: scheduler steps at which to decay.
        gamma: multiplicative factor.

    Returns:
        A schedule ``t -> lr``.

    Example:
        >>> float(multi_step_lr(1.0, [2, 4], 0.5)(4))
        0.25
    """
    marks = np.asarray(sorted(milestones), dtype=np.int64)

    def schedule(t):
        t = _count(t)
        # bisect_right: the number of milestones <= t
        passed = jnp.searchsorted(jnp.asarray(marks, dtype=t.dtype), t, side="right")
        return base_lr * gamma**passed

    return schedule


def exponential_lr(base_lr, gamma):
    """torch's ``ExponentialLR``: ``base_lr * gamma ** t``.

    Args:
        base_lr: the optimizer's initial lr.
        gamma: multiplicative factor per step.

    Returns:
        A schedule ``t -> lr``.

    Example:
        >>> float(exponential_lr(1.0, 0.5)(3))
        0.125
    """
    return lambda t: base_lr * gamma ** _count(t)


def cosine_annealing_lr(base_lr, T_max, eta_min=0.0):  # noqa: N803 (torch's name)
    """torch's ``CosineAnnealingLR``: ``eta_min + (base_lr - eta_min) * (1 + cos(pi t / T_max)) / 2``.

    torch steps a recursive form whose values equal this closed form (also past
    ``T_max``, where both rise again with period ``2 * T_max``).

    Args:
        base_lr: the optimizer's initial lr.
        T_max: half-period, in scheduler steps.
        eta_min: minimum lr.

    Returns:
        A schedule ``t -> lr``.

    Example:
        >>> float(cosine_annealing_lr(1.0, 10)(5))
        0.5
    """
    return lambda t: eta_min + (base_lr - eta_min) * (1 + jnp.cos(math.pi * _count(t) / T_max)) / 2


def linear_lr(base_lr, start_factor=1.0 / 3, end_factor=1.0, total_iters=5):
    """torch's ``LinearLR``: the factor moves linearly from start to end over ``total_iters``.

    ``lr = base_lr * (start + (end - start) * min(t, total_iters) / total_iters)``.

    Args:
        base_lr: the optimizer's initial lr.
        start_factor: factor at t = 0, in (0, 1].
        end_factor: factor from ``total_iters`` on, in [0, 1].
        total_iters: steps of the ramp.

    Returns:
        A schedule ``t -> lr``.

    Raises:
        ValueError: torch's messages for factors out of range.

    Example:
        >>> float(linear_lr(0.3, 1 / 3, 1.0, 2)(1))
        0.2
    """
    if start_factor > 1.0 or start_factor <= 0:
        raise ValueError(
            "Starting multiplicative factor expected to be greater than 0 and less or equal to 1."
        )
    if end_factor > 1.0 or end_factor < 0:
        raise ValueError("Ending multiplicative factor expected to be between 0 and 1.")

    def schedule(t):
        done = jnp.minimum(_count(t), total_iters)
        return base_lr * (start_factor + (end_factor - start_factor) * done / total_iters)

    return schedule


def _anneal(strategy, start, end, pct):
    if strategy == "cos":
        return end + (start - end) / 2.0 * (jnp.cos(math.pi * pct) + 1)
    return (end - start) * pct + start


def _one_cycle_phases(total_steps, pct_start, three_phase):
    """torch's ``_schedule_phases``: (end_step, start key, end key) per phase; the keys
    index (lr values, momentum values) dicts built by the callers."""
    if three_phase:
        return [
            (float(pct_start * total_steps) - 1, "initial", "max", "max_m", "base_m"),
            (float(2 * pct_start * total_steps) - 2, "max", "initial", "base_m", "max_m"),
            (total_steps - 1, "initial", "min", "max_m", "max_m"),
        ]
    return [
        (float(pct_start * total_steps) - 1, "initial", "max", "max_m", "base_m"),
        (total_steps - 1, "max", "min", "base_m", "max_m"),
    ]


def _resolve_total_steps(total_steps, epochs, steps_per_epoch):
    if total_steps is not None:
        if total_steps <= 0 or not isinstance(total_steps, int):
            raise ValueError(f"Expected positive integer total_steps, but got {total_steps}")
        return total_steps
    if epochs is not None and steps_per_epoch is not None:
        if not isinstance(epochs, int) or epochs <= 0:
            raise ValueError(f"Expected positive integer epochs, but got {epochs}")
        if not isinstance(steps_per_epoch, int) or steps_per_epoch <= 0:
            raise ValueError(
                f"Expected positive integer steps_per_epoch, but got {steps_per_epoch}"
            )
        return epochs * steps_per_epoch
    raise ValueError("You must define either total_steps OR (epochs AND steps_per_epoch)")


def _one_cycle(values, column, total_steps, pct_start, anneal_strategy, three_phase):
    """The piecewise schedule over torch's phases for the lr (column 1) or momentum (3)."""
    phases = _one_cycle_phases(total_steps, pct_start, three_phase)

    def schedule(t):
        if not isinstance(t, jax.core.Tracer) and np.max(np.asarray(t)) > total_steps:
            raise ValueError(
                f"Tried to step {int(np.max(np.asarray(t)))} times. "
                f"The specified number of total steps is {total_steps}"
            )
        t = _count(t)
        # torch: the first phase with t <= end_step (else the last), walked backwards so
        # earlier phases win
        start_steps = [0.0] + [p[0] for p in phases[:-1]]
        out = None
        for i in reversed(range(len(phases))):
            end_step, start_key, end_key = phases[i][0], phases[i][column], phases[i][column + 1]
            pct = (t - start_steps[i]) / (end_step - start_steps[i])
            value = _anneal(anneal_strategy, values[start_key], values[end_key], pct)
            out = value if out is None else jnp.where(t <= end_step, value, out)
        # past total_steps torch raises; under jit the value is NaN so it cannot pass silently
        return jnp.where(t > total_steps, jnp.nan, out)

    return schedule


def _check_one_cycle(pct_start, anneal_strategy):
    if pct_start < 0 or pct_start > 1 or not isinstance(pct_start, float):
        raise ValueError(f"Expected float between 0 and 1 pct_start, but got {pct_start}")
    if anneal_strategy not in ["cos", "linear"]:
        raise ValueError(
            f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}"
        )


def one_cycle_lr(
    max_lr,
    total_steps=None,
    pct_start=0.3,
    anneal_strategy="cos",
    div_factor=25.0,
    final_div_factor=1e4,
    three_phase=False,
    *,
    epochs=None,
    steps_per_epoch=None,
):
    """torch's ``OneCycleLR`` learning rate (its ``get_last_lr()`` at every step).

    From ``max_lr / div_factor`` up to ``max_lr`` over the first ``pct_start`` of the
    run, then down to ``initial / final_div_factor`` (three_phase: back to initial first),
    annealed by cosine or linearly, with torch's phase boundaries ``pct_start *
    total_steps - 1``... Pair with :func:`one_cycle_momentum` for the momentum (or beta1)
    that torch cycles by default.

    Args:
        max_lr: peak learning rate.
        total_steps: steps in the cycle (or give ``epochs`` and ``steps_per_epoch``).
        pct_start: fraction of the cycle spent increasing the lr (a float, as torch).
        anneal_strategy: 'cos' or 'linear'.
        div_factor: initial lr = max_lr / div_factor.
        final_div_factor: min lr = initial lr / final_div_factor.
        three_phase: torch's three-phase variant.
        epochs: with ``steps_per_epoch``, an alternative to ``total_steps``.
        steps_per_epoch: see ``epochs``.

    Returns:
        A schedule ``t -> lr`` for ``0 <= t <= total_steps``. Beyond, torch raises: so
        does this for a concrete ``t``; a traced one gives NaN.

    Raises:
        ValueError: torch's messages for bad total_steps/epochs, pct_start, strategy.

    Example:
        >>> sched = one_cycle_lr(0.1, total_steps=100)
        >>> round(float(sched(0)), 6)
        0.004
    """
    total_steps = _resolve_total_steps(total_steps, epochs, steps_per_epoch)
    _check_one_cycle(pct_start, anneal_strategy)
    initial = max_lr / div_factor
    values = {"initial": initial, "max": max_lr, "min": initial / final_div_factor}
    return _one_cycle(values, 1, total_steps, pct_start, anneal_strategy, three_phase)


def one_cycle_momentum(
    total_steps=None,
    pct_start=0.3,
    anneal_strategy="cos",
    base_momentum=0.85,
    max_momentum=0.95,
    three_phase=False,
    *,
    epochs=None,
    steps_per_epoch=None,
):
    """The momentum torch's ``OneCycleLR`` writes into the optimizer (``cycle_momentum``).

    Inverse to the lr: from ``max_momentum`` down to ``base_momentum`` while the lr
    rises, and back. Pass it as ``momentum=`` to :func:`sgd` / :func:`rmsprop`, or as
    ``betas=(one_cycle_momentum(...), 0.999)`` to :func:`adam` (torch cycles beta1).

    Args:
        total_steps: steps in the cycle (or give ``epochs`` and ``steps_per_epoch``).
        pct_start: as :func:`one_cycle_lr`.
        anneal_strategy: 'cos' or 'linear'.
        base_momentum: lowest momentum (at the lr peak).
        max_momentum: highest momentum (at the ends).
        three_phase: torch's three-phase variant.
        epochs: with ``steps_per_epoch``, an alternative to ``total_steps``.
        steps_per_epoch: see ``epochs``.

    Returns:
        A schedule ``t -> momentum``.

    Raises:
        ValueError: as :func:`one_cycle_lr`.

    Example:
        >>> float(one_cycle_momentum(total_steps=100)(0))
        0.95
    """
    total_steps = _resolve_total_steps(total_steps, epochs, steps_per_epoch)
    _check_one_cycle(pct_start, anneal_strategy)
    values = {"base_m": base_momentum, "max_m": max_momentum}
    return _one_cycle(values, 3, total_steps, pct_start, anneal_strategy, three_phase)


def per_epoch(schedule, steps_per_epoch):
    """Turns a per-scheduler-step schedule into one of the optimizer's update count.

    A torch scheduler stepped once per epoch of ``steps_per_epoch`` batches holds each
    value for a whole epoch: ``lr(count) = schedule(count // steps_per_epoch)``.

    Args:
        schedule: a schedule of the scheduler-step count.
        steps_per_epoch: optimizer updates per scheduler step.

    Returns:
        A schedule of the optimizer's update count.

    Example:
        >>> lr = per_epoch(step_lr(0.1, step_size=2), steps_per_epoch=100)
        >>> float(lr(199)), float(lr(200))
        (0.1, 0.010000000000000002)
    """
    return lambda count: schedule(_count(count) // steps_per_epoch)
