#!/usr/bin/env bash
# Installs the machine packages the project needs (Debian 12): ffmpeg for media, npm to fetch model weights.
# Extra package names may be passed as arguments (test.sh adds the test services). Idempotent.
set -euo pipefail
want=(ffmpeg npm curl python3 "$@")
missing=()
for pkg in "${want[@]}"; do
  case "$pkg" in
    ffmpeg) command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null && continue ;;
    npm) command -v npm >/dev/null && continue ;;
    curl) command -v curl >/dev/null && continue ;;
    python3) command -v python3 >/dev/null && continue ;;
    *) dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" && continue ;;
  esac
  missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  # As root (CI, containers) apt-get runs as is; otherwise through sudo, or the missing packages are named.
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then
      as_root=(sudo)
    else
      echo "setup: installing packages needs root; as root run: apt-get install ${missing[*]}" >&2
      exit 1
    fi
  fi
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK is required (dotnet on PATH)" >&2; exit 1; }
