#!/usr/bin/env bash
# Runs every test of acpctl on this machine (the README's test command; .ci/run calls it).
#   1. installs what is missing (scripts/setup.sh)
#   2. builds with warnings as errors and runs every ctest test: unit, cli, and, as root, lab
#   3. builds again with AddressSanitizer + UndefinedBehaviorSanitizer and runs the unit and
#      cli tests under them
# ccache keeps rebuilds fast; build trees live under build/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc)
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
# Paths relative to the checkout, so a fresh clone elsewhere (CI) hits the same cache entries.
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
ccache --max-size=5G >/dev/null 2>&1 || true

echo "== build (warnings as errors)"
cmake -S . -B build/ci -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DACPCTL_WERROR=ON >/dev/null
cmake --build build/ci -j "$jobs"

echo "== tests"
ctest --test-dir build/ci --output-on-failure -j "$jobs" --timeout 900

echo "== unit and cli tests under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DACPCTL_SANITIZE=ON \
  -DACPCTL_WERROR=ON >/dev/null
cmake --build build/asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build/asan -L 'unit|cli' --output-on-failure -j "$jobs" --timeout 900

echo "== fuzz: manifest parser and archive reader, 15 s each (clang, libFuzzer + ASan)"
ACPCTL_BIN=$PWD/build/ci/acpctl bash scripts/fuzz.sh 15
