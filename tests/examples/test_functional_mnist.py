"""examples/functional_mnist.py, run briefly (STEPS=30) on the shipped MNIST.

Checks what it prints: a progress line per LOG_INTERVAL steps with a loss and a speed,
a loss that fell from ~ln(10) (an untrained 10-way classifier) to well below it, and a
test accuracy far above chance (10%) after 30 Adam steps (observed ~84%).
"""
import math
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_functional_mnist_learns(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO), STEPS="30", LOG_INTERVAL="10",
               TEST_LIMIT="2000")
    proc = subprocess.run([sys.executable, str(REPO / "examples" / "functional_mnist.py")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    lines = re.findall(r"Train Epoch: 1 \[(\d+)/60000 \(\d+%\)\]\tLoss: (\d+\.\d+)\t(.*)", out)
    assert [int(seen) for seen, _, _ in lines] == [0, 640, 1280, 1856], out  # steps 0,10,20,29
    losses = [float(loss) for _, loss, _ in lines]
    assert abs(losses[0] - math.log(10)) < 0.3, out  # untrained: near-uniform predictions
    assert losses[-1] < 0.7 * losses[0], out
    assert all(re.fullmatch(r"\d+\.\d steps/s", speed) for _, _, speed in lines[1:]), out
    m = re.search(r"Test set: Average loss: (\d+\.\d+), Accuracy: (\d+)/(\d+) \((\d+\.\d+)%\)", out)
    assert m, out
    correct, total = int(m.group(2)), int(m.group(3))
    assert total == 2000
    assert correct / total > 0.6, out
    assert float(m.group(1)) < 1.5, out
