#!/usr/bin/python3
# How much could a least-squares linear filter take off x264 crf-40 luma, fitted on the held-out clips themselves
# (an oracle: never a product path, and never training data for a shipped model)? docs/deblock-experiments.md.
# Classes: grid phase (y mod PHASE, x mod PHASE) times a gradient hash (angle, strength, coherence of the 5x5
# structure tensor). The filter predicts the change to the decoded pixel from the (2R+1)^2 neighbourhood, centred.
# Modes: 'oracle' fits on all 30 frames of a clip and scores frames 3, 11, 18, 26 (the evaluation's);
# 'leave-one-out' fits on the two other clips. SPLIT=1 fits on the left half of each frame and scores the right half.
# Usage: [R=3] [PHASE=8] [HASH=8,3,3] [SPLIT=1] [CRF=40] docs/experiments/linear-filter-bound.py   (python3-numpy)
import subprocess, sys, os
import numpy as np

D = os.environ.get('EXTRACT', '.vsr/train/extract')
CLIPS = {
    'vtest': (D + '/opencv-doc/usr/share/doc/opencv-doc/examples/data/vtest.avi', 768, 576),
    'tree': (D + '/opencv-doc/usr/share/doc/opencv-doc/examples/data/tree.avi', 320, 240),
    'default': (D + '/xine-ui/usr/share/xine/visuals/default.mpv', 384, 288),
}
FRAMES = 30
R = int(os.environ.get('R', 3))          # patch radius
PHASE = int(os.environ.get('PHASE', 8))  # grid phase modulus (1 = none)
ANG, STR, COH = [int(x) for x in os.environ.get('HASH', '8,3,3').split(',')]
CRF = int(os.environ.get('CRF', 40))


