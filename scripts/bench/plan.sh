#!/usr/bin/env bash
# Benchmark: `acpctl plan` and a no-op `acpctl apply` on a converged lab (3 hosts, then 10),
# next to `acpctl exec -- true` on the same hosts as the baseline round trip.
#   usage: scripts/bench/plan.sh [ACPCTL_BINARY]     (root; BENCH_ROUNDS=3)
# Builds the lab demo package, converges the lab with one apply, then times each command
# (best of BENCH_ROUNDS) and prints the times and the ratio to the baseline. Starts its own
# lab and always tears it down.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
acpctl=$(readlink -f "${1:-$root/build/acpctl}")
rounds=${BENCH_ROUNDS:-3}
# shellcheck source=tests/lab/lib.sh
source "$root/tests/lab/lib.sh"
lab_require_root
[ -x "$acpctl" ] || lab_fail "no acpctl binary at $acpctl; build first (ninja -C build acpctl)"
work=$(mktemp -d)
lab_cleanup_hook() { rm -rf "$work"; }
ACPCTL=$acpctl bash "$root/scripts/build-lab-package.sh" "$work/pkg" demo >/dev/null
pkg=$(ls "$work"/pkg/core.amd64.v*.tgz)
key=$work/pkg/acp-lab.pub

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# best CMD...: the best wall time of CMD in ms over $rounds runs.
best() {
  local b="" t0 t
  for ((r = 0; r < rounds; r++)); do
    t0=$(now_ms)
    "$@" >/dev/null 2>&1 || lab_fail "failed: $*"
    t=$(($(now_ms) - t0))
    if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
  done
  echo "$b"
}
secs() { awk -v ms="$1" 'BEGIN { printf "%.2f s", ms / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

for hosts in 3 10; do
  lab_up "$hosts"
  lab_config >"$work/lab.yaml"
  "$acpctl" apply -f "$work/lab.yaml" --package "$pkg" --key "$key" --yes >/dev/null 2>&1 ||
    lab_fail "converging $hosts hosts failed"
  base=$(best "$acpctl" exec -f "$work/lab.yaml" -- true)
  plan=$(best "$acpctl" plan -f "$work/lab.yaml" --package "$pkg" --key "$key")
  noop=$(best "$acpctl" apply -f "$work/lab.yaml" --package "$pkg" --key "$key" --yes)
  echo "== $hosts hosts, converged (best of $rounds)"
  printf 'exec -- true (baseline): %s\n' "$(secs "$base")"
  printf 'plan:                    %s   ratio %s\n' "$(secs "$plan")" "$(ratio "$plan" "$base")"
  printf 'no-op apply:             %s   ratio %s\n' "$(secs "$noop")" "$(ratio "$noop" "$base")"
  lab_down
done
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
