"""Mirrors `torch.optim.lr_scheduler`: schedulers that write `group['lr']` each step.

Each scheduler evaluates one of the core's closed-form schedules
(`functorch_like.optim.step_lr`, ...) at its epoch counter, for each param group's
initial lr -- torch's chainable updates give the same values in ordinary use (no manual
lr edits between steps). LambdaLR and ReduceLROnPlateau are Python by nature.
"""
import math

from functorch_like import optim as core

__all__ = ["LRScheduler", "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LambdaLR",
           "LinearLR", "OneCycleLR", "ReduceLROnPlateau"]


class LRScheduler:
    """Mirrors `torch.optim.lr_scheduler.LRScheduler`: last_epoch, base_lrs, get_last_lr,
    step(), state_dict()/load_state_dict().

    Differences from PyTorch: `step(epoch)` (deprecated in torch) jumps straight to the
    closed form for that epoch.
    """

    def __init__(self, optimizer, last_epoch=-1):
        self.optimizer = optimizer
        if last_epoch == -1:
            for g in optimizer.param_groups:
                g.setdefault("initial_lr", g["lr"])
        else:
            for i, g in enumerate(optimizer.param_groups):
                if "initial_lr" not in g:
                    raise KeyError(f"param 'initial_lr' is not specified in param_groups[{i}] when resuming an optimizer")
        self.base_lrs = [g["initial_lr"] for g in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._schedules = [self._schedule(b) for b in self.base_lrs]
        self.step()

    def _schedule(self, base_lr):
        raise NotImplementedError  # every concrete scheduler below defines it

    def get_lr(self):
        return [float(s(self.last_epoch)) for s in self._schedules]

    def get_last_lr(self):
        """The lrs set by the last step()."""
        return self._last_lr

    def step(self, epoch=None):
        self.last_epoch = self.last_epoch + 1 if epoch is None else epoch
        for g, lr in zip(self.optimizer.param_groups, self.get_lr()):
            g["lr"] = lr
        self._last_lr = [g["lr"] for g in self.optimizer.param_groups]

    def state_dict(self):
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "_schedules")}

    def load_state_dict(self, state_dict):
        self.__dict__.update(state_dict)
        self._schedules = [self._schedule(b) for b in self.base_lrs]


class StepLR(LRScheduler):
    """Mirrors `torch.optim.lr_scheduler.StepLR`: lr * gamma every step_size epochs."""

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def _schedule(self, base_lr):
        return core.step_lr(base_lr, self.step_size, self.gamma)


class MultiStepLR(LRScheduler):
    """Mirrors `torch.optim.lr_scheduler.MultiStepLR`."""

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        self.milestones, self.gamma = list(milestones), gamma
        super().__init__(optimizer, last_epoch)

    def _schedule(self, base_lr):
        return core.multi_step_lr(base_lr, self.milestones, self.gamma)


