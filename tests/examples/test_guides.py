"""The guides' programs in examples/, run as `python -m compat.run examples/guide_x.py`.

Each runs in a subprocess with a small STEPS/EPOCHS override and a limited test set,
and the test checks what the program prints: exact values where they are known
(autograd: dy/dx = 2x + 3), torch's exact module repr, and for the MNIST trainings a
loss that went down and a test accuracy well above chance (10%) after a few dozen
steps.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


def _run_guide(name, tmp_path, **env):
    full_env = dict(os.environ, PYTHONPATH=str(REPO), **{k: str(v) for k, v in env.items()})
    proc = subprocess.run(
        [sys.executable, "-m", "compat.run", str(EXAMPLES / name)],
        cwd=tmp_path,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"{name} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def _accuracy(out):
    m = re.search(r"Accuracy: (\d+)/(\d+) \((\d+\.\d+)%\)|Test accuracy: (\d+\.\d+)% \((\d+)/(\d+)\)", out)
    assert m, out
    if m.group(1):
        correct, total = int(m.group(1)), int(m.group(2))
    else:
        correct, total = int(m.group(5)), int(m.group(6))
    return correct, total


def test_guide_autograd_prints_known_gradients(tmp_path):
    out = _run_guide("guide_autograd.py", tmp_path).splitlines()
    assert out == [
        "y: tensor(11., grad_fn=<AddBackward0>)",
        "dy/dx at x=2: tensor(7.)",
        "grad of sum(y): tensor([5., 7., 9.])",  # 2x + 3 at x = 1, 2, 3
        "equals 2x+3: True",
        "accumulated grad: tensor([ 7., 11., 15.])",  # 2x + 3 plus d(sum x^2)/dx = 2x
        "after zero_(): tensor([0., 0., 0.])",
        "z.requires_grad under no_grad: False",
        "d.requires_grad after detach: False",
        "x.requires_grad: True",
        "is leaf: True False",
    ]


SIMPLENET_REPR = """SimpleNet(
  (fc1): Linear(in_features=10, out_features=5, bias=True)
  (relu): ReLU()
  (fc2): Linear(in_features=5, out_features=2, bias=True)
)"""


def test_guide_simplenet_trains_saves_and_reloads(tmp_path):
    ckpt = tmp_path / "simplenet.pth"
    out = _run_guide("guide_simplenet.py", tmp_path, EPOCHS=40, CHECKPOINT=ckpt)
    assert out.startswith(SIMPLENET_REPR + "\n")
    losses = [float(v) for v in re.findall(r"Epoch \d+, Loss: (\d+\.\d+)", out)]
    assert len(losses) == 3  # epochs 1, 20, 40
    assert losses[-1] < losses[0]
    assert "loss decreased: True" in out
    assert "state_dict keys: ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']" in out
    assert "weight shapes: [(5, 10), (5,), (2, 5), (2,)]" in out
    assert out.rstrip().endswith("reloaded outputs equal: True")
    assert ckpt.read_bytes()[:2] == b"PK"  # PyTorch's zip checkpoint format


def _window_losses(out, pattern):
    return [float(v) for v in re.findall(pattern, out)]


def test_guide_mlp_learns(tmp_path):
    out = _run_guide("guide_mlp.py", tmp_path, EPOCHS=1, STEPS=60, LOG_INTERVAL=20, TEST_LIMIT=1000)
    assert "(0): Linear(in_features=784, out_features=128, bias=True)" in out
    assert "(5): LogSoftmax(dim=1)" in out
    windows = _window_losses(out, r"Epoch 1 \[\d+/938\] loss: (\d+\.\d+)")
    assert len(windows) == 3
    assert windows[-1] < windows[0]
    correct, total = _accuracy(out)
    assert total == 1000
    assert correct / total > 0.3  # chance is 0.1; observed 62% after these 60 steps


def test_guide_classifier_learns(tmp_path):
    out = _run_guide("guide_classifier.py", tmp_path, EPOCHS=1, STEPS=60, LOG_INTERVAL=20, TEST_LIMIT=1000)
    assert "(fc1): Linear(in_features=784, out_features=128, bias=True)" in out
    windows = _window_losses(out, r"Epoch 1 \[\d+/938\] loss: (\d+\.\d+)")
    assert len(windows) == 3
    assert windows[-1] < windows[0]
    correct, total = _accuracy(out)
    assert total == 1000
    assert correct / total > 0.5  # chance is 0.1; observed 86% after these 60 steps


def test_guide_mnist_cnn_learns(tmp_path):
    out = _run_guide("guide_mnist_cnn.py", tmp_path, STEPS=21, LOG_INTERVAL=10, TEST_LIMIT=1000)
    losses = _window_losses(out, r"Train Epoch: 1 \[\d+/60000 \(\d+%\)\]\tLoss: (\d+\.\d+)")
    assert len(losses) == 3  # batches 0, 10, 20
    assert losses[-1] < losses[0]
    correct, total = _accuracy(out)
    assert total == 1000
    assert correct / total > 0.4  # chance is 0.1; observed 82% after these 21 steps
