#!/usr/bin/env bash
# Prepares the training tool: apt patchelf (for the libtorch repair), a build, and a check that libtorch loads.
# TorchSharp-cpu 0.107.0 needs GLIBCXX_3.4.32, newer than Debian 12's libstdc++; the tool repairs its own copy
# of libLibTorchSharp.so in the build output (train/Native/LibTorchRepair.cs) before the first tensor op.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh" patchelf
command -v gcc >/dev/null || "$root/scripts/setup.sh" gcc
dotnet build "$root/train/Train.csproj" -c Release -nologo -v quiet
dotnet "$root/train/bin/Release/net10.0/Vsr.Train.dll" check
