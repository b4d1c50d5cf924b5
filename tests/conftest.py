"""Suite-wide settings.

x64 is enabled for the whole run because `compat` enables it on import (int64 and float64
tensors are real 64-bit arrays there); turning it on first keeps every test in one mode
whatever the collection order. The core is tested to be dtype-preserving, so float32 inputs
stay float32. Matmuls run at 'highest' precision so parity tolerances mean what they say.
"""
import os

os.environ.setdefault("XLA_FLAGS", "")
import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_default_matmul_precision", "highest")

import torch  # noqa: E402

torch.set_num_threads(2)