def rgb_frames(path, w, h):
    raw = subprocess.run(['ffmpeg', '-v', 'error', '-i', path, '-frames:v', str(FRAMES), '-fps_mode', 'passthrough',
                          '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, h, w, 3)


def x264(frames, w, h, crf):
    s = subprocess.run(['ffmpeg', '-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', f'{w}x{h}', '-r', '25', '-i', '-',
                        '-c:v', 'libx264', '-crf', str(crf), '-pix_fmt', 'yuv420p', '-f', 'h264', '-'],
                       input=frames.tobytes(), capture_output=True, check=True).stdout
    d = subprocess.run(['ffmpeg', '-v', 'error', '-f', 'h264', '-i', '-', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
                       input=s, capture_output=True, check=True).stdout
    return np.frombuffer(d, np.uint8).reshape(-1, h, w, 3)


def luma(rgb):
    f = rgb.astype(np.float32) / 255
    return 16 + 65.481 * f[..., 0] + 128.553 * f[..., 1] + 24.966 * f[..., 2]


def psnr(a, b):
    return 10 * np.log10(255 ** 2 / np.mean((a - b) ** 2))


def features(y):
    h, w = y.shape
    p = np.pad(y, R, mode='reflect')
    cols = [p[dy:dy + h, dx:dx + w] for dy in range(2 * R + 1) for dx in range(2 * R + 1)]
    X = np.stack([c_ - y for c_ in cols] + [np.ones_like(y)], -1).reshape(-1, (2 * R + 1) ** 2 + 1)
    # classes: grid phase x gradient hash (structure tensor over 5x5)
    gy, gx = np.gradient(y)
    def box(a):
        q = np.pad(a, 2, mode='reflect')
        return sum(q[dy:dy + h, dx:dx + w] for dy in range(5) for dx in range(5)) / 25
    a, b, c = box(gx * gx), box(gx * gy), box(gy * gy)
    tr, det = a + c, a * c - b * b
    l1 = tr / 2 + np.sqrt(np.maximum(tr * tr / 4 - det, 0))
    l2 = np.maximum(tr / 2 - np.sqrt(np.maximum(tr * tr / 4 - det, 0)), 0)
    theta = np.arctan2(b, l1 - c) % np.pi
    ang = np.minimum((theta / np.pi * ANG).astype(int), ANG - 1)
    s = np.sqrt(l1)
    sq = np.digitize(s, [1.0, 3.0, 8.0][:STR - 1]) if STR > 1 else np.zeros_like(ang)
    sq = np.minimum(sq, STR - 1)
    coh = (np.sqrt(l1) - np.sqrt(l2)) / (np.sqrt(l1) + np.sqrt(l2) + 1e-6)
    cq = np.minimum(np.digitize(coh, [0.25, 0.5][:COH - 1]), COH - 1) if COH > 1 else np.zeros_like(ang)
    yy, xx = np.mgrid[0:h, 0:w]
    ph = (yy % PHASE) * PHASE + (xx % PHASE)
    cls = ((ph * ANG + ang) * STR + sq) * COH + cq
    return X, cls.reshape(-1)


NCLS = PHASE * PHASE * ANG * STR * COH


SPLIT = os.environ.get('SPLIT') == '1'
def accumulate(pairs):
    k = (2 * R + 1) ** 2 + 1
    A = np.zeros((NCLS, k, k)); B = np.zeros((NCLS, k))
    for dec_y, ref_y in pairs:
        X, cls = features(dec_y)
        t = (ref_y - dec_y).reshape(-1)
        if SPLIT:
            h, w = dec_y.shape
            m = (np.mgrid[0:h, 0:w][1] < w // 2).reshape(-1)
            X, cls, t = X[m], cls[m], t[m]
        order = np.argsort(cls, kind='stable')
        cs = cls[order]; Xs = X[order].astype(np.float64); ts = t[order]
        bounds = np.flatnonzero(np.diff(cs)) + 1
        starts = np.concatenate([[0], bounds]); ends = np.concatenate([bounds, [len(cs)]])
        for s0, e0 in zip(starts, ends):
            c = cs[s0]
            Xc = Xs[s0:e0]
            A[c] += Xc.T @ Xc; B[c] += Xc.T @ ts[s0:e0]
    return A, B


def solve(A, B, lam=float(os.environ.get('LAM', 0.01))):
    k = A.shape[1]
    centre = (k - 1) // 2
    W = np.zeros((NCLS, k))
    for c in range(NCLS):
        n = A[c, k - 1, k - 1]
        if n < 50:
            continue
        W[c] = np.linalg.solve(A[c] + lam * n * np.eye(k), B[c])
    return W


def apply(W, dec_y):
    X, cls = features(dec_y)
    return np.clip(dec_y + np.einsum('nk,nk->n', X, W[cls]).reshape(dec_y.shape), 0, 255)


data = {}
for name, (path, w, h) in CLIPS.items():
    ref = rgb_frames(path, w, h)
    dec = x264(ref, w, h, CRF)
    data[name] = [(luma(d), luma(r)) for d, r in zip(dec, ref)]

print(f'R={R} PHASE={PHASE} HASH={ANG},{STR},{COH} classes={NCLS} CRF={CRF}')
stats = {name: accumulate(pairs) for name, pairs in data.items()}
keep = [3, 11, 18, 26]
for mode in ['oracle', 'leave-one-out']:
    gains = []
    for name, pairs in data.items():
        if mode == 'oracle':
            A, B = stats[name]
        else:
            A = sum(stats[o][0] for o in stats if o != name); B = sum(stats[o][1] for o in stats if o != name)
        W = solve(A, B)
        sl = (slice(None), slice(pairs[0][0].shape[1] // 2, None)) if SPLIT else (slice(None), slice(None))
        base = np.mean([psnr(pairs[i][0][sl], pairs[i][1][sl]) for i in keep])
        out = np.mean([psnr(apply(W, pairs[i][0])[sl], pairs[i][1][sl]) for i in keep])
        gains.append(out - base)
        print(f'  {mode:14s} {name:8s} input {base:.2f} filtered {out:.2f} ({out - base:+.3f})')
    print(f'{mode}: mean gain {np.mean(gains):+.3f}')
