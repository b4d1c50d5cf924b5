"""`vmap`: torch.func's vectorizing map on `jax.vmap`, with torch's in/out_dims rules.

Randomness with explicit keys
-----------------------------
torch draws random numbers from a hidden global generator, so `torch.func.vmap` needs a
`randomness` flag to say whether a random op inside the map gives every batch element
its own numbers. Here randomness only enters through PRNG keys, and the flag says what
vmap does with the keys it is given. A key is

* the keyword argument `key` (the project's convention for randomness), when it is a
  typed key (`jax.random.key`) or a raw uint32 key (`jax.random.PRNGKey`), or
* any leaf of the positional arguments that is a typed key array. (A raw uint32 key
  among the positional arguments cannot be told apart from data: it is treated as
  data, so pass typed keys, or the `key=` keyword.)

and the three modes are

* ``'error'`` (default): passing a key raises torch's RuntimeError, as torch raises when
  a random op runs in error mode.
* ``'same'``: every batch element receives the same key (the key is broadcast, never
  split), so random draws agree across the batch. A key mapped with an int in_dim
  contradicts this and raises ValueError.
* ``'different'``: an unmapped key is split into one key per batch element with
  `jax.random.split(key, batch_size)` and mapped over, so element i sees
  `split(key, batch_size)[i]`. A key already mapped with an int in_dim (a batch of
  keys) is used as given. The split happens before chunking, so the result does not
  depend on `chunk_size`.

Other differences from torch: none in values; error messages print JAX's pytree
structures where torch prints its TreeSpecs.
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np

from ._transform_checks import func_name, is_array

_RANDOMNESS = ("error", "different", "same")


def _is_typed_key(x):
    return isinstance(x, jax.Array) and jnp.issubdtype(x.dtype, jax.dtypes.prng_key)


def _is_key_kwarg(x):
    """A typed key, or a raw uint32 key (`jax.random.PRNGKey`'s format)."""
    return _is_typed_key(x) or (is_array(x) and x.dtype == np.uint32 and x.ndim == 1)


def _broadcast_prefix(prefix, tree):
    """Flattens `prefix` broadcast over `tree` (one entry per leaf of `tree`), or None.

    `None` entries in `prefix` are leaves (they mean "not mapped"), as in torch.
    """
    flat = []
    try:
        jax.tree.map(
            lambda p, sub: flat.extend([p] * len(jax.tree.leaves(sub))),
            prefix,
            tree,
            is_leaf=lambda x: x is None,
        )
    except (ValueError, TypeError):
        return None
    return flat


def _check_out_dims(out_dims, func):
    for d in jax.tree.leaves(out_dims, is_leaf=lambda x: x is None):
        if d is not None and not isinstance(d, int):
            raise ValueError(
                f"vmap({func_name(func)}, ..., out_dims={out_dims}): `out_dims` must be an int, "
                "None or a python collection of ints representing where in the outputs the "
                "vmapped dimension should appear."
            )


def _process_inputs(func, in_dims, args):
    """torch's `_process_batched_inputs`: flat args, flat non-negative in_dims, batch size."""
    name = func_name(func)
    if not isinstance(in_dims, (int, tuple)):
        raise ValueError(
            f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to be int or "
            "a (potentially nested) tuple matching the structure of inputs, got: "
            f"{type(in_dims)}."
        )
    if len(args) == 0:
        raise ValueError(
            f"vmap({name})(<inputs>): got no inputs. Maybe you forgot to add inputs, or you "
            "are trying to vmap over a function with no inputs. The latter is unsupported."
        )
    flat_args, args_tree = jax.tree.flatten(args)
    flat_dims = _broadcast_prefix(in_dims, args)
    if flat_dims is None:
        raise ValueError(
            f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with "
            f"the structure of `inputs`. in_dims has structure "
            f"{jax.tree.structure(in_dims, is_leaf=lambda x: x is None)} but inputs has "
            f"structure {args_tree}."
        )
    prefix = f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): "
    for i, (arg, d) in enumerate(zip(flat_args, flat_dims)):
        if d is None:
            continue
        if not isinstance(d, int):
            raise ValueError(
                f"{prefix}Got in_dim={d} for an input but in_dim must be either an integer "
                "dimension or None."
            )
        if not is_array(arg):
            raise ValueError(
                f"{prefix}Got in_dim={d} for an input but the input is of type {type(arg)}. "
                "We cannot vmap over non-Tensor arguments, please use None as the respective "
                "in_dim"
            )
        if not -arg.ndim <= d < arg.ndim:
            raise ValueError(
                f"{prefix}Got in_dim={d} for some input, but that input is a Tensor of "
                f"dimensionality {arg.ndim} so expected in_dim to satisfy "
                f"-{arg.ndim} <= in_dim < {arg.ndim}."
            )
        flat_dims[i] = d % arg.ndim
    sizes = [a.shape[d] for a, d in zip(flat_args, flat_dims) if d is not None]
    if len(sizes) == 0:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if any(s != sizes[0] for s in sizes):
        raise ValueError(
            "vmap: Expected all tensors to have the same size in the mapped dimension, "
            f"got sizes {sizes} for the mapped dimension"
        )
    return flat_args, args_tree, flat_dims, sizes[0]


