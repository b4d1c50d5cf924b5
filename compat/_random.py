"""Random numbers: `Generator`, the default generator, manual_seed/seed/initial_seed, RNG state,
and the sampling functions (rand, randn, randint, randperm, normal, bernoulli, multinomial,
*_like, and the in-place `uniform_`/`normal_`/... methods).

Each Generator holds a JAX threefry key (`_key`, a raw uint32[2] array). Every draw runs one
cached jitted kernel `key -> (next_key, sample)`, i.e. the key is split per draw, so a given
seed always gives the same stream. `compat.compile` can functionalise the stream by treating
`_key` as state. Streams do not match torch's Mersenne Twister bit for bit (see DESIGN.md).
"""
import contextlib
import os

import jax
import jax.numpy as jnp
import numpy as np

from . import _device, _dispatch, _dtypes
from ._tensor import Tensor

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed", "get_rng_state",
           "set_rng_state", "fork_rng", "next_key", "rand", "randn", "randint", "randperm", "normal",
           "bernoulli", "multinomial", "poisson", "rand_like", "randn_like", "randint_like"]

_DEFAULT_SEED = 67280421310721  # torch's seed for a fresh torch.Generator()
_ZERO, _ONE = np.float32(0), np.float32(1)
_U64 = (1 << 64) - 1


def _key_from_seed(seed):
    # The threefry key jax.random.PRNGKey(seed) builds: (high 32 bits, low 32 bits), for the
    # whole uint64 range torch accepts.
    return jnp.asarray(np.array([(seed >> 32) & 0xFFFFFFFF, seed & 0xFFFFFFFF], np.uint32))


def _check_seed(seed):
    seed = int(seed)
    if not -(1 << 63) <= seed <= _U64:
        raise RuntimeError("Overflow when unpacking long long")  # torch's message for out-of-range seeds
    return seed & _U64  # negative seeds wrap as torch's uint64 cast


class Generator:
    """Mirrors `torch.Generator(device='cpu')`: an independent random stream.

    Example:
        >>> g = compat.Generator().manual_seed(0)
        >>> a = compat.rand(2, generator=g)
        >>> compat.equal(a, compat.rand(2, generator=compat.Generator().manual_seed(0)))
        True

    Differences from PyTorch: the stream is JAX's threefry, not torch's Mersenne Twister, and
    `get_state()` is a 16-byte uint8 tensor (seed + key), not torch's 5056 bytes.
    """

    def __init__(self, device="cpu"):
        self.device = _device.device(device)
        self._seed = _DEFAULT_SEED
        self._key = _key_from_seed(_DEFAULT_SEED)

    def manual_seed(self, seed):
        """Seeds the stream; returns the generator."""
        self._seed = _check_seed(seed)
        self._key = _key_from_seed(self._seed)
        return self

    def seed(self):
        """Seeds from OS entropy; returns the new seed."""
        s = int.from_bytes(os.urandom(8), "little") & ((1 << 63) - 1)
        self.manual_seed(s)
        return s

    def initial_seed(self):
        """The seed the stream was last seeded with."""
        return self._seed

    def get_state(self):
        """The stream's state as a uint8 tensor (seed and current key, 16 bytes)."""
        raw = np.concatenate([np.array([self._seed], np.uint64).view(np.uint8),
                              np.asarray(self._key, np.uint32).view(np.uint8)])
        return Tensor._wrap(jnp.asarray(raw))

    def set_state(self, new_state):
        """Restores a state from `get_state()`; returns the generator."""
        raw = np.asarray(new_state._data if isinstance(new_state, Tensor) else new_state)
        if raw.dtype != np.uint8 or raw.shape != (16,):
            raise RuntimeError("RNG state must be a torch.ByteTensor of 16 bytes (from compat's get_state())")
        self._seed = int(raw[:8].view(np.uint64)[0])
        self._key = jnp.asarray(raw[8:].view(np.uint32).copy())
        return self

    def _next_key(self):
        return next_key(self)

    def clone_state(self):
        g = Generator(self.device)
        g._seed, g._key = self._seed, self._key
        return g

    def __repr__(self):
        return f"<torch._C.Generator object at {hex(id(self))}>"


default_generator = Generator()
default_generator.seed()  # torch seeds its default CPU generator nondeterministically at start-up


def manual_seed(seed):
    """Mirrors `torch.manual_seed(seed)`: seeds the default generator and returns it."""
    return default_generator.manual_seed(seed)


def seed():
    """Mirrors `torch.seed()`: reseeds the default generator from OS entropy."""
    return default_generator.seed()


