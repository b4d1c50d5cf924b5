"""Training and eval throughput: functorch_like's jitted step vs PyTorch eager on CPU.

Runs both libraries side by side in one process and interleaves their timing windows
(torch, ours, torch, ours, ...), so a change in machine load hits both alike. Reports the
median steps/s of each, the median of the per-round ratios, and CPU time per step. Data
are random arrays of MNIST's shapes (speed does not depend on the values). See
benchmarks/README.md.

Usage:
  python benchmarks/bench_functional.py                 # MLP + CNN train, CNN eval
  python benchmarks/bench_functional.py --models cnn --rounds 9 --window 2
  python benchmarks/bench_functional.py --xla-defaults  # also time the step compiled
                                                        # without the library's CPU options
"""
import argparse
import os
import statistics
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np
import torch
import torch.nn.functional as TF
from torch import nn as tnn

from functorch_like import models, optim
from functorch_like.train import make_eval_step, make_train_step

BATCH, EVAL_BATCH = 64, 1000


def _nll(out, y):
    return -jnp.mean(jnp.take_along_axis(out, y[:, None], axis=1))


try:  # the library's loss once it exists; the same formula otherwise
    from functorch_like.nn.functional import nll_loss as _nll  # noqa: F811
except ImportError:
    pass


class TorchCNN(tnn.Module):
    """PyTorch's examples/mnist Net."""

    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = tnn.Conv2d(1, 32, 3, 1), tnn.Conv2d(32, 64, 3, 1)
        self.dropout1, self.dropout2 = tnn.Dropout(0.25), tnn.Dropout(0.5)
        self.fc1, self.fc2 = tnn.Linear(9216, 128), tnn.Linear(128, 10)

    def forward(self, x):
        x = TF.max_pool2d(TF.relu(self.conv2(TF.relu(self.conv1(x)))), 2)
        x = TF.relu(self.fc1(torch.flatten(self.dropout1(x), 1)))
        return TF.log_softmax(self.fc2(self.dropout2(x)), dim=1)


def _torch_model(name):
    if name == "mlp":
        return tnn.Sequential(tnn.Linear(784, 128), tnn.ReLU(), tnn.Linear(128, 64), tnn.ReLU(),
                              tnn.Linear(64, 10), tnn.LogSoftmax(dim=1))
    return TorchCNN()


def _inputs(name, n, rng):
    shape = (n, 784) if name == "mlp" else (n, 1, 28, 28)
    return rng.standard_normal(shape).astype(np.float32), rng.integers(0, 10, n)


def torch_train(name, rng):
    """Returns run(n) doing n eager torch training steps, and the initial state_dict."""
    model = _torch_model(name)
    opt = (torch.optim.SGD(model.parameters(), lr=0.01) if name == "mlp"
           else torch.optim.Adam(model.parameters(), lr=1e-3))
    x, y = (torch.from_numpy(a) for a in _inputs(name, BATCH, rng))
    model.train()

    def run(n):
        for _ in range(n):
            opt.zero_grad()
            loss = TF.nll_loss(model(x), y)
            loss.backward()
            opt.step()
        loss.item()

    return run, {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}


def ours_train(name, state_dict, rng, *, xla_defaults=False):
    """Returns run(n) doing n steps of functorch_like's jitted step from `state_dict`."""
    model = models.mlp if name == "mlp" else models.mnist_cnn
    tx = optim.sgd(0.01) if name == "mlp" else optim.adam(1e-3)
    has_rng = name == "cnn"  # dropout on, as in torch's model.train()
    step = make_train_step(model.apply, _nll, tx, has_rng=has_rng)
    st = {"params": {k: jnp.asarray(v) for k, v in state_dict.items()}}
    st["opt"] = tx.init(st["params"])
    x, y = (jnp.asarray(a) for a in _inputs(name, BATCH, rng))
    keys = list(jax.random.split(jax.random.key(0), 512)) if has_rng else [None]
    counter = [0]

    def run(n):
        for _ in range(n):
            key = keys[counter[0] % len(keys)]
            counter[0] += 1
            st["params"], st["opt"], loss = step(st["params"], st["opt"], x, y, key=key)
        loss.block_until_ready()

    if xla_defaults:  # compile now, with the library's CPU options switched off
        os.environ["FUNCTORCH_LIKE_CPU_TUNING"] = "0"
        try:
            run(1)
        finally:
            del os.environ["FUNCTORCH_LIKE_CPU_TUNING"]
    return run


def torch_eval(name, state_dict, rng):
    model = _torch_model(name)
    model.load_state_dict({k: torch.from_numpy(v) for k, v in state_dict.items()})
    model.eval()
    x, y = (torch.from_numpy(a) for a in _inputs(name, EVAL_BATCH, rng))

    def run(n):
        with torch.no_grad():
            for _ in range(n):
                correct = (model(x).argmax(1) == y).sum()
        correct.item()

    return run


