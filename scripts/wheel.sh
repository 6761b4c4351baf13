#!/usr/bin/env bash
# Builds the Python wheel (pyproject.toml) into python/dist/ from the current build: stages the
# kernel (python/bundle-kernel.mjs), then lets hatchling pack it without running npm again. Run
# after scripts/setup.sh (which builds the library and the extension). Prints the wheel's path.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
node python/bundle-kernel.mjs >&2
rm -rf python/dist
HATCH_JUPYTER_BUILDER_SKIP_NPM=1 .venv/bin/python -m pip wheel --disable-pip-version-check \
  --no-build-isolation --no-deps -q -w python/dist . >&2
ls "$ROOT"/python/dist/adlab-*.whl
