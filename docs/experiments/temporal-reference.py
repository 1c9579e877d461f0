#!/usr/bin/python3
# The long-range temporal headroom of an x264 crf-40 stream (docs/deblock-experiments.md): per 16x16 block, an
# oracle picks the best of the frame itself and every earlier decoded frame, judged against the source frame; then a
# block-wise recursive temporal filter (blend with the previous estimate where a block barely changed). Y plane of
# yuv420p, first 30 frames. Needs python3-numpy; writes c.mp4 in the working directory.
# Usage: docs/experiments/temporal-reference.py CLIP WIDTH HEIGHT
import subprocess
import sys

import numpy as np

FRAMES, BLOCK = 30, 16


def luma(path, w, h):
    raw = subprocess.run(['ffmpeg', '-v', 'error', '-i', path, '-frames:v', str(FRAMES), '-fps_mode', 'passthrough',
                          '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, h, w).astype(np.float64)


def psnr(a, b):
    return 10 * np.log10(255 ** 2 / np.mean((a - b) ** 2))


clip, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
subprocess.run(['ffmpeg', '-v', 'error', '-y', '-i', clip, '-frames:v', str(FRAMES), '-fps_mode', 'passthrough',
                '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-crf', '40', '-preset', 'medium', 'c.mp4'], check=True)
ref, dec = luma(clip, w, h), luma('c.mp4', w, h)
n = min(len(ref), len(dec))
bh, bw = h // BLOCK * BLOCK, w // BLOCK * BLOCK


def blocks(a):
    return a[:bh, :bw].reshape(h // BLOCK, BLOCK, w // BLOCK, BLOCK)


def unblock(frame, b):
    out = frame.copy()
    out[:bh, :bw] = b.reshape(bh, bw)
    return out


base = np.mean([psnr(dec[t], ref[t]) for t in range(n)])
print(f'{clip}: {n} frames, input PSNR-Y {base:.3f}')

oracle = []
for t in range(n):
    best_error = ((blocks(dec[t]) - blocks(ref[t])) ** 2).mean(axis=(1, 3))
    best = blocks(dec[t]).copy()
    for k in range(t):
        error = ((blocks(dec[k]) - blocks(ref[t])) ** 2).mean(axis=(1, 3))
        better = error < best_error
        best_error = np.where(better, error, best_error)
        best = np.where(better[:, None, :, None], blocks(dec[k]), best)
    oracle.append(psnr(unblock(dec[t], best), ref[t]))
print(f'oracle, best of this and every earlier decoded frame per block: {np.mean(oracle) - base:+.3f} dB')

for threshold in [1.0, 2.0, 3.0, 5.0]:
    for weight in [0.5, 0.7, 0.85]:
        estimate, scores = dec[0].copy(), [psnr(dec[0], ref[0])]
        for t in range(1, n):
            still = np.abs(blocks(dec[t]) - blocks(estimate)).mean(axis=(1, 3)) < threshold
            mixed = np.where(still[:, None, :, None], weight * blocks(estimate) + (1 - weight) * blocks(dec[t]), blocks(dec[t]))
            estimate = unblock(dec[t], mixed)
            scores.append(psnr(estimate, ref[t]))
        print(f'recursive filter, threshold {threshold} levels, weight {weight}: {np.mean(scores) - base:+.3f} dB')
