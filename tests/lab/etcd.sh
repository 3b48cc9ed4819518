#!/usr/bin/env bash
# Lab test of the pki and etcd stages on real sshd/runit hosts with Debian's etcd 3.4.
#   usage: etcd.sh ACPCTL_BINARY
# 5 hosts, etcd on n1-n3 first (n4, n5 workers). Checks: after apply, `etcdctl endpoint
# health --cluster` with the generated health-check client certificate passes and put/get
# work; without a client certificate etcd refuses; a re-apply changes nothing and keeps the
# etcd PIDs; etcd's authorization refuses another certificate of the cluster CA; one member stopped: writes go on, status says 2/3; two stopped: status says
# QUORUM LOST (exit 3); a re-apply restarts them; grow to 5 members and shrink back to 3, a
# put/get loop running throughout must never fail for longer than a short gap; then a reset
# and a fresh 5-member bootstrap: 5 healthy, 2 of 5 down keeps writes, every member down is
# restarted together by one re-apply with the data intact. Prints the
# figures (apply to a healthy 3-member etcd; no-op re-apply). Exit 77 (skipped) when not root.
set -euo pipefail
acpctl=$(readlink -f "${1:?usage: etcd.sh ACPCTL_BINARY}")
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/lib.sh"
lab_require_root
command -v etcdctl >/dev/null || lab_fail "etcdctl is missing; run scripts/setup.sh"

work=$(mktemp -d)
loop_pid=""
stop_loop() {
  [ -z "$loop_pid" ] || { kill "$loop_pid" 2>/dev/null || true; wait "$loop_pid" 2>/dev/null || true; }
  loop_pid=""
}
lab_cleanup_hook() {
  stop_loop
  rm -rf "$work"
}
export ACPCTL_HOME=$work/home # the cluster's PKI lives here

ACPCTL=$acpctl bash "$root/scripts/build-lab-package.sh" "$work/pkg" demo >"$work/build.log" 2>&1 ||
  lab_fail "building the demo package failed: $(cat "$work/build.log")"
pkg=$(ls "$work"/pkg/core.amd64.v*.tgz)
key=$work/pkg/acp-lab.pub

lab_up 5
lab_config >"$work/five.yaml"
# etcd on n1-n3 only: n4 and n5 become workers.
python3 - "$work/five.yaml" "$work/three.yaml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
for n in ("n4", "n5"):
    text = re.sub(r"(- name: %s\n(?:      .*\n)*?)      roles: \[[^\]]*\]" % n, r"\1      roles: [worker]", text)
open(sys.argv[2], "w").write(text)
PY
grep -q 'roles: \[worker\]' "$work/three.yaml" || lab_fail "could not write the 3-member config"

pki=$ACPCTL_HOME/clusters/lab/pki
ctl() { # etcdctl from this machine with the generated health-check client certificate
  etcdctl --cacert="$pki/ca.crt" --cert="$pki/etcd/healthcheck-client.crt" \
    --key="$pki/etcd/healthcheck-client.key" --dial-timeout=2s --command-timeout=4s "$@"
}
three_eps=https://10.88.0.11:2379,https://10.88.0.12:2379,https://10.88.0.13:2379
apply() { # apply CONFIG OUT: apply, output in OUT.out/OUT.err
  "$acpctl" apply -f "$1" --package "$pkg" --key "$key" --yes >"$2.out" 2>"$2.err" ||
    lab_fail "apply -f $(basename "$1") failed: $(cat "$2.out" "$2.err")"
}
etcd_pid() { lab_ssh "$1" sv status /etc/service/acp-etcd | sed -nE 's/^run: [^(]*\(pid ([0-9]+)\).*/\1/p'; }
healthy_members() { # healthy_members N: endpoint health --cluster shows N healthy endpoints
  local n=$1 i
  for i in $(seq 1 20); do
    if ctl --endpoints=https://10.88.0.11:2379 endpoint health --cluster >"$work/health" 2>&1 &&
      [ "$(grep -c 'is healthy' "$work/health")" -eq "$n" ]; then
      return 0
    fi
    sleep 0.5
  done
  cat "$work/health" >&2
  lab_fail "endpoint health --cluster does not show $n healthy members"
}
status() { # status OUT: acpctl status, exit code in $status_rc
  status_rc=0
  "$acpctl" status -f "$work/three.yaml" >"$1" 2>&1 || status_rc=$?
}

# 1. First apply: PKI, 3 etcd members bootstrapping together (a new cluster).
t0=$(date +%s.%N)
apply "$work/three.yaml" "$work/first"
healthy_members 3
t1=$(date +%s.%N)
has "$work/first.out" "bootstrap a new etcd cluster: member 1 of 3, the members start together"
has "$work/first.out" "bootstrap a new etcd cluster: member 3 of 3"
if grep -qF "join the cluster" "$work/first.out"; then lab_fail "a new cluster's member joins"; fi
ok "apply: 3-member etcd healthy ($(grep -c 'is healthy' "$work/health") endpoints, --cluster, client cert)"
first_apply=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')

