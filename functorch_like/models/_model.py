"""The `Model` pair: a pure `init` and a pure `apply`, nothing else."""
from typing import Callable, NamedTuple


class Model(NamedTuple):
    """A model as two pure functions; unpacks as `init, apply = model`.

    Attributes:
      init: `init(key, dtype=jnp.float32) -> params`, a flat dict keyed like torch's
        `state_dict` with torch's layouts, so weights move both ways.
      apply: `apply(params, x, *, train=False, key=None) -> output`; `key` feeds dropout
        when `train` is True (models without dropout ignore both).

    Example:
      >>> init, apply = simple_net
      >>> apply(init(jax.random.key(0)), jnp.ones((3, 10))).shape
      (3, 2)
    """

    init: Callable
    apply: Callable
