#!/usr/bin/env bash
# ./bench.sh [--quick] [--only SECTION,...] [CLIP]
# Side by side in one run, on the same frames and model: raw model throughput vs the streaming chunk pipeline
# (always first), the pipeline's peak RSS on the clip and on the same content 4x longer (memory), a whole job through
# the embedded cluster from upload to output file (e2e), the classic PNG-frames method (classic), and the reference
# runtime realesrgan-ncnn-vulkan on Mesa lavapipe on small crops (peer), and inference variants: threads, batch, tile,
# saved optimized graph, arena, INT8 QDQ, FP16 (variants); and scheduler scaling on SIMULATED devices, 1 to 16
# devices over 1 to 4 in-process silos (scaling). Writes bench/results/<date>.json and .md.
# --quick uses a generated 2 s 160x90 clip; --only runs the named sections after the throughput one.
set -euo pipefail
command="$*"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
scripts/setup.sh
scripts/fetch-model.sh
# The peer section needs Vulkan on the CPU and the peer's files; without them it reports why and the bench goes on.
scripts/setup.sh mesa-vulkan-drivers libvulkan1 || echo "bench.sh: Vulkan packages not installed; the peer section will say so" >&2
scripts/fetch-peer.sh || echo "bench.sh: the peer runtime was not fetched; the peer section will say so" >&2
clip="" quick="" only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick="--quick"; shift ;;
    --only) only=(--only "$2"); shift 2 ;;
    --only=*) only=(--only "${1#*=}"); shift ;;
    *) clip="$1"; shift ;;
  esac
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
# Builds the API too: the e2e section runs it as a child process.
dotnet build bench/Bench.csproj -c Release -nologo -v q -clp:ErrorsOnly
dotnet bench/bin/Release/net10.0/Vsr.Bench.dll --clip "$clip" --long-clip "$long" --models .vsr/models --bundled models --results bench/results \
  $quick "${only[@]}" --command "./bench.sh $command"
