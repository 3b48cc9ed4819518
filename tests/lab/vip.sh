#!/usr/bin/env bash
# Lab test of the keepalived stage: the VIP 10.88.0.100 on 3 real hosts with real etcd and
# keepalived (the lab demo package: etcd and keepalived binaries as files; the pki, etcd and
# keepalived stages run them).
#   usage: vip.sh ACPCTL_BINARY
# Checks: after apply the VIP is on exactly one host and answers ping; a re-apply plans nothing and
# restarts nothing; `sv down` of keepalived on the holder moves the VIP, and a re-apply plans
# only that restart and brings it back; etcd stopped on the holder moves the VIP away (the
# health check works); a crash of the holder's host (link down, PID 1 killed) moves the VIP
# within a few seconds. Exit 77 (skipped) when not root.
set -euo pipefail
acpctl=$(readlink -f "${1:?usage: vip.sh ACPCTL_BINARY}")
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lab/vip_lib.sh
source "$(dirname "$0")/vip_lib.sh"
lab_require_root

work=$(mktemp -d)
lab_cleanup_hook() { rm -rf "$work"; }
export ACPCTL_HOME=$work/home

command -v etcdctl >/dev/null || lab_fail "etcdctl is missing; run scripts/setup.sh"
ACPCTL=$acpctl bash "$root/scripts/build-lab-package.sh" "$work/pkg" demo >"$work/build.log" 2>&1 ||
  lab_fail "building the demo package failed: $(cat "$work/build.log")"
pkg=$(ls "$work"/pkg/core.amd64.v*.tgz)
key=$work/pkg/acp-lab.pub

