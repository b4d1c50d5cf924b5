"""`grad` and `grad_and_value`: torch.func's gradient transforms on `jax.value_and_grad`."""
import functools

import jax

from ._transform_checks import (
    as_argnums_tuple,
    check_differentiable,
    is_array,
    normalize_argnums,
    replace_args,
    split_aux,
)

_API = "grad_and_value(f)(*args)"  # torch prefixes grad's errors with this too


def grad_and_value(func, argnums=0, has_aux=False):
    """Returns a function computing the gradient and the value of scalar `func`.

    Mirrors `torch.func.grad_and_value`, including its return order, which is the
    reverse of `jax.value_and_grad`'s: `(grad, value)`, and `(grad, (value, aux))`
    with `has_aux`.

    Args:
        func: a function of arrays / pytrees of arrays returning a 0-d array (or
            `(0-d array, aux)` when `has_aux`). Keyword arguments pass through and are
            not differentiated.
        argnums: an int or tuple of ints: which positional arguments to differentiate.
            A tuple gives a tuple of gradients.
        has_aux: whether `func` returns `(output, aux)`; `aux` is returned untouched.

    Returns:
        A function with `func`'s signature returning `(grad, value)` or
        `(grad, (value, aux))`. Each gradient has its input's pytree structure and dtype.

    Raises:
        RuntimeError: (when the returned function is called) torch's messages for a
            non-scalar or non-array output, a bad `has_aux` output, bad `argnums`, or a
            non-floating input to differentiate.

    Example:
        >>> g, v = grad_and_value(lambda x: (x ** 2).sum())(jnp.array([1.0, 2.0]))
        >>> g, v
        (Array([2., 4.], dtype=float32), Array(5., dtype=float32))
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        nums = normalize_argnums(argnums, len(args))
        nums_tuple = as_argnums_tuple(nums)
        diff_args = tuple(args[i] for i in nums_tuple)
        check_differentiable(diff_args)

        def scalar_fn(*diff_values):
            out, aux = split_aux(
                func(*replace_args(args, nums_tuple, diff_values), **kwargs), has_aux, _API
            )
            if not is_array(out):
                raise RuntimeError(f"{_API}: Expected f(*args) to return a Tensor, got {type(out)}")
            if out.ndim != 0:
                raise RuntimeError(
                    f"{_API}: Expected f(*args) to return a scalar Tensor, got tensor with "
                    f"{out.ndim} dims. Maybe you wanted to use the vjp or jacrev APIs instead?"
                )
            return out, aux

        # Differentiating a closure over the non-differentiated args keeps them plain
        # Python values (strings, flags, modules), as torch allows.
        (value, aux), grads = jax.value_and_grad(
            scalar_fn, argnums=tuple(range(len(diff_args))), has_aux=True
        )(*diff_args)
        grads = grads[0] if isinstance(nums, int) else grads
        return (grads, (value, aux)) if has_aux else (grads, value)

    return wrapper


def grad(func, argnums=0, has_aux=False):
    """Returns a function computing the gradient of scalar `func` (torch.func.grad).

    Args:
        func: a function returning a 0-d array (or `(0-d array, aux)` with `has_aux`).
            Keyword arguments pass through and are not differentiated.
        argnums: an int or tuple of ints: which positional arguments to differentiate.
            A tuple gives a tuple of gradients.
        has_aux: whether `func` returns `(output, aux)`.

    Returns:
        A function returning the gradient(s), or `(grad, aux)` with `has_aux`.

    Raises:
        RuntimeError: as `grad_and_value` (torch's messages, prefixed
            "grad_and_value(f)(*args)" exactly as torch does).

    Example:
        >>> grad(lambda x: jnp.sin(x).sum())(jnp.zeros(2))
        Array([1., 1.], dtype=float32)
    """
    gv = grad_and_value(func, argnums=argnums, has_aux=has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        grads, value = gv(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads

    return wrapper
