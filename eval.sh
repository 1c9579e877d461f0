#!/usr/bin/env bash
# Scores the upscaling, denoising and artefact-removal methods on held-out footage only and writes
# docs/quality.md and docs/quality/*.png (--quick: two small clips, one frame each, to .vsr/eval/).
# Usage: ./eval.sh [--quick] [--report FILE] [--images DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
cd "$root"
scripts/setup.sh >/dev/null
[ -s .vsr/models/source/realesr-animevideov3-x4.bin ] || scripts/fetch-model.sh
dotnet build train/Train.csproj -c Release -nologo -v quiet >/dev/null
nice -n 10 dotnet train/bin/Release/net10.0/Vsr.Train.dll eval "$@"
