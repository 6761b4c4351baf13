#!/usr/bin/env bash
# Installs everything into the checkout (scripts/setup.sh), then runs every test suite in order,
# continuing after failures. Each suite writes JUnit XML to test-results/; the last line printed is
# "N passed, N failed" over all of them, and the exit status is non-zero if anything failed.
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/setup.sh
source scripts/setup.sh

RESULTS="$ROOT/test-results"
rm -rf "$RESULTS"
mkdir -p "$RESULTS/logs"
started=$SECONDS

banner() { printf '\n\033[1m==== %s ====\033[0m\n' "$*"; }

# A command counted as one test case: its exit status decides.
step() {
  local name="$1"
  shift
  banner "$name"
  local log="$RESULTS/logs/$name.log"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  python3 scripts/junit.py step "$name" "$rc" "$log" "$RESULTS/step-$name.xml"
}

# A suite that writes its own JUnit file; if it fails without recording a failure there (a crash,
# no file at all), one failing case is added for it.
suite() {
  local name="$1" xml="$2"
  shift 2
  banner "$name"
  local log="$RESULTS/logs/$name.log"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  if [ "$rc" != 0 ]; then
    local failed=0
    [ -f "$xml" ] && failed="$(python3 scripts/junit.py counts "$xml" 2>/dev/null | cut -d' ' -f2)"
    if [ "${failed:-0}" = 0 ]; then
      python3 scripts/junit.py step "$name" "$rc" "$log" "$RESULTS/step-$name-exit.xml"
    fi
  fi
}

banner "setup"
setup_log="$RESULTS/logs/setup.log"
adlab_setup 2>&1 | tee "$setup_log"
python3 scripts/junit.py step setup "${PIPESTATUS[0]}" "$setup_log" "$RESULTS/step-setup.xml"
adlab_env

step lint npm run --silent lint
step format npm run --silent format:check
step typecheck npm run --silent typecheck

suite unit "$RESULTS/unit.xml" npx vitest run --passWithNoTests \
  --reporter=default --reporter=junit --outputFile.junit="$RESULTS/unit.xml"

suite python "$RESULTS/py.xml" python -m pytest test/kernel test/notebooks test/package \
  --junitxml="$RESULTS/py.xml" -o junit_family=xunit2

if [ -f test/e2e/playwright.config.ts ] && [ -x node_modules/.bin/playwright ]; then
  PLAYWRIGHT_JUNIT_OUTPUT_NAME="$RESULTS/e2e.xml" suite e2e "$RESULTS/e2e.xml" \
    npx playwright test -c test/e2e/playwright.config.ts --reporter=line,junit
else
  banner "e2e"
  echo "SKIPPED: test/e2e/playwright.config.ts or node_modules/.bin/playwright is missing"
fi

banner "line counts (STYLE.md: files over ~400 lines, core/ over ~600, are prompts to split)"
python3 scripts/line_counts.py kernel-lib/src labextension/src

banner "summary ($((SECONDS - started)) s)"
python3 scripts/junit.py summary "$RESULTS"
