#!/usr/bin/env bash
# Lab test of plan/apply/reset against real sshd + runit hosts, with the lab demo package
# (scripts/build-lab-package.sh OUTDIR demo: etcd, etcdctl files, keepalived files, and the
# `hello` service with a health check).
#   usage: apply.sh ACPCTL_BINARY
# Checks: a first apply puts components on the right hosts with state serials and a running,
# healthy service; a second apply changes nothing (no uploads, same service PIDs); reset of
# one node; a live lock refuses a second apply, a dead holder's lock is taken over; a stale
# saved plan is refused; killing acpctl after a step and re-running converges; a final reset
# leaves the hosts clean. Exit 77 (skipped) when not root.
# Kill points: with ACPCTL_TEST_FULL=1 (scripts/test.sh --full) after every step; otherwise after
# every 4th step from an offset taken from the commit, plus the last step, so that 4 successive
# commits cover every step (see kill_points).
set -euo pipefail
acpctl=$(readlink -f "${1:?usage: apply.sh ACPCTL_BINARY}")
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/lib.sh"
lab_require_root

work=$(mktemp -d)
export ACPCTL_HOME=$work/home # the cluster's PKI (the etcd stage runs too)
holder_pid=""
lab_cleanup_hook() {
  [ -z "$holder_pid" ] || kill "$holder_pid" 2>/dev/null || true
  rm -rf "$work"
}

ACPCTL=$acpctl bash "$root/scripts/build-lab-package.sh" "$work/pkg" demo >"$work/build.log" 2>&1 ||
  lab_fail "building the demo package failed: $(cat "$work/build.log")"
pkg=$(ls "$work"/pkg/core.amd64.v*.tgz)
key=$work/pkg/acp-lab.pub

lab_up 3
lab_config >"$work/lab.yaml"
apply() { "$acpctl" apply -f "$work/lab.yaml" --package "$pkg" --key "$key" --yes; }
hello_pid() { lab_ssh "$1" sv status /etc/service/acp-hello | sed -nE 's/^run: [^(]*\(pid ([0-9]+)\).*/\1/p'; }
serial() { lab_ssh "$1" cat /var/lib/acp/state.json | sed -nE 's/.*"serial": ([0-9]+).*/\1/p'; }
assert_converged() {
  local x
  for x in 1 2 3; do
    for c in etcd/current/bin/etcd keepalived/current/sbin/keepalived hello/current/bin/hello; do
      lab_ssh "n$x" test -x "/opt/acp/components/$c" || lab_fail "n$x: $c missing"
    done
    [ -n "$(hello_pid "n$x")" ] || lab_fail "n$x: acp-hello is not running"
    lab_ssh "n$x" python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8088/')" ||
      lab_fail "n$x: hello does not answer"
  done
}
assert_clean() {
  local x out
  for x in "$@"; do
    out=$(lab_ssh "n$x" sh -c 'ls -d /opt/acp /var/lib/acp /var/log/acp /etc/service/acp-* /etc/service/.acp-* 2>/dev/null || true')
    [ -z "$out" ] || lab_fail "n$x is not clean after reset: $out"
  done
}
no_changes() {
  apply >"$work/noop.out" 2>"$work/noop.err" || lab_fail "no-op apply failed: $(cat "$work/noop.err")"
  has "$work/noop.out" "No changes."
}

# 1. First apply.
apply >"$work/out" 2>"$work/err" || lab_fail "apply failed: $(cat "$work/out" "$work/err")"
has "$work/out" "Plan: 25 to create"
has "$work/err" "Apply complete."
assert_converged
for x in 1 2 3; do
  s=$(serial "n$x")
  [ "$s" -eq 8 ] || lab_fail "n$x: serial $s, want 8 (3 distribute, pki, etcd, keepalived, services, release)"
done
ok "first apply: 3 components on each host, acp-hello healthy, serial 8 on each"

# 2. A second apply changes nothing and restarts nothing.
before=$(for x in 1 2 3; do hello_pid "n$x"; done)
no_changes
after=$(for x in 1 2 3; do hello_pid "n$x"; done)
[ "$before" = "$after" ] || lab_fail "service PIDs changed: $before -> $after"
[ "$(serial n1)" -eq 8 ] || lab_fail "a no-op apply committed state"
ok "second apply: no changes, same PIDs, no commits"

# 3. Reset one node; the others stay as they are.
"$acpctl" reset -f "$work/lab.yaml" --nodes n1 --yes >"$work/out" 2>"$work/err" ||
  lab_fail "reset n1 failed: $(cat "$work/err")"
