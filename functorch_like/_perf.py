"""CPU compile options the library chooses for its own jitted programs.

XLA:CPU (jaxlib 0.10) routes convolutions, dots and their fusions through YNNPACK by
default. For small-batch CNN training that is several times slower than XLA's other CPU
lowering: measured on a 2-core AVX-512 VM (batch 64), the MNIST CNN's conv2 forward
42 -> 14 ms and its weight gradient 60 -> 14 ms with YNNPACK off for convolutions, and the
whole training step ~1.4x faster (benchmarks/README.md has the table). So the steps built by
`functorch_like.train` are compiled, on CPU only, with the per-program option
`xla_cpu_experimental_ynn_fusion_type=LIBRARY_FUSION_TYPE_INDIVIDUAL_DOT`: YNNPACK keeps
plain matrix products (where it is as fast or faster) but no longer takes convolutions.
Where this jaxlib does not know that enum value, `""` (no YNNPACK fusions at all) is used.

This is a per-`jax.jit` compile option, never a process-wide XLA_FLAGS edit: other
programs in the process are untouched, and GPU/TPU compiles never see it. It is skipped

* when XLA_FLAGS already mentions the flag (the user's choice wins),
* when `FUNCTORCH_LIKE_CPU_TUNING=0` is set in the environment,
* when this jaxlib does not know the option (checked once by compiling a trivial program).

Results are unchanged up to float rounding (a different summation order inside the conv).

Allocator. XLA:CPU allocates each execution's temporaries as one block of tens of MB
(~60-100 MB for the MNIST CNN step). glibc serves blocks above its mmap threshold (32 MB
at most, by default) with a fresh `mmap`, so every step page-faults that memory in again
(~13k minor faults per step measured, up to a third of the step's CPU time on a VM; ~1.2k
with the thresholds below). On the first CPU compile the library therefore raises glibc's `M_MMAP_THRESHOLD` to 128 MB and
`M_TRIM_THRESHOLD` to 256 MB (`mallopt`), so those blocks are reused from the heap. This is
process-wide and costs up to ~256 MB of freed memory kept by the process; it is skipped
when `FUNCTORCH_LIKE_CPU_TUNING=0`, when the user set `MALLOC_MMAP_THRESHOLD_` or
`MALLOC_TRIM_THRESHOLD_`, and on non-glibc systems. It never changes results.
"""
import ctypes
import ctypes.util
import functools
import os
import sys

import jax
import jax.numpy as jnp

_YNN_FUSION = "xla_cpu_experimental_ynn_fusion_type"
# First supported wins: YNNPACK for dots only (convolutions go to XLA's Eigen path), else
# no YNNPACK fusion kinds at all. Both measured equal on the CNN (+-5%); dots-only keeps
# the MLP on YNNPACK's matmuls.
_TUNED_CANDIDATES = ({_YNN_FUSION: "LIBRARY_FUSION_TYPE_INDIVIDUAL_DOT"}, {_YNN_FUSION: ""})


@functools.cache
def _option_supported(name, value):
    """Whether this jaxlib's CPU compiler accepts `name=value` (compiles a trivial program)."""
    try:
        cpu = jax.devices("cpu")[0]
        probe = jax.jit(lambda x: x + 1, compiler_options={name: value})
        probe(jax.device_put(jnp.zeros((), jnp.float32), cpu)).block_until_ready()
    except Exception:  # noqa: BLE001 -- any failure means "do not use the option"
        return False
    return True


def cpu_compiler_options():
    """The XLA compile options used for the library's CPU training programs.

    Returns:
      `{'xla_cpu_experimental_ynn_fusion_type': 'LIBRARY_FUSION_TYPE_INDIVIDUAL_DOT'}` (or
      `''` as the value on jaxlibs without that enum), or `{}` when disabled (see the
      module docstring: user XLA_FLAGS mention the flag, `FUNCTORCH_LIKE_CPU_TUNING=0`, or
      an unsupporting jaxlib).

    Example:
      >>> sorted(cpu_compiler_options())
      ['xla_cpu_experimental_ynn_fusion_type']
    """
    if not _tuning_enabled():
        return {}
    if _YNN_FUSION in os.environ.get("XLA_FLAGS", ""):
        return {}
    for options in _TUNED_CANDIDATES:
        if all(_option_supported(k, v) for k, v in options.items()):
            return dict(options)
    return {}


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameter numbers
_MMAP_THRESHOLD = 128 << 20  # above XLA's per-execution temporaries for batch-64 CNNs
_TRIM_THRESHOLD = 256 << 20  # keep that much freed heap instead of returning it to the OS


def _tuning_enabled():
    return os.environ.get("FUNCTORCH_LIKE_CPU_TUNING", "1") != "0"


@functools.cache
def tune_cpu_allocator():
    """Raises glibc's mmap/trim thresholds so XLA's large temporaries are reused.

    Called automatically the first time a library program is compiled for CPU; see the
    module docstring for what it changes and when it is skipped.

    Returns:
      True if the thresholds were set, else False.

    Example:
      >>> tune_cpu_allocator() in (True, False)
      True
    """
    if not _tuning_enabled() or not sys.platform.startswith("linux"):
        return False
    if "MALLOC_MMAP_THRESHOLD_" in os.environ or "MALLOC_TRIM_THRESHOLD_" in os.environ:
        return False  # the user's glibc settings win
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        if not hasattr(libc, "mallopt") or not hasattr(libc, "gnu_get_libc_version"):
            return False  # not glibc (musl has no mallopt thresholds)
        ok = libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD) == 1
        return ok and libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD) == 1
    except OSError:
        return False


def is_cpu(x):
    """Whether `x` lives (or, when traced, will run) on a CPU device.

    Args:
      x: a jax.Array, a tracer, or anything array-like.

    Returns:
      The platform of a concrete jax.Array's device is "cpu"; for tracers and other
      values, `jax.default_backend() == "cpu"`.

    Example:
      >>> is_cpu(jnp.ones(2)) == (jax.default_backend() == "cpu")
      True
    """
    if isinstance(x, jax.Array) and not isinstance(x, jax.core.Tracer):
        return next(iter(x.devices())).platform == "cpu"
    return jax.default_backend() == "cpu"


def _platform_of(args):
    """Platform of the first committed jax.Array among `args`' leaves, else the default."""
    for leaf in jax.tree.leaves(args):
        if isinstance(leaf, jax.Array):
            return next(iter(leaf.devices())).platform
    return jax.default_backend()


def platform_jit(fun, **jit_kwargs):
    """`jax.jit(fun, **jit_kwargs)`, compiled with `cpu_compiler_options()` for CPU inputs.

    The platform is read per call from the first array argument (else the default
    backend), so the same function runs with XLA's defaults on GPU/TPU and with the
    tuned options on CPU (and the CPU allocator tuned, once); each variant is jitted
    (and cached) separately.

    Args:
      fun: the function to compile.
      **jit_kwargs: passed to `jax.jit` (donate_argnums, static_argnames, ...).

    Returns:
      A callable with `fun`'s signature.

    Example:
      >>> f = platform_jit(lambda x: x * 2)
      >>> f(jnp.ones(2)).tolist()
      [2.0, 2.0]
    """
    variants = {}

    def compiled(platform):
        if platform not in variants:
            options = {}
            if platform == "cpu":
                options = cpu_compiler_options()
                tune_cpu_allocator()
            variants[platform] = jax.jit(fun, compiler_options=options or None, **jit_kwargs)
        return variants[platform]

    @functools.wraps(fun)
    def call(*args, **kwargs):
        return compiled(_platform_of(args))(*args, **kwargs)

    call.variants = variants
    return call