def _apply_randomness(randomness, flat_args, flat_dims, kwargs, batch_size):
    """Applies the module docstring's key rules; returns (flat_args, flat_dims, kwargs, key)

    where `key` is the per-element keys for the `key=` keyword (mapped on axis 0) or None.
    """
    key_kw = kwargs.get("key")
    has_kw_key = key_kw is not None and _is_key_kwarg(key_kw)
    key_leaves = [i for i, a in enumerate(flat_args) if _is_typed_key(a)]
    if randomness == "error":
        if has_kw_key or key_leaves:
            raise RuntimeError(
                "vmap: called random operation while in randomness error mode. Please either "
                "use the 'same' or 'different' randomness flags on vmap or perform the "
                "randomness operation out of vmap"
            )
        return flat_args, flat_dims, kwargs, None
    if randomness == "same":
        for i in key_leaves:
            if flat_dims[i] is not None:
                raise ValueError(
                    f"vmap(randomness='same'): a PRNG key input is mapped (in_dim={flat_dims[i]}), "
                    "so each batch element would get a different key. Pass one key with "
                    "in_dim None, or use randomness='different'."
                )
        return flat_args, flat_dims, kwargs, None
    # 'different': one key per batch element, split before any chunking.
    flat_args, flat_dims = list(flat_args), list(flat_dims)
    for i in key_leaves:
        if flat_dims[i] is None:
            flat_args[i] = jax.random.split(flat_args[i], batch_size)
            flat_dims[i] = 0
    if not has_kw_key:
        return flat_args, flat_dims, kwargs, None
    kwargs = {k: v for k, v in kwargs.items() if k != "key"}
    return flat_args, flat_dims, kwargs, jax.random.split(key_kw, batch_size)


def _check_outputs(func, out, out_dims, record):
    """torch's output rules; records the flat, normalized out_dims; returns what jax maps."""
    name = func_name(func)
    flat_out, out_tree = jax.tree.flatten(out)
    if is_array(out):
        if isinstance(out_dims, tuple) and len(out_dims) == 1:
            flat_dims, wrap = list(out_dims), True
        elif isinstance(out_dims, int) or out_dims is None:
            flat_dims, wrap = [out_dims], False
        else:
            flat_dims, wrap = None, False
    else:
        flat_dims, wrap = _broadcast_prefix(out_dims, out), False
    if flat_dims is None:
        raise ValueError(
            f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is not compatible "
            "with the structure of `outputs`. out_dims has structure "
            f"{jax.tree.structure(out_dims, is_leaf=lambda x: x is None)} but outputs has "
            f"structure {out_tree}."
        )
    normalized = []
    for leaf, d in zip(flat_out, flat_dims):
        if d is None:
            normalized.append(None)
            continue
        if not is_array(leaf):
            raise ValueError(
                f"vmap({name}, ...): `{name}` must only return Tensors, got type {type(leaf)}. "
                "Did you mean to set out_dims= to None for output?"
            )
        rank = leaf.ndim + 1  # the output gains the mapped dimension
        if not -rank <= d < rank:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-rank}, {rank - 1}], "
                f"but got {d})"
            )
        normalized.append(d % rank)
    record[:] = [out_tree, normalized, wrap]
    return (out,) if wrap else out


def _flat_vmap(func, out_dims, flat_args, args_tree, flat_dims, kwargs, key, record):
    """One `jax.vmap` over the mapped leaves; returns the output (wrapped if `record[2]`)."""
    mapped = [i for i, d in enumerate(flat_dims) if d is not None]

    def core(mapped_leaves, mapped_key):
        leaves = list(flat_args)
        for i, leaf in zip(mapped, mapped_leaves):
            leaves[i] = leaf
        kw = dict(kwargs, key=mapped_key) if key is not None else kwargs
        out = func(*args_tree.unflatten(leaves), **kw)
        return (_check_outputs(func, out, out_dims, record),)

    in_axes = ([flat_dims[i] for i in mapped], 0 if key is not None else None)
    try:
        (out,) = jax.vmap(core, in_axes=in_axes, out_axes=(out_dims,))(
            [flat_args[i] for i in mapped], key
        )
    except ValueError as e:
        if "but output was batched" not in str(e):
            raise
        name = func_name(func)
        raise ValueError(
            f"vmap({name}, ...): `{name}` can not return a BatchedTensor when out_dim is None"
        ) from None
    return out


