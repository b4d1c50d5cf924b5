"""Argument checks shared by the torch.func-style transforms.

Each check raises the exception type and message that `torch.func` raises for the same
mistake (torch 2.13.0, `torch/_functorch/eager_transforms.py` and `vmap.py`), so code
ported from torch keeps its error handling. Checks run in Python on static shapes and
dtypes, before any JAX tracing, so a user error never surfaces as a JAX traceback.
"""
import functools

import jax
import numpy as np


def func_name(func):
    """The name torch.func uses for `func` in its error messages.

    Args:
        func: any callable.

    Returns:
        `func.__name__`, `functools.partial(<name>, ...)` for partials, else `repr(func)`.

    Example:
        >>> func_name(lambda x: x)
        '<lambda>'
    """
    if hasattr(func, "__name__"):
        return func.__name__
    if isinstance(func, functools.partial):
        return f"functools.partial({func_name(func.func)}, ...)"
    return repr(func)


def is_array(x):
    """True for the values a transform treats as tensors: jax arrays (and tracers), numpy.

    Example:
        >>> is_array(np.zeros(2)), is_array(2.0)
        (True, False)
    """
    return isinstance(x, (jax.Array, np.ndarray))


def normalize_argnums(argnums, num_args):
    """Validates `argnums` against the number of positional args; wraps negatives.

    Args:
        argnums: an int or a non-empty tuple of distinct ints.
        num_args: how many positional arguments the transformed function got.

    Returns:
        `argnums` with negative indices made non-negative (int stays int, tuple stays
        tuple).

    Raises:
        RuntimeError: torch's messages for a non-int/tuple argnums, an out-of-range index,
            an empty tuple or repeated indices.

    Example:
        >>> normalize_argnums(-1, 3)
        2
    """
    if not isinstance(argnums, (int, tuple)):
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")

    def wrap(argnum):
        if not isinstance(argnum, int):
            raise RuntimeError(f"argnum must be int, got: {type(argnum)}")
        if 0 <= argnum < num_args:
            return argnum
        if -num_args <= argnum < 0:
            return argnum + num_args
        raise RuntimeError(f"Got argnum={argnum}, but only {num_args} positional inputs")

    if isinstance(argnums, int):
        return wrap(argnums)
    wrapped = tuple(wrap(a) for a in argnums)
    if len(wrapped) == 0:
        raise RuntimeError("argnums must be non-empty")
    if len(set(wrapped)) != len(wrapped):
        raise RuntimeError(f"argnums elements must be unique, got {argnums}")
    return wrapped


def as_argnums_tuple(argnums):
    """`argnums` (already normalized) as a tuple: `2 -> (2,)`, `(0, 1) -> (0, 1)`."""
    return (argnums,) if isinstance(argnums, int) else argnums


def replace_args(args, argnums_tuple, new_values):
    """`args` with the entries at `argnums_tuple` replaced by `new_values` (in order).

    Example:
        >>> replace_args((1, 2, 3), (0, 2), ("a", "c"))
        ('a', 2, 'c')
    """
    out = list(args)
    for i, v in zip(argnums_tuple, new_values):
        out[i] = v
    return tuple(out)


def check_differentiable(values):
    """Checks every leaf of `values` can be differentiated (a float or complex dtype).

    Args:
        values: the pytree of inputs a gradient is taken with respect to.

    Raises:
        RuntimeError: torch's "only Tensors of floating point dtype can require
            gradients" for an integer or boolean leaf.

    Example:
        >>> check_differentiable((np.zeros(2, np.float32),))
    """
    for leaf in jax.tree.leaves(values):
        dtype = getattr(leaf, "dtype", None)
        if dtype is None:
            dtype = np.result_type(leaf)
        if not np.issubdtype(dtype, np.inexact):
            raise RuntimeError("only Tensors of floating point dtype can require gradients")


def split_aux(output, has_aux, api):
    """Splits `(output, aux)` when `has_aux`; else returns `(output, None)`.

    Args:
        output: what the user's function returned.
        has_aux: whether the function is declared to return `(output, aux)`.
        api: the torch.func API prefix for the message, e.g. "vjp(f, *primals)".

    Raises:
        RuntimeError: torch's message when `has_aux` and the output is not a 2-tuple.

    Example:
        >>> split_aux((1, "aux"), True, "vjp(f, *primals)")
        (1, 'aux')
    """
    if not has_aux:
        return output, None
    if not (isinstance(output, tuple) and len(output) == 2):
        raise RuntimeError(
            f"{api}: output of function f should be a tuple: (output, aux) if has_aux is True"
        )
    return output


def check_tensor_outputs(flat_outputs, api):
    """Checks a function's flattened output is a non-empty list of arrays.

    Raises:
        RuntimeError: torch's messages for an empty output or a non-array leaf.

    Example:
        >>> check_tensor_outputs([np.zeros(2)], "vjp(f, *primals)")
    """
    if len(flat_outputs) == 0:
        raise RuntimeError(
            f"{api}: Expected f to be a function that has non-empty output "
            f"(got output = {flat_outputs})"
        )
    for o in flat_outputs:
        if not is_array(o):
            raise RuntimeError(
                f"{api}: expected f(*primals) to return only tensors, "
                f"got unsupported type {type(o)}"
            )


class _Star:
    """A leaf placeholder whose repr is `*`, as in torch's `treespec_pprint`."""

    def __repr__(self):
        return "*"


def tree_repr(tree):
    """The structure of a pytree written the way torch prints it: leaves as `*`.

    Example:
        >>> tree_repr((np.zeros(1), {"a": 2.0}))
        "(*, {'a': *})"
    """
    return repr(jax.tree.map(lambda _: _Star(), tree))
