#!/usr/bin/env bash
# ./run.sh [VIDEO] [--scale 2|4] [--content auto|live|animation] [--denoise] [--deblock] [--sharpen 0..1] [--quality-report]
#          [--codec h264|hevc|av1] [--crf N] [--bit-depth 8|10] [--model NAME]
# Upscales VIDEO (default: a short generated sample with an audio tone) on an embedded single-node cluster:
# one local silo co-hosted with the HTTP API, localhost clustering, in-memory state, a filesystem object store.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

video="" scale=2 model="" content=auto denoise=false deblock=false sharpen=0 quality=false codec=h264 crf="" bitdepth=8
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale="$2"; shift 2 ;;
    --scale=*) scale="${1#*=}"; shift ;;
    --model) model="$2"; shift 2 ;;
    --model=*) model="${1#*=}"; shift ;;
    --content) content="$2"; shift 2 ;;
    --content=*) content="${1#*=}"; shift ;;
    --denoise) denoise=true; shift ;;
    --deblock) deblock=true; shift ;;
    --sharpen) sharpen="$2"; shift 2 ;;
    --sharpen=*) sharpen="${1#*=}"; shift ;;
    --quality-report) quality=true; shift ;;
    --codec) codec="$2"; shift 2 ;;
    --codec=*) codec="${1#*=}"; shift ;;
    --crf) crf="$2"; shift 2 ;;
    --crf=*) crf="${1#*=}"; shift ;;
    --bit-depth) bitdepth="$2"; shift 2 ;;
    --bit-depth=*) bitdepth="${1#*=}"; shift ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) video="$1"; shift ;;
  esac
done
case "$scale" in 2|4) ;; *) echo "run.sh: --scale must be 2 or 4" >&2; exit 2 ;; esac

scripts/setup.sh
scripts/fetch-model.sh

mkdir -p .vsr/logs .vsr/samples out
if [ -z "$video" ]; then
  video=.vsr/samples/sample.mp4
  if [ ! -s "$video" ]; then
    echo "run.sh: generating a 3 s sample clip (192x108, 24 fps, 440 Hz tone)"
    ffmpeg -v error -y -f lavfi -i "testsrc2=size=192x108:rate=24:duration=3" -f lavfi -i "sine=frequency=440:duration=3" \
      -c:v libx264 -pix_fmt yuv420p -g 24 -c:a aac -shortest "$video"
  fi
fi
[ -f "$video" ] || { echo "run.sh: no such file: $video" >&2; exit 2; }

echo "run.sh: building"
dotnet build Client.Api/Client.Api.csproj -c Release -nologo -v q -clp:ErrorsOnly

port="${VSR_PORT:-5080}"
base="http://127.0.0.1:$port"
log=.vsr/logs/run.log
ASPNETCORE_ENVIRONMENT=Production dotnet Client.Api/bin/Release/net10.0/Vsr.Client.Api.dll --urls "$base" \
  --contentRoot "$root/Client.Api" >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT

ready=0
for _ in $(seq 1 120); do
  curl -fs "$base/health" >/dev/null 2>&1 && { ready=1; break; }
  kill -0 $server 2>/dev/null || { echo "run.sh: the server did not start; see $log" >&2; tail -20 "$log" >&2; exit 1; }
  sleep 0.5
done
if [ "$ready" -ne 1 ]; then echo "run.sh: the server did not answer /health within 60 s; see $log" >&2; tail -20 "$log" >&2; exit 1; fi

echo "run.sh: uploading $video (x$scale)"
form=(-F "file=@$video" -F "scale=$scale" -F "content=$content" -F "denoise=$denoise" -F "deblock=$deblock" -F "sharpen=$sharpen" -F "qualityReport=$quality" -F "codec=$codec" -F "bitDepth=$bitdepth")
[ -n "$crf" ] && form+=(-F "crf=$crf")
[ -n "$model" ] && form+=(-F "model=$model")
reply="$(curl -sS -w '\n%{http_code}' "${form[@]}" "$base/v1/jobs")"
code="${reply##*$'\n'}"; body="${reply%$'\n'*}"
if [ "$code" != 202 ]; then echo "run.sh: upload refused ($code): $body" >&2; exit 1; fi
id="$(printf '%s' "$body" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
echo "run.sh: job $id"

status=""
while :; do
  job="$(curl -fsS "$base/v1/jobs/$id")"
  progress="$(printf '%s' "$job" | python3 -c '
import json, sys
j = json.load(sys.stdin); p = j["progress"]
print(j["status"], "%d/%d frames, chunks %d/%d, %.2f fps" % (
    p["framesDone"], p["framesTotal"], p["chunksDone"], p["chunksTotal"], p["framesPerSecond"]))')" \
    || { echo; echo "run.sh: unreadable job status: $job" >&2; exit 1; }
  read -r status line <<<"$progress"
  printf '\r  %-10s %s   ' "$status" "$line"
  case "$status" in COMPLETED|FAILED|CANCELLED) break ;; esac
  sleep 1
done
echo

if [ "$status" != COMPLETED ]; then
  echo "run.sh: job $(tr '[:upper:]' '[:lower:]' <<<"$status"): $(printf '%s' "$job" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("error") or "")')" >&2
  exit 1
fi

name="$(basename "${video%.*}")"
output="out/$name-x$scale.mp4"
curl -fsS -o "$output" -D .vsr/logs/output-headers.txt "$base/v1/jobs/$id/output"
if grep -qi 'matroska' .vsr/logs/output-headers.txt; then mv "$output" "${output%.*}.mkv"; output="${output%.*}.mkv"; fi
echo "run.sh: output written to $root/$output"
if [ "$quality" = true ]; then
  printf '%s' "$job" | python3 -c '
import json, sys
q = json.load(sys.stdin).get("quality")
if not q:
    print("run.sh: no quality report in the job")
elif q.get("error"):
    print("run.sh: quality report: " + q["error"])
else:
    print("run.sh: quality on %d frames of this video shrunk by %d and enlarged again (PSNR-Y dB / SSIM-Y against the frames;" % (q["frames"], q["scale"]))
    still = q.get("stillFraction")
    print("        temporal: PSNR-Y of the change between consecutive frames where the picture stands still (%s of %d pairs); lower means more flicker):"
          % ("n/a" if still is None else "%.0f%%" % (100 * still), q.get("pairs", 0)))
    for name, key in ((q["model"], "enhanced"), ("lanczos", "lanczos"), ("bicubic", "bicubic")):
        t = q[key].get("temporalPsnrY")
        print("  %-22s %6.2f / %.4f   temporal %s" % (name, q[key]["psnrY"], q[key]["ssimY"], "n/a" if t is None else "%.2f" % t))
    print("  %s over lanczos: %+.2f dB" % (q["model"], q["gainOverLanczosDb"]))
    if q.get("temporalGainOverLanczosDb") is not None:
        print("  %s over lanczos, temporal: %+.2f dB" % (q["model"], q["temporalGainOverLanczosDb"]))'
fi
ffprobe -v error -count_packets -select_streams v:0 -show_entries stream=codec_name,pix_fmt,width,height,nb_read_packets:format=duration \
  -of default=noprint_wrappers=1 "$output" | sed 's/^/  /'
