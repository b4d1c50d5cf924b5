"""`python -m compat.run`: torch/torchvision imports resolve to compat in a subprocess.

Also checks that the guide scripts are unmodified PyTorch: guide_autograd.py and
guide_simplenet.py print the same under `python -m compat.run` as under real torch
2.13.0 (simplenet's loss values depend on each library's random stream, so for those
lines only the format is compared).
"""
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"

RESOLVES = {
    "torch": "compat",
    "torch.nn": "compat.nn",
    "torch.nn.functional": "compat.nn.functional",
    "torch.optim": "compat.optim",
    "torch.utils.data": "compat.utils.data",
    "torchvision": "compat.vision",
    "torchvision.datasets": "compat.vision.datasets",
    "torchvision.transforms": "compat.vision.transforms",
}


def _real_torch_dir():
    import torch  # the real one, in this (test) process

    return os.path.dirname(torch.__file__) + os.sep


def _run(args, cwd, env=None, timeout=120):
    full_env = dict(os.environ, PYTHONPATH=str(REPO), **(env or {}))
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout
    )


def test_torch_and_torchvision_modules_resolve_to_compat(tmp_path):
    lines = ["import importlib, sys"]
    for name in RESOLVES:
        lines.append(f"m = importlib.import_module({name!r}); print({name!r}, m.__name__)")
    lines += [
        "import torch, torch.nn as nn, torch.nn.functional as F, torch.optim as optim",
        "from torch.utils.data import DataLoader",
        "from torchvision import datasets, transforms",
        "import compat",
        "print('same torch', torch is compat)",
        "print('DataLoader', DataLoader.__module__.split('.')[0])",
        "print('MNIST', datasets.MNIST.__module__.split('.')[0])",
        "print('Linear', nn.Linear is compat.nn.Linear)",
        "print('relu', F.relu is compat.nn.functional.relu)",
        "print('SGD', optim.SGD is compat.optim.SGD)",
        "print('tensor', type(torch.tensor([1.0])).__module__.split('.')[0])",
        f"real = {_real_torch_dir()!r}",
        "print('real torch loaded', any((getattr(m, '__file__', None) or '').startswith(real)"
        " for m in list(sys.modules.values())))",
    ]
    script = tmp_path / "probe.py"
    script.write_text("\n".join(lines) + "\n")
    proc = _run(["-m", "compat.run", str(script)], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    got = dict(line.split(" ", 1) for line in out[: len(RESOLVES)])
    assert got == RESOLVES
    assert out[len(RESOLVES):] == [
        "same torch True",
        "DataLoader compat",
        "MNIST compat",
        "Linear True",
        "relu True",
        "SGD True",
        "tensor compat",
        "real torch loaded False",
    ]


def test_script_sees_its_argv_and_dirname(tmp_path):
    script = tmp_path / "argv.py"
    (tmp_path / "helper_mod.py").write_text("VALUE = 41\n")
    script.write_text("import sys, helper_mod\nprint(sys.argv[1:], helper_mod.VALUE + 1, __name__)\n")
    proc = _run(["-m", "compat.run", str(script), "--lr", "0.1"], cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['--lr', '0.1'] 42 __main__"


@pytest.mark.parametrize("module", ["torch.distributed", "torchvision.models"])
def test_unsupported_module_fails_with_import_error_naming_it(tmp_path, module):
    script = tmp_path / "bad.py"
    script.write_text(f"import torch\nimport {module}\nprint('unreachable')\n")
    proc = _run(["-m", "compat.run", str(script)], cwd=tmp_path)
    assert proc.returncode != 0
    assert "unreachable" not in proc.stdout
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError:"), proc.stderr
    assert f"`{module}` is not supported by compat" in last


def test_unsupported_module_import_error_is_catchable(tmp_path):
    script = tmp_path / "optional.py"
    script.write_text(
        "try:\n    import torch.distributed as dist\nexcept ImportError as e:\n"
        "    print('fallback', 'torch.distributed' in str(e))\n"
    )
    proc = _run(["-m", "compat.run", str(script)], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "fallback True"


def _loss_lines_masked(text):
    # "Epoch 20, Loss: 1.2260" -> "Epoch 20, Loss: <float>": values depend on the RNG.
    return re.sub(r"(Epoch \d+, Loss: )\d+\.\d{4}\n", r"\1<float>\n", text)


@pytest.mark.parametrize("name", ["guide_autograd.py", "guide_simplenet.py"])
def test_guide_prints_the_same_under_compat_and_real_torch(tmp_path, name):
    env = {"CHECKPOINT": str(tmp_path / "ckpt.pth"), "EPOCHS": "40"}
    ours = _run(["-m", "compat.run", str(EXAMPLES / name)], cwd=tmp_path, env=env)
    assert ours.returncode == 0, ours.stderr
    theirs = _run([str(EXAMPLES / name)], cwd=tmp_path, env=env)
    assert theirs.returncode == 0, theirs.stderr
    assert "import torch" in (EXAMPLES / name).read_text() and "compat" not in "".join(
        line for line in (EXAMPLES / name).read_text().splitlines() if line.startswith(("import", "from"))
    )
    if name == "guide_simplenet.py":
        assert _loss_lines_masked(ours.stdout) == _loss_lines_masked(theirs.stdout)
        assert "<float>" in _loss_lines_masked(ours.stdout)
    else:
        assert ours.stdout == theirs.stdout
