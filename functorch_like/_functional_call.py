"""`functional_call`: torch.func.functional_call for pure `(apply, params)` models."""
from collections.abc import Mapping, Sequence


def merge_param_dicts(params_and_buffers):
    """One mapping from a mapping or a list/tuple of mappings (torch's merging rules).

    Args:
        params_and_buffers: a dict (any Mapping, e.g. a FrozenDict), or a list/tuple of
            them whose keys do not overlap.

    Returns:
        The mapping itself, or a new dict holding every entry of the sequence.

    Raises:
        ValueError: torch's messages for a non-mapping, a sequence holding a non-mapping,
            or a key present in more than one mapping.

    Example:
        >>> merge_param_dicts(({"weight": 1}, {"running_mean": 2}))
        {'weight': 1, 'running_mean': 2}
    """
    if isinstance(params_and_buffers, Mapping):
        return params_and_buffers
    if not isinstance(params_and_buffers, Sequence) or isinstance(params_and_buffers, str):
        raise ValueError(
            "Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, "
            f"but got {type(params_and_buffers)}"
        )
    if not all(isinstance(d, Mapping) for d in params_and_buffers):
        raise ValueError("Expected all elements of parameter_and_buffer_dicts to be dictionaries")
    counts = {}
    for d in params_and_buffers:
        for k in d:
            counts[k] = counts.get(k, 0) + 1
    repeated = [k for k, n in counts.items() if n > 1]
    if repeated:
        raise ValueError(
            f"{repeated} appeared in multiple dictionaries; behavior of functional call is "
            "ambiguous"
        )
    return {k: v for d in params_and_buffers for k, v in d.items()}


def functional_call(apply_or_module, params_and_buffers, args, kwargs=None):
    """Calls a pure model with the given parameters (torch.func.functional_call).

    torch swaps tensors into an `nn.Module` for one call; a pure model already takes its
    parameters as an argument, so this calls `apply(params_and_buffers, *args, **kwargs)`.

    Args:
        apply_or_module: the model's apply function `apply(params, *args, **kwargs)`, or
            an object with such an `.apply` attribute (e.g. an `(init, apply)` model
            pair, a flax module).
        params_and_buffers: a dict of parameters and buffers (torch state_dict keys for
            the project's models), or a list/tuple of dicts merged into one (their keys
            must not overlap).
        args: the positional arguments; a single non-tuple value means `(args,)`, as in
            torch.
        kwargs: keyword arguments for the call, or None.

    Returns:
        Whatever the model returns.

    Raises:
        ValueError: torch's messages for bad `params_and_buffers` (see
            `merge_param_dicts`).
        TypeError: `apply_or_module` is neither callable nor has a callable `.apply`.

    Example:
        >>> def apply(params, x):
        ...     return x @ params["weight"].T + params["bias"]
        >>> functional_call(apply, {"weight": jnp.eye(2), "bias": jnp.ones(2)}, jnp.zeros(2))
        Array([1., 1.], dtype=float32)
    """
    params = merge_param_dicts(params_and_buffers)
    apply = getattr(apply_or_module, "apply", apply_or_module)
    if not callable(apply):
        raise TypeError(
            "functional_call: expected an apply function apply(params, *args) or an object "
            f"with a callable .apply, got {type(apply_or_module)}"
        )
    if not isinstance(args, tuple):
        args = (args,)
    return apply(params, *args, **(kwargs or {}))
