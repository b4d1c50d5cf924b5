"""Mirrors `torch.nn.init`: in-place initialisers (`uniform_`, `kaiming_uniform_`, ...)."""
from ._init import _calculate_correct_fan as _calculate_correct_fan
from ._init import _calculate_fan_in_and_fan_out as _calculate_fan_in_and_fan_out
from ._init import calculate_gain as calculate_gain
from ._init import constant_ as constant_
from ._init import dirac_ as dirac_
from ._init import eye_ as eye_
from ._init import kaiming_normal_ as kaiming_normal_
from ._init import kaiming_uniform_ as kaiming_uniform_
from ._init import normal_ as normal_
from ._init import ones_ as ones_
from ._init import orthogonal_ as orthogonal_
from ._init import sparse_ as sparse_
from ._init import trunc_normal_ as trunc_normal_
from ._init import uniform_ as uniform_
from ._init import xavier_normal_ as xavier_normal_
from ._init import xavier_uniform_ as xavier_uniform_
from ._init import zeros_ as zeros_

__all__ = ["_calculate_correct_fan", "_calculate_fan_in_and_fan_out", "calculate_gain", "constant_", "dirac_", "eye_", "kaiming_normal_",
           "kaiming_uniform_", "normal_", "ones_", "orthogonal_", "sparse_", "trunc_normal_",
           "uniform_", "xavier_normal_", "xavier_uniform_", "zeros_"]


def __getattr__(name):
    # a torch API compat lacks: an AttributeError naming it and what to do (compat._runtime)
    if name.startswith("__"):
        raise AttributeError(name)
    from compat._runtime import unsupported

    raise unsupported(__name__, name)