# 2. put/get with the client certificate; refused without one.
ctl --endpoints=$three_eps put /acp/test hello >/dev/null || lab_fail "put failed"
[ "$(ctl --endpoints=https://10.88.0.13:2379 get /acp/test --print-value-only)" = hello ] ||
  lab_fail "get on n3 did not return what was put on n1"
ok "put on the cluster, get from n3"
if etcdctl --cacert="$pki/ca.crt" --endpoints=https://10.88.0.11:2379 --dial-timeout=2s \
  --command-timeout=3s put /acp/nocert x >"$work/nocert" 2>&1; then
  lab_fail "a put without a client certificate was accepted"
fi
lab_ssh n1 stat -c '%a' /etc/acp/pki/etcd/server.key >"$work/mode"
[ "$(cat "$work/mode")" = 600 ] || lab_fail "server.key has mode $(cat "$work/mode"), want 600"
ok "without a client certificate etcd refuses ($(tail -n1 "$work/nocert")); keys are 0600"

# 2b. etcd's authorization: another certificate of the cluster CA (what a kubelet or a node's
# registry pull client holds) is refused reads and writes; acpctl's admin certificate works.
has "$work/first.out" "turn on etcd's authorization"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=system:node:n4" \
  -keyout "$work/other.key" -out "$work/other.csr" 2>/dev/null
printf 'extendedKeyUsage=clientAuth\n' >"$work/other.ext"
openssl x509 -req -in "$work/other.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
  -days 1 -extfile "$work/other.ext" -out "$work/other.crt" 2>/dev/null || lab_fail "could not sign a test certificate"
