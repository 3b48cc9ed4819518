#!/usr/bin/env bash
# Benchmark: targeted patches with `acpctl upgrade` on a 3-host lab (the base is the lab demo
# package `build-lab-package.sh OUTDIR demo 1.0.0`; the patches come from packages/lab-patch/).
#   usage: scripts/bench/upgrade.sh [ACPCTL_BINARY]     (root; BENCH_PAD_KIB=8192)
# Measures, against targets:
#   (1) bytes the workstation sent into the lab during `upgrade apply` of the hello patch, next
#       to the bytes of the changed component (hello's files x 3 nodes; hello carries
#       BENCH_PAD_KIB KiB of random bytes so that the payload outweighs SSH's own traffic)
#       (target <= 1.05x), and next to `scp` of the same files to the 3 nodes (the baseline).
#       "Sent" is the growth of acpbr0's tx_bytes: the bridge counts only what the root
#       namespace itself sends into the lab, not etcd's or keepalived's traffic between nodes.
#       The sum of the nodes' eth0 rx_bytes, which does include that traffic, is shown too;
#   (2) restarts of components the patch leaves alone or only relabels: PID changes of etcd,
#       keepalived and steady (target 0);
#   (3) wall time of that `upgrade apply` on 3 nodes (target < 10 s);
#   (4) the etcd patch's rolling upgrade, and its rollback, while a writer puts keys through
#       the VIP: failed writes and the longest gap between successful writes (target < 3 s).
# Starts its own lab and always tears it down; talks only to the lab.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
acpctl=$(readlink -f "${1:-$root/build/ci/acpctl}")
pad_kib=${BENCH_PAD_KIB:-8192}
# shellcheck source=tests/lab/lib.sh
source "$root/tests/lab/lib.sh"
# shellcheck source=tests/lab/vip_lib.sh
source "$root/tests/lab/vip_lib.sh"
lab_require_root
[ -x "$acpctl" ] || lab_fail "no acpctl binary at $acpctl; build first"
command -v etcdctl >/dev/null || lab_fail "etcdctl is missing; run scripts/setup.sh"
work=$(mktemp -d)
export ACPCTL_HOME=$work/home
# shellcheck source=tests/lab/writer_lib.sh
source "$root/tests/lab/writer_lib.sh"
lab_cleanup_hook() {
  writer_stop
  rm -rf "$work"
}

build() {
  ACPCTL=$acpctl bash "$root/scripts/build-lab-package.sh" "$work/$1" "${@:2}" >"$work/build-$1.log" 2>&1 ||
    lab_fail "building $1 failed: $(cat "$work/build-$1.log")"
}
build base demo 1.0.0
LAB_PATCH_PAD_KIB=$pad_kib build hello patch hello
build etcd patch etcd
key=$work/base/acp-lab.pub
pkg() { ls "$work/$1"/core.amd64.v*.tgz; }
upgrade() { "$acpctl" upgrade "$1" -f "$work/lab.yaml" --package "$(pkg "$2")" --key "$key" --yes; }