def initial_seed():
    """Mirrors `torch.initial_seed()`."""
    return default_generator.initial_seed()


def get_rng_state():
    """Mirrors `torch.get_rng_state()` (the default generator's state)."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Mirrors `torch.set_rng_state(new_state)`."""
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, **_):
    """Mirrors `torch.random.fork_rng()`: restores the default stream on exit."""
    if not enabled:
        yield
        return
    state = (default_generator._seed, default_generator._key)
    try:
        yield
    finally:
        default_generator._seed, default_generator._key = state


# ----------------------------------------------------------------------------- drawing
def _k_split(key):
    k = jax.random.wrap_key_data(key, impl="threefry2x32")
    nxt, sub = jax.random.split(k)
    return jax.random.key_data(nxt), jax.random.key_data(sub)


def next_key(generator=None):
    """A fresh raw threefry key (uint32[2]) from `generator` (default: the global one).

    For code that samples with jax.random directly (e.g. compat.nn.init); advances the stream.
    """
    g = default_generator if generator is None else generator
    g._key, sub = _dispatch.call(_k_split, (), g._key)
    return sub


def _draw(kernel, generator, *args, **static):
    g = default_generator if generator is None else generator
    g._key, out = _dispatch.call(kernel, _dispatch._static_key(static), g._key, *args)
    return out


def _k_uniform(key, lo, hi, *, shape, dtype):
    k = jax.random.wrap_key_data(key, impl="threefry2x32")
    nxt, sub = jax.random.split(k)
    return jax.random.key_data(nxt), jax.random.uniform(sub, shape, dtype, lo.astype(dtype), hi.astype(dtype))


def _k_normal(key, mean, std, *, shape, dtype):
    k = jax.random.wrap_key_data(key, impl="threefry2x32")
    nxt, sub = jax.random.split(k)
    return jax.random.key_data(nxt), mean.astype(dtype) + std.astype(dtype) * jax.random.normal(sub, shape, dtype)


def _k_randint(key, lo, hi, *, shape, dtype):
    k = jax.random.wrap_key_data(key, impl="threefry2x32")
    nxt, sub = jax.random.split(k)
    if np.dtype(dtype).kind in "fb":
        r = jax.random.randint(sub, shape, lo, hi, np.int64).astype(dtype)
    else:
        r = jax.random.randint(sub, shape, lo, hi, dtype)
    return jax.random.key_data(nxt), r


def _k_randperm(key, *, n, dtype):
    k = jax.random.wrap_key_data(key, impl="threefry2x32")
    nxt, sub = jax.random.split(k)
    return jax.random.key_data(nxt), jax.random.permutation(sub, n).astype(dtype)


def _k_bernoulli(key, p, *, dtype):
    k = jax.random.wrap_key_data(key, impl="threefry2x32")
    nxt, sub = jax.random.split(k)
    u = jax.random.uniform(sub, p.shape, p.dtype if jnp.issubdtype(p.dtype, jnp.floating) else np.float32)
    return jax.random.key_data(nxt), (u < p).astype(dtype)


def _k_exponential(key, *, shape, dtype):
    k = jax.random.wrap_key_data(key, impl="threefry2x32")
    nxt, sub = jax.random.split(k)
    return jax.random.key_data(nxt), jax.random.exponential(sub, shape, dtype)


def _k_cauchy(key, *, shape, dtype):
    k = jax.random.wrap_key_data(key, impl="threefry2x32")
    nxt, sub = jax.random.split(k)
    return jax.random.key_data(nxt), jax.random.cauchy(sub, shape, dtype)


def _k_poisson(key, lam):
    k = jax.random.wrap_key_data(key, impl="threefry2x32")
    nxt, sub = jax.random.split(k)
    return jax.random.key_data(nxt), jax.random.poisson(sub, lam).astype(lam.dtype)


def _k_multinomial(key, w, *, n, replacement):
    k = jax.random.wrap_key_data(key, impl="threefry2x32")
    nxt, sub = jax.random.split(k)
    logits = jnp.log(w.astype(np.float64 if w.dtype == np.float64 else np.float32))
    if replacement:
        out = jax.random.categorical(sub, logits[..., None, :], axis=-1, shape=w.shape[:-1] + (n,))
    else:
        # Gumbel top-k: sampling without replacement proportionally to the weights.
        g = jax.random.gumbel(sub, w.shape, logits.dtype)
        out = jnp.argsort(-(logits + g), axis=-1)[..., :n]
    return jax.random.key_data(nxt), out.astype(np.int64)


