#!/usr/bin/env bash
# The documented exit codes and output formats, seen from outside the binary.
set -uo pipefail
acpctl=$1
# shellcheck source=tests/cli/lib.sh
source "$(dirname "$0")/lib.sh"

check "version" 0 "$acpctl" version
contains "version lists libssh2" "$scratch/out" "libssh2"
check "version json" 0 "$acpctl" -o json version
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["libraries"]["libarchive"]' "$scratch/out" \
  && pass || fail "version json"
check "help" 0 "$acpctl" --help
check "no command" 2 "$acpctl"
check "unknown command" 2 "$acpctl" frobnicate
check "unknown flag" 2 "$acpctl" validate --nope
check "bad output format" 2 "$acpctl" -o yaml version
check "validate without -f" 2 "$acpctl" validate
"$acpctl" init > "$scratch/cluster.yaml"
check "init | validate" 0 "$acpctl" validate -f "$scratch/cluster.yaml"
check "init piped" 0 bash -c "'$acpctl' init | '$acpctl' validate -f -"
check "validate missing file" 2 "$acpctl" validate -f "$scratch/nope.yaml"
contains "missing file named" "$scratch/err" "nope.yaml"
check "validate a directory" 2 "$acpctl" validate -f "$scratch"
head -c 4096 "$acpctl" > "$scratch/binary"
check "validate a binary" 2 "$acpctl" validate -f "$scratch/binary"
contains "binary named" "$scratch/err" "is a binary file, not YAML"
: > "$scratch/empty.yaml"
check "validate empty" 2 "$acpctl" validate -f "$scratch/empty.yaml"
sed 's/vrid: 51/vrid: 999/' "$scratch/cluster.yaml" > "$scratch/bad.yaml"
check "invalid json" 2 "$acpctl" -o json validate -f "$scratch/bad.yaml"
python3 - "$scratch/out" <<'PY' && pass || fail "invalid json shape"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["valid"] is False and d["schema"] == 1
p = d["problems"][0]
assert p["line"] == 17 and p["column"] == 13 and "vrid" in p["path"], p
PY
check "init refuses to overwrite" 2 "$acpctl" init -f "$scratch/cluster.yaml"
check "init --force" 0 "$acpctl" init -f "$scratch/cluster.yaml" --force
check "global flag after command" 0 "$acpctl" validate -f "$scratch/cluster.yaml" -o json --no-color
finish cli_exit_codes
