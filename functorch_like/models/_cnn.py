"""PyTorch's examples/mnist `Net` as a pure (init, apply) pair.

On CPU the convolution stack runs channels-last (NHWC) between its two layout changes --
the input, and the pooled features before `flatten` -- because XLA:CPU convolves
channels-last and would otherwise transpose every activation and gradient around each
convolution (~20% of a training step's CPU time). On other backends it runs the NCHW
`nn.functional` ops, whose layouts XLA:GPU/TPU choose themselves. Both give torch's
values and gradients; the dropout masks are drawn in NCHW either way, so a key gives the
same mask on every backend.
"""
import jax
import jax.numpy as jnp

from .. import nn
from .._perf import is_cpu
from ..nn import functional as F
from ..nn.functional import _conv_cpu
from ._model import Model

# (state_dict prefix, init function, constructor args) in the module's registration order.
_LAYERS = (
    ("conv1", nn.init.conv_params, (1, 32, (3, 3))),
    ("conv2", nn.init.conv_params, (32, 64, (3, 3))),
    ("fc1", nn.init.linear_params, (9216, 128)),
    ("fc2", nn.init.linear_params, (128, 10)),
)


def _init(key, dtype=jnp.float32):
    """Parameters of examples/mnist `Net`, torch's default init and state_dict layout.

    Args:
      key: a `jax.random` key (split once per layer).
      dtype: floating dtype of every parameter.

    Returns:
      Dict: 'conv1.weight' (32, 1, 3, 3), 'conv2.weight' (64, 32, 3, 3) (OIHW),
      'fc1.weight' (128, 9216), 'fc2.weight' (10, 128) ((out, in)), and their biases.

    Example:
      >>> mnist_cnn.init(jax.random.key(0))["conv2.weight"].shape
      (64, 32, 3, 3)
    """
    params = {}
    for k, (name, make, args) in zip(jax.random.split(key, len(_LAYERS)), _LAYERS):
        for field, value in make(*args, key=k, dtype=dtype).items():
            params[f"{name}.{field}"] = value
    return params


def _apply(params, x, *, train=False, key=None):
    """Log-probabilities of `Net`: conv-relu-conv-relu-maxpool-dropout-fc-relu-dropout-fc.

    Args:
      params: from `mnist_cnn.init` (or torch's `state_dict` as arrays).
      x: array (N, 1, 28, 28), NCHW as in torch.
      train: apply dropout (p=0.25 after pooling, p=0.5 after fc1), as `model.train()`.
      key: `jax.random` key for the two dropout masks; required when `train`.

    Returns:
      Array (N, 10) of log-softmax outputs.

    Raises:
      ValueError: `train=True` without a `key`.

    Example:
      >>> p = mnist_cnn.init(jax.random.key(0))
      >>> mnist_cnn.apply(p, jnp.zeros((2, 1, 28, 28))).shape
      (2, 10)
    """
    if train and key is None:
        raise ValueError("mnist_cnn.apply(train=True) needs key=jax.random.key(...) for dropout")
    k1, k2 = jax.random.split(key) if train else (None, None)
    x = _features(params, x, channels_last=_channels_last_ok(params, x))
    x = F.dropout(x, 0.25, train, key=k1)
    x = F.flatten(x, 1)
    x = F.relu(F.linear(x, params["fc1.weight"], params["fc1.bias"]))
    x = F.dropout(x, 0.5, train, key=k2)
    x = F.linear(x, params["fc2.weight"], params["fc2.bias"])
    return F.log_softmax(x, dim=1)


def _channels_last_ok(params, x):
    """The CPU channels-last path, for the batched NCHW float input it was written for.

    Anything else (unbatched or wrongly shaped input, mixed dtypes) takes the NCHW ops,
    which raise torch's errors.
    """
    w = params["conv1.weight"]
    return (is_cpu(x) and x.ndim == 4 and w.ndim == 4 and x.shape[1] == w.shape[1]
            and x.dtype == w.dtype and min(x.shape[2:]) >= 6)


def _features(params, x, *, channels_last):
    """conv1 -> relu -> conv2 -> relu -> max_pool2d(2), NCHW in and out."""
    if channels_last:
        x = jnp.transpose(x, (0, 2, 3, 1))  # NCHW -> NHWC (free for one channel)
        x = F.relu(_conv_cpu.conv2d_nhwc(x, params["conv1.weight"], params["conv1.bias"]))
        x = F.relu(_conv_cpu.conv2d_nhwc(x, params["conv2.weight"], params["conv2.bias"]))
        return jnp.transpose(_conv_cpu.max_pool2d_2x2_nhwc(x), (0, 3, 1, 2))
    x = F.relu(F.conv2d(x, params["conv1.weight"], params["conv1.bias"]))
    x = F.relu(F.conv2d(x, params["conv2.weight"], params["conv2.bias"]))
    return F.max_pool2d(x, 2)


mnist_cnn = Model(_init, _apply)
