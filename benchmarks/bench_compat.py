"""Training and eval speed of the guide's MLP and MNIST CNN, five ways, side by side.

    python benchmarks/bench_compat.py            # all rows (takes a few minutes)
    python benchmarks/bench_compat.py --models mlp --reps 5

Rows: PyTorch eager, torch.compile, hand-written JAX+optax (one jitted step),
compat eager and compat.compile. Each (framework, model) runs in its own subprocess (so
peak RSS is its own and XLA/torch threads don't interfere), on synthetic MNIST-shaped
batches of 64 (training) and 1000 (eval, no grad). Reported: the median steps/s over
`--reps` timing windows, the first step's latency (includes compilation), eval batches/s,
and the process's peak RSS. Ratios are against PyTorch eager.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

import numpy as np

BATCH, EVAL_BATCH = 64, 1000
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _data(n_batches, batch, seed=0):
    rng = np.random.default_rng(seed)
    xs = rng.standard_normal((n_batches, batch, 1, 28, 28)).astype(np.float32)
    ys = rng.integers(0, 10, (n_batches, batch)).astype(np.int64)
    return xs, ys


# ----------------------------------------------------------------------------- torch / compat
def _torch_like_models(torch):
    nn, F = torch.nn, torch.nn.functional

    def mlp():
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                             nn.Linear(64, 10), nn.LogSoftmax(dim=1))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 32, 3, 1)
            self.conv2 = nn.Conv2d(32, 64, 3, 1)
            self.dropout1 = nn.Dropout(0.25)
            self.dropout2 = nn.Dropout(0.5)
            self.fc1 = nn.Linear(9216, 128)
            self.fc2 = nn.Linear(128, 10)

        def forward(self, x):
            x = F.relu(self.conv1(x))
            x = F.relu(self.conv2(x))
            x = F.max_pool2d(x, 2)
            x = self.dropout1(x)
            x = torch.flatten(x, 1)
            x = F.relu(self.fc1(x))
            x = self.dropout2(x)
            return F.log_softmax(self.fc2(x), dim=1)

    return {"mlp": (mlp, lambda p: torch.optim.SGD(p, lr=0.01)), "cnn": (Net, lambda p: torch.optim.Adam(p, lr=1e-3))}


def _bench_torch_like(lib, model_name, compiled, reps, window):
    torch = __import__(lib)
    if lib == "torch":
        torch.set_num_threads(2)
    make_model, make_opt = _torch_like_models(torch)[model_name]
    torch.manual_seed(0)
    model = make_model()
    opt = make_opt(model.parameters())
    crit = torch.nn.NLLLoss()

    def step(x, y):
        opt.zero_grad()
        loss = crit(model(x), y)
        loss.backward()
        opt.step()
        return loss

    def evaluate(x):
        with torch.no_grad():
            return model(x).argmax(dim=1)

    if compiled:
        step = torch.compile(step)
        evaluate = torch.compile(evaluate)
    xs, ys = _data(8, BATCH)
    batches = [(torch.tensor(x), torch.tensor(y)) for x, y in zip(xs, ys)]
    ex, _ = _data(1, EVAL_BATCH, seed=1)
    ex = torch.tensor(ex[0])

    def run_steps(n):
        for i in range(n):
            loss = step(*batches[i % len(batches)])
        return float(loss.item())  # forces completion (jax is asynchronous)

    t0 = time.perf_counter()
    run_steps(1)
    if compiled and lib == "compat":
        run_steps(1)  # compat.compile's first call is eager by design; the second compiles
    first = time.perf_counter() - t0
    run_steps(3)
    rates = []
    for _ in range(reps):
        t = time.perf_counter()
        run_steps(window)
        rates.append(window / (time.perf_counter() - t))
    model.eval()
    evaluate(ex)
    evaluate(ex)
    ev = []
    for _ in range(max(3, reps)):
        t = time.perf_counter()
        np.asarray(evaluate(ex).numpy() if lib == "torch" else evaluate(ex).numpy())
        ev.append(1 / (time.perf_counter() - t))
    return dict(steps_per_s=statistics.median(rates), first_step_s=first, eval_per_s=statistics.median(ev))


# ----------------------------------------------------------------------------- hand-written JAX
def _bench_jax(model_name, reps, window):
    import jax
    import jax.numpy as jnp
    import optax
    from jax import lax

    key = jax.random.key(0)
    ks = jax.random.split(key, 8)

    def dense(k, i, o):
        b = 1 / np.sqrt(i)
        return {"w": jax.random.uniform(k, (o, i), jnp.float32, -b, b), "b": jnp.zeros((o,), jnp.float32)}

    def conv(k, i, o):
        b = 1 / np.sqrt(i * 9)
        return {"w": jax.random.uniform(k, (o, i, 3, 3), jnp.float32, -b, b), "b": jnp.zeros((o,), jnp.float32)}

    def lin(p, x):
        return x @ p["w"].T + p["b"]

    def cnv(p, x):
        y = lax.conv_general_dilated(x, p["w"], (1, 1), "VALID", dimension_numbers=("NCHW", "OIHW", "NCHW"))
        return y + p["b"][None, :, None, None]

    if model_name == "mlp":
        params = {"l0": dense(ks[0], 784, 128), "l1": dense(ks[1], 128, 64), "l2": dense(ks[2], 64, 10)}

        def apply(p, x, key, train):
            x = x.reshape(x.shape[0], -1)
            x = jax.nn.relu(lin(p["l0"], x))
            x = jax.nn.relu(lin(p["l1"], x))
            return jax.nn.log_softmax(lin(p["l2"], x), axis=1)

        tx = optax.sgd(0.01)
    else:
        params = {"c1": conv(ks[0], 1, 32), "c2": conv(ks[1], 32, 64), "f1": dense(ks[2], 9216, 128),
                  "f2": dense(ks[3], 128, 10)}

        def dropout(x, p, key):
            keep = jax.random.bernoulli(key, 1 - p, x.shape)
            return jnp.where(keep, x / (1 - p), 0)

        def apply(p, x, key, train):
            k1, k2 = jax.random.split(key) if train else (None, None)
            x = jax.nn.relu(cnv(p["c1"], x))
            x = jax.nn.relu(cnv(p["c2"], x))
            n, c, h, w = x.shape
            x = x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))
            if train:
                x = dropout(x, 0.25, k1)
            x = x.reshape(n, -1)
            x = jax.nn.relu(lin(p["f1"], x))
            if train:
                x = dropout(x, 0.5, k2)
            return jax.nn.log_softmax(lin(p["f2"], x), axis=1)

        tx = optax.adam(1e-3)

    def loss_fn(p, x, y, key):
        out = apply(p, x, key, True)
        return -jnp.mean(jnp.take_along_axis(out, y[:, None], axis=1))

    @jax.jit
    def evaluate(p, x):
        return jnp.argmax(apply(p, x, None, False), axis=1)

    @functools.partial(jax.jit, donate_argnums=(0, 1))
    def step(p, s, x, y, key):
        key, sub = jax.random.split(key)
        loss, g = jax.value_and_grad(loss_fn)(p, x, y, sub)
        upd, s = tx.update(g, s, p)
        return optax.apply_updates(p, upd), s, loss, key

    state = [params, tx.init(params), key]
    xs, ys = _data(8, BATCH)
    batches = [(jnp.asarray(x), jnp.asarray(y)) for x, y in zip(xs, ys)]

    def run_steps(n):
        loss = None
        for i in range(n):
            state[0], state[1], loss, state[2] = step(state[0], state[1], *batches[i % len(batches)], state[2])
        return float(loss)

    t0 = time.perf_counter()
    run_steps(1)
    first = time.perf_counter() - t0
    run_steps(3)
    rates = []
    for _ in range(reps):
        t = time.perf_counter()
        run_steps(window)
        rates.append(window / (time.perf_counter() - t))
    ex = jnp.asarray(_data(1, EVAL_BATCH, seed=1)[0][0])
    evaluate(state[0], ex).block_until_ready()
    ev = []
    for _ in range(max(3, reps)):
        t = time.perf_counter()
        evaluate(state[0], ex).block_until_ready()
        ev.append(1 / (time.perf_counter() - t))
    return dict(steps_per_s=statistics.median(rates), first_step_s=first, eval_per_s=statistics.median(ev))


import functools  # noqa: E402  (used by the JAX step above)

ROWS = [("torch eager", "torch", False), ("torch.compile", "torch", True), ("JAX+optax (jit)", "jax", True),
        ("compat eager", "compat", False), ("compat.compile", "compat", True)]


def _one(fw, compiled, model, reps, window):
    if fw == "jax":
        res = _bench_jax(model, reps, window)
    else:
        res = _bench_torch_like(fw, model, compiled, reps, window)
    res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(res))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default="mlp,cnn")
    ap.add_argument("--reps", type=int, default=7, help="timing windows per row (median reported)")
    ap.add_argument("--rows", default=",".join(r[0] for r in ROWS))
    ap.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        fw, compiled, model = args.one
        window = 50 if model == "mlp" else 5
        _one(fw, compiled == "1", model, args.reps, window)
        return
    wanted = set(args.rows.split(","))
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    print(f"machine: {os.cpu_count()} CPU cores, no GPU; batch {BATCH} training, {EVAL_BATCH} eval; "
          f"median of {args.reps} windows")
    for model in args.models.split(","):
        results = {}
        for label, fw, compiled in ROWS:
            if label not in wanted:
                continue
            out = subprocess.run([sys.executable, __file__, "--one", fw, "1" if compiled else "0", model,
                                  "--reps", str(args.reps)], capture_output=True, text=True, env=env)
            if out.returncode != 0:
                results[label] = {"error": (out.stderr.strip().splitlines() or ["?"])[-1]}
            else:
                results[label] = json.loads(out.stdout.strip().splitlines()[-1])
        base = results.get("torch eager", {}).get("steps_per_s")
        base_eval = results.get("torch eager", {}).get("eval_per_s")
        print(f"\n{model.upper()}: {'row':<18}{'steps/s':>9}{'x torch':>9}{'1st step s':>12}"
              f"{'eval/s':>9}{'x torch':>9}{'peak MB':>9}")
        for label, r in results.items():
            if "error" in r:
                print(f"      {label:<18} failed: {r['error']}")
                continue
            ratio = r["steps_per_s"] / base if base else float("nan")
            eratio = r["eval_per_s"] / base_eval if base_eval else float("nan")
            print(f"      {label:<18}{r['steps_per_s']:>9.1f}{ratio:>9.2f}{r['first_step_s']:>12.2f}"
                  f"{r['eval_per_s']:>9.1f}{eratio:>9.2f}{r['peak_rss_mb']:>9.0f}")


if __name__ == "__main__":
    main()
