"""torch.nn.functional's ops as pure functions of jax arrays (NCHW / OIHW layouts)."""
# --- activations, linear, conv, pooling, dropout, shape ops ---
# --- normalization, embedding, recurrent, losses ---
from ._normalization import batch_norm as batch_norm
from ._normalization import group_norm as group_norm
from ._normalization import layer_norm as layer_norm

__all__ = [*globals().get("__all__", []),  # the block above may or may not define it
           "batch_norm", "group_norm", "layer_norm"]
