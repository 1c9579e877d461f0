#!/usr/bin/env python3
"""How much can a network trained with far more compute than this CPU has take back from x264 crf-40 frames?

A probe for issue 3's artefact-removal goal (docs/deblock-experiments.md), run on a lent GPU machine with PyTorch.
It trains luma-only networks for a fixed wall time each on the training tool's own synthetic x264 clips
(`Vsr.Train export-luma`), and scores them as the evaluation does, on the held-out clips' crf-40 frames, which are
never trained on: PSNR of BT.601 Y per frame, averaged per clip, then over the clips. It also scores a held-in
validation set (the last clips of the export, not trained on) to separate "learns nothing" from "does not carry over".

usage: gpu-deblock.py DATA_DIR OUT_DIR [--models srvgg,unet --seconds 180,180] [--batch 64] [--crop 128] [--tiny]
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def load(data, name, shape):
    path = os.path.join(data, name)
    if not os.path.exists(path) and os.path.exists(path + ".xz"):
        import lzma
        with lzma.open(path + ".xz") as packed:
            return np.frombuffer(packed.read(), dtype=np.uint8).reshape(shape)
    return np.fromfile(path, dtype=np.uint8).reshape(shape)


class Srvgg(nn.Module):
    """SRVGGNetCompact at x1 on luma: pixel-unshuffle 2, conv + PReLU blocks, shuffle back, residual over the input."""

    def __init__(self, width, depth):
        super().__init__()
        layers = [nn.Conv2d(4, width, 3, padding=1), nn.PReLU(width)]
        for _ in range(depth):
            layers += [nn.Conv2d(width, width, 3, padding=1), nn.PReLU(width)]
        layers += [nn.Conv2d(width, 4, 3, padding=1)]
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return x + F.pixel_shuffle(self.body(F.pixel_unshuffle(x, 2)), 2)


class ResBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.a = nn.Conv2d(c, c, 3, padding=1)
        self.b = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x):
        return x + self.b(F.relu(self.a(x)))


class UNet(nn.Module):
    """A residual U-Net on luma (unshuffle 2, three levels): a much larger receptive field and capacity."""

    def __init__(self, c=64, blocks=(2, 2, 4)):
        super().__init__()
        self.head = nn.Conv2d(4, c, 3, padding=1)
        self.e1 = nn.Sequential(*[ResBlock(c) for _ in range(blocks[0])])
        self.d1 = nn.Conv2d(c, 2 * c, 2, stride=2)
        self.e2 = nn.Sequential(*[ResBlock(2 * c) for _ in range(blocks[1])])
        self.d2 = nn.Conv2d(2 * c, 4 * c, 2, stride=2)
        self.mid = nn.Sequential(*[ResBlock(4 * c) for _ in range(blocks[2])])
        self.u2 = nn.ConvTranspose2d(4 * c, 2 * c, 2, stride=2)
        self.x2 = nn.Sequential(*[ResBlock(2 * c) for _ in range(blocks[1])])
        self.u1 = nn.ConvTranspose2d(2 * c, c, 2, stride=2)
        self.x1 = nn.Sequential(*[ResBlock(c) for _ in range(blocks[0])])
        self.tail = nn.Conv2d(c, 4, 3, padding=1)

    def forward(self, x):
        h0 = self.e1(self.head(F.pixel_unshuffle(x, 2)))
        h1 = self.e2(self.d1(h0))
        h2 = self.mid(self.d2(h1))
        g1 = self.x2(self.u2(h2) + h1)
        g0 = self.x1(self.u1(g1) + h0)
        return x + F.pixel_shuffle(self.tail(g0), 2)


def psnr(a, b):
    mse = float(((a - b) ** 2).mean())
    return 100.0 if mse == 0 else 10 * math.log10(255.0 ** 2 / mse)


@torch.no_grad()
def enhance(model, frame, device, multiple=8):
    """One whole luma frame (H, W uint8) through the model in fp32; reflect-padded to a multiple of 8, rounded."""
    x = torch.from_numpy(frame.astype(np.float32) / 255.0)[None, None].to(device)
    h, w = frame.shape
    ph, pw = (-h) % multiple, (-w) % multiple
    x = F.pad(x, (0, pw, 0, ph), mode="reflect")
    y = model(x)[0, 0, :h, :w]
    return (y * 255.0).round().clamp(0, 255).cpu().numpy()


def score(model, sets, device):
    """Mean PSNR-Y per set (mean over frames), for the input and the model."""
    model.eval()
    result = {}
    for name, (clean, crf) in sets.items():
        before = [psnr(c.astype(np.float64), d.astype(np.float64)) for c, d in zip(clean, crf)]
        after = [psnr(c.astype(np.float64), enhance(model, d, device).astype(np.float64)) for c, d in zip(clean, crf)]
        result[name] = (float(np.mean(before)), float(np.mean(after)))
    model.train()
    return result


def describe(scores, held_out):
    clips = [scores[n] for n in held_out]
    mean_in = np.mean([c[0] for c in clips])
    mean_out = np.mean([c[1] for c in clips])
    parts = " / ".join(f"{scores[n][1]:.2f}" for n in held_out)
    line = f"held-out {mean_out:.3f} vs input {mean_in:.3f} ({mean_out - mean_in:+.3f}) [{parts}]"
    if "held-in" in scores:
        v = scores["held-in"]
        line += f"; held-in {v[1]:.3f} vs {v[0]:.3f} ({v[1] - v[0]:+.3f})"
    return line, float(mean_out - mean_in)


def train(kind, seconds, model, clean, crf, sets, held_out, device, args, log):
    model = model.to(device).to(memory_format=torch.channels_last)
    params = sum(p.numel() for p in model.parameters())
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0)
    n, h, w = clean.shape
    generator = torch.Generator(device=device).manual_seed(args.seed)
    crop = args.crop
    ar = torch.arange(crop, device=device)
    start = time.time()
    next_eval = args.eval_every
    step = 0
    history = []
    use_bf16 = device.type == "cuda"
    log(f"{kind}: {params:,} parameters, {n} training frames of {w}x{h}, batch {args.batch}x{crop}^2, {seconds} s")
    while True:
        elapsed = time.time() - start
        if elapsed >= seconds:
            break
        lr = args.lr * 0.5 * (1 + math.cos(math.pi * min(1.0, elapsed / seconds)))
        for group in optimizer.param_groups:
            group["lr"] = lr
        f = torch.randint(0, n, (args.batch,), device=device, generator=generator)
        oy = torch.randint(0, h - crop + 1, (args.batch,), device=device, generator=generator)
        ox = torch.randint(0, w - crop + 1, (args.batch,), device=device, generator=generator)
        rows = (oy[:, None] + ar)[:, :, None]
        cols = (ox[:, None] + ar)[:, None, :]
        target = clean[f[:, None, None], rows, cols].float()[:, None] / 255.0
        source = crf[f[:, None, None], rows, cols].float()[:, None] / 255.0
        # the eight flips and transposes, one per batch
        k = int(torch.randint(0, 8, (1,), generator=generator, device=device))
        if k & 1:
            target, source = target.flip(-1), source.flip(-1)
        if k & 2:
            target, source = target.flip(-2), source.flip(-2)
        if k & 4:
            target, source = target.transpose(-1, -2), source.transpose(-1, -2)
        source = source.contiguous(memory_format=torch.channels_last)
        with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=use_bf16):
            output = model(source)
        loss = F.l1_loss(output.float(), target) if args.loss == "l1" else F.mse_loss(output.float(), target)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        step += 1
        if time.time() - start >= next_eval:
            next_eval += args.eval_every
            line, gain = describe(score(model, sets, device), held_out)
            history.append({"step": step, "seconds": round(time.time() - start, 1), "gain": gain})
            log(f"{kind} step {step} ({time.time() - start:.0f} s, loss {loss.item():.5f}): {line}")
    line, gain = describe(score(model, sets, device), held_out)
    log(f"{kind} final, step {step} ({time.time() - start:.0f} s): {line}")
    history.append({"step": step, "seconds": round(time.time() - start, 1), "gain": gain})
    torch.save({k: v.detach().half().cpu() for k, v in model.state_dict().items()}, os.path.join(args.out, f"{kind}.pt"))
    return {"model": kind, "parameters": params, "steps": step, "history": history}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("out")
    parser.add_argument("--seconds", default="180,180", help="wall time of each model's training, in --models order")
    parser.add_argument("--models", default="srvgg,unet")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--crop", type=int, default=128)
    parser.add_argument("--lr", type=float, default=4e-4)
    parser.add_argument("--loss", default="l1")
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--eval-every", type=float, default=60)
    parser.add_argument("--validation-clips", type=int, default=10)
    parser.add_argument("--tiny", action="store_true", help="small networks, for a check on the CPU")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    log_file = open(os.path.join(args.out, "log.txt"), "a")

    def log(text):
        print(text, flush=True)
        log_file.write(text + "\n")
        log_file.flush()

    torch.manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
        log(f"device: {torch.cuda.get_device_name(0)}, torch {torch.__version__}")
    else:
        log(f"device: cpu, torch {torch.__version__}")
    meta = json.load(open(os.path.join(args.data, "meta.json")))
    size, per_clip = meta["size"], len(meta["frames"])
    shape = (meta["clips"] * per_clip, size, size)
    clean_all, crf_all = load(args.data, "train-clean.u8", shape), load(args.data, "train-crf.u8", shape)
    held_in = args.validation_clips * per_clip
    sets = {}
    held_out = []
    for clip in meta["eval"]:
        frames = (len(clip["frames"]), clip["height"], clip["width"])
        sets[clip["name"]] = (load(args.data, f"eval-{clip['name']}-clean.u8", frames), load(args.data, f"eval-{clip['name']}-crf.u8", frames))
        held_out.append(clip["name"])
    # held-in validation: every third frame of the last clips, 256x256 each
    sets["held-in"] = (clean_all[-held_in::3], crf_all[-held_in::3])
    clean = torch.from_numpy(clean_all[:-held_in].copy()).to(device)
    crf = torch.from_numpy(crf_all[:-held_in].copy()).to(device)
    baseline = {n: (v[0], v[0]) for n, v in score(nn.Identity(), sets, device).items()}
    log("inputs: " + ", ".join(f"{n} {v[0]:.3f}" for n, v in baseline.items()))
    results = []
    for kind, seconds in zip(args.models.split(","), [float(t) for t in args.seconds.split(",")], strict=True):
        if kind == "srvgg":
            model = Srvgg(8, 2) if args.tiny else Srvgg(64, 16)
        elif kind == "srvgg32":
            model = Srvgg(32, 10)
        elif kind == "unet":
            model = UNet(8, (1, 1, 1)) if args.tiny else UNet(64, (2, 2, 4))
        else:
            raise SystemExit(f"unknown model {kind}")
        results.append(train(kind, seconds, model, clean, crf, sets, held_out, device, args, log))
        json.dump({"inputs": baseline, "runs": results, "args": vars(args)}, open(os.path.join(args.out, "results.json"), "w"), indent=1)


if __name__ == "__main__":
    sys.exit(main())
