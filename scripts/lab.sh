#!/usr/bin/env bash
# Installs everything into the checkout (scripts/setup.sh), then starts JupyterLab on notebooks/.
# Extra arguments go to `jupyter lab` (for example --port=8899).
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/setup.sh
source scripts/setup.sh
if ! adlab_setup; then
  if [ -f kernel-lib/dist/index.js ] && [ -f data/kernels/adlab/kernel.json ]; then
    echo "WARNING: setup failed (see above); starting JupyterLab with the last successful build" >&2
    adlab_env
  else
    echo "setup failed; see above" >&2
    exit 1
  fi
fi

args=(--no-browser --ServerApp.root_dir="$ROOT/notebooks" --MappingKernelManager.default_kernel_name=adlab)
[ "$(id -u)" = 0 ] && args+=(--allow-root)
echo "Starting JupyterLab on notebooks/ (kernel: TypeScript (adlab)). Ctrl-C to stop."
exec jupyter lab "${args[@]}" "$@"
