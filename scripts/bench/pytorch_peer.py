#!/usr/bin/env python3
"""The plain PyTorch peer of `xray train`, for scripts/bench/gpu.sh: the same network, data, image
size, batch, epochs, optimizer and loss, written the usual way (torchvision ImageFolder, a
DataLoader with workers decoding JPEGs every epoch, bf16 autocast + channels_last on CUDA).

Network: blocks of 2x (conv3x3 without bias, batch norm, ReLU), 2x2 max pool between blocks, global
average pooling, dropout, linear -> 1 logit for P(PNEUMONIA). Loss: BCE with logits, PNEUMONIA
weighted by NORMAL/PNEUMONIA. AdamW, one warm-up epoch then cosine decay to 2% (the trainer's
schedule). A random --val-fraction of the images is held out and scored after each epoch, as the
trainer does with its patient split, so both train on about as many images.

usage: pytorch_peer.py --data DATA [--epochs 16] [--batch 32] [--image-size 128] [--workers 8]
                       [--device auto|cpu|cuda]
Prints one line per epoch on stderr and, at the end, one JSON line on stdout: end_to_end_seconds
(from the script's start, imports included), loop_seconds (the training passes only),
images_per_second (trained images / loop_seconds) and steady_images_per_second (median over the
epochs after the first, which carries the workers' start and CUDA's first-use costs).
"""
import time

START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402

import torch  # noqa: E402
import torchvision  # noqa: E402
from torch import nn  # noqa: E402
from torchvision import datasets, transforms  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", required=True, help="folder with train/NORMAL and train/PNEUMONIA")
    p.add_argument("--epochs", type=int, default=16)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--image-size", type=int, default=128)
    p.add_argument("--workers", type=int, default=8, help="DataLoader worker processes")
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    p.add_argument("--widths", default="16,32,64,96", help="channels per block")
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--dropout", type=float, default=0.2)
    p.add_argument("--val-fraction", type=float, default=0.15)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--max-per-class", type=int, default=0, help="use at most N images per class (quick runs)")
    p.add_argument("--no-augment", action="store_true")
    return p.parse_args()


def make_net(widths, dropout):
    layers, channels = [], 1
    for i, width in enumerate(widths):
        for _ in range(2):
            layers += [nn.Conv2d(channels, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True)]
            channels = width
        if i + 1 < len(widths):
            layers.append(nn.MaxPool2d(2))
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(dropout), nn.Linear(channels, 1)]
    net = nn.Sequential(*layers)
    for m in net.modules():  # Kaiming init for ReLU networks, as the trainer does
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
    return net


