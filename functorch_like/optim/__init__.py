"""torch.optim's algorithms as optax GradientTransformations, and torch's lr schedules.

Each optimizer has torch's name (lowercase), arguments and defaults, and returns an
optax transformation whose numeric hyperparameters live in the state
(``opt_state.hyperparams``), so they can change between steps without recompiling
(:func:`set_hyperparams`) or be schedules. ``update`` needs the params::

    tx = sgd(lr=0.1, momentum=0.9)
    state = tx.init(params)
    updates, state = tx.update(grads, state, params)
    params = optax.apply_updates(params, updates)

:func:`torch_state` / :func:`load_torch_state` read and write torch's per-parameter
state entries ('exp_avg', 'momentum_buffer', 'step', ...).
"""
from ._adadelta import adadelta as adadelta
from ._adagrad import AdagradState as AdagradState
from ._adagrad import adagrad as adagrad
from ._adagrad import scale_by_torch_adagrad as scale_by_torch_adagrad
from ._adam import AdamState as AdamState
from ._adam import adam as adam
from ._adam import adamw as adamw
from ._adam import scale_by_torch_adam as scale_by_torch_adam
from ._rmsprop import rmsprop as rmsprop
from ._schedules import cosine_annealing_lr as cosine_annealing_lr
from ._schedules import exponential_lr as exponential_lr
from ._schedules import linear_lr as linear_lr
from ._schedules import multi_step_lr as multi_step_lr
from ._schedules import one_cycle_lr as one_cycle_lr
from ._schedules import one_cycle_momentum as one_cycle_momentum
from ._schedules import per_epoch as per_epoch
from ._schedules import step_lr as step_lr
from ._sgd import SGDMomentumState as SGDMomentumState
from ._sgd import sgd as sgd
from ._sgd import sgd_momentum as sgd_momentum
from ._transforms import load_torch_state as load_torch_state
from ._transforms import set_hyperparams as set_hyperparams
from ._transforms import torch_state as torch_state

__all__ = [
    "AdagradState",
    "AdamState",
    "SGDMomentumState",
    "adadelta",
    "adagrad",
    "adam",
    "adamw",
    "cosine_annealing_lr",
    "exponential_lr",
    "linear_lr",
    "load_torch_state",
    "multi_step_lr",
    "one_cycle_lr",
    "one_cycle_momentum",
    "per_epoch",
    "rmsprop",
    "scale_by_torch_adagrad",
    "scale_by_torch_adam",
    "set_hyperparams",
    "sgd",
    "sgd_momentum",
    "step_lr",
    "torch_state",
]
