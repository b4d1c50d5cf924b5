"""A tiny network, a training loop and a state_dict round trip, as in the beginner guide.

An unmodified PyTorch script: run it on compat with

    python -m compat.run examples/guide_simplenet.py

or with real PyTorch as `python examples/guide_simplenet.py`. Environment overrides:
EPOCHS (default 100), CHECKPOINT (where the state_dict is saved; default a temp file).
The printed losses depend on the random numbers (which differ between the two
libraries); every other line is the same under both.
"""
import os
import tempfile

import torch
import torch.nn as nn
import torch.optim as optim


class SimpleNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 5)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(5, 2)

    def forward(self, x):
        x = self.relu(self.fc1(x))
        return self.fc2(x)


torch.manual_seed(0)
epochs = int(os.environ.get("EPOCHS", 100))

model = SimpleNet()
print(model)

# A toy regression problem on random data.
inputs = torch.randn(64, 10)
targets = torch.randn(64, 2)
criterion = nn.MSELoss()
optimizer = optim.SGD(model.parameters(), lr=0.1)

losses = []
for epoch in range(epochs):
    optimizer.zero_grad()
    outputs = model(inputs)
    loss = criterion(outputs, targets)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
    if (epoch + 1) % 20 == 0 or epoch == 0:
        print(f"Epoch {epoch + 1}, Loss: {loss.item():.4f}")
print("loss decreased:", losses[-1] < losses[0])

# Save the weights, load them into a fresh model, check it computes the same thing.
path = os.environ.get("CHECKPOINT") or os.path.join(tempfile.mkdtemp(), "simplenet.pth")
torch.save(model.state_dict(), path)
reloaded = SimpleNet()
reloaded.load_state_dict(torch.load(path))
reloaded.eval()
print("state_dict keys:", list(reloaded.state_dict().keys()))
print("weight shapes:", [tuple(v.shape) for v in reloaded.state_dict().values()])
with torch.no_grad():
    print("reloaded outputs equal:", torch.equal(model(inputs), reloaded(inputs)))
