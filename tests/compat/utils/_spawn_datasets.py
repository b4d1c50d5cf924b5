"""Datasets for spawn-started DataLoader workers: a spawned child imports this module, so it
stays free of torch (importing torch in every spawned worker would dominate the test's time)."""
import compat


class UsesJax:
    """Each item is made with compat ops (a JAX computation inside the worker)."""

    def __len__(self):
        return 2

    def __getitem__(self, i):
        return compat.ones(2) * i
