#!/usr/bin/env bash
# Benchmark: the HA control plane (3-member etcd with TLS + keepalived VIP) on the lab.
#   usage: scripts/bench/ha.sh [ACPCTL_BINARY]     (root; BENCH_ROUNDS=5)
# Each round starts a fresh 3-host lab and measures:
#   (a) `acpctl apply` start -> 3 healthy etcd members and the VIP answering   (target < 20 s)
#   (b) VIP failover: the holder's host crashes (link down, PID 1 killed) -> the VIP answers
#       on another host, polled every 50 ms                                    (target < 3 s)
#   (c) write-availability gap when the etcd leader's host dies: leadership is first moved to
#       the VIP holder (etcdctl move-leader), so the crash in (b) kills the leader too; two put
#       loops run, one through the surviving members and one through the VIP; for each, the
#       longest time without a successful put from the crash on.
#   (d) round 1 only: a re-apply on the converged cluster, its time and the services it
#       restarted (must be 0), next to `acpctl exec -- true` as the baseline round trip.
# Prints each round and the medians. Starts its own labs and always tears them down.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
acpctl=$(readlink -f "${1:-$root/build/acpctl}")
rounds=${BENCH_ROUNDS:-5}
# shellcheck source=tests/lab/lib.sh
source "$root/tests/lab/lib.sh"
# shellcheck source=tests/lab/vip_lib.sh
source "$root/tests/lab/vip_lib.sh"
lab_require_root
[ -x "$acpctl" ] || lab_fail "no acpctl binary at $acpctl; build first (ninja -C build acpctl)"
command -v etcdctl >/dev/null || lab_fail "etcdctl is missing; run scripts/setup.sh"
work=$(mktemp -d)
loops=()
lab_cleanup_hook() {
  local p
  for p in "${loops[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
export ACPCTL_HOME=$work/home
# The core package (etcd, etcdctl, keepalived): the HA control plane and nothing else.
ACPCTL=$acpctl bash "$root/scripts/build-lab-package.sh" "$work/pkg" >/dev/null
pkg=$(ls "$work"/pkg/core.amd64.v*.tgz)
key=$work/pkg/acp-lab.pub

ms() { echo $((($(now_ns) - $1) / 1000000)); }
secs() { awk -v ms="$1" 'BEGIN { printf "%.2f s", ms / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# etcdctl from the machine with acpctl's admin client certificate.
pki=$ACPCTL_HOME/clusters/lab/pki
ectl() {
  ETCDCTL_API=3 etcdctl --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
    --dial-timeout 300ms --command-timeout 500ms "$@"
}
members=https://10.88.0.11:2379,https://10.88.0.12:2379,https://10.88.0.13:2379
healthy3() { ectl --endpoints "$members" endpoint health >/dev/null 2>&1; }

# put_loop ENDPOINTS OUT: one put after another; each success appends its time (ms) to OUT.
put_loop() {
  local i=0
  while true; do
    if ectl --endpoints "$1" put bench-key "v$i" >/dev/null 2>&1; then
      echo $(($(now_ns) / 1000000)) >>"$2"
    fi
    i=$((i + 1))
  done
}
# longest_gap FILE FROM_MS: the longest time without a success from FROM_MS (the crash) on,
# the crash itself counting as the last success before it (ms).
longest_gap() {
  awk -v from="$2" 'BEGIN { prev = from } $1 >= from { g = $1 - prev; if (g > max) max = g; prev = $1 }
    END { print max + 0 }' "$1"
}
# endpoint status as "N member_id leader" lines (N: the host number), from -w json.
statuses() {
  ectl --endpoints "$members" endpoint status -w json 2>/dev/null | sed 's/{"Endpoint"/\n&/g' |
    sed -nE 's#.*"Endpoint":"https://10\.88\.0\.1([0-9]):2379".*"member_id":([0-9]+).*"leader":([0-9]+).*#\1 \2 \3#p'
}
leader_host() { statuses | awk '$2 == $3 { print $1; exit }'; }
# Moves etcd's leadership to host N (etcdctl finds the current leader among the endpoints).
move_leader_to() {
  local id
  id=$(ectl --endpoints "$members" member list | awk -F', ' -v n="n$1" '$3 == n { print $1 }')
  [ -n "$id" ] || return 1
  ectl --endpoints "$members" --command-timeout 5s move-leader "$id" >/dev/null 2>&1
}

# Every acp service's PID on the 3 hosts, one "host service=pid" line each.
pids() {
  local x
  for x in 1 2 3; do
    lab_ssh "n$x" sh -c 'sv status /etc/service/acp-*' | sed -nE "s/^run: ([^:]*): \(pid ([0-9]+)\).*/n$x \1=\2/p"
  done
}

apply_ms=() failover_ms=() gap_direct_ms=() gap_vip_ms=()
for ((round = 1; round <= rounds; round++)); do
  lab_up 3 >/dev/null
  VIP_CRASHED=()
  lab_config >"$work/lab.yaml"
  t0=$(now_ns)
  "$acpctl" apply -f "$work/lab.yaml" --package "$pkg" --key "$key" --yes >"$work/apply.out" 2>&1 ||
    lab_fail "apply failed: $(cat "$work/apply.out")"
  until healthy3 && [ -n "$(vip_holders)" ] && vip_answers; do
    [ "$(ms "$t0")" -lt 60000 ] || lab_fail "no healthy etcd with the VIP 60 s after apply"
    sleep 0.05
  done
  apply_ms+=("$(ms "$t0")")

  if [ "$round" -eq 1 ]; then
    before=$(pids)
    t0=$(now_ns)
    "$acpctl" apply -f "$work/lab.yaml" --package "$pkg" --key "$key" --yes >"$work/noop.out" 2>&1
    noop=$(ms "$t0")
    restarts=$(diff <(echo "$before") <(pids) | grep -c '^>' || true)
    t0=$(now_ns)
    "$acpctl" exec -f "$work/lab.yaml" -- true >/dev/null 2>&1
    base=$(ms "$t0")
  fi

  # The put loops start before the crash; gaps are counted from the crash on.
  holder=$(vip_holders)
  if [ "$(leader_host)" != "${holder#n}" ]; then
    move_leader_to "${holder#n}" || lab_fail "round $round: etcdctl move-leader to $holder failed"
  fi
  leader=$(leader_host) || leader=""
  rest=$(for x in 1 2 3; do [ "n$x" = "$holder" ] || printf 'https://10.88.0.1%s:2379,' "$x"; done)
  : >"$work/direct.puts"
  : >"$work/vip.puts"
  put_loop "${rest%,}" "$work/direct.puts" &
  loops+=($!)
  put_loop "https://$VIP:2379" "$work/vip.puts" &
  loops+=($!)
  sleep 1
  crash_ms=$(($(now_ns) / 1000000))
  VIP_T0_NS=$(now_ns)
  vip_crash "${holder#n}"
  vip_wait_moved "$holder" 15 || lab_fail "round $round: the VIP did not move after $holder crashed"
  failover_ms+=("$VIP_MOVED_MS")
  sleep 3
  for p in "${loops[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  loops=()
  gd=$(longest_gap "$work/direct.puts" "$crash_ms")
  gv=$(longest_gap "$work/vip.puts" "$crash_ms")
  gap_direct_ms+=("$gd")
  gap_vip_ms+=("$gv")
  printf 'round %s: apply->healthy+VIP %s | crash of %s (etcd leader: n%s) -> VIP on %s after %s | longest write gap: surviving members %s, VIP %s\n' \
    "$round" "$(secs "${apply_ms[-1]}")" "$holder" "${leader:-?}" "$VIP_HOLDER" \
    "$(secs "$VIP_MOVED_MS")" "$(secs "$gd")" "$(secs "$gv")"
  lab_down >/dev/null
done

a=$(median "${apply_ms[@]}")
fo=$(median "${failover_ms[@]}")
echo "== HA control plane on 3 lab hosts, median of $rounds fresh labs"
printf '(a) apply start -> 3 healthy etcd members + VIP: %s  (target 20 s: ratio %s)\n' "$(secs "$a")" "$(ratio "$a" 20000)"
printf '(b) VIP failover after a host crash:             %s  (target 3 s: ratio %s)\n' "$(secs "$fo")" "$(ratio "$fo" 3000)"
printf '(c) longest write gap, leader+holder host crash: %s via the surviving members, %s via the VIP (etcd alone, lab.md: 1.2 s)\n' \
  "$(secs "$(median "${gap_direct_ms[@]}")")" "$(secs "$(median "${gap_vip_ms[@]}")")"
printf '(d) re-apply on the converged cluster:           %s, %s restarts; exec -- true (baseline) %s, ratio %s\n' \
  "$(secs "$noop")" "$restarts" "$(secs "$base")" "$(ratio "$noop" "$base")"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