def ours_eval(name, state_dict, rng, *, xla_defaults=False):
    model = models.mlp if name == "mlp" else models.mnist_cnn
    eval_step = make_eval_step(model.apply)
    params = {k: jnp.asarray(v) for k, v in state_dict.items()}
    x, y = (jnp.asarray(a) for a in _inputs(name, EVAL_BATCH, rng))

    def run(n):
        for _ in range(n):
            _, correct = eval_step(params, x, y)
        correct.block_until_ready()

    if xla_defaults:
        os.environ["FUNCTORCH_LIKE_CPU_TUNING"] = "0"
        try:
            run(1)
        finally:
            del os.environ["FUNCTORCH_LIKE_CPU_TUNING"]
    return run


def _chunk(run, target=0.05):
    """Steps per timed call so one call takes ~`target` s (keeps sync/timer cost small)."""
    n, start = 1, time.perf_counter()
    run(1)
    once = max(time.perf_counter() - start, 1e-6)
    return max(1, int(target / once))


def interleave(runners, rounds, window, pause=0.2):
    """Round-robin timing windows; returns {name: ([steps/s], [CPU ms/step]) per round}.

    Each window starts after `pause` seconds idle, so the previous runner's thread pool
    (torch's OpenMP threads, XLA's Eigen pool) has stopped spinning and does not compete
    with the next one. CPU time is the whole process's (all threads): for torch it
    includes its OpenMP threads' spin-waiting, for XLA its thread pool's work.
    """
    for run in runners.values():  # compile / warm up
        run(3)
    chunks = {name: _chunk(run) for name, run in runners.items()}
    rates = {name: ([], []) for name in runners}
    for _ in range(rounds):
        for name, run in runners.items():
            time.sleep(pause)
            n, start, cpu = 0, time.perf_counter(), time.process_time()
            while True:
                run(chunks[name])
                n += chunks[name]
                elapsed = time.perf_counter() - start
                if elapsed >= window:
                    break
            rates[name][0].append(n / elapsed)
            rates[name][1].append((time.process_time() - cpu) / n * 1e3)
    return rates


def report(title, rates, unit="steps/s"):
    base = rates["torch eager"][0]
    print(f"\n{title}")
    print(f"  {'':34s} {'median ' + unit:>16s} {'min':>8s} {'max':>8s} {'x torch':>8s} "
          f"{'CPU ms/step':>12s}")
    for name, (r, cpu) in rates.items():
        ratio = statistics.median(a / b for a, b in zip(r, base))
        print(f"  {name:34s} {statistics.median(r):16.2f} {min(r):8.2f} {max(r):8.2f} "
              f"{ratio:8.2f} {statistics.median(cpu):12.2f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="mlp,cnn", help="comma list of mlp,cnn")
    parser.add_argument("--rounds", type=int, default=7, help="timing windows per runner")
    parser.add_argument("--window", type=float, default=1.0, help="seconds per window")
    parser.add_argument("--pause", type=float, default=0.2,
                        help="idle seconds before each timing window")
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    parser.add_argument("--no-eval", action="store_true", help="skip the batch-1000 eval timing")
    parser.add_argument("--xla-defaults", action="store_true",
                        help="add rows compiled without functorch_like's CPU options")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    print(f"jax {jax.__version__} ({jax.default_backend()}), torch {torch.__version__} "
          f"({torch.get_num_threads()} threads), {os.cpu_count()} CPUs, "
          f"XLA_FLAGS={os.environ.get('XLA_FLAGS', '')!r}")
    for name in args.models.split(","):
        rng = np.random.default_rng(0)
        run_torch, state_dict = torch_train(name, rng)
        runners = {"torch eager": run_torch,
                   "functorch_like jitted step": ours_train(name, state_dict, rng)}
        if args.xla_defaults:
            runners["functorch_like, XLA CPU defaults"] = ours_train(
                name, state_dict, rng, xla_defaults=True)
        opt = "SGD lr 0.01" if name == "mlp" else "Adam lr 1e-3, dropout on"
        report(f"{name.upper()} train, batch {BATCH}, {opt}",
               interleave(runners, args.rounds, args.window, args.pause))
        if not args.no_eval:
            runners = {"torch eager": torch_eval(name, state_dict, rng),
                       "functorch_like jitted eval": ours_eval(name, state_dict, rng)}
            if args.xla_defaults:
                runners["functorch_like, XLA CPU defaults"] = ours_eval(
                    name, state_dict, rng, xla_defaults=True)
            report(f"{name.upper()} eval, batch {EVAL_BATCH} (forward + argmax)",
                   interleave(runners, args.rounds, args.window, args.pause), unit="batches/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
