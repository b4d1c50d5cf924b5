"""Training and evaluation steps for pure (init, apply) models."""
from ._step import accuracy as accuracy
from ._step import make_eval_step as make_eval_step
from ._step import make_train_step as make_train_step

__all__ = ["make_train_step", "make_eval_step", "accuracy"]
