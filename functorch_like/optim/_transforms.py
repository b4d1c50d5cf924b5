"""Pieces shared by the torch-semantics optimizers.

Every optimizer here is ``optax.inject_hyperparams`` around an ``optax.chain`` of small
pieces, so its numeric hyperparameters live in the state
(``opt_state.hyperparams['lr']``...) and can change between steps without recompiling
(:func:`set_hyperparams`), and any of them may be an optax schedule (a function of the
step count) instead of a number.

State layout, for converters to and from torch's per-parameter ``optimizer.state``::

    opt_state.count            number of updates applied (torch's 'step' where no piece
                               keeps its own)
    opt_state.hyperparams      {'lr': ..., 'momentum': ..., ...} as float64 scalars
                               (float32 when x64 is off), like torch's Python floats
    opt_state.inner_state      the chain's states; each torch entry is one field of one
                               piece's NamedTuple (see each optimizer's docstring)

:func:`torch_state` and :func:`load_torch_state` read and write those entries under
torch's names ('exp_avg', 'momentum_buffer', ...).
"""
import numbers

import jax
import jax.numpy as jnp
import optax


def check_nonnegative(value, message):
    """Raises torch's ``ValueError(message.format(value))`` if ``value < 0``.

    Schedules (callables) are not checked: their values are only known per step.

    Args:
        value: the hyperparameter as given by the user.
        message: torch's message with a ``{}`` for the value, e.g. "Invalid learning rate: {}".

    Raises:
        ValueError: ``value`` is negative.

    Example:
        >>> check_nonnegative(0.1, "Invalid learning rate: {}")
    """
    if not callable(value) and value < 0.0:
        raise ValueError(message.format(value))


def sign_for(maximize):
    """``optax.scale(-1)`` when maximizing (torch negates the gradient first), else identity.

    Args:
        maximize: torch's ``maximize`` flag.

    Returns:
        An ``optax.GradientTransformation``.

    Example:
        >>> tx = sign_for(True)
    """
    return optax.scale(-1.0) if maximize else optax.identity()


def cast_like(scalar, leaf):
    """A hyperparameter in a leaf's dtype: torch applies Python-float hyperparameters in
    each tensor's own dtype, and this keeps float32 (or bf16) leaves from promoting."""
    return jnp.asarray(scalar).astype(leaf.dtype)


def lerp(start, end, weight):
    """torch's ``start.lerp_(end, weight)``, formula for formula.

    torch computes ``start + w * (end - start)`` for ``|w| < 0.5`` and ``end - (end -
    start) * (1 - w)`` otherwise (the more accurate side); ``weight`` may be traced.

    Args:
        start: the array updated by torch in place.
        end: the target.
        weight: the interpolation weight (a scalar; cast to ``start``'s dtype).

    Returns:
        The interpolated array.

    Example:
        >>> lerp(jnp.zeros(2), jnp.ones(2), 0.1)
        Array([0.1, 0.1], dtype=float32)
    """
    w = cast_like(weight, start)
    diff = end - start
    return jnp.where(jnp.abs(w) < 0.5, start + w * diff, end - diff * (1 - w))


def _float_dtype(tree):
    return optax.tree.dtype(tree, "highest")


def in_updates_dtype(make, **scalars):
    """``make(**scalars)`` (an optax piece) with its scalars cast to the updates' dtype.

    Hyperparameters are kept in the widest float (float64 under x64, like torch's Python
    floats) so derived scalars such as ``1 - beta2`` are as exact as torch's; optax
    pieces would then compute float32 tensors in float64. This wrapper rounds the scalars
    to the updates' dtype first -- what torch does when a Python float meets a tensor --
    so tensor math stays in the parameters' precision.

    Args:
        make: an optax transformation factory, e.g. ``optax.add_decayed_weights``.
        **scalars: its numeric arguments (booleans and callables pass through).

    Returns:
        An ``optax.GradientTransformation``.

    Example:
        >>> tx = in_updates_dtype(optax.add_decayed_weights, weight_decay=jnp.float64(0.1))
    """

    def cast(dtype):
        return {
            k: v if callable(v) or isinstance(v, bool) else jnp.asarray(v).astype(dtype)
            for k, v in scalars.items()
        }

    def init_fn(params):
        return make(**cast(_float_dtype(params))).init(params)

    def update_fn(updates, state, params=None):
        return make(**cast(_float_dtype(updates))).update(updates, state, params)

    return optax.GradientTransformation(init_fn, update_fn)


def scale_by_lr(lr):
    """``optax.scale_by_learning_rate(lr)`` (``u -> -lr * u``) with lr in the updates' dtype.

    Args:
        lr: the learning rate (a hyperparameter value).

    Returns:
        An ``optax.GradientTransformation``.

    Example:
        >>> tx = scale_by_lr(0.1)
    """
    return in_updates_dtype(optax.scale_by_learning_rate, learning_rate=lr)


