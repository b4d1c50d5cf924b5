import torch, torch.nn as nn, torch.nn.functional as F
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 5), nn.LogSoftmax(dim=1))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
crit = nn.NLLLoss()
g = torch.Generator().manual_seed(1)
xs = torch.randn(10, 16, 20, generator=g); ys = torch.randint(0, 5, (10, 16), generator=g)
for i in range(10):
    opt.zero_grad()
    loss = crit(model(xs[i]), ys[i])
    loss.backward()
    opt.step()
    print(f"{loss.item():.6f}")
model.eval()
with torch.no_grad():
    print(model(xs[0]).argmax(dim=1).tolist())
