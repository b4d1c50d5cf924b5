"""`jvp` and `linearize`: torch.func's forward-mode transforms on `jax.jvp`/`jax.linearize`."""
import jax
import jax.numpy as jnp
import numpy as np

from ._transform_checks import check_tensor_outputs, is_array, split_aux

_API = "jvp(f, primals, tangents)"


def _check_primals(primals, api):
    """Non-empty, arrays only, floating point (torch's `jvp` input rules)."""
    flat = jax.tree.leaves(primals)
    if len(flat) == 0:
        raise RuntimeError(f"{api}: Expected primals to contain at least one Tensor.")
    for p in flat:
        if not is_array(p):
            raise RuntimeError(f"{api}: Expected primals to only contain Tensors, got {type(p)}")
        if not np.issubdtype(p.dtype, np.inexact):
            raise ValueError(f"Expected primal to be floating point or complex, but got: {p.dtype}")
    return flat


def _cast_tangents(flat_primals, flat_tangents, mismatch_message):
    """Checks tangent shapes and casts each tangent to its primal's dtype.

    JAX requires equal dtypes; torch keeps a float64 tangent of a float32 primal as
    float64. We cast (the primal's dtype wins), a documented difference.
    """
    out = []
    for i, (p, t) in enumerate(zip(flat_primals, flat_tangents)):
        if np.shape(t) != p.shape:
            raise RuntimeError(mismatch_message(i, p, t))
        out.append(jnp.asarray(t, dtype=p.dtype))
    return out


def jvp(func, primals, tangents, *, has_aux=False):
    """Jacobian-vector product of `func` at `primals` along `tangents` (torch.func.jvp).

    Args:
        func: a function of arrays returning arrays (or `(output, aux)` with `has_aux`).
        primals: a TUPLE of positional arguments (pytrees of float arrays).
        tangents: the same structure and shapes as `primals`. Each tangent is cast to its
            primal's dtype (torch would keep e.g. a float64 tangent of a float32 primal
            as float64; JAX needs equal dtypes).
        has_aux: whether `func` returns `(output, aux)`.

    Returns:
        `(output, jvp_out)`, or `(output, jvp_out, aux)` with `has_aux`; `jvp_out` has
        the structure of `output`.

    Raises:
        RuntimeError: torch's messages for non-tuple primals, structure or shape
            mismatches between primals and tangents, a bad `has_aux` output.
        ValueError: a non-floating primal (torch's type and message).

    Example:
        >>> jvp(jnp.sin, (jnp.zeros(2),), (jnp.ones(2),))
        (Array([0., 0.], dtype=float32), Array([1., 1.], dtype=float32))
    """
    if not isinstance(primals, tuple):
        raise RuntimeError(
            f"{_API}: Expected primals to be a tuple. E.g. it should be valid to call f(*primals)."
        )
    flat_p, p_tree = jax.tree.flatten(primals)
    flat_t, t_tree = jax.tree.flatten(tangents)
    if p_tree != t_tree:
        raise RuntimeError(
            f"{_API}: Expected primals and tangents to have the same python structure. "
            "For example, if primals is a tuple of 3 tensors, tangents also must be. "
            f"Got primals with structure {p_tree} and tangents with structure {t_tree}"
        )
    _check_primals(primals, _API)
    for t in flat_t:
        if not is_array(t):
            raise RuntimeError(f"{_API}: Expected tangents to only contain Tensors, got {type(t)}")
    flat_t = _cast_tangents(
        flat_p,
        flat_t,
        lambda i, p, t: (
            "Trying to set a forward gradient that has a different size than that of the "
            "original Tensor, this is not supported. Tensor is of size "
            f"{list(p.shape)} while the given forward gradient is of size {list(np.shape(t))}."
        ),
    )

    def fn(*args):
        out, aux = split_aux(func(*args), has_aux, _API)
        check_tensor_outputs(jax.tree.leaves(out), _API)
        return (out, aux) if has_aux else out

    return jax.jvp(fn, primals, tuple(t_tree.unflatten(flat_t)), has_aux=has_aux)


def linearize(func, *primals):
    """Returns `func(*primals)` and a function computing JVPs at `primals`.

    Mirrors `torch.func.linearize`: evaluating the linearization repeatedly is cheaper
    than calling `jvp` each time (JAX partially evaluates the forward pass once).

    Args:
        func: a function of float arrays returning arrays.
        *primals: the point to linearize at.

    Returns:
        `(output, jvp_fn)`; `jvp_fn(*tangents)` takes tangents shaped like `primals` and
        returns the JVP with the structure of `output`.

    Raises:
        RuntimeError: from `jvp_fn`, tangents whose structure or shapes differ from the
            primals' (torch's messages).
        ValueError: a non-floating primal.

    Example:
        >>> out, jvp_fn = linearize(jnp.sin, jnp.zeros(2))
        >>> jvp_fn(jnp.ones(2))
        Array([1., 1.], dtype=float32)
    """
    api = "linearize(f, *primals)"
    flat_p, p_tree = jax.tree.flatten(primals)
    _check_primals(primals, api)

    def fn(*args):
        out = func(*args)
        check_tensor_outputs(jax.tree.leaves(out), api)
        return out

    out, f_jvp = jax.linearize(fn, *primals)

    def jvp_fn(*tangents):
        flat_t, t_tree = jax.tree.flatten(tangents)
        if t_tree != p_tree:
            raise RuntimeError(
                f"Expected the tangents {t_tree} to have the same argspec as the primals {p_tree}"
            )
        flat_t = _cast_tangents(
            flat_p,
            flat_t,
            lambda i, p, t: (
                f"tangent:{i} with shape {tuple(np.shape(t))} in flattened pytree doesn't "
                f"match the shape {tuple(p.shape)} of the corresponding primal."
            ),
        )
        return f_jvp(*t_tree.unflatten(flat_t))

    return out, jvp_fn