class ExponentialLR(LRScheduler):
    """Mirrors `torch.optim.lr_scheduler.ExponentialLR`."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _schedule(self, base_lr):
        return core.exponential_lr(base_lr, self.gamma)


class CosineAnnealingLR(LRScheduler):
    """Mirrors `torch.optim.lr_scheduler.CosineAnnealingLR`."""

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):  # noqa: N803 -- torch's name
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def _schedule(self, base_lr):
        return core.cosine_annealing_lr(base_lr, self.T_max, self.eta_min)


class LinearLR(LRScheduler):
    """Mirrors `torch.optim.lr_scheduler.LinearLR`."""

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5, last_epoch=-1):
        if start_factor > 1.0 or start_factor <= 0:
            raise ValueError(
                "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.")
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError("Ending multiplicative factor expected to be between 0 and 1.")
        self.start_factor, self.end_factor, self.total_iters = start_factor, end_factor, total_iters
        super().__init__(optimizer, last_epoch)

    def _schedule(self, base_lr):
        return core.linear_lr(base_lr, self.start_factor, self.end_factor, self.total_iters)


class LambdaLR(LRScheduler):
    """Mirrors `torch.optim.lr_scheduler.LambdaLR`: lr = initial_lr * lr_lambda(epoch)."""

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        n = len(optimizer.param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != n:
                raise ValueError(f"Expected {n} lr_lambdas, but got {len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * n
        super().__init__(optimizer, last_epoch)

    def _schedule(self, base_lr):
        return None

    def get_lr(self):
        return [b * fn(self.last_epoch) for b, fn in zip(self.base_lrs, self.lr_lambdas)]

    def state_dict(self):
        d = super().state_dict()
        d.pop("lr_lambdas", None)
        return d


class OneCycleLR(LRScheduler):
    """Mirrors `torch.optim.lr_scheduler.OneCycleLR`, including cycle_momentum (momentum or
    beta1 cycled inversely to the lr)."""

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3,
                 anneal_strategy="cos", cycle_momentum=True, base_momentum=0.85, max_momentum=0.95,
                 div_factor=25.0, final_div_factor=1e4, three_phase=False, last_epoch=-1):
        n = len(optimizer.param_groups)
        max_lrs = list(max_lr) if isinstance(max_lr, (list, tuple)) else [max_lr] * n
        self._kw = dict(total_steps=total_steps, epochs=epochs, steps_per_epoch=steps_per_epoch,
                        pct_start=pct_start, anneal_strategy=anneal_strategy, three_phase=three_phase)
        self._lr_scheds = [core.one_cycle_lr(m, div_factor=div_factor, final_div_factor=final_div_factor, **self._kw)
                           for m in max_lrs]
        self.total_steps = total_steps if total_steps is not None else epochs * steps_per_epoch
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            g0 = optimizer.defaults
            if "momentum" not in g0 and "betas" not in g0:
                raise ValueError("optimizer must support momentum or beta1 with `cycle_momentum` option enabled")
            self._use_beta1 = "betas" in g0
            self._mom = core.one_cycle_momentum(base_momentum=base_momentum, max_momentum=max_momentum,
                                                **self._kw)
        if last_epoch == -1:
            for g, m in zip(optimizer.param_groups, max_lrs):
                g["initial_lr"] = m / div_factor
                g["max_lr"], g["min_lr"] = m, m / div_factor / final_div_factor
                if cycle_momentum:
                    g["max_momentum"], g["base_momentum"] = max_momentum, base_momentum
        super().__init__(optimizer, last_epoch)

    def _schedule(self, base_lr):
        return None

    def get_lr(self):
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(
                f"Tried to step {step} times. The specified number of total steps is {self.total_steps}")
        return [float(s(step)) for s in self._lr_scheds]

    def step(self, epoch=None):
        super().step(epoch)
        if self.cycle_momentum:
            m = float(self._mom(self.last_epoch))
            for g in self.optimizer.param_groups:
                if self._use_beta1:
                    g["betas"] = (m, *g["betas"][1:])
                else:
                    g["momentum"] = m


class ReduceLROnPlateau:
    """Mirrors `torch.optim.lr_scheduler.ReduceLROnPlateau` (mode, factor, patience,
    threshold, threshold_mode, cooldown, min_lr, eps)."""

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0, eps=1e-8):
        if factor >= 1.0:
            raise ValueError("Factor should be < 1.0.")
        if mode not in ("min", "max"):
            raise ValueError("mode " + mode + " is unknown!")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError("threshold mode " + threshold_mode + " is unknown!")
        self.optimizer = optimizer
        n = len(optimizer.param_groups)
        self.min_lrs = list(min_lr) if isinstance(min_lr, (list, tuple)) else [min_lr] * n
        self.mode, self.factor, self.patience = mode, factor, patience
        self.threshold, self.threshold_mode, self.cooldown, self.eps = threshold, threshold_mode, cooldown, eps
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0
        self._last_lr = [g["lr"] for g in optimizer.param_groups]

    def _is_better(self, a, best):
        if self.mode == "min":
            return a < best * (1 - self.threshold) if self.threshold_mode == "rel" else a < best - self.threshold
        return a > best * (1 + self.threshold) if self.threshold_mode == "rel" else a > best + self.threshold

    def step(self, metrics):
        current = float(metrics)
        self.last_epoch += 1
        if self._is_better(current, self.best):
            self.best, self.num_bad_epochs = current, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for g, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
                old = float(g["lr"])
                new = max(old * self.factor, min_lr)
                if old - new > self.eps:
                    g["lr"] = new
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [g["lr"] for g in self.optimizer.param_groups]

    def get_last_lr(self):
        return self._last_lr

    def state_dict(self):
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict):
        self.__dict__.update(state_dict)
