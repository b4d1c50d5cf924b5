"""The guides' fully connected models as pure (init, apply) pairs.

Parameters are flat dicts with the keys and layouts of the equivalent torch module's
`state_dict`, initialised with torch's default `Linear` scheme (`nn.init.linear_params`).
"""
import jax
import jax.numpy as jnp

from .. import nn
from ..nn import functional as F
from ._model import Model


def _linear_stack(key, dtype, layers):
    """`{f'{name}.weight', f'{name}.bias'}` for each `(name, in, out)`, one key each."""
    params = {}
    for k, (name, n_in, n_out) in zip(jax.random.split(key, len(layers)), layers):
        for field, value in nn.init.linear_params(n_in, n_out, key=k, dtype=dtype).items():
            params[f"{name}.{field}"] = value
    return params


def _mlp_init(key, dtype=jnp.float32):
    """Parameters of `nn.Sequential(Linear(784, 128), ReLU(), Linear(128, 64), ReLU(),
    Linear(64, 10), LogSoftmax(dim=1))`: keys '0.weight', '0.bias', '2.*', '4.*'.

    Args:
      key: a `jax.random` key.
      dtype: floating dtype of every parameter.

    Returns:
      Dict of torch-layout arrays: '0.weight' (128, 784), '2.weight' (64, 128),
      '4.weight' (10, 64) and their biases.

    Example:
      >>> sorted(mlp.init(jax.random.key(0)))[:2]
      ['0.bias', '0.weight']
    """
    return _linear_stack(key, dtype, [("0", 784, 128), ("2", 128, 64), ("4", 64, 10)])


def _mlp_apply(params, x, *, train=False, key=None):
    """Log-probabilities of the Sequential MLP: (N, 784) -> (N, 10).

    Args:
      params: from `mlp.init` (or a torch `state_dict` converted to arrays).
      x: array (N, 784), already flat, as the Sequential's first Linear needs.
      train: unused (no dropout); accepted for a uniform signature.
      key: unused.

    Returns:
      Array (N, 10) of log-softmax outputs over dim 1.

    Example:
      >>> mlp.apply(mlp.init(jax.random.key(0)), jnp.ones((2, 784))).shape
      (2, 10)
    """
    del train, key
    x = F.relu(F.linear(x, params["0.weight"], params["0.bias"]))
    x = F.relu(F.linear(x, params["2.weight"], params["2.bias"]))
    return F.log_softmax(F.linear(x, params["4.weight"], params["4.bias"]), dim=1)


def _simple_classifier_init(key, dtype=jnp.float32):
    """Parameters of the guides' SimpleClassifier (fc1: Linear(784, 128), fc2: Linear(128, 10)).

    Args:
      key: a `jax.random` key.
      dtype: floating dtype of every parameter.

    Returns:
      Dict with 'fc1.weight' (128, 784), 'fc1.bias', 'fc2.weight' (10, 128), 'fc2.bias'.

    Example:
      >>> simple_classifier.init(jax.random.key(0))["fc1.weight"].shape
      (128, 784)
    """
    return _linear_stack(key, dtype, [("fc1", 784, 128), ("fc2", 128, 10)])


def _simple_classifier_apply(params, x, *, train=False, key=None):
    """Logits of SimpleClassifier: flatten all but the batch dim, fc1, relu, fc2.

    Args:
      params: from `simple_classifier.init`.
      x: array (N, ...) with 784 elements per example, e.g. (N, 1, 28, 28).
      train: unused (no dropout).
      key: unused.

    Returns:
      Array (N, 10) of unnormalised logits (pair with cross-entropy).

    Example:
      >>> p = simple_classifier.init(jax.random.key(0))
      >>> simple_classifier.apply(p, jnp.ones((2, 1, 28, 28))).shape
      (2, 10)
    """
    del train, key
    x = F.flatten(x, 1)  # torch: x.view(x.size(0), -1)
    x = F.relu(F.linear(x, params["fc1.weight"], params["fc1.bias"]))
    return F.linear(x, params["fc2.weight"], params["fc2.bias"])


def _simple_net_init(key, dtype=jnp.float32):
    """Parameters of the guides' SimpleNet (fc1: Linear(10, 5), fc2: Linear(5, 2)).

    Args:
      key: a `jax.random` key.
      dtype: floating dtype of every parameter.

    Returns:
      Dict with 'fc1.weight' (5, 10), 'fc1.bias' (5,), 'fc2.weight' (2, 5), 'fc2.bias' (2,).

    Example:
      >>> simple_net.init(jax.random.key(0))["fc2.weight"].shape
      (2, 5)
    """
    return _linear_stack(key, dtype, [("fc1", 10, 5), ("fc2", 5, 2)])


def _simple_net_apply(params, x, *, train=False, key=None):
    """SimpleNet's forward: fc2(relu(fc1(x))), (N, 10) -> (N, 2).

    Args:
      params: from `simple_net.init`.
      x: array (..., 10).
      train: unused (no dropout).
      key: unused.

    Returns:
      Array (..., 2).

    Example:
      >>> simple_net.apply(simple_net.init(jax.random.key(0)), jnp.ones((4, 10))).shape
      (4, 2)
    """
    del train, key
    x = F.relu(F.linear(x, params["fc1.weight"], params["fc1.bias"]))
    return F.linear(x, params["fc2.weight"], params["fc2.bias"])


mlp = Model(_mlp_init, _mlp_apply)
simple_classifier = Model(_simple_classifier_init, _simple_classifier_apply)
simple_net = Model(_simple_net_init, _simple_net_apply)
