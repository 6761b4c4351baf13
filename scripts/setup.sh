# Installs everything adlab needs into the checkout, and exports the environment that points
# Jupyter at it. Source it (`source scripts/setup.sh`) from lab.sh and test.sh, or run it alone.
# Idempotent: a second run rebuilds only what changed (stamps in node_modules/.adlab-stamps/).
#
# Puts nothing outside the checkout:
#   .venv/            Python packages (requirements.txt)
#   node_modules/     npm packages (package-lock.json)
#   data/             JUPYTER_PATH: kernels/adlab/ (kernelspec) and labextensions/ (prebuilt extension)
#   data/config, data/runtime, data/lab/...   Jupyter's config, runtime and settings folders

ADLAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

adlab_log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

adlab_sha() { sha256sum "$1" | cut -d' ' -f1; }

# Points Jupyter at data/ (kernelspec, extension) and keeps its writable folders in STATE (default
# data/; the browser tests pass a throw-away folder): `adlab_env [STATE]`.
adlab_env() {
  local state="${1:-$ADLAB_ROOT/data}"
  export JUPYTER_PATH="$ADLAB_ROOT/data"
  export JUPYTER_DATA_DIR="$state"
  export JUPYTER_CONFIG_DIR="$state/config"
  export JUPYTER_RUNTIME_DIR="$state/runtime"
  export JUPYTERLAB_SETTINGS_DIR="$state/lab/user-settings"
  export JUPYTERLAB_WORKSPACES_DIR="$state/lab/workspaces"
  export JUPYTER_PLATFORM_DIRS=1
  export PATH="$ADLAB_ROOT/.venv/bin:$ADLAB_ROOT/node_modules/.bin:$PATH"
}

# The Debian packages in scripts/apt-packages.txt (the only things installed outside the checkout):
# installed when missing if we are root, else named with the command to run.
adlab_system_packages() {
  command -v dpkg-query >/dev/null || return 0
  local missing=() pkg
  while read -r pkg; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done < <(grep -v '^\s*#' "$ADLAB_ROOT/scripts/apt-packages.txt" | grep -v '^\s*$')
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    adlab_log "installing Debian packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" ||
      adlab_log "WARNING: apt-get could not install ${missing[*]}; continuing without them"
  else
    adlab_log "WARNING: missing Debian packages; run: sudo apt-get install -y ${missing[*]}"
  fi
}

