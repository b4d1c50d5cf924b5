"""CPU compile options the library chooses for its own jitted programs.

XLA:CPU (jaxlib 0.10) routes convolutions, dots and their fusions through YNNPACK by
default. For small-batch CNN training that is several times slower than XLA's other CPU
lowering: measured on a 2-core AVX-512 machine, the MNIST CNN's conv2 forward 60-70 ms ->
11-15 ms and its weight gradient ~140 ms -> ~23 ms with YNNPACK fusions off, and the whole
training step ~2x faster (benchmarks/README.md has the table). So the steps built by
`functorch_like.train` are compiled, on CPU only, with the per-program option
`xla_cpu_experimental_ynn_fusion_type=""` (no YNNPACK fusion kinds).

This is a per-`jax.jit` compile option, never a process-wide XLA_FLAGS edit: other
programs in the process are untouched, and GPU/TPU compiles never see it. It is skipped

* when XLA_FLAGS already mentions the flag (the user's choice wins),
* when `FUNCTORCH_LIKE_CPU_TUNING=0` is set in the environment,
* when this jaxlib does not know the option (checked once by compiling a trivial program).

Results are unchanged up to float rounding (a different summation order inside the conv).
"""
import functools
import os

import jax
import jax.numpy as jnp

_YNN_FUSION = "xla_cpu_experimental_ynn_fusion_type"
_TUNED = {_YNN_FUSION: ""}  # empty list of fusion kinds: YNNPACK fusions off


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
      `{'xla_cpu_experimental_ynn_fusion_type': ''}`, or `{}` when disabled (see the module
      docstring: user XLA_FLAGS mention the flag, `FUNCTORCH_LIKE_CPU_TUNING=0`, or an
      unsupporting jaxlib).

    Example:
      >>> cpu_compiler_options() in ({}, {"xla_cpu_experimental_ynn_fusion_type": ""})
      True
    """
    if os.environ.get("FUNCTORCH_LIKE_CPU_TUNING", "1") == "0":
        return {}
    if _YNN_FUSION in os.environ.get("XLA_FLAGS", ""):
        return {}
    return dict(_TUNED) if all(_option_supported(k, v) for k, v in _TUNED.items()) else {}


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
    tuned options on CPU; each variant is jitted (and cached) separately.

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
            options = cpu_compiler_options() if platform == "cpu" else {}
            variants[platform] = jax.jit(fun, compiler_options=options or None, **jit_kwargs)
        return variants[platform]

    @functools.wraps(fun)
    def call(*args, **kwargs):
        return compiled(_platform_of(args))(*args, **kwargs)

    call.variants = variants
    return call