def _float_dtype(dtype):
    dt = _dtypes.get_default_dtype() if dtype is None else _dtypes.to_dtype(dtype)
    if dt._kind < 2:
        raise RuntimeError(f"\"check_uniform_bounds\" not implemented for '{_dtypes.SCALAR_NAMES[dt.name]}'")
    return dt


def _finish(arr, device, requires_grad):
    from ._creation import _finish as finish

    return finish(arr, None, device, requires_grad)


def _size(size):
    from ._ops._common import size_arg

    shape = size_arg(size)
    for s in shape:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(shape)}")
    return shape


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None, **_):
    """Mirrors `torch.rand(*size, generator=None, dtype=None, device=None, requires_grad=False)`.

    Example:
        >>> compat.manual_seed(0); a = compat.rand(3)
        >>> compat.manual_seed(0); bool((a == compat.rand(3)).all())
        True
    """
    dt = _float_dtype(dtype)
    arr = _draw(_k_uniform, generator, np.zeros((), dt.np), np.ones((), dt.np), shape=_size(size), dtype=dt.np)
    return _finish(arr, device, requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None, **_):
    """Mirrors `torch.randn(*size, ...)`: standard normal samples."""
    dt = _float_dtype(dtype)
    return _finish(_draw(_k_normal, generator, _ZERO, _ONE, shape=_size(size), dtype=dt.np), device,
                   requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None, requires_grad=False,
            out=None, **_):
    """Mirrors `torch.randint(low=0, high, size, ...)`: integers in [low, high) (int64 default)."""
    if size is None:  # randint(high, size)
        if high is None:
            raise TypeError("randint() missing required argument 'size'")
        low, high, size = 0, low, high
    if high is None:
        raise TypeError("randint() missing required argument 'high'")
    low, high = int(low), int(high)
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    dt = _dtypes.int64 if dtype is None else _dtypes.to_dtype(dtype)
    arr = _draw(_k_randint, generator, np.asarray(low, np.int64), np.asarray(high, np.int64),
                shape=_size((size,)), dtype=dt.np)
    return _finish(arr, device, requires_grad)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False, out=None, **_):
    """Mirrors `torch.randperm(n)`: a random permutation of 0..n-1 (int64)."""
    n = int(n)
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got{n}")
    dt = _dtypes.int64 if dtype is None else _dtypes.to_dtype(dtype)
    return _finish(_draw(_k_randperm, generator, n=n, dtype=dt.np), device, requires_grad)


def _k_affine(mean, std, eps, *, dtype):
    # normal(mean, std) = mean + std * eps: differentiable in mean and std (reparameterised,
    # d/dstd = (out - mean) / std, as torch's normal backward).
    return mean.astype(dtype) + std.astype(dtype) * eps


def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, device=None, requires_grad=False,
           out=None, **_):
    """Mirrors `torch.normal`: (Tensor, Tensor), (Tensor, float), (float, Tensor), (float, float, size)."""
    tm, ts = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not tm and not ts:
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments - got (float, float), "
                            "but expected (float mean, float std, tuple of ints size, ...)")
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        dt = _float_dtype(dtype)
        arr = _draw(_k_normal, generator, np.asarray(mean, dt.np), np.asarray(std, dt.np), shape=_size((size,)),
                    dtype=dt.np)
        return _finish(arr, device, requires_grad)
    dt = _dtypes.result_type(*(x for x in (mean, std) if isinstance(x, Tensor)))
    shape = tuple(np.broadcast_shapes(*(x.shape for x in (mean, std) if isinstance(x, Tensor))))
    eps = _draw(_k_normal, generator, _ZERO, _ONE, shape=shape, dtype=dt.np)
    m = mean if tm else np.asarray(mean, dt.np)
    s = std if ts else np.asarray(std, dt.np)
    return _dispatch.apply(_k_affine, m, s, eps, name="NormalBackward3" if tm and ts else
                           "NormalBackward1" if tm else "NormalBackward2", dtype=dt.np)


def bernoulli(input, p=None, *, generator=None, out=None):
    """Mirrors `torch.bernoulli(input)`: 1 with probability input[i] (input's dtype)."""
    probs = input._data if p is None else jnp.full(input._data.shape, p, input._data.dtype)
    return Tensor._wrap(_draw(_k_bernoulli, generator, probs, dtype=input._data.dtype))


