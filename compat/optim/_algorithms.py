"""torch.optim's optimizers: each a thin shell naming a core transformation.

Every class mirrors its torch namesake's constructor (arguments, defaults, validation
messages -- checked by the core) and differs from PyTorch only as `Optimizer` says.
"""
from functorch_like import optim as core

from ._optimizer import Optimizer

__all__ = ["SGD", "Adam", "AdamW", "Adadelta", "Adagrad", "RMSprop"]

_DROP = ("foreach", "fused", "capturable", "differentiable")


def _defaults(locals_):
    return {k: v for k, v in locals_.items() if k not in ("self", "params", "__class__") + _DROP}


class SGD(Optimizer):
    """Mirrors `torch.optim.SGD` (momentum buffer starts at the first gradient, as torch).

    Example:
        >>> opt = compat.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        super().__init__(params, _defaults(locals()))

    def _make_tx(self, g):
        return core.sgd(lr=g["lr"], momentum=g["momentum"], dampening=g["dampening"],
                        weight_decay=g["weight_decay"], nesterov=g["nesterov"], maximize=g["maximize"])

    def _hyper(self, g):
        return {"lr": g["lr"], "momentum": g["momentum"], "dampening": g["dampening"],
                "weight_decay": g["weight_decay"]}


class Adam(Optimizer):
    """Mirrors `torch.optim.Adam` (weight_decay is coupled L2, as torch).

    Example:
        >>> opt = compat.optim.Adam(model.parameters(), lr=1e-3)
    """

    _decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None):
        super().__init__(params, _defaults(locals()))

    def _make_tx(self, g):
        make = core.adamw if self._decoupled else core.adam
        return make(lr=g["lr"], betas=tuple(g["betas"]), eps=g["eps"], weight_decay=g["weight_decay"],
                    amsgrad=g["amsgrad"], maximize=g["maximize"])

    def _hyper(self, g):
        b1, b2 = g["betas"]
        return {"lr": g["lr"], "beta1": b1, "beta2": b2, "eps": g["eps"], "weight_decay": g["weight_decay"]}


class AdamW(Adam):
    """Mirrors `torch.optim.AdamW` (decoupled decay, default weight_decay 0.01)."""

    _decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        Optimizer.__init__(self, params, _defaults(locals()))


class Adadelta(Optimizer):
    """Mirrors `torch.optim.Adadelta`."""

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        super().__init__(params, _defaults(locals()))

    def _make_tx(self, g):
        return core.adadelta(lr=g["lr"], rho=g["rho"], eps=g["eps"], weight_decay=g["weight_decay"],
                             maximize=g["maximize"])

    def _hyper(self, g):
        return {"lr": g["lr"], "rho": g["rho"], "eps": g["eps"], "weight_decay": g["weight_decay"]}


class Adagrad(Optimizer):
    """Mirrors `torch.optim.Adagrad`."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        super().__init__(params, _defaults(locals()))

    def _make_tx(self, g):
        return core.adagrad(lr=g["lr"], lr_decay=g["lr_decay"], weight_decay=g["weight_decay"],
                            initial_accumulator_value=g["initial_accumulator_value"], eps=g["eps"],
                            maximize=g["maximize"])

    def _hyper(self, g):
        return {"lr": g["lr"], "lr_decay": g["lr_decay"], "weight_decay": g["weight_decay"], "eps": g["eps"],
                "initial_accumulator_value": g["initial_accumulator_value"]}


class RMSprop(Optimizer):
    """Mirrors `torch.optim.RMSprop`."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        super().__init__(params, _defaults(locals()))

    def _make_tx(self, g):
        return core.rmsprop(lr=g["lr"], alpha=g["alpha"], eps=g["eps"], weight_decay=g["weight_decay"],
                            momentum=g["momentum"], centered=g["centered"], maximize=g["maximize"])

    def _hyper(self, g):
        return {"lr": g["lr"], "alpha": g["alpha"], "eps": g["eps"], "weight_decay": g["weight_decay"],
                "momentum": g["momentum"]}
