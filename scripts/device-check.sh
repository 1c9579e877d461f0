#!/usr/bin/env bash
# Runs the published device check (dotnet publish DeviceCheck) on a GPU node and keeps its report and log.
# ONNX Runtime's CUDA provider loads CUDA 13's user-space libraries by name; a node may have them from a CUDA
# install or only inside Python wheels (nvidia-cublas, nvidia-cudnn-cu13, ...), so they are looked for everywhere.
# Usage: scripts/device-check.sh APP_DIR OUT_DIR [Vsr.DeviceCheck options, e.g. --device cuda:0 --models DIR]
set -uo pipefail
app=$1 out=$2
shift 2
mkdir -p "$out"
libs=$(find / \( -path /proc -o -path /sys -o -path /dev \) -prune -o \
  \( -name 'libcublas.so.13*' -o -name 'libcublasLt.so.13*' -o -name 'libcudart.so.13*' -o -name 'libcurand.so.10*' \
     -o -name 'libcudnn.so.9*' -o -name 'libcufft.so.12*' -o -name 'libnvrtc.so.13*' \) -print 2>/dev/null \
  | xargs -r -n1 dirname | sort -u | paste -sd: -)
echo "CUDA library directories: ${libs:-none found}" | tee "$out/log.txt"
export LD_LIBRARY_PATH=${libs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
# What the CUDA provider still lacks shows here, before ONNX Runtime reduces it to "failed to load".
ldd "$app/libonnxruntime_providers_cuda.so" 2>&1 | grep 'not found' | sed 's/^/missing for the CUDA provider: /' | tee -a "$out/log.txt"
"$app/Vsr.DeviceCheck" --report "$out/report.md" "$@" 2>&1 | tee -a "$out/log.txt"
exit "${PIPESTATUS[0]}"
