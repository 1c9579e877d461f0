#!/usr/bin/env bash
# Retrains the committed models with the exact commands of their cards (resumes from .vsr/train/runs/NAME).
# Usage: train/models.sh [real-x2|real-x4|denoise-x1|deblock-x1 ...]   (default: all four, in that order)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
[ -f train/bin/Release/net10.0/Vsr.Train.dll ] || train/setup.sh
# Runs from a private copy of the build: a rebuild mid-run would rewrite the libraries the run has mapped.
copy=".vsr/train/tool-$$"
rm -rf "$copy" && mkdir -p "$copy" && cp -a train/bin/Release/net10.0/. "$copy/"
trap 'rm -rf "$copy"' EXIT
run() { nice -n 10 dotnet "$copy/Vsr.Train.dll" train "$@"; }
for model in "${@:-real-x2 real-x4 denoise-x1 deblock-x1}"; do
  case "$model" in
    real-x2) run --name real-x2 --scale 2 --width 32 --depth 8 --steps 6000 --lr 1e-3 --init interpolation --batch 16 --patch 48 --recipe upscale --seed 1234 --checkpoint-every 100 --threads 1 --stop-at 3400 ;;
    real-x4) run --name real-x4 --scale 4 --width 32 --depth 8 --steps 4000 --lr 1e-3 --init interpolation --batch 16 --patch 64 --recipe upscale --seed 1234 --checkpoint-every 100 --threads 1 --stop-at 2800 ;;
    denoise-x1) run --name denoise-x1 --scale 1 --unshuffle 2 --width 32 --depth 10 --steps 3000 --lr 1e-3 --init interpolation --batch 16 --patch 64 --recipe denoise --seed 1234 --checkpoint-every 100 --threads 1 ;;
    deblock-x1) run --name deblock-x1 --scale 1 --unshuffle 2 --width 32 --depth 10 --steps 4000 --lr 1e-3 --init interpolation --batch 16 --patch 64 --recipe deblock --seed 1234 --checkpoint-every 100 --threads 1 --stop-at 2900 ;;
    *) echo "unknown model $model" >&2; exit 2 ;;
  esac
done
