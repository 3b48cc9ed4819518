#!/usr/bin/env bash
# Lab test of the preflight checks that need real hosts, on 3 sshd + runit hosts with the lab
# demo package (scripts/build-lab-package.sh OUTDIR demo).
#   usage: preflight.sh ACPCTL_BINARY
# Checks: a fresh lab passes (nothing listens on 2380 yet: "connection refused" proves the
# path); with the route from n1 to n2 cut inside n1's netns (ip route add unreachable), the plan
# fails naming n1 (no route to n2) and n2 (no answer from n1) with the ports, and not n3; with
# the route back it passes; a process of someone else's on hello's declared port 8088 on n3
# fails the plan for n3 only. Exit 77 (skipped) when not root.
# With RECORD_REACH_DIR set, n1's and n2's raw probe output with the route cut is saved there
# (tests/data/reach/ holds such a recording for the unit tests).
set -euo pipefail
acpctl=$(readlink -f "${1:?usage: preflight.sh ACPCTL_BINARY}")
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/lib.sh"
lab_require_root

work=$(mktemp -d)
lab_cleanup_hook() { rm -rf "$work"; }

ACPCTL=$acpctl bash "$root/scripts/build-lab-package.sh" "$work/pkg" demo >"$work/build.log" 2>&1 ||
  lab_fail "building the demo package failed: $(cat "$work/build.log")"
pkg=$(ls "$work"/pkg/core.amd64.v*.tgz)
key=$work/pkg/acp-lab.pub

lab_up 3
lab_config >"$work/lab.yaml"
plan() { "$acpctl" plan -f "$work/lab.yaml" --package "$pkg" --key "$key"; }
plan_fails() {
  local rc=0
  plan >"$work/out" 2>&1 || rc=$?
  [ "$rc" -eq 1 ] || lab_fail "plan gave exit $rc, want 1 (preflight): $(cat "$work/out")"
  has "$work/out" "Preflight found problems:"
}
# The lines of one host's block in the preflight report ("n1:" up to the next host).
block_of() { sed -n "/^$1:\$/,/^n[0-9]*:\$/p" "$work/out" | sed '1d; /^n[0-9]*:$/d'; }

# 1. A fresh lab passes: every probe connects or is refused.
plan >"$work/out" 2>&1 || lab_fail "plan on a fresh lab failed: $(cat "$work/out")"
has "$work/out" "Plan: "
ok "fresh lab: every node reaches its peers on 22 and 2380"

# 2. Cut n1 -> n2 inside n1's network namespace: both ends are reported, n3 is not.
lab_ssh n1 ip route add unreachable "$(lab_ip 2)/32"
t0=$(date +%s)
plan_fails
took=$(($(date +%s) - t0))
block_of n1 >"$work/n1"
block_of n2 >"$work/n2"
has "$work/n1" "cannot reach n2 ($(lab_ip 2)) on TCP 22 (ssh), 2380 (etcd peer): No route to host"
has "$work/n1" "allow TCP 22,2380 from n1 ($(lab_ip 1)) to n2"
has "$work/n2" "cannot reach n1 ($(lab_ip 1)) on TCP 22 (ssh), 2380 (etcd peer): no answer within 3 s"
grep -q '^n3:$' "$work/out" && lab_fail "n3 was reported: $(cat "$work/out")"
[ "$took" -lt 15 ] || lab_fail "the plan took ${took}s with a cut route; the probes should take ~3 s"
ok "route n1 -> n2 cut: n1 (no route) and n2 (no answer) reported with the ports, n3 not (${took}s)"

if [ -n "${RECORD_REACH_DIR:-}" ]; then
  # The probe script exactly as acpctl sends it, with the arguments it sends from n1 and n2.
  script=$(sed -n '/^const std::string_view k_reach_script = R"SH(/,/^)SH";/p' \
    "$root/src/preflight/reach.cpp" | sed '1s/.*R"SH(//; $d')
  mkdir -p "$RECORD_REACH_DIR"
  lab_ssh n1 bash -c "$script" bash 3 "$(lab_ip 2)" 22 "$(lab_ip 2)" 2380 \
    "$(lab_ip 3)" 22 "$(lab_ip 3)" 2380 >"$RECORD_REACH_DIR/n1-route-cut.txt"
  lab_ssh n2 bash -c "$script" bash 3 "$(lab_ip 1)" 22 "$(lab_ip 1)" 2380 \
    "$(lab_ip 3)" 22 "$(lab_ip 3)" 2380 >"$RECORD_REACH_DIR/n2-route-cut.txt"
  echo "recorded the probe output of n1 and n2 in $RECORD_REACH_DIR"
fi

lab_ssh n1 ip route del unreachable "$(lab_ip 2)/32"
plan >"$work/out" 2>&1 || lab_fail "plan after restoring the route failed: $(cat "$work/out")"
ok "route restored: the plan passes again"

# 3. Someone else's listener on hello's declared port (8088) on n3.
pid=$(lab_ssh n3 sh -c 'python3 -m http.server --bind 127.0.0.1 8088 </dev/null >/dev/null 2>&1 & echo $!')
for _ in $(seq 50); do
  lab_ssh n3 sh -c 'grep -q ":1F98 00000000:0000 0A" /proc/net/tcp' && break
  sleep 0.1
done
plan_fails
block_of n3 >"$work/n3"
has "$work/n3" "TCP port 8088 in use"
grep -qE '^n[12]:$' "$work/out" && lab_fail "n1 or n2 was reported: $(cat "$work/out")"
lab_ssh n3 kill "$pid"
ok "a foreign listener on hello's declared port 8088 fails n3 only"
