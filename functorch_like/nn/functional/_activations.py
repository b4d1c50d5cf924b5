"""Elementwise activations and softmax with torch's formulas and derivatives at kinks.

Piecewise functions are written with `jnp.where(cond, a, b)` so the gradient at the kink
is the one torch defines (relu'(0) = 0, leaky_relu'(0) = negative_slope, elu'(0) = alpha),
and the unused branch is evaluated on a clamped input so its gradient never produces
0 * inf = NaN.
"""
import jax
import jax.numpy as jnp

from ._shape import _wrap_dim


def relu(input):
    """max(x, 0), as `torch.nn.functional.relu`; gradient 0 at x == 0, NaN passes through.

    Args:
      input: array.

    Returns:
      Array of the input's shape and dtype.

    Example:
      >>> relu(jnp.array([-1.0, 0.0, 2.0]))
      Array([0., 0., 2.], dtype=float32)
    """
    # `x <= 0` (not `x > 0`) so NaN takes the identity branch: torch's relu keeps NaN and its
    # backward (threshold_backward: x <= 0 ? 0 : g) passes the gradient at NaN.
    return jnp.where(input <= 0, jnp.zeros((), input.dtype), input)


def leaky_relu(input, negative_slope=0.01):
    """x if x > 0 else negative_slope * x, as `torch.nn.functional.leaky_relu`.

    The gradient at 0 is `negative_slope` (torch's backward tests `x > 0`).

    Args:
      input: floating array.
      negative_slope: slope for x <= 0.

    Returns:
      Array of the input's shape and dtype.

    Example:
      >>> leaky_relu(jnp.array([-2.0, 3.0]), 0.5)
      Array([-1.,  3.], dtype=float32)
    """
    return jnp.where(input > 0, input, input * jnp.asarray(negative_slope, input.dtype))


@jax.custom_jvp
def _expm1(x):
    return jnp.expm1(x)


@_expm1.defjvp
def _expm1_jvp(primals, tangents):
    # d/dx expm1(x) = exp(x). JAX's own rule uses expm1(x) + 1, which rounds to 0 for
    # x < ~-17 in float32; torch's elu backward uses exp(x).
    (x,), (t,) = primals, tangents
    return _expm1(x), jnp.exp(x) * t


def elu(input, alpha=1.0):
    """x if x > 0 else alpha * (exp(x) - 1), as `torch.nn.functional.elu`.

    The gradient at 0 is `alpha` and at NaN 1 (torch's backward tests `x <= 0`).

    Args:
      input: floating array.
      alpha: scale of the negative branch.

    Returns:
      Array of the input's shape and dtype.

    Example:
      >>> elu(jnp.array([0.0, 1.0]))
      Array([0., 1.], dtype=float32)
    """
    # expm1 on x clamped to <= 0 by `where` (not jnp.minimum, whose gradient at the tie x == 0
    # is halved): the unused branch never sees exp of a large x (no inf * 0 = NaN in the
    # gradient), and expm1 is accurate near 0.
    clamped = jnp.where(input <= 0, input, jnp.zeros((), input.dtype))
    negative = jnp.asarray(alpha, input.dtype) * _expm1(clamped)
    # `x <= 0` selects the exponential branch, as torch's kernel: NaN takes the identity
    # branch, so its gradient passes through like torch's.
    return jnp.where(input <= 0, negative, input)


