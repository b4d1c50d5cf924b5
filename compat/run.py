"""`python -m compat.run [--compile] script.py [args]`: run an unmodified PyTorch script on compat.

For this process only, `import torch` / `torch.nn` / `torch.nn.functional` / `torch.optim` /
`torch.utils.data` / `torchvision` / `torchvision.datasets` / `torchvision.transforms`
resolve to compat's modules (`torch.X` -> `compat.X`, `torchvision.X` -> `compat.vision.X`).
A torch module compat does not provide fails at import with an ImportError naming it.

`--compile` (or COMPAT_COMPILE=1) runs every top-level Module call as one compiled XLA
program (forward, and its VJP as one backward kernel): see `compat._compile_module`.
"""
import importlib
import importlib.abc
import importlib.util
import os
import runpy
import sys

__all__ = ["install", "main"]

_ROOTS = {"torch": "compat", "torchvision": "compat.vision"}


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Resolves torch/torchvision module names to compat's modules."""

    def find_spec(self, fullname, path=None, target=None):
        root = fullname.split(".")[0]
        if root not in _ROOTS:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        name = spec.name
        root, _, rest = name.partition(".")
        target = _ROOTS[root] + ("." + rest if rest else "")
        try:
            return importlib.import_module(target)
        except ModuleNotFoundError as e:
            if e.name and (e.name == target or target.startswith(e.name + ".")):
                raise ImportError(
                    f"compat.run: `{name}` is not supported by compat yet (no module {target}). "
                    "Remove that import or run the script with real PyTorch."
                ) from None
            raise

    def exec_module(self, module):
        pass  # already executed by import_module


def enable_auto_compile():
    """Routes every top-level Module call through `compat.compile(module)`.

    Submodule calls made inside a compiled forward run inside its trace; only the
    outermost call of a model (as the training loop makes it) becomes one XLA program.
    """
    import threading

    from .nn import Module

    if getattr(Module, "_compat_auto_compile", False):
        return
    from ._compile_module import OptimizedModule

    orig_call = Module.__call__
    depth = threading.local()

    def __call__(self, *args, **kwargs):
        if getattr(depth, "n", 0):
            return orig_call(self, *args, **kwargs)
        compiled = self.__dict__.get("_compat_compiled")
        if compiled is None:
            compiled = OptimizedModule(self)
            object.__setattr__(self, "_compat_compiled", compiled)
        depth.n = 1
        try:
            return compiled(*args, **kwargs)
        finally:
            depth.n = 0

    Module.__call__ = __call__
    Module._compat_auto_compile = True


def install():
    """Makes `import torch`/`import torchvision` resolve to compat in this process."""
    if not any(isinstance(f, _Alias) for f in sys.meta_path):
        sys.meta_path.insert(0, _Alias())
    for name in list(sys.modules):
        if name.split(".")[0] in _ROOTS and not getattr(sys.modules[name], "__name__", "").startswith("compat"):
            del sys.modules[name]


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "--compile":
        argv.pop(0)
        os.environ["COMPAT_COMPILE"] = "1"
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    install()
    if os.environ.get("COMPAT_COMPILE") == "1":
        enable_auto_compile()
    script = argv[0]
    sys.argv = argv
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
