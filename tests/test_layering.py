"""The layering rule, enforced: compat -> functorch_like -> jax/optax, torch in tests only.

Two independent checks, so a violation is caught whichever way it is written:
* dynamic: a fresh interpreter imports `functorch_like` and every submodule under it
  (found by walking the package, so modules added later are covered) and must end with
  neither `compat` nor `torch`/`torchvision` in `sys.modules`;
* static: no module under functorch_like/ or compat/ imports torch or torchvision
  (import statements, or importlib.import_module / __import__ with a literal name), and
  no module under functorch_like/ imports compat.
"""
import ast
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "functorch_like": {"torch", "torchvision", "compat"},
    "compat": {"torch", "torchvision"},
}

_IMPORT_ALL = """
import pkgutil, sys
import functorch_like

def fail(name):
    raise ImportError(f"could not import {name}")

names = [m.name for m in pkgutil.walk_packages(functorch_like.__path__, "functorch_like.", onerror=fail)]
for name in names:
    __import__(name)
leaked = sorted(m for m in sys.modules if m.split(".")[0] in ("compat", "torch", "torchvision"))
assert "compat" not in sys.modules and "torch" not in sys.modules, leaked
assert not leaked, leaked
print(len(names))
"""


def test_importing_every_functorch_like_module_loads_neither_compat_nor_torch():
    proc = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert int(proc.stdout.split()[-1]) >= 10  # the walk really found the submodules


def _imported_roots(tree):
    """(top-level module name, line) for every absolute import in an AST."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0], node.lineno
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
            if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                yield node.args[0].value.split(".")[0], node.lineno


def _violations(package):
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for root, line in _imported_roots(tree):
            if root in FORBIDDEN[package]:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {root}")
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_forbidden_imports_in_source(package):
    assert (ROOT / package).is_dir()
    assert _violations(package) == []


def test_static_check_catches_a_violation(tmp_path):
    sample = "import jax\nfrom torch import nn\nimport importlib\nimportlib.import_module('compat.nn')\n"
    roots = [r for r, _ in _imported_roots(ast.parse(sample))]
    assert roots == ["jax", "torch", "importlib", "compat"]
