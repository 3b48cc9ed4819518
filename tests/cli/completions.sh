#!/usr/bin/env bash
# completions/ must be exactly what the CLI generates, parse in each shell, and complete.
set -euo pipefail
acpctl=$1
status=0
for shell in bash zsh fish; do
  if ! diff -u "completions/acpctl.$shell" <("$acpctl" completion "$shell"); then
    echo "FAIL: completions/acpctl.$shell differs from \`acpctl completion $shell\`;" \
      "run scripts/gen-completions.sh and commit the result"
    status=1
  fi
done
bash -n completions/acpctl.bash
if command -v zsh >/dev/null; then zsh -n completions/acpctl.zsh; fi
if command -v fish >/dev/null; then fish -n completions/acpctl.fish; fi

# Behaviour: what bash offers at a few positions.
# shellcheck source=/dev/null
source completions/acpctl.bash
complete_at() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _acpctl; echo "${COMPREPLY[*]}"; }
expect() {
  local want=$1; shift
  local got; got=$(complete_at "$@")
  if [ "$got" != "$want" ]; then echo "FAIL: completing '$*': want '$want', got '$got'"; status=1; fi
}
expect "validate" acpctl val
expect "text json" acpctl -o ""
expect "json" acpctl validate --output j
expect "bash" acpctl completion ba
expect "--file" acpctl validate --fi
exit $status
