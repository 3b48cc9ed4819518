#!/usr/bin/env bash
# The size rules, enforced: every function in src/ under 80 lines, every file under 300, as
# scripts/sizes.py measures them. Files named in tests/cli/sizes_allow.txt are exempt for now.
#   usage: tests/cli/sizes.sh [ACPCTL_BINARY, ignored]   exit 1 naming every offender
# It first proves it can fail: a scratch tree with an 80-line function and a 300-line file
# must be refused, and passed once both are allow-listed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
sizes=(python3 "$repo/scripts/sizes.py" -n 5 --max-function 80 --max-file 300)

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/src/util"
{
  echo 'int long_one() {'
  for i in $(seq 78); do echo "  int v$i = $i;"; done
  echo '}'
} >"$scratch/src/util/long.cpp"
for i in $(seq 300); do echo "int g$i;"; done >"$scratch/src/util/big.cpp"
if out=$("${sizes[@]}" "$scratch"); then
  echo "FAIL: the check passed a tree with an 80-line function and a 300-line file"
  exit 1
fi
if ! grep -q 'function 80 lines >= 80: src/util/long.cpp:1 long_one' <<<"$out" ||
  ! grep -q 'file 300 lines >= 300: src/util/big.cpp' <<<"$out"; then
  echo "FAIL: the check did not name both offenders: $out"
  exit 1
fi
printf '# scratch\nsrc/util/long.cpp\nsrc/util/big.cpp\n' >"$scratch/allow.txt"
if ! out=$("${sizes[@]}" --allow "$scratch/allow.txt" "$scratch"); then
  echo "FAIL: the check refused allow-listed files: $out"
  exit 1
fi

"${sizes[@]}" --allow "$repo/tests/cli/sizes_allow.txt" "$repo"
echo "ok: every function under 80 lines, every file under 300 (but the allow-listed)"
