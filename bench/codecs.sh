#!/usr/bin/env bash
# bench/codecs.sh VIDEO SCALE FRAMES [OUT.md]
# What each output codec costs and keeps on this service's own output. The first FRAMES frames of VIDEO are upscaled by
# SCALE through ./run.sh with --content live --crf 0 (lossless H.264: the model's output as the reference), then the
# reference is encoded with each codec's settings as the chunk encoder runs them (ffmpeg alone, one process at a time),
# and each encode is scored (PSNR of the Y plane against the reference) and timed. Appends a table to OUT.md
# (default bench/results/codecs.md).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
video="$1" scale="$2" frames="$3" out="${4:-$root/bench/results/codecs.md}"
work="$(mktemp -d /tmp/vsr-codecs-XXXXXX)"
trap 'rm -rf "$work"' EXIT

name="codecs-$(basename "${video%.*}")"
ffmpeg -v error -y -i "$video" -frames:v "$frames" -c:v libx264 -crf 16 -pix_fmt yuv420p -an "$work/$name.mp4"
(cd "$root" && ./run.sh "$work/$name.mp4" --content live --scale "$scale" --crf 0 >"$work/run.log" 2>&1) \
  || { tail -20 "$work/run.log" >&2; exit 1; }
ffmpeg -v error -y -i "$root/out/$name-x$scale.mp4" -pix_fmt yuv420p -c:v rawvideo -f nut "$work/ref.nut"
rm -f "$root/out/$name-x$scale.mp4"
size="$(ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=s=x:p=0 "$work/ref.nut")"

{
  echo
  echo "### $(basename "$video"), first $frames frames, x$scale ($size), $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "\`bench/codecs.sh $* \`"
  echo
  echo "| codec | settings | bytes | vs h264 | PSNR-Y (dB) | encode (s) |"
  echo "|---|---|---|---|---|---|"
} >>"$out"
h264_bytes=""
while IFS='|' read -r codec label pix args; do
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  ffmpeg -nostdin -v error -y -i "$work/ref.nut" -vf "format=$pix" $args "$work/enc.mp4" 2>/dev/null
  end=$(date +%s.%N)
  bytes=$(stat -c %s "$work/enc.mp4")
  h264_bytes="${h264_bytes:-$bytes}"
  psnr=$(ffmpeg -nostdin -i "$work/enc.mp4" -i "$work/ref.nut" -lavfi "[0:v]format=yuv420p[a];[a][1:v]psnr" -f null - 2>&1 \
    | grep -o 'y:[0-9.]*' | tail -1 | cut -d: -f2)
  printf '| %s | %s | %s | %.2f× | %.2f | %.2f |\n' "$codec" "$label" "$bytes" "$(echo "$bytes / $h264_bytes" | bc -l)" "$psnr" \
    "$(echo "$end - $start" | bc -l)" >>"$out"
done <<'SETTINGS'
h264|crf 18 (default), 8-bit|yuv420p|-c:v libx264 -preset veryfast -crf 18
h264|crf 18, 10-bit|yuv420p10le|-c:v libx264 -preset veryfast -crf 18
hevc|crf 22 (default), 8-bit|yuv420p|-c:v libx265 -preset veryfast -crf 22 -x265-params log-level=error
hevc|crf 22, 10-bit|yuv420p10le|-c:v libx265 -preset veryfast -crf 22 -x265-params log-level=error
av1|crf 24 (default), preset 10, 8-bit|yuv420p|-c:v libsvtav1 -preset 10 -crf 24
av1|crf 24, preset 10, 10-bit|yuv420p10le|-c:v libsvtav1 -preset 10 -crf 24
SETTINGS
echo "bench/codecs.sh: appended to $out"
