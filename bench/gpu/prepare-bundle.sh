#!/usr/bin/env bash
# Run on the development machine (it reaches Debian's and npm's registries) before a session with
# an NVIDIA GPU machine: packs into bench/gpu/bundle/ (git-ignored, under the device tool's 64 MiB
# carry limit) what that machine cannot download: Debian's Vulkan loader and libglvnd family as
# .deb files (PLATFORM-NOTES.md, "WebGPU in Node") and the built library with the benchmark's npm
# packages (Dawn for linux-x64 only). Then: run bench/gpu/run-on-gpu.sh there with
# carry ["bench/gpu/bundle"].
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
out=bench/gpu/bundle
rm -rf "$out" && mkdir -p "$out/debs"
npm run build -w kernel-lib >/dev/null
(cd "$out/debs" && apt-get download libvulkan1 libglvnd0 libgl1 libglx0 libegl1 libopengl0 libgles2)
tar -czf "$out/node.tgz" \
  kernel-lib/dist kernel-lib/package.json \
  node_modules/webgpu/package.json node_modules/webgpu/index.js node_modules/webgpu/dist/linux-x64 \
  node_modules/@tensorflow/tfjs-core/package.json node_modules/@tensorflow/tfjs-core/dist \
  node_modules/@tensorflow/tfjs-backend-webgpu/package.json node_modules/@tensorflow/tfjs-backend-webgpu/dist \
  node_modules/@jax-js/jax node_modules/long node_modules/seedrandom
du -sh "$out"/*
