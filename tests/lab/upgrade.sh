#!/usr/bin/env bash
# Lab test of an upgrade interrupted between distribute and the service restart, on 3 real
# sshd + runit hosts. v1 and v2 of the lab demo package (scripts/build-lab-package.sh OUTDIR
# demo HELLO_VERSION) differ only in `hello`; `steady` is a second service that is the same in
# both.
#   usage: upgrade.sh ACPCTL_BINARY
# Checks: v1 converges; the v2 plan changes and restarts hello only; an apply of v2 killed
# right after its distribute steps leaves hello v1 running; the next plan still restarts it
# (state.json records what the service was started with); the rerun restarts hello only (new
# PID, serving v2) while steady keeps its PID; a further apply is a no-op. Exit 77 (skipped)
# when not root.
set -euo pipefail
acpctl=$(readlink -f "${1:?usage: upgrade.sh ACPCTL_BINARY}")
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/lib.sh"
lab_require_root

work=$(mktemp -d)
lab_cleanup_hook() { rm -rf "$work"; }

build() {
  ACPCTL=$acpctl bash "$root/scripts/build-lab-package.sh" "$work/$1" demo "$2" \
    >"$work/build-$1.log" 2>&1 || lab_fail "building $1 failed: $(cat "$work/build-$1.log")"
}
build v1 1.0.0
build v2 2.0.0

lab_up 3
lab_config >"$work/lab.yaml"
# run VERSION acpctl-command...: plan or apply with package VERSION (v1, v2).
run() {
  local v=$1 cmd=$2
  shift 2
  "$acpctl" "$cmd" -f "$work/lab.yaml" --package "$(ls "$work/$v"/core.amd64.v*.tgz)" \
    --key "$work/$v/acp-lab.pub" "$@"
}
pid_of() { lab_ssh "$1" sv status "/etc/service/acp-$2" | sed -nE 's/^run: [^(]*\(pid ([0-9]+)\).*/\1/p'; }
pids() { for x in 1 2 3; do echo "n$x hello=$(pid_of "n$x" hello) steady=$(pid_of "n$x" steady)"; done; }
# The version hello serves: its own script, from the version directory it was started in.
serving() {
  lab_ssh "$1" python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:8088/hello', timeout=2).read().decode())" |
    sed -nE 's/.*Version: ([0-9.]+).*/\1/p'
}
assert_serving() {
  local x v
  for x in 1 2 3; do
    v=$(serving "n$x")
    [ "$v" = "$1" ] || lab_fail "n$x: hello serves version '$v', want $1"
  done
}
steady_of() { grep -oE 'steady=[0-9]*' <<<"$1"; }
hello_of() { grep -oE 'hello=[0-9]*' <<<"$1"; }

# 1. v1 converges: hello 1.0.0 and steady run on every host.
run v1 apply --yes >"$work/out" 2>"$work/err" || lab_fail "v1 apply failed: $(cat "$work/out" "$work/err")"
has "$work/err" "Apply complete."
assert_serving 1.0.0
v1_pids=$(pids)
grep -qE 'hello=$|steady=$' <<<"$v1_pids" && lab_fail "a service is not running after v1: $v1_pids"
ok "v1 applied: hello 1.0.0 and steady run on 3 hosts"

# 2. The v2 plan changes hello and restarts it, nothing else.
rc=0
run v2 plan --detailed-exitcode >"$work/plan.out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || lab_fail "v2 plan gave exit $rc, want 2: $(cat "$work/plan.out")"
has "$work/plan.out" "Plan: 0 to create, 6 to change, 3 to restart, 0 to remove."
has "$work/plan.out" "~ hello 1.0.0 -> 2.0.0"
grep -q steady "$work/plan.out" && lab_fail "the v2 plan touches steady: $(cat "$work/plan.out")"
ok "v2 plan: hello changes and restarts on 3 hosts, steady untouched"

# 3. Killed right after the 3 distribute steps: files and state are v2, the service still v1.
rc=0
ACPCTL_TEST_EXIT_AFTER_STEP=3 run v2 apply --yes >"$work/out" 2>&1 || rc=$?
[ "$rc" -eq 137 ] || lab_fail "ACPCTL_TEST_EXIT_AFTER_STEP=3: exit $rc, want 137: $(cat "$work/out")"
for x in 1 2 3; do
  lab_ssh "n$x" readlink /opt/acp/components/hello/current >"$work/link"
  has "$work/link" "/opt/acp/components/hello/2.0.0"
  lab_ssh "n$x" cat /var/lib/acp/state.json >"$work/state-n$x.json"
  python3 - "$work/state-n$x.json" <<'EOF' || lab_fail "n$x: state.json after the kill: $(cat "$work/state-n$x.json")"
import json, sys
hello = json.load(open(sys.argv[1]))["components"]["hello"]
assert hello["version"] == "2.0.0", hello
assert hello["serviceDigest"] and hello["serviceDigest"] != hello["digest"], hello
EOF
done
[ "$(pids)" = "$v1_pids" ] || lab_fail "the killed apply restarted something: $v1_pids -> $(pids)"
assert_serving 1.0.0
ok "killed after distribute: hello 2.0.0 is current and recorded, v1 still runs (serviceDigest is the old digest)"

# 4. The next plan still restarts hello, and says why.
rc=0
run v2 plan --detailed-exitcode >"$work/plan.out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || lab_fail "plan after the kill gave exit $rc, want 2: $(cat "$work/plan.out")"
has "$work/plan.out" "Plan: 0 to create, 3 to change, 3 to restart, 0 to remove."
has "$work/plan.out" "~ restart hello"
has "$work/plan.out" "an apply stopped before the restart"
ok "plan after the kill: $(grep -m1 'restart hello' "$work/plan.out" | sed 's/^ *//')"

# 5. The rerun restarts hello only: new PIDs serving v2, steady's PIDs unchanged.
run v2 apply --yes >"$work/out" 2>"$work/err" || lab_fail "v2 rerun failed: $(cat "$work/out" "$work/err")"
has "$work/err" "Apply complete."
v2_pids=$(pids)
assert_serving 2.0.0
for x in 1 2 3; do
  before=$(grep "^n$x " <<<"$v1_pids")
  after=$(grep "^n$x " <<<"$v2_pids")
  [ "$(steady_of "$before")" = "$(steady_of "$after")" ] || lab_fail "n$x: steady restarted: $before -> $after"
  [ "$(hello_of "$after")" != "hello=" ] || lab_fail "n$x: hello is not running: $after"
  [ "$(hello_of "$before")" != "$(hello_of "$after")" ] || lab_fail "n$x: hello was not restarted: $after"
done
ok "rerun: hello restarted on 3 hosts and serves 2.0.0; steady kept its PIDs ($(tr '\n' ' ' <<<"$v2_pids"))"

# 6. A further apply changes nothing.
run v2 apply --yes >"$work/out" 2>"$work/err" || lab_fail "no-op apply failed: $(cat "$work/err")"
has "$work/out" "No changes."
[ "$(pids)" = "$v2_pids" ] || lab_fail "a no-op apply restarted something: $v2_pids -> $(pids)"
ok "further apply: no changes, same PIDs"
