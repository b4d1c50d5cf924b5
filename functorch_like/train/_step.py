"""One jitted training step, and evaluation helpers, for pure (init, apply) models."""
import functools

import jax
import jax.numpy as jnp
import optax

from .._perf import platform_jit


def _check_key(has_rng, key, name):
    if has_rng and key is None:
        raise ValueError(f"{name}: built with has_rng=True, so it needs key=jax.random.key(...)")
    if not has_rng and key is not None:
        raise ValueError(f"{name}: got a key, but it was built with has_rng=False; "
                         "pass has_rng=True to make_train_step to use dropout")


def make_train_step(apply, loss_fn, optimizer, *, has_rng=False):
    """Builds `step(params, opt_state, x, *targets, key=None) -> (params, opt_state, loss)`.

    The step is ONE jitted XLA program: forward, `jax.value_and_grad` of
    `loss_fn(apply(params, x, ...), *targets)`, the optimizer's update and
    `optax.apply_updates`. `params` and `opt_state` are donated, so their buffers are
    reused for the results (do not use the arrays you passed in after the call). On CPU
    the program is compiled with the library's CPU options (see `functorch_like._perf`).

    Args:
      apply: `apply(params, x, *, train, key) -> output`, e.g. `models.mnist_cnn.apply`.
        Called as `apply(params, x, train=True, key=k)` when `has_rng`, else as
        `apply(params, x)` (so any `apply(params, x)` works, and dropout stays off).
      loss_fn: `loss_fn(output, *targets) -> scalar`, e.g. `nn.functional.nll_loss`.
      optimizer: an `optax.GradientTransformation`, e.g. `optim.adam(1e-3)`; its state
        comes from `optimizer.init(params)`.
      has_rng: the model uses randomness (dropout): the step then requires a fresh
        `key` per call (a keyword-only argument).

    Returns:
      The jitted step function.

    Raises:
      ValueError: (from the step) `has_rng=True` and no key, or a key given without
        `has_rng`.

    Example:
      >>> init, apply = models.mnist_cnn
      >>> tx = optim.adam(1e-3)
      >>> step = make_train_step(apply, nn.functional.nll_loss, tx, has_rng=True)
      >>> params = init(jax.random.key(0)); state = tx.init(params)
      >>> params, state, loss = step(params, state, images, labels, key=jax.random.key(1))
    """

    def loss_of(params, x, targets, key):
        out = apply(params, x, train=True, key=key) if has_rng else apply(params, x)
        return loss_fn(out, *targets)

    def step(params, opt_state, x, *targets, key=None):
        loss, grads = jax.value_and_grad(loss_of)(params, x, targets, key)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss

    jitted = platform_jit(step, donate_argnums=(0, 1))

    def train_step(params, opt_state, x, *targets, key=None):
        _check_key(has_rng, key, "train_step")
        return jitted(params, opt_state, x, *targets, key=key)

    train_step.__doc__ = step.__doc__
    return train_step


def make_eval_step(apply, loss_fn=None):
    """Builds a jitted `eval_step(params, x, y) -> (loss_sum, correct)` for one batch.

    `apply(params, x)` runs in eval mode (no dropout). `correct` counts rows whose argmax
    equals the label; `loss_sum` is `loss_fn(output, y)` times the batch size (so sums
    over batches divided by the dataset size give the mean, as torch's examples do with
    `reduction='sum'`), or 0 when `loss_fn` is None.

    Args:
      apply: `apply(params, x) -> (N, classes)` scores.
      loss_fn: optional mean-reduced `loss_fn(output, y) -> scalar`.

    Returns:
      The jitted function; both results are scalars (loss in the output's dtype, count
      int32).

    Example:
      >>> eval_step = make_eval_step(models.mnist_cnn.apply, nn.functional.nll_loss)
      >>> loss_sum, correct = eval_step(params, images, labels)
    """

    def eval_step(params, x, y):
        out = apply(params, x)
        correct = jnp.sum(jnp.argmax(out, axis=-1) == y, dtype=jnp.int32)
        if loss_fn is None:
            return jnp.zeros((), out.dtype), correct
        return loss_fn(out, y) * jnp.asarray(out.shape[0], out.dtype), correct

    return platform_jit(eval_step)


def accuracy(apply, params, batches):
    """Fraction of examples whose argmax prediction equals the label.

    Args:
      apply: `apply(params, x) -> (N, classes)`.
      params: the model's parameters.
      batches: iterable of `(x, y)` pairs (e.g. `data.batches((images, labels), 1000,
        shuffle=False)`).

    Returns:
      A Python float in [0, 1].

    Raises:
      ValueError: `batches` is empty.

    Example:
      >>> accuracy(models.simple_net.apply, params, [(x, y)])
      0.5
    """
    eval_step = _accuracy_step(apply)
    correct = total = 0
    for x, y in batches:
        correct += int(eval_step(params, x, y)[1])
        total += len(y)
    if total == 0:
        raise ValueError("accuracy: got no batches")
    return correct / total


@functools.lru_cache(maxsize=32)
def _accuracy_step(apply):
    """One jitted eval step per `apply`, so repeated `accuracy` calls do not recompile."""
    return make_eval_step(apply)
