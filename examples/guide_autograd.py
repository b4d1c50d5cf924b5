"""Autograd basics, as in the PyTorch beginner guide.

An unmodified PyTorch script: run it on compat with

    python -m compat.run examples/guide_autograd.py

or with real PyTorch as `python examples/guide_autograd.py`; both print the same.
"""
import torch

# A scalar: y = x^2 + 3x + 1, so dy/dx = 2x + 3 = 7 at x = 2.
x = torch.tensor(2.0, requires_grad=True)
y = x**2 + 3 * x + 1
print("y:", y)
y.backward()
print("dy/dx at x=2:", x.grad)

# A vector: the gradient of sum(y) is 2x + 3 elementwise.
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x**2 + 3 * x + 1
y.sum().backward()
print("grad of sum(y):", x.grad)
print("equals 2x+3:", torch.equal(x.grad, 2 * x.detach() + 3))

# Gradients accumulate until zeroed.
y = (x * x).sum()
y.backward()
print("accumulated grad:", x.grad)
x.grad.zero_()
print("after zero_():", x.grad)

# No graph is recorded under no_grad.
with torch.no_grad():
    z = x * 2
print("z.requires_grad under no_grad:", z.requires_grad)

# detach() gives a tensor sharing data but cut from the graph.
d = x.detach()
print("d.requires_grad after detach:", d.requires_grad)
print("x.requires_grad:", x.requires_grad)
print("is leaf:", x.is_leaf, (x * 2).is_leaf)
