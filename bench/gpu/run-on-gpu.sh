#!/usr/bin/env bash
# One-shot GPU benchmark on a machine with an NVIDIA GPU (no network there): first run
# bench/gpu/prepare-bundle.sh on the development machine, then on the GPU machine, from the
# repository root (device tool: carry ["bench/gpu/bundle"], timeout ~540 s):
#   bash bench/gpu/run-on-gpu.sh            # results in $OUT/gpu-bench.txt (or bench/gpu/out/)
# It unpacks Debian's Vulkan loader and libglvnd next to the checkout (the image may lack them),
# points Vulkan at NVIDIA's ICD (PLATFORM-NOTES.md, "WebGPU in Node"), restores the library build
# and npm packages, checks that Dawn reaches the GPU through Vulkan, then runs the benchmark at
# the issue's sizes: matmul 1024..8192, the elementwise chain on 1e7 floats, the MLP step at
# batch 4096 and the HVP. Record the figures in bench/RESULTS.md ("GPU benchmark").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bundle=bench/gpu/bundle
out="${OUT:-bench/gpu/out}"
mkdir -p "$out"
[ -d "$bundle/debs" ] || { echo "no $bundle: run bench/gpu/prepare-bundle.sh first and carry it"; exit 2; }
prefix="$PWD/bench/gpu/sysroot"
mkdir -p "$prefix"
for deb in "$bundle"/debs/*.deb; do dpkg -x "$deb" "$prefix"; done
export LD_LIBRARY_PATH="$prefix/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  [ -f "$icd" ] && export VK_DRIVER_FILES="$icd" && break
done
echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-none found}"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || true
[ -d node_modules/webgpu ] || tar -xzf "$bundle/node.tgz"
[ -f kernel-lib/dist/index.js ] || tar -xzf "$bundle/node.tgz" kernel-lib
node -e "
const a = require('./kernel-lib/dist/index.js');
a.initWebGPU().then((d) => { console.log('adlab webgpu:', d.description); process.exit(/Dawn\)$/.test(d.description) ? 0 : 3); },
  (e) => { console.error(e.message); process.exit(3); });
" || { echo 'Dawn did not reach the GPU through Vulkan (see above)'; exit 3; }
node bench/gpu/run.mjs --samples=10 "$@" 2>&1 | tee "$out/gpu-bench.txt"