ms_since() { echo $((($(now_ns) - $1) / 1000000)); }
secs() { awk -v ms="$1" 'BEGIN { printf "%.2f s", ms / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
kib() { awk -v b="$1" 'BEGIN { printf "%.1f KiB", b / 1024 }'; }
bridge_tx() { cat /sys/class/net/acpbr0/statistics/tx_bytes; }
nodes_rx() {
  local x sum=0
  for x in 1 2 3; do
    sum=$((sum + $(ip netns exec "acplab-n$x" cat /sys/class/net/eth0/statistics/rx_bytes)))
  done
  echo "$sum"
}
# "node service=pid" for every acp service on the 3 nodes.
pids() {
  local x
  for x in 1 2 3; do
    lab_ssh "n$x" sh -c 'sv status /etc/service/acp-*' | sed -nE "s/^run: ([^:]*): \(pid ([0-9]+)\).*/n$x \1=\2/p"
  done
}
# restarts BEFORE AFTER SERVICE...: how many of SERVICE's PIDs differ between two pids outputs.
restarts() {
  local before=$1 after=$2 s n=0 x b a
  shift 2
  for s in "$@"; do
    for x in 1 2 3; do
      b=$(grep -E "^n$x .*/acp-$s=" <<<"$before" || true)
      a=$(grep -E "^n$x .*/acp-$s=" <<<"$after" || true)
      [ "$a" = "$b" ] || n=$((n + 1))
    done
  done
  echo "$n"
}

lab_up 3 >/dev/null
lab_config >"$work/lab.yaml"
"$acpctl" apply -f "$work/lab.yaml" --package "$(pkg base)" --key "$key" --yes >"$work/apply.out" 2>&1 ||
  lab_fail "apply of the base failed: $(cat "$work/apply.out")"

# The changed component's bytes: hello's files in the hello patch, on 3 nodes.
"$acpctl" -o json package show --all "$(pkg hello)" >"$work/hello.json"
hello_bytes=$(python3 -c '
import json, sys
c = [c for c in json.load(open(sys.argv[1]))["manifest"]["components"] if c["name"] == "hello"][0]
print(sum(f.get("size", 0) for f in c["files"]))' "$work/hello.json")
payload=$((hello_bytes * 3))

# (1)-(3): the hello patch.
before=$(pids)
tx0=$(bridge_tx) rx0=$(nodes_rx) t0=$(now_ns)
upgrade apply hello >"$work/hello.out" 2>&1 || lab_fail "upgrade apply of the hello patch failed: $(cat "$work/hello.out")"
hello_ms=$(ms_since "$t0")
sent=$(($(bridge_tx) - tx0)) node_rx=$(($(nodes_rx) - rx0))
after=$(pids)
unchanged_restarts=$(restarts "$before" "$after" etcd keepalived steady)
hello_restarts=$(restarts "$before" "$after" hello)

# The baseline: scp of the same files (unpacked from the patch) to the 3 nodes, measured alike.
"$acpctl" package unpack "$(pkg hello)" -C "$work/unpacked" --component hello --key "$key" >/dev/null
mapfile -t files < <(find "$work/unpacked" -type f -path '*hello*')
[ "${#files[@]}" -gt 0 ] || lab_fail "unpacking hello from the patch gave no files"
tx0=$(bridge_tx) rx0=$(nodes_rx) t0=$(now_ns)
for x in 1 2 3; do
  scp -q -i "$LAB_KEY" -o IdentitiesOnly=yes -o UserKnownHostsFile="$LAB_KNOWN_HOSTS" \
    -o StrictHostKeyChecking=yes -o BatchMode=yes "${files[@]}" "root@$(lab_ip "$x"):/var/tmp/" ||
    lab_fail "scp to n$x failed"
done
scp_ms=$(ms_since "$t0")
scp_sent=$(($(bridge_tx) - tx0)) scp_rx=$(($(nodes_rx) - rx0))
echo "hello patch: $(secs "$hello_ms"), sent $(kib "$sent") for $(kib "$payload") of hello; scp $(kib "$scp_sent") in $(secs "$scp_ms")"

# (4): the etcd patch and its rollback under writes through the VIP.
gaps=()
for step in apply rollback; do
  before=$(pids)
  writer_start "$work/writes-$step"
  sleep 1
  t0=$(now_ns)
  set_now_ms
  t0_ms=$NOW_MS
  rc=0
  # acpctl's progress (stderr) through stamp; under pipefail rc is acpctl's.
  if [ "$step" = apply ]; then
    { upgrade apply etcd 2>&1 >"$work/etcd.out"; } | stamp "$t0_ms" >"$work/etcd.err" || rc=$?
  else
    { "$acpctl" upgrade rollback -f "$work/lab.yaml" --yes 2>&1 >"$work/etcd.out"; } |
      stamp "$t0_ms" >"$work/etcd.err" || rc=$?
  fi
  [ "$rc" = 0 ] || lab_fail "upgrade $step of the etcd patch failed: $(cat "$work/etcd.out" "$work/etcd.err")"
  ms=$(ms_since "$t0")
  sleep 1
  writer_stop
  writer_report "$work/writes-$step"
  report=$WRITER_SUMMARY
  after=$(pids)
  gaps+=("$step|$ms|$WRITER_WRITES|$WRITER_FAILED|$WRITER_RETRIED|$WRITER_GAP_MS|$(restarts "$before" "$after" etcd)|$(restarts "$before" "$after" keepalived hello steady)")
  echo "etcd patch $step: $(secs "$ms"); writer: $report; in ms since acpctl started:"
  writer_timeline "$work/writes-$step" "$t0_ms" | sed 's/^/  /'
  grep -E '^ *[0-9]+ \[n[0-9]\] etcd: ' "$work/etcd.err" | sed 's/^ */  acpctl at /' || true
done

echo
echo "== acpctl upgrade on 3 lab hosts (hello carries $pad_kib KiB of padding)"
printf '%-56s %-36s %s\n' "measure" "value" "target"
printf '%-56s %-36s %s\n' "(1) bytes sent by upgrade apply (hello patch) / payload" \
  "$(kib "$sent") / $(kib "$payload") = $(ratio "$sent" "$payload")" "<= 1.05"
printf '%-56s %-36s %s\n' "    same, scp of hello's files to 3 nodes (baseline)" \
  "$(kib "$scp_sent") = $(ratio "$scp_sent" "$payload")" "-"
printf '%-56s %-36s %s\n' "    upgrade apply / scp" "$(ratio "$sent" "$scp_sent")" "-"
printf '%-56s %-36s %s\n' "    nodes' eth0 rx (incl. etcd/VRRP between nodes)" \
  "$(kib "$node_rx"); scp $(kib "$scp_rx")" "-"
printf '%-56s %-36s %s\n' "(2) restarts of etcd, keepalived, steady (hello: $hello_restarts)" "$unchanged_restarts" "0"
printf '%-56s %-36s %s\n' "(3) wall time of upgrade apply (hello patch, 3 nodes)" "$(secs "$hello_ms")" "< 10 s"
for g in "${gaps[@]}"; do
  IFS='|' read -r step ms writes failed retried gap etcd_restarts other_restarts <<<"$g"
  printf '%-56s %-36s %s\n' "(4) etcd patch $step: longest write gap via the VIP" "$(secs "$gap")" "< 3 s"
  printf '%-56s %-36s %s\n' "    failed writes (of $writes; attempts tried again)" "$failed ($retried)" "0"
  printf '%-56s %-36s %s\n' "    wall time; etcd restarts; other restarts" "$(secs "$ms"); $etcd_restarts; $other_restarts" "-; 3; <= 1 (keepalived on the VIP holder)"
done
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
