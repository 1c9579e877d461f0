#!/usr/bin/env bash
# Retrains the committed models with the exact commands of their cards (resumes from .vsr/train/runs/NAME).
# Usage: train/models.sh [real-x2|real-x4|denoise-x1|deblock-x1 ...]   (default: all four, in that order)
#        train/models.sh --check STEPS NAME ...
#          reruns NAME's command from scratch up to STEPS (a separate run directory and output) and compares its loss
#          at every checkpoint with the committed card's lossTrace: a quick test that a full retrain would repeat.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
check=""
if [ "${1:-}" = "--check" ]; then
  check="${2:?--check needs a step count}"
  shift 2
fi
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(real-x2 real-x4 denoise-x1 deblock-x1)
[ -f train/bin/Release/net10.0/Vsr.Train.dll ] || train/setup.sh
# Runs from a private copy of the build: a rebuild mid-run would rewrite the libraries the run has mapped.
copy=".vsr/train/tool-$$"
scratch=".vsr/train/check-$$"
rm -rf "$copy" && mkdir -p "$copy" && cp -a train/bin/Release/net10.0/. "$copy/"
trap 'rm -rf "$copy" "$scratch"' EXIT
tool() { nice -n 10 dotnet "$copy/Vsr.Train.dll" "$@"; }
command_of() {
  case "$1" in
    real-x2) echo --name real-x2 --scale 2 --width 32 --depth 8 --steps 6000 --lr 1e-3 --init interpolation --batch 16 --patch 48 --recipe upscale --seed 1234 --checkpoint-every 100 --threads 1 --stop-at 3400 ;;
    real-x4) echo --name real-x4 --scale 4 --width 32 --depth 8 --steps 4000 --lr 1e-3 --init interpolation --batch 16 --patch 64 --recipe upscale --seed 1234 --checkpoint-every 100 --threads 1 --stop-at 2800 ;;
    denoise-x1) echo --name denoise-x1 --scale 1 --unshuffle 2 --width 32 --depth 10 --steps 3000 --lr 1e-3 --init interpolation --batch 16 --patch 64 --recipe denoise --seed 1234 --checkpoint-every 100 --threads 1 ;;
    deblock-x1) echo --name deblock-x1 --scale 1 --unshuffle 2 --width 32 --depth 10 --steps 4000 --lr 1e-3 --init interpolation --batch 16 --patch 64 --recipe deblock --seed 1234 --checkpoint-every 100 --threads 1 --stop-at 2900 ;;
    *) echo "unknown model $1" >&2; return 2 ;;
  esac
}
for model in "${models[@]}"; do
  line="$(command_of "$model")"   # an unknown name stops the script here
  read -r -a args <<< "$line"
  if [ -z "$check" ]; then
    tool train "${args[@]}"
    continue
  fi
  # Later options win: a fresh run directory, a scratch output and an early stop; the seed and data are the card's.
  run=".vsr/train/runs/$model-check"
  rm -rf "$run"
  tool train "${args[@]}" --name "$model-check" --stop-at "$check" --out "$scratch/$model"
  rm -rf "$run"
  tool compare-trace "models/$model/card.json" "$scratch/$model/card.json"
done