def roc_auc(scores, labels):
    pos, neg = scores[labels == 1], scores[labels == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    diff = pos[:, None] - neg[None, :]
    return ((diff > 0).float() + 0.5 * (diff == 0).float()).mean().item()


def main():
    a = parse_args()
    torch.manual_seed(a.seed)
    device = torch.device("cuda" if a.device == "cuda" or (a.device == "auto" and torch.cuda.is_available()) else "cpu")
    cuda = device.type == "cuda"
    if cuda and not torch.cuda.is_available():
        sys.exit("pytorch_peer: --device cuda, but torch sees no CUDA device")

    size = (a.image_size, a.image_size)
    normalize = [transforms.ToTensor(), transforms.Normalize([0.5], [0.25])]
    # Gray, then squash to the model size (the trainer's default "stretch" rule).
    base = [transforms.Grayscale(1), transforms.Resize(size)]
    augment = [] if a.no_augment else [
        transforms.RandomAffine(degrees=7, translate=(0.06, 0.06), scale=(0.9, 1.1)),
        transforms.ColorJitter(brightness=0.08, contrast=0.15)]
    train_folder = datasets.ImageFolder(f"{a.data}/train", transforms.Compose(base + augment + normalize))
    val_folder = datasets.ImageFolder(f"{a.data}/train", transforms.Compose(base + normalize))
    if train_folder.classes != ["NORMAL", "PNEUMONIA"]:
        sys.exit(f"pytorch_peer: expected train/NORMAL and train/PNEUMONIA, found {train_folder.classes}")

    # A stratified subset when asked, then a seeded random split by image.
    by_class = [[i for i, t in enumerate(train_folder.targets) if t == c] for c in (0, 1)]
    if a.max_per_class > 0:
        by_class = [idx[:: max(1, len(idx) // a.max_per_class)][: a.max_per_class] for idx in by_class]
    g = torch.Generator().manual_seed(a.seed)
    train_idx, val_idx = [], []
    for idx in by_class:
        order = [idx[i] for i in torch.randperm(len(idx), generator=g).tolist()]
        n_val = max(1, round(len(order) * a.val_fraction))
        val_idx += order[:n_val]
        train_idx += order[n_val:]
    train_targets = [train_folder.targets[i] for i in train_idx]
    n_pos = sum(train_targets)
    n_neg = len(train_targets) - n_pos

    loader_options = dict(num_workers=a.workers, pin_memory=cuda, persistent_workers=a.workers > 0)
    train_loader = torch.utils.data.DataLoader(torch.utils.data.Subset(train_folder, train_idx), batch_size=a.batch,
                                               shuffle=True, generator=g, **loader_options)
    val_loader = torch.utils.data.DataLoader(torch.utils.data.Subset(val_folder, val_idx), batch_size=256,
                                             shuffle=False, **loader_options)

    net = make_net([int(w) for w in a.widths.split(",")], a.dropout).to(device)
    if cuda:
        net = net.to(memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(net.parameters(), lr=a.lr, weight_decay=a.weight_decay)
    steps_per_epoch = len(train_loader)
    total_steps = steps_per_epoch * a.epochs

    def lr_factor(step):  # the trainer's schedule
        warmup = max(1, steps_per_epoch)
        if step < warmup:
            return (step + 1) / warmup
        progress = (step - warmup) / max(1, total_steps - warmup)
        return 0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor)
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([n_neg / n_pos], device=device))

    def to_device(x):
        x = x.to(device, non_blocking=True)
        return x.contiguous(memory_format=torch.channels_last) if cuda else x

    epoch_seconds, aucs = [], []
    for epoch in range(1, a.epochs + 1):
        net.train()
        start = time.perf_counter()
        loss_sum = torch.zeros((), dtype=torch.float64, device=device)  # read once per epoch: no per-step sync
        for x, y in train_loader:
            x, y = to_device(x), y.to(device, non_blocking=True).float()
            with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=cuda):
                logits = net(x).view(-1).float()
            loss = loss_fn(logits, y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            loss_sum += loss.detach().double() * len(y)
        train_loss = loss_sum.item() / len(train_idx)  # waits for the device
        epoch_seconds.append(time.perf_counter() - start)

        net.eval()
        scores, labels = [], []
        with torch.no_grad(), torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=cuda):
            for x, y in val_loader:
                scores.append(torch.sigmoid(net(to_device(x)).view(-1).float()).cpu())
                labels.append(y)
        aucs.append(roc_auc(torch.cat(scores), torch.cat(labels)))
        print(f"epoch {epoch}/{a.epochs}  train loss {train_loss:.4f}  val AUC {aucs[-1]:.4f}  "
              f"{len(train_idx) / epoch_seconds[-1]:.0f} img/s", file=sys.stderr, flush=True)

    loop = sum(epoch_seconds)
    steady = epoch_seconds[1:] or epoch_seconds
    print(json.dumps({
        "end_to_end_seconds": round(time.perf_counter() - START, 3),
        "loop_seconds": round(loop, 3),
        "images_per_second": round(len(train_idx) * a.epochs / loop, 1),
        "steady_images_per_second": round(len(train_idx) / statistics.median(steady), 1),
        "train_images": len(train_idx), "val_images": len(val_idx), "epochs": a.epochs, "batch": a.batch,
        "image_size": a.image_size, "workers": a.workers, "device": str(device),
        "best_val_auc": round(max(aucs), 4), "final_val_auc": round(aucs[-1], 4),
        "torch": torch.__version__, "torchvision": torchvision.__version__}))


if __name__ == "__main__":
    main()
