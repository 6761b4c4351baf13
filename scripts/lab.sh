#!/usr/bin/env bash
# Installs everything into the checkout (scripts/setup.sh), then starts JupyterLab on notebooks/.
# Extra arguments go to `jupyter lab` (for example --port=8899).
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/setup.sh
source scripts/setup.sh
adlab_setup || { echo "setup failed; see above" >&2; exit 1; }

args=(--no-browser --ServerApp.root_dir="$ROOT/notebooks" --MappingKernelManager.default_kernel_name=adlab)
[ "$(id -u)" = 0 ] && args+=(--allow-root)
echo "Starting JupyterLab on notebooks/ (kernel: TypeScript (adlab)). Ctrl-C to stop."
exec jupyter lab "${args[@]}" "$@"
