"""torch.nn.functional's ops as pure functions of jax arrays (NCHW / OIHW layouts)."""
# --- activations, linear, conv, pooling, dropout, shape ops ---
# --- normalization, embedding, recurrent, losses ---