def gelu(input, approximate="none"):
    """Gaussian error linear unit, as `torch.nn.functional.gelu`.

    Args:
      input: floating array.
      approximate: 'none' for x * Phi(x) with the exact erf, or 'tanh' for torch's
        0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))).

    Returns:
      Array of the input's shape and dtype.

    Raises:
      RuntimeError: for any other `approximate`.

    Example:
      >>> gelu(jnp.array([0.0]), approximate="tanh")
      Array([0.], dtype=float32)
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError(
            f"approximate argument must be either none or tanh. (got {approximate!r})")
    return jax.nn.gelu(input, approximate=approximate == "tanh")


def sigmoid(input):
    """1 / (1 + exp(-x)), as `torch.sigmoid`.

    Args:
      input: floating array.

    Returns:
      Array of the input's shape and dtype.

    Example:
      >>> sigmoid(jnp.array([0.0]))
      Array([0.5], dtype=float32)
    """
    return jax.nn.sigmoid(input)


def tanh(input):
    """Hyperbolic tangent, as `torch.tanh`.

    Args:
      input: floating array.

    Returns:
      Array of the input's shape and dtype.

    Example:
      >>> tanh(jnp.array([0.0]))
      Array([0.], dtype=float32)
    """
    return jnp.tanh(input)


def silu(input):
    """x * sigmoid(x), as `torch.nn.functional.silu`.

    Args:
      input: floating array.

    Returns:
      Array of the input's shape and dtype.

    Example:
      >>> silu(jnp.array([0.0]))
      Array([0.], dtype=float32)
    """
    return input * sigmoid(input)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * x)) / beta, linear above threshold, as `torch.nn.functional.softplus`.

    Where beta * x > threshold the result is x itself (gradient 1), exactly torch's rule.

    Args:
      input: floating array.
      beta: sharpness.
      threshold: beta * x above this returns x.

    Returns:
      Array of the input's shape and dtype.

    Example:
      >>> softplus(jnp.array([30.0]))
      Array([30.], dtype=float32)
    """
    scaled = input * jnp.asarray(beta, input.dtype)
    linear = scaled > threshold
    # The log branch sees min(beta * x, threshold): exp never overflows into a NaN gradient.
    safe = jnp.where(linear, jnp.asarray(threshold, input.dtype), scaled)
    return jnp.where(linear, input, jnp.log1p(jnp.exp(safe)) / jnp.asarray(beta, input.dtype))


def _softmax_args(name, input, dim, dtype):
    if dim is None:
        raise TypeError(
            f"{name}() missing required argument 'dim': torch's implicit dim choice is "
            f"deprecated and not supported; pass dim explicitly, e.g. {name}(x, dim=-1)")
    if dtype is not None:
        input = input.astype(dtype)  # torch casts before the op (e.g. float32 -> float64)
    return input, _wrap_dim(dim, input.ndim)


def softmax(input, dim=None, *, dtype=None):
    """exp(x) / sum(exp(x)) along `dim`, as `torch.nn.functional.softmax`.

    Args:
      input: floating array.
      dim: dimension to normalize over (required).
      dtype: optional dtype the input is cast to first (keyword-only: torch's third
        positional parameter is its internal `_stacklevel`).

    Returns:
      Array of the input's shape (and dtype, or `dtype`).

    Raises:
      TypeError: if `dim` is not given.
      IndexError: if `dim` is out of range.

    Example:
      >>> softmax(jnp.zeros((2, 4)), dim=1)[0]
      Array([0.25, 0.25, 0.25, 0.25], dtype=float32)
    """
    input, axis = _softmax_args("softmax", input, dim, dtype)
    if input.ndim == 0:
        return jax.nn.softmax(input.reshape(1), axis=0).reshape(())
    return jax.nn.softmax(input, axis=axis)


def log_softmax(input, dim=None, *, dtype=None):
    """x - logsumexp(x) along `dim`, as `torch.nn.functional.log_softmax`.

    Args:
      input: floating array.
      dim: dimension to normalize over (required).
      dtype: optional dtype the input is cast to first (keyword-only: torch's third
        positional parameter is its internal `_stacklevel`).

    Returns:
      Array of the input's shape (and dtype, or `dtype`).

    Raises:
      TypeError: if `dim` is not given.
      IndexError: if `dim` is out of range.

    Example:
      >>> log_softmax(jnp.zeros(2), dim=0)
      Array([-0.6931472, -0.6931472], dtype=float32)
    """
    input, axis = _softmax_args("log_softmax", input, dim, dtype)
    if input.ndim == 0:
        return jax.nn.log_softmax(input.reshape(1), axis=0).reshape(())
    return jax.nn.log_softmax(input, axis=axis)
