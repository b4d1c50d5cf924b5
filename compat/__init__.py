"""compat: PyTorch's API over JAX. `import compat as torch`.

Importing compat turns on `jax_enable_x64`: torch's default integer dtype is int64 and
float64 tensors are real float64 (see compat/_dtypes.py and docs/dtypes.md). Float
defaults stay float32.
"""
import jax as _jax

_jax.config.update("jax_enable_x64", True)

from . import _dtypes  # noqa: E402
from ._dtypes import (  # noqa: E402,F401
    can_cast, dtype, finfo, get_default_dtype, iinfo, is_complex, is_floating_point, promote_types,
    result_type, set_default_dtype,
)
from ._tensor import Tensor as Tensor  # noqa: E402
from ._size import Size as Size  # noqa: E402
from ._device import device as device  # noqa: E402
from . import autograd as autograd  # noqa: E402
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled  # noqa: E402,F401
from ._ops import _methods  # noqa: E402,F401  (attaches Tensor methods)
from ._ops._common import is_tensor  # noqa: E402,F401
from ._ops._arith import *  # noqa: E402,F401,F403
from ._ops._compare import *  # noqa: E402,F401,F403
from ._ops._unary import *  # noqa: E402,F401,F403
from ._ops._reduce import *  # noqa: E402,F401,F403
from ._ops._shape import *  # noqa: E402,F401,F403
from ._ops._index import (  # noqa: E402,F401
    argwhere, gather, index_put, index_add, index_copy, index_fill, index_select, masked_fill, masked_scatter,
    masked_select, nonzero, scatter, scatter_add, scatter_reduce, take, take_along_dim, where,
)
from ._ops._sort import *  # noqa: E402,F401,F403
from ._ops._linalg import (  # noqa: E402,F401
    addbmm, addmm, addmv, baddbmm, bmm, cdist, det, dot, einsum, ger, inner, kron, logdet, matmul, mm, mv,
    norm, outer, slogdet, tensordot, vdot,
)
from ._ops._linalg import inv as inverse  # noqa: E402,F401
from ._ops._misc import clone, complex, conj, imag, polar, real, view_as_complex, view_as_real  # noqa: E402,F401
from ._creation import *  # noqa: E402,F401,F403
from ._random import (  # noqa: E402,F401
    Generator, bernoulli, default_generator, get_rng_state, initial_seed, manual_seed, multinomial, normal,
    poisson, rand, rand_like, randint, randint_like, randn, randn_like, randperm, seed, set_rng_state,
)
from ._config import *  # noqa: E402,F401,F403
from ._printing import get_printoptions, printoptions, set_printoptions  # noqa: E402,F401
from . import return_types, random, linalg, cuda, backends, accelerator  # noqa: E402,F401

for _d in _dtypes.ALL:
    globals()[_d.name if _d.name != "bool" else "bool"] = _d
for _alias, _d in _dtypes.ALIASES.items():
    globals()[_alias] = _d
del _d, _alias
from math import e, inf, nan, pi  # noqa: E402,F401  (torch.inf, torch.pi, ...)
strided = "torch.strided"  # layout token accepted by creation functions' `layout=`

# --- subpackages ---
from ._compile import compile as compile  # noqa: E402
from . import optim as optim  # noqa: E402
from . import nn as nn  # noqa: E402
from . import utils as utils  # noqa: E402
from . import vision as vision  # noqa: E402
from ._serialization import load as load, save as save  # noqa: E402
from ._runtime import (  # noqa: E402,F401
    are_deterministic_algorithms_enabled, get_num_interop_threads, get_num_threads, set_num_interop_threads,
    set_num_threads, use_deterministic_algorithms,
)


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    from ._runtime import unsupported

    raise unsupported(__name__, name)


__version__ = "2.13.0+compat"  # the torch API version compat follows (its parity reference)
