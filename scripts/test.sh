#!/usr/bin/env bash
# shellcheck disable=SC2317  # the tier functions below run through `tier NAME TITLE FUNCTION`
# Runs every test of acpctl on this machine (the README's test command; .ci/run calls it).
#   usage: scripts/test.sh [--full]
#   1. installs what is missing (scripts/setup.sh)
#   2. builds with warnings as errors and runs the ctest tiers one label at a time: unit, cli,
#      and, as root, lab
#   3. runs the libFuzzer targets briefly (scripts/fuzz.sh; clang, libFuzzer + ASan)
#   4. with --full only: builds again with AddressSanitizer + UndefinedBehaviorSanitizer and
#      runs the unit and cli tests under them
# The default run is bounded to fit 45 minutes on 2 cores: tests/lab/apply.sh kills acpctl after
# a subset of its steps chosen from the commit (successive commits cover every step), each
# fuzzer runs 15 s, and the second full compile (the sanitizer build, about as long as the
# first) is left to --full. --full kills after every step (ACPCTL_TEST_FULL=1), fuzzes 60 s per
# target and adds the sanitizer tier.
# At the end, also after a failure, prints the time of each tier and of each lab test. Exits
# non-zero if a tier failed; a failed build stops the run, a failed test tier does not.
# ccache keeps rebuilds fast; build trees live under build/.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/test_tiers.sh
source scripts/test_tiers.sh

full=0
case "${1:-}" in
  "") ;;
  --full) full=1 ;;
  *)
    echo "usage: scripts/test.sh [--full]   (--full: every kill point of the apply lab test)" >&2
    exit 2
    ;;
esac
export ACPCTL_TEST_FULL=$full
fuzz_seconds=15
[ "$full" = 0 ] || fuzz_seconds=60

jobs=$(nproc)
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
# Paths relative to the checkout, so a fresh clone elsewhere (CI) hits the same cache entries.
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
ccache --max-size=5G >/dev/null 2>&1 || true

build_ci() {
  cmake -S . -B build/ci -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DACPCTL_WERROR=ON \
    >/dev/null && cmake --build build/ci -j "$jobs"
}
# The sanitizer tier runs only unit and cli tests: build just their two executables.
build_asan() {
  cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DACPCTL_SANITIZE=ON \
    -DACPCTL_WERROR=ON >/dev/null && cmake --build build/asan -j "$jobs" --target acpctl acpctl_tests
}
ctest_label() {
  local dir=$1 label=$2
  shift 2
  ctest --test-dir "$dir" -L "^$label\$" --output-on-failure --timeout 900 "$@"
}
asan_tests() {
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build/asan -L '^(unit|cli)$' --output-on-failure -j "$jobs" --timeout 900
}
# ctest serialises the lab tests (RESOURCE_LOCK lab); its log gives each test's time.
lab_tests() {
  ctest_label build/ci lab | tee "$TIERS_LAB_LOG"
}

tiers_start
trap tiers_report EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
tier setup "install what is missing" bash scripts/setup.sh || exit 1
tier build "build (warnings as errors)" build_ci || exit 1
tier unit "unit tests" ctest_label build/ci unit -j "$jobs" || true
tier cli "command-line tests" ctest_label build/ci cli -j "$jobs" || true
tier lab "lab tests (ACPCTL_TEST_FULL=$full)" lab_tests || true
tier fuzz "fuzz: manifest parser and archive reader, ${fuzz_seconds} s each (clang, libFuzzer + ASan)" \
  env ACPCTL_BIN="$PWD/build/ci/acpctl" bash scripts/fuzz.sh "$fuzz_seconds" || true
if [ "$full" = 1 ]; then
  tier "asan build" "build with AddressSanitizer + UndefinedBehaviorSanitizer" build_asan || exit 1
  tier "asan tests" "unit and cli tests under AddressSanitizer + UndefinedBehaviorSanitizer" \
    asan_tests || true
fi
tiers_failed_exit
