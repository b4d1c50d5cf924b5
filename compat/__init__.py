"""compat: PyTorch's API over JAX. `import compat as torch`.

Importing compat turns on `jax_enable_x64`: torch's default integer dtype is int64 and
float64 tensors are real float64 (see compat/_dtypes.py). Float defaults stay float32.
"""
import jax as _jax

_jax.config.update("jax_enable_x64", True)

from . import _dtypes  # noqa: E402
from ._dtypes import dtype as dtype  # noqa: E402
from ._dtypes import get_default_dtype as get_default_dtype  # noqa: E402
from ._dtypes import promote_types as promote_types  # noqa: E402
from ._dtypes import set_default_dtype as set_default_dtype  # noqa: E402
from ._tensor import Tensor as Tensor  # noqa: E402
from ._size import Size as Size  # noqa: E402
from ._device import device as device  # noqa: E402
from . import autograd as autograd  # noqa: E402
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled  # noqa: E402,F401
from ._ops import _methods  # noqa: E402,F401  (attaches Tensor methods)
from ._ops._arith import add, bmm, div, matmul, mm, mul, neg, pow, sub, true_divide  # noqa: E402,F401
from ._ops._reduce import mean, sum  # noqa: E402,F401
from ._creation import as_tensor, empty, from_numpy, full, ones, tensor, zeros  # noqa: E402,F401

for _d in _dtypes.ALL:
    globals()[_d.name if _d.name != "bool" else "bool"] = _d
for _alias, _d in _dtypes.ALIASES.items():
    globals()[_alias] = _d
del _d, _alias

# --- subpackages ---
