"""A multilayer perceptron on MNIST, as in the PyTorch beginner guide.

An unmodified PyTorch script (torch + torchvision): run it on compat with

    python -m compat.run examples/guide_mlp.py

Environment overrides (for quick runs and tests): EPOCHS (default 5), STEPS (training
batches per epoch; default all 938), TEST_LIMIT (test images evaluated; default all
10000), LOG_INTERVAL (batches between progress lines; default 200).
"""
import os

import torch
import torch.nn as nn
import torch.optim as optim
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

epochs = int(os.environ.get("EPOCHS", 5))
max_steps = int(os.environ.get("STEPS", 0)) or None
test_limit = int(os.environ.get("TEST_LIMIT", 0)) or None
log_interval = int(os.environ.get("LOG_INTERVAL", 200))
data_root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")

torch.manual_seed(0)
transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
train_set = datasets.MNIST(data_root, train=True, download=False, transform=transform)
test_set = datasets.MNIST(data_root, train=False, download=False, transform=transform)
train_loader = DataLoader(train_set, batch_size=64, shuffle=True)
test_loader = DataLoader(test_set, batch_size=1000, shuffle=False)

model = nn.Sequential(
    nn.Linear(784, 128),
    nn.ReLU(),
    nn.Linear(128, 64),
    nn.ReLU(),
    nn.Linear(64, 10),
    nn.LogSoftmax(dim=1),
)
print(model)
criterion = nn.NLLLoss()
optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

for epoch in range(1, epochs + 1):
    model.train()
    running_loss, window_loss, seen = 0.0, 0.0, 0
    for batch_idx, (images, labels) in enumerate(train_loader):
        if max_steps is not None and batch_idx >= max_steps:
            break
        images = images.view(images.shape[0], -1)  # flatten 1x28x28 to 784
        optimizer.zero_grad()
        output = model(images)
        loss = criterion(output, labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
        window_loss += loss.item()
        seen += 1
        if seen % log_interval == 0:
            print(f"Epoch {epoch} [{seen}/{len(train_loader)}] loss: {window_loss / log_interval:.4f}")
            window_loss = 0.0
    print(f"Epoch {epoch}/{epochs}, Training loss: {running_loss / seen:.4f}")

model.eval()
correct, total = 0, 0
with torch.no_grad():
    for images, labels in test_loader:
        output = model(images.view(images.shape[0], -1))
        pred = output.argmax(dim=1)
        correct += (pred == labels).sum().item()
        total += labels.size(0)
        if test_limit is not None and total >= test_limit:
            break
print(f"Test accuracy: {100.0 * correct / total:.2f}% ({correct}/{total})")
