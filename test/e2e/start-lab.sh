#!/usr/bin/env bash
# Starts the JupyterLab that the browser tests drive: the repo's .venv, the repo's data folder
# (kernelspec "adlab" and the prebuilt extension) on JUPYTER_PATH, throw-away config, runtime,
# settings and workspace folders, no token, port 8899, root folder notebooks/ (inside the repo, so
# tslab resolves adlab's types). Playwright's webServer runs it and stops it with SIGTERM.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PORT="${ADLAB_E2E_PORT:-8899}"
STATE="$ROOT/test-results/e2e-jupyter"
rm -rf "$STATE"

if [ ! -e "$ROOT/data/labextensions/adlab-labextension/package.json" ]; then
  echo "start-lab: $ROOT/data/labextensions/adlab-labextension is missing: run scripts/setup.sh" >&2
  exit 1
fi

# shellcheck source=scripts/setup.sh
source "$ROOT/scripts/setup.sh"
adlab_env "$STATE"
mkdir -p "$JUPYTER_RUNTIME_DIR"
export ADLAB_E2E_PORT="$PORT"
export ADLAB_E2E_ROOT_DIR="$ROOT/notebooks"

exec "$ROOT/.venv/bin/jupyter" lab \
  --config="$ROOT/test/e2e/jupyter_server_test_config.py" \
  --ServerApp.allow_root=True --no-browser \
  --ServerApp.token= --ServerApp.password= \
  --port "$PORT" --ServerApp.port_retries=0 \
  --ServerApp.root_dir="$ROOT/notebooks"
