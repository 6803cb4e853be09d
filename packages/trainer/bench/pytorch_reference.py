"""The reference DCGAN of @gan-sdk/trainer (G 128→64, D 64→128, 28×28×1, z = 100), trained in PyTorch
on the CPU: the same layers, shapes, losses (non-saturating), optimiser (Adam 2e-4, β1 0.5) and batch
(64) as one `gan-train mnist` step, on random data (speed does not depend on the data). Prints
{"threads": n, "imagesPerSec": x} as JSON for each thread count given. Used by
train-vs-pytorch.bench.mjs; needs `python3 -c 'import torch'` (Debian: apt-get install python3-torch)."""
import json
import sys
import time

import torch
from torch import nn

BATCH, Z = 64, 100


def generator():
    return nn.Sequential(
        nn.Linear(Z, 7 * 7 * 128, bias=False), nn.BatchNorm1d(7 * 7 * 128), nn.LeakyReLU(0.2),
        nn.Unflatten(1, (128, 7, 7)),
        nn.ConvTranspose2d(128, 64, 4, 2, 1, bias=False), nn.BatchNorm2d(64), nn.LeakyReLU(0.2),
        nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh(),
    )


def discriminator():
    return nn.Sequential(
        nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(64, 128, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Flatten(), nn.Linear(7 * 7 * 128, 1),
    )


def images_per_sec(threads, steps=30):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    g, d = generator(), discriminator()
    g_opt = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
    softplus = nn.functional.softplus

    def step():
        real = torch.rand(BATCH, 1, 28, 28) * 2 - 1
        z = torch.randn(BATCH, Z)
        fake = g(z)
        d_opt.zero_grad()
        d_loss = softplus(-d(real)).mean() + softplus(d(fake.detach())).mean()
        d_loss.backward()
        d_opt.step()
        g_opt.zero_grad()
        g_loss = softplus(-d(g(z))).mean()
        g_loss.backward()
        g_opt.step()

    for _ in range(5):
        step()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    times.sort()
    return BATCH / times[len(times) // 2]


for arg in sys.argv[1:] or ['1']:
    print(json.dumps({'threads': int(arg), 'imagesPerSec': round(images_per_sec(int(arg)), 1)}))
