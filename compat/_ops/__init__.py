"""Tensor ops: one pure implementation each; `_methods` attaches them to Tensor."""
