"""`jit`: XLA compilation, the functional counterpart of `torch.compile`."""
import jax


def jit(func, /, **jit_kwargs):
    """Compiles `func` with XLA: `jax.jit(func, **jit_kwargs)`.

    The compiled function traces `func` once per input shape/dtype signature and reuses
    the XLA program afterwards. `func` must be pure: Python side effects run only while
    tracing, and Python control flow may not depend on array values.

    Args:
        func: a pure function of arrays / pytrees of arrays.
        **jit_kwargs: `jax.jit`'s options, e.g. `static_argnums`, `static_argnames`,
            `donate_argnums`.

    Returns:
        The compiled function, with `func`'s signature.

    Example:
        >>> step = jit(grad(lambda w, x: jnp.sum((x @ w) ** 2)))
        >>> step(jnp.ones(2), jnp.ones((3, 2))).shape
        (2,)
    """
    return jax.jit(func, **jit_kwargs)
