#!/usr/bin/env bash
# Every config in tests/config/invalid/ is rejected by the binary with exit 2, and each
# "# expect: LINE:COL: MESSAGE" line appears as "FILE:LINE:COL: error: MESSAGE".
set -uo pipefail
acpctl=$(realpath "$1")
cd tests/config/invalid
passed=0; failed=0
for f in *.yaml; do
  err=$("$acpctl" validate -f "$f" 2>&1 >/dev/null); code=$?
  if [ "$code" != 2 ]; then echo "FAIL: $f: exit $code, want 2"; failed=$((failed + 1)); continue; fi
  ok=1
  while IFS= read -r line; do
    expect=${line#\# expect: }
    pos=${expect%%: *}; message=${expect#*: }
    if [ "$pos" = "0:0" ]; then want="$f: error: $message"; else want="$f:$pos: error: $message"; fi
    grep -qF -- "$want" <<<"$err" || { echo "FAIL: $f: missing '$want' in:"; echo "$err"; ok=0; }
  done < <(grep -a '^# expect: ' "$f")
  if [ $ok = 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "invalid_configs: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -ge 20 ]