def poisson(input, generator=None):
    """Mirrors `torch.poisson(input)`: Poisson samples with rates `input`."""
    return Tensor._wrap(_draw(_k_poisson, generator, input._data))


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Mirrors `torch.multinomial(input, num_samples, replacement=False)` (1-D or 2-D weights)."""
    if input.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    n = int(num_samples)
    if n <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and n > input.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    return Tensor._wrap(_draw(_k_multinomial, generator, input._data, n=n, replacement=bool(replacement)))


def _like(input, dtype):
    return input.dtype if dtype is None else _dtypes.to_dtype(dtype)


def rand_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, generator=None):
    """Mirrors `torch.rand_like(input)`."""
    return rand(input.shape, generator=generator, dtype=_like(input, dtype),
                device=input.device if device is None else device, requires_grad=requires_grad)


def randn_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, generator=None):
    """Mirrors `torch.randn_like(input)`."""
    return randn(input.shape, generator=generator, dtype=_like(input, dtype),
                 device=input.device if device is None else device, requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, device=None, requires_grad=False,
                 memory_format=None, generator=None):
    """Mirrors `torch.randint_like(input, low=0, high)`."""
    if high is None:
        low, high = 0, low
    return randint(low, high, input.shape, generator=generator, dtype=_like(input, dtype),
                   device=input.device if device is None else device, requires_grad=requires_grad)


# ----------------------------------------------------------------------------- in-place methods
def _k_fill_from(a, v):
    return jnp.broadcast_to(v.astype(a.dtype), a.shape)


def _fill_from(self, arr, name):
    # Writes sampled values into self through the tape (no gradient to the old value).
    return self._set_(_dispatch.apply(_k_fill_from, self, arr, name=name, saves=False))


def uniform_(self, a=0.0, b=1.0, *, generator=None):
    """Mirrors `Tensor.uniform_(from=0, to=1)`."""
    dt = self._data.dtype
    arr = _draw(_k_uniform, generator, np.asarray(a, dt), np.asarray(b, dt), shape=self._data.shape, dtype=dt)
    return _fill_from(self, arr, "UniformBackward0")


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Mirrors `Tensor.normal_(mean=0, std=1)`."""
    dt = self._data.dtype
    arr = _draw(_k_normal, generator, np.asarray(mean, dt), np.asarray(std, dt), shape=self._data.shape, dtype=dt)
    return _fill_from(self, arr, "NormalBackward0")


def bernoulli_(self, p=0.5, *, generator=None):
    """Mirrors `Tensor.bernoulli_(p=0.5)` (p: float or tensor of probabilities)."""
    probs = p._data if isinstance(p, Tensor) else jnp.full(self._data.shape, p, np.float32)
    probs = jnp.broadcast_to(probs, self._data.shape)
    return _fill_from(self, _draw(_k_bernoulli, generator, probs, dtype=self._data.dtype), "BernoulliBackward0")


def random_(self, from_=0, to=None, *, generator=None, **kw):
    """Mirrors `Tensor.random_(from=0, to=None)`: integers in [from, to) (to=None: the dtype's range)."""
    from_ = kw.pop("from", from_)
    if to is None:  # torch's default range: the integers the dtype represents exactly
        dt = self.dtype
        to = {"float32": 2 ** 24, "float64": 2 ** 53, "float16": 2 ** 11, "bfloat16": 2 ** 8,
              "bool": 1}.get(dt.name)
        to = (int(np.iinfo(dt.np).max) if to is None else to) + 1
        to = min(to, int(np.iinfo(np.int64).max))
    arr = _draw(_k_randint, generator, np.asarray(from_, np.int64), np.asarray(to, np.int64),
                shape=self._data.shape, dtype=self._data.dtype)
    return _fill_from(self, arr, "RandomBackward0")


def exponential_(self, lambd=1.0, *, generator=None):
    """Mirrors `Tensor.exponential_(lambd=1)`."""
    dt = self._data.dtype
    e = _draw(_k_exponential, generator, shape=self._data.shape, dtype=dt)
    return _fill_from(self, e / np.asarray(lambd, dt), "ExponentialBackward0")


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Mirrors `Tensor.cauchy_(median=0, sigma=1)`."""
    dt = self._data.dtype
    c = _draw(_k_cauchy, generator, shape=self._data.shape, dtype=dt)
    return _fill_from(self, c * np.asarray(sigma, dt) + np.asarray(median, dt), "CauchyBackward0")


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Mirrors `Tensor.log_normal_(mean=1, std=2)`."""
    dt = self._data.dtype
    arr = _draw(_k_normal, generator, np.asarray(mean, dt), np.asarray(std, dt), shape=self._data.shape, dtype=dt)
    return _fill_from(self, jnp.exp(arr), "LogNormalBackward0")
