"""Per-op eager overhead and an eager MLP training step: compat vs PyTorch eager.

    python benchmarks/bench_eager_overhead.py

Times (median of 7 windows) small ops -- add, matmul, relu on a 64x128 float32 tensor,
with and without grad recording -- and one eager training step of the guide's MLP
(784-128-64-10, batch 64, SGD lr 0.01: zero_grad, forward, NLLLoss, backward, step).
"""
import statistics
import time

import numpy as np
import torch

import compat

torch.set_num_threads(2)


def median_us(fn, n, reps=7):
    for _ in range(max(20, n // 10)):
        fn()
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        out.append((time.perf_counter() - t) / n * 1e6)
    return statistics.median(out)


def ops(lib):
    rng = np.random.default_rng(0)
    a = lib.tensor(rng.standard_normal((64, 128)).astype(np.float32))
    w = lib.tensor(rng.standard_normal((128, 64)).astype(np.float32), requires_grad=True)
    wd = w.detach()
    relu = lib.nn.functional.relu
    return {
        "add (no grad)": lambda: a + a,
        "matmul (no grad)": lambda: a @ wd,
        "relu (no grad)": lambda: relu(a),
        "matmul (recording)": lambda: a @ w,
        "relu (recording)": lambda: relu(w),
    }


def mlp_step(lib):
    nn = lib.nn
    lib.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10),
                          nn.LogSoftmax(dim=1))
    opt = lib.optim.SGD(model.parameters(), lr=0.01)
    crit = nn.NLLLoss()
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((64, 784)).astype(np.float32))
    y = lib.tensor(rng.integers(0, 10, 64))

    def step():
        opt.zero_grad()
        loss = crit(model(x), y)
        loss.backward()
        opt.step()

    def synced():
        step()
        if lib is compat:
            model[0].weight._data.block_until_ready()  # jax dispatch is asynchronous

    return synced


def main():
    print(f"{'op':<22}{'torch us':>10}{'compat us':>11}{'ratio':>8}")
    t_ops, c_ops = ops(torch), ops(compat)
    for name in t_ops:
        t, c = median_us(t_ops[name], 2000), median_us(c_ops[name], 2000)
        print(f"{name:<22}{t:>10.1f}{c:>11.1f}{c / t:>8.2f}")
    t, c = median_us(mlp_step(torch), 200), median_us(mlp_step(compat), 200)
    print(f"{'MLP eager train step':<22}{t:>10.1f}{c:>11.1f}{c / t:>8.2f}")


if __name__ == "__main__":
    main()