lab_up 3
lab_config >"$work/lab.yaml"
pki=$ACPCTL_HOME/clusters/lab/pki
vip_ctl() { # etcdctl through the VIP with acpctl's admin client certificate
  etcdctl --endpoints "https://$VIP:2379" --cacert "$pki/ca.crt" --cert "$pki/admin.crt" \
    --key "$pki/admin.key" --dial-timeout 2s --command-timeout 4s "$@"
}
apply() { "$acpctl" apply -f "$work/lab.yaml" --package "$pkg" --key "$key" --yes; }
svc_pid() { lab_ssh "$1" sv status "/etc/service/acp-$2" | sed -nE 's/^run: [^(]*\(pid ([0-9]+)\).*/\1/p'; }
all_pids() {
  local x
  for x in 1 2 3; do echo "n$x etcd=$(svc_pid "n$x" etcd) keepalived=$(svc_pid "n$x" keepalived)"; done
}
# The one holder among live hosts, by SSH (what a user would run). Right after a move the
# survivors may still be settling (etcd electing a leader, two masters resolving): up to 5 s
# for exactly one, else fail with what each live host's keepalived logged.
one_holder() {
  local x out holders try
  for ((try = 0; try < 10; try++)); do
    holders=()
    for x in $(vip_live_hosts); do
      out=$(lab_ssh "n$x" ip -o -4 addr show dev eth0) || lab_fail "n$x: ssh failed"
      if grep -qF " $VIP/" <<<"$out"; then holders+=("n$x"); fi
    done
    if [ ${#holders[@]} -eq 1 ]; then
      [ "$try" -eq 0 ] || echo "(the VIP settled on ${holders[0]} after $try retries)" >&2
      echo "${holders[0]}"
      return 0
    fi
    sleep 0.5
  done
  for x in $(vip_live_hosts); do
    echo "--- n$x keepalived log:" >&2
    lab_ssh "n$x" sh -c 'tail -n 30 /var/log/acp/acp-keepalived/current' >&2 || true
  done
  lab_fail "want the VIP on exactly one host, it is on: ${holders[*]:-none}"
}
wait_one_holder() {
  local i
  for ((i = 0; i < 100; i++)); do
    [ -z "$(vip_holders)" ] || break
    sleep 0.1
  done
}

# 1. Apply the HA control plane.
t0=$(now_ns)
apply >"$work/out" 2>"$work/err" || lab_fail "apply failed: $(cat "$work/out" "$work/err")"
wait_one_holder
echo "apply + VIP up: $((($(now_ns) - t0) / 1000000)) ms"
for x in 1 2 3; do
  [ -n "$(svc_pid "n$x" keepalived)" ] || lab_fail "n$x: acp-keepalived is not running"
  lab_ssh "n$x" test -f /etc/acp/keepalived/keepalived.conf -a -x /etc/acp/keepalived/check.sh ||
    lab_fail "n$x: keepalived files missing"
  # lab.sh config names no interface: the one holding the node's address comes from facts.
  lab_ssh "n$x" grep -qx "  interface eth0" /etc/acp/keepalived/keepalived.conf ||
    lab_fail "n$x: keepalived.conf does not use eth0 (the interface holding the node's address)"
done
if grep -qF "$(cat "$LAB_DIR/vrrp-password")" "$work/out" "$work/err"; then
  lab_fail "the VRRP password appears in apply's output"
fi
holder=$(one_holder)
vip_answers || lab_fail "the VIP $VIP does not answer ping"
# etcd answers on the VIP (it listens on every address of a VIP holder), with the client cert.
vip_ctl put /acp/vip-test "through $holder" >/dev/null || lab_fail "put through the VIP $VIP failed"
[ "$(vip_ctl get /acp/vip-test --print-value-only)" = "through $holder" ] ||
  lab_fail "get through the VIP did not return what was put"
if etcdctl --endpoints "https://$VIP:2379" --cacert "$pki/ca.crt" --dial-timeout 2s \
  --command-timeout 3s get /acp/vip-test >/dev/null 2>&1; then
  lab_fail "etcd answered through the VIP without a client certificate"
fi
# acpctl status names the holder and shows the platform services running.
"$acpctl" status -f "$work/lab.yaml" >"$work/status" 2>&1 || lab_fail "status failed: $(cat "$work/status")"
has "$work/status" "VIP $VIP on $holder"
[ "$(grep -c 'acp-keepalived running' "$work/status")" -eq 3 ] ||
  lab_fail "status does not show acp-keepalived running on 3 nodes: $(cat "$work/status")"
[ "$(grep -c 'acp-etcd running' "$work/status")" -eq 3 ] ||
  lab_fail "status does not show acp-etcd running on 3 nodes: $(cat "$work/status")"
ok "apply: keepalived on n1-n3, the VIP on $holder only, it answers ping, put/get through it"

# 2. A re-apply on the converged cluster plans nothing and restarts nothing.
before=$(all_pids)
apply >"$work/noop.out" 2>"$work/noop.err" || lab_fail "re-apply failed: $(cat "$work/noop.err")"
has "$work/noop.out" "No changes."
after=$(all_pids)
[ "$before" = "$after" ] || lab_fail "re-apply restarted something: $before -> $after"
ok "re-apply: no changes, same etcd and keepalived PIDs"

# 3. keepalived stopped on the holder: the VIP moves; a re-apply restarts only that one.
VIP_T0_NS=$(now_ns)
lab_ssh "$holder" sv down /etc/service/acp-keepalived
vip_wait_moved "$holder" 10 || lab_fail "the VIP did not leave $holder after sv down"
ok "keepalived stopped on $holder: the VIP is on $VIP_HOLDER after $VIP_MOVED_MS ms"
apply >"$work/re.out" 2>"$work/re.err" || lab_fail "apply failed: $(cat "$work/re.err")"
has "$work/re.out" "Plan: 0 to create, 0 to change, 1 to restart, 0 to remove."
has "$work/re.out" "keepalived"
[ -n "$(svc_pid "$holder" keepalived)" ] || lab_fail "$holder: apply did not bring keepalived back"
now=$(one_holder)
[ "$now" = "$VIP_HOLDER" ] || lab_fail "the VIP moved back to $now (nopreempt should keep it)"
ok "re-apply: 1 restart, keepalived back on $holder, the VIP stays on $now (nopreempt)"

# 4. etcd stopped on the holder: its health check fails and the VIP moves away.
holder=$now
VIP_T0_NS=$(now_ns)
lab_ssh "$holder" sv down /etc/service/acp-etcd
vip_wait_moved "$holder" 15 || lab_fail "the VIP stayed on $holder with etcd down"
ok "etcd stopped on $holder: the VIP moved to $VIP_HOLDER after $VIP_MOVED_MS ms"
lab_ssh "$holder" sv up /etc/service/acp-etcd
# Back to health before the crash below, which needs both survivors healthy.
for i in $(seq 1 40); do
  if lab_ssh "$holder" /etc/acp/keepalived/check.sh >/dev/null 2>&1; then break; fi
  [ "$i" -lt 40 ] || lab_fail "$holder: etcd is not healthy 20 s after sv up"
  sleep 0.5
done

# 5. The holder's host crashes: the VIP moves to a live host within a few seconds.
holder=$VIP_HOLDER
VIP_T0_NS=$(now_ns)
vip_crash "${holder#n}"
vip_wait_moved "$holder" 10 || lab_fail "the VIP did not move within 10 s of $holder's crash"
now=$(one_holder)
ok "$holder crashed (link down, PID 1 killed): the VIP answers on $now after $VIP_MOVED_MS ms"
