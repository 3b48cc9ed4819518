# shellcheck shell=bash
# The harness of the cli tests (ctest label `cli`). Source it after setting `acpctl`, then:
#
#   check NAME WANT_CODE COMMAND...   run COMMAND (stdout to $scratch/out, stderr to
#                                     $scratch/err) and count a pass if it exits WANT_CODE
#   contains NAME FILE TEXT           count a pass if FILE contains TEXT
#   pass / fail NAME                  count one by hand
#   finish NAME                       print the tally; exit 1 if anything failed
#
# $scratch is a fresh directory, removed on exit.

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
passed=0
failed=0

pass() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  echo "FAIL: $*"
}

check() {
  local name=$1 want=$2
  shift 2
  "$@" >"$scratch/out" 2>"$scratch/err"
  local got=$?
  if [ "$got" = "$want" ]; then pass; else
    fail "$name: exit $got, want $want"
    cat "$scratch/err"
  fi
}

contains() {
  if grep -qF -- "$3" "$2"; then pass; else
    fail "$1: '$3' not in output:"
    cat "$2"
  fi
}

finish() {
  echo "$1: $passed passed, $failed failed"
  [ "$failed" = 0 ]
}