def _chunked_vmap(func, out_dims, flat_args, args_tree, flat_dims, kwargs, key, batch_size,
                  chunk_size, record):
    """Maps `chunk_size` elements at a time with `jax.lax.map` and concatenates.

    Mapped inputs are moved to axis 0 and cut into `batch_size // chunk_size` full chunks
    (one scan, so memory holds one chunk's activations even under jit) plus a remainder.
    """
    flat_args = [jnp.moveaxis(a, d, 0) if d is not None else a for a, d in zip(flat_args, flat_dims)]
    flat_dims = [0 if d is not None else None for d in flat_dims]
    n_full, rem = divmod(batch_size, chunk_size)
    split = n_full * chunk_size

    def run(args, k):
        return _flat_vmap(func, out_dims, args, args_tree, flat_dims, kwargs, k, record)

    def take(lo, hi):
        args = [a[lo:hi] if d is not None else a for a, d in zip(flat_args, flat_dims)]
        return args, None if key is None else key[lo:hi]

    def chunks(x):
        return x[:split].reshape((n_full, chunk_size) + x.shape[1:])

    mapped = [i for i, d in enumerate(flat_dims) if d is not None]

    def body(xs):
        chunk_leaves, chunk_key = xs
        args = list(flat_args)
        for i, leaf in zip(mapped, chunk_leaves):
            args[i] = leaf
        return run(args, chunk_key)

    full = jax.lax.map(
        body, ([chunks(flat_args[i]) for i in mapped], None if key is None else chunks(key))
    )
    out_tree, dims, wrap = record
    full_leaves = jax.tree.leaves(full)
    merged = []
    for y, d in zip(full_leaves, dims):
        if d is None:
            merged.append(y[0])  # unmapped outputs agree across chunks; torch can't cat them
            continue
        y = jnp.moveaxis(y, 0, d)  # (…, n_full, chunk, …) -> one mapped axis at d
        merged.append(y.reshape(y.shape[:d] + (split,) + y.shape[d + 2:]))
    if rem:
        tail = jax.tree.leaves(run(*take(split, batch_size)))
        merged = [
            m if d is None else jnp.concatenate([m, t], axis=d)
            for m, t, d in zip(merged, tail, dims)
        ]
    del wrap  # merged leaves rebuild the user's output itself, never the 1-tuple wrapper
    return out_tree.unflatten(merged)


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """Vectorizes `func` over a dimension of its inputs (torch.func.vmap).

    Args:
        func: a function of arrays / pytrees of arrays returning arrays. Keyword
            arguments are passed unmapped to every call, as in torch.
        in_dims: an int (the mapped dimension of every array input), or a tuple (nested
            as the inputs, a prefix of their structure) of ints / None; None leaves an
            input unmapped. Negative dims count from the end.
        out_dims: an int, None, or a pytree of ints / None (a prefix of the output
            structure): where the mapped dimension goes in each output.
        randomness: 'error', 'same' or 'different': what happens to PRNG keys among the
            inputs (see this module's docstring: 'different' splits a key per element,
            'same' broadcasts it, 'error' refuses keys).
        chunk_size: None (map everything at once) or a positive int: map that many
            elements at a time and concatenate, to bound memory.

    Returns:
        A function with `func`'s signature returning the mapped outputs.

    Raises:
        RuntimeError: an unknown `randomness`; a key input in 'error' mode (torch's
            messages).
        ValueError: `chunk_size <= 0`; (when called) in_dims/out_dims that don't match
            the inputs/outputs, inconsistent mapped sizes, mapping a non-array, no
            inputs, a mapped output with out_dim None (torch's messages).
        IndexError: an out_dim outside the output's dimensions.

    Example:
        >>> batched_dot = vmap(jnp.dot)
        >>> batched_dot(jnp.ones((4, 3)), jnp.ones((4, 3))).shape
        (4,)
    """
    if randomness not in _RANDOMNESS:
        raise RuntimeError(
            "Only allowed values for randomness are 'error', 'different', or 'same'. "
            f"Got {randomness}"
        )
    if not (chunk_size is None or chunk_size > 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        _check_out_dims(out_dims, func)
        flat_args, args_tree, flat_dims, batch_size = _process_inputs(func, in_dims, args)
        flat_args, flat_dims, kwargs, key = _apply_randomness(
            randomness, flat_args, flat_dims, kwargs, batch_size
        )
        record = []
        if chunk_size is not None and chunk_size < batch_size:
            return _chunked_vmap(func, out_dims, flat_args, args_tree, flat_dims, kwargs, key,
                                 batch_size, chunk_size, record)
        out = _flat_vmap(func, out_dims, flat_args, args_tree, flat_dims, kwargs, key, record)
        return out[0] if record[2] else out

    return wrapped
