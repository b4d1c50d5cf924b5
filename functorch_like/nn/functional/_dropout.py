"""Inverted dropout with torch's scaling, driven by an explicit PRNG key."""
import jax
import jax.numpy as jnp


def dropout(input, p=0.5, training=True, *, key=None):
    """Zeroes each element with probability `p` and scales the rest, as torch's `dropout`.

    Kept elements are multiplied by `1 / (1 - p)` computed in the input's dtype, exactly
    torch's CPU kernel (`input * (bernoulli(1 - p) / (1 - p))`): for float32 kept values are
    `x * (float32(1) / float32(1 - p))` bit for bit, which can differ by one ulp from
    `x / (1 - p)`. Dropped elements are `x * 0` (NaN/inf give NaN, as in torch). The mask
    comes from `key`, so it cannot match torch's RNG stream.

    Args:
      input: floating array.
      p: drop probability in [0, 1]; p == 1 zeroes everything.
      training: when False (or p == 0) the input is returned unchanged.
      key: `jax.random` key; required when `training` and `p > 0`.

    Returns:
      Array of the input's shape and dtype.

    Raises:
      ValueError: if `p` is outside [0, 1], or a key is needed and missing.

    Example:
      >>> y = dropout(jnp.ones(4), 0.5, key=jax.random.key(0))
      >>> sorted(set(y.tolist())) in ([0.0, 2.0], [0.0], [2.0])
      True
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if key is None:
        raise ValueError(
            f"dropout(p={p}, training=True) needs a PRNG key: pass key=jax.random.key(seed) "
            "(split a fresh key per call), or training=False to disable dropout")
    if p == 1.0:
        # torch's scale is 0 when 1 - p == 0, so the output is input * 0.
        return input * jnp.zeros((), input.dtype)
    keep = jax.random.bernoulli(key, 1.0 - p, input.shape)
    # torch: noise = bernoulli(1 - p).div_(1 - p), the division done in the input's dtype;
    # output = input * noise.
    scale = jnp.ones((), input.dtype) / jnp.asarray(1.0 - p, input.dtype)
    return input * jnp.where(keep, scale, jnp.zeros((), input.dtype))
