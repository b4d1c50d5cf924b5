"""PyTorch's examples/mnist convolutional network, trained with Adam.

An unmodified PyTorch script (torch + torchvision), following pytorch/examples'
mnist/main.py (Adam(lr=1e-3) instead of Adadelta + StepLR): run it on compat with

    python -m compat.run examples/guide_mnist_cnn.py

Environment overrides (for quick runs and tests): EPOCHS (default 1), STEPS (training
batches per epoch; default all 938), TEST_LIMIT (test images evaluated; default all
10000), LOG_INTERVAL (batches between progress lines; default 100).

Measured on compat (eager, 2-core CPU): one full epoch reaches 98.42% test accuracy
(9842/10000, average test loss 0.0498); ~181 s of CPU time.
"""
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader
from torchvision import datasets, transforms


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
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)


def train(model, device, train_loader, optimizer, epoch, log_interval, max_steps):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        if max_steps is not None and batch_idx >= max_steps:
            break
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        if batch_idx % log_interval == 0:
            print(
                f"Train Epoch: {epoch} [{batch_idx * len(data)}/{len(train_loader.dataset)} "
                f"({100.0 * batch_idx / len(train_loader):.0f}%)]\tLoss: {loss.item():.6f}"
            )


def test(model, device, test_loader, test_limit):
    model.eval()
    test_loss, correct, total = 0.0, 0, 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction="sum").item()
            pred = output.argmax(dim=1, keepdim=True)
            correct += pred.eq(target.view_as(pred)).sum().item()
            total += len(data)
            if test_limit is not None and total >= test_limit:
                break
    test_loss /= total
    print(
        f"\nTest set: Average loss: {test_loss:.4f}, "
        f"Accuracy: {correct}/{total} ({100.0 * correct / total:.2f}%)\n"
    )
    return correct / total


def main():
    epochs = int(os.environ.get("EPOCHS", 1))
    max_steps = int(os.environ.get("STEPS", 0)) or None
    test_limit = int(os.environ.get("TEST_LIMIT", 0)) or None
    log_interval = int(os.environ.get("LOG_INTERVAL", 100))
    data_root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")

    torch.manual_seed(1)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    train_set = datasets.MNIST(data_root, train=True, download=False, transform=transform)
    test_set = datasets.MNIST(data_root, train=False, download=False, transform=transform)
    train_loader = DataLoader(train_set, batch_size=64, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=1000)

    model = Net().to(device)
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    start = time.time()
    for epoch in range(1, epochs + 1):
        train(model, device, train_loader, optimizer, epoch, log_interval, max_steps)
        test(model, device, test_loader, test_limit)
    print(f"Training time: {time.time() - start:.1f}s")


if __name__ == "__main__":
    main()
