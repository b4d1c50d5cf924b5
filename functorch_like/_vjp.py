"""`vjp`: torch.func's vector-Jacobian product on `jax.vjp`."""
import jax
import numpy as np

from ._transform_checks import check_differentiable, check_tensor_outputs, split_aux, tree_repr

_API = "vjp(f, *primals)"


def check_float_outputs(flat_outputs):
    """Checks every output leaf has a float/complex dtype (torch's vjp rule).

    Raises:
        RuntimeError: torch's message naming the offending dtype.

    Example:
        >>> check_float_outputs([np.zeros(2, np.float32)])
    """
    for o in flat_outputs:
        if not np.issubdtype(o.dtype, np.inexact):
            raise RuntimeError(
                "vjp(f, ...): All outputs of f must be floating-point or complex Tensors, "
                f"got Tensor with dtype {o.dtype}"
            )


def checked_call(func, has_aux, api, args, kwargs=None):
    """Calls `func(*args, **kwargs)` and applies torch's output checks for `api`.

    Returns:
        `(output, aux)` where `aux` is None unless `has_aux`.

    Raises:
        RuntimeError: bad `has_aux` output, empty/non-array/non-float outputs.

    Example:
        >>> checked_call(lambda x: x * 2, False, "vjp(f, *primals)", (np.ones(1),))
        (array([2.]), None)
    """
    out, aux = split_aux(func(*args, **(kwargs or {})), has_aux, api)
    flat = jax.tree.leaves(out)
    check_tensor_outputs(flat, api)
    check_float_outputs(flat)
    return out, aux


def vjp(func, *primals, has_aux=False):
    """Runs `func(*primals)` and returns its output and a function computing VJPs.

    Mirrors `torch.func.vjp`: the pullback takes cotangents with the structure of the
    output and returns a TUPLE with one cotangent per primal.

    Args:
        func: a function of arrays / pytrees of arrays returning float arrays (or
            `(output, aux)` when `has_aux`).
        *primals: the positional arguments; every leaf must be floating point.
        has_aux: whether `func` returns `(output, aux)`.

    Returns:
        `(output, vjp_fn)`, or `(output, vjp_fn, aux)` with `has_aux`.
        `vjp_fn(cotangents, retain_graph=True, create_graph=None)` returns a tuple of
        cotangents, one per primal, each with its primal's structure and dtype.
        Cotangents are cast to their output's dtype (as torch's autograd does).
        `retain_graph` and `create_graph` are accepted so torch code runs unchanged; in
        JAX they have no effect: the pullback can be called any number of times and is
        always differentiable.

    Raises:
        RuntimeError: torch's messages for non-float primals or outputs, a bad `has_aux`
            output; from `vjp_fn`, cotangents whose structure or shapes differ from the
            output's.

    Example:
        >>> out, vjp_fn = vjp(jnp.sin, jnp.zeros(2))
        >>> vjp_fn(jnp.ones(2))
        (Array([1., 1.], dtype=float32),)
    """
    check_differentiable(primals)

    def fn(*args):
        out, aux = checked_call(func, has_aux, _API, args)
        return (out, aux) if has_aux else out

    result = jax.vjp(fn, *primals, has_aux=has_aux)
    out, pullback = result[0], result[1]
    flat_out, out_tree = jax.tree.flatten(out)

    def vjp_fn(cotangents, retain_graph=True, create_graph=None):
        del retain_graph, create_graph  # no graph to keep in JAX; see the docstring
        flat_ct, ct_tree = jax.tree.flatten(cotangents)
        if ct_tree != out_tree:
            raise RuntimeError(
                "Expected pytree structure of cotangents to be the same as pytree structure "
                f"of outputs to the function. cotangents: {tree_repr(cotangents)}, "
                f"primal output: {tree_repr(out)}"
            )
        cast = []
        for i, (c, o) in enumerate(zip(flat_ct, flat_out)):
            if np.shape(c) != o.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {tuple(np.shape(c))} "
                    f"and output[{i}] has a shape of {tuple(o.shape)}."
                )
            cast.append(jax.numpy.asarray(c, dtype=o.dtype))  # torch casts grad_output too
        return tuple(pullback(out_tree.unflatten(cast)))

    return (out, vjp_fn, result[2]) if has_aux else (out, vjp_fn)