adlab_check_tools() {
  local ok=0
  command -v node >/dev/null || { echo "setup: node (>= 20) is required" >&2; ok=1; }
  command -v npm >/dev/null || { echo "setup: npm is required" >&2; ok=1; }
  command -v python3 >/dev/null || { echo "setup: python3 (>= 3.10) is required" >&2; ok=1; }
  if command -v node >/dev/null && [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
    echo "setup: Node 20 or newer is required (found $(node --version))" >&2
    ok=1
  fi
  if command -v python3 >/dev/null && ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
    echo "setup: Python 3.10 or newer is required (found $(python3 --version 2>&1))" >&2
    ok=1
  fi
  return $ok
}

adlab_python() {
  local stamp="$ADLAB_ROOT/.venv/.requirements.sha256"
  # A venv without pip (a half-made one) or whose python3 is gone is made again from scratch;
  # --clear also drops the stamp, so the packages are reinstalled. (Checked without running pip,
  # which alone takes a second or two.)
  if ! [ -f "$ADLAB_ROOT/.venv/bin/pip" ] || ! "$ADLAB_ROOT/.venv/bin/python" -c '' 2>/dev/null; then
    # Debian splits ensurepip (which `python3 -m venv` needs) into the python3-venv package.
    if ! python3 -c 'import ensurepip' 2>/dev/null; then
      echo "setup: python3 cannot create a venv: install the Debian package python3-venv" >&2
      return 1
    fi
    adlab_log "creating .venv"
    python3 -m venv --clear "$ADLAB_ROOT/.venv" || return 1
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$(adlab_sha "$ADLAB_ROOT/requirements.txt")" ]; then
    adlab_log "installing Python packages (requirements.txt)"
    "$ADLAB_ROOT/.venv/bin/python" -m pip install --disable-pip-version-check -q \
      -r "$ADLAB_ROOT/requirements.txt" || return 1
    adlab_sha "$ADLAB_ROOT/requirements.txt" >"$stamp"
  else
    adlab_log "Python packages up to date"
  fi
}

adlab_node() {
  local stamp="$ADLAB_ROOT/node_modules/.adlab-lock.sha256"
  local lock="$ADLAB_ROOT/package-lock.json"
  local hidden="$ADLAB_ROOT/node_modules/.package-lock.json"
  local want
  want="$(adlab_sha "$lock")"
  # In sync: our stamp matches, or npm itself updated node_modules after the lockfile changed.
  if [ -d "$ADLAB_ROOT/node_modules" ] &&
    { [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] || [ "$hidden" -nt "$lock" ]; }; then
    adlab_log "npm packages up to date"
  else
    adlab_log "installing npm packages (npm ci)"
    (cd "$ADLAB_ROOT" && npm ci --no-audit --no-fund) || return 1
  fi
  echo "$want" >"$stamp"
}

# A hash of the files under the given paths (relative to the checkout): a build's inputs.
adlab_inputs_sha() {
  (cd "$ADLAB_ROOT" && find "$@" -type f -not -name '*.tsbuildinfo' -print0 2>/dev/null |
    sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}

# Builds one workspace (kernel-lib, labextension) unless its inputs match the stamp of the last
# successful build and its output is there: a second start skips the ~20 s of tsc and Rspack.
adlab_build_one() {
  local name="$1" output="$2"
  shift 2
  local stamp="$ADLAB_ROOT/node_modules/.adlab-stamps/$name.sha256" want
  want="$(adlab_inputs_sha "$@")"
  if [ -e "$ADLAB_ROOT/$output" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    adlab_log "$name up to date"
    return 0
  fi
  adlab_log "building $name (npm run build -w $name)"
  (cd "$ADLAB_ROOT" && npm run --silent build -w "$name") || return 1
  mkdir -p "$(dirname "$stamp")"
  echo "$want" >"$stamp"
}

ADLAB_SHARED_INPUTS=(package-lock.json tsconfig.base.json install.json)
ADLAB_LIB_INPUTS=(kernel-lib/src kernel-lib/wasm kernel-lib/scripts kernel-lib/package.json
  kernel-lib/tsconfig.json)

adlab_build() {
  adlab_build_one kernel-lib kernel-lib/dist/index.js \
    "${ADLAB_SHARED_INPUTS[@]}" "${ADLAB_LIB_INPUTS[@]}" || return 1
  # The extension imports the library's types, so the library's inputs are its inputs too.
  adlab_build_one labextension labextension/prebuilt/package.json "${ADLAB_SHARED_INPUTS[@]}" \
    "${ADLAB_LIB_INPUTS[@]}" labextension/src labextension/style labextension/package.json \
    labextension/tsconfig.json
}

adlab_kernelspec() {
  local dir="$ADLAB_ROOT/data/kernels/adlab"
  mkdir -p "$dir"
  ADLAB_NODE="$(command -v node)" ADLAB_LAUNCHER="$ADLAB_ROOT/kernel/launcher.js" \
    "$ADLAB_ROOT/.venv/bin/python" - "$ADLAB_ROOT/kernel/kernel.json" "$dir/kernel.json" <<'EOF'
import json, os, sys
spec = json.load(open(sys.argv[1]))
subst = {"@NODE@": os.environ["ADLAB_NODE"], "@LAUNCHER@": os.environ["ADLAB_LAUNCHER"]}
spec["argv"] = [subst.get(a, a) for a in spec["argv"]]
json.dump(spec, open(sys.argv[2], "w"), indent=2)
EOF
  adlab_log "kernelspec 'adlab' installed in data/kernels/adlab"
}

# Links the prebuilt extension (labextension/prebuilt, written by its build, which also copies the
# top-level install.json there) into data/labextensions/adlab-labextension.
adlab_labextension() {
  local src="$ADLAB_ROOT/labextension/prebuilt"
  local dst="$ADLAB_ROOT/data/labextensions/adlab-labextension"
  if [ ! -f "$src/package.json" ]; then
    rm -rf "$dst"
    adlab_log "WARNING: no prebuilt extension in labextension/prebuilt (build it with npm run build)"
    return 0
  fi
  local entry want=""
  for entry in "$src"/*; do want+="$(basename "$entry") "; done
  # Already linked (the same entries, each a link into prebuilt/) and checked once: done.
  if [ -f "$dst/.checked" ] && [ "$(cat "$dst/.checked")" = "$want" ]; then
    adlab_log "JupyterLab extension linked in data/labextensions"
    return 0
  fi
  rm -rf "$dst"
  mkdir -p "$dst"
  for entry in "$src"/*; do
    ln -s "$entry" "$dst/$(basename "$entry")"
  done
  local listing
  listing="$(jupyter labextension list 2>&1)"
  if grep -q "adlab-labextension.*enabled.*OK" <<<"$listing"; then
    adlab_log "JupyterLab extension: $(grep "adlab-labextension" <<<"$listing" | sed 's/^ *//')"
    echo "$want" >"$dst/.checked"
  else
    adlab_log "WARNING: adlab-labextension is not 'enabled OK':"
    echo "$listing"
    return 1
  fi
}

adlab_setup() {
  local started=$SECONDS
  adlab_system_packages
  adlab_check_tools || return 1
  adlab_env
  adlab_python || return 1
  adlab_node || return 1
  mkdir -p "$ADLAB_ROOT/data/runtime"
  adlab_kernelspec || return 1
  adlab_build || return 1
  adlab_labextension || return 1
  adlab_log "done in $((SECONDS - started)) s"
}

# Run directly (not sourced): set up and report.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -u
  adlab_setup
  exit $?
fi