assert_clean 1
[ "$(hello_pid n2)" = "$(echo "$after" | sed -n 2p)" ] || lab_fail "reset n1 touched n2"
ok "reset --nodes n1: n1 clean, n2 untouched"

# 4. Save a plan (changes on n1 only).
rc=0
"$acpctl" plan -f "$work/lab.yaml" --package "$pkg" --key "$key" --out "$work/plan.json" \
  --detailed-exitcode >"$work/plan.out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || lab_fail "plan --detailed-exitcode gave $rc, want 2: $(cat "$work/plan.out")"
ok "plan --detailed-exitcode: 2 with changes, saved"

# 5. A live lock holder refuses the apply; nothing changes on n1.
sleep 300 &
holder_pid=$!
start=$(awk '{sub(/.*\) /, ""); print $20}' "/proc/$holder_pid/stat")
printf '{"controller":"%s","pid":%s,"pidStart":"%s","startedAt":"%s","command":"acpctl apply"}\n' \
  "$(hostname)" "$holder_pid" "$start" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$work/lock.json"
lab_ssh n1 mkdir -p /var/lib/acp
lab_ssh n1 sh -c "cat > /var/lib/acp/apply.lock" <"$work/lock.json"
rc=0
apply >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" -eq 1 ] || lab_fail "apply with a live lock gave $rc, want 1"
has "$work/err" "--force-unlock"
has "$work/err" "pid $holder_pid"
lab_ssh n1 test ! -e /opt/acp/components || lab_fail "apply changed n1 despite the lock"
ok "a live lock refuses a second apply and names the holder"

# 6. The holder is gone: its lock is taken over; the saved plan is now stale.
kill "$holder_pid"
wait "$holder_pid" 2>/dev/null || true
holder_pid=""
apply >"$work/out" 2>"$work/err" || lab_fail "apply after the holder died failed: $(cat "$work/err")"
assert_converged
rc=0
"$acpctl" apply "$work/plan.json" --yes >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" -eq 1 ] || lab_fail "a stale plan gave exit $rc, want 1"
has "$work/err" "n1"
has "$work/err" "the plan is stale"
has "$work/err" "serial"
ok "dead holder's lock taken over; stale saved plan refused: $(grep -m1 -i serial "$work/err" || true)"

# 7. Kill acpctl right after a step; a rerun converges; a further apply is a no-op.
steps=25
# Sets kill_at (the steps to kill after) and why. Default: offset = the first 8 hex digits of the
# commit mod 4 (0 without git), steps offset+1, offset+5, ... and the last step.
choose_kill_points() {
  local commit offset n
  kill_at=()
  if [ "${ACPCTL_TEST_FULL:-0}" = 1 ]; then
    for ((n = 1; n <= steps; n++)); do kill_at+=("$n"); done
    why="ACPCTL_TEST_FULL=1: every step"
    return
  fi
  commit=$(git -C "$root" rev-parse HEAD 2>/dev/null) || commit=""
  offset=0
  [ -z "$commit" ] || offset=$((16#${commit:0:8} % 4))
  for ((n = offset + 1; n < steps; n += 4)); do kill_at+=("$n"); done
  kill_at+=("$steps")
  why="commit ${commit:0:12} → offset $offset; --full runs all"
  [ -n "$commit" ] || why="no git commit → offset 0; --full runs all"
}
choose_kill_points
points=${kill_at[*]}
echo "kill points $points of $steps ($why)"
for n in "${kill_at[@]}"; do
  "$acpctl" reset -f "$work/lab.yaml" --yes >/dev/null 2>"$work/err" ||
    lab_fail "reset before kill $n failed: $(cat "$work/err")"
  rc=0
  ACPCTL_TEST_EXIT_AFTER_STEP=$n apply >/dev/null 2>&1 || rc=$?
  [ "$rc" -eq 137 ] || lab_fail "ACPCTL_TEST_EXIT_AFTER_STEP=$n: exit $rc, want 137"
  apply >"$work/out" 2>"$work/err" || lab_fail "rerun after kill at step $n failed: $(cat "$work/err")"
  assert_converged
  no_changes
done
ok "killed after steps $points of $steps: every rerun converged, then no changes"

# 8. Reset everything: the hosts are as before.
"$acpctl" reset -f "$work/lab.yaml" --yes >"$work/out" 2>"$work/err" ||
  lab_fail "reset failed: $(cat "$work/err")"
assert_clean 1 2 3
ok "reset: no /opt/acp, /var/lib/acp, /var/log/acp or acp services left"
