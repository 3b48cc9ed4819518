#!/usr/bin/env bash
# The layer rule, enforced: a folder of src/ (and include/acpctl/) includes only folders of a
# lower layer, never one of its own layer or above; the CLI includes no transport (it never
# opens a connection itself). The table is docs/architecture.md's "Layers", one row a line.
#   usage: tests/cli/layers.sh [ACPCTL_BINARY, ignored]   exit 1 naming every wrong-way include
# It first proves it can fail: a scratch tree with one wrong-way include must be refused.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)

layers=(
  "util version"
  "config state package"
  "transport pki service s3 oci kube"
  "facts"
  "remote preflight"
  "plan"
  "stages"
  "components"
  "runner"
  "cli"
)
declare -A rank
for i in "${!layers[@]}"; do
  for f in ${layers[$i]}; do rank[$f]=$i; done
done

# check_tree DIR: prints every violation under DIR; exit 1 if there is one.
check_tree() (
cd "$1"
bad=0
complain() {
  echo "$1"
  bad=1
}
while IFS= read -r dir; do
  folder=${dir##*/}
  [ -n "${rank[$folder]:-}" ] || complain "$dir: folder '$folder' is in no layer (add it to the table here and in docs/architecture.md)"
done < <(find src include/acpctl -mindepth 1 -maxdepth 1 -type d | sort)

while IFS=: read -r file line text; do
  rel=${file#src/}
  rel=${rel#include/acpctl/}
  from=${rel%%/*}
  to=$(sed -E 's|.*"acpctl/([a-z_]+)/.*|\1|' <<<"$text")
  [ "$from" != "$to" ] || continue
  if [ -z "${rank[$from]:-}" ] || [ -z "${rank[$to]:-}" ]; then continue; fi
  if [ "${rank[$to]}" -ge "${rank[$from]}" ]; then
    complain "$file:$line: $from (layer $((rank[$from]))) includes $to (layer $((rank[$to]))): a layer includes only layers below it"
  fi
  if [ "$from" = cli ] && [ "$to" = transport ]; then
    complain "$file:$line: the CLI includes transport; open connections in runner (runner::ssh_connect)"
  fi
done < <(grep -rnE '^#include "acpctl/[a-z_]+/' src include/acpctl)

exit "$bad"
)

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/src/util" "$scratch/src/cli" "$scratch/include/acpctl"
echo '#include "acpctl/runner/session.hpp"' >"$scratch/src/util/x.cpp"
echo '#include "acpctl/transport/ssh.hpp"' >"$scratch/src/cli/y.cpp"
if out=$(check_tree "$scratch"); then
  echo "FAIL: the check passed a tree with wrong-way includes"
  exit 1
fi
if ! grep -q 'util (layer 0) includes runner' <<<"$out" ||
  ! grep -q 'the CLI includes transport' <<<"$out"; then
  echo "FAIL: the check did not name both wrong-way includes: $out"
  exit 1
fi

check_tree "$repo"
echo "ok: every include goes down the layers (${#layers[@]} layers)"
