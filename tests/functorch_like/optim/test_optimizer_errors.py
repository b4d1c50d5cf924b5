"""Hyperparameter validation: torch's exception types and exact messages."""
import pytest
import torch

from functorch_like import optim

P = [torch.zeros(1, requires_grad=True)]

CASES = [
    ("sgd", "SGD", dict(lr=-1.0)),
    ("sgd", "SGD", dict(lr=-1)),
    ("sgd", "SGD", dict(momentum=-0.5)),
    ("sgd", "SGD", dict(weight_decay=-0.1)),
    ("sgd", "SGD", dict(nesterov=True)),
    ("sgd", "SGD", dict(nesterov=True, momentum=0.9, dampening=0.1)),
    ("adam", "Adam", dict(lr=-1e-3)),
    ("adam", "Adam", dict(eps=-1e-8)),
    ("adam", "Adam", dict(betas=(1.0, 0.999))),
    ("adam", "Adam", dict(betas=(-0.1, 0.999))),
    ("adam", "Adam", dict(betas=(0.9, 1.5))),
    ("adam", "Adam", dict(weight_decay=-1)),
    ("adamw", "AdamW", dict(betas=(0.9, 1.0))),
    ("adamw", "AdamW", dict(lr=-0.5)),
    ("adagrad", "Adagrad", dict(lr=-1.0)),
    ("adagrad", "Adagrad", dict(lr_decay=-0.1)),
    ("adagrad", "Adagrad", dict(weight_decay=-0.1)),
    ("adagrad", "Adagrad", dict(initial_accumulator_value=-1.0)),
    ("adagrad", "Adagrad", dict(eps=-1e-10)),
    ("rmsprop", "RMSprop", dict(lr=-1.0)),
    ("rmsprop", "RMSprop", dict(eps=-1.0)),
    ("rmsprop", "RMSprop", dict(momentum=-0.9)),
    ("rmsprop", "RMSprop", dict(weight_decay=-0.1)),
    ("rmsprop", "RMSprop", dict(alpha=-0.99)),
    ("adadelta", "Adadelta", dict(lr=-1.0)),
    ("adadelta", "Adadelta", dict(rho=1.5)),
    ("adadelta", "Adadelta", dict(eps=-1e-6)),
    ("adadelta", "Adadelta", dict(weight_decay=-0.1)),
]


@pytest.mark.parametrize("ours,theirs,kw", CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_invalid_hyperparameters_raise_torchs_error(ours, theirs, kw):
    with pytest.raises(ValueError) as torch_error:
        getattr(torch.optim, theirs)(P, **kw)
    with pytest.raises(ValueError) as our_error:
        getattr(optim, ours)(**kw)
    assert str(our_error.value) == str(torch_error.value)
    assert str(our_error.value).startswith(("Invalid", "Nesterov"))


@pytest.mark.parametrize("ours,theirs,kw", [
    ("sgd", "SGD", dict(lr=0.0, momentum=0.0, weight_decay=0.0)),
    ("adam", "Adam", dict(betas=(0.0, 0.0), eps=0.0)),
    ("adadelta", "Adadelta", dict(rho=1.0)),
    ("rmsprop", "RMSprop", dict(alpha=0.0)),
])
def test_boundary_values_accepted_like_torch(ours, theirs, kw):
    getattr(torch.optim, theirs)(P, **kw)
    getattr(optim, ours)(**kw)


def test_schedules_are_not_validated_as_numbers():
    """A schedule's values are only known per step; torch cannot take one at all."""
    optim.sgd(lr=optim.exponential_lr(0.1, 0.9), momentum=optim.one_cycle_momentum(total_steps=10))
    optim.adam(betas=(optim.one_cycle_momentum(total_steps=10), 0.999))
