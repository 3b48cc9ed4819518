#!/usr/bin/env bash
# Benchmark: acpctl's SSH upload against scp, and `acpctl exec -- true` latency, on a 3-host lab.
#   usage: scripts/bench/upload.sh [ACPCTL_BINARY]     (root; BENCH_SIZE=1G, BENCH_ROUNDS=1)
# In one run: the same random file (1 GiB) to 1 host and to 3 hosts in parallel, with acpctl
# upload, with scp using the cipher and MAC both support (aes128-ctr, hmac-sha2-256) and with
# scp's defaults; then `acpctl exec -- true` on 3 hosts next to 3 parallel `ssh HOST true`.
# Prints each time and the ratio acpctl/scp (below 1.0: acpctl is faster). With several rounds
# the best time of each is kept. Starts its own lab and always tears it down.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
acpctl=$(readlink -f "${1:-$root/build/acpctl}")
size=${BENCH_SIZE:-1G}
rounds=${BENCH_ROUNDS:-1}
# shellcheck source=tests/lab/lib.sh
source "$root/tests/lab/lib.sh"
lab_require_root
[ -x "$acpctl" ] || lab_fail "no acpctl binary at $acpctl; build first (ninja -C build acpctl)"

# On disk, not in /tmp: the file is large.
work=$(mktemp -d /var/tmp/acpctl-bench.XXXXXX)
lab_cleanup_hook() { rm -rf "$work"; }

lab_up 3
# Every host as root, so acpctl and scp write the same way.
lab_config | sed '/^      user: acp$/,+2d' >"$work/lab.yaml"
"$acpctl" validate -f "$work/lab.yaml" >/dev/null
echo "bench: creating a $size random file"
head -c "$size" /dev/urandom >"$work/file"
cat "$work/file" >/dev/null # warm the page cache for every contender alike

ssh_opts=(-i "$LAB_KEY" -o IdentitiesOnly=yes -o UserKnownHostsFile="$LAB_KNOWN_HOSTS"
  -o StrictHostKeyChecking=yes -o BatchMode=yes -o LogLevel=ERROR)
same_cipher=(-c aes128-ctr -o MACs=hmac-sha2-256)

now_ms() { echo $(($(date +%s%N) / 1000000)); }
clean_hosts() { for x in 1 2 3; do lab_ssh "n$x" sh -c 'rm -f /root/bench-*'; done; }

declare -A best
# measure NAME CMD...: runs CMD on clean hosts, keeps the best time of NAME in ms.
measure() {
  local name=$1 start took
  shift
  clean_hosts
  sync
  start=$(now_ms)
  "$@" >/dev/null 2>"$work/err" || lab_fail "$name failed: $(cat "$work/err")"
  took=$(($(now_ms) - start))
  echo "bench: $name: $took ms"
  if [ -z "${best[$name]:-}" ] || [ "$took" -lt "${best[$name]}" ]; then best[$name]=$took; fi
}

acpctl_up() { "$acpctl" upload -f "$work/lab.yaml" --nodes "$1" "$work/file" /root/bench-file; }
scp_to() { # scp_to HOSTS [scp options]
  local hosts=$1 x pids=()
  shift
  for x in ${hosts//,/ }; do
    scp -q "${ssh_opts[@]}" "$@" "$work/file" "root@$(lab_ip "${x#n}"):/root/bench-file" &
    pids+=($!)
  done
  for x in "${pids[@]}"; do wait "$x" || return 1; done
}
ssh_true() {
  local x pids=()
  for x in 1 2 3; do
    ssh "${ssh_opts[@]}" "root@$(lab_ip "$x")" true &
    pids+=($!)
  done
  for x in "${pids[@]}"; do wait "$x" || return 1; done
}

for ((r = 1; r <= rounds; r++)); do
  for hosts in n1 n1,n2,n3; do
    measure "acpctl $hosts" acpctl_up "$hosts"
    measure "scp-same $hosts" scp_to "$hosts" "${same_cipher[@]}"
    measure "scp-default $hosts" scp_to "$hosts"
  done
done
clean_hosts
for ((r = 1; r <= 5; r++)); do
  measure "exec" "$acpctl" exec -f "$work/lab.yaml" -- true
  measure "ssh-true" ssh_true
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
secs() { awk -v a="$1" 'BEGIN { printf "%.2f s", a / 1000 }'; }
echo
echo "== upload of $size (cipher aes128-ctr + hmac-sha2-256 for 'same'; scp default: $(ssh -G -F none 10.88.0.11 </dev/null 2>/dev/null | sed -n 's/^ciphers //p' | cut -d, -f1))"
printf '%-8s  %10s  %14s  %6s  %14s  %6s\n' hosts acpctl scp-same ratio scp-default ratio
for hosts in n1 n1,n2,n3; do
  a=${best["acpctl $hosts"]} s=${best["scp-same $hosts"]} d=${best["scp-default $hosts"]}
  printf '%-8s  %10s  %14s  %6s  %14s  %6s\n' "$(tr ',' '\n' <<<"$hosts" | wc -l) host(s)" \
    "$(secs "$a")" "$(secs "$s")" "$(ratio "$a" "$s")" "$(secs "$d")" "$(ratio "$a" "$d")"
done
echo
echo "== acpctl exec -- true on 3 hosts (best of 5; includes connecting)"
printf 'acpctl exec: %s   3 x ssh true in parallel: %s   ratio %s   (target: under 1 s)\n' \
  "$(secs "${best[exec]}")" "$(secs "${best[ssh-true]}")" "$(ratio "${best[exec]}" "${best[ssh-true]}")"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