other() { etcdctl --cacert="$pki/ca.crt" --cert="$work/other.crt" --key="$work/other.key" \
  --endpoints=https://10.88.0.11:2379 --dial-timeout=2s --command-timeout=3s "$@"; }
for op in "get /acp/test" "put /acp/test stolen"; do
  # shellcheck disable=SC2086
  if other $op >"$work/other.out" 2>&1; then lab_fail "etcd let another cluster-CA certificate $op"; fi
  has "$work/other.out" "permission denied"
done
[ "$(ctl --endpoints=https://10.88.0.12:2379 get /acp/test --print-value-only)" = hello ] ||
  lab_fail "the value changed after the refused put"
etcdctl --endpoints=https://10.88.0.11:2379 --cacert "$pki/ca.crt" --cert "$pki/admin.crt" \
  --key "$pki/admin.key" --dial-timeout=2s --command-timeout=3s get /acp/test >/dev/null ||
  lab_fail "acpctl's admin certificate cannot read etcd"
ok "authorization on: a cluster-CA certificate with another CN is refused get and put; admin reads"

# 3. Re-apply: no changes, same etcd PIDs.
before=$(for x in 1 2 3; do etcd_pid "n$x"; done)
t0=$(date +%s.%N)
apply "$work/three.yaml" "$work/noop"
t1=$(date +%s.%N)
has "$work/noop.out" "No changes."
after=$(for x in 1 2 3; do etcd_pid "n$x"; done)
[ "$before" = "$after" ] || lab_fail "etcd PIDs changed on a no-op apply: $before -> $after"
noop_apply=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
ok "re-apply: No changes., same etcd PIDs"
status "$work/status"
[ "$status_rc" -eq 0 ] || lab_fail "status exit $status_rc: $(cat "$work/status")"
has "$work/status" "etcd: 3/3 members healthy, quorum ok"
has "$work/status" "(leader)"

# 4. One member stopped: writes go on; status 2/3.
lab_ssh n3 sv down /etc/service/acp-etcd >/dev/null
ctl --endpoints=$three_eps put /acp/test one-down >/dev/null || lab_fail "put with n3 down failed"
status "$work/status"
has "$work/status" "etcd: 2/3 members healthy, quorum ok"
has "$work/status" "etcd member down"
ok "n3 stopped: writes work, status says 2/3"

# 5. Two stopped: quorum lost (status exit 3).
lab_ssh n2 sv down /etc/service/acp-etcd >/dev/null
status "$work/status"
[ "$status_rc" -eq 3 ] || lab_fail "status exit $status_rc with quorum lost, want 3: $(cat "$work/status")"
has "$work/status" "QUORUM LOST"
ok "n2, n3 stopped: $(grep 'QUORUM LOST' "$work/status")"

# 6. Re-apply restarts them.
apply "$work/three.yaml" "$work/heal"
has "$work/heal.out" "2 to restart"
healthy_members 3
ok "re-apply restarted the two stopped members"

# 7. A put/get loop runs from here on; grow to 5 and shrink back to 3.
(
  i=0
  while true; do
    i=$((i + 1))
    if ctl --endpoints=$three_eps put /acp/loop "$i" >/dev/null 2>&1 &&
      [ "$(ctl --endpoints=$three_eps get /acp/loop --print-value-only 2>/dev/null)" = "$i" ]; then
      echo "$(date +%s.%N) ok"
    else
      echo "$(date +%s.%N) fail"
    fi
    sleep 0.2
  done
) >"$work/loop" &
loop_pid=$!
sleep 2

apply "$work/five.yaml" "$work/grow"
has "$work/grow.out" "+ etcd member n4"
has "$work/grow.out" "+ etcd member n5"
healthy_members 5
status "$work/status"
has "$work/status" "etcd: 5/5 members healthy, quorum ok"
ok "grown to 5 members"

apply "$work/three.yaml" "$work/shrink"
has "$work/shrink.out" "- etcd member n4"
has "$work/shrink.out" "- etcd member n5"
healthy_members 3
for x in 4 5; do
  out=$(lab_ssh "n$x" sh -c 'ls -d /var/lib/etcd /etc/acp/etcd /etc/acp/pki/etcd /etc/service/acp-etcd /opt/acp/components/etcd 2>/dev/null || true')
  [ -z "$out" ] || lab_fail "n$x still has etcd's files after the shrink: $out"
done
apply "$work/three.yaml" "$work/noop2"
has "$work/noop2.out" "No changes."
ok "shrunk to 3 members: n4, n5 removed and cleaned; then no changes"
sleep 1
stop_loop

# The loop's longest gap between two successful put+get rounds.
python3 - "$work/loop" <<'PY' >"$work/gap" || lab_fail "put/get loop: $(cat "$work/gap")"
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
ok = [float(t) for t, r in rows if r == "ok"]
fails = sum(1 for _, r in rows if r == "fail")
gap = max(b - a for a, b in zip(ok, ok[1:])) if len(ok) > 1 else 1e9
print(f"{len(rows)} rounds, {fails} failed, longest gap between successes {gap:.2f} s")
sys.exit(0 if len(ok) > 10 and gap < 5.0 else 1)
PY
ok "put/get loop through grow and shrink: $(cat "$work/gap")"

# 8. A fresh 5-member cluster: reset, then apply the 5-member config to empty nodes. The five
#    bootstrap together; 2 of 5 down: writes go on; all 5 down: a re-apply starts them together.
"$acpctl" reset -f "$work/five.yaml" --yes >"$work/reset.out" 2>&1 ||
  lab_fail "reset failed: $(cat "$work/reset.out")"
apply "$work/five.yaml" "$work/fresh5"
has "$work/fresh5.out" "bootstrap a new etcd cluster: member 5 of 5, the members start together"
healthy_members 5
five_eps=$three_eps,https://10.88.0.14:2379,https://10.88.0.15:2379
ctl --endpoints=$five_eps put /acp/five fresh >/dev/null || lab_fail "put on the fresh 5 failed"
status "$work/status"
has "$work/status" "etcd: 5/5 members healthy, quorum ok (tolerates 2 more failures)"
ok "fresh 5-member bootstrap: 5 healthy, tolerates 2 failures"
for x in 4 5; do lab_ssh "n$x" sv down /etc/service/acp-etcd >/dev/null; done
ctl --endpoints=$five_eps put /acp/five two-down >/dev/null || lab_fail "put with 2 of 5 down failed"
status "$work/status"
[ "$status_rc" -eq 0 ] || lab_fail "status exit $status_rc with 3 of 5 up: $(cat "$work/status")"
has "$work/status" "etcd: 3/5 members healthy, quorum ok (tolerates 0 more failures)"
ok "2 of 5 stopped: writes work, status 3/5 quorum ok"
for x in 1 2 3; do lab_ssh "n$x" sv down /etc/service/acp-etcd >/dev/null; done
status "$work/status"
[ "$status_rc" -eq 3 ] || lab_fail "status exit $status_rc with every member down, want 3"
apply "$work/five.yaml" "$work/allup"
has "$work/allup.out" "5 to restart"
healthy_members 5
[ "$(ctl --endpoints=$five_eps get /acp/five --print-value-only)" = two-down ] ||
  lab_fail "the last write before the stop is gone"
ok "all 5 stopped: one re-apply started them together, the data is there"

echo "figure: apply to a healthy 3-member etcd (5 hosts, fresh): ${first_apply} s"
echo "figure: no-op re-apply: ${noop_apply} s"
