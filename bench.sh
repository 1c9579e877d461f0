#!/usr/bin/env bash
# ./bench.sh [--quick] [CLIP]
# Raw model throughput vs the streaming chunk pipeline on the same frames, side by side in one run; writes
# bench/results/<date>.json and .md. --quick uses a generated 2 s 160x90 clip.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
scripts/setup.sh
scripts/fetch-model.sh
clip=""
for arg in "$@"; do case "$arg" in --quick) ;; *) clip="$arg" ;; esac; done
if [ -z "$clip" ]; then
  clip=.vsr/samples/bench-160x90.mp4
  mkdir -p .vsr/samples
  [ -s "$clip" ] || ffmpeg -v error -y -f lavfi -i "testsrc2=size=160x90:rate=24:duration=2" -c:v libx264 -pix_fmt yuv420p -g 24 "$clip"
fi
dotnet build bench/Bench.csproj -c Release -nologo -v q -clp:ErrorsOnly
dotnet bench/bin/Release/net10.0/Vsr.Bench.dll "$clip" .vsr/models bench/results 2
