"""`jacrev`, `jacfwd`, `hessian`: torch.func's Jacobians, composed from vjp/jvp and vmap.

As in torch, a Jacobian is the VJP (reverse) or JVP (forward) mapped with `vmap` over the
standard basis, one basis vector per output (reverse) or input (forward) element. The
basis is built inside the map from an index, so `chunk_size` bounds memory for the basis
as well as for the products. The result nests as torch's: the output's structure
outside, the differentiated arguments' structure inside (a tuple when `argnums` is a
tuple), each leaf shaped `output.shape + input.shape`.
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np

from ._jvp import _check_primals
from ._transform_checks import (
    as_argnums_tuple,
    check_differentiable,
    normalize_argnums,
    replace_args,
)
from ._vjp import checked_call
from ._vmap import vmap


def _one_hot_leaves(index, leaves):
    """Basis element `index` of the flattened concatenation of `leaves`, split per leaf."""
    out, offset = [], 0
    for leaf in leaves:
        size = int(np.prod(leaf.shape))
        positions = jnp.arange(size, dtype=jnp.int32) + offset
        out.append((positions == index).astype(leaf.dtype).reshape(leaf.shape))
        offset += size
    return out


def _sizes(leaves):
    return [int(np.prod(leaf.shape)) for leaf in leaves]


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None):
    """Jacobian of `func` w.r.t. the argument(s) `argnums` by reverse mode (torch.func.jacrev).

    Args:
        func: a function of arrays returning float arrays (or `(output, aux)`). Keyword
            arguments pass through undifferentiated.
        argnums: an int or tuple of ints: the positional arguments to differentiate.
        has_aux: whether `func` returns `(output, aux)`; the Jacobian function then
            returns `(jacobian, aux)`.
        chunk_size: None (all VJPs in one vmap) or a positive int: compute that many
            Jacobian rows at a time.

    Returns:
        A function returning the Jacobian: per output leaf, the differentiated
        arguments' structure, each leaf of shape `output.shape + input.shape`.

    Raises:
        ValueError: `chunk_size <= 0` (torch's message).
        RuntimeError: (when called) torch's messages for bad argnums, non-float inputs or
            outputs, a bad `has_aux` output.

    Example:
        >>> jacrev(jnp.sin)(jnp.zeros(2))
        Array([[1., 0.],
               [0., 1.]], dtype=float32)
    """
    if not (chunk_size is None or chunk_size > 0):
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        nums = normalize_argnums(argnums, len(args))
        nums_tuple = as_argnums_tuple(nums)
        diff_args = tuple(args[i] for i in nums_tuple)
        check_differentiable(diff_args)

        def fn(*diff_values):
            out, aux = checked_call(
                func, has_aux, "vjp(f, *primals)", replace_args(args, nums_tuple, diff_values),
                kwargs,
            )
            return (out, aux) if has_aux else out

        result = jax.vjp(fn, *diff_args, has_aux=has_aux)
        out, pullback = result[0], result[1]
        flat_out, out_tree = jax.tree.flatten(out)

        def row(index):
            return pullback(out_tree.unflatten(_one_hot_leaves(index, flat_out)))

        sizes = _sizes(flat_out)
        rows = vmap(row, chunk_size=chunk_size)(jnp.arange(sum(sizes), dtype=jnp.int32))
        rows = rows[0] if isinstance(nums, int) else rows
        jac, start = [], 0
        for o, size in zip(flat_out, sizes):
            jac.append(jax.tree.map(
                lambda r, o=o, lo=start, hi=start + size: r[lo:hi].reshape(o.shape + r.shape[1:]),
                rows,
            ))
            start += size
        jac = out_tree.unflatten(jac)
        return (jac, result[2]) if has_aux else jac

    return wrapper


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """Jacobian of `func` w.r.t. the argument(s) `argnums` by forward mode (torch.func.jacfwd).

    Args:
        func: a function of float arrays returning arrays (or `(output, aux)`).
            Keyword arguments pass through undifferentiated.
        argnums: an int or tuple of ints: the positional arguments to differentiate.
        has_aux: whether `func` returns `(output, aux)`; the Jacobian function then
            returns `(jacobian, aux)`.
        randomness: the `vmap` randomness mode for the map over basis vectors ('error',
            'same', 'different'); it applies to PRNG keys passed to the Jacobian
            function (the `key=` keyword or typed-key arguments), see `vmap`.

    Returns:
        A function returning the Jacobian, nested and shaped as `jacrev`'s.

    Raises:
        RuntimeError: (when called) torch's messages for bad argnums, a bad `has_aux`
            output; a key argument in randomness 'error' mode.
        ValueError: a non-floating differentiated input (torch's type and message).

    Example:
        >>> jacfwd(lambda x: x ** 2)(jnp.array([1.0, 2.0]))
        Array([[2., 0.],
               [0., 4.]], dtype=float32)
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        nums = normalize_argnums(argnums, len(args))
        nums_tuple = as_argnums_tuple(nums)
        diff_args = tuple(args[i] for i in nums_tuple)
        flat_in, in_tree = jax.tree.flatten(diff_args)
        _check_primals(diff_args, "jvp(f, primals, tangents)")
        sizes = _sizes(flat_in)

        def column(index, *call_args, **call_kwargs):
            def fn(*diff_values):
                out, aux = checked_call(
                    func, has_aux, "jvp(f, primals, tangents)",
                    replace_args(call_args, nums_tuple, diff_values), call_kwargs,
                )
                return (out, aux) if has_aux else out

            primals = tuple(call_args[i] for i in nums_tuple)
            tangents = tuple(in_tree.unflatten(_one_hot_leaves(index, flat_in)))
            result = jax.jvp(fn, primals, tangents, has_aux=has_aux)
            return (result[1], result[2]) if has_aux else result[1]

        mapped = vmap(column, in_dims=(0,) + (None,) * len(args), randomness=randomness)
        cols = mapped(jnp.arange(sum(sizes), dtype=jnp.int32), *args, **kwargs)
        aux = None
        if has_aux:
            cols, aux = cols
            aux = jax.tree.map(lambda a: a[0], aux)  # identical along the basis, as torch
        jac = []
        for col in jax.tree.leaves(cols):
            moved = jnp.moveaxis(col, 0, -1)  # basis axis last: output.shape + (n_inputs,)
            parts, start = [], 0
            for leaf, size in zip(flat_in, sizes):
                piece = moved[..., start:start + size]
                parts.append(piece.reshape(moved.shape[:-1] + leaf.shape))
                start += size
            per_input = in_tree.unflatten(parts)
            jac.append(per_input[0] if isinstance(nums, int) else per_input)
        jac = jax.tree.structure(cols).unflatten(jac)
        return (jac, aux) if has_aux else jac

    return wrapper


def hessian(func, argnums=0):
    """Hessian of scalar `func` w.r.t. `argnums`: `jacfwd(jacrev(func, argnums), argnums)`.

    Mirrors `torch.func.hessian`, forward-over-reverse like torch.

    Args:
        func: a function of float arrays returning an array.
        argnums: an int or tuple of ints: the positional arguments to differentiate.

    Returns:
        A function returning the Hessian, shaped `output.shape + input.shape + input.shape`.

    Example:
        >>> hessian(lambda x: (x ** 3).sum())(jnp.array([1.0, 2.0]))
        Array([[ 6.,  0.],
               [ 0., 12.]], dtype=float32)
    """
    return jacfwd(jacrev(func, argnums), argnums)
