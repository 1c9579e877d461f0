#!/usr/bin/env bash
# ./bench.sh [--quick] [--only SECTION,...] [CLIP]
# Raw model throughput vs the streaming chunk pipeline on the same frames, side by side in one run; writes
# bench/results/<date>.json and .md. Also the peak RSS of the pipeline on the clip and on the same content 4x longer.
# --quick uses a generated 2 s 160x90 clip.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
scripts/setup.sh
scripts/fetch-model.sh
command="./bench.sh $*"
clip=""; pass=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) pass+=(--quick) ;;
    --only) pass+=(--only "$2"); shift ;;
    *) clip="$1" ;;
  esac
  shift
done
if [ -z "$clip" ]; then
  clip=.vsr/samples/bench-160x90.mp4
  mkdir -p .vsr/samples
  [ -s "$clip" ] || ffmpeg -v error -y -f lavfi -i "testsrc2=size=160x90:rate=24:duration=2" -c:v libx264 -pix_fmt yuv420p -g 24 "$clip"
fi
# The same content four times over, for the memory comparison.
long=".vsr/samples/bench-$(basename "${clip%.*}")-x4-length.mkv"
if [ ! -s "$long" ]; then
  list="$(mktemp)"; for _ in 1 2 3 4; do echo "file '$(realpath "$clip")'" >>"$list"; done
  ffmpeg -v error -y -f concat -safe 0 -i "$list" -map 0:v -c copy "$long"; rm -f "$list"
fi
dotnet build bench/Bench.csproj -c Release -nologo -v q -clp:ErrorsOnly
dotnet bench/bin/Release/net10.0/Vsr.Bench.dll --clip "$clip" --long-clip "$long" --models .vsr/models --bundled models --results bench/results "${pass[@]}" --command "$command"