def decayed_weights(weight_decay):
    """``optax.add_decayed_weights`` (``g + weight_decay * p``, torch's coupled L2 /
    AdamW's decoupled term) with the coefficient in the updates' dtype.

    Args:
        weight_decay: the coefficient (a hyperparameter value).

    Returns:
        An ``optax.GradientTransformation``.

    Example:
        >>> tx = decayed_weights(1e-2)
    """
    return in_updates_dtype(optax.add_decayed_weights, weight_decay=weight_decay)


def _as_hyperparam(value):
    """Numbers become Python floats (torch's defaults are ints: momentum=0), so every
    hyperparameter is a float entry in the state; schedules (callables) pass through."""
    if callable(value) or isinstance(value, bool):
        return value
    if isinstance(value, numbers.Number):
        return float(value)
    return value  # a jax/numpy array: inject_hyperparams keeps it as given


def torch_optimizer(name, factory, **hyperparams):
    """Builds ``factory(**hyperparams)`` with its numeric hyperparameters in the state.

    Booleans (``nesterov``, ``maximize``, ``amsgrad``, ``centered``) are static: they
    select code paths. Numbers are stored in ``opt_state.hyperparams`` as the widest
    float (float64 under x64); callables are schedules evaluated at the step count.

    Args:
        name: the optimizer's name, for error messages.
        factory: a function of the hyperparameters returning an optax transformation.
        **hyperparams: the values.

    Returns:
        An ``optax.GradientTransformationExtraArgs`` whose ``update`` requires ``params``.

    Example:
        >>> tx = torch_optimizer("sgd", lambda lr: optax.sgd(lr), lr=0.1)
    """
    # the widest float, as torch's hyperparameters are Python floats (doubles): derived
    # scalars like 1 - beta2 or the bias corrections then round like torch's; pieces
    # cast them to each tensor's dtype before touching tensors
    widest_float = jax.dtypes.canonicalize_dtype(jnp.float64)  # float32 when x64 is off
    tx = optax.inject_hyperparams(factory, hyperparam_dtype=widest_float)(
        **{k: _as_hyperparam(v) for k, v in hyperparams.items()}
    )

    def update(updates, state, params=None, **extra_args):
        if params is None:
            # torch always has the parameters; weight decay reads them and updates are
            # cast to their dtypes
            raise ValueError(
                f"{name}: update(grads, state, params) needs the current params "
                f"(got params=None); pass them as the third argument"
            )
        new_updates, new_state = tx.update(updates, state, params, **extra_args)
        # in a mixed-dtype tree an optax piece computes with the widest leaf's dtype and
        # can promote a narrower leaf's state or update; cast back so every state entry
        # keeps its dtype (a jitted loop's carry must not change) and updates match their
        # params, as torch keeps state in each parameter's dtype
        new_state = jax.tree.map(lambda new, old: new.astype(old.dtype), new_state, state)
        new_updates = jax.tree.map(lambda u, p: u.astype(p.dtype), new_updates, params)
        return new_updates, new_state

    return optax.GradientTransformationExtraArgs(tx.init, update)


def set_hyperparams(opt_state, **values):
    """Returns ``opt_state`` with hyperparameters replaced, keeping their dtypes.

    Keeping the dtype (and shape) keeps a jitted update from recompiling: this is how a
    torch-style ``param_group['lr'] = x`` or an lr scheduler acts on these optimizers.

    Args:
        opt_state: a state of one of this package's optimizers.
        **values: new values by hyperparameter name ('lr', 'momentum', 'beta1', ...).

    Returns:
        The new state.

    Raises:
        KeyError: an unknown name (the message lists the known ones).
        ValueError: the name is driven by a schedule.

    Example:
        >>> tx = sgd(lr=0.1)
        >>> state = set_hyperparams(tx.init({'w': jnp.zeros(3)}), lr=0.01)
    """
    hyperparams = dict(opt_state.hyperparams)
    for name, value in values.items():
        if name not in hyperparams:
            raise KeyError(f"unknown hyperparameter {name!r}; this optimizer has {sorted(hyperparams)}")
        if name in opt_state.hyperparams_states:
            raise ValueError(
                f"hyperparameter {name!r} is driven by a schedule; build the optimizer with "
                f"a number for {name!r} to set it by hand"
            )
        old = hyperparams[name]
        hyperparams[name] = jnp.asarray(value, dtype=jnp.asarray(old).dtype).reshape(jnp.shape(old))
    return opt_state._replace(hyperparams=hyperparams)


# torch entry -> [(piece state type, field)]; built lazily, as the optimizer modules
# import this one.
def _state_fields():
    from ._adadelta import AdadeltaState
    from ._adagrad import AdagradState
    from ._adam import AdamState
    from ._rmsprop import RMSpropState
    from ._sgd import SGDMomentumState

    return {
        "momentum_buffer": [(SGDMomentumState, "momentum_buffer"), (optax.TraceState, "trace")],
        "exp_avg": [(AdamState, "exp_avg")],
        "exp_avg_sq": [(AdamState, "exp_avg_sq")],
        "max_exp_avg_sq": [(AdamState, "max_exp_avg_sq")],
        "sum": [(AdagradState, "sum")],
        "square_avg": [(RMSpropState, "square_avg"), (AdadeltaState, "square_avg")],
        "grad_avg": [(RMSpropState, "grad_avg")],
        "acc_delta": [(AdadeltaState, "acc_delta")],
        "step": [(AdamState, "step"), (AdagradState, "step")],
    }


