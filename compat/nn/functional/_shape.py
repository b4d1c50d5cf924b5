"""pad: a thin shell over functorch_like.nn.functional.pad."""
import functorch_like.nn.functional as _F

from ... import _dispatch
from ._common import static

__all__ = ["pad"]

_NAMES = {"constant": "ConstantPadNdBackward0", "reflect": "ReflectionPad{}DBackward0",
          "replicate": "ReplicationPad{}DBackward0", "circular": "CopySlices"}


def pad(input, pad, mode="constant", value=None):
    """Mirrors `torch.nn.functional.pad(input, pad, mode='constant', value=None)`.

    `pad` lists (left, right) amounts from the last dimension backwards.
    """
    pad = static(pad)
    name = _NAMES.get(mode, "ConstantPadNdBackward0").format(max(len(pad) // 2, 1))
    return _dispatch.apply(_F.pad, input, name=name, pad=pad, mode=mode,
                           value=None if value is None else float(value))