def _locate(inner_state, entry):
    """(index in the chain, field name) of a torch entry, or None."""
    for i, piece in enumerate(inner_state):
        for cls, field in _state_fields()[entry]:
            if isinstance(piece, cls) and getattr(piece, field) is not None:
                return i, field
    return None


def torch_state(opt_state):
    """Reads torch's per-parameter optimizer state entries out of ``opt_state``.

    Args:
        opt_state: a state of one of this package's optimizers.

    Returns:
        ``{entry: value}`` with torch's entry names. Tensor entries are pytrees shaped
        like the params (torch keeps one per parameter); 'step' is a scalar (the same for
        every parameter here). Entries torch would not have are absent -- e.g.
        'momentum_buffer' before SGD's first momentum step (torch's buffer is None then)
        or RMSprop's buffer when momentum is 0. Call outside jit (it reads the counter).

    Example:
        >>> tx = adam(lr=1e-3)
        >>> sorted(torch_state(tx.init({'w': jnp.zeros(3)})))
        ['exp_avg', 'exp_avg_sq', 'step']
    """
    from ._sgd import SGDMomentumState

    inner = opt_state.inner_state
    out = {}
    for entry in _state_fields():
        where = _locate(inner, entry)
        if where is None:
            continue
        piece = inner[where[0]]
        if isinstance(piece, SGDMomentumState) and int(piece.count) == 0:
            continue  # torch: momentum_buffer is None until the first momentum step
        if isinstance(piece, optax.TraceState) and float(opt_state.hyperparams["momentum"]) == 0:
            continue  # torch's RMSprop keeps a buffer only when momentum > 0
        out[entry] = getattr(piece, where[1])
    is_sgd = any(isinstance(p, SGDMomentumState) for p in inner)
    if "step" not in out and not is_sgd:  # torch's SGD keeps no step
        out["step"] = opt_state.count
    return out


def load_torch_state(opt_state, **entries):
    """Returns ``opt_state`` with torch's state entries written in.

    Values are cast to the existing entries' dtypes and checked against their shapes.
    Loading 'step' also sets ``opt_state.count`` (schedules keep their own counters, as
    torch's lr schedulers keep their own state); loading SGD's 'momentum_buffer' marks
    the buffer as started (torch's buffer is then not None).

    Args:
        opt_state: a state of one of this package's optimizers (e.g. fresh from ``init``).
        **entries: torch entry name -> value (a params-shaped pytree, or a scalar 'step').

    Returns:
        The new state.

    Raises:
        KeyError: an entry this optimizer does not keep.
        ValueError: a value whose tree structure or shapes differ from the state's.

    Example:
        >>> tx = sgd(lr=0.1, momentum=0.9)
        >>> s = load_torch_state(tx.init({'w': jnp.zeros(2)}), momentum_buffer={'w': jnp.ones(2)})
    """
    from ._sgd import SGDMomentumState

    inner = list(opt_state.inner_state)
    count = opt_state.count
    for entry, value in entries.items():
        if entry not in _state_fields():
            raise KeyError(f"unknown torch optimizer state entry {entry!r}")
        where = _locate(inner, entry)
        if where is None and entry == "step":
            count = jnp.asarray(value, count.dtype)
            continue
        if where is None:
            raise KeyError(f"this optimizer keeps no {entry!r} entry")
        i, field = where
        old = getattr(inner[i], field)
        new = _cast_tree_like(entry, value, old)
        inner[i] = inner[i]._replace(**{field: new})
        if isinstance(inner[i], SGDMomentumState) and entry == "momentum_buffer":
            inner[i] = inner[i]._replace(count=jnp.maximum(inner[i].count, 1))
        if entry == "step":
            count = jnp.asarray(value, count.dtype)
    return opt_state._replace(inner_state=tuple(inner), count=count)


def _cast_tree_like(entry, value, old):
    old_leaves, old_def = jax.tree.flatten(old)
    new_leaves, new_def = jax.tree.flatten(value)
    if old_def != new_def and not (len(old_leaves) == 1 and len(new_leaves) == 1):
        raise ValueError(f"{entry!r}: tree structure {new_def} does not match the state's {old_def}")
    cast = []
    for o, n in zip(old_leaves, new_leaves):
        n = jnp.asarray(n)
        if n.shape != o.shape:
            raise ValueError(f"{entry!r}: shape {n.shape} does not match the state's {o.shape}")
        cast.append(n.astype(o.dtype))
    return jax.tree.unflatten(old_def, cast)
